//! Reading and annotating without a mouse: keys pressed while the reading
//! pane has focus move a caret and a selection through the text, move
//! between annotations, and resize, open or delete the selected one.
//!
//! The caret is the page's own selection, moved with `Selection.modify`, so
//! it follows lines, words and right-to-left text as the browser lays them
//! out; [`Caret`] only draws it, since browsers hide the caret in text that
//! is not editable.
//!
//! The reading pane knows nothing of this: the app hands it [`on_pane_key`]
//! and the [`Caret`] to draw over its text.

use leptos::{ev, html, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

use super::delete_annotation::Deleting;
use super::reading_pane::geometry::{bring_into_view, in_container, marker_style, place};
use crate::browser::{listeners, selection};
use crate::state::View;
use span_core::model::snap::Unit;

/// Handles a key pressed in the reading pane.
pub fn on_pane_key(
    view: View,
    pane: NodeRef<html::Div>,
    deleting: Deleting,
    event: &KeyboardEvent,
) {
    let Some(pane) = pane.get_untracked() else {
        return;
    };
    let pane: &Element = &pane;
    let key = event.key();
    let (shift, alt, word) = (
        event.shift_key(),
        event.alt_key(),
        event.ctrl_key() || event.meta_key(),
    );
    let doc = view.current_untracked();
    let len = view.store.with(|w| w.char_len(doc));
    let handled = match key.as_str() {
        "ArrowLeft" | "ArrowRight" if shift || alt => match view.selected_annotation() {
            Some(annotation) => {
                resize(view, &annotation, key == "ArrowRight", alt, word);
                true
            }
            None => move_caret(view, pane, &key, shift, word, len),
        },
        "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" => {
            move_caret(view, pane, &key, shift, word, len)
        }
        "Tab" if !alt && !word => {
            let caret = selection::caret(pane, len).unwrap_or(0);
            let found = view.select_next(caret, !shift);
            if found {
                show_selected(view, pane);
            } else {
                // Past the last annotation, Tab leaves the pane as usual.
                view.selected.set(None);
            }
            found
        }
        "Enter" => match view.selected.get_untracked() {
            Some(id) => {
                view.inspected.set(vec![id]);
                true
            }
            None => false,
        },
        "Delete" | "Backspace" => match view.selected.get_untracked() {
            Some(id) => {
                if deleting.at_once_or_ask(view, &id, pane.dyn_ref::<HtmlElement>().cloned()) {
                    view.delete(&id);
                }
                true
            }
            None => false,
        },
        _ => false,
    };
    if handled {
        event.prevent_default();
    }
}

/// Moves the selected annotation's end (or with `start`, its start) by a
/// character or, with `word`, to the next word edge.
fn resize(
    view: View,
    annotation: &span_core::model::Annotation,
    forward: bool,
    start: bool,
    word: bool,
) {
    let doc = view.current_untracked();
    let unit = |edge| if word { edge } else { Unit::Character };
    let span = view.store.with(|w| {
        if start {
            w.step(doc, annotation.start, forward, unit(Unit::WordStart))..annotation.end
        } else {
            annotation.start..w.step(doc, annotation.end, forward, unit(Unit::WordEnd))
        }
    });
    if span.start < span.end && span != (annotation.start..annotation.end) {
        view.resize(&annotation.id, span);
    }
}

/// Moves the caret, or extends the selection with `extend`, as a text
/// field would; starts at the top of the document if there is no caret yet.
fn move_caret(view: View, pane: &Element, key: &str, extend: bool, word: bool, len: usize) -> bool {
    view.selected.set(None);
    if selection::caret(pane, len).is_none() {
        place(view, pane, 0..0);
        return true;
    }
    let (direction, granularity) = match key {
        "ArrowLeft" => ("left", if word { "word" } else { "character" }),
        "ArrowRight" => ("right", if word { "word" } else { "character" }),
        "ArrowUp" => ("backward", "line"),
        _ => ("forward", "line"),
    };
    selection::modify(
        pane,
        if extend { "extend" } else { "move" },
        direction,
        granularity,
    )
    .is_some()
}

/// Scrolls the selected annotation into view and puts the caret at its start.
pub fn show_selected(view: View, pane: &Element) {
    if let Some(annotation) = view.selected_annotation() {
        place(view, pane, annotation.start..annotation.start);
        bring_into_view(view, pane, annotation.start, false);
    }
}

/// Draws the caret where the collapsed selection is, while the pane has
/// focus. It sits in the pane's scroll container, outside the pane, so the
/// pane's text stays exactly the document's.
#[component]
pub fn Caret(pane: NodeRef<html::Div>) -> impl IntoView {
    let position = RwSignal::new(None::<(f64, f64, f64)>);
    let update = move || {
        let Some(pane) = pane.get_untracked() else {
            return;
        };
        let focused = document()
            .active_element()
            .is_some_and(|a| a.is_same_node(Some(&pane)));
        let Some(container) = pane.parent_element() else {
            return;
        };
        let at = focused
            .then(|| selection::caret_rect(&pane))
            .flatten()
            .map(|spot| in_container(&container, spot));
        position.set(at);
    };
    listeners::on_document("selectionchange", update);
    listeners::on_window(ev::resize, move |_| update());
    let style = move || marker_style(position.get());
    // `prop:style` sets `element.style`, that is its CSS text through the
    // CSSOM: the page's Content-Security-Policy refuses style attributes.
    view! { <div class="caret" data-testid="caret" aria-hidden="true" prop:style=style></div> }
}
