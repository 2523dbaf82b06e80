//! Tagging: giving a label to what is selected in the reading pane, the one
//! command behind the label buttons and the label hotkeys.

use std::cell::RefCell;
use std::ops::Range;

use leptos::{html, prelude::*};

use super::reading_pane::kept_selection;
use crate::browser::selection;
use crate::state::{Notice, View};

/// A press noted by [`note_pressed`]: the document, the span, and when.
type Pressed = (usize, Range<usize>, f64);

thread_local! {
    /// What was selected in the article as a label button was last pressed.
    static PRESSED: RefCell<Option<Pressed>> = const { RefCell::new(None) };
}

/// How long after a press its click may still use what the press noted:
/// a tap, not a press whose click never came.
const PRESS_LASTS_MS: f64 = 2000.0;

/// Notes what is selected in `pane` as a label button is pressed. On a
/// touch screen the tap that follows can clear the page's selection (the
/// platform's handles go away) before the button's click arrives; the
/// click then tags what was selected when the finger came down.
pub fn note_pressed(view: View, pane_ref: NodeRef<html::Div>) {
    let Some(pane) = pane_ref.get_untracked() else {
        return;
    };
    let doc = view.current_untracked();
    let len = view.store.with(|w| w.char_len(doc));
    let span = selection::selected_span(&pane, len).map(|span| (doc, span, js_sys::Date::now()));
    PRESSED.set(span);
}

/// Tags what is selected in `pane` with `label` (or, if a tap cleared it,
/// what was selected as the label was pressed), and selects the new
/// annotation, with the caret at its end and its card open. With nothing selected in the page,
/// it gives the selected annotation that label instead. A selection outside
/// the pane changes nothing.
pub fn tag_selection(view: View, pane_ref: NodeRef<html::Div>, label: &str) {
    let Some(pane) = pane_ref.get_untracked() else {
        return;
    };
    let doc = view.current_untracked();
    let len = view.store.with(|w| w.char_len(doc));
    let pressed = PRESSED
        .take()
        .filter(|(at, span, when)| {
            *at == doc && span.end <= len && js_sys::Date::now() - when < PRESS_LASTS_MS
        })
        .map(|(_, span, _)| span);
    let nothing_selected = window()
        .get_selection()
        .ok()
        .flatten()
        .is_none_or(|s| s.is_collapsed());
    match selection::selected_span(&pane, len).or(pressed) {
        Some(span) => {
            if let Some(annotation) = view.annotate(span, label) {
                // Its card replaces whatever the details panel showed.
                view.inspected.set(vec![annotation.id.clone()]);
                view.selected.set(Some(annotation.id));
                kept_selection::put_after_redraw(view, pane_ref, annotation.end, annotation.end);
            }
        }
        None => match view.selected.get_untracked() {
            Some(id) if nothing_selected => view.retag(&id, label),
            _ => view.store.tell(Notice::info(
                "Select some text in the article first, then choose a label.",
            )),
        },
    }
}
