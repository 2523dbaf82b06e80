//! The details of the highlight last clicked, or of the entry last chosen in
//! the annotation list: label, text and note, and the controls to change the
//! label, write the note or delete it. Where spans overlap, every span under
//! the click is listed.
//!
//! Each card follows its annotation rather than being drawn anew when the
//! document changes, so the field that has focus keeps it while an edit is
//! saved.

use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::delete_annotation::Deleting;
use super::entities::EntityField;
use super::relations::CardRelations;
use crate::browser::is_focused;
use crate::state::{Drafts, View};
use span_core::model::{Annotation, Label};

#[component]
pub fn AnnotationDetails() -> impl IntoView {
    let view = expect_context::<View>();
    // The ids of the inspected annotations that still exist, in text order.
    let shown = Memo::new(move |_| {
        let doc = view.current();
        view.store.track_document(doc);
        // Looked up one by one: a document may hold tens of thousands.
        view.inspected.with(|ids| {
            view.store.with(|w| {
                let Some(spans) = w.annotations(doc) else {
                    return Vec::new();
                };
                let mut found: Vec<&Annotation> =
                    ids.iter().filter_map(|id| spans.get(id)).collect();
                found.sort_by_key(|a| (a.start, a.end, &a.id));
                found.dedup_by(|a, b| a.id == b.id);
                found.into_iter().map(|a| a.id.clone()).collect::<Vec<_>>()
            })
        })
    });
    view! {
        <aside class="details" data-testid="annotation-details" aria-label="Selected annotations">
            <Show
                when=move || shown.with(|ids| !ids.is_empty())
                fallback=|| {
                    view! {
                        <p class="hint">
                            "Select text, then press a number key or click a label. Click a highlight to change or delete it, or to add a note."
                        </p>
                    }
                }
            >
                <button
                    type="button"
                    class="details-close"
                    data-testid="details-close"
                    title="Close the details (Esc)"
                    on:click=move |_| view.inspected.set(Vec::new())
                >
                    "Close"
                </button>
                <For each=move || shown.get() key=String::clone let:id>
                    <AnnotationCard id />
                </For>
            </Show>
        </aside>
    }
}

#[component]
fn AnnotationCard(id: String) -> impl IntoView {
    let view = expect_context::<View>();
    let select_id = format!("label-of-{id}");
    let note_id = format!("note-of-{id}");
    let id = StoredValue::new(id);
    let annotation = Memo::new(move |_| {
        let doc = view.current();
        view.store.track_document(doc);
        id.with_value(|id| {
            view.store
                .with(|w| w.annotations(doc).and_then(|a| a.get(id)).cloned())
        })
    });
    let field = move |read: fn(&Annotation) -> String| {
        move || annotation.with(|a| a.as_ref().map(read).unwrap_or_default())
    };
    let retag = move |event: leptos::ev::Event| {
        id.with_value(|id| view.retag(id, &event_target_value(&event)));
        // A refused change leaves the label as it was; show it as it is.
        let label = annotation.with_untracked(|a| a.as_ref().map(|a| a.label.clone()));
        if let (Some(select), Some(label)) = (event.target(), label) {
            let _ = js_sys::Reflect::set(&select, &"value".into(), &label.into());
        }
    };
    // Kept as it is typed, 300 ms after the last key and at once when the
    // page hides; all of it one undo step until the field is left.
    let drafts = expect_context::<Drafts>();
    let note_field = NodeRef::<html::Textarea>::new();
    let field_name = id.with_value(|id| format!("note:{id}"));
    let keep_note = {
        let field_name = field_name.clone();
        move |event| {
            let note = event_target_value(&event);
            let doc = view.current_untracked();
            let field = field_name.clone();
            drafts.keep(&field_name, move || {
                id.with_value(|id| {
                    view.store
                        .type_into(&field, view.store.with(|w| w.plan_note(doc, id, &note)))
                });
            });
        }
    };
    let end_note = move |_| {
        drafts.commit(&field_name);
        view.store.stop_typing();
    };
    // While the field is being typed in, it shows what is typed: the stored
    // note follows it, not the other way round.
    let shown_note = move || {
        let stored = field(|a| a.note.clone().unwrap_or_default())();
        match note_field.get() {
            Some(el) if is_focused(&el) => el.value(),
            _ => stored,
        }
    };
    // The button goes with its card. Letting go of focus first, while the
    // page's layout is still clean, costs nothing; removing the focused
    // button instead makes the browser lay out the whole page mid-edit.
    // The focus then goes back to the article, with the caret where the
    // span began, rather than falling to the page. An annotation that
    // relations use is deleted only once the question asked is answered.
    let deleting = expect_context::<Deleting>();
    let delete = move |event: leptos::ev::MouseEvent| {
        let button = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlElement>().ok());
        if !id.with_value(|id| deleting.at_once_or_ask(view, id, button.clone())) {
            return;
        }
        if let Some(button) = button {
            let _ = button.blur();
        }
        id.with_value(|id| deleting.delete_to_article(view, id));
    };
    view! {
        <section class="annotation-card" data-ann-id=id.get_value()>
            <blockquote class="quote">{field(|a| a.quote.clone())}</blockquote>
            <p class="offsets">{field(|a| format!("Code points {}–{}", a.start, a.end))}</p>
            <label for=select_id.clone()>"Label"</label>
            <select id=select_id on:change=retag>
                {move || {
                    view
                        .store
                        .labels()
                        .into_iter()
                        .map(|Label { name, .. }| {
                            let value = name.clone();
                            let text = name.clone();
                            let selected = move || {
                                annotation.with(|a| a.as_ref().is_some_and(|a| a.label == name))
                            };
                            view! {
                                <option value=value prop:selected=selected>
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            <EntityField id annotation />
            <label for=note_id.clone()>"Note"</label>
            <textarea
                id=note_id
                class="note"
                data-testid="note-input"
                rows="3"
                placeholder="A note on this annotation"
                node_ref=note_field
                prop:value=shown_note
                on:input=keep_note
                on:blur=end_note
            ></textarea>
            <CardRelations id />
            <button class="delete" on:click=delete>
                "Delete"
            </button>
        </section>
    }
}
