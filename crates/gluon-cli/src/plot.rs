//! `training.png`: loss and metric curves by epoch, and the ROC curve.

use crate::output;
use anyhow::{anyhow, Context, Result};
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

/// The figure's size in pixels.
pub const SIZE: (u32, u32) = (1500, 600);

/// One epoch's figures, as plotted.
#[derive(Debug, Clone)]
pub struct EpochPoint {
    /// 0-based epoch.
    pub epoch: usize,
    /// Mean training loss.
    pub train_loss: f64,
    /// Mean validation loss, when there is a validation set.
    pub val_loss: Option<f64>,
    /// Validation accuracy.
    pub accuracy: Option<f64>,
    /// Validation F1.
    pub f1: Option<f64>,
    /// Validation ROC AUC.
    pub roc_auc: Option<f64>,
}

static FONT: Once = Once::new();

/// Registers the bundled DejaVu Sans as "sans-serif", so text needs no system fonts.
fn register_font() -> Result<()> {
    let mut result = Ok(());
    FONT.call_once(|| {
        let bytes: &'static [u8] = include_bytes!("../assets/DejaVuSans.ttf");
        result = plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
            .map_err(|_| anyhow!("the bundled font could not be loaded"));
    });
    result
}

/// Draws the figure to `path` (written atomically); `rows_name` names the rows the metrics
/// and the ROC curve were computed on (`validation`, or `training` without a validation set).
pub fn draw(
    path: &Path,
    history: &[EpochPoint],
    roc: &[(f64, f64)],
    rows_name: &str,
) -> Result<()> {
    register_font()?;
    let temporary = output::temporary_path(path);
    let result = render(&temporary, history, roc, rows_name);
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result.with_context(|| format!("cannot draw {}", path.display()))?;
    output::commit(&temporary, path)
}

fn render(path: &Path, history: &[EpochPoint], roc: &[(f64, f64)], rows_name: &str) -> Result<()> {
    let root = BitMapBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let panels = root.split_evenly((1, 3));
    draw_losses(&panels[0], history)?;
    draw_metrics(&panels[1], history, rows_name)?;
    draw_roc(&panels[2], roc, rows_name)?;
    root.present()?;
    Ok(())
}

type Panel<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

fn epochs_range(history: &[EpochPoint]) -> std::ops::Range<f64> {
    let first = history.first().map_or(0, |p| p.epoch);
    let last = history.last().map_or(1, |p| p.epoch).max(first + 1);
    first as f64..last as f64
}

fn series(history: &[EpochPoint], value: impl Fn(&EpochPoint) -> Option<f64>) -> Vec<(f64, f64)> {
    history
        .iter()
        .filter_map(|p| {
            value(p)
                .filter(|v| v.is_finite())
                .map(|v| (p.epoch as f64, v))
        })
        .collect()
}

fn draw_losses(panel: &Panel, history: &[EpochPoint]) -> Result<()> {
    let train = series(history, |p| Some(p.train_loss));
    let val = series(history, |p| p.val_loss);
    let top = train
        .iter()
        .chain(&val)
        .map(|&(_, v)| v)
        .fold(0.0f64, f64::max)
        .max(1e-3)
        * 1.1;
    let mut chart = ChartBuilder::on(panel)
        .caption("Loss", ("sans-serif", 24))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(epochs_range(history), 0.0..top)?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .x_label_formatter(&|epoch| format!("{epoch:.0}"))
        .y_desc("mean loss")
        .draw()?;
    line(&mut chart, train, BLUE, "training")?;
    line(&mut chart, val, RED, "validation")?;
    legend(&mut chart, SeriesLabelPosition::UpperRight)
}

fn draw_metrics(panel: &Panel, history: &[EpochPoint], rows_name: &str) -> Result<()> {
    let mut chart = ChartBuilder::on(panel)
        .caption(format!("Metrics ({rows_name} rows)"), ("sans-serif", 24))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(epochs_range(history), 0.0..1.05)?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .x_label_formatter(&|epoch| format!("{epoch:.0}"))
        .y_desc("score")
        .draw()?;
    line(
        &mut chart,
        series(history, |p| p.accuracy),
        BLUE,
        "accuracy",
    )?;
    line(&mut chart, series(history, |p| p.f1), RED, "F1")?;
    line(&mut chart, series(history, |p| p.roc_auc), GREEN, "ROC AUC")?;
    legend(&mut chart, SeriesLabelPosition::LowerRight)
}

fn draw_roc(panel: &Panel, roc: &[(f64, f64)], rows_name: &str) -> Result<()> {
    let mut chart = ChartBuilder::on(panel)
        .caption(format!("ROC curve ({rows_name} rows)"), ("sans-serif", 24))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
    chart
        .configure_mesh()
        .x_desc("false positive rate")
        .y_desc("true positive rate")
        .draw()?;
    line(
        &mut chart,
        vec![(0.0, 0.0), (1.0, 1.0)],
        RGBColor(160, 160, 160),
        "chance",
    )?;
    line(&mut chart, roc.to_vec(), BLUE, "model")?;
    legend(&mut chart, SeriesLabelPosition::LowerRight)
}

type Chart<'a, 'b> = ChartContext<
    'a,
    BitMapBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

fn line<'a, 'b: 'a>(
    chart: &mut Chart<'a, 'b>,
    points: Vec<(f64, f64)>,
    color: RGBColor,
    label: &str,
) -> Result<()> {
    if points.is_empty() {
        return Ok(());
    }
    chart
        .draw_series(LineSeries::new(points, color.stroke_width(2)))?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
    Ok(())
}

fn legend<'a, 'b: 'a>(chart: &mut Chart<'a, 'b>, position: SeriesLabelPosition) -> Result<()> {
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(position)
        .draw()?;
    Ok(())
}
