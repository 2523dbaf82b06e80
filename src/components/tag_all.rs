//! "Tag all" and "Tag from a list": a preview of the matches to tag, each
//! with a checkbox, those already tagged with their label shown as such and
//! skipped; confirming tags the ticked ones in one undo step. A search's
//! matches all get the label picked here; a list's (a gazetteer of
//! `term<TAB>Label` lines) each get their line's label.
//!
//! Planning is [`Workspace::plan_tag_all`]'s; reading a list is
//! [`Gazetteer`]'s.
//!
//! [`Workspace::plan_tag_all`]: span_core::model::Workspace::plan_tag_all

use leptos::{html, prelude::*, task::spawn_local};
use web_sys::{HtmlElement, KeyboardEvent};

use span_core::model::search::{Gazetteer, Match, MAX_MATCHES};
use span_core::model::ToTag;
use span_core::storage::Notice;

use crate::browser::focus_trap::keep_tab_inside;
use crate::browser::{files, stamp};
use crate::state::View;

/// What the preview shows: the matches, each with its own label (a list's)
/// or none (a search's, which take the one picked), and what was left out.
#[derive(Clone, Debug)]
pub struct Preview {
    items: Vec<(Match, Option<String>)>,
    capped: bool,
    /// Why lines of a list were left out.
    bad_lines: Vec<String>,
}

impl Preview {
    pub fn of_search(matches: Vec<Match>, capped: bool) -> Self {
        Self {
            items: matches.into_iter().map(|m| (m, None)).collect(),
            capped,
            bad_lines: Vec::new(),
        }
    }
}

#[component]
pub fn TagAllPreview(preview: RwSignal<Option<Preview>>) -> impl IntoView {
    let view = expect_context::<View>();
    let Some(shown) = preview.get_untracked() else {
        return ().into_any();
    };
    let shown = StoredValue::new(shown);
    let for_search = shown.with_value(|p| p.items.iter().any(|(_, label)| label.is_none()));
    let ticked = RwSignal::new(vec![true; shown.with_value(|p| p.items.len())]);
    let first_label = view
        .store
        .with(|w| w.labels().first().map(|l| l.name.clone()))
        .unwrap_or_default();
    let label = RwSignal::new(first_label);
    let confirm_button = NodeRef::<html::Button>::new();
    Effect::new(move || {
        if let Some(button) = confirm_button.get() {
            let _ = button.focus();
        }
    });
    let overlay = NodeRef::<html::Div>::new();
    // Hidden before it goes: the browser lets go of a hidden subtree at
    // once, where taking out its thousands of shown rows took 60 ms
    // (measured at 2,040 rows: 7 ms to hide, 2 to remove).
    let close = move || {
        if let Some(overlay) = overlay.get_untracked() {
            let overlay: &HtmlElement = &overlay;
            let _ = overlay.style().set_property("display", "none");
            let _ = overlay.offset_height();
        }
        preview.set(None);
    };
    // Esc closes the preview wherever the focus is (a select list may have
    // kept it, or a click left it on the page), for as long as it is open.
    let escape = window_event_listener(leptos::ev::keydown, move |event: KeyboardEvent| {
        if event.key() == "Escape" {
            event.stop_propagation();
            close();
        }
    });
    on_cleanup(move || escape.remove());
    // Whether each item is already tagged with the label it would get:
    // worked out once for all the rows, whenever the label or a document
    // they are in changes.
    let tagged_all = Memo::new(move |_| {
        let label = label.get();
        view.store.track_documents();
        shown.with_value(|p| {
            let mut documents: Vec<usize> = p.items.iter().map(|(m, _)| m.document).collect();
            documents.dedup();
            documents
                .into_iter()
                .for_each(|doc| view.store.track_document(doc));
            view.store.with(|w| {
                p.items
                    .iter()
                    .map(|(m, own)| {
                        let label = own.as_deref().unwrap_or(&label);
                        w.is_tagged(m.document, m.start, m.end, label)
                    })
                    .collect::<Vec<bool>>()
            })
        })
    });
    let tagged = move |at: usize| tagged_all.with(|t| t[at]);
    let confirm = move |_| {
        let picked = label.get_untracked();
        let ticked = ticked.get_untracked();
        let unticked = ticked.iter().filter(|t| !**t).count();
        let planned = shown.with_value(|p| {
            let spans: Vec<ToTag<'_>> = p
                .items
                .iter()
                .zip(&ticked)
                .filter(|(_, ticked)| **ticked)
                .map(|((m, own), _)| ToTag {
                    document: m.document,
                    start: m.start,
                    end: m.end,
                    label: own.as_deref().unwrap_or(&picked),
                })
                .collect();
            view.store
                .with(|w| w.plan_tag_all(&spans, stamp::new_id, &stamp::now()))
        });
        let left = if unticked > 0 {
            format!(", {unticked} left unticked")
        } else {
            String::new()
        };
        match planned {
            Ok(plan) => {
                let skipped = plan.skipped;
                let said = format!(
                    "Tagged {} {}; skipped {skipped} already tagged{left}.",
                    plan.tagged,
                    if plan.tagged == 1 { "match" } else { "matches" }
                );
                // Closed first: its thousands of rows need not follow the
                // change they would all be told of.
                let was = preview.get_untracked();
                close();
                let done = match plan.action {
                    Some(action) => view.store.act(Ok(action)),
                    None => true,
                };
                if done {
                    view.store.tell(Notice::info(said));
                } else {
                    preview.set(was);
                }
            }
            Err(e) => view
                .store
                .tell(Notice::error(format!("Nothing was tagged: {e}."))),
        }
    };
    let count = shown.with_value(|p| p.items.len());
    let items = shown.with_value(|p| p.items.clone());
    let titles: Vec<String> = view
        .store
        .with(|w| w.documents().map(|d| d.title.clone()).collect());
    view! {
        <div class="overlay" node_ref=overlay>
            <div
                class="tag-all-preview"
                role="dialog"
                aria-modal="true"
                aria-labelledby="tag-all-title"
                data-testid="tag-all-preview"
                on:keydown=|event: KeyboardEvent| keep_tab_inside(&event)
            >
                <h2 id="tag-all-title">{format!("Tag {count} matches")}</h2>
                {shown
                    .with_value(|p| p.capped)
                    .then(|| {
                        view! {
                            <p class="warning">
                                {format!("Only the first {MAX_MATCHES} matches are listed.")}
                            </p>
                        }
                    })}
                {shown
                    .with_value(|p| p.bad_lines.clone())
                    .into_iter()
                    .map(|line| view! { <p class="warning">{format!("Left out: {line}.")}</p> })
                    .collect_view()}
                <Show when=move || for_search>
                    <label class="tag-all-label">
                        "Label "
                        <select
                            data-testid="tag-all-label"
                            on:change=move |event| label.set(event_target_value(&event))
                        >
                            {view
                                .store
                                .labels()
                                .into_iter()
                                .map(|l| {
                                    let name = l.name.clone();
                                    let value = l.name.clone();
                                    view! {
                                        <option
                                            value=value
                                            selected=move || label.with(|picked| *picked == name)
                                        >
                                            {l.name}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                </Show>
                <ol class="tag-all-matches">
                    {items
                        .into_iter()
                        .enumerate()
                        .map(|(at, (m, own))| {
                            let title = titles.get(m.document).cloned().unwrap_or_default();
                            let (before, after) = view.store.with(|w| {
                                w.document(m.document)
                                    .map(|d| m.context(&d.text))
                                    .unwrap_or_default()
                            });
                            view! {
                                <li class:tagged=move || tagged(at)>
                                    <label>
                                        <input
                                            type="checkbox"
                                            data-testid="tag-all-match"
                                            data-doc-id=m.document_id
                                            data-start=m.start
                                            data-end=m.end
                                            data-tagged=move || tagged(at).to_string()
                                            disabled=move || tagged(at)
                                            prop:checked=move || {
                                                !tagged(at) && ticked.with(|t| t[at])
                                            }
                                            on:change=move |event| {
                                                let on = event_target_checked(&event);
                                                ticked.update(|t| t[at] = on);
                                            }
                                        />
                                        <span class="search-doc">{title}</span>
                                        <span class="search-context">
                                            {before}
                                            <mark>{m.quote}</mark>
                                            {after}
                                        </span>
                                        {own.map(|l| view! { <span class="tag-all-own">{l}</span> })}
                                        <Show when=move || tagged(at)>
                                            <span class="tag-all-done">"already tagged"</span>
                                        </Show>
                                    </label>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
                <div class="form-actions">
                    <button
                        type="button"
                        class="primary"
                        data-testid="tag-all-confirm"
                        node_ref=confirm_button
                        on:click=confirm
                    >
                        "Tag the ticked matches"
                    </button>
                    <button type="button" data-testid="tag-all-cancel" on:click=move |_| close()>
                        "Cancel"
                    </button>
                </div>
            </div>
        </div>
    }
    .into_any()
}

/// The form that reads a gazetteer, typed or pasted in, or loaded from a
/// `.tsv` or `.txt` file, and opens the preview of its matches.
#[component]
pub fn TagFromList(preview: RwSignal<Option<Preview>>) -> impl IntoView {
    let view = expect_context::<View>();
    let text = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let file = NodeRef::<html::Input>::new();
    let load = move |_| {
        let Some(input) = file.get_untracked() else {
            return;
        };
        let chosen = files::chosen(input.files());
        input.set_value("");
        spawn_local(async move {
            for file in chosen {
                match file.bytes().await {
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Ok(list) => text.set(list),
                        Err(_) => problem.set(Some(format!("“{}” is not UTF-8 text.", file.name))),
                    },
                    Err(why) => {
                        problem.set(Some(format!("“{}” could not be read: {why}.", file.name)))
                    }
                }
            }
        });
    };
    let apply = move |_| {
        let (gazetteer, (candidates, capped)) = view.store.with(|w| {
            let gazetteer = text.with_untracked(|list| Gazetteer::parse(list, w));
            let found = gazetteer.find(w);
            (gazetteer, found)
        });
        let bad_lines: Vec<String> = gazetteer
            .bad_lines
            .iter()
            .map(ToString::to_string)
            .collect();
        if candidates.is_empty() {
            let mut why = if gazetteer.entries.is_empty() {
                "No line of the list has a term and a label.".to_string()
            } else {
                "None of the terms occurs as a whole word.".to_string()
            };
            for line in &bad_lines {
                why.push_str(&format!(" Left out: {line}."));
            }
            problem.set(Some(why));
            return;
        }
        problem.set(None);
        preview.set(Some(Preview {
            items: candidates
                .into_iter()
                .map(|c| (c.found, Some(c.label)))
                .collect(),
            capped,
            bad_lines,
        }));
    };
    view! {
        <div class="tag-list-form">
            <label>
                "One term a line: the term, a tab, its label"
                <textarea
                    data-testid="tag-list-text"
                    rows="4"
                    spellcheck="false"
                    placeholder="Astana\tLocation"
                    prop:value=move || text.get()
                    on:input=move |event| text.set(event_target_value(&event))
                ></textarea>
            </label>
            <label class="button">
                "Load a .tsv or .txt file"
                <input
                    type="file"
                    class="visually-hidden"
                    accept=".tsv,.txt,text/plain,text/tab-separated-values"
                    data-testid="tag-list-file"
                    node_ref=file
                    on:change=load
                />
            </label>
            <button type="button" data-testid="tag-list-apply" on:click=apply>
                "Preview the matches"
            </button>
            {move || {
                problem
                    .get()
                    .map(|why| view! { <p class="warning" data-testid="tag-list-problem">{why}</p> })
            }}
        </div>
    }
}
