//! What leaves the app and comes back: the localStorage schema and the export
//! formats. Each is a pure encode/decode pair over the model; none touches
//! the browser.

pub mod brat;
pub mod conll;
pub mod doccano;
mod fields;
pub mod import;
// proptest needs a native target.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod import_fuzz;
pub mod native;
// Runs Python, which a wasm32 test cannot.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod readers;
#[cfg(test)]
mod samples;
pub mod stored;
pub mod w3c;
