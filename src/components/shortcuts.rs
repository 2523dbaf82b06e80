//! The keyboard shortcuts: the app's one global key listener.
//!
//! Keys typed into a text field belong to the field, so nothing here fires
//! while one has focus (its own Ctrl+Z included).

use leptos::{ev, html, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

use super::relations::{start_from_selected, Linking};
use super::tagging::tag_selection;
use super::theme_toggle;
use crate::browser;
use crate::state::{Notice, Pane, View};

/// What the shortcuts act on besides the view.
#[derive(Clone, Copy)]
pub struct Controls {
    /// The reading pane, whose selection a label hotkey tags.
    pub pane: NodeRef<html::Div>,
    /// Whether the shortcut overlay is open.
    pub help: RwSignal<bool>,
    /// The file input that adds documents.
    pub files_input: NodeRef<html::Input>,
    /// Whether the form for pasting a text is open.
    pub pasting: RwSignal<bool>,
    /// The file input that imports annotations.
    pub import_input: NodeRef<html::Input>,
    /// Whether the list of backups is open.
    pub backups: RwSignal<bool>,
    /// Whether the page is in the dark scheme.
    pub dark: RwSignal<bool>,
    /// The search box, which `/` focuses.
    pub search_input: NodeRef<html::Input>,
    /// Whether the entities view is open.
    pub entities: RwSignal<bool>,
    /// Whether the coverage view is open.
    pub coverage: RwSignal<bool>,
}

/// Listens for the shortcuts for as long as the app runs: the app shell
/// calls it once, and the listener lasts as long as the page.
pub fn listen(view: View, controls: Controls) {
    let Controls {
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
    } = controls;
    let linking = use_context::<Linking>();
    let _ = window_event_listener(ev::keydown, move |event: KeyboardEvent| {
        if is_typing(&event) {
            return;
        }
        // Behind an open dialog the page waits: only Esc, ? and undo reach it.
        let in_dialog = in_dialog(&event);
        // Alt+letter types a special character on some keyboards, so these
        // go by the key's place, not its character.
        if event.alt_key() && !event.ctrl_key() && !event.meta_key() && !in_dialog {
            match event.code().as_str() {
                "KeyO" | "KeyI" => {
                    event.prevent_default();
                    let input = if event.code() == "KeyO" {
                        files_input
                    } else {
                        import_input
                    };
                    if let Some(input) = input.get_untracked() {
                        input.click();
                    }
                }
                "KeyP" => {
                    event.prevent_default();
                    pasting.set(true);
                }
                "KeyB" => {
                    event.prevent_default();
                    backups.set(true);
                }
                "KeyD" => {
                    event.prevent_default();
                    let doc = view.current_untracked();
                    let status = view.store.with(|w| w.document(doc).map(|d| d.status));
                    if let Some(status) = status {
                        view.set_status(doc, status.next());
                    }
                }
                "KeyA" => {
                    event.prevent_default();
                    view.shown.set(Pane::Article);
                    if let Some(pane) = pane.get_untracked() {
                        let _ = pane.focus();
                    }
                }
                "KeyE" => {
                    event.prevent_default();
                    entities.set(true);
                }
                "KeyC" => {
                    event.prevent_default();
                    coverage.set(true);
                }
                "KeyK" => {
                    event.prevent_default();
                    theme_toggle::toggle(view, dark);
                }
                "KeyW" => {
                    event.prevent_default();
                    view.snap_words.update(|on| *on = !*on);
                    view.store
                        .tell(Notice::info(if view.snap_words.get_untracked() {
                            "Selections snap to whole words."
                        } else {
                            "Selections are kept as made (whole characters only)."
                        }));
                }
                _ => {}
            }
            return;
        }
        let command = event.ctrl_key() || event.meta_key();
        let key = event.key();
        match (command, event.shift_key(), key.as_str()) {
            (true, false, "z" | "Z") => {
                event.prevent_default();
                view.undo();
            }
            (true, true, "z" | "Z") | (true, false, "y" | "Y") => {
                event.prevent_default();
                view.redo();
            }
            (false, _, "Escape") => {
                if let Some(linking) = linking {
                    linking.cancel();
                }
                help.set(false);
                view.inspected.set(Vec::new());
                view.selected.set(None);
                view.store.notice.set(None);
                if let Some(selection) = window().get_selection().ok().flatten() {
                    let _ = selection.collapse_to_start();
                }
            }
            (false, _, "/") if !in_dialog => {
                event.prevent_default();
                view.shown.set(Pane::Documents);
                if let Some(input) = search_input.get_untracked() {
                    let _ = input.focus();
                }
            }
            (false, _, "?") => {
                event.prevent_default();
                help.update(|open| *open = !*open);
            }
            (false, _, _) if !event.alt_key() && !in_dialog => {
                let mut chars = key.chars();
                let (Some(key), None) = (chars.next(), chars.next()) else {
                    return;
                };
                if let Some(label) = view
                    .store
                    .with(|w| w.label_for_hotkey(key).map(|l| l.name.clone()))
                {
                    event.prevent_default();
                    tag_selection(view, pane, &label);
                } else if matches!(key, 'r' | 'R')
                    && linking.is_some_and(|linking| start_from_selected(view, linking))
                {
                    // A label whose hotkey is r or R keeps it (above).
                    event.prevent_default();
                }
            }
            _ => {}
        }
    });
}

/// Whether a key press is made inside a dialog.
fn in_dialog(event: &KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|t| {
            t.closest("[role=dialog], [role=alertdialog]")
                .ok()
                .flatten()
        })
        .is_some()
}

/// Whether a key press goes into a field that takes text: a text input, a
/// select list, a text area or editable content. Buttons and checkboxes do
/// not count, so shortcuts work right after clicking one.
fn is_typing(event: &KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .is_some_and(|target| browser::takes_text(&target))
}
