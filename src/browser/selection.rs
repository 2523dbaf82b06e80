//! DOM selections to code-point offsets: the one place where the browser's
//! UTF-16 offsets meet the core's code points.
//!
//! The reading pane renders a document as paragraph elements whose
//! `data-start` attribute holds the code-point offset of their first
//! character; highlights are elements nested inside them. A selection
//! boundary `(node, offset)` counts UTF-16 units inside a text node, or
//! children inside an element. It becomes a document offset by taking the
//! text from the start of its paragraph up to the boundary and counting that
//! text's code points, so nested highlights and markup never matter.

use std::ops::Range;

use wasm_bindgen::JsCast;
use web_sys::{Element, Node};

/// The attribute holding a paragraph's starting code-point offset.
pub const PARAGRAPH_START: &str = "data-start";

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
            let paragraph_start: usize = paragraph.get_attribute(PARAGRAPH_START)?.parse().ok()?;
            let before = pane.owner_document()?.create_range().ok()?;
            before.set_start(&paragraph, 0).ok()?;
            before.set_end(node, offset).ok()?;
            Some(paragraph_start + code_points(&before.to_string()))
        }
        // A boundary between paragraphs: `offset` counts the pane's children.
        None => {
            let children = pane.child_nodes();
            (offset..children.length())
                .filter_map(|i| children.item(i)?.dyn_into::<Element>().ok())
                .find_map(|child| child.get_attribute(PARAGRAPH_START)?.parse().ok())
                .or(Some(len))
        }
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
