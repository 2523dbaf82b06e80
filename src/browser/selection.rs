//! DOM selections to code-point offsets: the one place where the browser's
//! UTF-16 offsets meet the core's code points.
//!
//! The reading pane renders a document as paragraph elements whose
//! `data-start` attribute holds the code-point offset of their first
//! character, possibly grouped in plain blocks; highlights are elements
//! nested inside them. A selection
//! boundary `(node, offset)` counts UTF-16 units inside a text node, or
//! children inside an element. It becomes a document offset by taking the
//! text from the start of its paragraph up to the boundary and counting that
//! text's code points, so nested highlights and markup never matter.

use std::ops::Range;

use js_sys::{Function, Reflect};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Node};

/// The attribute holding a paragraph's starting code-point offset.
pub const PARAGRAPH_START: &str = "data-start";

/// The code-point offset at which paragraph element `paragraph` starts;
/// `None` for any other element.
pub fn paragraph_start(paragraph: &Element) -> Option<usize> {
    paragraph.get_attribute(PARAGRAPH_START)?.parse().ok()
}

/// The code-point span of the current selection within `pane`, clipped to
/// it, or `None` when nothing inside `pane` is selected. `len` is the length
/// of the document shown in `pane`, in code points.
pub fn selected_span(pane: &Element, len: usize) -> Option<Range<usize>> {
    let document = pane.owner_document()?;
    let selection = document.get_selection().ok()??;
    if selection.range_count() == 0 || selection.is_collapsed() {
        return None;
    }
    // Firefox can hold several ranges (Ctrl+drag); take them as one span.
    let first = selection.get_range_at(0).ok()?;
    let last = selection.get_range_at(selection.range_count() - 1).ok()?;

    let whole = document.create_range().ok()?;
    whole.select_node_contents(pane).ok()?;
    let start = match whole
        .compare_point(&first.start_container().ok()?, first.start_offset().ok()?)
        .ok()?
    {
        ..=-1 => 0,
        0 => offset_of(
            pane,
            &first.start_container().ok()?,
            first.start_offset().ok()?,
            len,
        )?,
        _ => return None,
    };
    let end = match whole
        .compare_point(&last.end_container().ok()?, last.end_offset().ok()?)
        .ok()?
    {
        ..=-1 => return None,
        0 => offset_of(
            pane,
            &last.end_container().ok()?,
            last.end_offset().ok()?,
            len,
        )?,
        _ => len,
    };
    (start < end).then_some(start..end)
}

/// The document offset, in code points, of the boundary point
/// `(node, offset)`, which lies inside `pane`.
pub fn offset_of(pane: &Element, node: &Node, offset: u32, len: usize) -> Option<usize> {
    match paragraph_of(pane, node) {
        Some(paragraph) => {
            let start = paragraph_start(&paragraph)?;
            let before = pane.owner_document()?.create_range().ok()?;
            before.set_start(&paragraph, 0).ok()?;
            before.set_end(node, offset).ok()?;
            Some(start + code_points(&before.to_string()))
        }
        None => next_paragraph_start(pane, node, offset, len),
    }
}

/// The starting offset of the first paragraph at or after the boundary
/// point `(node, offset)`, which lies between paragraphs (in the pane, or
/// in an element grouping paragraphs); `len` when none follows.
fn next_paragraph_start(pane: &Element, node: &Node, offset: u32, len: usize) -> Option<usize> {
    let start_of = |element: &Element| -> Option<usize> {
        let paragraph = if element.has_attribute(PARAGRAPH_START) {
            element.clone()
        } else {
            element
                .query_selector(&format!("[{PARAGRAPH_START}]"))
                .ok()??
        };
        paragraph_start(&paragraph)
    };
    let mut container = node.clone();
    let mut next = node.child_nodes().item(offset);
    loop {
        while let Some(candidate) = next {
            if let Some(start) = candidate.dyn_ref::<Element>().and_then(start_of) {
                return Some(start);
            }
            next = candidate.next_sibling();
        }
        if container.is_same_node(Some(pane)) {
            return Some(len);
        }
        next = container.next_sibling();
        container = container.parent_node()?;
    }
}

/// The paragraph element holding `node`, if `node` is inside one in `pane`.
fn paragraph_of(pane: &Element, node: &Node) -> Option<Element> {
    let mut element = match node.dyn_ref::<Element>() {
        Some(element) => element.clone(),
        None => node.parent_element()?,
    };
    while !element.is_same_node(Some(pane)) {
        if element.has_attribute(PARAGRAPH_START) {
            return Some(element);
        }
        element = element.parent_element()?;
    }
    None
}

/// The number of code points in a JS string. A boundary can fall between the
/// two halves of a surrogate pair; the unpaired half at the end is not
/// counted, so such a boundary moves back to the start of its character.
fn code_points(text: &js_sys::JsString) -> usize {
    let units: Vec<u16> = text.iter().collect();
    let dangling = units.last().is_some_and(|u| (0xD800..0xDC00).contains(u));
    char::decode_utf16(units).count() - usize::from(dangling)
}

/// The DOM boundary point `(text node, UTF-16 offset)` of code point
/// `offset` inside `paragraph`, a paragraph element of the pane whose first
/// character is code point `paragraph_start` of the document.
pub fn point_in(paragraph: &Element, paragraph_start: usize, offset: usize) -> Option<(Node, u32)> {
    let document = paragraph.owner_document()?;
    let walker = document
        .create_tree_walker_with_what_to_show(paragraph, 4)
        .ok()?;
    let mut remaining = offset.checked_sub(paragraph_start)?;
    let mut last = None;
    while let Some(node) = walker.next_node().ok()? {
        let data = node.text_content().unwrap_or_default();
        let len = data.chars().count();
        if remaining < len {
            let units: usize = data.chars().take(remaining).map(char::len_utf16).sum();
            return Some((node, units as u32));
        }
        remaining -= len;
        last = Some((node, data.encode_utf16().count() as u32));
    }
    (remaining == 0).then_some(last).flatten()
}

/// Makes `start..end` of the pane the page's selection. `start` and `end`
/// are given with their paragraph elements and those paragraphs' starting
/// offsets, as [`point_in`] takes them.
pub fn select(start: (&Element, usize, usize), end: (&Element, usize, usize)) -> Option<()> {
    let (start_node, start_offset) = point_in(start.0, start.1, start.2)?;
    let (end_node, end_offset) = point_in(end.0, end.1, end.2)?;
    let document = start.0.owner_document()?;
    let range = document.create_range().ok()?;
    range.set_start(&start_node, start_offset).ok()?;
    range.set_end(&end_node, end_offset).ok()?;
    let selection = document.get_selection().ok()??;
    selection.remove_all_ranges().ok()?;
    selection.add_range(&range).ok()
}

/// Moves or extends the page's selection, as the keyboard does in a text
/// field: `alter` is "move" or "extend", `direction` "forward", "backward",
/// "left" or "right", `granularity` "character", "word" or "line".
pub fn modify(pane: &Element, alter: &str, direction: &str, granularity: &str) -> Option<()> {
    let selection = pane.owner_document()?.get_selection().ok()??;
    selection.modify(alter, direction, granularity).ok()
}

/// Where to draw the caret: the top-left corner and height, in viewport
/// pixels, of the collapsed selection, if it lies in `pane`.
pub fn caret_rect(pane: &Element) -> Option<(f64, f64, f64)> {
    let selection = pane.owner_document()?.get_selection().ok()??;
    if selection.range_count() == 0 || !selection.is_collapsed() {
        return None;
    }
    let range = selection.get_range_at(0).ok()?;
    let node = range.start_container().ok()?;
    if !pane.contains(Some(&node)) {
        return None;
    }
    point_rect(&node, range.start_offset().ok()?)
}

/// The top-left corner and height, in viewport pixels, of the boundary
/// point `(node, offset)` as a caret would stand there.
pub fn point_rect(node: &Node, offset: u32) -> Option<(f64, f64, f64)> {
    let range = node.owner_document()?.create_range().ok()?;
    range.set_start(node, offset).ok()?;
    range.collapse_with_to_start(true);
    let rect = match range.get_client_rects()?.get(0) {
        Some(rect) => rect,
        // A collapsed range at a line's very start has no box in some
        // engines: measure the character after it instead.
        None => {
            range.set_end(node, offset + 1).ok()?;
            range.get_client_rects()?.get(0)?
        }
    };
    Some((rect.left(), rect.top(), rect.height()))
}

/// The document offset, in code points, of the text position under the
/// viewport point `(x, y)`, if it lies in `pane`.
pub fn offset_at_point(pane: &Element, x: f64, y: f64, len: usize) -> Option<usize> {
    let (node, offset) = text_position_at(&pane.owner_document()?, x, y)?;
    if !pane.contains(Some(&node)) {
        return None;
    }
    offset_of(pane, &node, offset, len)
}

/// The DOM position (node and offset) of the text under the viewport point
/// `(x, y)`: by the standard `caretPositionFromPoint`, or where the engine
/// lacks it (WebKit, so Safari), by the older `caretRangeFromPoint`.
fn text_position_at(document: &Document, x: f64, y: f64) -> Option<(Node, u32)> {
    if Reflect::has(document, &"caretPositionFromPoint".into()).unwrap_or(false) {
        let position = document.caret_position_from_point(x as f32, y as f32)?;
        return Some((position.offset_node()?, position.offset()));
    }
    let caret_range: Function = Reflect::get(document, &"caretRangeFromPoint".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let range: web_sys::Range = caret_range
        .call2(document, &x.into(), &y.into())
        .ok()?
        .dyn_into()
        .ok()?;
    Some((range.start_container().ok()?, range.start_offset().ok()?))
}

/// The document offset, in code points, of the selection's focus (where the
/// caret is), if it lies in `pane`.
pub fn caret(pane: &Element, len: usize) -> Option<usize> {
    let selection = pane.owner_document()?.get_selection().ok()??;
    let node = selection.focus_node()?;
    if !pane.contains(Some(&node)) {
        return None;
    }
    offset_of(pane, &node, selection.focus_offset(), len)
}
