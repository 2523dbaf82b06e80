//! The app shell: layout, shared state and the shortcut listener.

use leptos::{html, prelude::*};

use super::annotation_details::AnnotationDetails;
use super::annotation_list::AnnotationList;
use super::document_list::DocumentList;
use super::export_button::ExportButton;
use super::label_bar::LabelBar;
use super::reading_pane::{DocumentHeading, ReadingPane};
use super::shortcut_help::ShortcutHelp;
use super::shortcuts;
use super::status_line::StatusLine;
use crate::state::Annotator;

#[component]
pub fn App() -> impl IntoView {
    let annotator = Annotator::load();
    provide_context(annotator);
    let pane = NodeRef::<html::Div>::new();

    let help = RwSignal::new(false);
    shortcuts::listen(annotator, pane, help);

    view! {
        <div class="app">
            <header class="topbar">
                <h1>"Span Annotator"</h1>
                <ExportButton />
            </header>
            <nav class="sidebar" aria-label="Documents">
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
        </div>
    }
}
