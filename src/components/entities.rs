//! Entities across documents, in the view: the entity field and the
//! one-click link suggestion in an annotation's card, and the entities view
//! (Alt+E), which lists each entity with its label and its mentions in every
//! document, and opens a mention where it is when it is clicked.
//!
//! What an entity is, which mentions look alike and how they are counted is
//! the core's business (`span_core::model::{Entities, Suggestion}`).

use std::collections::BTreeSet;

use leptos::{html, prelude::*};

use super::view_dialog::ViewDialog;
use crate::state::{DocumentStore, View};
use span_core::model::{entity_name, Annotation, Entities, Mention, Suggestion};

/// Subscribes to any document's annotations changing, and to documents
/// being added or removed: entities span them all.
pub fn track_all(store: DocumentStore) {
    store.track_documents();
    for doc in 0..store.with(|w| w.document_count()) {
        store.track_document(doc);
    }
}

/// Opens mention `id` of document `doc`: its document, scrolled to it, with
/// it selected and its details open.
pub fn open_mention(view: View, doc: usize, id: &str) {
    view.open(doc);
    view.selected.set(Some(id.to_string()));
    view.inspected.set(vec![id.to_string()]);
    view.reveal(id);
}

/// Links every mention of `suggestion` to its entity, as one undo step.
fn take(view: View, suggestion: &Suggestion) {
    let mentions: Vec<(usize, String)> = suggestion
        .mentions
        .iter()
        .map(|m| (m.document, m.id.clone()))
        .collect();
    view.store.act(
        view.store
            .with(|w| w.plan_link(&mentions, &suggestion.entity)),
    );
}

/// What taking a suggestion does, as its button says it.
fn suggestion_text(suggestion: &Suggestion) -> String {
    let count = suggestion.mentions.len();
    let mentions = if count == 1 { "mention" } else { "mentions" };
    if suggestion.existing {
        format!(
            "Link {count} more {mentions} ({}) to “{}”",
            suggestion.label, suggestion.entity
        )
    } else {
        format!(
            "Link {count} {mentions} ({}) as “{}”",
            suggestion.label, suggestion.entity
        )
    }
}

/// The entity field of annotation `id`'s card: Enter or leaving it links
/// the annotation to the entity typed (an empty field unlinks it), with the
/// names already used offered as it is typed; and the suggestion that would
/// link it with the mentions that look like it.
#[component]
pub fn EntityField(id: StoredValue<String>, annotation: Memo<Option<Annotation>>) -> impl IntoView {
    let view = expect_context::<View>();
    let input_id = id.with_value(|id| format!("entity-of-{id}"));
    let list_id = id.with_value(|id| format!("entity-names-of-{id}"));
    let input = NodeRef::<html::Input>::new();
    let names = Memo::new(move |_| {
        track_all(view.store);
        view.store.with(|w| {
            w.all_annotations()
                .filter_map(|a| a.entity.clone())
                .collect::<BTreeSet<_>>()
        })
    });
    let suggestion = Memo::new(move |_| {
        track_all(view.store);
        let doc = view.current();
        id.with_value(|id| view.store.with(|w| Suggestion::of(w, doc, id)))
    });
    let stored = move || annotation.with(|a| a.as_ref().and_then(|a| a.entity.clone()));
    let link = move || {
        let Some(field) = input.get_untracked() else {
            return;
        };
        let typed = entity_name(&field.value());
        if typed != annotation.with_untracked(|a| a.as_ref().and_then(|a| a.entity.clone())) {
            let doc = view.current_untracked();
            let name = typed.clone().unwrap_or_default();
            id.with_value(|id| {
                view.store
                    .act(view.store.with(|w| w.plan_entity(doc, id, &name)))
            });
        }
        let now = annotation.with_untracked(|a| a.as_ref().and_then(|a| a.entity.clone()));
        field.set_value(&now.unwrap_or_default());
    };
    view! {
        <label for=input_id.clone()>"Entity"</label>
        <input
            id=input_id
            class="entity"
            data-testid="entity-input"
            type="text"
            autocomplete="off"
            list=list_id.clone()
            placeholder="The entity it mentions, e.g. a full name"
            node_ref=input
            prop:value=move || stored().unwrap_or_default()
            on:keydown=move |event| {
                if event.key() == "Enter" {
                    event.prevent_default();
                    link();
                }
            }
            on:blur=move |_| link()
        />
        <datalist id=list_id>
            {move || {
                names
                    .get()
                    .into_iter()
                    .map(|name| view! { <option value=name></option> })
                    .collect_view()
            }}
        </datalist>
        {move || {
            suggestion
                .get()
                .map(|suggestion| {
                    let text = suggestion_text(&suggestion);
                    let suggestion = StoredValue::new(suggestion);
                    view! {
                        <div class="entity-suggestions" data-testid="entity-suggestions">
                            <button
                                type="button"
                                class="entity-suggestion"
                                on:click=move |_| suggestion.with_value(|s| take(view, s))
                            >
                                {text}
                            </button>
                        </div>
                    }
                })
        }}
    }
}

/// The button that opens the entities view.
#[component]
pub fn EntitiesButton(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <button
            type="button"
            class="view-open"
            data-testid="view-entities"
            aria-keyshortcuts="Alt+E"
            title="Entities across documents (Alt+E)"
            on:click=move |_| open.set(true)
        >
            "Entities"
        </button>
    }
}

/// The entities view: each entity with its label and its mentions in every
/// document, and the links suggested.
#[component]
pub fn EntitiesView(open: RwSignal<bool>) -> impl IntoView {
    let view = expect_context::<View>();
    let entities = Memo::new(move |_| {
        if !open.get() {
            return Entities::default();
        }
        track_all(view.store);
        view.store.with(Entities::of)
    });
    let suggestions = Memo::new(move |_| {
        if !open.get() {
            return Vec::new();
        }
        track_all(view.store);
        view.store.with(Suggestion::all)
    });
    let titles = Memo::new(move |_| {
        view.store.track_documents();
        view.store.with(|w| {
            w.documents()
                .map(|d| (d.id.clone(), d.title.clone()))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <ViewDialog
            open
            class="entities-dialog"
            testid="entities-view"
            title_id="entities-title"
            title="Entities across documents"
        >
                    <p class="hint" hidden=move || entities.with(|e| !e.list.is_empty())>
                        "No entities yet: name the entity an annotation mentions in its card."
                    </p>
                    <ul class="entity-list">
                        {move || {
                            entities
                                .get()
                                .list
                                .into_iter()
                                .map(|entity| {
                                    let total = entity.total();
                                    view! {
                                        <li
                                            class="entity-row"
                                            data-testid="entity-row"
                                            data-entity=entity.name.clone()
                                        >
                                            <h3>
                                                <span class="entity-name">{entity.name.clone()}</span>
                                                " "
                                                <span class="entity-label">{entity.label.clone()}</span>
                                                " "
                                                <span class="entity-total">
                                                    {format!(
                                                        "{total} {}",
                                                        if total == 1 { "mention" } else { "mentions" },
                                                    )}
                                                </span>
                                            </h3>
                                            <MentionsByDocument mentions=entity.mentions titles open />
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                    <Show when=move || suggestions.with(|s| !s.is_empty())>
                        <h3>"Suggested links"</h3>
                        <ul class="entity-suggestion-list" data-testid="entity-suggestions">
                            {move || {
                                suggestions
                                    .get()
                                    .into_iter()
                                    .map(|suggestion| {
                                        let text = suggestion_text(&suggestion);
                                        let suggestion = StoredValue::new(suggestion);
                                        view! {
                                            <li>
                                                <button
                                                    type="button"
                                                    class="entity-suggestion"
                                                    on:click=move |_| {
                                                        suggestion.with_value(|s| take(view, s))
                                                    }
                                                >
                                                    {text}
                                                </button>
                                            </li>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </ul>
                    </Show>
        </ViewDialog>
    }
}

/// Mentions grouped by document, each a button that opens it where it is
/// and closes the dialog (`open`) it is in.
#[component]
pub fn MentionsByDocument(
    mentions: Vec<Mention>,
    titles: Memo<Vec<(String, String)>>,
    open: RwSignal<bool>,
) -> impl IntoView {
    let view = expect_context::<View>();
    let mut groups: Vec<(usize, Vec<Mention>)> = Vec::new();
    for mention in mentions {
        match groups.last_mut() {
            Some((doc, list)) if *doc == mention.document => list.push(mention),
            _ => groups.push((mention.document, vec![mention])),
        }
    }
    groups
        .into_iter()
        .map(|(doc, list)| {
            let (doc_id, title) = titles.with_untracked(|t| t.get(doc).cloned().unwrap_or_default());
            view! {
                <div class="mention-document">
                    <span class="mention-title">{title}</span>
                    <ul class="mention-list">
                        {list
                            .into_iter()
                            .map(|mention| {
                                let id = mention.id.clone();
                                view! {
                                    <li>
                                        <button
                                            type="button"
                                            class="mention"
                                            data-testid="entity-mention"
                                            data-doc-id=doc_id.clone()
                                            data-ann-id=mention.id.clone()
                                            title=format!("Code points {}–{}", mention.start, mention.end)
                                            on:click=move |_| {
                                                open.set(false);
                                                open_mention(view, doc, &id);
                                            }
                                        >
                                            {mention.quote.clone()}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
        .collect_view()
}
