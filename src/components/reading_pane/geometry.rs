//! Where things are in the pane's page: the blocks of paragraphs, the
//! element of a paragraph, the paragraph holding a code point, the
//! annotations under a highlight; and making a span the page's selection
//! from those places.
//!
//! Everything else in the pane, and the keyboard navigation and tagging
//! around it, find their way through here; this module uses only the state
//! and the browser layer below it. How a boundary point becomes a code
//! point, in UTF-16 or not, is `browser::selection`'s business.

use std::ops::Range;

use web_sys::{Element, ScrollIntoViewOptions, ScrollLogicalPosition};

use crate::browser::selection;
use crate::state::View;

/// Paragraphs are grouped in blocks of this many, so that redrawing one
/// makes the browser lay out its block and the blocks, a few dozen
/// elements, rather than every paragraph of a long document.
pub const PARAGRAPHS_PER_BLOCK: usize = 32;

/// The class of a block of paragraphs.
pub const BLOCK_CLASS: &str = "paras";

/// The attribute of a highlight listing every annotation covering it,
/// outermost first, separated by spaces.
pub const ANNOTATION_IDS: &str = "data-ann-id";

/// The element showing paragraph `index` of the document in `pane`, with
/// the code point it starts at: the paragraph's own element or, while its
/// block shows its text as one node, the block.
pub fn paragraph_element(pane: &Element, index: usize) -> Option<(Element, usize)> {
    let block = pane
        .children()
        .item(u32::try_from(index / PARAGRAPHS_PER_BLOCK).ok()?)?;
    if let Some(start) = selection::paragraph_start(&block) {
        return Some((block, start));
    }
    let paragraph = block
        .children()
        .item(u32::try_from(index % PARAGRAPHS_PER_BLOCK).ok()?)?;
    let start = selection::paragraph_start(&paragraph)?;
    Some((paragraph, start))
}

/// The element holding code point `offset` of the open document, as
/// [`paragraph_element`] gives it.
pub fn paragraph_at(view: View, pane: &Element, offset: usize) -> Option<(Element, usize)> {
    let doc = view.current_untracked();
    let index = view.store.with(|w| {
        let paragraphs = w.paragraphs(doc)?.as_slice();
        Some(
            paragraphs
                .partition_point(|p| p.end <= offset)
                .min(paragraphs.len().checked_sub(1)?),
        )
    })?;
    paragraph_element(pane, index)
}

/// Scrolls code point `offset` of the open document into view, to the
/// middle of the pane or, unless `centre`, just into it.
pub fn bring_into_view(view: View, pane: &Element, offset: usize, centre: bool) {
    let Some((element, start)) = paragraph_at(view, pane, offset) else {
        return;
    };
    if element.class_list().contains(BLOCK_CLASS) {
        // A block of text: its paragraphs are not there to scroll to, so the
        // point itself is scrolled to, and the block is drawn once near.
        let (Some(container), Some((node, units))) = (
            pane.parent_element(),
            selection::point_in(&element, start, offset),
        ) else {
            return;
        };
        let Some((_, y, height)) = selection::point_rect(&node, units) else {
            return;
        };
        let frame = container.get_bounding_client_rect();
        let target = match centre {
            true => frame.top() + frame.height() / 2.0,
            false if y < frame.top() => frame.top() + height,
            false if y + height > frame.bottom() => frame.bottom() - height,
            false => return,
        };
        container.set_scroll_top(container.scroll_top() + (y - target).round() as i32);
        return;
    }
    if centre {
        let options = ScrollIntoViewOptions::new();
        options.set_block(ScrollLogicalPosition::Center);
        element.scroll_into_view_with_scroll_into_view_options(&options);
    } else {
        element.scroll_into_view_with_bool(false);
    }
}

/// The blocks of `pane` within `screens` viewport heights above or below
/// the viewport, found by halving over the blocks (a few dozen boxes read,
/// however long the document).
pub fn near_blocks(pane: &Element, screens: f64) -> Range<usize> {
    let height = leptos::prelude::window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let blocks = pane.children();
    let count = blocks.length() as usize;
    let rect = |at: usize| {
        u32::try_from(at)
            .ok()
            .and_then(|at| blocks.item(at))
            .map(|block| block.get_bounding_client_rect())
    };
    // The first block for which `past` holds; `past` turns true once.
    let first = |past: &dyn Fn(&web_sys::DomRect) -> bool| {
        let (mut low, mut high) = (0, count);
        while low < high {
            let mid = low + (high - low) / 2;
            if rect(mid).is_none_or(|r| past(&r)) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        low
    };
    let start = first(&|r| r.bottom() >= -height * screens);
    let end = first(&|r| r.top() > height * (1.0 + screens));
    start..end.max(start)
}

/// The index of the paragraph of document `doc` that starts at code point
/// `start`, as a paragraph element's [`selection::paragraph_start`] says.
pub fn paragraph_index(view: View, doc: usize, start: usize) -> Option<usize> {
    view.store.with(|w| {
        w.paragraphs(doc)
            .map(|p| p.as_slice().partition_point(|p| p.start < start))
    })
}

/// The ids of every annotation covering the highlight at `element`,
/// outermost first; none when it is not in a highlight.
pub fn annotations_at(element: &Element) -> Vec<String> {
    element
        .closest(&format!("[{ANNOTATION_IDS}]"))
        .ok()
        .flatten()
        .and_then(|mark| mark.get_attribute(ANNOTATION_IDS))
        .map(|ids| ids.split(' ').map(str::to_string).collect())
        .unwrap_or_default()
}

/// A spot `(x, y, height)` of the viewport as a spot in `container`'s
/// scrolled content, where markers inside it are placed.
pub fn in_container(container: &Element, (x, y, h): (f64, f64, f64)) -> (f64, f64, f64) {
    let origin = container.get_bounding_client_rect();
    (
        x - origin.left() + f64::from(container.scroll_left()),
        y - origin.top() + f64::from(container.scroll_top()),
        h,
    )
}

/// The style that puts a thin marker (the caret, a resize handle) at
/// `spot`, `(left, top, height)` in the pane's pixels, or hides it. Whole
/// pixels: a float in CSS text would need the float formatter, 11 KB of
/// wasm, for no visible difference.
pub fn marker_style(spot: Option<(f64, f64, f64)>) -> String {
    match spot {
        Some((x, y, h)) => format!(
            "left: {}px; top: {}px; height: {}px",
            x.round() as i32,
            y.round() as i32,
            h.round() as i32
        ),
        None => "display: none".to_string(),
    }
}

/// Makes code points `span` of the open document the page's selection.
pub fn place(view: View, pane: &Element, span: Range<usize>) {
    let (Some(start), Some(end)) = (
        paragraph_at(view, pane, span.start),
        paragraph_at(view, pane, span.end),
    ) else {
        return;
    };
    selection::select((&start.0, start.1, span.start), (&end.0, end.1, span.end));
}
