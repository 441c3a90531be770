//! Fuzzing the parameter-file reader: MXNet's fixture files, mutated by bit flips,
//! truncations, inserted bytes and overwritten header fields, must never make the reader
//! panic or allocate much more than the input's size.
//!
//! A counting allocator records the largest single allocation made on the decoding thread,
//! so the bound is measured, not assumed. Inputs that once broke the reader are kept below
//! as named regression tests.

use gluon_rs::io::{decode_params, encode_params};
use proptest::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;

/// Wraps the system allocator and records, per thread, the largest request while tracking.
struct PeakTracker;

thread_local! {
    // Const-initialised without a destructor, so reading it inside the allocator cannot
    // itself allocate.
    static TRACKING: Cell<bool> = const { Cell::new(false) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    if TRACKING.with(Cell::get) {
        PEAK.with(|peak| peak.set(peak.get().max(size)));
    }
}

// The allocator trait is unsafe to implement; this one only forwards to `System` after
// recording the requested size.
#[allow(unsafe_code)]
mod allocator {
    use super::*;

    // SAFETY: every method forwards its arguments unchanged to the system allocator, which
    // upholds GlobalAlloc's contract; `note` neither allocates nor unwinds.
    unsafe impl GlobalAlloc for PeakTracker {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            note(layout.size());
            // SAFETY: forwarded unchanged; the caller upholds alloc's contract.
            unsafe { System.alloc(layout) }
        }

        unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
            // SAFETY: `pointer` came from `System` through this allocator with `layout`.
            unsafe { System.dealloc(pointer, layout) }
        }

        unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            note(new_size);
            // SAFETY: forwarded unchanged; the caller upholds realloc's contract.
            unsafe { System.realloc(pointer, layout, new_size) }
        }
    }

    #[global_allocator]
    static GLOBAL: PeakTracker = PeakTracker;
}

/// Decodes `bytes` and returns the largest single allocation it made. On success the list
/// must also survive an encode and decode unchanged.
fn decode_measured(bytes: &[u8]) -> usize {
    PEAK.with(|peak| peak.set(0));
    TRACKING.with(|tracking| tracking.set(true));
    let result = decode_params(bytes, "fuzz.params");
    TRACKING.with(|tracking| tracking.set(false));
    let peak = PEAK.with(Cell::get);

    if let Ok(list) = result {
        let encoded = encode_params(&list, "fuzz.params").expect("a decoded list encodes");
        let again = decode_params(&encoded, "fuzz.params").expect("an encoded list decodes");
        assert_eq!(again, list, "decode(encode(list)) differs from list");
    }
    peak
}

/// Every allocation is bounded by the input: element data and names are at most its
/// length, and the per-record bookkeeping at most a small multiple of it.
fn allocation_bound(input_len: usize) -> usize {
    16 * input_len + 4096
}

fn fixtures() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mxnet/params_format");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "params"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| std::fs::read(path).unwrap())
        .collect()
}

/// One change to a file.
#[derive(Debug, Clone)]
enum Mutation {
    FlipBit {
        position: usize,
        bit: u8,
    },
    Truncate {
        length: usize,
    },
    Insert {
        position: usize,
        bytes: Vec<u8>,
    },
    /// Overwrites 4 or 8 bytes at `position` with a value chosen to hit size fields.
    Overwrite {
        position: usize,
        value: u64,
        wide: bool,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let interesting = prop_oneof![
        Just(0u64),
        Just(1),
        Just(7),
        Just(0x112),
        Just(0xF993_FAC8),
        Just(0xF993_FACA),
        Just(u64::from(u32::MAX)),
        Just(i32::MAX as u64),
        Just(u64::MAX),
        Just(1 << 40),
        Just(1 << 62),
        any::<u64>(),
    ];
    prop_oneof![
        (any::<usize>(), 0..8u8).prop_map(|(position, bit)| Mutation::FlipBit { position, bit }),
        any::<usize>().prop_map(|length| Mutation::Truncate { length }),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(position, bytes)| Mutation::Insert { position, bytes }),
        (any::<usize>(), interesting, any::<bool>()).prop_map(|(position, value, wide)| {
            Mutation::Overwrite {
                position,
                value,
                wide,
            }
        }),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    match *mutation {
        Mutation::FlipBit { position, bit } => {
            let at = position % bytes.len();
            bytes[at] ^= 1 << bit;
        }
        Mutation::Truncate { length } => bytes.truncate(length % bytes.len()),
        Mutation::Insert {
            position,
            bytes: ref inserted,
        } => {
            let at = position % (bytes.len() + 1);
            bytes.splice(at..at, inserted.iter().copied());
        }
        Mutation::Overwrite {
            position,
            value,
            wide,
        } => {
            let width = if wide { 8 } else { 4 };
            if bytes.len() >= width {
                // Fields sit at multiples of 4 bytes in these files, so aim there.
                let at = (position % (bytes.len() - width + 1)) / 4 * 4;
                bytes[at..at + width].copy_from_slice(&value.to_le_bytes()[..width]);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn mutated_fixtures_never_panic_or_over_allocate(
        index in 0..9usize,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let fixtures = fixtures();
        let mut bytes = fixtures[index % fixtures.len()].clone();
        for mutation in &mutations {
            apply(&mut bytes, mutation);
        }

        let peak = decode_measured(&bytes);

        prop_assert!(
            peak <= allocation_bound(bytes.len()),
            "{} bytes allocated for a {}-byte input", peak, bytes.len()
        );
    }

    #[test]
    fn random_bytes_after_a_valid_header_never_panic(
        tail in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let mut bytes = 0x112u64.to_le_bytes().to_vec();
        bytes.extend(tail);

        let peak = decode_measured(&bytes);

        prop_assert!(peak <= allocation_bound(bytes.len()));
    }
}

#[test]
fn unmutated_fixtures_stay_within_the_bound() {
    for bytes in fixtures() {
        let peak = decode_measured(&bytes);

        assert!(
            peak <= allocation_bound(bytes.len()),
            "{peak} for {}",
            bytes.len()
        );
    }
}
