//! The list of documents, each with its title, date, annotation count and
//! status, the controls to rename or remove one, and above them how far the
//! work is ("2 of 3 done") with a filter by status. Rows are keyed by
//! document id, so a row (and a title being typed in it) stays put when
//! other rows change, here or in another tab. The list shows
//! [`ROWS_AT_A_TIME`] rows at a time ("Show N more"): 10,000 rows of an
//! import took the page seconds to build and lay out. Rows that come at
//! once are drawn [`NEW_ROWS_PER_FRAME`] a frame, in list order.

use std::collections::HashSet;

use leptos::{ev, html, prelude::*};
use span_core::model::{DocumentStatus, Progress};
use web_sys::KeyboardEvent;

use crate::browser::lifecycle::is_visible;
use crate::state::{Drafts, Notice, Pane, View};

/// How many rows the list shows, and adds at each "Show N more".
const ROWS_AT_A_TIME: usize = 100;

/// How many new rows are drawn in one frame: a row took about 0.2 ms to
/// build and as much to style and lay out, so the 97 new rows of an import
/// were one 50 ms block of the page; drawn over four frames, none is long.
const NEW_ROWS_PER_FRAME: usize = 25;

#[component]
pub fn DocumentList() -> impl IntoView {
    let view = expect_context::<View>();
    // Which documents are listed: all, or those of one status.
    let filter = RwSignal::new(None::<DocumentStatus>);
    let shown_rows = RwSignal::new(ROWS_AT_A_TIME);
    let statuses = Memo::new(move |_| {
        view.store.track_documents();
        view.store
            .with(|w| w.documents().map(|d| d.status).collect::<Vec<_>>())
    });
    let progress = Memo::new(move |_| statuses.with(|s| Progress::of(s.iter().copied())));
    // The ids of the documents listed, and how many the filter lets
    // through in all.
    let listed = Memo::new(move |_| {
        view.store.track_documents();
        let shown = filter.get();
        let rows = shown_rows.get();
        view.store.with(|w| {
            let mut ids = Vec::with_capacity(rows.min(w.document_count()));
            let mut all = 0;
            for document in w
                .documents()
                .filter(|d| shown.is_none_or(|s| s == d.status))
            {
                if all < rows {
                    ids.push(document.id.clone());
                }
                all += 1;
            }
            (ids, all)
        })
    });
    // The rows drawn: the listed ids up to the first new row over this
    // frame's budget, and more at each frame until all are (at once in a
    // hidden page, which paints nothing and gets no frames).
    let drawn = RwSignal::new(Vec::<String>::new());
    let next_frame = RwSignal::new(0_u32);
    Effect::new(move || {
        next_frame.track();
        let budget = match is_visible() {
            true => NEW_ROWS_PER_FRAME,
            false => usize::MAX,
        };
        let (next, more) = listed.with(|(ids, _)| {
            let next = drawn.with_untracked(|now| grow(now, ids, budget));
            let more = next.len() < ids.len();
            (next, more)
        });
        if more {
            request_animation_frame(move || next_frame.update(|n| *n += 1));
        }
        if drawn.with_untracked(|now| *now != next) {
            drawn.set(next);
        }
    });
    let ids = move || drawn.get();
    // Only the step between no document and some rebuilds the list: its
    // rows follow the documents through `For`, keeping the rows of those
    // that stay (an import of 10,000 added 97 rows to the 3 kept).
    let empty = Memo::new(move |_| {
        view.store.track_documents();
        view.store.with(|w| w.document_count() == 0)
    });
    let items = move || {
        if empty.get() {
            return view! {
                <p class="doc-empty" data-testid="doc-empty">
                    "No documents. Add .txt files, drop them here, or paste a text."
                </p>
            }
            .into_any();
        }
        let none_shown = move || {
            filter.get().filter(|_| listed.with(|(_, all)| *all == 0)).map(
                |s| view! { <p class="doc-empty">{format!("No document is “{}”.", s.name())}</p> },
            )
        };
        let more = move || {
            let hidden = listed.with(|(ids, all)| all - ids.len());
            (hidden > 0).then(|| {
                view! {
                    <li class="doc-more-row">
                        <button
                            class="doc-more"
                            data-testid="doc-more"
                            on:click=move |_| shown_rows.update(|n| *n += ROWS_AT_A_TIME)
                        >
                            {format!("Show {} more of {hidden}", hidden.min(ROWS_AT_A_TIME))}
                        </button>
                    </li>
                }
            })
        };
        view! {
            <For each=ids key=|id| id.clone() let:id><DocumentItem id /></For>
            {more}
            {none_shown}
        }
        .into_any()
    };
    let count_of = move |status: DocumentStatus| {
        statuses.with(|all| all.iter().filter(|s| **s == status).count())
    };
    view! {
        <div class="doc-progress">
            <div
                class="doc-progress-bar"
                data-testid="progress"
                data-done=move || progress.get().done
                data-total=move || progress.get().total
            >
                <span>{move || progress.get().to_string()}</span>
                <progress
                    aria-label="Documents done"
                    max=move || progress.get().total.max(1)
                    value=move || progress.get().done
                ></progress>
            </div>
            <label class="doc-filter">
                <span class="visually-hidden">"Show documents"</span>
                <select
                    data-testid="doc-filter"
                    on:change=move |event| filter.set(DocumentStatus::from_id(&event_target_value(&event)))
                >
                    <option value="all" selected=move || filter.get().is_none()>
                        {move || format!("All ({})", progress.get().total)}
                    </option>
                    {DocumentStatus::ALL
                        .map(|status| {
                            view! {
                                <option value=status.id() selected=move || filter.get() == Some(status)>
                                    {move || format!("{} ({})", status.name(), count_of(status))}
                                </option>
                            }
                        })}
                </select>
            </label>
        </div>
        <ul class="doc-list" data-testid="doc-list">{items}</ul>
    }
}

/// What a document's row is showing besides its title.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Idle,
    Renaming,
    ConfirmingRemoval,
}

#[component]
fn DocumentItem(id: String) -> impl IntoView {
    let view = expect_context::<View>();
    let key = StoredValue::new(id.clone());
    // Where the document is now, following it as others come and go.
    let position = move || {
        view.store.track_documents();
        key.with_value(|id| view.store.with(|w| w.position(id)))
    };
    let Some(date) = view.store.with(|w| {
        w.position(&id)
            .and_then(|doc| w.document(doc))
            .map(|d| d.date().map(str::to_string))
    }) else {
        return ().into_any();
    };
    let title = move || {
        view.store.track_documents();
        key.with_value(|id| {
            view.store.with(|w| {
                w.position(id)
                    .and_then(|doc| w.document(doc))
                    .map(|d| d.title.clone())
                    .unwrap_or_default()
            })
        })
    };
    let doc = move || position().unwrap_or(usize::MAX);
    let mode = RwSignal::new(Mode::Idle);
    let count = move || {
        let doc = doc();
        view.store.track_document(doc);
        view.store
            .with(|w| w.annotations(doc).map_or(0, |a| a.len()))
    };
    let is_current = move || view.current() == doc();
    let status = move || {
        view.store.track_documents();
        view.store
            .with(|w| w.document(doc()).map(|d| d.status))
            .unwrap_or_default()
    };
    let remove = move || {
        let title = title();
        if view.store.remove_document(doc()) {
            view.store.tell(Notice::info(format!(
                "Removed “{title}”. Ctrl+Z brings it back."
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
    view! {
        <li
            class="doc-row"
            class:current=is_current
            class:renaming=move || mode.get() == Mode::Renaming
            data-status=move || status().id()
        >
            <Show
                when=move || mode.get() == Mode::Renaming
                fallback=move || {
                    let date = date.clone();
                    view! {
                        <button
                            class="doc-item"
                            class:current=is_current
                            aria-current=move || is_current().then_some("page")
                            data-testid="doc-item"
                            data-doc-id=key.get_value()
                            aria-keyshortcuts="F2 Delete"
                            on:click=move |_| {
                                view.open(doc());
                                view.shown.set(Pane::Article);
                            }
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
                <TitleEditor id=key.get_value() mode />
            </Show>
            <div class="doc-actions">
                <button
                    class="icon"
                    data-testid="doc-rename"
                    title="Rename (F2)"
                    aria-label=move || format!("Rename “{}”", title())
                    on:click=move |_| mode.set(Mode::Renaming)
                >
                    "✎"
                </button>
                <button
                    class="icon"
                    data-testid="doc-remove"
                    title="Remove (Delete)"
                    aria-label=move || format!("Remove “{}”", title())
                    on:click=move |_| ask_to_remove()
                >
                    "×"
                </button>
            </div>
            <select
                class="doc-status"
                data-testid="doc-status"
                data-doc-id=key.get_value()
                title="Status (Alt+D steps the open document's)"
                aria-label=move || format!("Status of “{}”", title())
                // The options' `selected` attribute picks the first status;
                // once a person has chosen one, a select follows only its
                // value (a change from Alt+D, undo or another tab).
                prop:value=move || status().id()
                on:change=move |event| {
                    if let Some(status) = DocumentStatus::from_id(&event_target_value(&event)) {
                        view.set_status(doc(), status);
                    }
                }
            >
                {DocumentStatus::ALL
                    .map(|option| {
                        view! {
                            <option value=option.id() selected=move || status() == option>
                                {option.name()}
                            </option>
                        }
                    })}
            </select>
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

/// The title field that replaces a row's title while it is renamed. The
/// title is kept as it is typed (300 ms after the last key, and at once
/// when the page hides), all of it one undo step; Enter or leaving the field
/// ends renaming, Escape puts the old title back.
#[component]
fn TitleEditor(id: String, mode: RwSignal<Mode>) -> impl IntoView {
    let view = expect_context::<View>();
    let drafts = expect_context::<Drafts>();
    let input = NodeRef::<html::Input>::new();
    let field = format!("title:{id}");
    let key = StoredValue::new(id);
    let original = key.with_value(|id| {
        view.store
            .with(|w| {
                w.position(id)
                    .and_then(|d| w.document(d))
                    .map(|d| d.title.clone())
            })
            .unwrap_or_default()
    });
    let rename = move |title: String, field: String| {
        key.with_value(|id| {
            let Some(doc) = view.store.with(|w| w.position(id)) else {
                return;
            };
            let unchanged = view
                .store
                .with(|w| w.document(doc).map(|d| d.title.clone()))
                == Some(title.trim().to_string());
            if !unchanged && !title.trim().is_empty() {
                view.store
                    .type_into(&field, view.store.with(|w| w.plan_rename(doc, &title)));
            }
        });
    };
    let keep = {
        let field = field.clone();
        move |event| {
            let title = event_target_value(&event);
            let typed = field.clone();
            drafts.keep(&field, move || rename(title, typed));
        }
    };
    let finish = {
        let field = field.clone();
        move || {
            if mode.get_untracked() != Mode::Renaming {
                return;
            }
            mode.set(Mode::Idle);
            if let Some(input) = input.get_untracked() {
                drafts.discard(&field);
                rename(input.value(), field.clone());
            }
            view.store.stop_typing();
        }
    };
    let cancel = {
        let original = original.clone();
        move || {
            drafts.discard(&field);
            mode.set(Mode::Idle);
            rename(original.clone(), field.clone());
            view.store.stop_typing();
        }
    };
    Effect::new(move || {
        if let Some(field) = input.get() {
            let _ = field.focus();
            field.select();
        }
    });
    let on_blur = finish.clone();
    view! {
        <input
            class="doc-title-input"
            data-testid="doc-title-input"
            aria-label="Document title"
            node_ref=input
            value=original
            on:input=keep
            on:keydown=move |event: KeyboardEvent| match event.key().as_str() {
                "Enter" => finish(),
                "Escape" => {
                    event.stop_propagation();
                    cancel();
                }
                _ => {}
            }
            on:blur=move |_: ev::FocusEvent| on_blur()
        />
    }
}

/// The first ids of `target` that can be drawn now: those `drawn` already
/// has cost nothing, each other one costs one of `budget`, and the list
/// stops before the first it cannot pay for, so rows keep their order.
fn grow(drawn: &[String], target: &[String], budget: usize) -> Vec<String> {
    let kept: HashSet<&str> = drawn.iter().map(String::as_str).collect();
    let mut left = budget;
    target
        .iter()
        .take_while(|id| match kept.contains(id.as_str()) {
            true => true,
            false if left > 0 => {
                left -= 1;
                true
            }
            false => false,
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::grow;

    fn ids(names: &str) -> Vec<String> {
        names.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn new_rows_come_a_budget_at_a_time_in_list_order() {
        let target = ids("a b c d e f g");
        let mut drawn = Vec::new();
        let mut frames = Vec::new();
        while drawn != target {
            drawn = grow(&drawn, &target, 3);
            frames.push(drawn.join(" "));
        }
        assert_eq!(frames, ["a b c", "a b c d e f", "a b c d e f g"]);
    }

    #[test]
    fn rows_drawn_stay_free_and_rows_gone_go() {
        // Two documents removed, one kept, five new ahead of and among
        // those drawn: the kept ones cost nothing, the list stops at the
        // first new one past the budget.
        let drawn = ids("a b c d");
        let target = ids("x a y z c w v d");
        assert_eq!(grow(&drawn, &target, 2), ids("x a y"));
        assert_eq!(grow(&drawn, &target, 4), ids("x a y z c w"));
        assert_eq!(grow(&drawn, &target, usize::MAX), target);
        assert_eq!(grow(&drawn, &ids("d b"), 0), ids("d b"));
        assert!(grow(&drawn, &target, 0).is_empty());
    }
}
