//! Where each document was read to: a document opened for the first time
//! opens at its top, and one come back to opens where it was left, rather
//! than at whatever place the document before it was scrolled to.
//!
//! It is not responsible for revealing an annotation, which scrolls on its
//! own (`reveal`) and takes precedence.

use std::collections::HashMap;

use leptos::{html, prelude::*};

use crate::state::View;

/// The scroll positions of the documents read in this tab, by id.
#[derive(Clone, Copy)]
pub struct ScrollMemory {
    tops: StoredValue<HashMap<String, i32>>,
    /// The document the pane shows now.
    shown: StoredValue<Option<String>>,
}

impl ScrollMemory {
    pub fn new() -> Self {
        Self {
            tops: StoredValue::new(HashMap::new()),
            shown: StoredValue::new(None),
        }
    }

    /// Called as the pane is about to show document `id`: remembers where
    /// the document shown so far was scrolled to, then, once `id` is in the
    /// page, scrolls to where it was left, or to its top.
    pub fn show(self, view: View, pane: NodeRef<html::Div>, id: Option<String>) {
        // The same document drawn again (documents added or removed
        // elsewhere) stays where it is, and its place is not read: reading
        // it in the task that changed the page made the browser lay the page
        // out there and then (18 ms after an import of 10,000 documents).
        if id.is_some() && self.shown.with_value(|shown| *shown == id) {
            return;
        }
        let container = pane.get_untracked().and_then(|p| p.parent_element());
        if let (Some(container), Some(shown)) = (&container, self.shown.get_value()) {
            let top = container.scroll_top();
            self.tops.update_value(|tops| {
                tops.insert(shown, top);
            });
        }
        let top = id
            .as_ref()
            .and_then(|id| self.tops.with_value(|tops| tops.get(id).copied()))
            .unwrap_or(0);
        self.shown.set_value(id);
        let Some(container) = container else {
            return;
        };
        // The new paragraphs are in the page by the next frame.
        request_animation_frame(move || {
            if view.revealed.get_untracked().is_none() {
                container.set_scroll_top(top);
            }
        });
    }
}
