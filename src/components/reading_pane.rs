//! The reading pane: one document, one component per paragraph, each
//! redrawn only when a span over it changes.
//!
//! The pane's `textContent` is exactly the document's text: paragraphs keep
//! their `\n`, highlights are `<mark>` elements around runs of text, and
//! nothing else is put inside. Every paragraph's text is always there. In a
//! document with many spans, a paragraph's highlights are drawn once it
//! comes within a screen of the visible area, so opening it costs about what
//! the visible part costs.

use leptos::{either::Either, html, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent, MouseEvent};

use super::keyboard_navigation::{on_pane_key, paragraph_at, place, Caret};
use super::span_handles::SpanHandles;
use crate::browser::near_viewport::NearViewport;
use crate::browser::selection;
use crate::model::{segments, Annotation, LabelCues, Workspace};
use crate::state::{Annotator, Notice};

/// Tags what is selected in `pane` with `label`, and selects the new
/// annotation with the caret at its end. With nothing selected in the page,
/// it gives the selected annotation that label instead. A selection outside
/// the pane changes nothing.
pub fn tag_selection(annotator: Annotator, pane: NodeRef<html::Div>, label: &str) {
    let Some(pane) = pane.get_untracked() else {
        return;
    };
    let len = annotator.with(|w| w.char_len(annotator.current.get_untracked()));
    let nothing_selected = window()
        .get_selection()
        .ok()
        .flatten()
        .is_none_or(|s| s.is_collapsed());
    match selection::selected_span(&pane, len) {
        Some(span) => {
            if let Some(annotation) = annotator.annotate(span, label) {
                annotator.selected.set(Some(annotation.id));
                // The paragraph is redrawn by then; the old selection is gone.
                request_animation_frame(move || {
                    place(annotator, &pane, annotation.end..annotation.end)
                });
            }
        }
        None => match annotator.selected.get_untracked() {
            Some(id) if nothing_selected => annotator.retag(&id, label),
            _ => annotator.tell(Notice::info(
                "Select some text in the article first, then choose a label.",
            )),
        },
    }
}

/// The current document's title and date, above the pane.
#[component]
pub fn DocumentHeading() -> impl IntoView {
    let annotator = expect_context::<Annotator>();
    let heading = move || {
        let doc = annotator.current.get();
        annotator.with(|w| {
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

/// Per paragraph of the open document: whether it has come near the visible
/// area, and so has its highlights drawn.
type NearFlags = StoredValue<Vec<bool>>;

#[component]
pub fn ReadingPane(pane: NodeRef<html::Div>) -> impl IntoView {
    let annotator = expect_context::<Annotator>();
    let near: NearFlags = StoredValue::new(Vec::new());
    let watcher = StoredValue::new_local(None::<NearViewport>);
    let paragraphs = move || {
        let doc = annotator.current.get();
        let count = annotator.with(|w| w.paragraphs(doc).map_or(0, |p| p.as_slice().len()));
        let spans = annotator.with(|w| w.annotations(doc).map_or(0, |a| a.len()));
        let draw_all = spans <= DRAW_ALL_UP_TO;
        near.set_value(vec![draw_all; count]);
        watcher.set_value(None);
        if !draw_all {
            // The paragraphs are in the page by the next frame: watch them then.
            request_animation_frame(move || watcher.set_value(watch(annotator, pane, near)));
        }
        (0..count)
            .map(|index| view! { <Paragraph doc index near /> })
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
        annotator.selected.set(ids.last().cloned());
        annotator.inspected.set(ids);
    };
    let on_key = move |event: KeyboardEvent| {
        if let Some(pane) = pane.get_untracked() {
            on_pane_key(annotator, &pane, &event);
        }
    };
    // Brings a revealed annotation into view, drawn, selected and marked.
    Effect::new(move || {
        let Some(id) = annotator.revealed.get() else {
            return;
        };
        let doc = annotator.current.get_untracked();
        let Some(start) = annotator.with(|w| w.annotations(doc)?.get(&id).map(|a| a.start)) else {
            return;
        };
        let Some(pane) = pane.get_untracked() else {
            return;
        };
        if let Some((paragraph, _)) = paragraph_at(annotator, &pane, start) {
            let index =
                annotator.with(|w| w.paragraphs(doc).map(|p| p.touching(start, start).start));
            if let Some(index) = index {
                near.update_value(|flags| {
                    flags.iter_mut().skip(index).take(1).for_each(|f| *f = true)
                });
                annotator.redraw_paragraph(doc, index);
            }
            paragraph.scroll_into_view_with_scroll_into_view_options(&centred());
        }
        annotator.selected.set(Some(id));
        set_timeout(move || annotator.revealed.set(None), REVEAL_FOR);
    });
    view! {
        <style>{move || emphasis_css(annotator.selected.get(), annotator.revealed.get())}</style>
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

/// Style rules outlining the selected annotation's highlights and flashing
/// the revealed one's, by id, so that neither redraws a paragraph. Ids that
/// are not plain letters, digits, `-` or `_` get no rule rather than an
/// unsafe selector.
fn emphasis_css(selected: Option<String>, revealed: Option<String>) -> String {
    let plain = |id: &String| {
        !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let mut css = String::new();
    if let Some(id) = selected.filter(plain) {
        css.push_str(&format!("mark[data-ann-id~=\"{id}\"] {{ outline: 2px solid var(--focus); outline-offset: 1px; }}\n"));
    }
    if let Some(id) = revealed.filter(plain) {
        css.push_str(&format!(
            "mark[data-ann-id~=\"{id}\"] {{ animation: reveal 1.5s ease-out; }}\n"
        ));
    }
    css
}

/// Sets each paragraph's flag as it comes near the visible area of the
/// pane's scroll container (its parent). Without IntersectionObserver, every
/// paragraph is drawn at once.
fn watch(annotator: Annotator, pane: NodeRef<html::Div>, near: NearFlags) -> Option<NearViewport> {
    let pane = pane.get_untracked()?;
    let root = pane.parent_element()?;
    let doc = annotator.current.get_untracked();
    let on_near = move |paragraph: Element| {
        let Some(start) = paragraph
            .get_attribute("data-start")
            .and_then(|s| s.parse::<usize>().ok())
        else {
            return;
        };
        let index = annotator.with(|w| {
            w.paragraphs(doc)
                .map(|p| p.as_slice().partition_point(|p| p.start < start))
        });
        if let Some(index) = index {
            near.update_value(|flags| {
                if let Some(flag) = flags.get_mut(index) {
                    *flag = true;
                }
            });
            annotator.redraw_paragraph(doc, index);
        }
    };
    match NearViewport::new(&root, DRAW_MARGIN, on_near) {
        Ok(watcher) => {
            let children = pane.children();
            (0..children.length())
                .filter_map(|i| children.item(i))
                .for_each(|paragraph| watcher.observe(&paragraph));
            Some(watcher)
        }
        Err(_) => {
            near.update_value(|flags| flags.iter_mut().for_each(|flag| *flag = true));
            let count = near.with_value(Vec::len);
            (0..count).for_each(|index| annotator.redraw_paragraph(doc, index));
            None
        }
    }
}

#[component]
fn Paragraph(doc: usize, index: usize, near: NearFlags) -> impl IntoView {
    let annotator = expect_context::<Annotator>();
    let start = annotator.with(|w| w.paragraphs(doc).map_or(0, |p| p.as_slice()[index].start));
    // Drawn or not, the text is the same; the plain form is one run, so
    // drawing a paragraph without spans changes nothing in the page.
    let pieces = move || {
        annotator.track_paragraph(doc, index);
        let drawn = near.with_value(|flags| flags.get(index).copied().unwrap_or(true));
        annotator.with(|w| {
            if drawn {
                pieces(w, doc, index)
            } else {
                plain(w, doc, index)
            }
        })
    };
    view! {
        <div class="para" data-start=start>
            {move || {
                pieces()
                    .into_iter()
                    .map(|piece| match piece.mark {
                        None => Either::Left(piece.text),
                        Some(mark) => Either::Right(view! {
                            <mark
                                class="hl"
                                class:nested=mark.nested
                                data-ann-id=mark.ids
                                data-label=mark.label
                                style=mark.style
                                title=mark.title
                                aria-description=mark.description
                                data-tag=mark.tag
                            >
                                {piece.text}
                            </mark>
                        }),
                    })
                    .collect_view()
            }}
        </div>
    }
}

/// A run of a paragraph's text, plain or highlighted.
struct Piece {
    text: String,
    mark: Option<Mark>,
}

struct Mark {
    /// Every annotation covering the run, outermost first.
    ids: String,
    /// The innermost annotation's label, which gives the colour.
    label: String,
    /// Whether more than one annotation covers the run.
    nested: bool,
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
    let (Some(document), Some(paragraphs)) = (w.document(doc), w.paragraphs(doc)) else {
        return Vec::new();
    };
    vec![Piece {
        text: paragraphs.as_slice()[index]
            .text(&document.text)
            .to_string(),
        mark: None,
    }]
}

fn pieces(w: &Workspace, doc: usize, index: usize) -> Vec<Piece> {
    let (Some(document), Some(paragraphs), Some(annotations)) =
        (w.document(doc), w.paragraphs(doc), w.annotations(doc))
    else {
        return Vec::new();
    };
    let paragraph = &paragraphs.as_slice()[index];
    let text = paragraph.text(&document.text);
    let spans: Vec<&Annotation> = annotations
        .overlapping(paragraph.start, paragraph.end)
        .collect();
    let color = |a: &Annotation| {
        w.label(&a.label)
            .map_or("transparent", |l| l.color.as_str())
            .to_string()
    };
    let cues = LabelCues::of(w.labels());
    segments(text, paragraph.start, &spans)
        .into_iter()
        .map(|segment| {
            let run = text[segment.bytes.clone()].to_string();
            let covering: Vec<&Annotation> = segment.covering.iter().map(|&i| spans[i]).collect();
            let Some(inner) = covering.last() else {
                return Piece {
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
                text: run,
                mark: Some(mark),
            }
        })
        .collect()
}
