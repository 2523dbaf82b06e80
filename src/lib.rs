//! A client-only text span annotator: the browser app built on `span_core`.
//!
//! - [`components`]: the view;
//! - [`state`]: the live, reactive handles the components share;
//! - [`browser`]: the thin layer that touches the DOM, storage and downloads.
//!
//! Documents, labels, annotations, the formats and the storage engine are
//! the pure core, `span_core` (`crates/span-core`).

pub mod browser;
pub mod components;
pub mod state;
