//! Bringing a paragraph element from showing some runs to showing others,
//! touching the page only where they differ.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, Node};

use super::geometry::ANNOTATION_IDS;
use super::runs::Run;

/// Brings `element`'s children from showing `old` to showing `new`. Only
/// the runs between their common beginning and end are replaced: an edit
/// changes a few runs of a paragraph, and the others keep their nodes where
/// they are (a keyed list would move every run after an insertion, and the
/// browser would restyle each of them).
pub fn patch(element: &Element, old: &[Run], new: &[Run]) {
    let children = element.child_nodes();
    let count = children.length() as usize;
    let (same_start, same_end) = if count == old.len() {
        let start = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let end = old[start..]
            .iter()
            .rev()
            .zip(new[start..].iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        (start, end)
    } else {
        // Something else changed the paragraph: it is drawn again whole.
        (0, 0)
    };
    let first_kept = u32::try_from(count - same_end)
        .ok()
        .and_then(|at| children.item(at));
    for _ in same_start..count - same_end {
        if let Some(node) = children.item(same_start as u32) {
            // The node is one of the paragraph's own children.
            let _ = element.remove_child(&node);
        }
    }
    let document = leptos::prelude::document();
    for run in &new[same_start..new.len() - same_end] {
        if let Some(node) = node_of(&document, run) {
            let _ = element.insert_before(&node, first_kept.as_ref());
        }
    }
}

/// A run as a node: its text, or a `<mark>` around it.
fn node_of(document: &Document, run: &Run) -> Option<Node> {
    let Some(mark) = &run.mark else {
        return Some(document.create_text_node(&run.text).into());
    };
    let element = document.create_element("mark").ok()?;
    let mut class = String::from("hl");
    for (on, name) in [
        (mark.nested, " nested"),
        (mark.selected, " selected"),
        (mark.revealed, " revealed"),
    ] {
        if on {
            class.push_str(name);
        }
    }
    element.set_class_name(&class);
    let tag = mark.tag.as_deref();
    for (name, value) in [
        (ANNOTATION_IDS, Some(mark.ids.as_str())),
        ("data-label", Some(mark.label.as_str())),
        ("title", Some(mark.title.as_str())),
        ("aria-description", Some(mark.description.as_str())),
        ("data-tag", tag),
    ] {
        if let Some(value) = value {
            element.set_attribute(name, value).ok()?;
        }
    }
    // Through the CSSOM, which the page's Content-Security-Policy allows
    // where it refuses a style attribute.
    element
        .dyn_ref::<HtmlElement>()?
        .style()
        .set_css_text(&mark.style);
    element.set_text_content(Some(&run.text));
    Some(element.into())
}
