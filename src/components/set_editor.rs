//! What the label editor does alike for labels and for relation types, the
//! two sets of named, coloured, hotkeyed entries (`model::entry`): the
//! name, colour and hotkey fields of a row, the form adding an entry, and
//! the buttons moving it up and down, and how a planned change is applied
//! and told. A [`SetKind`] says which set and how its changes are planned;
//! the rows' other controls (a label's cue, what a deletion asks) are the
//! editor's own.
//!
//! Ids and test hooks are the set's prefix and the control:
//! `label-name`, `relation-type-name`, `label-add`, `relation-type-add`.

use std::fmt::Display;

use leptos::{ev, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};

use crate::state::{Drafts, Notice, View};
use span_core::model::entry::{hotkey_holder, Entry, Refusal};
use span_core::model::MAX_NAME_CHARS;
use span_core::model::{normalize_name, typed_hotkey, Action, HotkeyError, Workspace};

/// A change to a set, or why it is refused.
type Planned<E> = Result<Action, <E as Entry>::Error>;

/// One of the two sets, and how its changes are planned and told.
pub struct SetKind<E: Entry> {
    /// The first word of its ids and test hooks: `label`, `relation-type`.
    pub prefix: &'static str,
    /// What one of them is called: "label", "relation type".
    pub noun: &'static str,
    /// What its hotkey does to it, after "Hotkey k now …".
    pub hotkey_does: &'static str,
    pub entries: fn(&Workspace) -> &[E],
    /// How many annotations or relations it takes with it, in words.
    pub used_by: fn(&Workspace, &str) -> (usize, String),
    pub add: fn(&Workspace, &str, &str, Option<char>) -> Planned<E>,
    pub rename: fn(&Workspace, &str, &str) -> Planned<E>,
    pub recolor: fn(&Workspace, &str, &str) -> Planned<E>,
    pub set_hotkey: fn(&Workspace, &str, Option<char>) -> Planned<E>,
    /// Moves an entry to a position (from 0).
    pub reorder: fn(&Workspace, &str, usize) -> Planned<E>,
    pub suggest_color: fn(&[E]) -> String,
    pub suggest_hotkey: fn(&[E]) -> Option<char>,
}

/// The bounds an entry and its error meet to be edited here.
pub trait Edited: Entry<Error: Display + PartialEq> + PartialEq + Send + Sync + 'static {}
impl<E: Entry<Error: Display + PartialEq> + PartialEq + Send + Sync + 'static> Edited for E {}

/// The name, colour and hotkey fields of the row of entry `index`.
pub fn entry_fields<E: Edited>(
    set: &'static SetKind<E>,
    index: usize,
    entry: Memo<Option<E>>,
) -> impl IntoView {
    let view = expect_context::<View>();
    let prefix = set.prefix;
    let read =
        move |f: fn(&E) -> String| move || entry.with(|e| e.as_ref().map(f).unwrap_or_default());
    let name = read(|e| e.name().to_string());
    let current = move || entry.with_untracked(|e| e.as_ref().map(|e| e.name().to_string()));

    // A name is kept as it is typed, 300 ms after the last key and at once
    // when the page hides; one undo step, and one message when the field is
    // left.
    let drafts = expect_context::<Drafts>();
    let field = format!("{prefix}-name:{index}");
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
                if let Some(Ok(action)) =
                    current().map(|old| view.store.with(|w| (set.rename)(w, &old, &typed)))
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
        let current = current().unwrap_or_default();
        let new = input.value();
        let (count, used) = view.store.with(|w| (set.used_by)(w, &current));
        let with = if count == 0 {
            String::new()
        } else {
            format!(" ({used})")
        };
        let done = format!("Renamed “{old}” to “{}”{with}.", normalize_name(&new));
        if current == normalize_name(&new) {
            if old != current {
                view.store.tell(Notice::info(done));
            }
            return;
        }
        let planned = view.store.with(|w| (set.rename)(w, &current, &new));
        if !perform(set, view, planned, done) {
            input.set_value(&current);
        }
    };
    let recolor = move |event: ev::Event| {
        let input = event_target::<HtmlInputElement>(&event);
        let name = name();
        let planned = view.store.with(|w| (set.recolor)(w, &name, &input.value()));
        if !perform(set, view, planned, format!("Recoloured “{name}”.")) {
            input.set_value(&read(|e| e.color().to_string())());
        }
    };
    let set_hotkey = move |event: ev::Event| {
        let input = event_target::<HtmlInputElement>(&event);
        let name = name();
        let (planned, done) = match parse_hotkey::<E::Error>(&input.value()) {
            Err(e) => (Err(e), String::new()),
            Ok(key) => {
                let owner = key.and_then(|k| {
                    view.store.with(|w| {
                        hotkey_holder((set.entries)(w), k, &name).map(|e| e.name().to_string())
                    })
                });
                let done = match (key, owner) {
                    (Some(k), Some(owner)) => {
                        format!("Hotkey {k} moved from “{owner}” to “{name}”.")
                    }
                    (Some(k), None) => format!("Hotkey {k} now {} “{name}”.", set.hotkey_does),
                    (None, _) => format!("“{name}” has no hotkey now."),
                };
                (view.store.with(|w| (set.set_hotkey)(w, &name, key)), done)
            }
        };
        if !perform(set, view, planned, done) {
            input.set_value(&read(hotkey_text)());
        }
    };
    view! {
        <input
            type="text"
            id=control_id(&format!("{prefix}-name"), index)
            class="label-name"
            data-testid=format!("{prefix}-name")
            aria-label=move || format!("Name of {} {}", set.noun, index + 1)
            maxlength=MAX_NAME_CHARS.to_string()
            prop:value=name
            on:input=keep_name
            on:change=rename
        />
        <input
            type="color"
            id=control_id(&format!("{prefix}-color"), index)
            data-testid=format!("{prefix}-color")
            aria-label=move || format!("Colour of {}", name())
            prop:value=read(|e| e.color().to_string())
            on:change=recolor
        />
        <input
            type="text"
            id=control_id(&format!("{prefix}-hotkey"), index)
            class="label-hotkey"
            data-testid=format!("{prefix}-hotkey")
            aria-label=move || format!("Hotkey of {}", name())
            maxlength="1"
            size="2"
            autocomplete="off"
            prop:value=read(hotkey_text)
            on:change=set_hotkey
        />
    }
}

/// The form adding an entry at the end of the set. The colour and hotkey
/// offered are the set's suggestions, until the person picks others.
#[component]
pub fn AddEntry<E: Edited>(set: &'static SetKind<E>, entries: Memo<Vec<E>>) -> impl IntoView {
    let view = expect_context::<View>();
    let prefix = set.prefix;
    let name = RwSignal::new(String::new());
    let picked_color = RwSignal::new(None::<String>);
    let picked_hotkey = RwSignal::new(None::<String>);
    let color = move || {
        picked_color
            .get()
            .unwrap_or_else(|| entries.with(|e| (set.suggest_color)(e)))
    };
    let hotkey = move || {
        picked_hotkey.get().unwrap_or_else(|| {
            entries
                .with(|e| (set.suggest_hotkey)(e))
                .map(String::from)
                .unwrap_or_default()
        })
    };
    let add = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let new = name.get_untracked();
        let planned = parse_hotkey(&hotkey())
            .and_then(|key| view.store.with(|w| (set.add)(w, &new, &color(), key)));
        let done = format!("Added the {} “{}”.", set.noun, normalize_name(&new));
        if perform(set, view, planned, done) {
            name.set(String::new());
            picked_color.set(None);
            picked_hotkey.set(None);
        }
    };
    let id = move |control: &str| format!("{prefix}-add-{control}");
    view! {
        <form class="label-add" on:submit=add>
            <label for=id("name")>{format!("New {}", set.noun)}</label>
            <input
                type="text"
                id=id("name")
                data-testid=id("name")
                maxlength=MAX_NAME_CHARS.to_string()
                autocomplete="off"
                prop:value=move || name.get()
                on:input=move |event| name.set(event_target_value(&event))
            />
            <label for=id("color")>"Colour"</label>
            <input
                type="color"
                id=id("color")
                data-testid=id("color")
                prop:value=color
                on:input=move |event| picked_color.set(Some(event_target_value(&event)))
            />
            <label for=id("hotkey")>"Hotkey"</label>
            <input
                type="text"
                id=id("hotkey")
                class="label-hotkey"
                data-testid=id("hotkey")
                maxlength="1"
                size="2"
                autocomplete="off"
                prop:value=hotkey
                on:input=move |event| picked_hotkey.set(Some(event_target_value(&event)))
            />
            <button type="submit" data-testid=format!("{prefix}-add")>
                {format!("Add {}", set.noun)}
            </button>
        </form>
    }
}

/// The `↑` and `↓` buttons of the row of entry `index` of `count`
/// (`label-move-up`, `relation-type-move-down`, …): each moves the entry one
/// place, in one undo step, and the focus follows it, to the same button
/// while that one still works there.
pub fn order_buttons<E: Edited>(
    set: &'static SetKind<E>,
    index: usize,
    count: Memo<usize>,
    name: impl Fn() -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let view = expect_context::<View>();
    let prefix = set.prefix;
    let (up, down) = (format!("{prefix}-move-up"), format!("{prefix}-move-down"));
    let move_to = move |to: usize, control: &str, other: &str| {
        let name = name();
        let planned = view.store.with(|w| (set.reorder)(w, &name, to));
        if perform(
            set,
            view,
            planned,
            format!("Moved “{name}” to position {}.", to + 1),
        ) {
            let (control, other) = (control_id(control, to), control_id(other, to));
            request_animation_frame(move || {
                if !focus_id(&control) {
                    focus_id(&other);
                }
            });
        }
    };
    let (up_id, down_id) = (control_id(&up, index), control_id(&down, index));
    let (up_hook, down_hook) = (up.clone(), down.clone());
    let move_up = {
        let (up, down) = (up.clone(), down.clone());
        move |_| move_to(index.saturating_sub(1), &up, &down)
    };
    let move_down = move |_| move_to(index + 1, &down, &up);
    let is_last = move || index + 1 >= count.get();
    view! {
        <button
            type="button"
            id=up_id
            data-testid=up_hook
            aria-label=move || format!("Move {} up", name())
            disabled=move || index == 0
            on:click=move_up
        >
            "↑"
        </button>
        <button
            type="button"
            id=down_id
            data-testid=down_hook
            aria-label=move || format!("Move {} down", name())
            disabled=is_last
            on:click=move_down
        >
            "↓"
        </button>
    }
}

/// Applies a planned change to a set and says what it did, or says why it
/// was refused. Whether it was applied.
pub fn perform<E: Edited>(set: &SetKind<E>, view: View, planned: Planned<E>, done: String) -> bool {
    match planned {
        Err(e) if e == Refusal::Unchanged.into() => false,
        Err(e) => {
            view.store.tell(Notice::error(format!(
                "The {}s were not changed: {e}.",
                set.noun
            )));
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
fn parse_hotkey<Error: From<HotkeyError>>(typed: &str) -> Result<Option<char>, Error> {
    Ok(typed_hotkey(typed)?)
}

fn hotkey_text<E: Entry>(entry: &E) -> String {
    entry.hotkey().map(String::from).unwrap_or_default()
}

/// The `id` of a row's control.
pub fn control_id(control: &str, index: usize) -> String {
    format!("{control}-{index}")
}

/// Moves focus to the element with this `id`; `false` if it is missing or
/// disabled.
pub fn focus_id(id: &str) -> bool {
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

/// `count` things, in words: "1 annotation", "3 relations".
pub fn counted(count: usize, thing: &str) -> String {
    match count {
        1 => format!("1 {thing}"),
        n => format!("{n} {thing}s"),
    }
}
