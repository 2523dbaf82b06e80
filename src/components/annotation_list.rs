//! The annotation list: the open document's annotations in text order, each
//! with its label, quote and note; how many carry each label; and filters by
//! label and by text. Choosing an entry brings its highlight into view and
//! opens its details. Editing happens in the details, not here.
//!
//! A document may hold tens of thousands of annotations, so one pass over
//! them counts the labels and picks the matches, and only the first page of
//! matches is put in the page; "Show more" adds the next.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::state::View;
use span_core::model::{Annotation, Label};

/// How many entries are added to the page at a time.
const PAGE: usize = 200;

/// How much of a long quote an entry shows, in code points.
const QUOTE_CHARS: usize = 160;

#[component]
pub fn AnnotationList() -> impl IntoView {
    let view = expect_context::<View>();
    // Kept across documents: a reader looking for Persons looks in each.
    let filter = RwSignal::new(Filter::default());
    view! {
        <aside
            class="annotation-list"
            data-testid="annotation-list"
            aria-labelledby="annotation-list-heading"
        >
            <h2 id="annotation-list-heading">"Annotations"</h2>
            {move || {
                let doc = view.current();
                view! { <DocumentAnnotations doc filter /> }
            }}
        </aside>
    }
}

/// The list for one document. Opening another document starts again from
/// its first page.
#[component]
fn DocumentAnnotations(doc: usize, filter: RwSignal<Filter>) -> impl IntoView {
    let view = expect_context::<View>();
    let limit = RwSignal::new(PAGE);
    let listing = Memo::new(move |_| {
        view.store.track_document(doc);
        let labels = view.store.labels();
        let limit = limit.get();
        filter.with(|filter| {
            view.store.with(|w| {
                let annotations = w.annotations(doc).into_iter().flat_map(|a| a.iter());
                Listing::of(annotations, &labels, filter, limit)
            })
        })
    });
    // A new filter shows its first page again.
    let refilter = Callback::new(move |next: Filter| {
        filter.set(next);
        limit.set(PAGE);
    });
    let search = move |event| {
        let text = event_target_value(&event);
        refilter.run(Filter {
            text,
            ..filter.get_untracked()
        });
    };
    let summary = move || {
        let filtered = filter.with(|f| *f != Filter::default());
        listing.with(|l| l.summary(filtered))
    };
    let remaining = move || listing.with(|l| l.matching - l.entries.len());
    view! {
        <div class="list-controls">
            <input
                type="search"
                class="list-search"
                data-testid="annotation-search"
                placeholder="Filter by text or note"
                aria-label="Filter annotations by text or note"
                prop:value=move || filter.with(|f| f.text.clone())
                on:input=search
            />
            <div class="label-filter" role="group" aria-label="Filter by label">
                <button
                    class="chip"
                    data-testid="annotation-filter-all"
                    data-count=move || listing.with(|l| l.total)
                    aria-pressed=move || filter.with(|f| f.label.is_none()).to_string()
                    on:click=move |_| {
                        refilter.run(Filter {
                            label: None,
                            ..filter.get_untracked()
                        })
                    }
                >
                    "All"
                    <span class="count">{move || listing.with(|l| l.total)}</span>
                </button>
                {move || {
                    view
                        .store
                        .labels()
                        .into_iter()
                        .map(|label| view! { <LabelChip label filter listing refilter /> })
                        .collect_view()
                }}
            </div>
            <p class="list-summary" data-testid="annotation-summary">
                {summary}
            </p>
        </div>
        <ol class="entries" aria-label="Annotations in text order">
            <For
                each=move || listing.with(|l| l.entries.clone())
                key=Entry::clone
                children=|entry| view! { <EntryItem entry /> }
            />
        </ol>
        <Show when=move || { remaining() > 0 }>
            <button
                class="show-more"
                data-testid="annotation-more"
                on:click=move |_| limit.update(|n| *n += PAGE)
            >
                {move || format!("Show {} more", remaining().min(PAGE))}
            </button>
        </Show>
    }
}

/// A button that shows only the annotations with one label, or all again,
/// with how many carry that label.
#[component]
fn LabelChip(
    label: Label,
    filter: RwSignal<Filter>,
    listing: Memo<Listing>,
    refilter: Callback<Filter>,
) -> impl IntoView {
    let style = label_style(&label);
    let Label { name: text, .. } = label;
    let name = StoredValue::new(text.clone());
    let count = move || name.with_value(|name| listing.with(|l| l.count(name)));
    let pressed = move || name.with_value(|name| filter.with(|f| f.label.as_ref() == Some(name)));
    let toggle = move |_| {
        let name = name.get_value();
        let current = filter.get_untracked();
        refilter.run(Filter {
            label: (current.label.as_ref() != Some(&name)).then_some(name),
            ..current
        });
    };
    view! {
        <button
            class="chip"
            data-testid="annotation-filter"
            data-label=name.get_value()
            data-count=count
            // `prop:style` sets `element.style`, that is its CSS text through the
            // CSSOM: the page's Content-Security-Policy refuses style attributes.
            prop:style=style
            aria-pressed=move || pressed().to_string()
            on:click=toggle
        >
            <span class="swatch" aria-hidden="true"></span>
            {text}
            <span class="count">{count}</span>
        </button>
    }
}

/// One annotation in the list. Click, Enter or Space brings its highlight
/// into view and opens its details.
#[component]
fn EntryItem(entry: Entry) -> impl IntoView {
    let view = expect_context::<View>();
    let Entry {
        id,
        label,
        color,
        quote,
        note,
    } = entry;
    let label_name = label.clone();
    let id = StoredValue::new(id);
    let inspected =
        Memo::new(move |_| id.with_value(|id| view.inspected.with(|ids| ids.contains(id))));
    let choose = move |_| {
        let id = id.get_value();
        view.reveal(&id);
        view.inspected.set(vec![id]);
    };
    view! {
        <li>
            <button
                class="entry"
                class:inspected=inspected
                aria-current=move || inspected.get().then_some("true")
                data-testid="annotation-entry"
                data-ann-id=id.get_value()
                data-label=label_name
                // `prop:style` sets `element.style`, that is its CSS text through the
                // CSSOM: the page's Content-Security-Policy refuses style attributes.
                prop:style=color.map(|c| format!("--label-color: {c}"))
                on:click=choose
            >
                <span class="entry-label">
                    <span class="swatch" aria-hidden="true"></span>
                    {label}
                </span>
                <span class="entry-quote">{quote}</span>
                {note.map(|note| view! { <span class="entry-note">{note}</span> })}
            </button>
        </li>
    }
}

/// The style giving a label's colour to its swatch. A colour that is not
/// `#rrggbb` is left out rather than written into the style.
fn label_style(label: &Label) -> Option<String> {
    label
        .has_valid_color()
        .then(|| format!("--label-color: {}", label.color))
}

/// Which annotations the list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Filter {
    /// Only those with this label; all of them if none.
    label: Option<String>,
    /// Only those whose quote or note contains this, ignoring case.
    text: String,
}

impl Filter {
    fn matcher(&self) -> impl Fn(&Annotation) -> bool + '_ {
        let needle = self.text.to_lowercase();
        move |a| {
            self.label.as_ref().is_none_or(|l| *l == a.label)
                && (needle.is_empty()
                    || a.quote.to_lowercase().contains(&needle)
                    || a.note
                        .as_ref()
                        .is_some_and(|n| n.to_lowercase().contains(&needle)))
        }
    }
}

/// What the list shows of one document for one filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Listing {
    /// How many annotations the document has.
    total: usize,
    /// How many of them carry each label, by name.
    counts: HashMap<String, usize>,
    /// How many pass the filter.
    matching: usize,
    /// The first of those, in text order, as many as asked for.
    entries: Vec<Entry>,
}

impl Listing {
    /// Counts and filters `annotations`, given in text order, in one pass.
    fn of<'a>(
        annotations: impl Iterator<Item = &'a Annotation>,
        labels: &[Label],
        filter: &Filter,
        limit: usize,
    ) -> Self {
        let colors: HashMap<&str, Option<String>> = labels
            .iter()
            .map(|l| (l.name.as_str(), label_style(l).map(|_| l.color.clone())))
            .collect();
        let matches = filter.matcher();
        // A document uses a handful of labels: finding one in a short list
        // is quicker than hashing it, once per annotation.
        let mut counts: Vec<(&str, usize)> = Vec::new();
        let mut listing = Listing::default();
        for annotation in annotations {
            listing.total += 1;
            let label = annotation.label.as_str();
            match counts.iter_mut().find(|(name, _)| *name == label) {
                Some((_, n)) => *n += 1,
                None => counts.push((label, 1)),
            }
            if matches(annotation) {
                listing.matching += 1;
                if listing.entries.len() < limit {
                    let color = colors.get(annotation.label.as_str()).cloned().flatten();
                    listing.entries.push(Entry::of(annotation, color));
                }
            }
        }
        listing.counts = counts
            .into_iter()
            .map(|(label, n)| (label.to_string(), n))
            .collect();
        listing
    }

    fn count(&self, label: &str) -> usize {
        self.counts.get(label).copied().unwrap_or(0)
    }

    /// One line saying how much of the document the list shows.
    fn summary(&self, filtered: bool) -> String {
        let shown = self.entries.len();
        let (matching, total) = (self.matching, self.total);
        if total == 0 {
            "No annotations in this document yet.".to_string()
        } else if matching == 0 {
            "No annotation matches the filter.".to_string()
        } else if filtered && shown < matching {
            format!("{matching} of {total} match the filter; the first {shown} are shown.")
        } else if filtered {
            format!("{matching} of {total} match the filter.")
        } else if shown < matching {
            format!("The first {shown} of {total} are shown.")
        } else if total == 1 {
            "1 annotation.".to_string()
        } else {
            format!("{total} annotations.")
        }
    }
}

/// An annotation as an entry of the list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Entry {
    id: String,
    label: String,
    /// The label's colour, if it is a valid `#rrggbb`.
    color: Option<String>,
    /// The quote, cut short if it is long.
    quote: String,
    note: Option<String>,
}

impl Entry {
    fn of(annotation: &Annotation, color: Option<String>) -> Self {
        let quote = match annotation.quote.char_indices().nth(QUOTE_CHARS) {
            Some((cut, _)) => format!("{}…", &annotation.quote[..cut]),
            None => annotation.quote.clone(),
        };
        Self {
            id: annotation.id.clone(),
            label: annotation.label.clone(),
            color,
            quote,
            note: annotation.note.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use span_core::model::default_labels;

    fn annotation(id: &str, label: &str, quote: &str, note: Option<&str>) -> Annotation {
        Annotation {
            id: id.into(),
            document_id: "d".into(),
            start: 0,
            end: quote.chars().count(),
            quote: quote.into(),
            label: label.into(),
            created: String::new(),
            note: note.map(str::to_string),
            entity: None,
        }
    }

    fn sample() -> Vec<Annotation> {
        vec![
            annotation("a", "Person", "Staffan de Mistura", None),
            annotation("b", "Location", "Astana", Some("Capital of Kazakhstan")),
            annotation("c", "Person", "Lavrentiev", Some("Russian envoy")),
            annotation("d", "Event", "ÉTAT talks", None),
        ]
    }

    fn listing(filter: &Filter, limit: usize) -> Listing {
        Listing::of(sample().iter(), &default_labels(), filter, limit)
    }

    fn ids(listing: &Listing) -> Vec<&str> {
        listing.entries.iter().map(|e| e.id.as_str()).collect()
    }

    #[test]
    fn counts_every_label_whatever_the_filter() {
        let filter = Filter {
            label: Some("Event".into()),
            text: "zzz".into(),
        };
        let listing = listing(&filter, PAGE);
        assert_eq!(listing.total, 4);
        assert_eq!(
            [
                listing.count("Person"),
                listing.count("Location"),
                listing.count("Event"),
                listing.count("Date"),
            ],
            [2, 1, 1, 0]
        );
        assert_eq!(listing.matching, 0);
    }

    #[test]
    fn filters_by_label_keeping_text_order() {
        let filter = Filter {
            label: Some("Person".into()),
            ..Filter::default()
        };
        assert_eq!(ids(&listing(&filter, PAGE)), ["a", "c"]);
    }

    #[test]
    fn filters_by_quote_or_note_ignoring_case() {
        let by = |text: &str| {
            let filter = Filter {
                text: text.into(),
                ..Filter::default()
            };
            ids(&listing(&filter, PAGE))
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(by("mistura"), ["a"]);
        assert_eq!(by("ENVOY"), ["c"]);
        assert_eq!(by("état"), ["d"]);
        assert_eq!(by("a"), ["a", "b", "c", "d"]);
    }

    #[test]
    fn both_filters_apply_together() {
        let filter = Filter {
            label: Some("Person".into()),
            text: "a".into(),
        };
        assert_eq!(ids(&listing(&filter, PAGE)), ["a", "c"]);
        let filter = Filter {
            label: Some("Location".into()),
            text: "envoy".into(),
        };
        assert_eq!(listing(&filter, PAGE).matching, 0);
    }

    #[test]
    fn keeps_only_the_first_page_but_counts_every_match() {
        let listing = listing(&Filter::default(), 3);
        assert_eq!(ids(&listing), ["a", "b", "c"]);
        assert_eq!(listing.matching, 4);
        assert_eq!(listing.summary(false), "The first 3 of 4 are shown.");
    }

    #[test]
    fn long_quotes_are_cut_at_a_character() {
        let long = "é".repeat(QUOTE_CHARS + 5);
        let entry = Entry::of(&annotation("x", "Person", &long, None), None);
        assert_eq!(entry.quote.chars().count(), QUOTE_CHARS + 1);
        assert!(entry.quote.ends_with('…'));
    }

    #[test]
    fn entries_carry_only_valid_colours() {
        let mut labels = default_labels();
        labels[0].color = "red; background: url(x)".into();
        let listing = Listing::of(sample().iter(), &labels, &Filter::default(), PAGE);
        assert_eq!(listing.entries[0].color, None);
        assert_eq!(listing.entries[1].color.as_deref(), Some("#bbf7d0"));
    }

    #[test]
    fn summary_says_what_is_shown() {
        let empty = Listing::of([].iter(), &default_labels(), &Filter::default(), PAGE);
        assert_eq!(empty.summary(false), "No annotations in this document yet.");
        let filter = Filter {
            text: "astana".into(),
            ..Filter::default()
        };
        assert_eq!(
            listing(&filter, PAGE).summary(true),
            "1 of 4 match the filter."
        );
        assert_eq!(
            listing(&Filter::default(), PAGE).summary(false),
            "4 annotations."
        );
    }
}
