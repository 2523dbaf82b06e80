//! The label-set editor: a dialog over the page listing every label,
//! where it is renamed, recoloured, given a hotkey, moved up or down and
//! deleted, and where new labels are added; and below them the relation
//! types, edited the same way (their fields and form are
//! [`set_editor`](super::set_editor)'s, shared by both).
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
//! `label-add-color`, `label-add-hotkey`, `label-add`. The relation types
//! have the same with `relation-type-` instead of `label-`: the rows
//! (`data-relation-type="<name>"`) hold `-name`, `-color`, `-hotkey`,
//! `-move-up`, `-move-down` and `-delete`; a used type's delete asks in `relation-type-delete-dialog`
//! (`relation-type-delete-confirm`, `relation-type-delete-cancel`).

use leptos::{ev, html, prelude::*};

use super::set_editor::{
    control_id, counted, entry_fields, focus_id, order_buttons, perform, AddEntry, SetKind,
};
use crate::browser::focus_trap::keep_tab_inside;
use crate::state::View;
use span_core::model::{
    cues, label_usage, plan_add_label, plan_add_relation_type, plan_delete_label,
    plan_delete_relation_type, plan_move_label, plan_move_relation_type, plan_recolor,
    plan_recolor_relation_type, plan_rename_label, plan_rename_relation_type, plan_set_hotkey,
    plan_set_relation_hotkey, relation_type_usage, suggest_color, suggest_hotkey,
    suggest_relation_color, Cue, Disposal, Label, RelationType, Workspace,
};

/// The `id` of the editor panel, which the button opening it controls.
pub const EDITOR_ID: &str = "label-editor";

/// The `id` of the button that opens the editor, where focus goes back when
/// it closes.
pub const OPEN_BUTTON_ID: &str = "label-editor-open";

static LABELS: SetKind<Label> = SetKind {
    prefix: "label",
    noun: "label",
    hotkey_does: "tags",
    entries: Workspace::labels,
    used_by: |w, name| {
        let count = label_usage(w, name);
        (count, counted(count, "annotation"))
    },
    add: plan_add_label,
    rename: plan_rename_label,
    recolor: plan_recolor,
    set_hotkey: plan_set_hotkey,
    reorder: plan_move_label,
    suggest_color,
    suggest_hotkey,
};

static RELATION_TYPES: SetKind<RelationType> = SetKind {
    prefix: "relation-type",
    noun: "relation type",
    hotkey_does: "picks in the relation form",
    entries: Workspace::relation_types,
    used_by: |w, name| {
        let count = relation_type_usage(w, name);
        (count, counted(count, "relation"))
    },
    add: plan_add_relation_type,
    rename: plan_rename_relation_type,
    recolor: plan_recolor_relation_type,
    set_hotkey: plan_set_relation_hotkey,
    reorder: plan_move_relation_type,
    suggest_color: suggest_relation_color,
    // A type is picked by a letter of its name, not known yet.
    suggest_hotkey: |_| None,
};

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
        keep_tab_inside(&event);
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
            <AddEntry set=&LABELS entries=labels />
            <RelationTypes />
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
    let count = Memo::new(move |_| labels.with(Vec::len));
    let pending = RwSignal::new(None::<PendingDelete>);
    // Shown only while the row still holds the label it was asked for.
    let pending_here = move || {
        pending
            .get()
            .filter(|p| label.with(|l| l.as_ref().is_some_and(|l| l.name == p.name)))
    };
    let delete = move |_| {
        let name = name();
        let count = view.store.with(|w| label_usage(w, &name));
        if count == 0 {
            let planned = view
                .store
                .with(|w| plan_delete_label(w, &name, Disposal::DeleteAnnotations));
            if perform(&LABELS, view, planned, format!("Deleted “{name}”.")) {
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
            {entry_fields(&LABELS, index, label)}
            {order_buttons(&LABELS, index, count, name)}
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
        if perform(&LABELS, view, planned, done) {
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

/// The relation types, below the labels: each renamed, recoloured, given a
/// hotkey, moved or deleted as a label is, and new ones added. Their hotkeys pick
/// a type in the relation form, so they may be keys labels have too.
#[component]
fn RelationTypes() -> impl IntoView {
    let view = expect_context::<View>();
    let types = Memo::new(move |_| {
        view.store.track_labels();
        view.store.with(|w| w.relation_types().to_vec())
    });
    view! {
        <section class="relation-types" aria-labelledby="relation-types-title">
            <h3 id="relation-types-title">"Relation types"</h3>
            <p class="hint">
                "A type's hotkey picks it in the relation form, so it may be a label's hotkey too. Renaming a type renames its relations; deleting one deletes them."
            </p>
            <ol class="label-rows">
                <For
                    each=move || 0..types.with(Vec::len)
                    key=|index| *index
                    children=move |index| view! { <RelationTypeRow index types /> }
                />
            </ol>
            <AddEntry set=&RELATION_TYPES entries=types />
        </section>
    }
}

#[component]
fn RelationTypeRow(index: usize, types: Memo<Vec<RelationType>>) -> impl IntoView {
    let view = expect_context::<View>();
    let kind = Memo::new(move |_| types.with(|t| t.get(index).cloned()));
    let count = Memo::new(move |_| types.with(Vec::len));
    let name = move || kind.with(|t| t.as_ref().map(|t| t.name.clone()).unwrap_or_default());
    let pending = RwSignal::new(None::<PendingDelete>);
    let pending_here = move || pending.get().filter(|p| p.name == name());
    let delete_id = control_id("relation-type-delete", index);
    let delete = move |_| {
        let name = name();
        let count = view.store.with(|w| relation_type_usage(w, &name));
        if count == 0 {
            let planned = view.store.with(|w| plan_delete_relation_type(w, &name));
            if perform(&RELATION_TYPES, view, planned, format!("Deleted “{name}”.")) {
                focus_id(EDITOR_ID);
            }
        } else {
            pending.set(Some(PendingDelete { name, count }));
            request_animation_frame(move || {
                focus_id(&control_id("relation-type-delete-confirm", index));
            });
        }
    };
    let cancel = move || {
        pending.set(None);
        focus_id(&control_id("relation-type-delete", index));
    };
    let confirm = move |asked: &PendingDelete| {
        let PendingDelete { name, count } = asked.clone();
        let planned = view.store.with(|w| plan_delete_relation_type(w, &name));
        let done = format!("Deleted “{name}” and its {}.", counted(count, "relation"));
        if perform(&RELATION_TYPES, view, planned, done) {
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
        <li class="relation-type-row" data-testid="relation-type-row" data-relation-type=name>
            {entry_fields(&RELATION_TYPES, index, kind)}
            {order_buttons(&RELATION_TYPES, index, count, name)}
            <button
                type="button"
                id=delete_id
                class="label-delete"
                data-testid="relation-type-delete"
                aria-label=move || format!("Delete {}", name())
                on:click=delete
            >
                "Delete"
            </button>
            {move || {
                pending_here()
                    .map(|asked| {
                        let question = format!(
                            "“{}” is used by {}. Delete it and them?",
                            asked.name,
                            counted(asked.count, "relation"),
                        );
                        let button = format!("Delete “{}”", asked.name);
                        view! {
                            <fieldset
                                class="delete-confirm"
                                data-testid="relation-type-delete-dialog"
                                on:keydown=on_key
                            >
                                <legend>{question}</legend>
                                <div class="actions">
                                    <button
                                        type="button"
                                        class="danger"
                                        id=control_id("relation-type-delete-confirm", index)
                                        data-testid="relation-type-delete-confirm"
                                        on:click=move |_| confirm(&asked)
                                    >
                                        {button}
                                    </button>
                                    <button
                                        type="button"
                                        data-testid="relation-type-delete-cancel"
                                        on:click=move |_| cancel()
                                    >
                                        "Cancel"
                                    </button>
                                </div>
                            </fieldset>
                        }
                    })
            }}
        </li>
    }
}

fn annotations_word(count: usize) -> String {
    counted(count, "annotation")
}
