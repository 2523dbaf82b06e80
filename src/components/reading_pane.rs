//! The reading pane: one document, one component per paragraph, each
//! redrawn only when a span over it changes.
//!
//! The pane's `textContent` is exactly the document's text: paragraphs keep
//! their `\n`, highlights are `<mark>` elements around runs of text, and
//! nothing else is put inside.

use leptos::{either::Either, html, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{Element, MouseEvent};

use crate::browser::selection;
use crate::model::{segments, Annotation, Workspace};
use crate::state::{Annotator, Notice};

/// Tags what is selected in `pane` with `label`. A selection that is empty
/// or lies outside the pane changes nothing.
pub fn tag_selection(annotator: Annotator, pane: NodeRef<html::Div>, label: &str) {
    let Some(pane) = pane.get_untracked() else {
        return;
    };
    let len = annotator.with(|w| {
        w.document(annotator.current.get_untracked())
            .map_or(0, |d| d.char_len())
    });
    match selection::selected_span(&pane, len) {
        Some(span) => {
            annotator.annotate(span, label);
            if let Some(selection) = window().get_selection().ok().flatten() {
                let _ = selection.remove_all_ranges();
            }
        }
        None => annotator.tell(Notice::info(
            "Select some text in the article first, then choose a label.",
        )),
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

#[component]
pub fn ReadingPane(pane: NodeRef<html::Div>) -> impl IntoView {
    let annotator = expect_context::<Annotator>();
    let paragraphs = move || {
        let doc = annotator.current.get();
        let count = annotator.with(|w| w.paragraphs(doc).map_or(0, |p| p.as_slice().len()));
        (0..count)
            .map(|index| view! { <Paragraph doc index /> })
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
            .map(|ids| ids.split(' ').map(str::to_string).collect())
            .unwrap_or_default();
        annotator.inspected.set(ids);
    };
    view! {
        <div
            class="doc-text"
            data-testid="doc-text"
            node_ref=pane
            role="document"
            aria-label="Article text"
            on:click=inspect
        >
            {paragraphs}
        </div>
    }
}

#[component]
fn Paragraph(doc: usize, index: usize) -> impl IntoView {
    let annotator = expect_context::<Annotator>();
    let start = annotator.with(|w| w.paragraphs(doc).map_or(0, |p| p.as_slice()[index].start));
    let pieces = move || {
        annotator.track_paragraph(doc, index);
        annotator.with(|w| pieces(w, doc, index))
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
            let outer = covering
                .first()
                .filter(|_| covering.len() > 1)
                .unwrap_or(inner);
            let labels: Vec<&str> = covering.iter().map(|a| a.label.as_str()).collect();
            let mark = Mark {
                ids: covering
                    .iter()
                    .map(|a| a.id.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                label: inner.label.clone(),
                nested: covering.len() > 1,
                style: format!("--hl: {}; --hl-outer: {}", color(inner), color(outer)),
                title: labels.join(" › "),
            };
            Piece {
                text: run,
                mark: Some(mark),
            }
        })
        .collect()
}
