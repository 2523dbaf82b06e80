//! The label-set editor: a dialog over the page listing every label,
//! where it is renamed, recoloured, given a hotkey, moved up or down and
//! deleted, and where new labels are added.
//!
//! Every change is planned by the core (`model::label_set`) and handed to
//! the view as one action, so it is saved at once and Ctrl+Z undoes it
//! whole. Deleting a label that annotations carry first asks whether to
//! delete them or move them to another label; nothing changes until the
//! person confirms.
//!
//! Rows are keyed by position, not by name, so renaming a label keeps the
//! field being typed in, and moving one moves its contents between rows.
//!
//! Test hooks: `label-editor` (the dialog), `label-editor-close`,
//! `label-row` (one per label, with `data-label="<name>"`), in each row
//! `label-name`, `label-color`, `label-hotkey`, `label-tag`,
//! `label-move-up`, `label-move-down`, `label-delete`, and once a used
//! label's delete is asked for, `label-delete-dialog` holding the radio
//! buttons `label-move-annotations` and `label-delete-annotations`,
//! `label-move-to` (the other label), `label-delete-confirm` and
//! `label-delete-cancel`; the new-label form `label-add-name`,
//! `label-add-color`, `label-add-hotkey`, `label-add`.

use leptos::{ev, html, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};

use crate::state::{Drafts, Notice, View};
use span_core::model::normalize_name;
use span_core::model::{
    cues, hotkey_owner, label_usage, plan_add_label, plan_delete_label, plan_move_label,
    plan_recolor, plan_rename_label, plan_set_hotkey, suggest_color, suggest_hotkey, typed_hotkey,
    Action, Cue, Disposal, Label, LabelError, MAX_NAME_CHARS,
};

/// The `id` of the editor panel, which the button opening it controls.
pub const EDITOR_ID: &str = "label-editor";

/// The `id` of the button that opens the editor, where focus goes back when
/// it closes.
pub const OPEN_BUTTON_ID: &str = "label-editor-open";

/// The editor panel, present in the page only while `open`.
#[component]
pub fn LabelEditor(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <Show when=move || open.get()>
            <EditorPanel open />
        </Show>
    }
}

#[component]
fn EditorPanel(open: RwSignal<bool>) -> impl IntoView {
    let view = expect_context::<View>();
    let labels = Memo::new(move |_| view.store.labels());
    let cues = Memo::new(move |_| labels.with(|l| cues(l)));
    let close = move || {
        open.set(false);
        focus_id(OPEN_BUTTON_ID);
    };
    let on_key = move |event: ev::KeyboardEvent| {
        if event.key() == "Escape" {
            close();
        }
    };
    // A dialog over the page, wherever the article is scrolled to; the
    // focus moves into it so that Esc and Tab work there at once.
    let panel = NodeRef::<html::Section>::new();
    Effect::new(move || {
        if let Some(panel) = panel.get() {
            let _ = panel.focus();
        }
    });
    view! {
        <div class="overlay" on:click=move |_| close()>
        <section
            class="label-editor"
            node_ref=panel
            id=EDITOR_ID
            data-testid="label-editor"
            role="dialog"
            aria-modal="true"
            aria-labelledby="label-editor-title"
            tabindex="-1"
            on:keydown=on_key
            on:click=|event| event.stop_propagation()
        >
            <header class="label-editor-head">
                <h2 id="label-editor-title">"Labels"</h2>
                <p class="hint">
                    "Changes apply at once and are saved; Ctrl+Z undoes each one. Text must stay readable on a label's colour."
                </p>
                <button
                    type="button"
                    class="label-editor-close"
                    data-testid="label-editor-close"
                    on:click=move |_| close()
                >
                    "Close"
                </button>
            </header>
            <ol class="label-rows">
                <For
                    each=move || 0..labels.with(Vec::len)
                    key=|index| *index
                    children=move |index| view! { <LabelRow index labels cues /> }
                />
            </ol>
            <AddLabel labels />
        </section>
        </div>
    }
}

/// A used label whose deletion waits for the person to say what happens to
/// its annotations.
#[derive(Clone, Debug, PartialEq)]
struct PendingDelete {
    name: String,
    count: usize,
}

#[component]
fn LabelRow(index: usize, labels: Memo<Vec<Label>>, cues: Memo<Vec<Cue>>) -> impl IntoView {
    let view = expect_context::<View>();
    let label = Memo::new(move |_| labels.with(|l| l.get(index).cloned()));
    let read = move |f: fn(&Label) -> String| {
        move || label.with(|l| l.as_ref().map(f).unwrap_or_default())
    };
    let name = read(|l| l.name.clone());
    let cue = move || cues.with(|c| c.get(index).cloned());
    let is_last = move || labels.with(|l| index + 1 >= l.len());
    let pending = RwSignal::new(None::<PendingDelete>);
    // Shown only while the row still holds the label it was asked for.
    let pending_here = move || {
        pending
            .get()
            .filter(|p| label.with(|l| l.as_ref().is_some_and(|l| l.name == p.name)))
    };

    // A name is kept as it is typed, 300 ms after the last key and at once
    // when the page hides; one undo step, and one message when the field is
    // left.
    let drafts = expect_context::<Drafts>();
    let field = format!("label-name:{index}");
    let named_before = StoredValue::new(None::<String>);
    let keep_name = {
        let field = field.clone();
        move |event: ev::Event| {
            let typed = event_target::<HtmlInputElement>(&event).value();
            if named_before.with_value(Option::is_none) {
                named_before.set_value(Some(name()));
            }
            let typing = field.clone();
            drafts.keep(&field, move || {
                let old = label.with_untracked(|l| l.as_ref().map(|l| l.name.clone()));
                if let Some(Ok(action)) =
                    old.map(|old| view.store.with(|w| plan_rename_label(w, &old, &typed)))
                {
                    view.store.type_into(&typing, Ok(action));
                }
            });
        }
    };
    let rename = move |event: ev::Event| {
        drafts.commit(&field);
        view.store.stop_typing();
        let input = event_target::<HtmlInputElement>(&event);
        let old = named_before
            .try_update_value(Option::take)
            .flatten()
            .unwrap_or_else(name);
        let current = label
            .with_untracked(|l| l.as_ref().map(|l| l.name.clone()))
            .unwrap_or_default();
        let new = input.value();
        let count = view.store.with(|w| label_usage(w, &current));
        let done = format!(
            "Renamed “{old}” to “{}”{}.",
            normalize_name(&new),
            annotations_of(count)
        );
        if current == normalize_name(&new) {
            if old != current {
                view.store.tell(Notice::info(done));
            }
            return;
        }
        let planned = view.store.with(|w| plan_rename_label(w, &current, &new));
        if !perform(view, planned, done) {
            input.set_value(&current);
        }
    };
    let recolor = move |event: ev::Event| {
        let input = event_target::<HtmlInputElement>(&event);
        let name = name();
        let planned = view.store.with(|w| plan_recolor(w, &name, &input.value()));
        if !perform(view, planned, format!("Recoloured “{name}”.")) {
            input.set_value(
                &label.with_untracked(|l| l.as_ref().map(|l| l.color.clone()).unwrap_or_default()),
            );
        }
    };
    let set_hotkey = move |event: ev::Event| {
        let input = event_target::<HtmlInputElement>(&event);
        let name = name();
        let (planned, done) = match parse_hotkey(&input.value()) {
            Err(e) => (Err(e), String::new()),
            Ok(key) => {
                let owner = key.and_then(|k| {
                    view.store
                        .with(|w| hotkey_owner(w, k, &name).map(|l| l.name.clone()))
                });
                let done = match (key, owner) {
                    (Some(k), Some(owner)) => {
                        format!("Hotkey {k} moved from “{owner}” to “{name}”.")
                    }
                    (Some(k), None) => format!("Hotkey {k} now tags “{name}”."),
                    (None, _) => format!("“{name}” has no hotkey now."),
                };
                (view.store.with(|w| plan_set_hotkey(w, &name, key)), done)
            }
        };
        if !perform(view, planned, done) {
            input.set_value(&read(hotkey_text)());
        }
    };
    let move_to = move |to: usize, control: &'static str, other: &'static str| {
        let name = name();
        let planned = view.store.with(|w| plan_move_label(w, &name, to));
        if perform(
            view,
            planned,
            format!("Moved “{name}” to position {}.", to + 1),
        ) {
            // Focus follows the label, to the same button if it still works.
            request_animation_frame(move || {
                if !focus_id(&control_id(control, to)) {
                    focus_id(&control_id(other, to));
                }
            });
        }
    };
    let delete = move |_| {
        let name = name();
        let count = view.store.with(|w| label_usage(w, &name));
        if count == 0 {
            let planned = view
                .store
                .with(|w| plan_delete_label(w, &name, Disposal::DeleteAnnotations));
            if perform(view, planned, format!("Deleted “{name}”.")) {
                focus_id(EDITOR_ID);
            }
        } else {
            pending.set(Some(PendingDelete { name, count }));
            request_animation_frame(move || {
                focus_id(&control_id("label-move-annotations", index));
            });
        }
    };

    view! {
        <li class="label-row" data-testid="label-row" data-label=name>
            <span
                class="label-cue"
                data-testid="label-tag"
                aria-hidden="true"
                // `prop:style` sets `element.style`, that is its CSS text through the
                // CSSOM: the page's Content-Security-Policy refuses style attributes.
                prop:style=move || {
                    let color = read(|l| l.color.clone())();
                    let line = cue().map_or("solid", |c| c.line);
                    format!("--label-color: {color}; --label-line: {line}")
                }
            >
                {move || cue().map(|c| c.tag).unwrap_or_default()}
            </span>
            <input
                type="text"
                id=control_id("label-name", index)
                class="label-name"
                data-testid="label-name"
                aria-label=move || format!("Name of label {}", index + 1)
                maxlength=MAX_NAME_CHARS.to_string()
                prop:value=name
                on:input=keep_name
                on:change=rename
            />
            <input
                type="color"
                id=control_id("label-color", index)
                data-testid="label-color"
                aria-label=move || format!("Colour of {}", name())
                prop:value=read(|l| l.color.clone())
                on:change=recolor
            />
            <input
                type="text"
                id=control_id("label-hotkey", index)
                class="label-hotkey"
                data-testid="label-hotkey"
                aria-label=move || format!("Hotkey of {}", name())
                maxlength="1"
                size="2"
                autocomplete="off"
                prop:value=read(hotkey_text)
                on:change=set_hotkey
            />
            <button
                type="button"
                id=control_id("label-move-up", index)
                data-testid="label-move-up"
                aria-label=move || format!("Move {} up", name())
                disabled=move || index == 0
                on:click=move |_| move_to(index.saturating_sub(1), "label-move-up", "label-move-down")
            >
                "↑"
            </button>
            <button
                type="button"
                id=control_id("label-move-down", index)
                data-testid="label-move-down"
                aria-label=move || format!("Move {} down", name())
                disabled=is_last
                on:click=move |_| move_to(index + 1, "label-move-down", "label-move-up")
            >
                "↓"
            </button>
            <button
                type="button"
                id=control_id("label-delete", index)
                class="label-delete"
                data-testid="label-delete"
                aria-label=move || format!("Delete {}", name())
                on:click=delete
            >
                "Delete"
            </button>
            {move || {
                pending_here()
                    .map(|asked| view! { <ConfirmDelete index asked labels pending /> })
            }}
        </li>
    }
}

/// Asks what becomes of the annotations of a label being deleted: deleted
/// with it, or moved to another label (the default, as it loses nothing).
#[component]
fn ConfirmDelete(
    index: usize,
    asked: PendingDelete,
    labels: Memo<Vec<Label>>,
    pending: RwSignal<Option<PendingDelete>>,
) -> impl IntoView {
    let view = expect_context::<View>();
    let PendingDelete { name, count } = asked;
    let name = StoredValue::new(name);
    let others = move || {
        labels.with(|l| {
            l.iter()
                .filter(|l| name.with_value(|n| l.name != *n))
                .map(|l| l.name.clone())
                .collect::<Vec<_>>()
        })
    };
    let moving = RwSignal::new(true);
    let first_other = labels.with_untracked(|l| {
        l.iter()
            .find(|l| name.with_value(|n| l.name != *n))
            .map(|l| l.name.clone())
    });
    let target = RwSignal::new(first_other.unwrap_or_default());
    let group = format!("label-disposal-{index}");
    let delete_id = control_id("label-delete-annotations", index);
    let move_id = control_id("label-move-annotations", index);
    let target_id = control_id("label-move-to", index);
    let cancel = move || {
        pending.set(None);
        focus_id(&control_id("label-delete", index));
    };
    let confirm = move |_| {
        let name = name.get_value();
        let (disposal, done) = if moving.get_untracked() {
            let to = target.get_untracked();
            let done = format!(
                "Deleted “{name}”; its {} now {} the label “{to}”.",
                annotations_word(count),
                if count == 1 { "has" } else { "have" }
            );
            (Disposal::MoveTo(to), done)
        } else {
            let done = format!("Deleted “{name}” and its {}.", annotations_word(count));
            (Disposal::DeleteAnnotations, done)
        };
        let planned = view.store.with(|w| plan_delete_label(w, &name, disposal));
        if perform(view, planned, done) {
            pending.set(None);
            focus_id(EDITOR_ID);
        }
    };
    let on_key = move |event: ev::KeyboardEvent| {
        if event.key() == "Escape" {
            // Escape here cancels the deletion, not the whole editor.
            event.stop_propagation();
            cancel();
        }
    };
    view! {
        <fieldset class="delete-confirm" data-testid="label-delete-dialog" on:keydown=on_key>
            <legend>
                {name.with_value(|n| {
                    format!("“{n}” is used by {}. Before deleting it:", annotations_word(count))
                })}
            </legend>
            <div class="choice">
                <input
                    type="radio"
                    id=move_id.clone()
                    name=group.clone()
                    data-testid="label-move-annotations"
                    prop:checked=move || moving.get()
                    on:change=move |_| moving.set(true)
                />
                <label for=move_id>"Move them to"</label>
                <label class="visually-hidden" for=target_id.clone()>
                    "Label to move them to"
                </label>
                <select
                    id=target_id
                    data-testid="label-move-to"
                    on:change=move |event| {
                        target.set(event_target_value(&event));
                        moving.set(true);
                    }
                >
                    {move || {
                        others()
                            .into_iter()
                            .map(|other| {
                                let value = other.clone();
                                let selected = {
                                    let other = other.clone();
                                    move || target.with(|t| *t == other)
                                };
                                view! {
                                    <option value=value prop:selected=selected>
                                        {other}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <div class="choice">
                <input
                    type="radio"
                    id=delete_id.clone()
                    name=group
                    data-testid="label-delete-annotations"
                    prop:checked=move || !moving.get()
                    on:change=move |_| moving.set(false)
                />
                <label for=delete_id>
                    {format!("Delete its {}", annotations_word(count))}
                </label>
            </div>
            <div class="actions">
                <button type="button" class="danger" data-testid="label-delete-confirm" on:click=confirm>
                    {name.with_value(|n| format!("Delete “{n}”"))}
                </button>
                <button type="button" data-testid="label-delete-cancel" on:click=move |_| cancel()>
                    "Cancel"
                </button>
            </div>
        </fieldset>
    }
}

/// The form adding a label at the end of the set. The colour and hotkey
/// offered are the first ones no label has, until the person picks others.
#[component]
fn AddLabel(labels: Memo<Vec<Label>>) -> impl IntoView {
    let view = expect_context::<View>();
    let name = RwSignal::new(String::new());
    let picked_color = RwSignal::new(None::<String>);
    let picked_hotkey = RwSignal::new(None::<String>);
    let color = move || {
        picked_color
            .get()
            .unwrap_or_else(|| labels.with(|l| suggest_color(l)))
    };
    let hotkey = move || {
        picked_hotkey.get().unwrap_or_else(|| {
            labels
                .with(|l| suggest_hotkey(l))
                .map(String::from)
                .unwrap_or_default()
        })
    };
    let add = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let new = name.get_untracked();
        let planned = parse_hotkey(&hotkey())
            .and_then(|key| view.store.with(|w| plan_add_label(w, &new, &color(), key)));
        let done = format!("Added the label “{}”.", normalize_name(&new));
        if perform(view, planned, done) {
            name.set(String::new());
            picked_color.set(None);
            picked_hotkey.set(None);
        }
    };
    view! {
        <form class="label-add" on:submit=add>
            <label for="label-add-name">"New label"</label>
            <input
                type="text"
                id="label-add-name"
                data-testid="label-add-name"
                maxlength=MAX_NAME_CHARS.to_string()
                autocomplete="off"
                prop:value=move || name.get()
                on:input=move |event| name.set(event_target_value(&event))
            />
            <label for="label-add-color">"Colour"</label>
            <input
                type="color"
                id="label-add-color"
                data-testid="label-add-color"
                prop:value=color
                on:input=move |event| picked_color.set(Some(event_target_value(&event)))
            />
            <label for="label-add-hotkey">"Hotkey"</label>
            <input
                type="text"
                id="label-add-hotkey"
                class="label-hotkey"
                data-testid="label-add-hotkey"
                maxlength="1"
                size="2"
                autocomplete="off"
                prop:value=hotkey
                on:input=move |event| picked_hotkey.set(Some(event_target_value(&event)))
            />
            <button type="submit" data-testid="label-add">
                "Add label"
            </button>
        </form>
    }
}

/// Applies a planned change to the label set and says what it did, or says
/// why it was refused. Whether it was applied.
fn perform(view: View, planned: Result<Action, LabelError>, done: String) -> bool {
    match planned {
        Err(LabelError::Unchanged) => false,
        Err(e) => {
            view.store
                .tell(Notice::error(format!("The labels were not changed: {e}.")));
            false
        }
        Ok(action) => {
            let applied = view.store.act(Ok(action));
            if applied {
                view.store.tell(Notice::info(done));
            }
            applied
        }
    }
}

/// A hotkey typed into a field: nothing, or one character.
fn parse_hotkey(typed: &str) -> Result<Option<char>, LabelError> {
    Ok(typed_hotkey(typed)?)
}

fn hotkey_text(label: &Label) -> String {
    label.hotkey.map(String::from).unwrap_or_default()
}

/// The `id` of a row's control.
fn control_id(control: &str, index: usize) -> String {
    format!("{control}-{index}")
}

/// Moves focus to the element with this `id`; `false` if it is missing or
/// disabled.
fn focus_id(id: &str) -> bool {
    let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    else {
        return false;
    };
    if element.has_attribute("disabled") {
        return false;
    }
    element.focus().is_ok()
}

fn annotations_word(count: usize) -> String {
    match count {
        1 => "1 annotation".to_string(),
        n => format!("{n} annotations"),
    }
}

/// ` (N annotations)` for a message, or nothing for none.
fn annotations_of(count: usize) -> String {
    match count {
        0 => String::new(),
        n => format!(" ({})", annotations_word(n)),
    }
}
