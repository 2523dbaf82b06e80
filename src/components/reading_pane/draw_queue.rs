//! When each paragraph's highlights are drawn. In a document with many
//! spans, a paragraph's highlights are drawn once it comes within a screen
//! of the visible area, a few paragraphs a frame, so opening or scrolling
//! it costs about what the visible part costs; until then it shows its
//! plain text.

use std::cell::OnceCell;
use std::collections::VecDeque;
use std::rc::Rc;

use leptos::{html, prelude::*};
use web_sys::{Element, IntersectionObserver};

use super::block::Blocks;
use super::geometry::{paragraph_index, BLOCK_CLASS, PARAGRAPHS_PER_BLOCK};
use crate::browser::near_viewport::{FarFromViewport, NearViewport};
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

/// How far above and below the visible area a block drawn as paragraphs
/// may go before it is shown as one text node again, as a share of the
/// visible height: far enough that scrolling back and forth a little does
/// not draw it again.
const KEEP_MARGIN: &str = "300%";

/// What watches the pane's blocks and paragraphs; dropping it stops them.
pub struct Watchers {
    _near: NearViewport,
    _far: Option<FarFromViewport>,
}

/// Watches the blocks of paragraphs of the pane as they come near the
/// visible area of its scroll container (its parent): a block still
/// showing its text is replaced by its paragraphs (`blocks`), and shown as
/// text again once it goes far; with a `queue`, each paragraph is queued
/// for drawing its highlights as it comes near in turn. The blocks are
/// watched, then the paragraphs of each block that comes near: the browser
/// checks a few dozen elements a frame rather than every paragraph of a
/// long document. Without IntersectionObserver, everything is drawn at
/// once.
pub fn watch(
    view: View,
    pane: NodeRef<html::Div>,
    queue: Option<DrawQueue>,
    blocks: Blocks,
) -> Option<Watchers> {
    let element = pane.get_untracked()?;
    let root = element.parent_element()?;
    let doc = view.current_untracked();
    let block_of = move |element: &Element| {
        let first = element.first_element_child();
        let start = selection::paragraph_start(element)
            .or_else(|| selection::paragraph_start(first.as_ref()?))?;
        Some(paragraph_index(view, doc, start)? / PARAGRAPHS_PER_BLOCK)
    };
    // Each watcher observes again what the other lets go of.
    let near_observer = Rc::new(OnceCell::<IntersectionObserver>::new());
    let far = if blocks.lazy() {
        let near_observer = Rc::clone(&near_observer);
        let on_far = move |element: Element| {
            if let Some(block) = block_of(&element) {
                blocks.close(view, pane, doc, block);
            }
            if let Some(near) = near_observer.get() {
                near.observe(&element);
            }
        };
        FarFromViewport::new(&root, KEEP_MARGIN, on_far).ok()
    } else {
        None
    };
    let far_observer = far.as_ref().map(FarFromViewport::observer);
    let on_near = move |element: Element| {
        if element.class_list().contains(BLOCK_CLASS) {
            if selection::paragraph_start(&element).is_some() {
                // A block showing its text.
                if let Some(block) = block_of(&element) {
                    blocks.open(view, pane, queue, doc, block);
                }
                if let Some(far) = &far_observer {
                    far.observe(&element);
                }
                return Vec::new();
            }
            return match queue {
                Some(_) => children(&element),
                None => Vec::new(),
            };
        }
        let index = selection::paragraph_start(&element)
            .and_then(|start| paragraph_index(view, doc, start));
        if let (Some(index), Some(queue)) = (index, queue) {
            queue.push(doc, index);
        }
        Vec::new()
    };
    match NearViewport::new(&root, DRAW_MARGIN, on_near) {
        Ok(near) => {
            children(&element)
                .iter()
                .for_each(|block| near.observe(block));
            let _ = near_observer.set(near.observer());
            Some(Watchers {
                _near: near,
                _far: far,
            })
        }
        Err(_) => {
            let count = children(&element).len();
            (0..count).for_each(|block| blocks.open(view, pane, None, doc, block));
            if let Some(queue) = queue {
                let paragraphs = queue.near.with_value(Vec::len);
                (0..paragraphs).for_each(|index| draw(view, queue.near, doc, index));
            }
            None
        }
    }
}

fn children(element: &Element) -> Vec<Element> {
    let list = element.children();
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}
