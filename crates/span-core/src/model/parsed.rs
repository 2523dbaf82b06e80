//! What a parser reads from a file before its offsets are understood
//! ([`Parsed`]), and how they are: in which unit they count
//! ([`OffsetUnit`]), stated by the file, found by its quotes, guessed from
//! where the spans fall, or chosen by the person importing; and where an
//! annotation that has only a quote lies in its text. [`Parsed::resolve`]
//! turns it into the checked [`Incoming`] that [`plan`](super::import::plan)
//! takes, with what the preview says of the unit.

use std::fmt;

use super::import::{
    ImportError, Incoming, IncomingAnnotation, IncomingDocument, IncomingLabel, IncomingRelation,
};
use super::offset_unit::{Misfit, OffsetUnit, UnitIndex};
use super::{RelationType, Workspace};

/// Where an annotation of a file lies in its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// Half-open offsets, in the file's unit.
    Offsets { start: usize, end: usize },
    /// Only the text it covers, with the text just before and after it
    /// when the file has them (W3C's `TextQuoteSelector`): found by
    /// searching, where that finds one place only.
    Quote {
        exact: String,
        prefix: Option<String>,
        suffix: Option<String>,
    },
}

/// An annotation as the file has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedAnnotation {
    /// Where the file has it, for messages: `annotations[3]`.
    pub place: String,
    /// The index of its document in [`Parsed::documents`].
    pub document: usize,
    pub id: Option<String>,
    pub anchor: Anchor,
    /// The text the file says the offsets cover, if it says.
    pub quote: Option<String>,
    pub label: String,
    pub created: Option<String>,
    pub note: Option<String>,
    /// The entity it mentions, as the file names it.
    pub entity: Option<String>,
}

/// Parts of a file the app does not keep, counted for the preview:
/// "2 relations (an end is not an annotation the file gives and the import keeps)".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    pub count: usize,
    /// A noun, singular: "relation".
    pub what: String,
    pub why: String,
}

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let what = match self.what.strip_suffix('y') {
            _ if self.count == 1 => self.what.clone(),
            // "body", "reply", "entity": but "day" and "key" take an s.
            Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{stem}ies"),
            _ => format!("{}s", self.what),
        };
        write!(f, "{} {what} ({})", self.count, self.why)
    }
}

/// Everything a file holds, as read, its offsets not yet understood.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub labels: Vec<IncomingLabel>,
    pub documents: Vec<IncomingDocument>,
    pub annotations: Vec<ParsedAnnotation>,
    /// The unit the file says its offsets count, if it says.
    pub stated_unit: Option<OffsetUnit>,
    /// What the file holds that is not imported.
    pub dropped: Vec<Dropped>,
    /// What the person importing should know of how it was read: "The
    /// texts were rebuilt from tokens: the file does not keep spacing."
    pub remarks: Vec<String>,
    /// The relation types the file defines, if it does.
    pub relation_types: Vec<RelationType>,
    /// Its relations, between its annotations (indexes in `annotations`).
    pub relations: Vec<IncomingRelation>,
}

/// How the unit of a file's offsets was settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitSource {
    /// The file states it.
    Stated,
    /// It is the one unit in which every quote of the file matches.
    Quotes,
    /// The file has no quotes: the unit that puts the most spans on word
    /// boundaries (code points when they tie).
    Guessed,
    /// The person importing chose it.
    Chosen,
    /// No offset of the file depends on the unit (ASCII texts, or no
    /// offsets at all).
    Irrelevant,
}

/// The [`Incoming`] a [`Parsed`] file resolves to, and what the import's
/// preview says of its offsets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub incoming: Incoming,
    pub unit: OffsetUnit,
    pub source: UnitSource,
    /// The text of the first few spans, as the unit reads them.
    pub samples: Vec<String>,
    /// What may be wrong with the unit: spans that split a character, or
    /// another unit that would put more spans on word boundaries.
    pub warnings: Vec<String>,
}

impl Resolved {
    /// What the preview says of the unit: "Offsets count UTF-16 code units:
    /// every quote in the file matches in that unit."
    pub fn unit_sentence(&self) -> String {
        let unit = self.unit.name();
        match self.source {
            UnitSource::Stated => format!("Offsets count {unit}, as the file states."),
            UnitSource::Quotes => {
                format!("Offsets count {unit}: every quote in the file matches in that unit.")
            }
            UnitSource::Guessed => format!(
                "Offsets count {unit}, a guess: the file has no quotes, and this unit puts the \
                 most spans on word boundaries."
            ),
            UnitSource::Chosen => format!("Offsets count {unit}, as chosen."),
            UnitSource::Irrelevant => "Offsets count the same in every unit here.".to_string(),
        }
    }
}

/// How one unit places a file's offset annotations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Fit {
    /// Inside their texts and not inside a code point.
    valid: usize,
    /// Of those, the ones that match the file's quote, where it has one.
    quoted: usize,
    matching: usize,
    /// Of the valid ones, those starting and ending on word boundaries.
    on_words: usize,
    /// Of the valid ones, those that start or end inside a character as
    /// the reader sees it (a grapheme cluster).
    split_clusters: usize,
}

impl Parsed {
    /// Counts one more `what` (a noun, singular) that the file holds and
    /// the import leaves out, for `why`.
    pub fn leave_out(&mut self, what: &str, why: &str) {
        match self
            .dropped
            .iter_mut()
            .find(|d| d.what == what && d.why == why)
        {
            Some(dropped) => dropped.count += 1,
            None => self.dropped.push(Dropped {
                count: 1,
                what: what.to_string(),
                why: why.to_string(),
            }),
        }
    }

    /// Whether the unit of the file's offsets matters at all: some offset
    /// annotation lies in a text where the units count differently.
    pub fn unit_matters(&self, workspace: &Workspace) -> bool {
        let texts = self.texts(workspace);
        self.annotations.iter().any(|a| {
            matches!(a.anchor, Anchor::Offsets { .. })
                && texts
                    .get(a.document)
                    .copied()
                    .flatten()
                    .is_some_and(|text| !text.is_ascii())
        })
    }

    /// The texts of the file's documents: the file's own, or, for one the
    /// file only refers to by id, the workspace's document of that id.
    fn texts<'a>(&'a self, workspace: &'a Workspace) -> Vec<Option<&'a str>> {
        self.documents
            .iter()
            .map(|d| match (&d.text, &d.id) {
                (Some(text), _) => Some(text.as_str()),
                (None, Some(id)) => workspace
                    .position(id)
                    .and_then(|doc| workspace.document(doc))
                    .map(|doc| &*doc.text),
                (None, None) => None,
            })
            .collect()
    }

    /// Resolves the offsets, in `chosen` if given and otherwise in the
    /// unit the file states, its quotes show, or a guess picks; then checks
    /// the result ([`Incoming::new`]).
    pub fn resolve(
        &self,
        workspace: &Workspace,
        chosen: Option<OffsetUnit>,
    ) -> Result<Resolved, ImportError> {
        let texts = self.texts(workspace);
        let indexes = Indexes::new(&texts);
        let fits: Vec<(OffsetUnit, Fit)> = OffsetUnit::ALL
            .into_iter()
            .map(|unit| (unit, self.fit(&texts, &indexes, unit)))
            .collect();
        let fit_of = |unit: OffsetUnit| fits.iter().find(|(u, _)| *u == unit).map(|(_, f)| *f);
        let offsets = self
            .annotations
            .iter()
            .filter(|a| matches!(a.anchor, Anchor::Offsets { .. }))
            .count();
        let (unit, source) = if let Some(unit) = chosen {
            (unit, UnitSource::Chosen)
        } else if !self.unit_matters(workspace) {
            (self.stated_unit.unwrap_or_default(), UnitSource::Irrelevant)
        } else if let Some(unit) = self.stated_unit {
            (unit, UnitSource::Stated)
        } else if let Some((unit, _)) = fits
            .iter()
            .find(|(_, fit)| fit.quoted > 0 && fit.matching == fit.quoted)
        {
            (*unit, UnitSource::Quotes)
        } else {
            let best = fits
                .iter()
                .max_by_key(|(unit, fit)| {
                    let rank = OffsetUnit::ALL.len()
                        - OffsetUnit::ALL.iter().position(|u| u == unit).unwrap_or(0);
                    (fit.matching, fit.valid, fit.on_words, rank)
                })
                .map(|(unit, _)| *unit)
                .unwrap_or_default();
            (best, UnitSource::Guessed)
        };

        let mut annotations = Vec::with_capacity(self.annotations.len());
        let mut samples = Vec::new();
        for a in &self.annotations {
            let text = texts.get(a.document).copied().flatten();
            let (start, end) = match (&a.anchor, text) {
                (Anchor::Offsets { start, end }, Some(_)) => {
                    let index = indexes.get(a.document, unit).expect("a text has its index");
                    let convert = |offset: usize, name: &str| {
                        let place = format!("{}.{name}", a.place);
                        match index.to_code_points(offset) {
                            Ok(offset) => Ok(offset),
                            // Checked with the rest, for the same message.
                            Err(Misfit::PastEnd { .. }) if unit == OffsetUnit::CodePoint => {
                                Ok(offset)
                            }
                            Err(Misfit::PastEnd { len }) => Err(ImportError::new(
                                place,
                                format!(
                                    "= {offset} is past the end of document “{}” ({len} {})",
                                    self.documents[a.document].name(),
                                    unit.name()
                                ),
                            )),
                            Err(Misfit::Splits) => Err(ImportError::new(
                                place,
                                format!("= {offset} falls inside a character in {}", unit.name()),
                            )),
                        }
                    };
                    (convert(*start, "start")?, convert(*end, "end")?)
                }
                // A document the file only refers to, and the workspace
                // lacks: planning the import says so.
                (Anchor::Offsets { start, end }, None) => (*start, *end),
                (
                    Anchor::Quote {
                        exact,
                        prefix,
                        suffix,
                    },
                    Some(text),
                ) => find_quote(text, exact, prefix.as_deref(), suffix.as_deref())
                    .map_err(|why| ImportError::new(&a.place, why))?,
                (Anchor::Quote { .. }, None) => {
                    return Err(ImportError::new(
                        &a.place,
                        "has only a quote, and its document is neither in the file nor here",
                    ))
                }
            };
            if samples.len() < SAMPLES {
                if let Some(text) = text {
                    if let Some(quote) = super::text::slice(text, start, end) {
                        samples.push(quote.to_string());
                    }
                }
            }
            annotations.push(IncomingAnnotation {
                place: a.place.clone(),
                document: a.document,
                id: a.id.clone(),
                start,
                end,
                quote: a.quote.clone(),
                label: a.label.clone(),
                created: a.created.clone(),
                note: a.note.clone(),
                entity: a.entity.clone(),
            });
        }

        let mut warnings = Vec::new();
        if let Some(fit) = fit_of(unit) {
            if fit.split_clusters > 0 {
                warnings.push(format!(
                    "{} of {offsets} spans start or end inside a character in {}.",
                    fit.split_clusters,
                    unit.name()
                ));
            }
            if source != UnitSource::Quotes {
                if let Some((better, other)) = fits
                    .iter()
                    .filter(|(u, f)| *u != unit && f.on_words > fit.on_words)
                    .max_by_key(|(_, f)| f.on_words)
                {
                    warnings.push(format!(
                        "In {} {} of {offsets} spans fall on word boundaries; in {} only {}.",
                        better.name(),
                        other.on_words,
                        unit.name(),
                        fit.on_words
                    ));
                }
            }
        }
        let incoming = Incoming::new(self.labels.clone(), self.documents.clone(), annotations)
            .and_then(|incoming| {
                incoming.with_relations(self.relation_types.clone(), self.relations.clone())
            })
            .map_err(|e| {
                if source == UnitSource::Irrelevant || !e.place.ends_with("quote") {
                    e
                } else {
                    ImportError::new(
                        e.place,
                        format!("{} (offsets read as {})", e.reason, unit.name()),
                    )
                }
            })?;
        Ok(Resolved {
            incoming,
            unit,
            source,
            samples,
            warnings,
        })
    }

    fn fit(&self, texts: &[Option<&str>], indexes: &Indexes, unit: OffsetUnit) -> Fit {
        let mut fit = Fit::default();
        for a in &self.annotations {
            let Anchor::Offsets { start, end } = a.anchor else {
                continue;
            };
            let (Some(text), Some(index)) = (
                texts.get(a.document).copied().flatten(),
                indexes.get(a.document, unit),
            ) else {
                continue;
            };
            let (Ok(start), Ok(end)) = (index.to_code_points(start), index.to_code_points(end))
            else {
                continue;
            };
            if start >= end {
                continue;
            }
            fit.valid += 1;
            let bounds = indexes.bounds(a.document);
            let (Some(&(b_start, w_start, g_start)), Some(&(b_end, w_end, g_end))) =
                (bounds.get(start), bounds.get(end))
            else {
                continue;
            };
            if w_start && w_end {
                fit.on_words += 1;
            }
            if !(g_start && g_end) {
                fit.split_clusters += 1;
            }
            if let Some(quote) = &a.quote {
                fit.quoted += 1;
                if text.get(b_start..b_end) == Some(quote.as_str()) {
                    fit.matching += 1;
                }
            }
        }
        fit
    }
}

/// How many spans the preview shows.
const SAMPLES: usize = 5;

/// Per document: each unit's index, and for each code point offset its
/// byte offset, whether it is a word boundary and whether it is a grapheme
/// cluster boundary.
struct Indexes {
    units: Vec<Option<[UnitIndex; 3]>>,
    bounds: Vec<Vec<(usize, bool, bool)>>,
}

impl Indexes {
    fn new(texts: &[Option<&str>]) -> Self {
        use unicode_segmentation::UnicodeSegmentation;
        let units = texts
            .iter()
            .map(|text| text.map(|t| OffsetUnit::ALL.map(|unit| UnitIndex::new(t, unit))))
            .collect();
        let bounds = texts
            .iter()
            .map(|text| {
                let Some(text) = text else {
                    return Vec::new();
                };
                let clusters: std::collections::HashSet<usize> = text
                    .grapheme_indices(true)
                    .map(|(i, _)| i)
                    .chain([text.len()])
                    .collect();
                let chars: Vec<(usize, char)> = text.char_indices().collect();
                let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
                (0..=chars.len())
                    .map(|i| {
                        let byte = chars.get(i).map_or(text.len(), |(b, _)| *b);
                        let before = i.checked_sub(1).map(|j| chars[j].1);
                        let after = chars.get(i).map(|(_, c)| *c);
                        let on_word = !(word(before) && word(after));
                        (byte, on_word, clusters.contains(&byte))
                    })
                    .collect()
            })
            .collect();
        Self { units, bounds }
    }

    fn get(&self, document: usize, unit: OffsetUnit) -> Option<&UnitIndex> {
        let index = OffsetUnit::ALL.iter().position(|u| *u == unit)?;
        self.units
            .get(document)?
            .as_ref()
            .map(|units| &units[index])
    }

    fn bounds(&self, document: usize) -> &[(usize, bool, bool)] {
        self.bounds.get(document).map_or(&[], Vec::as_slice)
    }
}

/// The one place of `exact` in `text` (code points) that the given prefix
/// and suffix agree with, or why there is none.
fn find_quote(
    text: &str,
    exact: &str,
    prefix: Option<&str>,
    suffix: Option<&str>,
) -> Result<(usize, usize), String> {
    if exact.is_empty() {
        return Err("has an empty quote".into());
    }
    let all: Vec<usize> = text.match_indices(exact).map(|(at, _)| at).collect();
    if all.is_empty() {
        return Err(format!(
            "quotes “{}”, which is not in the text",
            shorten(exact)
        ));
    }
    let agreeing: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&at| {
            prefix.is_none_or(|p| text[..at].ends_with(p))
                && suffix.is_none_or(|s| text[at + exact.len()..].starts_with(s))
        })
        .collect();
    match agreeing.as_slice() {
        [at] => {
            let start = text[..*at].chars().count();
            Ok((start, start + exact.chars().count()))
        }
        [] => Err(format!(
            "quotes “{}”, which is in the text {} but never with the prefix and suffix the \
             file gives",
            shorten(exact),
            times(all.len())
        )),
        many => Err(format!(
            "quotes “{}”, which is in the text {}{}: the quote alone cannot say which",
            shorten(exact),
            times(many.len()),
            if prefix.is_some() || suffix.is_some() {
                " with the prefix and suffix the file gives"
            } else {
                ""
            }
        )),
    }
}

fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

fn shorten(quote: &str) -> String {
    const MAX: usize = 40;
    match quote.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &quote[..at]),
        None => quote.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_labels, Workspace};

    const FIREMEN: &str = "👨🏻\u{200d}🚒 firemen drive firetrucks";

    fn document(text: &str) -> IncomingDocument {
        IncomingDocument {
            place: "line 1".into(),
            id: None,
            file_name: None,
            title: None,
            text: Some(text.into()),
            status: None,
        }
    }

    fn span(start: usize, end: usize, quote: Option<&str>) -> ParsedAnnotation {
        ParsedAnnotation {
            place: format!("span {start}"),
            document: 0,
            id: None,
            anchor: Anchor::Offsets { start, end },
            quote: quote.map(str::to_string),
            label: "Person".into(),
            created: None,
            note: None,
            entity: None,
        }
    }

    fn parsed(text: &str, spans: Vec<ParsedAnnotation>) -> Parsed {
        Parsed {
            documents: vec![document(text)],
            annotations: spans,
            ..Parsed::default()
        }
    }

    fn empty() -> Workspace {
        Workspace::new(Vec::new(), default_labels())
    }

    fn quotes(resolved: &Resolved) -> Vec<String> {
        resolved.samples.clone()
    }

    #[test]
    fn doccanos_firemen_are_found_in_utf16_without_quotes() {
        let file = parsed(FIREMEN, vec![span(8, 15, None), span(16, 21, None)]);
        let resolved = file.resolve(&empty(), None).unwrap();
        assert_eq!(resolved.unit, OffsetUnit::Utf16);
        assert_eq!(resolved.source, UnitSource::Guessed);
        assert_eq!(quotes(&resolved), ["firemen", "drive"]);
        assert!(resolved.warnings.is_empty(), "{:?}", resolved.warnings);

        let chosen = file.resolve(&empty(), Some(OffsetUnit::CodePoint)).unwrap();
        assert_eq!(quotes(&chosen), ["emen dr", "ve fi"]);
        assert_eq!(
            chosen.warnings,
            ["In UTF-16 code units 2 of 2 spans fall on word boundaries; in code points only 0."]
        );
        let bytes = parsed(FIREMEN, vec![span(1, 15, None)])
            .resolve(&empty(), Some(OffsetUnit::Utf8))
            .unwrap_err();
        assert_eq!(
            bytes.to_string(),
            "span 1.start = 1 falls inside a character in UTF-8 bytes"
        );
    }

    #[test]
    fn quotes_settle_the_unit_whatever_the_words_say() {
        // "emen dr" is what code points give, and the file says so.
        let file = parsed(FIREMEN, vec![span(8, 15, Some("emen dr"))]);
        let resolved = file.resolve(&empty(), None).unwrap();
        assert_eq!(
            (resolved.unit, resolved.source),
            (OffsetUnit::CodePoint, UnitSource::Quotes)
        );
        for (needle, unit) in [
            ("firemen", OffsetUnit::CodePoint),
            ("firemen", OffsetUnit::Utf16),
            ("firemen", OffsetUnit::Utf8),
        ] {
            let byte = FIREMEN.find(needle).unwrap();
            let index = UnitIndex::new(FIREMEN, unit);
            let cp = FIREMEN[..byte].chars().count();
            let (start, end) = (index.from_code_points(cp), index.from_code_points(cp + 7));
            let resolved = parsed(FIREMEN, vec![span(start, end, Some(needle))])
                .resolve(&empty(), None)
                .unwrap();
            assert_eq!(resolved.unit, unit);
            assert_eq!(resolved.incoming.annotations()[0].start, cp);
        }
    }

    #[test]
    fn a_chosen_unit_that_breaks_a_quote_is_refused_naming_the_unit() {
        let file = parsed(FIREMEN, vec![span(8, 15, Some("firemen"))]);
        let error = file
            .resolve(&empty(), Some(OffsetUnit::CodePoint))
            .unwrap_err();
        assert!(
            error.reason.contains("(offsets read as code points)"),
            "{error}"
        );
    }

    #[test]
    fn a_split_cluster_is_warned_of() {
        // "Cafe\u{301}": the accent is its own code point.
        let text = "Cafe\u{301} noir";
        let resolved = parsed(text, vec![span(0, 4, None)])
            .resolve(&empty(), Some(OffsetUnit::CodePoint))
            .unwrap();
        assert_eq!(
            resolved.warnings,
            ["1 of 1 spans start or end inside a character in code points."]
        );
    }

    #[test]
    fn ascii_texts_need_no_unit() {
        let resolved = parsed("Astana talks", vec![span(0, 6, None)])
            .resolve(&empty(), None)
            .unwrap();
        assert_eq!(resolved.source, UnitSource::Irrelevant);
        assert_eq!(
            resolved.unit_sentence(),
            "Offsets count the same in every unit here."
        );
    }

    #[test]
    fn what_is_dropped_is_counted_in_the_plural() {
        let dropped = |count: usize, what: &str| {
            Dropped {
                count,
                what: what.into(),
                why: "why".into(),
            }
            .to_string()
        };
        assert_eq!(dropped(1, "“linking” body"), "1 “linking” body (why)");
        assert_eq!(dropped(2, "“linking” body"), "2 “linking” bodies (why)");
        assert_eq!(dropped(3, "reply"), "3 replies (why)");
        assert_eq!(dropped(2, "relation"), "2 relations (why)");
        assert_eq!(dropped(2, "key"), "2 keys (why)");
    }

    #[test]
    fn a_quote_alone_is_found_where_it_is_unique() {
        let text = "Moscow’s envoy met Moscow’s critics in «Астана» 東京";
        let quote = |exact: &str, prefix: Option<&str>, suffix: Option<&str>| ParsedAnnotation {
            anchor: Anchor::Quote {
                exact: exact.into(),
                prefix: prefix.map(str::to_string),
                suffix: suffix.map(str::to_string),
            },
            ..span(0, 0, None)
        };
        let found = |a: ParsedAnnotation| {
            parsed(text, vec![a]).resolve(&empty(), None).map(|r| {
                let a = &r.incoming.annotations()[0];
                (a.start, a.end)
            })
        };
        assert_eq!(found(quote("Астана", None, None)), Ok((40, 46)));
        assert_eq!(
            found(quote("Moscow", None, Some("’s critics"))),
            Ok((19, 25))
        );
        assert_eq!(found(quote("Moscow", Some("met "), None)), Ok((19, 25)));
        assert_eq!(
            found(quote("Moscow", None, None)).unwrap_err().to_string(),
            "span 0 quotes “Moscow”, which is in the text twice: the quote alone cannot say which"
        );
        assert_eq!(
            found(quote("Moscow", Some("in "), None))
                .unwrap_err()
                .to_string(),
            "span 0 quotes “Moscow”, which is in the text twice but never with the prefix and \
             suffix the file gives"
        );
        assert_eq!(
            found(quote("Ankara", None, None)).unwrap_err().to_string(),
            "span 0 quotes “Ankara”, which is not in the text"
        );
    }
}
