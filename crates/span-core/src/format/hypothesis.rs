//! Reading what Hypothesis's API returns (<https://h.readthedocs.io/en/latest/api-reference/>):
//! a search result `{"total": n, "rows": [annotation…]}`, a list of
//! annotations, or one, each as its `AnnotationJSONPresenter` writes it
//! (hypothesis/h, `h/presenters/annotation_json.py`):
//!
//! ```json
//! { "id": "Ic6rNsOCEeaQl--ofD7IUg", "created": "2016-12-16T11:23:56.096030+00:00",
//!   "uri": "https://en.wikipedia.org/wiki/Regression_testing",
//!   "text": "Body", "tags": ["Method"],
//!   "target": [{ "source": "https://en.wikipedia.org/wiki/Regression_testing",
//!                "selector": [
//!     { "type": "RangeSelector", "startContainer": "/div[3]/…/p[8]", "startOffset": 0, … },
//!     { "type": "TextPositionSelector", "start": 2728, "end": 2960 },
//!     { "type": "TextQuoteSelector", "exact": "Therefore, …", "prefix": "…", "suffix": "…" }] }],
//!   "document": { "title": ["Regression testing - Wikipedia"] }, … }
//! ```
//!
//! - **Labels** are the tags: one annotation for each tag, as in
//!   Hypothesis's own JSON-LD, which writes a `tagging` body per tag
//!   (`h/presenters/annotation_jsonld.py`). An annotation without a tag is
//!   counted, not imported. `text`, the annotation's words, is its note.
//! - **Spans**: the target's selectors are read as in W3C JSON-LD
//!   ([`w3c::aim`]): the `TextPositionSelector`, checked against the
//!   `TextQuoteSelector`'s `exact`, or the quote alone; the `RangeSelector`
//!   (XPaths into the page's markup) is passed over. Hypothesis counts
//!   offsets in UTF-16 code units, as the browser's DOM does; the file does
//!   not say so, and the quotes show it ([`Parsed::resolve`]).
//! - **Not imported, counted**: page notes (a target without selectors),
//!   replies (`references`), and annotations without a tag.
//! - **Documents**: the target's `source`, or else the annotation's `uri`,
//!   is the id of a document that must be here already: the file holds
//!   annotations of web pages, not their text.
//! - **Ids**: the annotation's `id`; one that makes several annotations (by
//!   its tags) makes `id#1`, `id#2`…, the same each time the file is read.
//!
//! [`Parsed::resolve`]: crate::model::parsed::Parsed::resolve

use serde_json::Value;

use super::json::{placed, Fields};
use super::w3c::{aim, Aim, Collected};
use crate::model::import::ImportError;
use crate::model::parsed::{Parsed, ParsedAnnotation};

/// What the app calls the format in messages.
pub(super) const NAME: &str = "Hypothesis API JSON";

/// Whether `value` is what Hypothesis's API returns: a search result (an
/// object with `rows`), or annotations with `uri` and `target`.
pub(super) fn is_hypothesis(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.first().is_some_and(is_annotation),
        Value::Object(object) => {
            object.get("rows").is_some_and(Value::is_array) || is_annotation(value)
        }
        _ => false,
    }
}

fn is_annotation(value: &Value) -> bool {
    value.get("uri").is_some_and(Value::is_string) && value.get("target").is_some()
}

/// Reads Hypothesis API JSON (see the module's documentation), refusing it
/// whole, with the place and the reason, at the first thing wrong.
pub(super) fn from_value(value: &Value) -> Result<Parsed, ImportError> {
    let rows = match value {
        Value::Array(items) => placed(items, ""),
        Value::Object(object) if object.contains_key("rows") => {
            Fields::of(value, "")?.items("rows")?
        }
        one => vec![(String::new(), one)],
    };
    let mut collected = Collected::default();
    for (place, row) in rows {
        let row = Fields::of(row, &place)?;
        let place = if place.is_empty() {
            "the annotation".to_string()
        } else {
            place
        };
        read_row(&row, place, &mut collected)?;
    }
    let mut parsed = collected.into_parsed(None);
    parsed.remarks.push(format!(
        "The file is {NAME}: its tags are read as labels, its text as notes."
    ));
    Ok(parsed)
}

fn read_row(row: &Fields, place: String, collected: &mut Collected) -> Result<(), ImportError> {
    if row
        .value("references")
        .and_then(Value::as_array)
        .is_some_and(|r| !r.is_empty())
    {
        collected.drop_one("reply", "the app keeps no conversations");
        return Ok(());
    }
    let uri = row.optional_string("uri")?;
    let mut spans = Vec::new();
    for (target_place, target) in row.one_or_more("target")? {
        if let Aim::Span {
            source,
            anchor,
            quote,
        } = aim(&target_place, target)?
        {
            let (source, source_place) = match (source, uri) {
                (Some(source), _) => (source, format!("{target_place}.source")),
                (None, Some(uri)) => (uri, row.path("uri")),
                (None, None) => {
                    return Err(ImportError::new(
                        target_place,
                        "has no source and the annotation no uri, so the file does not say \
                         which page it annotates",
                    ))
                }
            };
            spans.push((target_place, source, source_place, anchor, quote));
        }
    }
    if spans.is_empty() {
        collected.drop_one("page note", "it is not on a span of the text");
        return Ok(());
    }
    let tags: Vec<&str> = match row.value("tags") {
        None => Vec::new(),
        Some(_) => row
            .items("tags")?
            .into_iter()
            .map(|(place, tag)| super::json::string_at(tag, &place))
            .collect::<Result<_, _>>()?,
    };
    if tags.is_empty() {
        collected.drop_one("untagged annotation", "a span here needs a label");
        return Ok(());
    }
    let note = row.optional_string("text")?.filter(|text| !text.is_empty());
    let created = row.optional_string("created")?;
    let several = spans.len() > 1;
    let mut made = Vec::new();
    for (target_place, source, source_place, anchor, quote) in spans {
        let document = collected.document(source.to_string(), &source_place);
        for &tag in &tags {
            made.push(ParsedAnnotation {
                place: if several {
                    target_place.clone()
                } else {
                    place.clone()
                },
                document,
                id: None,
                anchor: anchor.clone(),
                quote: quote.map(str::to_string),
                label: tag.to_string(),
                created: created.map(str::to_string),
                note: note.map(str::to_string),
            });
        }
    }
    let id = row.optional_string("id")?.map(str::to_string);
    collected.add(id, made);
    Ok(())
}
