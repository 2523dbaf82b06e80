//! What leaves the app and comes back: the export and import formats, each
//! a module of the same shape listed in the [`registry`], and the
//! localStorage schema ([`stored`]). Each is pure encode/decode over the
//! model; none touches the browser.

pub mod brat;
pub mod conll;
pub mod doccano;
mod file;
mod hypothesis;
mod json;
pub mod labelstudio;
pub mod native;
pub mod registry;
pub mod spacy;
mod split_fields;
pub mod stored;
pub mod w3c;
mod zip;
// proptest needs a native target.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod import_fuzz;
// Runs Python, which a wasm32 test cannot.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod readers;
#[cfg(test)]
mod samples;

pub use file::*;
pub use registry::{Format, Read, FORMATS};

/// The unit every offset is written in, and the only one read: Unicode
/// code points, as Python's `str` counts them.
pub const OFFSET_UNIT: &str = "codepoint";

/// The largest file read for import, and the most a zip may unpack to;
/// larger ones are refused unread.
pub const MAX_IMPORT_BYTES: usize = 64_000_000;
