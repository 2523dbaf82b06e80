//! The list of documents, each with its title, date and annotation count,
//! and the controls to rename or remove one.

use leptos::{ev, html, prelude::*};
use web_sys::KeyboardEvent;

use crate::state::{Notice, View};

#[component]
pub fn DocumentList() -> impl IntoView {
    let view = expect_context::<View>();
    let items = move || {
        view.store.track_documents();
        let count = view.store.with(|w| w.document_count());
        if count == 0 {
            return view! {
                <p class="doc-empty" data-testid="doc-empty">
                    "No documents. Add .txt files, drop them here, or paste a text."
                </p>
            }
            .into_any();
        }
        (0..count)
            .map(|doc| view! { <DocumentItem doc /> })
            .collect_view()
            .into_any()
    };
    view! { <ul class="doc-list" data-testid="doc-list">{items}</ul> }
}

/// What a document's row is showing besides its title.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Idle,
    Renaming,
    ConfirmingRemoval,
}

#[component]
fn DocumentItem(doc: usize) -> impl IntoView {
    let view = expect_context::<View>();
    let Some((id, title, date)) = view.store.with(|w| {
        w.document(doc)
            .map(|d| (d.id.clone(), d.title.clone(), d.date().map(str::to_string)))
    }) else {
        return ().into_any();
    };
    let mode = RwSignal::new(Mode::Idle);
    let count = move || {
        view.store.track_document(doc);
        view.store
            .with(|w| w.annotations(doc).map_or(0, |a| a.len()))
    };
    let is_current = move || view.current() == doc;
    let remove = move || {
        let title = view
            .store
            .with(|w| w.document(doc).map(|d| d.title.clone()));
        if view.store.remove_document(doc) {
            view.store.tell(Notice::info(format!(
                "Removed “{}”. Ctrl+Z brings it back.",
                title.unwrap_or_default()
            )));
        }
    };
    let ask_to_remove = move || {
        if count() == 0 {
            remove();
        } else {
            mode.set(Mode::ConfirmingRemoval);
        }
    };
    let on_keydown = move |event: KeyboardEvent| match event.key().as_str() {
        "F2" => {
            event.prevent_default();
            mode.set(Mode::Renaming);
        }
        "Delete" | "Backspace" => {
            event.prevent_default();
            ask_to_remove();
        }
        _ => {}
    };
    let label = title.clone();
    view! {
        <li class="doc-row" class:current=is_current>
            <Show
                when=move || mode.get() == Mode::Renaming
                fallback=move || {
                    let title = title.clone();
                    let date = date.clone();
                    view! {
                        <button
                            class="doc-item"
                            class:current=is_current
                            aria-current=move || is_current().then_some("page")
                            data-testid="doc-item"
                            data-doc-id=id.clone()
                            aria-keyshortcuts="F2 Delete"
                            on:click=move |_| view.open(doc)
                            on:keydown=on_keydown
                        >
                            <span class="doc-title">{title}</span>
                            <span class="doc-meta">
                                {date.map(|d| view! { <time datetime=d.clone()>{d.clone()}</time> })}
                                <span class="doc-count">
                                    {move || match count() {
                                        1 => "1 annotation".to_string(),
                                        n => format!("{n} annotations"),
                                    }}
                                </span>
                            </span>
                        </button>
                    }
                }
            >
                <TitleEditor doc mode />
            </Show>
            <div class="doc-actions">
                <button
                    class="icon"
                    data-testid="doc-rename"
                    title="Rename (F2)"
                    aria-label=format!("Rename “{label}”")
                    on:click=move |_| mode.set(Mode::Renaming)
                >
                    "✎"
                </button>
                <button
                    class="icon"
                    data-testid="doc-remove"
                    title="Remove (Delete)"
                    aria-label=format!("Remove “{label}”")
                    on:click=move |_| ask_to_remove()
                >
                    "×"
                </button>
            </div>
            <Show when=move || mode.get() == Mode::ConfirmingRemoval>
                <div class="doc-confirm" role="group" aria-label="Confirm removal">
                    <span>
                        {move || match count() {
                            1 => "Remove it and its annotation?".to_string(),
                            n => format!("Remove it and its {n} annotations?"),
                        }}
                    </span>
                    <button data-testid="doc-remove-confirm" on:click=move |_| remove()>
                        "Remove"
                    </button>
                    <button on:click=move |_| mode.set(Mode::Idle)>"Keep"</button>
                </div>
            </Show>
        </li>
    }
    .into_any()
}

/// The title field that replaces a row's title while it is renamed: Enter
/// or leaving the field keeps the new title, Escape the old one.
#[component]
fn TitleEditor(doc: usize, mode: RwSignal<Mode>) -> impl IntoView {
    let view = expect_context::<View>();
    let input = NodeRef::<html::Input>::new();
    let title = view
        .store
        .with(|w| w.document(doc).map(|d| d.title.clone()).unwrap_or_default());
    let commit = move || {
        if mode.get_untracked() != Mode::Renaming {
            return;
        }
        mode.set(Mode::Idle);
        let Some(field) = input.get_untracked() else {
            return;
        };
        let unchanged = view
            .store
            .with(|w| w.document(doc).map(|d| d.title.clone()))
            == Some(field.value().trim().to_string());
        if !unchanged {
            view.store.rename_document(doc, &field.value());
        }
    };
    Effect::new(move || {
        if let Some(field) = input.get() {
            let _ = field.focus();
            field.select();
        }
    });
    view! {
        <input
            class="doc-title-input"
            data-testid="doc-title-input"
            aria-label="Document title"
            node_ref=input
            value=title
            on:keydown=move |event: KeyboardEvent| match event.key().as_str() {
                "Enter" => commit(),
                "Escape" => {
                    event.stop_propagation();
                    mode.set(Mode::Idle);
                }
                _ => {}
            }
            on:blur=move |_: ev::FocusEvent| commit()
        />
    }
}
