//! The live state the components share: the document store (the workspace,
//! its history and its storage) and the view (what is open and picked),
//! each behind a small `Copy` handle; what is being typed; and the wiring
//! that keeps the store in step with storage and other tabs.

mod document_store;
mod drafts;
mod keeping;
mod status;
mod view;

pub use document_store::*;
pub use drafts::*;
pub use keeping::keep;
pub use span_core::storage::Notice;
pub use status::*;
pub use view::*;
