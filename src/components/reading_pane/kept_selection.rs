//! Keeping the page's selection, or the keyboard caret, where it is in the
//! text while the reading pane redraws paragraphs.
//!
//! A redraw replaces the runs of a paragraph that changed, and a selection
//! boundary in a removed text node falls back to wherever the node was. So
//! the selection is followed in code points as it changes, noted when a
//! paragraph it touches is about to be redrawn, and put back on the next
//! frame. Not at once: a selection set while a key press is being handled
//! makes Chromium measure its text from the top of the document, tens of
//! milliseconds in a long one. Nor is the selection read as a paragraph is
//! redrawn: with the layout out of date, reading it makes the browser lay
//! out the page there and then.

use std::cell::Cell;

use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;

use super::geometry::paragraph_at;
use crate::browser::{self, listeners, selection};
use crate::state::View;

/// Anchor and focus, in code points of the open document.
type Ends = (usize, usize);

thread_local! {
    /// The selection as of its last change, if it lies in the pane.
    static CURRENT: Cell<Option<Ends>> = const { Cell::new(None) };
    /// The selection to put back on the next frame.
    static PENDING: Cell<Option<Ends>> = const { Cell::new(None) };
}

/// Follows the page's selection in `pane` for as long as the reading pane
/// is there.
pub fn follow(view: View, pane: NodeRef<html::Div>) {
    listeners::on_document("selectionchange", move || CURRENT.set(read(view, pane)));
}

/// Forgets the selection, as when another document is opened.
pub fn forget() {
    CURRENT.set(None);
    PENDING.set(None);
}

/// Notes the selection if it touches code points `start..=end`, which are
/// about to be redrawn, and puts it back on the next frame.
pub fn keep(view: View, pane: NodeRef<html::Div>, start: usize, end: usize) {
    if PENDING.get().is_some() {
        return;
    }
    if let Some((anchor, focus)) = CURRENT.get() {
        if anchor.min(focus) <= end && anchor.max(focus) >= start {
            put_after_redraw(view, pane, anchor, focus);
        }
    }
}

/// Makes `anchor..focus` the selection on the next frame, once the
/// paragraphs being redrawn are drawn, in place of any selection noted.
pub fn put_after_redraw(view: View, pane: NodeRef<html::Div>, anchor: usize, focus: usize) {
    let scheduled = PENDING.replace(Some((anchor, focus))).is_some();
    if !scheduled {
        request_animation_frame(move || put_back(view, pane));
    }
}

fn put_back(view: View, pane: NodeRef<html::Div>) {
    let (Some((anchor, focus)), Some(pane)) = (PENDING.take(), pane.get_untracked()) else {
        return;
    };
    // The person has gone to type elsewhere (a note, say) since the redraw
    // was asked for: setting the page's selection now would take the focus
    // out of that field in WebKit, and the keys after it would be lost.
    if typing_elsewhere(&pane) {
        return;
    }
    let point = |offset| {
        let (paragraph, start) = paragraph_at(view, &pane, offset)?;
        selection::point_in(&paragraph, start, offset)
    };
    let page = window().get_selection().ok().flatten();
    if let (Some(page), Some((a, a_at)), Some((f, f_at))) = (page, point(anchor), point(focus)) {
        if page.set_base_and_extent(&a, a_at, &f, f_at).is_ok() {
            CURRENT.set(Some((anchor, focus)));
        }
    }
}

/// Whether the focus is in a field that takes text, outside `pane`.
fn typing_elsewhere(pane: &web_sys::Element) -> bool {
    document()
        .active_element()
        .and_then(|active| active.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|active| browser::takes_text(&active) && !pane.contains(Some(&active)))
}

/// The page's selection in code points, if both its ends lie in `pane`.
fn read(view: View, pane: NodeRef<html::Div>) -> Option<Ends> {
    let pane = pane.get_untracked()?;
    let selection = window().get_selection().ok()??;
    let (anchor, focus) = (selection.anchor_node()?, selection.focus_node()?);
    if !pane.contains(Some(&anchor)) || !pane.contains(Some(&focus)) {
        return None;
    }
    let len = view.store.with(|w| w.char_len(view.current_untracked()));
    Some((
        selection::offset_of(&pane, &anchor, selection.anchor_offset(), len)?,
        selection::offset_of(&pane, &focus, selection.focus_offset(), len)?,
    ))
}
