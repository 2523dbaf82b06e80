//! The search panel: a pattern searched over the open document or all of
//! them (plain text or a regular expression, case aside, whole words or
//! not), its matches listed with their context and marked in the text,
//! Enter and Shift+Enter (or a click) going from one to the next. "Tag all"
//! and "Tag from a list" hand their matches to the preview
//! ([`tag_all`](super::tag_all)).
//!
//! Finding is [`span_core::model::search`]'s; marking is the Custom
//! Highlight API's ([`highlights`]), so marking thousands of matches adds no
//! element to the page and never redraws a highlight.

use std::ops::Range;

use leptos::{html, prelude::*};
use web_sys::KeyboardEvent;

use span_core::model::search::{Found, Match, Query, SearchOptions, MAX_MATCHES};
use span_core::model::Paragraphs;

use super::reading_pane::geometry::{
    bring_into_view, near_blocks, paragraph_at, paragraph_element, PARAGRAPHS_PER_BLOCK,
};
use super::tag_all::{Preview, TagAllPreview, TagFromList};
use crate::browser::{highlights, listeners, selection};
use crate::state::{Pane, View};

/// The highlight names the stylesheet styles (`::highlight(…)`).
const MATCHES: &str = "search-match";

/// How many matches are added to the list at a time: thousands of entries
/// would take longer to put in the page than finding them takes.
const PAGE: usize = 50;
const CURRENT: &str = "search-current";

/// What the person asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Settings {
    pattern: String,
    all: bool,
    options: SearchOptions,
}

#[component]
pub fn SearchPanel(
    /// The reading pane, where matches are marked.
    pane: NodeRef<html::Div>,
    /// The search box, which `/` focuses.
    input: NodeRef<html::Input>,
) -> impl IntoView {
    let view = expect_context::<View>();
    let settings = RwSignal::new(Settings::default());
    let found = Memo::new(move |_| {
        let settings = settings.get();
        if settings.pattern.is_empty() {
            return Ok(Found::default());
        }
        let query = Query::new(&settings.pattern, settings.options).map_err(|e| e.to_string())?;
        view.store.track_documents();
        let documents: Vec<usize> = if settings.all {
            (0..view.store.with(|w| w.document_count())).collect()
        } else {
            vec![view.current()]
        };
        Ok(view.store.with(|w| query.find(w, documents)))
    });
    // The match last gone to, as a position in the list.
    let current = RwSignal::new(None::<usize>);
    // How many matches the list shows.
    let shown = RwSignal::new(PAGE);
    Effect::new(move || {
        found.track();
        current.set(None);
        shown.set(PAGE);
    });
    let preview = RwSignal::new(None::<Preview>);
    let listing = RwSignal::new(false);
    mark(view, pane, found, current);

    let go = move |at: usize| {
        let Some(m) = found.with_untracked(|f| f.as_ref().ok()?.matches.get(at).cloned()) else {
            return;
        };
        current.set(Some(at));
        if at >= shown.get_untracked() {
            shown.set((at / PAGE + 1) * PAGE);
        }
        view.open(m.document);
        // The document may only now be drawn.
        request_animation_frame(move || request_animation_frame(move || scroll_to(view, pane, &m)));
    };
    let step = move |forward: bool| {
        let count = found.with_untracked(|f| f.as_ref().map_or(0, |f| f.matches.len()));
        if count == 0 {
            return;
        }
        let next = match (current.get_untracked(), forward) {
            (None, true) => 0,
            (None, false) => count - 1,
            (Some(at), true) => (at + 1) % count,
            (Some(at), false) => (at + count - 1) % count,
        };
        go(next);
    };
    let on_key = move |event: KeyboardEvent| {
        if event.key() == "Enter" {
            event.prevent_default();
            step(!event.shift_key());
        }
    };
    let summary = move || {
        found.with(|found| match found {
            Err(why) => format!("Cannot search: {why}."),
            Ok(found) if settings.with(|s| s.pattern.is_empty()) => String::new(),
            Ok(found) if found.capped => {
                format!("The first {MAX_MATCHES} matches (there are more): narrow the search.")
            }
            Ok(found) => match (found.matches.len(), current.get()) {
                (0, _) => "No matches.".to_string(),
                (1, _) => "1 match.".to_string(),
                (n, Some(at)) => format!("Match {} of {n}.", at + 1),
                (n, None) => format!("{n} matches."),
            },
        })
    };
    let count = move || found.with(|f| f.as_ref().map_or(0, |f| f.matches.len()));
    let tag_all = move |_| {
        let matches =
            found.with_untracked(|f| f.as_ref().ok().map(|f| (f.matches.clone(), f.capped)));
        if let Some((matches, capped)) = matches {
            preview.set(Some(Preview::of_search(matches, capped)));
        }
    };
    view! {
        <section class="search-panel" aria-labelledby="search-heading">
            <h2 id="search-heading" class="visually-hidden">"Search"</h2>
            <div class="search-row">
                <input
                    type="search"
                    data-testid="search-input"
                    placeholder="Search (/)"
                    aria-label="Search the text"
                    aria-keyshortcuts="/"
                    aria-describedby="search-summary"
                    node_ref=input
                    prop:value=move || settings.with(|s| s.pattern.clone())
                    on:input=move |event| {
                        let pattern = event_target_value(&event);
                        settings.update(|s| s.pattern = pattern);
                    }
                    on:keydown=on_key
                />
                <select
                    data-testid="search-scope"
                    aria-label="Where to search"
                    on:change=move |event| {
                        let all = event_target_value(&event) == "all";
                        settings.update(|s| s.all = all);
                    }
                >
                    <option value="open" selected=move || settings.with(|s| !s.all)>
                        "This document"
                    </option>
                    <option value="all" selected=move || settings.with(|s| s.all)>
                        "All documents"
                    </option>
                </select>
            </div>
            <div class="search-row">
                <label>
                    <input
                        type="checkbox"
                        data-testid="search-whole-word"
                        prop:checked=move || settings.with(|s| s.options.whole_word)
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            settings.update(|s| s.options.whole_word = on);
                        }
                    />
                    "Whole words"
                </label>
                <label>
                    <input
                        type="checkbox"
                        data-testid="search-regex"
                        prop:checked=move || settings.with(|s| s.options.regex)
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            settings.update(|s| s.options.regex = on);
                        }
                    />
                    "Regular expression"
                </label>
            </div>
            <p
                id="search-summary"
                class="search-summary"
                data-testid="search-summary"
                class:error=move || found.with(Result::is_err)
                role="status"
            >
                {summary}
            </p>
            <div class="search-row">
                <button
                    type="button"
                    data-testid="search-tag-all"
                    disabled=move || count() == 0
                    on:click=tag_all
                >
                    "Tag all…"
                </button>
                <button
                    type="button"
                    data-testid="tag-from-list"
                    aria-expanded=move || listing.get().to_string()
                    on:click=move |_| listing.update(|open| *open = !*open)
                >
                    "Tag from a list…"
                </button>
            </div>
            <Show when=move || listing.get()>
                <TagFromList preview />
            </Show>
            <ol class="search-results" aria-label="Matches">
                {move || {
                    let titles: Vec<String> = view
                        .store
                        .with(|w| w.documents().map(|d| d.title.clone()).collect());
                    let all = settings.with(|s| s.all);
                    let shown = shown.get();
                    found
                        .with(|f| {
                            f.as_ref()
                                .map(|f| f.matches.iter().take(shown).cloned().collect::<Vec<_>>())
                                .unwrap_or_default()
                        })
                        .into_iter()
                        .enumerate()
                        .map(|(at, m)| {
                            let title = all
                                .then(|| titles.get(m.document).cloned())
                                .flatten();
                            view! { <ResultItem at m title current go /> }
                        })
                        .collect_view()
                }}
            </ol>
            <Show when=move || { count() > shown.get() }>
                <button
                    type="button"
                    class="show-more"
                    data-testid="search-more"
                    on:click=move |_| shown.update(|n| *n += PAGE)
                >
                    {move || format!("Show {} more", (count() - shown.get()).min(PAGE))}
                </button>
            </Show>
            {move || preview.get().map(|_| view! { <TagAllPreview preview /> })}
        </section>
    }
}

#[component]
fn ResultItem(
    at: usize,
    m: Match,
    title: Option<String>,
    current: RwSignal<Option<usize>>,
    go: impl Fn(usize) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let view = expect_context::<View>();
    let (before, after) = view.store.with(|w| {
        w.document(m.document)
            .map(|d| m.context(&d.text))
            .unwrap_or_default()
    });
    view! {
        <li>
            <button
                type="button"
                class="search-result"
                data-testid="search-result"
                data-doc-id=m.document_id
                data-start=m.start
                data-end=m.end
                aria-current=move || (current.get() == Some(at)).then_some("true")
                on:click=move |_| {
                    view.shown.set(Pane::Article);
                    go(at);
                }
            >
                {title.map(|t| view! { <span class="search-doc">{t}</span> })}
                <span class="search-context">
                    {before}
                    <mark>{m.quote}</mark>
                    {after}
                </span>
            </button>
        </li>
    }
}

/// Brings match `m` (in the open document) to the middle of the pane.
fn scroll_to(view: View, pane: NodeRef<html::Div>, m: &Match) {
    let Some(pane) = pane.get_untracked() else {
        return;
    };
    bring_into_view(view, &pane, m.start, true);
}

/// Marks the open document's matches, and the current one apart, from now
/// on: again whenever a paragraph holding one is drawn anew (an edit, its
/// highlights drawn as it comes near), since that replaces its text nodes.
/// Only the matches in the paragraphs near the viewport are marked, more as
/// it scrolls: a range over every one of thousands of matches costs the
/// browser more to style and paint than finding them costs.
fn mark(
    view: View,
    pane: NodeRef<html::Div>,
    found: Memo<Result<Found, String>>,
    current: RwSignal<Option<usize>>,
) {
    // The latest matches to mark, the paragraphs marked so far, and whether
    // a frame is to mark them: one frame marks the latest.
    let latest = StoredValue::new(Marks::default());
    let marked = StoredValue::new(0..0);
    let scheduled = StoredValue::new(false);
    let schedule = move || {
        if scheduled.try_update_value(|s| std::mem::replace(s, true)) == Some(false) {
            // After the paragraphs' own effects have drawn them.
            request_animation_frame(move || {
                scheduled.set_value(false);
                if let Some(element) = pane.get_untracked() {
                    latest.with_value(|marks| paint(view, &element, marks, marked));
                }
            });
        }
    };
    Effect::new(move || {
        let doc = view.current();
        let current = current.get();
        let marks = found.with(|f| {
            let Ok(f) = f else {
                return Marks::default();
            };
            let here = |m: &&Match| m.document == doc;
            let all: Vec<(usize, usize)> = f
                .matches
                .iter()
                .filter(here)
                .map(|m| (m.start, m.end))
                .collect();
            let current = current
                .and_then(|at| f.matches.get(at))
                .filter(here)
                .map(|m| (m.start, m.end));
            view.store
                .with(|w| Marks::of(w.paragraphs(doc), all, current))
        });
        let mut last = None;
        for (paragraph, ..) in &marks.all {
            if last != Some(*paragraph) {
                view.store.track_paragraph(doc, *paragraph);
                last = Some(*paragraph);
            }
        }
        latest.set_value(marks);
        schedule();
    });
    // Scrolling is heard while it goes down to the article's scroll
    // container; a frame marks more once the view leaves what is marked.
    listeners::on_window_capture("scroll", move || {
        let far = latest.with_value(|m| !m.all.is_empty())
            && pane.get_untracked().is_some_and(|element| {
                let seen = near_paragraphs(&element, 0.0);
                let done = marked.get_value();
                !seen.is_empty() && (seen.start < done.start || seen.end > done.end)
            });
        if far {
            schedule();
        }
    });
}

/// How far above and below the viewport matches are marked, in viewport
/// heights.
const MARKED_SCREENS: f64 = 1.0;

/// Marks `marks` in the paragraphs near the viewport, and notes them in
/// `marked`.
fn paint(view: View, pane: &web_sys::Element, marks: &Marks, marked: StoredValue<Range<usize>>) {
    let near = near_paragraphs(pane, MARKED_SCREENS);
    let shown: Vec<_> = marks
        .all
        .iter()
        .filter(|m| near.contains(&m.0))
        .copied()
        .collect();
    if shown.is_empty() {
        highlights::clear(MATCHES);
    } else {
        highlights::set(MATCHES, &ranges(view, pane, &shown));
    }
    marked.set_value(near);
    match marks
        .current
        .and_then(|(start, end)| range(view, pane, start, end))
    {
        Some(range) => highlights::set(CURRENT, &[range]),
        None => highlights::clear(CURRENT),
    }
}

/// The paragraphs of `pane` within `screens` viewport heights of the
/// viewport, whole blocks of them.
fn near_paragraphs(pane: &web_sys::Element, screens: f64) -> Range<usize> {
    let blocks = near_blocks(pane, screens);
    blocks.start * PARAGRAPHS_PER_BLOCK..blocks.end * PARAGRAPHS_PER_BLOCK
}

/// The spans of the open document to mark (code points), each with the
/// paragraph it starts in, in text order.
#[derive(Clone, Debug, Default)]
struct Marks {
    /// `(paragraph, whether the span ends in it, start, end)`.
    all: Vec<(usize, bool, usize, usize)>,
    current: Option<(usize, usize)>,
}

impl Marks {
    fn of(
        paragraphs: Option<&Paragraphs>,
        all: Vec<(usize, usize)>,
        current: Option<(usize, usize)>,
    ) -> Self {
        let Some(paragraphs) = paragraphs else {
            return Self::default();
        };
        let list = paragraphs.as_slice();
        let all = all
            .into_iter()
            .filter_map(|(start, end)| {
                let touched = paragraphs.touching(start, end);
                (touched.start < list.len()).then_some((
                    touched.start,
                    touched.len() == 1,
                    start,
                    end,
                ))
            })
            .collect();
        Self { all, current }
    }
}

/// The DOM ranges of `marks`: each paragraph's text nodes are read once
/// for all the marks starting in it, so thousands of matches cost a few
/// calls each into the page rather than a walk of their paragraph.
fn ranges(
    view: View,
    pane: &web_sys::Element,
    marks: &[(usize, bool, usize, usize)],
) -> Vec<web_sys::Range> {
    let mut ranges = Vec::with_capacity(marks.len());
    // The paragraph whose element's text nodes were read last, the code
    // point that element starts at, and the nodes.
    let mut nodes: Option<(usize, usize, Vec<TextNode>)> = None;
    for &(paragraph, within, start, end) in marks {
        if !within {
            ranges.extend(range(view, pane, start, end));
            continue;
        }
        if nodes.as_ref().is_none_or(|(at, ..)| *at != paragraph) {
            let (element_start, read) = paragraph_element(pane, paragraph)
                .map(|(element, element_start)| (element_start, text_nodes(&element)))
                .unwrap_or_default();
            nodes = Some((paragraph, element_start, read));
        }
        let Some((_, paragraph_start, nodes)) = &nodes else {
            continue;
        };
        let paragraph_start = *paragraph_start;
        let made = (|| {
            let (start_node, start_offset) = point(nodes, start - paragraph_start)?;
            let (end_node, end_offset) = point(nodes, end - paragraph_start)?;
            let range = document().create_range().ok()?;
            range.set_start(start_node, start_offset).ok()?;
            range.set_end(end_node, end_offset).ok()?;
            Some(range)
        })();
        ranges.extend(made);
    }
    ranges
}

/// A text node of a paragraph: the node, its text, and the code point of
/// the paragraph it starts at.
struct TextNode {
    node: web_sys::Node,
    text: String,
    start: usize,
    len: usize,
}

/// The text nodes of `paragraph`, in order.
fn text_nodes(paragraph: &web_sys::Element) -> Vec<TextNode> {
    let Ok(walker) = document().create_tree_walker_with_what_to_show(paragraph, 4) else {
        return Vec::new();
    };
    let mut nodes = Vec::new();
    let mut start = 0;
    while let Ok(Some(node)) = walker.next_node() {
        let text = node.text_content().unwrap_or_default();
        let len = text.chars().count();
        nodes.push(TextNode {
            node,
            text,
            start,
            len,
        });
        start += len;
    }
    nodes
}

/// The boundary point at code point `local` of a paragraph, as
/// [`selection::point_in`] finds it: in the node holding that code point,
/// or at the end of the last node.
fn point(nodes: &[TextNode], local: usize) -> Option<(&web_sys::Node, u32)> {
    let at = nodes.partition_point(|n| n.start + n.len <= local);
    match nodes.get(at) {
        Some(n) => {
            let units: usize = n
                .text
                .chars()
                .take(local - n.start)
                .map(char::len_utf16)
                .sum();
            Some((&n.node, u32::try_from(units).ok()?))
        }
        None => {
            let n = nodes.last()?;
            (n.start + n.len == local)
                .then(|| Some((&n.node, u32::try_from(n.text.encode_utf16().count()).ok()?)))
                .flatten()
        }
    }
}

/// The DOM range of code points `start..end` of the open document.
fn range(view: View, pane: &web_sys::Element, start: usize, end: usize) -> Option<web_sys::Range> {
    let (first, first_at) = paragraph_at(view, pane, start)?;
    let (last, last_at) = paragraph_at(view, pane, end)?;
    let (start_node, start_offset) = selection::point_in(&first, first_at, start)?;
    let (end_node, end_offset) = selection::point_in(&last, last_at, end)?;
    let range = document().create_range().ok()?;
    range.set_start(&start_node, start_offset).ok()?;
    range.set_end(&end_node, end_offset).ok()?;
    Some(range)
}
