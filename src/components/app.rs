//! The app shell: layout, shared state, and the keyboard shortcuts.

use leptos::{ev, html, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

use super::annotation_details::AnnotationDetails;
use super::document_list::DocumentList;
use super::export_button::ExportButton;
use super::label_bar::LabelBar;
use super::reading_pane::{tag_selection, DocumentHeading, ReadingPane};
use super::status_line::StatusLine;
use crate::state::Annotator;

#[component]
pub fn App() -> impl IntoView {
    let annotator = Annotator::load();
    provide_context(annotator);
    let pane = NodeRef::<html::Div>::new();

    // The app's one global key listener: label hotkeys tag the selection,
    // Escape closes what is open. Typing in a form field is left alone.
    let _ = window_event_listener(ev::keydown, move |event: KeyboardEvent| {
        if event.ctrl_key() || event.meta_key() || event.alt_key() || is_typing(&event) {
            return;
        }
        let key = event.key();
        if key == "Escape" {
            annotator.inspected.set(Vec::new());
            annotator.notice.set(None);
            return;
        }
        let mut chars = key.chars();
        let (Some(key), None) = (chars.next(), chars.next()) else {
            return;
        };
        if let Some(label) = annotator.with(|w| w.label_for_hotkey(key).map(|l| l.name.clone())) {
            event.prevent_default();
            tag_selection(annotator, pane, &label);
        }
    });

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
            <StatusLine />
        </div>
    }
}

/// Whether a key press goes into a form field rather than to the app.
fn is_typing(event: &KeyboardEvent) -> bool {
    let Some(target) = event
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
    else {
        return false;
    };
    matches!(target.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || target.is_content_editable()
}
