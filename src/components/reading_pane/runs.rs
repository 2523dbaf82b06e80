//! What a paragraph is drawn as: its text cut into runs, plain or under a
//! highlight mark, with everything the mark shows (colour, bands for the
//! spans around it, emphasis, label tag, description).
//!
//! Pure: it reads the workspace and knows nothing of the page, so it is
//! tested with plain `cargo test`. Cutting the text into segments covered
//! by the same spans is the core's [`segments`]; this module only dresses
//! those segments for the pane. Turning runs into nodes is `patch`'s job.

use span_core::model::{segments, Annotation, LabelCues, Workspace};

/// A run of a paragraph's text, plain or highlighted. A redraw keeps the
/// nodes of the runs that did not change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Where the run starts in the document, in code points: two runs that
    /// look alike are still two.
    pub start: usize,
    pub text: String,
    pub mark: Option<Mark>,
}

/// The highlight over a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Every annotation covering the run, outermost first.
    pub ids: String,
    /// The innermost annotation's label, which gives the colour.
    pub label: String,
    /// Whether more than one annotation covers the run.
    pub nested: bool,
    /// Whether the selected annotation covers the run.
    pub selected: bool,
    /// Whether the revealed annotation covers the run.
    pub revealed: bool,
    /// The run's custom properties (`--hl`, `--hl-line`, `--bands`), as CSS.
    pub style: String,
    pub title: String,
    /// The labels (innermost last) and notes, for assistive technology.
    pub description: String,
    /// The innermost label's short tag, a cue that is not colour, on the
    /// run where that annotation ends.
    pub tag: Option<String>,
}

/// The annotations whose highlights stand out: the selected one, outlined,
/// and the revealed one, flashed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Emphasis {
    pub selected: Option<String>,
    pub revealed: Option<String>,
}

/// Paragraph `index` of document `doc` as one plain run.
pub fn plain(w: &Workspace, doc: usize, index: usize) -> Vec<Run> {
    let (Some(document), Some(paragraph)) = (
        w.document(doc),
        w.paragraphs(doc).and_then(|p| p.as_slice().get(index)),
    ) else {
        return Vec::new();
    };
    vec![Run {
        start: paragraph.start,
        text: paragraph.text(&document.text).to_string(),
        mark: None,
    }]
}

/// Paragraph `index` of document `doc` with its highlights: a run for each
/// stretch covered by the same spans.
pub fn highlighted(w: &Workspace, doc: usize, index: usize, emphasis: &Emphasis) -> Vec<Run> {
    let (Some(document), Some(paragraph), Some(annotations)) = (
        w.document(doc),
        w.paragraphs(doc).and_then(|p| p.as_slice().get(index)),
        w.annotations(doc),
    ) else {
        return Vec::new();
    };
    let spans: Vec<&Annotation> = annotations
        .overlapping(paragraph.start, paragraph.end)
        .collect();
    if spans.is_empty() {
        // Most paragraphs of a long document: no cues or segments to work out.
        return plain(w, doc, index);
    }
    let text = paragraph.text(&document.text);
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
            let run = text[segment.byte_range.clone()].to_string();
            let covering: Vec<&Annotation> = segment.covering.iter().map(|&i| spans[i]).collect();
            let Some(inner) = covering.last() else {
                return Run {
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
            // Innermost first: "Location inside Event".
            let labels: Vec<&str> = covering.iter().rev().map(|a| a.label.as_str()).collect();
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
                // The label's short tag, once, after the run where it ends;
                // spans of that label ending there too are counted ("PER×2"),
                // so that two never look like one.
                tag: cue.filter(|_| segment.end == inner.end).map(|c| {
                    let ending = covering
                        .iter()
                        .filter(|a| a.end == inner.end && a.label == inner.label)
                        .count();
                    match ending {
                        1 => c.tag.clone(),
                        n => format!("{}×{n}", c.tag),
                    }
                }),
                title: description.clone(),
                description,
            };
            Run {
                start: segment.start,
                text: run,
                mark: Some(mark),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use span_core::model::{default_labels, Document};

    const TEXT: &str = "Envoys met in Astana.\nTalks resume on Monday.\n";

    /// A workspace holding [`TEXT`] with the default labels and `spans`,
    /// each as its id, quote and label.
    fn workspace(spans: &[(&str, &str, &str)]) -> Workspace {
        let document = Document::added("d".into(), "d.txt".into(), TEXT.into(), "Talks");
        let mut w = Workspace::new(vec![document], default_labels());
        for &(id, quote, label) in spans {
            let byte = TEXT.find(quote).expect("the quote is in the text");
            let start = TEXT[..byte].chars().count();
            let span = start..start + quote.chars().count();
            let action = w
                .plan_annotate(0, span, label, id.into(), String::new())
                .expect("a valid annotation");
            w.apply(&action).expect("the annotation applies");
        }
        w
    }

    /// An event whose last word is a location.
    const NESTED: [(&str, &str, &str); 2] = [
        ("outer", "Envoys met in Astana", "Event"),
        ("inner", "Astana", "Location"),
    ];

    fn texts(runs: &[Run]) -> Vec<&str> {
        runs.iter().map(|r| r.text.as_str()).collect()
    }

    fn mark<'a>(runs: &'a [Run], text: &str) -> &'a Mark {
        runs.iter()
            .find(|r| r.text == text)
            .and_then(|r| r.mark.as_ref())
            .expect("a highlighted run with that text")
    }

    #[test]
    fn a_plain_paragraph_is_one_run_of_its_text_and_newline() {
        let runs = plain(&workspace(&[]), 0, 1);
        assert_eq!(
            runs,
            [Run {
                start: 22,
                text: "Talks resume on Monday.\n".into(),
                mark: None,
            }]
        );
    }

    #[test]
    fn a_paragraph_without_spans_is_drawn_as_its_plain_form() {
        // So drawing it once it comes near the visible area touches nothing.
        let w = workspace(&[("a", "Astana", "Location")]);
        assert_eq!(highlighted(&w, 0, 1, &Emphasis::default()), plain(&w, 0, 1));
    }

    #[test]
    fn the_runs_put_together_are_the_paragraph_text() {
        let runs = highlighted(&workspace(&NESTED), 0, 0, &Emphasis::default());
        assert_eq!(texts(&runs), ["Envoys met in ", "Astana", ".\n"]);
        assert_eq!(
            runs.iter().map(|r| r.start).collect::<Vec<_>>(),
            [0, 14, 20]
        );
        assert!(runs[2].mark.is_none());
    }

    #[test]
    fn a_nested_run_lists_every_span_and_shows_the_outer_one_as_a_band() {
        let w = workspace(&NESTED);
        let runs = highlighted(&w, 0, 0, &Emphasis::default());
        let nested = mark(&runs, "Astana");
        assert_eq!(nested.ids, "outer inner");
        assert_eq!(nested.label, "Location");
        assert!(nested.nested);
        assert!(nested.style.starts_with("--hl: #bbf7d0;"));
        assert!(nested.style.ends_with("--bands: inset 0 -3px 0 #fed7aa"));
        // Regression (issue 12): it read backwards, "Event inside Location".
        assert_eq!(nested.description, "Location inside Event");
        assert_eq!(nested.title, nested.description);
        let outer = mark(&runs, "Envoys met in ");
        assert!(!outer.nested);
        assert!(!outer.style.contains("--bands"));
    }

    #[test]
    fn the_tag_shows_once_on_the_run_where_the_innermost_span_ends() {
        let w = workspace(&[NESTED[0], ("inner", "met", "Person")]);
        let runs = highlighted(&w, 0, 0, &Emphasis::default());
        assert_eq!(texts(&runs), ["Envoys ", "met", " in Astana", ".\n"]);
        let tags: Vec<Option<&str>> = runs
            .iter()
            .map(|r| r.mark.as_ref().and_then(|m| m.tag.as_deref()))
            .collect();
        let person = LabelCues::of(w.labels())
            .get("Person")
            .map(|c| c.tag.clone());
        let event = LabelCues::of(w.labels())
            .get("Event")
            .map(|c| c.tag.clone());
        assert_eq!(
            tags,
            [None, person.as_deref(), event.as_deref(), None],
            "the outer span's tag belongs at its end, not where it starts"
        );
    }

    /// Regression (issue 12): two spans of one label ending at the same
    /// place showed one tag.
    #[test]
    fn spans_of_one_label_ending_together_are_counted_in_the_tag() {
        let w = workspace(&[
            ("outer", "Envoys met in Astana", "Location"),
            ("inner", "Astana", "Location"),
            ("other", "met in Astana", "Event"),
        ]);
        let runs = highlighted(&w, 0, 0, &Emphasis::default());
        let location = LabelCues::of(w.labels())
            .get("Location")
            .map(|c| c.tag.clone())
            .expect("a tag");
        assert_eq!(
            mark(&runs, "Astana").tag.as_deref(),
            Some(format!("{location}×2").as_str())
        );
        let w = workspace(&[("inner", "Astana", "Location")]);
        let runs = highlighted(&w, 0, 0, &Emphasis::default());
        assert_eq!(
            mark(&runs, "Astana").tag.as_deref(),
            Some(location.as_str())
        );
    }

    #[test]
    fn emphasis_marks_every_run_the_annotation_covers() {
        let w = workspace(&NESTED);
        let emphasis = Emphasis {
            selected: Some("outer".into()),
            revealed: Some("inner".into()),
        };
        let runs = highlighted(&w, 0, 0, &emphasis);
        let (outer, inner) = (mark(&runs, "Envoys met in "), mark(&runs, "Astana"));
        assert!(outer.selected && !outer.revealed);
        assert!(inner.selected && inner.revealed);
    }

    #[test]
    fn notes_are_part_of_the_description() {
        let mut w = workspace(&[("a", "Astana", "Location")]);
        let action = w
            .plan_note(0, "a", "Capital of Kazakhstan")
            .expect("a note");
        w.apply(&action).expect("the note applies");
        let runs = highlighted(&w, 0, 0, &Emphasis::default());
        assert_eq!(
            mark(&runs, "Astana").description,
            "Location; note: Capital of Kazakhstan"
        );
    }

    #[test]
    fn a_paragraph_past_the_end_has_no_runs() {
        let w = workspace(&[]);
        assert!(plain(&w, 0, 9).is_empty());
        assert!(highlighted(&w, 1, 0, &Emphasis::default()).is_empty());
    }
}
