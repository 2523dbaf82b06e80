//! Adding documents: choosing `.txt` files, pasting a text, or dropping
//! files anywhere on the window. Each file is checked on its own; the good
//! ones are added together as one step that Ctrl+Z takes back, and each bad
//! one is named with what is wrong with it.

use leptos::{ev, html, prelude::*, task::spawn_local};
use web_sys::DragEvent;

use crate::browser::files::{self, ChosenFile};
use crate::browser::stamp;
use crate::state::{Notice, View};
use span_core::model::{text_of_file, text_of_input, Document, TextError, MAX_TEXT_BYTES};

/// The file name a pasted text gets (made unique if taken).
const PASTED_FILE_NAME: &str = "pasted.txt";

/// The "Add files" and "Paste text" controls above the document list.
#[component]
pub fn AddDocuments(
    /// The hidden file input, which Alt+O clicks.
    files_input: NodeRef<html::Input>,
    /// Whether the paste form is open (Alt+P opens it).
    pasting: RwSignal<bool>,
) -> impl IntoView {
    let view = expect_context::<View>();
    let on_change = move |_| {
        let Some(input) = files_input.get_untracked() else {
            return;
        };
        let chosen = files::chosen(input.files());
        // The same file chosen again must fire `change` again.
        input.set_value("");
        add_files(view, chosen);
    };
    view! {
        <div class="doc-tools">
            <label class="button" title="Add .txt files (Alt+O)">
                "Add files"
                <input
                    type="file"
                    class="visually-hidden"
                    accept=".txt,text/plain"
                    multiple
                    data-testid="add-files"
                    aria-keyshortcuts="Alt+O"
                    node_ref=files_input
                    on:change=on_change
                />
            </label>
            <button
                data-testid="paste-open"
                title="Paste a text (Alt+P)"
                aria-keyshortcuts="Alt+P"
                aria-expanded=move || pasting.get().to_string()
                on:click=move |_| pasting.update(|open| *open = !*open)
            >
                "Paste text"
            </button>
        </div>
        <Show when=move || pasting.get()>
            <PasteForm pasting />
        </Show>
    }
}

/// A title and a text area; "Add" makes a document of the text.
#[component]
fn PasteForm(pasting: RwSignal<bool>) -> impl IntoView {
    let view = expect_context::<View>();
    let title = NodeRef::<html::Input>::new();
    let body = NodeRef::<html::Textarea>::new();
    Effect::new(move || {
        if let Some(body) = body.get() {
            let _ = body.focus();
        }
    });
    let add = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let (Some(title), Some(body)) = (title.get_untracked(), body.get_untracked()) else {
            return;
        };
        match text_of_input(&body.value()) {
            Ok(text) => {
                let file_name = view.store.with(|w| w.unused_file_names([PASTED_FILE_NAME]));
                let file_name = file_name.into_iter().next().unwrap_or_default();
                let document = Document::added(stamp::new_id(), file_name, text, &title.value());
                let name = document.title.clone();
                if view.add_documents(vec![document]) {
                    view.store.tell(Notice::info(format!("Added “{name}”.")));
                    pasting.set(false);
                }
            }
            Err(e) => view.store.tell(Notice::error(format!(
                "The pasted text was not added: {e}."
            ))),
        }
    };
    view! {
        <form class="paste-form" aria-label="Paste a text" on:submit=add>
            <label>
                "Title (optional)"
                <input type="text" data-testid="paste-title" node_ref=title />
            </label>
            <label>
                "Text"
                <textarea
                    data-testid="paste-text"
                    rows="8"
                    node_ref=body
                    on:keydown=move |event: web_sys::KeyboardEvent| {
                        if event.key() == "Escape" {
                            event.stop_propagation();
                            pasting.set(false);
                        }
                    }
                ></textarea>
            </label>
            <div class="form-actions">
                <button type="submit" data-testid="paste-add">"Add"</button>
                <button type="button" on:click=move |_| pasting.set(false)>"Cancel"</button>
            </div>
        </form>
    }
}

/// Lets files be dropped anywhere on the window, showing where while they
/// are dragged over it; returns whether files are being dragged. The app
/// shell calls it once, and its listeners last as long as the page.
pub fn accept_dropped_files(view: View) -> ReadSignal<bool> {
    let (over, set_over) = signal(false);
    let carries_files = |event: &DragEvent| {
        event
            .data_transfer()
            .is_some_and(|d| d.types().includes(&"Files".into(), 0))
    };
    let _ = window_event_listener(ev::dragover, move |event: DragEvent| {
        if carries_files(&event) {
            // Without this the browser would open the file instead.
            event.prevent_default();
            set_over.set(true);
        }
    });
    let _ = window_event_listener(ev::dragleave, move |event: DragEvent| {
        // Leaving for a child element also fires; only leaving the window
        // has no element to go to.
        if event.related_target().is_none() {
            set_over.set(false);
        }
    });
    let _ = window_event_listener(ev::drop, move |event: DragEvent| {
        set_over.set(false);
        if carries_files(&event) {
            event.prevent_default();
            add_files(
                view,
                files::chosen(event.data_transfer().and_then(|d| d.files())),
            );
        }
    });
    over
}

/// Reads `chosen` and adds each file that is a usable text, saying which
/// were added and why any other was not.
pub fn add_files(view: View, chosen: Vec<ChosenFile>) {
    if chosen.is_empty() {
        return;
    }
    spawn_local(async move {
        let mut texts = Vec::new();
        let mut refused = Vec::new();
        for file in &chosen {
            match read_text(file).await {
                Ok(text) => texts.push((file.name.as_str(), text)),
                Err(why) => refused.push(format!("“{}” was not added: {why}.", file.name)),
            }
        }
        let mut message = Vec::new();
        if !texts.is_empty() {
            let names = view
                .store
                .with(|w| w.unused_file_names(texts.iter().map(|(n, _)| *n)));
            message.push(match names.as_slice() {
                [one] => format!("Added “{one}”."),
                all => format!("Added {} documents: “{}”.", all.len(), all.join("”, “")),
            });
            let documents = names
                .into_iter()
                .zip(texts)
                .map(|(file_name, (_, text))| Document::added(stamp::new_id(), file_name, text, ""))
                .collect();
            if !view.add_documents(documents) {
                // The view has said why nothing was added.
                return;
            }
        }
        message.extend(refused.iter().cloned());
        let text = message.join(" ");
        view.store.tell(if refused.is_empty() {
            Notice::info(text)
        } else {
            Notice::error(text)
        });
    });
}

/// The text of `file`, refusing one far too large without reading it.
async fn read_text(file: &ChosenFile) -> Result<String, String> {
    // Normalising line endings can at most halve a text, so anything over
    // twice the limit cannot fit.
    if file.size > 2 * MAX_TEXT_BYTES {
        return Err(TextError::TooLarge { size: file.size }.to_string());
    }
    let bytes = file.bytes().await?;
    text_of_file(&bytes).map_err(|e| e.to_string())
}
