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
        Value::Object(object) => object.contains_key("rows") || is_annotation(value),
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
                entity: None,
            });
        }
    }
    let id = row.optional_string("id")?.map(str::to_string);
    collected.add(id, made);
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::format::registry;
    use crate::format::registry::tests::{assert_refused, import, unannotated};
    use crate::format::samples::{self, TRICKY_TEXT};
    use crate::model::import::Mode;
    use crate::model::offset_unit::OffsetUnit;
    use crate::model::parsed::UnitSource;

    /// A row of a search result as Hypothesis's API returns it, on the
    /// tricky sample's text (as if it were a page whose URI is its id):
    /// its RangeSelector, UTF-16 TextPositionSelector and TextQuoteSelector.
    fn row(id: &str, needle: &str, tags: &[&str]) -> Value {
        let byte = TRICKY_TEXT.find(needle).unwrap();
        let start = TRICKY_TEXT[..byte].encode_utf16().count();
        let end = start + needle.encode_utf16().count();
        json!({
            "id": id,
            "created": "2016-12-16T11:24:14.673557+00:00",
            "updated": "2016-12-16T11:24:14.673557+00:00",
            "user": "acct:mark@localhost",
            "uri": "tricky/1 ü",
            "text": "a note",
            "tags": tags,
            "group": "__world__",
            "target": [{
                "source": "tricky/1 ü",
                "selector": [
                    { "type": "RangeSelector", "startContainer": "/div[1]/p[1]",
                      "endContainer": "/div[1]/p[1]", "startOffset": start, "endOffset": end },
                    { "type": "TextPositionSelector", "start": start, "end": end },
                    { "type": "TextQuoteSelector", "exact": needle, "prefix": "", "suffix": "" }
                ]
            }],
            "document": { "title": ["Flag and family"] },
            "links": { "html": format!("http://localhost:5000/a/{id}") }
        })
    }

    fn search(rows: &[Value]) -> String {
        json!({ "total": rows.len(), "rows": rows }).to_string()
    }

    #[test]
    fn its_api_sample_holds_no_tag_and_is_counted() {
        // Five annotations of a Wikipedia page: tests/fixtures/hypothesis.
        let file =
            include_str!("../../../../tests/fixtures/hypothesis/wikipedia-regression-testing.json");
        let (format, parsed) = registry::read(file).unwrap();
        assert_eq!(format.id, "w3c");
        assert!(parsed.annotations.is_empty());
        let dropped: Vec<String> = parsed.dropped.iter().map(ToString::to_string).collect();
        assert_eq!(
            dropped,
            ["5 untagged annotations (a span here needs a label)"]
        );
        assert_eq!(
            parsed.remarks,
            ["The file is Hypothesis API JSON: its tags are read as labels, its text as notes."]
        );
        // Tagged, they refer to a page that is not here.
        let mut value: Value = serde_json::from_str(file).unwrap();
        for row in value["rows"].as_array_mut().unwrap() {
            row["tags"] = json!(["Testing"]);
        }
        let mut ws = unannotated();
        assert_eq!(
            import(&mut ws, &value.to_string(), Mode::Merge).unwrap_err(),
            "rows[0].target[0].source refers to the document \
             “https://en.wikipedia.org/wiki/Regression_testing”, which is not here, and the file \
             does not hold its text"
        );
    }

    #[test]
    fn tags_are_labels_and_utf16_offsets_resolve_to_code_points() {
        let reply = json!({
            "id": "reply", "uri": "tricky/1 ü", "text": "I agree", "tags": [],
            "references": ["Fam"], "target": [{ "source": "tricky/1 ü" }]
        });
        let page_note = json!({
            "id": "page", "uri": "tricky/1 ü", "text": "About the page", "tags": ["Event"],
            "target": [{ "source": "tricky/1 ü" }]
        });
        let rows = [
            row("Fam", "👩\u{200d}👩\u{200d}👧", &["Person", "Лицо"]),
            row("Cafe", "cafe\u{301}", &["Location"]),
            row("Hebrew", "שלום עולם", &["Event"]),
            row("Untagged", "中文新闻", &[]),
            reply,
            page_note,
        ];
        let (_, parsed) = registry::read(&search(&rows)).unwrap();
        let dropped: Vec<String> = parsed.dropped.iter().map(ToString::to_string).collect();
        assert_eq!(
            dropped,
            [
                "1 untagged annotation (a span here needs a label)",
                "1 reply (the app keeps no conversations)",
                "1 page note (it is not on a span of the text)"
            ]
        );
        let resolved = parsed.resolve(&unannotated(), None).unwrap();
        assert_eq!(
            (resolved.unit, resolved.source),
            (OffsetUnit::Utf16, UnitSource::Quotes)
        );
        let found: Vec<(&str, &str, std::ops::Range<usize>)> = resolved
            .incoming
            .annotations()
            .iter()
            .map(|a| (a.id.as_deref().unwrap(), a.label.as_str(), a.start..a.end))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "Fam#1",
                    "Person",
                    samples::find(TRICKY_TEXT, "👩\u{200d}👩\u{200d}👧")
                ),
                (
                    "Fam#2",
                    "Лицо",
                    samples::find(TRICKY_TEXT, "👩\u{200d}👩\u{200d}👧")
                ),
                (
                    "Cafe",
                    "Location",
                    samples::find(TRICKY_TEXT, "cafe\u{301}")
                ),
                ("Hebrew", "Event", samples::find(TRICKY_TEXT, "שלום עולם")),
            ]
        );
        let a = &resolved.incoming.annotations()[0];
        assert_eq!(
            (a.note.as_deref(), a.created.as_deref()),
            (Some("a note"), Some("2016-12-16T11:24:14.673557+00:00"))
        );

        let mut ws = unannotated();
        let preview = import(&mut ws, &search(&rows), Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            "1 document, 4 annotations, 1 new label"
        );
        let again = import(&mut ws, &search(&rows), Mode::Merge).unwrap();
        assert_eq!(
            again.to_string(),
            "1 document, 4 annotations; 4 annotations already present"
        );
    }

    #[test]
    fn a_list_of_annotations_or_one_reads_as_a_search_result_does() {
        let rows = [row("Cafe", "cafe\u{301}", &["Location"])];
        for file in [json!(rows).to_string(), rows[0].to_string()] {
            let mut ws = unannotated();
            assert_eq!(
                import(&mut ws, &file, Mode::Merge).unwrap().to_string(),
                "1 document, 1 annotation"
            );
        }
        let mut without_source = rows[0].clone();
        drop(
            without_source["target"][0]
                .as_object_mut()
                .unwrap()
                .remove("source"),
        );
        let (_, parsed) = registry::read(&without_source.to_string()).unwrap();
        assert_eq!(parsed.documents[0].place, "uri", "the uri names the page");
    }

    #[test]
    fn a_refusal_names_hypothesis_never_the_apps_own_format() {
        let edited = |edit: &dyn Fn(&mut Value)| {
            let mut row = row("Cafe", "cafe\u{301}", &["Location"]);
            edit(&mut row);
            search(&[row])
        };
        let cases: Vec<(String, String)> = vec![
            (
                edited(&|r| r["tags"] = json!([3])),
                "rows[0].tags[0] must be a string, not the number 3 (read as Hypothesis API JSON)"
                    .into(),
            ),
            (
                edited(&|r| r["target"][0]["selector"][1]["end"] = json!(-4)),
                "rows[0].target[0].selector[1].end = -4 is negative (read as Hypothesis API JSON)"
                    .into(),
            ),
            (
                edited(&|r| {
                    r["target"][0]["selector"] = json!([{ "type": "RangeSelector" }]);
                }),
                "rows[0].target[0].selector has no TextPositionSelector or TextQuoteSelector, \
                 which would place the span in the text; this app cannot place it by \
                 RangeSelector (read as Hypothesis API JSON)"
                    .into(),
            ),
            (
                json!({ "total": 1, "rows": {} }).to_string(),
                "rows must be a list, not an object (read as Hypothesis API JSON)".into(),
            ),
        ];
        assert_refused(&cases);
        for (file, _) in &cases {
            let error = registry::read(file).unwrap_err().to_string();
            assert!(!error.contains("format"), "{error}");
        }
    }
}
