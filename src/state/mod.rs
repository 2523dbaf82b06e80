//! The live state the components share: the workspace behind a small `Copy`
//! handle, with what is saved and what is shown.

mod annotator;
mod persistence;
mod status;

pub use annotator::*;
pub use status::*;
