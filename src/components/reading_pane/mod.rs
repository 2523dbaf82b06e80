//! The reading pane: one document, one component per paragraph, each
//! redrawn only when a span over it changes; in a long document, only the
//! paragraphs near the visible area are made.
//!
//! The pane's `textContent` is exactly the document's text: paragraphs keep
//! their `\n`, highlights are `<mark>` elements around runs of text, and
//! nothing else is put inside. Every paragraph's text is always there; its
//! highlights are drawn as the draw queue says. A redrawn paragraph keeps
//! the nodes of the runs before and after the ones that changed, so an edit
//! touches the page only where it changed something.
//!
//! The files below go from the view down: what the pane shows and reacts
//! to here; the blocks of paragraphs, drawn as they come near in a long
//! document; a paragraph, its runs and how they are patched into the page;
//! when paragraphs are drawn, emphasised and revealed; where each document
//! was scrolled to; the selection kept
//! across redraws and the handles of the selected span; and, at the
//! bottom, where things are in the page.

mod block;
mod draw_queue;
mod emphasis;
pub mod geometry;
pub mod kept_selection;
mod paragraph;
mod patch;
mod reveal;
mod runs;
mod scroll_memory;
mod span_handles;

pub use span_handles::SpanHandles;

use std::sync::Arc;

use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent, MouseEvent};

use crate::browser::near_viewport::NearViewport;
use crate::state::View;
use block::{Block, Blocks};
use draw_queue::{DrawQueue, NearFlags, DRAW_ALL_UP_TO};
use emphasis::{emphasise, DrawnWith};
use geometry::annotations_at;
use reveal::reveal;
use runs::Emphasis;
use scroll_memory::ScrollMemory;

/// The pane showing the open document in `pane`; a key pressed in it goes
/// to `on_key`. What is drawn over its text, the caret and the
/// [`SpanHandles`], follows it in its scroll container.
#[component]
pub fn ReadingPane(
    pane: NodeRef<html::Div>,
    on_key: impl Fn(KeyboardEvent) + 'static,
) -> impl IntoView {
    let view = expect_context::<View>();
    let near: NearFlags = StoredValue::new(Vec::new());
    let drawn_with: DrawnWith = StoredValue::new(Vec::new());
    let queue = DrawQueue::new(view, near);
    let blocks = Blocks::new(view, pane);
    kept_selection::follow(view, pane);
    let watcher = StoredValue::new_local(None::<NearViewport>);
    let scroll = ScrollMemory::new();
    // What the pane is drawn from: the open document (its place, id and
    // text), its paragraphs and whether all are drawn at once. Documents
    // added or removed elsewhere in the list leave it as it is, and the
    // pane is not drawn again.
    let shown = Memo::new(move |_| {
        let doc = view.current();
        view.store.with(|w| {
            let document = w.document(doc).map(|d| (d.id.clone(), Arc::clone(&d.text)));
            let count = w.paragraphs(doc).map_or(0, |p| p.as_slice().len());
            let spans = w.annotations(doc).map_or(0, |a| a.len());
            (doc, document, count, spans <= DRAW_ALL_UP_TO)
        })
    });
    let paragraphs = move || {
        let (doc, document, count, draw_all) = shown.get();
        scroll.show(view, pane, document.map(|(id, _)| id));
        near.set_value(vec![draw_all; count]);
        drawn_with.set_value(vec![Emphasis::default(); count]);
        queue.clear();
        kept_selection::forget();
        watcher.set_value(None);
        let queue = (!draw_all).then_some(queue);
        let opened = blocks.reset(view, pane, doc, count, queue);
        if let (Some(queue), false) = (queue, blocks.lazy()) {
            // The paragraphs are in the page by the next frame: watch them then.
            request_animation_frame(move || {
                watcher.set_value(draw_queue::watch(view, pane, queue))
            });
        }
        opened
            .into_iter()
            .enumerate()
            .map(|(block, open)| view! { <Block doc block open near drawn_with pane /> })
            .collect_view()
    };
    // One listener for every highlight: a click on one (not the end of a
    // drag) opens the details of every annotation covering that point.
    let inspect = move |event: MouseEvent| {
        let dragged = window()
            .get_selection()
            .ok()
            .flatten()
            .is_some_and(|s| !s.is_collapsed());
        if dragged {
            return;
        }
        let ids = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .map(|t| annotations_at(&t))
            .unwrap_or_default();
        view.selected.set(ids.last().cloned());
        view.inspected.set(ids);
    };
    reveal(view, pane, near);
    emphasise(view, drawn_with);
    view! {
        <div
            class="doc-text"
            data-testid="doc-text"
            node_ref=pane
            role="document"
            aria-label="Article text"
            tabindex="0"
            on:click=inspect
            on:keydown=on_key
        >
            {paragraphs}
        </div>
    }
}
