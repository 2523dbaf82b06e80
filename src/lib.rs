//! A client-only text span annotator.
//!
//! - [`model`]: the pure core (documents, labels, annotations), in code points;
//! - [`format`]: the stored schema and export formats, pure encode/decode;
//! - [`browser`]: the thin layer that touches the DOM, storage and downloads;
//! - [`state`]: the live, reactive handle the components share;
//! - [`components`]: the view.

pub mod browser;
pub mod components;
pub mod format;
pub mod model;
pub mod state;
pub mod storage;
