//! The reading pane: one document, one component per paragraph, each
//! redrawn only when a span over it changes.
//!
//! The pane's `textContent` is exactly the document's text: paragraphs keep
//! their `\n`, highlights are `<mark>` elements around runs of text, and
//! nothing else is put inside. Every paragraph's text is always there. In a
//! document with many spans, a paragraph's highlights are drawn once it
//! comes within a screen of the visible area, a few paragraphs a frame, so
//! opening or scrolling it costs about what the visible part costs.
//!
//! A redrawn paragraph keeps the nodes of the runs before and after the
//! ones that changed, so an edit touches the page only where it changed
//! something.

use std::collections::VecDeque;

use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent, MouseEvent};

use super::kept_selection;
use super::keyboard_navigation::{on_pane_key, paragraph_at, Caret};
use super::span_handles::SpanHandles;
use crate::browser::near_viewport::NearViewport;
use crate::browser::selection;
use crate::state::{Notice, View};
use span_core::model::{segments, Annotation, LabelCues, Workspace};

/// Tags what is selected in `pane` with `label`, and selects the new
/// annotation with the caret at its end. With nothing selected in the page,
/// it gives the selected annotation that label instead. A selection outside
/// the pane changes nothing.
pub fn tag_selection(view: View, pane_ref: NodeRef<html::Div>, label: &str) {
    let Some(pane) = pane_ref.get_untracked() else {
        return;
    };
    let len = view.store.with(|w| w.char_len(view.current_untracked()));
    let nothing_selected = window()
        .get_selection()
        .ok()
        .flatten()
        .is_none_or(|s| s.is_collapsed());
    match selection::selected_span(&pane, len) {
        Some(span) => {
            if let Some(annotation) = view.annotate(span, label) {
                view.selected.set(Some(annotation.id));
                kept_selection::put_after_redraw(view, pane_ref, annotation.end, annotation.end);
            }
        }
        None => match view.selected.get_untracked() {
            Some(id) if nothing_selected => view.retag(&id, label),
            _ => view.store.tell(Notice::info(
                "Select some text in the article first, then choose a label.",
            )),
        },
    }
}

/// The current document's title and date, above the pane.
#[component]
pub fn DocumentHeading() -> impl IntoView {
    let view = expect_context::<View>();
    let heading = move || {
        let doc = view.current();
        view.store.with(|w| {
            w.document(doc).map(|d| {
                (
                    d.title.clone(),
                    d.date().map(str::to_string),
                    d.file_name.clone(),
                )
            })
        })
    };
    view! {
        <div class="doc-heading">
            {move || heading().map(|(title, date, file_name)| view! {
                <h2>{title}</h2>
                <p class="doc-meta">
                    {date.map(|d| view! { <time datetime=d.clone()>{d.clone()}</time> " · " })}
                    {file_name}
                </p>
            })}
        </div>
    }
}

/// How far above and below the visible area highlights are drawn, as a
/// share of the visible height.
const DRAW_MARGIN: &str = "100%";

/// Documents with up to this many spans have every highlight drawn at once:
/// that takes a few milliseconds, and keeps every highlight in the page.
const DRAW_ALL_UP_TO: usize = 2_000;

/// How long drawing the highlights of paragraphs that came near the
/// visible area may take in one frame, in milliseconds: the browser then
/// styles and lays them out in about as much again.
const DRAW_MS_PER_FRAME: f64 = 4.0;

/// Bounds on how many spans' highlights one frame draws, whatever drawing
/// them took before; a paragraph with more spans is still drawn whole.
const SPANS_PER_FRAME: std::ops::RangeInclusive<f64> = 16.0..=400.0;

/// Per paragraph of the open document: whether it has come near the visible
/// area, and so has its highlights drawn.
type NearFlags = StoredValue<Vec<bool>>;

/// Per paragraph of the open document: the emphasis it was last drawn with.
type DrawnWith = StoredValue<Vec<Emphasis>>;

/// Paragraphs are grouped in blocks of this many, so that redrawing one
/// makes the browser lay out its block and the blocks, a few dozen
/// elements, rather than every paragraph of a long document.
const PARAGRAPHS_PER_BLOCK: usize = 32;

/// The element of paragraph `index` of the document shown in `pane`.
pub fn paragraph_element(pane: &Element, index: usize) -> Option<Element> {
    pane.children()
        .item(u32::try_from(index / PARAGRAPHS_PER_BLOCK).ok()?)?
        .children()
        .item(u32::try_from(index % PARAGRAPHS_PER_BLOCK).ok()?)
}

#[component]
pub fn ReadingPane(pane: NodeRef<html::Div>) -> impl IntoView {
    let view = expect_context::<View>();
    let near: NearFlags = StoredValue::new(Vec::new());
    let drawn_with: DrawnWith = StoredValue::new(Vec::new());
    let queue = DrawQueue::new(view, near);
    kept_selection::follow(view, pane);
    let watcher = StoredValue::new_local(None::<NearViewport>);
    let paragraphs = move || {
        let doc = view.current();
        let count = view
            .store
            .with(|w| w.paragraphs(doc).map_or(0, |p| p.as_slice().len()));
        let spans = view
            .store
            .with(|w| w.annotations(doc).map_or(0, |a| a.len()));
        let draw_all = spans <= DRAW_ALL_UP_TO;
        near.set_value(vec![draw_all; count]);
        drawn_with.set_value(vec![Emphasis::default(); count]);
        queue.clear();
        kept_selection::forget();
        watcher.set_value(None);
        if !draw_all {
            // The paragraphs are in the page by the next frame: watch them then.
            request_animation_frame(move || watcher.set_value(watch(view, pane, queue)));
        }
        (0..count.div_ceil(PARAGRAPHS_PER_BLOCK))
            .map(|block| {
                let first = block * PARAGRAPHS_PER_BLOCK;
                let paragraphs = (first..count.min(first + PARAGRAPHS_PER_BLOCK))
                    .map(|index| view! { <Paragraph doc index near drawn_with pane /> })
                    .collect_view();
                view! { <div class="paras">{paragraphs}</div> }
            })
            .collect_view()
    };
    // One listener for every highlight: a click on one (not the end of a
    // drag) opens the details of every annotation covering that point.
    let inspect = move |event: MouseEvent| {
        let dragged = window()
            .get_selection()
            .ok()
            .flatten()
            .is_some_and(|s| !s.is_collapsed());
        if dragged {
            return;
        }
        let ids = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("[data-ann-id]").ok().flatten())
            .and_then(|mark| mark.get_attribute("data-ann-id"))
            .map(|ids| ids.split(' ').map(str::to_string).collect::<Vec<_>>())
            .unwrap_or_default();
        view.selected.set(ids.last().cloned());
        view.inspected.set(ids);
    };
    let on_key = move |event: KeyboardEvent| {
        if let Some(pane) = pane.get_untracked() {
            on_pane_key(view, &pane, &event);
        }
    };
    // Brings a revealed annotation into view, drawn, selected and marked.
    Effect::new(move || {
        let Some(id) = view.revealed.get() else {
            return;
        };
        let doc = view.current_untracked();
        let Some(start) = view
            .store
            .with(|w| w.annotations(doc)?.get(&id).map(|a| a.start))
        else {
            return;
        };
        let Some(pane) = pane.get_untracked() else {
            return;
        };
        if let Some((paragraph, _)) = paragraph_at(view, &pane, start) {
            let index = view
                .store
                .with(|w| w.paragraphs(doc).map(|p| p.touching(start, start).start));
            if let Some(index) = index {
                draw(view, near, doc, index);
            }
            paragraph.scroll_into_view_with_scroll_into_view_options(&centred());
        }
        view.selected.set(Some(id));
        set_timeout(move || view.revealed.set(None), REVEAL_FOR);
    });
    emphasise(view, drawn_with);
    view! {
        <div
            class="doc-text"
            data-testid="doc-text"
            node_ref=pane
            role="document"
            aria-label="Article text"
            tabindex="0"
            on:click=inspect
            on:keydown=on_key
        >
            {paragraphs}
        </div>
        <Caret pane />
        <SpanHandles pane />
    }
}

/// How long a revealed annotation stays marked.
const REVEAL_FOR: std::time::Duration = std::time::Duration::from_millis(1600);

fn centred() -> web_sys::ScrollIntoViewOptions {
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Center);
    options
}

/// Outlines the selected annotation's highlights and flashes the revealed
/// one's, by redrawing the paragraphs they were and are in. A page-wide
/// style rule would do it without a redraw, but changing one makes the
/// browser restyle every highlight of a long document.
fn emphasise(view: View, drawn_with: DrawnWith) {
    // The paragraphs drawn with emphasis, and for what.
    let shown = StoredValue::new((usize::MAX, Emphasis::default(), Vec::<usize>::new()));
    Effect::new(move || {
        let emphasis = Emphasis {
            selected: view.selected.get(),
            revealed: view.revealed.get(),
        };
        let doc = view.current();
        // An edit may move the emphasised annotation into other paragraphs;
        // they are redrawn by the edit, and remembered here.
        view.store.track_document(doc);
        let now = view.store.with(|w| {
            let (Some(spans), Some(paragraphs)) = (w.annotations(doc), w.paragraphs(doc)) else {
                return Vec::new();
            };
            [&emphasis.selected, &emphasis.revealed]
                .into_iter()
                .flatten()
                .filter_map(|id| spans.get(id))
                .flat_map(|a| paragraphs.touching(a.start, a.end))
                .collect::<Vec<_>>()
        });
        shown.update_value(|(shown_doc, shown_for, indices)| {
            if *shown_doc != doc {
                // A newly opened document is drawn with the emphasis of now.
                indices.clear();
            } else if *shown_for != emphasis {
                // Those an edit redrew just now already show it.
                indices
                    .iter()
                    .chain(&now)
                    .filter(|&&index| drawn_with.with_value(|d| d.get(index) != Some(&emphasis)))
                    .for_each(|&index| view.store.redraw_paragraph(doc, index));
                indices.clear();
            }
            indices.extend(now);
            indices.sort_unstable();
            indices.dedup();
            *shown_doc = doc;
            *shown_for = emphasis;
        });
    });
}

/// The annotations whose highlights stand out: the selected one, outlined,
/// and the revealed one, flashed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Emphasis {
    selected: Option<String>,
    revealed: Option<String>,
}

impl Emphasis {
    fn now(view: View) -> Self {
        Self {
            selected: view.selected.get_untracked(),
            revealed: view.revealed.get_untracked(),
        }
    }
}

/// Draws the highlights of paragraph `index` of document `doc` from now on.
fn draw(view: View, near: NearFlags, doc: usize, index: usize) {
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
struct DrawQueue {
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
    fn new(view: View, near: NearFlags) -> Self {
        Self {
            view,
            near,
            waiting: StoredValue::new(VecDeque::new()),
            scheduled: StoredValue::new(false),
            per_frame: StoredValue::new(40.0),
        }
    }

    fn push(self, doc: usize, index: usize) {
        self.waiting.update_value(|w| w.push_back((doc, index)));
        if !self.scheduled.get_value() {
            self.scheduled.set_value(true);
            request_animation_frame(move || self.drain());
        }
    }

    fn clear(self) {
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
fn watch(view: View, pane: NodeRef<html::Div>, queue: DrawQueue) -> Option<NearViewport> {
    let pane = pane.get_untracked()?;
    let root = pane.parent_element()?;
    let doc = view.current_untracked();
    let on_near = move |element: Element| {
        let Some(start) = element
            .get_attribute("data-start")
            .and_then(|s| s.parse::<usize>().ok())
        else {
            // A block: its paragraphs are watched from now on.
            return children(&element);
        };
        let index = view.store.with(|w| {
            w.paragraphs(doc)
                .map(|p| p.as_slice().partition_point(|p| p.start < start))
        });
        if let Some(index) = index {
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

#[component]
fn Paragraph(
    doc: usize,
    index: usize,
    near: NearFlags,
    drawn_with: DrawnWith,
    pane: NodeRef<html::Div>,
) -> impl IntoView {
    let view = expect_context::<View>();
    let element = NodeRef::<html::Div>::new();
    let (start, end) = view.store.with(|w| {
        w.paragraphs(doc)
            .and_then(|p| p.as_slice().get(index))
            .map_or((0, 0), |p| (p.start, p.end))
    });
    // The runs the paragraph's children show now.
    let shown = StoredValue::new(Vec::<Piece>::new());
    // Drawn or not, the text is the same; the plain form is one run, so
    // drawing a paragraph without spans changes nothing in the page.
    Effect::new(move |_| {
        view.store.track_paragraph(doc, index);
        let Some(element) = element.get() else {
            return;
        };
        // A redraw, not the first drawing, may take the selection's nodes.
        if shown.with_value(|runs| !runs.is_empty()) {
            kept_selection::keep(view, pane, start, end);
        }
        let drawn = near.with_value(|flags| flags.get(index).copied().unwrap_or(true));
        let emphasis = Emphasis::now(view);
        let runs = view.store.with(|w| {
            if drawn {
                pieces(w, doc, index, &emphasis)
            } else {
                plain(w, doc, index)
            }
        });
        shown.update_value(|old| {
            patch(&element, old, &runs);
            *old = runs;
        });
        drawn_with.update_value(|d| {
            if let Some(slot) = d.get_mut(index) {
                *slot = emphasis;
            }
        });
    });
    view! { <div class="para" data-start=start node_ref=element></div> }
}

/// Brings `element`'s children from showing `old` to showing `new`. Only
/// the runs between their common beginning and end are replaced: an edit
/// changes a few runs of a paragraph, and the others keep their nodes where
/// they are (a keyed list would move every run after an insertion, and the
/// browser would restyle each of them).
fn patch(element: &Element, old: &[Piece], new: &[Piece]) {
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
    let document = document();
    for piece in &new[same_start..new.len() - same_end] {
        if let Some(node) = node_of(&document, piece) {
            let _ = element.insert_before(&node, first_kept.as_ref());
        }
    }
}

/// A run as a node: its text, or a `<mark>` around it.
fn node_of(document: &web_sys::Document, piece: &Piece) -> Option<web_sys::Node> {
    let Some(mark) = &piece.mark else {
        return Some(document.create_text_node(&piece.text).into());
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
        ("data-ann-id", Some(mark.ids.as_str())),
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
    element.set_text_content(Some(&piece.text));
    Some(element.into())
}

/// A run of a paragraph's text, plain or highlighted. A redraw keeps the
/// nodes of the runs that did not change.
#[derive(Clone, PartialEq, Eq)]
struct Piece {
    /// Where the run starts in the document, in code points: two runs that
    /// look alike are still two.
    start: usize,
    text: String,
    mark: Option<Mark>,
}

#[derive(Clone, PartialEq, Eq)]
struct Mark {
    /// Every annotation covering the run, outermost first.
    ids: String,
    /// The innermost annotation's label, which gives the colour.
    label: String,
    /// Whether more than one annotation covers the run.
    nested: bool,
    /// Whether the selected annotation covers the run.
    selected: bool,
    /// Whether the revealed annotation covers the run.
    revealed: bool,
    /// The run's custom properties (`--hl`, `--hl-line`, `--bands`), as CSS.
    style: String,
    title: String,
    /// The labels (innermost last) and notes, for assistive technology.
    description: String,
    /// The innermost label's short tag, a cue that is not colour, on the
    /// run where that annotation ends.
    tag: Option<String>,
}

/// The paragraph's text as one plain run.
fn plain(w: &Workspace, doc: usize, index: usize) -> Vec<Piece> {
    let (Some(document), Some(paragraph)) = (
        w.document(doc),
        w.paragraphs(doc).and_then(|p| p.as_slice().get(index)),
    ) else {
        return Vec::new();
    };
    vec![Piece {
        start: paragraph.start,
        text: paragraph.text(&document.text).to_string(),
        mark: None,
    }]
}

fn pieces(w: &Workspace, doc: usize, index: usize, emphasis: &Emphasis) -> Vec<Piece> {
    let (Some(document), Some(paragraph), Some(annotations)) = (
        w.document(doc),
        w.paragraphs(doc).and_then(|p| p.as_slice().get(index)),
        w.annotations(doc),
    ) else {
        return Vec::new();
    };
    let text = paragraph.text(&document.text);
    let spans: Vec<&Annotation> = annotations
        .overlapping(paragraph.start, paragraph.end)
        .collect();
    let color = |a: &Annotation| {
        w.label(&a.label)
            .map_or("transparent", |l| l.color.as_str())
            .to_string()
    };
    let is = |id: &Option<String>, a: &&Annotation| id.as_ref() == Some(&a.id);
    let cues = LabelCues::of(w.labels());
    segments(text, paragraph.start, &spans)
        .into_iter()
        .map(|segment| {
            let run = text[segment.bytes.clone()].to_string();
            let covering: Vec<&Annotation> = segment.covering.iter().map(|&i| spans[i]).collect();
            let Some(inner) = covering.last() else {
                return Piece {
                    start: segment.start,
                    text: run,
                    mark: None,
                };
            };
            // Each enclosing span shows as a band under the text, the
            // nearest one first, so every layer stays visible.
            let bands: Vec<String> = covering
                .iter()
                .rev()
                .skip(1)
                .enumerate()
                .map(|(depth, a)| format!("inset 0 -{}px 0 {}", 3 * (depth + 1), color(a)))
                .collect();
            let cue = cues.get(&inner.label);
            let labels: Vec<&str> = covering.iter().map(|a| a.label.as_str()).collect();
            let notes: Vec<&str> = covering.iter().filter_map(|a| a.note.as_deref()).collect();
            let mut description = labels.join(" inside ");
            if !notes.is_empty() {
                description = format!("{description}; note: {}", notes.join("; "));
            }
            let mark = Mark {
                ids: covering
                    .iter()
                    .map(|a| a.id.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                label: inner.label.clone(),
                nested: covering.len() > 1,
                selected: covering.iter().any(|a| is(&emphasis.selected, a)),
                revealed: covering.iter().any(|a| is(&emphasis.revealed, a)),
                style: {
                    let line = cue.map_or("solid", |c| c.line);
                    match bands.is_empty() {
                        true => format!("--hl: {}; --hl-line: {line}", color(inner)),
                        false => format!(
                            "--hl: {}; --hl-line: {line}; --bands: {}",
                            color(inner),
                            bands.join(", ")
                        ),
                    }
                },
                // The label's short tag, once, after the run where it ends.
                tag: cue
                    .filter(|_| segment.end == inner.end)
                    .map(|c| c.tag.clone()),
                title: description.clone(),
                description,
            };
            Piece {
                start: segment.start,
                text: run,
                mark: Some(mark),
            }
        })
        .collect()
}
