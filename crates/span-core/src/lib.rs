//! The core of the span annotator, with no browser in it: the compiler, not
//! a convention, keeps it pure (this crate depends on no web crate).
//!
//! - [`model`]: documents, labels, annotations and the rules that keep them
//!   consistent, every offset a Unicode code point;
//! - [`format`]: what leaves the app and comes back: the export and import
//!   formats behind one registry, and the stored schema;
//! - [`storage`]: keeping a workspace in a key-value store safely, across
//!   tabs, full quotas, killed tabs and damaged data.
//!
//! The app (`src/`) and the command-line tool (`crates/span-cli`) are both
//! built on it.

pub mod format;
pub mod model;
pub mod storage;
