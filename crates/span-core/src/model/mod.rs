//! The pure core: documents, labels, annotations and the rules that keep them
//! consistent. Nothing here knows about the browser, and every offset is a
//! Unicode code point (see [`text`]).

mod annotation;
pub mod arc_layout;
mod clock;
mod color;
mod describe;
mod document;
mod document_status;
mod entity;
pub mod entry;
mod foreign;
mod history;
mod id_mint;
pub mod import;
mod label;
mod label_counts;
mod label_set;
mod layout;
mod numbering;
pub mod offset_unit;
mod paragraph;
pub mod parsed;
mod relation;
mod relation_types;
mod repair;
mod rules;
pub mod search;
pub mod snap;
mod span_index;
pub mod text;
mod workspace;

pub use annotation::*;
pub use clock::*;
pub use color::*;
pub use document::*;
pub use document_status::*;
pub use entity::*;
pub use foreign::*;
pub use history::*;
pub use id_mint::*;
pub use label::*;
pub use label_counts::*;
pub use label_set::*;
pub use layout::*;
pub use numbering::*;
pub use paragraph::*;
pub use relation::*;
pub use relation_types::*;
pub use repair::*;
pub use rules::*;
pub use span_index::*;
pub use workspace::*;
