//! The view: small components, each reading the shared [`View`]
//! handle from context and changing it only through its methods.
//!
//! [`View`]: crate::state::View

mod add_documents;
mod annotation_details;
mod annotation_list;
mod app;
mod backups;
mod coverage;
mod delete_annotation;
mod document_heading;
mod document_list;
mod entities;
mod export_menu;
mod import_dialog;
mod keyboard_navigation;
mod label_bar;
mod label_editor;
mod notices;
mod pane_bar;
mod reading_pane;
mod relations;
mod search;
mod set_editor;
mod shortcut_help;
mod shortcuts;
mod status_line;
mod tag_all;
mod tagging;
mod theme_toggle;
mod view_dialog;

pub use app::App;
