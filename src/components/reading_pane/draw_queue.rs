//! When each paragraph's highlights are drawn. In a document with many
//! spans, a paragraph's highlights are drawn once it comes within a screen
//! of the visible area, a few paragraphs a frame, so opening or scrolling
//! it costs about what the visible part costs; until then it shows its
//! plain text.

use std::collections::VecDeque;

use leptos::{html, prelude::*};
use web_sys::Element;

use super::geometry::paragraph_index;
use crate::browser::near_viewport::NearViewport;
use crate::browser::selection;
use crate::state::View;

/// Documents with up to this many spans have every highlight drawn at once:
/// that takes a few milliseconds, and keeps every highlight in the page.
pub const DRAW_ALL_UP_TO: usize = 2_000;

/// How far above and below the visible area highlights are drawn, as a
/// share of the visible height.
const DRAW_MARGIN: &str = "100%";

/// How long drawing the highlights of paragraphs that came near the
/// visible area may take in one frame, in milliseconds: the browser then
/// styles and lays them out in about as much again.
const DRAW_MS_PER_FRAME: f64 = 4.0;

/// Bounds on how many spans' highlights one frame draws, whatever drawing
/// them took before; a paragraph with more spans is still drawn whole.
const SPANS_PER_FRAME: std::ops::RangeInclusive<f64> = 16.0..=400.0;

/// Per paragraph of the open document: whether it has come near the visible
/// area, and so has its highlights drawn.
pub type NearFlags = StoredValue<Vec<bool>>;

/// Draws the highlights of paragraph `index` of document `doc` from now on.
pub fn draw(view: View, near: NearFlags, doc: usize, index: usize) {
    let newly = near
        .try_update_value(|flags| {
            flags
                .get_mut(index)
                .is_some_and(|flag| !std::mem::replace(flag, true))
        })
        .unwrap_or(false);
    if newly {
        view.store.redraw_paragraph(doc, index);
    }
}

/// Paragraphs that came near the visible area, waiting for their highlights
/// to be drawn. A burst of them (a fast scroll, a jump) is drawn over
/// several frames, a few spans' worth each, in the order they came near, so
/// that no frame stalls on it.
#[derive(Clone, Copy)]
pub struct DrawQueue {
    view: View,
    near: NearFlags,
    /// Document and paragraph indices, in the order they came near.
    waiting: StoredValue<VecDeque<(usize, usize)>>,
    /// Whether a frame is already asked for.
    scheduled: StoredValue<bool>,
    /// How many spans a frame draws, learnt from how long drawing took.
    per_frame: StoredValue<f64>,
}

impl DrawQueue {
    pub fn new(view: View, near: NearFlags) -> Self {
        Self {
            view,
            near,
            waiting: StoredValue::new(VecDeque::new()),
            scheduled: StoredValue::new(false),
            per_frame: StoredValue::new(40.0),
        }
    }

    pub fn push(self, doc: usize, index: usize) {
        self.waiting.update_value(|w| w.push_back((doc, index)));
        if !self.scheduled.get_value() {
            self.scheduled.set_value(true);
            request_animation_frame(move || self.drain());
        }
    }

    pub fn clear(self) {
        self.waiting.update_value(VecDeque::clear);
    }

    /// Draws waiting paragraphs up to a frame's worth of spans, and asks for
    /// another frame if some are left.
    fn drain(self) {
        self.scheduled.set_value(false);
        let current = self.view.current_untracked();
        let budget = self.per_frame.get_value();
        let started = js_sys::Date::now();
        let mut spans = 0;
        while (spans as f64) < budget {
            let Some((doc, index)) = self.waiting.try_update_value(VecDeque::pop_front).flatten()
            else {
                break;
            };
            if doc != current {
                continue;
            }
            spans += self
                .view
                .store
                .with(|w| {
                    let paragraph = w.paragraphs(doc)?.as_slice().get(index)?;
                    Some(
                        w.annotations(doc)?
                            .overlapping(paragraph.start, paragraph.end)
                            .count(),
                    )
                })
                .unwrap_or(0)
                + 1;
            draw(self.view, self.near, doc, index);
        }
        if spans > 0 {
            // The paragraphs are redrawn in the microtasks their triggers
            // queued, before this one.
            queue_microtask(move || self.learn(spans, js_sys::Date::now() - started));
        }
        if self.waiting.with_value(|w| !w.is_empty()) {
            self.scheduled.set_value(true);
            request_animation_frame(move || self.drain());
        }
    }

    /// Adjusts how many spans a frame draws from how long drawing `spans`
    /// took, so that drawing takes about [`DRAW_MS_PER_FRAME`] on this machine.
    fn learn(self, spans: usize, took_ms: f64) {
        // The clock counts whole milliseconds.
        let fits = spans as f64 / took_ms.max(1.0) * DRAW_MS_PER_FRAME;
        self.per_frame.update_value(|n| {
            *n = ((*n + fits) / 2.0).clamp(*SPANS_PER_FRAME.start(), *SPANS_PER_FRAME.end())
        });
    }
}

/// Queues each paragraph for drawing as it comes near the visible area of
/// the pane's scroll container (its parent). The blocks of paragraphs are
/// watched, then the paragraphs of each block that comes near: the browser
/// checks a few dozen elements a frame rather than every paragraph of a
/// long document. Without IntersectionObserver, every paragraph is drawn
/// at once.
pub fn watch(view: View, pane: NodeRef<html::Div>, queue: DrawQueue) -> Option<NearViewport> {
    let pane = pane.get_untracked()?;
    let root = pane.parent_element()?;
    let doc = view.current_untracked();
    let on_near = move |element: Element| {
        let Some(start) = selection::paragraph_start(&element) else {
            // A block: its paragraphs are watched from now on.
            return children(&element);
        };
        if let Some(index) = paragraph_index(view, doc, start) {
            queue.push(doc, index);
        }
        Vec::new()
    };
    match NearViewport::new(&root, DRAW_MARGIN, on_near) {
        Ok(watcher) => {
            children(&pane)
                .iter()
                .for_each(|block| watcher.observe(block));
            Some(watcher)
        }
        Err(_) => {
            let count = queue.near.with_value(Vec::len);
            (0..count).for_each(|index| draw(view, queue.near, doc, index));
            None
        }
    }
}

fn children(element: &Element) -> Vec<Element> {
    let list = element.children();
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}
