//! Tagging: giving a label to what is selected in the reading pane, the one
//! command behind the label buttons and the label hotkeys.

use leptos::{html, prelude::*};

use super::reading_pane::kept_selection;
use crate::browser::selection;
use crate::state::{Notice, View};

/// Tags what is selected in `pane` with `label`, and selects the new
/// annotation, with the caret at its end and its card open. With nothing selected in the page,
/// it gives the selected annotation that label instead. A selection outside
/// the pane changes nothing.
pub fn tag_selection(view: View, pane_ref: NodeRef<html::Div>, label: &str) {
    let Some(pane) = pane_ref.get_untracked() else {
        return;
    };
    let len = view.store.with(|w| w.char_len(view.current_untracked()));
    let nothing_selected = window()
        .get_selection()
        .ok()
        .flatten()
        .is_none_or(|s| s.is_collapsed());
    match selection::selected_span(&pane, len) {
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
