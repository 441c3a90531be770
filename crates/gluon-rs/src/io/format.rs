//! The constants of MXNet's parameter file layout, shared by the reader and the writer.
//!
//! ```text
//! file   := u64 LIST_MAGIC, u64 0, u64 N, record × N, u64 K (0 or N), name × K
//! name   := u64 byte length, UTF-8 bytes
//! record := u32 magic, i32 storage type (not in V1), i32 ndim, i64 dim × ndim,
//!           [i32 dev_type, i32 dev_id, i32 dtype code, elements]   (absent for none arrays)
//! ```
//!
//! The pre-V1 legacy record has no magic: it starts with a u32 ndim and u32 dims.

/// The first eight bytes of every parameter file.
pub(crate) const LIST_MAGIC: u64 = 0x112;

/// Record magic of V1: 64-bit dims, no storage type.
pub(crate) const V1_MAGIC: u32 = 0xF993_FAC8;

/// Record magic of V2: adds the storage type; classic shape semantics.
pub(crate) const V2_MAGIC: u32 = 0xF993_FAC9;

/// Record magic of V3: numpy shape semantics, where ndim 0 is a scalar.
pub(crate) const V3_MAGIC: u32 = 0xF993_FACA;

/// Storage type of a dense array.
pub(crate) const DENSE_STORAGE: i32 = 0;

/// Storage type MXNet reports for an array without storage.
pub(crate) const UNDEFINED_STORAGE: i32 = -1;

/// MXNet's device type code for the CPU; files are always written from `cpu(0)`.
pub(crate) const CPU_DEVICE_TYPE: i32 = 1;

/// The largest ndim accepted for a pre-V1 legacy record. Its first word doubles as the
/// record magic, so a larger value is reported as an unknown magic rather than a shape.
pub(crate) const MAX_LEGACY_NDIM: u32 = 32;

/// The smallest possible record (a legacy none array: just its u32 ndim), used to bound
/// the array count by the bytes that remain before allocating.
pub(crate) const MIN_RECORD_BYTES: usize = 4;

/// The smallest possible name: its u64 length.
pub(crate) const MIN_NAME_BYTES: usize = 8;
