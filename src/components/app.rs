//! The app shell: layout, shared state and the shortcut listener.

use leptos::{html, prelude::*};

use super::add_documents::{accept_dropped_files, AddDocuments};
use super::annotation_details::AnnotationDetails;
use super::annotation_list::AnnotationList;
use super::document_list::DocumentList;
use super::export_menu::ExportMenu;
use super::import_dialog::ImportControl;
use super::label_bar::LabelBar;
use super::reading_pane::{DocumentHeading, ReadingPane};
use super::shortcut_help::ShortcutHelp;
use super::shortcuts::{self, Controls};
use super::status_line::StatusLine;
use crate::state::Annotator;

#[component]
pub fn App() -> impl IntoView {
    let annotator = Annotator::load();
    provide_context(annotator);
    let pane = NodeRef::<html::Div>::new();

    let help = RwSignal::new(false);
    let files_input = NodeRef::<html::Input>::new();
    let pasting = RwSignal::new(false);
    let import_input = NodeRef::<html::Input>::new();
    shortcuts::listen(
        annotator,
        Controls {
            pane,
            help,
            files_input,
            pasting,
            import_input,
        },
    );
    let dropping = accept_dropped_files(annotator);

    view! {
        <div class="app">
            <header class="topbar">
                <h1>"Span Annotator"</h1>
                <div class="topbar-actions">
                    <ImportControl import_input />
                    <ExportMenu />
                </div>
            </header>
            <nav class="sidebar" aria-label="Documents">
                <AddDocuments files_input pasting />
                <DocumentList />
            </nav>
            <main class="main">
                <DocumentHeading />
                <LabelBar pane />
                <ReadingPane pane />
            </main>
            <AnnotationDetails />
            <AnnotationList />
            <StatusLine />
            <ShortcutHelp open=help />
            <Show when=move || dropping.get()>
                <div class="drop-overlay" aria-hidden="true">"Drop .txt files to add them"</div>
            </Show>
        </div>
    }
}
