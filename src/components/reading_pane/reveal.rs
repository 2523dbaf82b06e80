//! Bringing a revealed annotation (chosen in the list) into view: its
//! paragraph drawn and scrolled to the middle, the annotation selected and
//! its highlights flashed for a moment.

use std::time::Duration;

use leptos::{html, prelude::*};

use super::draw_queue::{draw, NearFlags};
use super::geometry::bring_into_view;
use crate::state::View;

/// How long a revealed annotation stays marked.
const REVEAL_FOR: Duration = Duration::from_millis(1600);

/// Reveals each annotation the view is asked to reveal, from now on.
pub fn reveal(view: View, pane: NodeRef<html::Div>, near: NearFlags) {
    Effect::new(move || {
        let Some(id) = view.revealed.get() else {
            return;
        };
        let doc = view.current_untracked();
        let Some(start) = view
            .store
            .with(|w| w.annotations(doc)?.get(&id).map(|a| a.start))
        else {
            return;
        };
        let Some(pane) = pane.get_untracked() else {
            return;
        };
        let index = view
            .store
            .with(|w| w.paragraphs(doc).map(|p| p.touching(start, start).start));
        if let Some(index) = index {
            draw(view, near, doc, index);
        }
        bring_into_view(view, &pane, start, true);
        view.selected.set(Some(id));
        set_timeout(move || view.revealed.set(None), REVEAL_FOR);
    });
}
