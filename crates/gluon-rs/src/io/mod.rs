//! MXNet parameter files (`.params`): reading and writing every dtype, as `nd.save` and
//! `nd.load`.
//!
//! The format is MXNet 1.x's own (see `format.rs` for the layout): files written here are
//! byte-identical to MXNet 1.9.1's for the same content, and every MXNet file with dense
//! arrays of the dtypes in [`DType`] reads back exactly.
//!
//! Two levels:
//! - [`save`], [`save_list`], [`load`] and [`load_list`] move `f32` [`NDArray`]s, converting
//!   other dtypes exactly or failing (also reachable as `nd::save` and `nd::load`);
//! - [`read_params`], [`write_params`], [`decode_params`] and [`encode_params`] move a
//!   [`ParamList`] of [`RawArray`]s, which keep each file's dtypes and values bit for bit.
//!
//! Every write goes through [`write_atomically`], so a crash never leaves half a file.
//!
//! ```
//! use gluon_rs::io::{self, DType, ParamList, RawArray};
//!
//! # fn main() -> Result<(), gluon_rs::Error> {
//! # let dir = std::env::temp_dir().join(format!("gluon-rs-io-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).map_err(|e| gluon_rs::Error::io(&dir, e))?;
//! let path = dir.join("mixed.params");
//! let list = ParamList::named(vec![
//!     ("ids", RawArray::new(&[3], vec![3i64, 1, 2])),
//!     ("scale", RawArray::new(&[1], vec![0.25f64])),
//! ]);
//! io::write_params(&path, &list)?;
//!
//! let back = io::read_params(&path)?;
//! assert_eq!(back, list);
//! assert_eq!(back.get("ids").map(|a| a.dtype()), Some(DType::Int64));
//! # std::fs::remove_dir_all(&dir).map_err(|e| gluon_rs::Error::io(&dir, e))?;
//! # Ok(())
//! # }
//! ```
//!
//! [`NDArray`]: crate::nd::NDArray

mod atomic;
mod convert;
mod cursor;
mod dtype;
mod format;
mod half;
mod ndarray_files;
mod param_list;
mod raw_array;
mod reader;
mod writer;

pub use atomic::write_atomically;
pub use dtype::DType;
pub use half::{f16_bits_to_f32, f32_to_f16_bits};
pub use ndarray_files::{load, load_list, save, save_list};
pub use param_list::{ParamList, RecordVersion};
pub use raw_array::{RawArray, RawData};
pub use reader::{decode_params, read_params};
pub use writer::{encode_params, write_params};
