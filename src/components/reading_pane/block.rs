//! Blocks of paragraphs, and drawing a long document's paragraphs only as
//! they come near the visible area.
//!
//! In a document of more than [`DRAW_PARAGRAPHS_FROM`] paragraphs or
//! [`DRAW_BYTES_FROM`] bytes, a block first shows its paragraphs' text as
//! one text node: a hundred thousand lines are a few thousand nodes, not a
//! hundred thousand components. Such a block carries its first code point
//! as a paragraph does ([`PARAGRAPH_START`]), so the selection, the caret,
//! search marks and scrolling treat it as one long paragraph, and its text
//! is in the page for find-in-page and screen readers. As the view
//! scrolls, the blocks within a view height of it are replaced by their
//! paragraphs, and those gone three view heights away are shown as text
//! again, so the page holds the elements of a few screens whatever the
//! length. Which blocks are near is found by halving over their boxes
//! ([`near_blocks`]), a few dozen reads a frame, where an
//! IntersectionObserver would check every block each frame. The browser
//! lays out a block alike either way (`white-space: pre-wrap`, the pieces
//! of a long line inline), so nothing moves.

use leptos::attr::custom::custom_attribute;
use leptos::{html, prelude::*};

use super::draw_queue::{DrawQueue, NearFlags};
use super::emphasis::DrawnWith;
use super::geometry::{near_blocks, BLOCK_CLASS, PARAGRAPHS_PER_BLOCK};
use super::kept_selection;
use super::paragraph::Paragraph;
use crate::browser::listeners;
use crate::browser::selection::PARAGRAPH_START;
use crate::state::View;

/// Documents of up to this many paragraphs and [`DRAW_BYTES_FROM`] bytes
/// have every paragraph in the page from the start.
const DRAW_PARAGRAPHS_FROM: usize = 2_000;
const DRAW_BYTES_FROM: usize = 2_000_000;

/// How far above and below the view, in view heights, a block of a long
/// document is drawn as paragraphs, and how far it may go before it is
/// shown as text again: far enough that scrolling back and forth a little
/// does not draw it again.
const DRAW_SCREENS: f64 = 1.0;
const KEEP_SCREENS: f64 = 3.0;

/// Whether the open document is drawn as it is read, and whether each of
/// its blocks shows its paragraphs.
#[derive(Clone, Copy)]
pub struct Blocks {
    lazy: StoredValue<bool>,
    opened: StoredValue<Vec<RwSignal<bool>>>,
    /// The blocks of a long document showing their paragraphs.
    open_now: StoredValue<Vec<usize>>,
    /// Where a long document's paragraphs have their highlights drawn, if
    /// not at once.
    queue: StoredValue<Option<DrawQueue>>,
    /// Whether a frame is asked for to follow the view.
    scheduled: StoredValue<bool>,
}

impl Blocks {
    /// The blocks of whatever document `pane` shows, following the view as
    /// it scrolls for as long as the pane is there.
    pub fn new(view: View, pane: NodeRef<html::Div>) -> Self {
        let blocks = Self {
            lazy: StoredValue::new(false),
            opened: StoredValue::new(Vec::new()),
            open_now: StoredValue::new(Vec::new()),
            queue: StoredValue::new(None),
            scheduled: StoredValue::new(false),
        };
        // Scrolling is heard as it goes down to the pane's scroll container.
        listeners::on_window_capture("scroll", move || blocks.follow(view, pane));
        listeners::on_window_capture("resize", move || blocks.follow(view, pane));
        blocks
    }

    /// One switch per block of document `doc`, of `paragraphs` paragraphs,
    /// off if the document is long enough to draw as it is read; `queue`
    /// draws the highlights of paragraphs drawn, if they are not drawn at
    /// once. A long document's first blocks are drawn on the next frame.
    pub fn reset(
        self,
        view: View,
        pane: NodeRef<html::Div>,
        doc: usize,
        paragraphs: usize,
        queue: Option<DrawQueue>,
    ) -> Vec<RwSignal<bool>> {
        let lazy = is_long(view, doc);
        let opened: Vec<RwSignal<bool>> = (0..paragraphs.div_ceil(PARAGRAPHS_PER_BLOCK))
            .map(|_| RwSignal::new(!lazy))
            .collect();
        self.lazy.set_value(lazy);
        self.opened.set_value(opened.clone());
        self.open_now.set_value(Vec::new());
        self.queue.set_value(queue);
        if lazy {
            self.follow(view, pane);
        }
        opened
    }

    /// Whether the open document's blocks are drawn as they come near.
    pub fn lazy(self) -> bool {
        self.lazy.get_value()
    }

    /// On the next frame, draws the blocks of a long document that came
    /// near the view, and shows those gone far as text again.
    fn follow(self, view: View, pane: NodeRef<html::Div>) {
        if !self.lazy.get_value() || self.scheduled.get_value() {
            return;
        }
        self.scheduled.set_value(true);
        request_animation_frame(move || {
            self.scheduled.set_value(false);
            let Some(element) = pane.get_untracked() else {
                return;
            };
            let doc = view.current_untracked();
            let near = near_blocks(&element, DRAW_SCREENS);
            let keep = near_blocks(&element, KEEP_SCREENS);
            let far: Vec<usize> = self.open_now.with_value(|open| {
                open.iter()
                    .copied()
                    .filter(|block| !keep.contains(block))
                    .collect()
            });
            far.into_iter()
                .for_each(|block| self.close(view, pane, doc, block));
            near.for_each(|block| self.open(view, pane, doc, block));
        });
    }

    /// Replaces block `block` of document `doc` by its paragraphs, keeping
    /// the selection where it is, and has the queue draw their highlights
    /// if there is one (else they are drawn as they are made).
    fn open(self, view: View, pane: NodeRef<html::Div>, doc: usize, block: usize) {
        let Some(open) = self.opened.with_value(|o| o.get(block).copied()) else {
            return;
        };
        if open.get_untracked() {
            return;
        }
        let Some((indices, start, end)) = paragraphs_of(view, doc, block) else {
            return;
        };
        kept_selection::keep(view, pane, start, end);
        open.set(true);
        self.open_now.update_value(|o| o.push(block));
        let queue = self.queue.get_value();
        for index in indices {
            // Search marks in the block's text are put on the paragraphs.
            view.store.redraw_paragraph(doc, index);
            if let Some(queue) = queue {
                queue.push(doc, index);
            }
        }
    }

    /// Shows block `block` of document `doc` as its text again, keeping the
    /// selection where it is.
    fn close(self, view: View, pane: NodeRef<html::Div>, doc: usize, block: usize) {
        self.open_now.update_value(|o| o.retain(|&b| b != block));
        let Some(open) = self.opened.with_value(|o| o.get(block).copied()) else {
            return;
        };
        let Some((indices, start, end)) = paragraphs_of(view, doc, block) else {
            return;
        };
        kept_selection::keep(view, pane, start, end);
        open.set(false);
        // Search marks in the paragraphs are put on the block's text.
        indices.for_each(|index| view.store.redraw_paragraph(doc, index));
    }
}

/// Whether document `doc` is drawn as it is read.
fn is_long(view: View, doc: usize) -> bool {
    view.store.with(|w| {
        let paragraphs = w.paragraphs(doc).map_or(0, |p| p.as_slice().len());
        let bytes = w.document(doc).map_or(0, |d| d.text.len());
        paragraphs > DRAW_PARAGRAPHS_FROM || bytes > DRAW_BYTES_FROM
    })
}

/// The paragraphs of block `block` of document `doc`, and the code points
/// they cover.
fn paragraphs_of(
    view: View,
    doc: usize,
    block: usize,
) -> Option<(std::ops::Range<usize>, usize, usize)> {
    view.store.with(|w| {
        let list = w.paragraphs(doc)?.as_slice();
        let first = block * PARAGRAPHS_PER_BLOCK;
        let last = list.len().min(first + PARAGRAPHS_PER_BLOCK);
        Some((
            first..last,
            list.get(first)?.start,
            list.get(last.checked_sub(1)?)?.end,
        ))
    })
}

/// Block `block` of document `doc`: its paragraphs once `open`, and until
/// then their text.
#[component]
pub fn Block(
    doc: usize,
    block: usize,
    open: RwSignal<bool>,
    near: NearFlags,
    drawn_with: DrawnWith,
    pane: NodeRef<html::Div>,
) -> impl IntoView {
    let view = expect_context::<View>();
    let (indices, start, _) = paragraphs_of(view, doc, block).unwrap_or((0..0, 0, 0));
    let content = move || {
        let indices = indices.clone();
        if open.get() {
            indices
                .map(|index| view! { <Paragraph doc index near drawn_with pane /> })
                .collect_view()
                .into_any()
        } else {
            view.store
                .with(|w| {
                    let text = &w.document(doc)?.text;
                    Some(w.paragraphs(doc)?.window(text, indices)?.text.to_string())
                })
                .unwrap_or_default()
                .into_any()
        }
    };
    view! { <div class=BLOCK_CLASS>{content}</div> }
        .add_any_attr(custom_attribute(PARAGRAPH_START, move || {
            (!open.get()).then_some(start)
        }))
}
