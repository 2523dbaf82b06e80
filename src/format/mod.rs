//! What leaves the app and comes back: the localStorage schema and the export
//! formats. Each is a pure encode/decode pair over the model; none touches
//! the browser.

pub mod native;
pub mod stored;
