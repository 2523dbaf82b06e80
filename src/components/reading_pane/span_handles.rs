//! Handles at the two ends of the selected annotation: dragging one with the
//! mouse moves that end, as Shift/Alt+arrows do from the keyboard.
//!
//! Like the caret, the handles sit in the pane's scroll container, outside
//! the pane, so the pane's text stays exactly the document's.

use leptos::{ev, html, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{Element, PointerEvent};

use super::geometry::{in_container, marker_style, paragraph_at};
use crate::browser::{listeners, selection};
use crate::state::View;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edge {
    Start,
    End,
}

/// Where a handle stands: left, top and height in the container's pixels.
type Spot = (f64, f64, f64);

#[component]
pub fn SpanHandles(pane: NodeRef<html::Div>) -> impl IntoView {
    let view = expect_context::<View>();
    let spots = RwSignal::new(None::<(Spot, Spot)>);
    // While a handle is dragged: which, and the offset it is over.
    let dragging = RwSignal::new(None::<(Edge, usize)>);

    let place = move || {
        let Some(pane) = pane.get_untracked() else {
            return;
        };
        let Some(annotation) = view.selected_annotation() else {
            spots.set(None);
            return;
        };
        let (start, end) = match dragging.get_untracked() {
            Some((Edge::Start, at)) => (at, annotation.end),
            Some((Edge::End, at)) => (annotation.start, at),
            None => (annotation.start, annotation.end),
        };
        spots.set(spot(view, &pane, start, false).zip(spot(view, &pane, end, true)));
    };
    // Re-placed once the paragraphs are redrawn and that frame is drawn:
    // the layout is up to date then, so reading it costs nothing, where
    // reading it before the frame would make the browser lay out the page
    // in the middle of the edit. Only when the selected annotation or its
    // span changes: edits elsewhere in the document must not pay for it.
    let selected_span = Memo::new(move |_| {
        view.selected.track();
        view.store.track_document(view.current());
        view.selected_annotation().map(|a| (a.id, a.start, a.end))
    });
    Effect::new(move || {
        // Reading the memo (not just tracking it) makes it compute, and so
        // subscribe to what it depends on.
        selected_span.with(|_| ());
        after_next_frame(place);
    });
    listeners::on_window(ev::resize, move |_| place());

    let grab = move |edge: Edge| {
        move |event: PointerEvent| {
            let Some(annotation) = view.selected_annotation() else {
                return;
            };
            event.prevent_default();
            if let Some(handle) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                let _ = handle.set_pointer_capture(event.pointer_id());
            }
            let at = if edge == Edge::Start {
                annotation.start
            } else {
                annotation.end
            };
            dragging.set(Some((edge, at)));
        }
    };
    let follow = move |event: PointerEvent| {
        let (Some((edge, _)), Some(pane)) = (dragging.get_untracked(), pane.get_untracked()) else {
            return;
        };
        let len = view.store.with(|w| w.char_len(view.current_untracked()));
        let x = f64::from(event.client_x());
        let y = f64::from(event.client_y());
        if let Some(at) = selection::offset_at_point(&pane, x, y, len) {
            dragging.set(Some((edge, at)));
            place();
        }
    };
    let release = move |_: PointerEvent| {
        let Some((edge, at)) = dragging.get_untracked() else {
            return;
        };
        dragging.set(None);
        if let Some(annotation) = view.selected_annotation() {
            let doc = view.current_untracked();
            let words = view.snap_words.get_untracked();
            let span = match edge {
                Edge::Start => at..annotation.end,
                Edge::End => annotation.start..at,
            };
            if span.start < span.end {
                let span = view.store.with(|w| w.snap(doc, span, words));
                if span != (annotation.start..annotation.end) {
                    view.resize(&annotation.id, span);
                }
            }
        }
        place();
    };
    // The platform took the gesture (a scroll, say): the span stays as it was.
    let cancel = move |_: PointerEvent| {
        dragging.set(None);
        place();
    };
    let style = move |edge: Edge| {
        move || {
            marker_style(
                spots
                    .get()
                    .map(|(start, end)| if edge == Edge::Start { start } else { end }),
            )
        }
    };
    let handle = move |edge: Edge| {
        let (class, test_id, title) = match edge {
            Edge::Start => (
                "span-handle start",
                "handle-start",
                "Drag to move the start",
            ),
            Edge::End => ("span-handle end", "handle-end", "Drag to move the end"),
        };
        view! {
            <div
                class=class
                data-testid=test_id
                title=title
                aria-hidden="true"
                // `prop:style` sets `element.style`, that is its CSS text through the
                // CSSOM: the page's Content-Security-Policy refuses style attributes.
                prop:style=style(edge)
                on:pointerdown=grab(edge)
                on:pointermove=follow
                on:pointerup=release
                on:pointercancel=cancel
            ></div>
        }
    };
    view! {
        {handle(Edge::Start)}
        {handle(Edge::End)}
    }
}

/// Runs `f` in a task of its own after the next frame is drawn.
fn after_next_frame(f: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(f, std::time::Duration::ZERO));
}

/// Where a handle for code point `offset` stands. An end handle sits after
/// the character before it, so a span ending at a line break keeps its
/// handle on its own line.
fn spot(view: View, pane: &Element, offset: usize, is_end: bool) -> Option<Spot> {
    let container = pane.parent_element()?;
    let lookup = if is_end {
        offset.saturating_sub(1)
    } else {
        offset
    };
    let (paragraph, start) = paragraph_at(view, pane, lookup)?;
    let (node, units) = selection::point_in(&paragraph, start, offset)?;
    Some(in_container(
        &container,
        selection::point_rect(&node, units)?,
    ))
}
