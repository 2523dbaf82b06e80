//! One paragraph of the open document, redrawn only when a span over it
//! changes, or when its highlights are first drawn.

use leptos::attr::custom::custom_attribute;
use leptos::{html, prelude::*};

use super::draw_queue::NearFlags;
use super::emphasis::{self, DrawnWith};
use super::kept_selection;
use super::patch::patch;
use super::runs::{self, Run};
use crate::browser::selection::PARAGRAPH_START;
use crate::state::View;

#[component]
pub fn Paragraph(
    doc: usize,
    index: usize,
    near: NearFlags,
    drawn_with: DrawnWith,
    pane: NodeRef<html::Div>,
) -> impl IntoView {
    let view = expect_context::<View>();
    let element = NodeRef::<html::Div>::new();
    let (start, end, piece) = view.store.with(|w| {
        w.paragraphs(doc)
            .and_then(|p| p.as_slice().get(index))
            .map_or((0, 0, false), |p| (p.start, p.end, p.piece))
    });
    // The runs the paragraph's children show now.
    let shown = StoredValue::new(Vec::<Run>::new());
    // Drawn or not, the text is the same; the plain form is one run, so
    // drawing a paragraph without spans changes nothing in the page.
    Effect::new(move |_| {
        view.store.track_paragraph(doc, index);
        let Some(element) = element.get() else {
            return;
        };
        // A redraw, not the first drawing, may take the selection's nodes.
        if shown.with_value(|runs| !runs.is_empty()) {
            kept_selection::keep(view, pane, start, end);
        }
        let drawn = near.with_value(|flags| flags.get(index).copied().unwrap_or(true));
        let emphasis = emphasis::now(view);
        let runs = view.store.with(|w| {
            if drawn {
                runs::highlighted(w, doc, index, &emphasis)
            } else {
                runs::plain(w, doc, index)
            }
        });
        shown.update_value(|old| {
            patch(&element, old, &runs);
            *old = runs;
        });
        drawn_with.update_value(|d| {
            if let Some(slot) = d.get_mut(index) {
                *slot = emphasis;
            }
        });
    });
    // The pieces of a long line are shown inline, as one line.
    view! { <div class="para" class:piece=piece node_ref=element></div> }
        .add_any_attr(custom_attribute(PARAGRAPH_START, start))
}
