//! `gluon-rs demo` runs the seed program: repeatable, in the tutorial's format, and learning.

use std::process::Command;

fn run_demo() -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_gluon-rs"))
        .arg("demo")
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The numbers of one line `Epoch: 0, Training loss: 0.43, Validation loss: 0.36,
/// Validation accuracy: 0.85, F1 score: 0.00`, checking the wording on the way.
fn parse_line(line: &str) -> (usize, [f64; 4]) {
    let labels = [
        "Epoch: ",
        ", Training loss: ",
        ", Validation loss: ",
        ", Validation accuracy: ",
        ", F1 score: ",
    ];
    let mut rest = line;
    let mut fields = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        rest = rest
            .strip_prefix(label)
            .unwrap_or_else(|| panic!("{line:?} lacks {label:?}"));
        let end = labels
            .get(i + 1)
            .and_then(|next| rest.find(next))
            .unwrap_or(rest.len());
        fields.push(&rest[..end]);
        rest = &rest[end..];
    }
    let epoch = fields[0].parse().expect("an epoch number");
    let mut values = [0.0; 4];
    for (value, text) in values.iter_mut().zip(&fields[1..]) {
        assert_eq!(
            text.split('.').nth(1).map(str::len),
            Some(2),
            "two decimals in {line:?}"
        );
        *value = text.parse().expect("a number");
    }
    (epoch, values)
}

#[test]
fn demo_is_repeatable_and_learns() {
    let first = run_demo();
    let second = run_demo();

    assert_eq!(first, second, "the seed fixes every number");
    let lines: Vec<(usize, [f64; 4])> = first.lines().map(parse_line).collect();
    assert_eq!(lines.len(), 10);
    assert!(lines.iter().enumerate().all(|(i, (epoch, _))| *epoch == i));
    let (first_loss, last_loss) = (lines[0].1[0], lines[9].1[0]);
    assert!(
        last_loss < first_loss,
        "training loss {first_loss} -> {last_loss}"
    );
    assert!(
        lines[9].1[2] >= 0.93,
        "final validation accuracy {}",
        lines[9].1[2]
    );
}
