#![cfg(target_arch = "wasm32")]
//! The DOM boundary in a real browser: a selection made over rendered text,
//! whose boundaries count UTF-16 units inside text nodes, maps to exact
//! code-point offsets, whatever the script, marks or paragraphs in between.
//!
//! The pane here is built with the reading pane's markup (paragraph blocks
//! carrying `data-start`, highlights as nested `<mark>`s), from the core's
//! own layout, so the test exercises what the app renders.

use span_annotator::browser::selection::{selected_span, PARAGRAPH_START};
use span_core::model::{segments, text, Annotation, Paragraphs};
use wasm_bindgen_test::*;
use web_sys::{Document, Element, Node};

wasm_bindgen_test_configure!(run_in_browser);

/// Emoji with a skin tone and a ZWJ family, combining marks, CJK, Hebrew
/// and Arabic, and the curly quotes and no-break space of article 001.
const MIXED: &str = "Talks 👍🏽 in Astana 👩‍👩‍👧!\n\
e\u{301}te\u{301} « café » 中文字 and עברית with العربية.\n\
\n\
“de-facto” zones\u{a0}\n\
“The strikes” 😀";

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn span(id: &str, start: usize, end: usize) -> Annotation {
    Annotation {
        id: id.into(),
        document_id: "test".into(),
        start,
        end,
        quote: text::slice(MIXED, start, end).unwrap().into(),
        label: "Person".into(),
        created: String::new(),
        note: None,
        entity: None,
    }
}

/// Renders `MIXED` with `spans` highlighted, as the reading pane does, into
/// a fresh element in the page.
fn render(spans: &[Annotation]) -> Element {
    let doc = document();
    let pane = doc.create_element("div").unwrap();
    pane.set_attribute("data-testid", "doc-text").unwrap();
    let refs: Vec<&Annotation> = spans.iter().collect();
    for paragraph in Paragraphs::of(MIXED).as_slice() {
        let block = doc.create_element("div").unwrap();
        block
            .set_attribute(PARAGRAPH_START, &paragraph.start.to_string())
            .unwrap();
        let text = paragraph.text(MIXED);
        let over: Vec<&Annotation> = refs
            .iter()
            .copied()
            .filter(|a| a.overlaps(paragraph.start, paragraph.end))
            .collect();
        for segment in segments(text, paragraph.start, &over) {
            let run = doc.create_text_node(&text[segment.byte_range.clone()]);
            if segment.covering.is_empty() {
                block.append_child(&run).unwrap();
            } else {
                let mut parent = block.clone();
                for _ in &segment.covering {
                    let mark = doc.create_element("mark").unwrap();
                    parent.append_child(&mark).unwrap();
                    parent = mark;
                }
                parent.append_child(&run).unwrap();
            }
        }
        pane.append_child(&block).unwrap();
    }
    doc.body().unwrap().append_child(&pane).unwrap();
    pane
}

/// The text node and UTF-16 offset where code point `offset` of the pane's
/// text lies, found by walking the text nodes independently of the code
/// under test.
fn boundary(pane: &Element, offset: usize) -> (Node, u32) {
    let mut remaining = offset;
    let mut last = None;
    let walker = document()
        .create_tree_walker_with_what_to_show(pane, 4)
        .unwrap();
    while let Some(node) = walker.next_node().unwrap() {
        let data = node.text_content().unwrap_or_default();
        let len = data.chars().count();
        if remaining < len {
            let units: usize = data.chars().take(remaining).map(char::len_utf16).sum();
            return (node, units as u32);
        }
        remaining -= len;
        last = Some((node, data.encode_utf16().count() as u32));
    }
    assert_eq!(remaining, 0, "offset {offset} is past the end");
    last.expect("the pane has text")
}

fn select(start: (Node, u32), end: (Node, u32)) {
    let range = document().create_range().unwrap();
    range.set_start(&start.0, start.1).unwrap();
    range.set_end(&end.0, end.1).unwrap();
    let selection = web_sys::window().unwrap().get_selection().unwrap().unwrap();
    selection.remove_all_ranges().unwrap();
    selection.add_range(&range).unwrap();
}

fn len() -> usize {
    text::char_len(MIXED)
}

#[wasm_bindgen_test]
fn the_pane_text_is_the_document_text() {
    let pane = render(&[span("a", 3, 20)]);
    assert_eq!(pane.text_content().unwrap(), MIXED);
    pane.remove();
}

#[wasm_bindgen_test]
fn every_character_boundary_maps_to_its_code_point() {
    let pane = render(&[]);
    let n = len();
    for start in 0..n {
        // Every start, with short and paragraph-crossing ends.
        for end in [start + 1, start + 2, start + 7, start + 40, n] {
            let end = end.min(n);
            select(boundary(&pane, start), boundary(&pane, end));
            assert_eq!(
                selected_span(&pane, n),
                Some(start..end),
                "selection {start}..{end}"
            );
        }
    }
    pane.remove();
}

#[wasm_bindgen_test]
fn boundaries_inside_highlights_and_nested_highlights_are_exact() {
    let find = |needle: &str| {
        let byte = MIXED.find(needle).unwrap();
        text::char_len(&MIXED[..byte])
    };
    let family = find("👩‍👩‍👧");
    let quote = find("“de-facto”");
    let spans = [
        span("outer", 2, quote + 5),
        span("inner", family, family + 5),
        span("cross", quote + 3, len() - 1),
    ];
    let pane = render(&spans);
    let n = len();
    for (start, end) in [
        (family + 1, family + 3),
        (3, quote + 4),
        (family + 5, quote + 8),
        (quote + 4, n),
    ] {
        select(boundary(&pane, start), boundary(&pane, end));
        assert_eq!(
            selected_span(&pane, n),
            Some(start..end),
            "selection {start}..{end}"
        );
        // The range, not `Selection.toString()`: Chromium renders a selection
        // inside a grapheme cluster as empty, though its range is intact.
        let range = web_sys::window()
            .unwrap()
            .get_selection()
            .unwrap()
            .unwrap()
            .get_range_at(0)
            .unwrap();
        assert_eq!(
            String::from(range.to_string()),
            text::slice(MIXED, start, end).unwrap()
        );
    }
    pane.remove();
}

#[wasm_bindgen_test]
fn element_boundaries_between_paragraphs_count_as_paragraph_starts() {
    let pane = render(&[]);
    let paragraphs = Paragraphs::of(MIXED);
    let second = &paragraphs.as_slice()[1];
    let last = paragraphs.as_slice().len() as u32;
    // (pane, 1) is just before the second paragraph; (pane, count) is the end.
    select((pane.clone().into(), 1), (pane.clone().into(), last));
    assert_eq!(selected_span(&pane, len()), Some(second.start..len()));
    // (paragraph, 0) is its first character.
    let block: Node = pane.child_nodes().item(1).unwrap();
    select(
        (block.clone(), 0),
        (block.clone(), block.child_nodes().length()),
    );
    assert_eq!(selected_span(&pane, len()), Some(second.start..second.end));
    pane.remove();
}

#[wasm_bindgen_test]
fn boundaries_between_paragraphs_grouped_in_blocks_count_as_paragraph_starts() {
    // The reading pane groups its paragraphs in blocks: two a block here.
    let pane = render(&[]);
    let paragraphs: Vec<Node> = (0..pane.child_nodes().length())
        .filter_map(|i| pane.child_nodes().item(i))
        .collect();
    let blocks: Vec<Element> = paragraphs
        .chunks(2)
        .map(|pair| {
            let block = document().create_element("div").unwrap();
            for paragraph in pair {
                block.append_child(paragraph).unwrap();
            }
            pane.append_child(&block).unwrap();
            block
        })
        .collect();
    let starts: Vec<usize> = Paragraphs::of(MIXED)
        .as_slice()
        .iter()
        .map(|p| p.start)
        .collect();
    let n = len();
    let cases: [((Node, u32), usize); 6] = [
        ((pane.clone().into(), 0), 0),
        ((pane.clone().into(), 1), starts[2]),
        ((blocks[0].clone().into(), 1), starts[1]),
        // The end of a block is the start of the next one.
        ((blocks[0].clone().into(), 2), starts[2]),
        ((blocks[1].clone().into(), 0), starts[2]),
        ((pane.clone().into(), blocks.len() as u32), n),
    ];
    for (point, expected) in cases {
        select(point.clone(), boundary(&pane, n));
        let found = selected_span(&pane, n).map_or(n, |span| span.start);
        assert_eq!(found, expected, "boundary at child {}", point.1);
    }
    // The same points as ends of a selection from the start.
    select(boundary(&pane, 1), (blocks[0].clone().into(), 1));
    assert_eq!(selected_span(&pane, n), Some(1..starts[1]));
    select(boundary(&pane, 1), (blocks[0].clone().into(), 2));
    assert_eq!(selected_span(&pane, n), Some(1..starts[2]));
    pane.remove();
}

#[wasm_bindgen_test]
fn selections_reaching_outside_the_pane_are_clipped_and_outside_ones_ignored() {
    let outside = document().create_element("p").unwrap();
    outside.set_text_content(Some("outside 😀"));
    document().body().unwrap().append_child(&outside).unwrap();
    let pane = render(&[]);
    let before: Node = outside.first_child().unwrap();

    select((before.clone(), 3), boundary(&pane, 12));
    assert_eq!(
        selected_span(&pane, len()),
        Some(0..12),
        "starts before the pane"
    );
    select((before.clone(), 1), (before.clone(), 5));
    assert_eq!(selected_span(&pane, len()), None, "entirely outside");
    select(boundary(&pane, 9), boundary(&pane, 9));
    assert_eq!(selected_span(&pane, len()), None, "collapsed");

    let after = document().create_element("p").unwrap();
    after.set_text_content(Some("after"));
    document().body().unwrap().append_child(&after).unwrap();
    select(boundary(&pane, 30), (after.first_child().unwrap(), 2));
    assert_eq!(
        selected_span(&pane, len()),
        Some(30..len()),
        "ends after the pane"
    );
    for element in [pane, outside, after] {
        element.remove();
    }
}

#[wasm_bindgen_test]
fn a_boundary_between_surrogate_halves_moves_to_the_character_start() {
    let pane = render(&[]);
    let emoji = text::char_len(&MIXED[..MIXED.find('😀').unwrap()]);
    let (node, units) = boundary(&pane, emoji);
    let inside = (node.clone(), units + 1);
    select(inside.clone(), boundary(&pane, len()));
    assert_eq!(selected_span(&pane, len()), Some(emoji..len()));
    select(boundary(&pane, emoji - 3), inside);
    assert_eq!(selected_span(&pane, len()), Some(emoji - 3..emoji));
    pane.remove();
}
