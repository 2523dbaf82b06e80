//! The app shell: layout, shared state, the shortcut listener and the
//! offline worker's registration.

use leptos::{html, prelude::*};

use super::add_documents::{accept_dropped_files, AddDocuments};
use super::annotation_details::AnnotationDetails;
use super::annotation_list::AnnotationList;
use super::backups::Backups;
use super::coverage::{CoverageButton, CoverageView};
use super::delete_annotation::{DeleteQuestion, Deleting};
use super::document_heading::DocumentHeading;
use super::document_list::DocumentList;
use super::entities::{EntitiesButton, EntitiesView};
use super::export_menu::ExportMenu;
use super::import_dialog::ImportControl;
use super::keyboard_navigation::{on_pane_key, Caret};
use super::label_bar::LabelBar;
use super::notices::Notices;
use super::pane_bar::PaneBar;
use super::reading_pane::{ReadingPane, SpanHandles};
use super::relations::{Linking, RelationArcs, RelationForm};
use super::search::SearchPanel;
use super::shortcut_help::ShortcutHelp;
use super::shortcuts::{self, Controls};
use super::status_line::StatusLine;
use super::theme_toggle::{dark_now, ThemeToggle};
use crate::browser::offline;
use crate::state::{keep, DocumentStore, Drafts, Pane, View};

#[component]
pub fn App() -> impl IntoView {
    let store = DocumentStore::load();
    let view = View::new(store);
    let drafts = Drafts::default();
    provide_context(store);
    provide_context(view);
    provide_context(drafts);
    keep(view, drafts);
    Linking::provide(view);
    let pane = NodeRef::<html::Div>::new();
    let deleting = Deleting::provide(pane);

    let help = RwSignal::new(false);
    let files_input = NodeRef::<html::Input>::new();
    let pasting = RwSignal::new(false);
    let import_input = NodeRef::<html::Input>::new();
    let backups = RwSignal::new(false);
    let entities = RwSignal::new(false);
    let coverage = RwSignal::new(false);
    let dark = dark_now();
    let search_input = NodeRef::<html::Input>::new();
    shortcuts::listen(
        view,
        Controls {
            pane,
            help,
            files_input,
            pasting,
            import_input,
            backups,
            dark,
            search_input,
            entities,
            coverage,
        },
    );
    let dropping = accept_dropped_files(view);
    // The one effect for the offline worker: it runs after the first render,
    // so registering never delays the app's start.
    Effect::new(|_| offline::register_worker());

    let to_article = move |_| {
        view.shown.set(Pane::Article);
        if let Some(pane) = pane.get_untracked() {
            let _ = pane.focus();
        }
    };
    view! {
        <div class="app" data-pane=move || view.shown.get().name()>
            // First in the tab order, shown when focused: the article is
            // otherwise some 27 Tab presses in.
            <button
                type="button"
                class="skip-link"
                data-testid="skip-to-article"
                aria-keyshortcuts="Alt+A"
                on:click=to_article
            >
                "Skip to the article (Alt+A)"
            </button>
            <header class="topbar">
                <h1>"Span View"</h1>
                <div class="topbar-actions">
                    <ImportControl import_input />
                    <ExportMenu />
                    <EntitiesButton open=entities />
                    <CoverageButton open=coverage />
                    <ThemeToggle dark />
                </div>
            </header>
            <nav class="sidebar" aria-label="Documents">
                <AddDocuments files_input pasting />
                <SearchPanel pane input=search_input />
                <DocumentList />
            </nav>
            <main class="main">
                <DocumentHeading />
                <RelationArcs pane />
                <LabelBar pane />
                <ReadingPane pane on_key=move |event| on_pane_key(view, pane, deleting, &event) />
                <Caret pane />
                <SpanHandles pane />
                <Notices />
            </main>
            <div class="annotations-pane">
                <RelationForm pane />
                <AnnotationDetails />
                <AnnotationList />
            </div>
            <StatusLine backups />
            <PaneBar />
            <Backups open=backups />
            <ShortcutHelp open=help />
            <EntitiesView open=entities />
            <CoverageView open=coverage />
            <DeleteQuestion />
            <Show when=move || dropping.get()>
                <div class="drop-overlay" aria-hidden="true">"Drop .txt files to add them"</div>
            </Show>
        </div>
    }
}
