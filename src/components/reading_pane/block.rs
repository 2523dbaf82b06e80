//! Blocks of paragraphs, and drawing a long document's paragraphs only as
//! they come near the visible area.
//!
//! In a document of more than [`DRAW_PARAGRAPHS_FROM`] paragraphs or
//! [`DRAW_BYTES_FROM`] bytes, a block
//! first shows its paragraphs' text as one text node: a hundred thousand
//! lines are a few thousand nodes, not a hundred thousand components. Such
//! a block carries its first code point as a paragraph does
//! ([`selection::PARAGRAPH_START`]), so the selection, the caret, search
//! marks and scrolling treat it as one long paragraph, and its text is in
//! the page for find-in-page and screen readers. It is replaced by its
//! paragraphs when it comes near the visible area; the browser lays out
//! both alike (`white-space: pre-wrap`, pieces of a long line inline), so
//! nothing moves.

use leptos::attr::custom::custom_attribute;
use leptos::{html, prelude::*};

use super::draw_queue::{DrawQueue, NearFlags};
use super::emphasis::DrawnWith;
use super::geometry::{BLOCK_CLASS, PARAGRAPHS_PER_BLOCK};
use super::kept_selection;
use super::paragraph::Paragraph;
use crate::browser::selection::PARAGRAPH_START;
use crate::state::View;

/// Documents of up to this many paragraphs and [`DRAW_BYTES_FROM`] bytes
/// have every paragraph in the page from the start.
const DRAW_PARAGRAPHS_FROM: usize = 2_000;
const DRAW_BYTES_FROM: usize = 2_000_000;

/// Whether the open document is drawn as it is read, and whether each of
/// its blocks shows its paragraphs.
#[derive(Clone, Copy)]
pub struct Blocks {
    lazy: StoredValue<bool>,
    opened: StoredValue<Vec<RwSignal<bool>>>,
}

impl Blocks {
    pub fn new() -> Self {
        Self {
            lazy: StoredValue::new(false),
            opened: StoredValue::new(Vec::new()),
        }
    }

    /// One switch per block of document `doc`, of `paragraphs` paragraphs,
    /// off if the document is long enough to draw as it is read.
    pub fn reset(self, view: View, doc: usize, paragraphs: usize) -> Vec<RwSignal<bool>> {
        let lazy = is_long(view, doc);
        let opened: Vec<RwSignal<bool>> = (0..paragraphs.div_ceil(PARAGRAPHS_PER_BLOCK))
            .map(|_| RwSignal::new(!lazy))
            .collect();
        self.lazy.set_value(lazy);
        self.opened.set_value(opened.clone());
        opened
    }

    /// Whether the open document's blocks are drawn as they come near.
    pub fn lazy(self) -> bool {
        self.lazy.get_value()
    }

    /// Replaces block `block` of document `doc` by its paragraphs, keeping
    /// the selection where it is, and has `queue` draw their highlights if
    /// there is one (else they are drawn as they are made).
    pub fn open(
        self,
        view: View,
        pane: NodeRef<html::Div>,
        queue: Option<DrawQueue>,
        doc: usize,
        block: usize,
    ) {
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
    pub fn close(self, view: View, pane: NodeRef<html::Div>, doc: usize, block: usize) {
        let Some(open) = self.opened.with_value(|o| o.get(block).copied()) else {
            return;
        };
        if !open.get_untracked() {
            return;
        }
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
    let (indices, start) = view.store.with(|w| {
        let list = w.paragraphs(doc).map_or(&[][..], |p| p.as_slice());
        let first = block * PARAGRAPHS_PER_BLOCK;
        let indices = first..list.len().min(first + PARAGRAPHS_PER_BLOCK);
        (indices, list.get(first).map_or(0, |p| p.start))
    });
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
