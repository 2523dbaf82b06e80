//! The W3C Web Annotation export (<https://www.w3.org/TR/annotation-model/>):
//! one `AnnotationCollection` in JSON-LD.
//!
//! ```json
//! { "@context": "http://www.w3.org/ns/anno.jsonld",
//!   "id": "urn:span-annotator:collection:…", "type": "AnnotationCollection",
//!   "label": "…", "offset_unit": "codepoint", "total": 2,
//!   "documents": [{ "id": "urn:span-annotator:document:001_c07fc3de27d30260",
//!                   "file_name": "001_c07fc3de27d30260.txt", "title": "…" }],
//!   "first": { "id": "urn:span-annotator:collection:…:page:1",
//!              "type": "AnnotationPage", "startIndex": 0, "items": [
//!     { "id": "urn:uuid:0123abcd-…", "type": "Annotation", "created": "…",
//!       "body": [{ "type": "TextualBody", "purpose": "tagging", "value": "Location" },
//!                { "type": "TextualBody", "purpose": "commenting", "value": "a note" },
//!                { "type": "TextualBody", "purpose": "identifying", "value": "Astana" }],
//!       "target": { "source": "urn:span-annotator:document:001_c07fc3de27d30260",
//!                   "selector": [
//!         { "type": "TextQuoteSelector", "exact": "“de-facto”",
//!           "prefix": "…32 code points…", "suffix": "…" },
//!         { "type": "TextPositionSelector", "start": 941, "end": 951 }] } }] } }
//! ```
//!
//! - **Offsets** count Unicode code points, as the model's `TextPositionSelector`
//!   does ("characters" in its sense are code points) and as Python's `str`
//!   does: `text[start:end] == exact`. The file says so in `offset_unit`.
//! - **Paging**: the annotations are embedded in the collection's `first`
//!   page, as in the model's own example of a collection with an embedded
//!   page (§5.1): a reader of the model finds them where the model puts
//!   them, and a reader that only wants the annotations takes
//!   `first.items`. A collection with no annotations has no `first`, as the
//!   model says. There is one page; `total` counts its items.
//! - **Ids**: an annotation's `id` is `urn:uuid:` and a UUID of version 4
//!   or 8 (RFC 9562: the 13th hex digit `4` or `8`, the 17th one of
//!   `8 9 a b`), as readers that check UUIDs expect. An id of the app that
//!   is one already (every id it makes: version 8, see
//!   [`IdMint`](crate::model::IdMint); earlier, version 4) is written as it
//!   is; any other (ids of earlier versions without those bits, or from
//!   other tools) gets a version-4 UUID derived from it by a 128-bit FNV-1a hash, and the id
//!   itself goes in the model's `canonical` (§3.3.6, "the IRI that should
//!   be used to refer to the annotation"): `urn:span-annotator:annotation:`
//!   and the id percent-encoded. A re-import reads `canonical` first, so
//!   the round trip gives back every id; a tool that drops `canonical`
//!   still has a unique, stable UUID. A document is
//!   `urn:span-annotator:document:` and its id percent-encoded; both map
//!   back with [`annotation_id`] and [`document_id`]. The collection's id is
//!   a hash (FNV-1a) of the exported documents' ids, the same each time
//!   they are exported.
//! - **Documents**: `target.source` is the document's IRI, a plain string
//!   as Recogito and Hypothesis write it; the collection's `documents` lists
//!   each exported document's IRI with its file name and title, so an
//!   importer can find the document again by id or by file name.
//!   `offset_unit` and `documents` are this app's additions: plain JSON
//!   readers see them, and JSON-LD processors drop them, as terms outside
//!   the context.
//! - **Entities**: the entity an annotation mentions is a body whose
//!   `purpose` is `identifying` (§3.3.5: "to assign an identity to the
//!   Target"). The model's identifying body is usually the IRI of the thing
//!   identified; the app's entities have a name and no IRI, so the body is
//!   a `TextualBody` whose `value` is that name, which any reader of the
//!   model can read and the import reads back.
//! - **Prefix and suffix** are up to [`CONTEXT_CHARS`] code points, cut at
//!   the text's ends.
//! - **Relations** follow their document's annotations on the page, each
//!   an annotation whose `motivation` is `linking` (§3.3.5: "to link to a
//!   resource related to the Target"), with its id made as an
//!   annotation's. Its `target` is the IRIs (`id`) of its two ends, `from`
//!   then `to`, as RecogitoJS writes relations; a `tagging` body gives its
//!   type, a `commenting` body its note, and a `SpecificResource` body with
//!   `purpose: "linking"` names the `to` end as its `source`, so the
//!   direction does not rest on the order of `target`'s values, which
//!   JSON-LD does not keep:
//!
//!   ```json
//!   { "id": "urn:uuid:…", "canonical": "urn:span-annotator:annotation:r0",
//!     "type": "Annotation", "motivation": "linking", "created": "…",
//!     "body": [{ "type": "TextualBody", "purpose": "tagging", "value": "member of" },
//!              { "type": "TextualBody", "purpose": "commenting", "value": "a note" },
//!              { "type": "SpecificResource", "purpose": "linking", "source": "urn:uuid:<to>" }],
//!     "target": ["urn:uuid:<from>", "urn:uuid:<to>"] }
//!   ```
//!
//! [`parse`] reads annotations back: this export, and what other Web
//! Annotation tools write, as far as it maps onto labels on spans. It was
//! written against what those tools write, read in their sources:
//! recogito/text-annotator-js (`W3CTextFormatAdapter.ts`: `target` a list of
//! one target per selection, each a `TextQuoteSelector` with prefix and
//! suffix and a `TextPositionSelector`; bodies from `@annotorious/core`'s
//! `serializeW3CBodies`, tags `purpose: "tagging"`), RecogitoJS's sample
//! `public/annotations.w3c.json` (a comment as a body without a purpose,
//! relations as `motivation: "linking"`), and hypothesis/h's
//! `AnnotationJSONLDPresenter` (`h/presenters/annotation_jsonld.py`: the
//! text as a body without a purpose, one `tagging` body per tag, `target` a
//! one-element list, its RangeSelector rewritten as an `XPathSelector`
//! `refinedBy` a `TextPositionSelector`). Samples of the first two are in
//! `tests/fixtures/recogito/`. Hypothesis's own API JSON is read by
//! `format::hypothesis`, with the target reading here ([`aim`]).
//!
//! - **Shapes**: a collection with its annotations in `first.items` (or
//!   directly in `items`), a page with `items`, a JSON list of annotations,
//!   or one annotation. A collection without annotations has none. Pages
//!   that are not in the file (`first` as a link, a `next` page) are
//!   refused, not left out. The collection's `offset_unit` is the unit of
//!   its offsets; a file that does not say (Recogito, Hypothesis: UTF-16,
//!   as the DOM counts) has it found by its quotes.
//! - **Labels**: the `value` of each `tagging` body; an annotation with
//!   several tags becomes one annotation per tag. A body without a
//!   `purpose` takes the annotation's `motivation`, as the model says
//!   (§3.3.5); with neither it is a comment, as Hypothesis and RecogitoJS
//!   write their comments and as the model defines `bodyValue` (§3.2.5, "a
//!   TextualBody … with no other properties"), which is read alike. The
//!   first comment is the note. `body` may be one object or a list.
//! - **Relations**: an annotation whose `motivation` is `linking` is a
//!   relation from its first target to its second (or, when its first `linking`
//!   body's `source` names one of them, toward that one), one for each
//!   `tagging` body (its type; types the workspace lacks are added), its
//!   first comment the note. A target is an annotation's IRI: a string, or
//!   an object's `id` (RecogitoJS) or `source`; it may be the `id` or the
//!   `canonical` of an annotation anywhere in the file, and an annotation
//!   the file splits in several (tags, targets) is linked by its first.
//!   Counted and skipped: a link without two such targets or without a
//!   type, and one whose ends are not annotations the import keeps, are
//!   the same annotation, or are on two documents; and a link's bodies
//!   other than its types, its first comment and its first `linking` body.
//! - **Counted, not imported** (the preview says how many, and why): an
//!   annotation without a tag (a Recogito highlight), a target that is a
//!   whole document (an IRI,
//!   or no selector), bodies of other purposes (`linking`, `classifying`,
//!   `highlighting`, `replying`…), bodies that are not text (an IRI, an
//!   image), comments after the first and identifying bodies after the
//!   first (the first is the entity).
//! - **Span**: each target (`target` may be one or a list; several make one
//!   annotation each, on their own documents, with the same labels) is
//!   placed by its `TextPositionSelector`, and a `TextQuoteSelector`'s
//!   `exact`, if there is one, must be the text at those offsets; a target
//!   with only a `TextQuoteSelector` is found by its quote, with its prefix
//!   and suffix, where that gives one place. `XPathSelector`,
//!   `RangeSelector`, `CssSelector`, `FragmentSelector` and `refinedBy`
//!   describe the span in a page's markup, which a plain text does not
//!   have: they are passed over, and a target with nothing else is refused.
//!   `selector` may be one object or a list.
//! - **Document**: `target.source` made by [`document_iri`] is that
//!   document; any other source is taken whole as a document id; a target
//!   without one is refused (RecogitoJS writes none: the file does not say
//!   which text it annotates). The file does not hold texts, so the
//!   document must be here already.
//! - **Ids**: [`annotation_id`] of the annotation's `canonical`, or else of
//!   its `id`; an IRI this app did not make is kept whole as the id, which
//!   is unique within the file and the same each time it is imported, so
//!   importing it again finds the annotation already here. One annotation
//!   of the file that makes several (tags, targets) makes `id#1`, `id#2`…
//!   Without an `id`, an annotation gets a new one; without `created`, the
//!   time of the import.
//! - **Labels** are the names the tagging bodies give; those the workspace
//!   lacks are added. The collection's `documents` are not read.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use super::json::{drop_one, json, placed, Fields};
use super::{ExportError, ExportFile};
use crate::format::stored::text_hash;
use crate::model::import::{ImportError, IncomingDocument, IncomingRelation};
use crate::model::offset_unit::{OffsetUnit, UnitIndex};
use crate::model::parsed::{Anchor, Dropped, Parsed, ParsedAnnotation};
use crate::model::{text::CharIndex, Annotation, Document, Relation, SpanIndex, Workspace};

pub const FILE_NAME: &str = "annotations.jsonld";
/// The media type the model registers for its JSON-LD serialisation.
pub const MEDIA_TYPE: &str = "application/ld+json;profile=\"http://www.w3.org/ns/anno.jsonld\"";
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// How many code points of context the quote selector keeps on each side.
pub const CONTEXT_CHARS: usize = 32;

const UUID_PREFIX: &str = "urn:uuid:";
const ANNOTATION_PREFIX: &str = "urn:span-annotator:annotation:";
const DOCUMENT_PREFIX: &str = "urn:span-annotator:document:";
const COLLECTION_PREFIX: &str = "urn:span-annotator:collection:";

#[derive(Serialize)]
struct Collection<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    label: String,
    offset_unit: &'static str,
    total: usize,
    documents: Vec<Source<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first: Option<Page<'a>>,
}

#[derive(Serialize)]
struct Source<'a> {
    id: String,
    file_name: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct Page<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "startIndex")]
    start_index: usize,
    items: Vec<Item<'a>>,
}

/// An item of the page: an annotation of a span, or a relation.
#[derive(Serialize)]
#[serde(untagged)]
enum Item<'a> {
    Span(WebAnnotation<'a>),
    Link(Link<'a>),
}

/// A relation, as an annotation whose motivation is `linking`: its target
/// the IRIs of its two ends, `from` then `to`; a `tagging` body its type, a
/// `commenting` body its note, and a `linking` body naming the `to` end.
#[derive(Serialize)]
struct Link<'a> {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    canonical: Option<String>,
    #[serde(rename = "type")]
    kind: &'static str,
    motivation: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    created: &'a str,
    body: Vec<LinkBody<'a>>,
    target: [String; 2],
}

#[derive(Serialize)]
#[serde(untagged)]
enum LinkBody<'a> {
    Text(Body<'a>),
    /// The end a relation points to, as a `SpecificResource`.
    End {
        #[serde(rename = "type")]
        kind: &'static str,
        purpose: &'static str,
        source: String,
    },
}

#[derive(Serialize)]
struct WebAnnotation<'a> {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    canonical: Option<String>,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    created: &'a str,
    body: Vec<Body<'a>>,
    target: Target<'a>,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    purpose: &'static str,
    value: &'a str,
}

#[derive(Serialize)]
struct Target<'a> {
    source: String,
    selector: [Selector<'a>; 2],
}

#[derive(Serialize)]
#[serde(tag = "type")]
enum Selector<'a> {
    TextQuoteSelector {
        exact: &'a str,
        prefix: &'a str,
        suffix: &'a str,
    },
    TextPositionSelector {
        start: usize,
        end: usize,
    },
}

/// The collection of every annotation of the documents at `documents`
/// (positions in `workspace`; positions past the end are skipped), as
/// pretty-printed JSON-LD ending in a newline.
pub fn export(
    workspace: &Workspace,
    documents: &[usize],
    unit: OffsetUnit,
) -> Result<ExportFile, ExportError> {
    Ok(ExportFile::text(
        FILE_NAME,
        MEDIA_TYPE,
        collection(workspace, documents, unit),
    ))
}

fn collection(workspace: &Workspace, documents: &[usize], unit: OffsetUnit) -> String {
    let exported: Vec<(usize, &Document)> = documents
        .iter()
        .filter_map(|&doc| workspace.document(doc).map(|d| (doc, d)))
        .collect();
    let ids: Vec<&str> = exported.iter().map(|(_, d)| d.id.as_str()).collect();
    let id = format!("{COLLECTION_PREFIX}{}", text_hash(&ids.join("\n")));

    let mut items = Vec::new();
    for &(doc, document) in &exported {
        let chars = CharIndex::new(&document.text);
        let index = UnitIndex::new(&document.text, unit);
        let source = document_iri(&document.id);
        for annotation in workspace
            .annotations(doc)
            .into_iter()
            .flat_map(SpanIndex::iter)
        {
            let place = Place {
                text: &document.text,
                chars: &chars,
                index: &index,
                source: &source,
            };
            items.push(Item::Span(web_annotation(annotation, &place)));
        }
        for relation in workspace.relations(doc).unwrap_or_default() {
            items.push(Item::Link(link(relation)));
        }
    }

    let collection = Collection {
        context: CONTEXT,
        label: match exported.as_slice() {
            [(_, only)] => format!("Span annotations of “{}”", only.title),
            all => format!("Span annotations of {} documents", all.len()),
        },
        offset_unit: unit.id(),
        total: items.len(),
        documents: exported
            .iter()
            .map(|(_, d)| Source {
                id: document_iri(&d.id),
                file_name: &d.file_name,
                title: &d.title,
            })
            .collect(),
        first: (!items.is_empty()).then(|| Page {
            id: format!("{id}:page:1"),
            kind: "AnnotationPage",
            start_index: 0,
            items,
        }),
        id,
        kind: "AnnotationCollection",
    };
    let mut json = serde_json::to_string_pretty(&collection).expect("plain data always serialises");
    json.push('\n');
    json
}

/// Where the annotations of one document are exported: its text, indexed in
/// code points and in the export's unit, and its IRI.
#[derive(Clone, Copy)]
struct Place<'t, 'p> {
    text: &'t str,
    chars: &'p CharIndex,
    index: &'p UnitIndex,
    source: &'p str,
}

fn web_annotation<'a>(annotation: &'a Annotation, place: &Place<'a, '_>) -> WebAnnotation<'a> {
    let Place {
        text,
        chars,
        index,
        source,
    } = *place;
    let (start, end) = (annotation.start, annotation.end);
    let before = start.saturating_sub(CONTEXT_CHARS);
    let after = (end + CONTEXT_CHARS).min(chars.len());
    let mut body = vec![Body {
        kind: "TextualBody",
        purpose: "tagging",
        value: &annotation.label,
    }];
    if let Some(note) = &annotation.note {
        body.push(Body {
            kind: "TextualBody",
            purpose: "commenting",
            value: note,
        });
    }
    if let Some(entity) = &annotation.entity {
        body.push(Body {
            kind: "TextualBody",
            purpose: "identifying",
            value: entity,
        });
    }
    WebAnnotation {
        id: annotation_iri(&annotation.id),
        canonical: canonical_iri(&annotation.id),
        kind: "Annotation",
        created: &annotation.created,
        body,
        target: Target {
            source: source.to_string(),
            selector: [
                Selector::TextQuoteSelector {
                    exact: &annotation.quote,
                    prefix: chars.slice(text, before, start).unwrap_or_default(),
                    suffix: chars.slice(text, end, after).unwrap_or_default(),
                },
                Selector::TextPositionSelector {
                    start: index.from_code_points(start),
                    end: index.from_code_points(end),
                },
            ],
        },
    }
}

fn link(relation: &Relation) -> Link<'_> {
    let text = |purpose, value| {
        LinkBody::Text(Body {
            kind: "TextualBody",
            purpose,
            value,
        })
    };
    let mut body = vec![text("tagging", &relation.kind)];
    if let Some(note) = &relation.note {
        body.push(text("commenting", note));
    }
    body.push(LinkBody::End {
        kind: "SpecificResource",
        purpose: "linking",
        source: annotation_iri(&relation.to),
    });
    Link {
        id: annotation_iri(&relation.id),
        canonical: canonical_iri(&relation.id),
        kind: "Annotation",
        motivation: "linking",
        created: &relation.created,
        body,
        target: [annotation_iri(&relation.from), annotation_iri(&relation.to)],
    }
}

/// Reads Web Annotation JSON (see the module's documentation), refusing it
/// whole, with the place and the reason, at the first thing wrong.
pub fn parse(contents: &str) -> Result<Parsed, ImportError> {
    from_value(&json(contents)?)
}

pub(super) fn from_value(value: &Value) -> Result<Parsed, ImportError> {
    let mut stated_unit = None;
    let items = match value {
        Value::Array(items) => placed(items, ""),
        _ => {
            let file = Fields::of(value, "")?;
            stated_unit = file.optional_unit()?;
            let page = match file.value("first") {
                Some(Value::String(link)) => {
                    return Err(file.error(
                        "first",
                        format!(
                            "is a link (“{link}”) to a page that is not in the file; this app \
                             reads the annotations a file holds"
                        ),
                    ))
                }
                Some(first) => Fields::of(first, "first")?,
                None => file,
            };
            if page.value("next").is_some() {
                return Err(page.error(
                    "next",
                    "links to another page, which is not in the file; export every annotation \
                     into one file",
                ));
            }
            let container = matches!(
                page.value("type").and_then(Value::as_str),
                Some("AnnotationCollection" | "AnnotationPage")
            );
            if page.value("items").is_some() {
                page.items("items")?
            } else if container {
                Vec::new()
            } else {
                vec![(String::new(), value)]
            }
        }
    };

    let mut collected = Collected::default();
    for (place, item) in items {
        let annotation = Fields::of(item, &place)?;
        let place = if place.is_empty() {
            "the annotation".to_string()
        } else {
            place
        };
        read_annotation(&annotation, place, &mut collected)?;
    }
    Ok(collected.into_parsed(stated_unit))
}

/// Reads one Web Annotation into `collected`: one annotation for each of
/// its tags on each of its targets, or, for what the app cannot keep, a
/// count in `dropped`.
fn read_annotation(
    annotation: &Fields,
    place: String,
    collected: &mut Collected,
) -> Result<(), ImportError> {
    let motivation = annotation.value("motivation").and_then(Value::as_str);
    // `canonical` keeps an id that `id`, a UUID, cannot carry.
    let (canonical, iri) = (
        annotation.optional_string("canonical")?,
        annotation.optional_string("id")?,
    );
    let id = canonical
        .or(iri)
        .map(|iri| annotation_id(iri).unwrap_or_else(|| iri.to_string()));
    if motivation == Some("linking") {
        return read_link(annotation, place, id, collected);
    }
    let (labels, note, entity) = labels_note_and_entity(
        annotation,
        motivation,
        BodiesOf::Span,
        &mut collected.dropped,
    )?;
    if labels.is_empty() {
        collected.drop_one("untagged annotation", "a span here needs a label");
        return Ok(());
    }
    let mut spans = Vec::new();
    for (target_place, target) in annotation.one_or_more("target")? {
        match aim(&target_place, target)? {
            Aim::Whole => collected.drop_one(
                "whole-document target",
                "a span needs a selector that places it in the text",
            ),
            Aim::Span { source: None, .. } => {
                return Err(ImportError::new(
                    target_place,
                    "has no source, so the file does not say which document it annotates",
                ))
            }
            Aim::Span {
                source: Some(source),
                anchor,
                quote,
            } => spans.push((target_place, source, anchor, quote)),
        }
    }
    let several = spans.len() > 1;
    let created = annotation.optional_string("created")?;
    let mut made = Vec::new();
    for (target_place, source, anchor, quote) in spans {
        let source_id = document_id(source).unwrap_or_else(|| source.to_string());
        if source_id.trim().is_empty() {
            return Err(ImportError::new(
                format!("{target_place}.source"),
                format!("“{source}” names no document"),
            ));
        }
        let document = collected.document(source_id, &format!("{target_place}.source"));
        for &label in &labels {
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
                label: label.to_string(),
                created: created.map(str::to_string),
                note: note.map(str::to_string),
                entity: entity.map(str::to_string),
            });
        }
    }
    // A relation refers to an annotation by either IRI; to the first of
    // several it made.
    let first = collected.annotations.len();
    if !made.is_empty() {
        for iri in [iri, canonical].into_iter().flatten() {
            collected.by_iri.entry(iri.to_string()).or_insert(first);
        }
    }
    collected.add(id, made);
    Ok(())
}

/// Reads a `linking` annotation: a relation from its first target to its
/// second (or to the one a `linking` body names), of the type each
/// `tagging` body gives, with the first comment as its note. Its ends are
/// found once the whole file is read ([`Collected::into_parsed`]).
fn read_link(
    annotation: &Fields,
    place: String,
    id: Option<String>,
    collected: &mut Collected,
) -> Result<(), ImportError> {
    let mut ends = Vec::new();
    for (target_place, target) in annotation.one_or_more("target")? {
        ends.push(end_iri(&target_place, target)?);
    }
    let [Some(from), Some(to)] = ends[..] else {
        collected.drop_one(
            "linking annotation",
            "a relation here has two targets, each an annotation’s IRI",
        );
        return Ok(());
    };
    // The first `linking` body gives the direction; another is counted
    // with the bodies the app does not keep.
    let mut pointed = None;
    if annotation.value("body").is_some() {
        for (body_place, body) in annotation.one_or_more("body")? {
            // A body that is only an IRI is counted below.
            if body.is_string() {
                continue;
            }
            let body = Fields::of(body, &body_place)?;
            if body.optional_string("purpose")? == Some("linking") {
                pointed = body.optional_string("source")?;
                break;
            }
        }
    }
    let (from, to) = if pointed == Some(from) && pointed != Some(to) {
        (to, from)
    } else {
        (from, to)
    };
    let (kinds, note, _) =
        labels_note_and_entity(annotation, None, BodiesOf::Relation, &mut collected.dropped)?;
    if kinds.is_empty() {
        collected.drop_one(
            "untyped relation",
            "a relation here needs a tagging body, its type",
        );
        return Ok(());
    }
    let several = kinds.len() > 1;
    for (k, kind) in (1..).zip(kinds) {
        collected.links.push(PendingLink {
            relation: IncomingRelation {
                place: place.clone(),
                id: match &id {
                    Some(id) if several => Some(format!("{id}#{k}")),
                    id => id.clone(),
                },
                from: 0,
                to: 0,
                kind: kind.to_string(),
                created: annotation.optional_string("created")?.map(str::to_string),
                note: note.map(str::to_string),
            },
            from: from.to_string(),
            to: to.to_string(),
        });
    }
    Ok(())
}

/// The IRI a relation's target names: the target itself, or its `id` or
/// `source` when it is an object without selectors; `None` for a target
/// that is not an annotation's IRI.
fn end_iri<'a>(place: &str, target: &'a Value) -> Result<Option<&'a str>, ImportError> {
    if let Value::String(iri) = target {
        return Ok(Some(iri));
    }
    let target = Fields::of(target, place)?;
    if target.value("selector").is_some() {
        return Ok(None);
    }
    Ok(match target.optional_string("id")? {
        Some(iri) => Some(iri),
        None => target.optional_string("source")?,
    })
}

/// The annotations read so far, the documents they are on, and what was
/// left out: what [`from_value`] and the Hypothesis reader collect.
#[derive(Default)]
pub(super) struct Collected {
    documents: Vec<IncomingDocument>,
    /// Where each document id is in `documents`.
    positions: HashMap<String, usize>,
    annotations: Vec<ParsedAnnotation>,
    pub(super) dropped: Vec<Dropped>,
    /// The index in `annotations` of the first annotation each IRI (`id`,
    /// `canonical`) of the file made.
    by_iri: HashMap<String, usize>,
    /// The relations read, their ends not yet found.
    links: Vec<PendingLink>,
}

/// A relation of the file, with the IRIs of its ends.
struct PendingLink {
    relation: IncomingRelation,
    from: String,
    to: String,
}

impl Collected {
    /// The index of the document of this id, first referred to at
    /// `place`; the file does not hold its text.
    pub(super) fn document(&mut self, id: String, place: &str) -> usize {
        *self.positions.entry(id).or_insert_with_key(|id| {
            self.documents.push(IncomingDocument {
                place: place.to_string(),
                id: Some(id.clone()),
                file_name: None,
                title: None,
                text: None,
                status: None,
            });
            self.documents.len() - 1
        })
    }

    /// Adds the annotations one annotation of the file made, one for each
    /// tag on each target. With one, it keeps the file's `id`; with more,
    /// they are `id#1`, `id#2`… in the order of the targets and then the
    /// tags, the same each time the file is read.
    pub(super) fn add(&mut self, id: Option<String>, made: Vec<ParsedAnnotation>) {
        let several = made.len() > 1;
        for (k, mut annotation) in (1..).zip(made) {
            annotation.id = match &id {
                Some(id) if several => Some(format!("{id}#{k}")),
                id => id.clone(),
            };
            self.annotations.push(annotation);
        }
    }

    pub(super) fn drop_one(&mut self, what: &str, why: &str) {
        drop_one(&mut self.dropped, what, why);
    }

    /// What was read, each relation between two annotations of one
    /// document of the file; the others are counted in `dropped`.
    pub(super) fn into_parsed(mut self, stated_unit: Option<OffsetUnit>) -> Parsed {
        let mut relations = Vec::new();
        for link in std::mem::take(&mut self.links) {
            let ends = (self.by_iri.get(&link.from), self.by_iri.get(&link.to));
            let (Some(&from), Some(&to)) = ends else {
                self.drop_one(
                    "relation",
                    "an end is not an annotation the file gives and the import keeps",
                );
                continue;
            };
            if from == to {
                self.drop_one("relation", "it links an annotation to itself");
            } else if self.annotations[from].document != self.annotations[to].document {
                self.drop_one("relation", "its ends are in two different documents");
            } else {
                relations.push(IncomingRelation {
                    from,
                    to,
                    ..link.relation
                });
            }
        }
        Parsed {
            documents: self.documents,
            annotations: self.annotations,
            stated_unit,
            dropped: self.dropped,
            relations,
            ..Parsed::default()
        }
    }
}

/// An annotation's labels, note and entity, as its bodies give them.
type Bodies<'a> = (Vec<&'a str>, Option<&'a str>, Option<&'a str>);

/// What an annotation's bodies describe, which decides the bodies the app
/// keeps.
#[derive(Clone, Copy, PartialEq)]
enum BodiesOf {
    /// A span: labels, a note and an entity.
    Span,
    /// A relation: types, a note and one `linking` body, which
    /// [`read_link`] reads for the direction; no entity.
    Relation,
}

impl BodiesOf {
    /// Why a body of another purpose is left out.
    fn keeps(self) -> &'static str {
        match self {
            Self::Span => "the app keeps a label and a note per span",
            Self::Relation => "the app keeps a type, a note and a direction per relation",
        }
    }

    /// Why a body that is not text is left out.
    fn as_text(self) -> &'static str {
        match self {
            Self::Span => "the app keeps labels and notes as text",
            Self::Relation => "the app keeps relation types and notes as text",
        }
    }

    /// Why a comment after the first is left out.
    fn one_note(self) -> &'static str {
        match self {
            Self::Span => "the app keeps one note per span",
            Self::Relation => "the app keeps one note per relation",
        }
    }
}

/// The labels (the values of the `tagging` bodies), the note (the first
/// `commenting` body) and, on a span, the entity (the first `identifying`
/// body) of `annotation`; on a relation, the first `linking` body is
/// passed over, as [`read_link`] reads it. Every other body is counted in
/// `dropped`.
///
/// A body without a `purpose` takes the annotation's `motivation`, as the
/// model says (§3.3.5); without either it is a comment, as in Hypothesis's
/// JSON-LD (its text, then one `tagging` body per tag), RecogitoJS's
/// (`{"type": "TextualBody", "value": "This is a comment"}` beside its
/// tags) and the model's `bodyValue` (§3.2.5), which is read alike.
fn labels_note_and_entity<'a>(
    annotation: &Fields<'a>,
    motivation: Option<&str>,
    of: BodiesOf,
    dropped: &mut Vec<Dropped>,
) -> Result<Bodies<'a>, ImportError> {
    let mut bodies: Vec<(Option<&str>, Option<&'a str>)> = Vec::new();
    if let Some(value) = annotation.optional_string("bodyValue")? {
        bodies.push((None, Some(value)));
    }
    if annotation.value("body").is_some() {
        for (place, body) in annotation.one_or_more("body")? {
            // A body that is only an IRI names something outside the file.
            if body.is_string() {
                bodies.push((None, None));
                continue;
            }
            let body = Fields::of(body, &place)?;
            let value = match body.value("value") {
                Some(_) => Some(body.string("value")?),
                None => None,
            };
            bodies.push((body.optional_string("purpose")?, value));
        }
    }
    let (mut labels, mut note, mut entity) = (Vec::new(), None, None);
    let mut linked = false;
    let span = of == BodiesOf::Span;
    for (purpose, value) in bodies {
        match (purpose.or(motivation), value) {
            (Some("identifying"), Some(name)) if span && entity.is_none() => entity = Some(name),
            (Some("identifying"), Some(_)) if span => drop_one(
                dropped,
                "extra identifying body",
                "the app keeps one entity per span",
            ),
            (Some("linking"), _) if !span && !linked => linked = true,
            (Some(purpose), _) if !matches!(purpose, "tagging" | "commenting") => {
                drop_one(dropped, &format!("“{purpose}” body"), of.keeps());
            }
            (_, None) => drop_one(dropped, "non-text body", of.as_text()),
            (Some("tagging"), Some(label)) => labels.push(label),
            (_, Some(comment)) if note.is_none() => note = Some(comment),
            (_, Some(_)) => drop_one(dropped, "extra comment", of.one_note()),
        }
    }
    Ok((labels, note, entity))
}

/// Where a target points.
pub(super) enum Aim<'a> {
    /// A span of the text of the document `source` (if the target names
    /// it), and the text the file quotes next to its offsets.
    Span {
        source: Option<&'a str>,
        anchor: Anchor,
        quote: Option<&'a str>,
    },
    /// A whole document: an IRI, or a target without selectors.
    Whole,
}

/// Where the target at `place` points: its `TextPositionSelector` (whose
/// offsets a `TextQuoteSelector`'s `exact`, if there is one, must quote),
/// or else its `TextQuoteSelector` alone. Other selectors (`XPathSelector`,
/// `RangeSelector`, `CssSelector`, `FragmentSelector`…) and `refinedBy`
/// describe the same span in a web page's markup, which a plain text does
/// not have: they are passed over, and a target with nothing else is
/// refused.
pub(super) fn aim<'a>(place: &str, target: &'a Value) -> Result<Aim<'a>, ImportError> {
    if target.is_string() {
        return Ok(Aim::Whole);
    }
    let target = Fields::of(target, place)?;
    let source = target.optional_string("source")?;
    let selectors = match target.value("selector") {
        Some(_) => target.one_or_more("selector")?,
        None => Vec::new(),
    };
    if selectors.is_empty() {
        return Ok(Aim::Whole);
    }
    let (mut position, mut quote, mut others) = (None, None, Vec::new());
    for (place, selector) in selectors {
        let selector = Fields::of(selector, &place)?;
        let kind = selector.value("type").and_then(Value::as_str);
        let first = match kind {
            Some("TextPositionSelector") => position
                .replace((selector.offset("start")?, selector.offset("end")?))
                .is_none(),
            Some("TextQuoteSelector") => quote
                .replace((
                    selector.string("exact")?,
                    selector.optional_string("prefix")?,
                    selector.optional_string("suffix")?,
                ))
                .is_none(),
            other => {
                others.push(other.unwrap_or("a selector without a type"));
                true
            }
        };
        if !first {
            return Err(ImportError::new(
                place,
                format!(
                    "is a second {}; a target here has one span",
                    kind.unwrap_or_default()
                ),
            ));
        }
    }
    let anchor = match (position, quote) {
        (Some((start, end)), _) => Anchor::Offsets { start, end },
        (None, Some((exact, prefix, suffix))) => Anchor::Quote {
            exact: exact.to_string(),
            prefix: prefix.map(str::to_string),
            suffix: suffix.map(str::to_string),
        },
        (None, None) => {
            return Err(target.error(
                "selector",
                format!(
                    "has no TextPositionSelector or TextQuoteSelector, which would place the \
                     span in the text; this app cannot place it by {}",
                    others.join(" or ")
                ),
            ))
        }
    };
    Ok(Aim::Span {
        source,
        anchor,
        quote: position.and(quote).map(|(exact, _, _)| exact),
    })
}

/// The IRI of the annotation with this id: `urn:uuid:` and a UUID, the id
/// itself where it is one (32 lower-case hex digits with the version bits
/// of version 4 or 8 and the variant bits), or else one derived from it
/// by a hash, which [`canonical_iri`] then keeps the id beside.
pub fn annotation_iri(id: &str) -> String {
    let hex = if is_carried_uuid_hex(id) {
        id.to_string()
    } else {
        derived_uuid_hex(id)
    };
    format!(
        "{UUID_PREFIX}{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The annotation's `canonical` IRI, for an id that [`annotation_iri`]
/// cannot carry: `urn:span-annotator:annotation:` and the id
/// percent-encoded.
pub fn canonical_iri(id: &str) -> Option<String> {
    (!is_carried_uuid_hex(id)).then(|| format!("{ANNOTATION_PREFIX}{}", percent_encode(id)))
}

/// The id of the annotation whose IRI (or `canonical` IRI) is `iri`:
/// [`annotation_iri`] and [`canonical_iri`] read back, and the `urn:uuid:`
/// of any 32 hex digits, as earlier exports wrote every id the app makes.
pub fn annotation_id(iri: &str) -> Option<String> {
    if let Some(uuid) = iri.strip_prefix(UUID_PREFIX) {
        let hex: String = uuid.chars().filter(|&c| c != '-').collect();
        return is_uuid_hex(&hex).then_some(hex);
    }
    percent_decode(iri.strip_prefix(ANNOTATION_PREFIX)?)
}

/// Whether `id` is 32 lower-case hex digits, which `urn:uuid:` can carry.
fn is_uuid_hex(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether `id` is a UUID of version 4 (random) or 8 (the app's own) in 32
/// lower-case hex digits: the 13th is `4` or `8`, the 17th one of `8`, `9`,
/// `a`, `b` (RFC 9562 §4).
fn is_carried_uuid_hex(id: &str) -> bool {
    is_uuid_hex(id)
        && matches!(id.as_bytes()[12], b'4' | b'8')
        && matches!(id.as_bytes()[16], b'8'..=b'9' | b'a'..=b'b')
}

/// A version-4 UUID, in 32 hex digits, made from `id` by FNV-1a (128 bits),
/// the same for the same id: its 122 free bits are the hash's.
fn derived_uuid_hex(id: &str) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let hash = id.bytes().fold(OFFSET, |hash, byte| {
        (hash ^ u128::from(byte)).wrapping_mul(PRIME)
    });
    // Version 4 in bits 76..80, variant 0b10 in bits 62..64.
    let uuid = (hash & !(0xf << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
    format!("{uuid:032x}")
}

/// The IRI of the document with this id.
pub fn document_iri(id: &str) -> String {
    format!("{DOCUMENT_PREFIX}{}", percent_encode(id))
}

/// The id of the document [`document_iri`] made `iri` from.
pub fn document_id(iri: &str) -> Option<String> {
    percent_decode(iri.strip_prefix(DOCUMENT_PREFIX)?)
}

/// `id` with every byte of its UTF-8 other than RFC 3986's unreserved
/// characters written `%XX`, so that any id makes a valid URN (and IRI).
fn percent_encode(id: &str) -> String {
    let mut encoded = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// The inverse of [`percent_encode`], or `None` if `encoded` is not
/// well-formed or does not decode to UTF-8.
fn percent_decode(encoded: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut rest = encoded.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::format::registry;
    use crate::format::registry::tests::{assert_refused, import, unannotated, NOW};
    use crate::format::samples::{self, TRICKY, TRICKY_TEXT};
    use crate::model::import::{plan, Mode};
    use crate::model::parsed::UnitSource;
    use crate::model::IdMint;
    use crate::model::{text, Action};

    fn exported(documents: &[usize]) -> Value {
        let ws = samples::workspace();
        serde_json::from_str(
            &export(&ws, documents, OffsetUnit::CodePoint)
                .unwrap()
                .into_text(),
        )
        .expect("valid JSON")
    }

    fn items(collection: &Value) -> &Vec<Value> {
        collection["first"]["items"].as_array().expect("items")
    }

    #[test]
    fn a_collection_of_every_annotation_with_its_unit() {
        let ws = samples::workspace();
        let collection = exported(&samples::all(&ws));
        assert_eq!(collection["@context"], CONTEXT);
        assert_eq!(collection["type"], "AnnotationCollection");
        assert_eq!(collection["offset_unit"], "codepoint");
        assert_eq!(collection["first"]["type"], "AnnotationPage");
        assert_eq!(collection["first"]["startIndex"], 0);
        assert_eq!(
            collection["total"].as_u64(),
            Some(ws.all_annotations().count() as u64)
        );
        assert_eq!(items(&collection).len(), ws.all_annotations().count());
        assert!(collection["id"]
            .as_str()
            .unwrap()
            .starts_with(COLLECTION_PREFIX));
        assert_eq!(collection["documents"].as_array().unwrap().len(), 4);
        assert_eq!(
            collection["documents"][3],
            serde_json::json!({
                "id": "urn:span-annotator:document:tricky%2F1%20%C3%BC",
                "file_name": "tricky ü.txt",
                "title": "Flag 🇸🇾 and family 👩\u{200d}👩\u{200d}👧 wave 👋🏽 at cafe\u{301} today."
            })
        );
    }

    /// The linking annotations of an export.
    fn links(collection: &Value) -> Vec<&Value> {
        items(collection)
            .iter()
            .filter(|item| item["motivation"] == "linking")
            .collect()
    }

    /// The first linking annotation of an export, to change.
    fn first_link_mut(collection: &mut Value) -> &mut Value {
        collection["first"]["items"]
            .as_array_mut()
            .expect("items")
            .iter_mut()
            .find(|item| item["motivation"] == "linking")
            .expect("a linking annotation")
    }

    #[test]
    fn relations_are_linking_annotations_and_come_back_with_type_direction_and_note() {
        let original = samples::with_relations();
        let all = samples::all(&original);
        let file = export(&original, &all, OffsetUnit::CodePoint).unwrap();
        assert_eq!(file.relations_left_out, None, "{}", file.summary());
        let file = file.into_text();
        let collection: Value = serde_json::from_str(&file).unwrap();
        let relations = original.all_relations().count();
        assert_eq!(links(&collection).len(), relations);
        assert_eq!(
            collection["total"].as_u64(),
            Some((original.all_annotations().count() + relations) as u64)
        );
        let first = original.all_relations().next().unwrap();
        let (from, to) = (annotation_iri(&first.from), annotation_iri(&first.to));
        assert_eq!(
            *links(&collection)[0],
            json!({
                "id": annotation_iri("r0"),
                "canonical": "urn:span-annotator:annotation:r0",
                "type": "Annotation",
                "motivation": "linking",
                "created": samples::CREATED,
                "body": [
                    { "type": "TextualBody", "purpose": "tagging", "value": "member of" },
                    { "type": "TextualBody", "purpose": "commenting",
                      "value": "heads the delegation 🇷🇺" },
                    { "type": "SpecificResource", "purpose": "linking", "source": to }
                ],
                "target": [from, to]
            })
        );
        // Each end is an annotation of the file, by its `id`.
        let ids: Vec<&Value> = items(&collection).iter().map(|i| &i["id"]).collect();
        for link in links(&collection) {
            for end in link["target"].as_array().unwrap() {
                assert!(ids.contains(&end), "{end}");
            }
        }

        let mut ws = unannotated();
        let preview = import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            "4 documents, 26 annotations, 2 new labels, 5 relations"
        );
        assert_eq!(
            samples::seen_relations(&ws),
            samples::seen_relations(&original)
        );
        let ids = |ws: &Workspace| {
            ws.all_relations()
                .map(|r| (r.id.clone(), r.created.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&ws), ids(&original));
        assert_eq!(
            export(&ws, &all, OffsetUnit::CodePoint)
                .unwrap()
                .into_text(),
            file
        );
        let again = import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(
            again.to_string(),
            "4 documents, 26 annotations; 26 annotations already present"
        );
    }

    /// The export of the first document of the sample with relations,
    /// parsed, and its one relation.
    fn first_document_with_relations() -> (Value, Vec<samples::SeenRelation>) {
        let original = samples::with_relations();
        let file = export(&original, &[0], OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        let mut wanted = samples::seen_relations(&original);
        wanted.retain(|r| r.0 == original.document(0).unwrap().id);
        assert_eq!(wanted.len(), 1);
        (serde_json::from_str(&file).unwrap(), wanted)
    }

    /// The relations `file` brings into a workspace without annotations.
    fn imported_relations(file: &str) -> Vec<samples::SeenRelation> {
        let mut ws = unannotated();
        import(&mut ws, file, Mode::Merge).unwrap();
        samples::seen_relations(&ws)
    }

    #[test]
    fn a_link_is_read_from_its_first_target_or_toward_its_linking_body() {
        let (mut collection, wanted) = first_document_with_relations();
        let link = first_link_mut(&mut collection);
        // The targets swapped: the linking body still says which is `to`.
        link["target"].as_array_mut().unwrap().reverse();
        assert_eq!(imported_relations(&collection.to_string()), wanted);
        // Recogito's shape: targets `{"id": …}`, no linking body, no
        // purpose on the comment: the first target is `from`.
        let link = first_link_mut(&mut collection);
        link["target"].as_array_mut().unwrap().reverse();
        let targets: Vec<Value> = link["target"]
            .as_array()
            .unwrap()
            .iter()
            .map(|iri| json!({ "id": iri }))
            .collect();
        link["target"] = targets.into();
        link["body"] = json!([
            { "type": "TextualBody", "value": "heads the delegation 🇷🇺" },
            { "type": "TextualBody", "purpose": "tagging", "value": "member of" }
        ]);
        assert_eq!(imported_relations(&collection.to_string()), wanted);
    }

    #[test]
    fn a_links_bodies_the_app_does_not_keep_are_counted() {
        let (mut collection, wanted) = first_document_with_relations();
        let link = first_link_mut(&mut collection);
        let (from, to) = (link["target"][0].clone(), link["target"][1].clone());
        // The targets swapped: the first linking body says which is `to`,
        // and a second one, naming the other end, is counted, not read.
        link["target"] = json!([to, from]);
        link["body"].as_array_mut().unwrap().extend([
            json!({ "type": "SpecificResource", "purpose": "linking", "source": from }),
            json!({ "type": "TextualBody", "purpose": "commenting", "value": "again" }),
            json!({ "type": "TextualBody", "purpose": "identifying", "value": "Q1" }),
            json!({ "type": "TextualBody", "purpose": "replying", "value": "agreed" }),
            json!("https://example.org/relation"),
        ]);
        let file = collection.to_string();
        let (_, parsed) = registry::read(&file).unwrap();
        let keeps = "the app keeps a type, a note and a direction per relation";
        assert_eq!(
            dropped(&parsed),
            [
                format!("1 “linking” body ({keeps})"),
                "1 extra comment (the app keeps one note per relation)".into(),
                format!("1 “identifying” body ({keeps})"),
                format!("1 “replying” body ({keeps})"),
                "1 non-text body (the app keeps relation types and notes as text)".into(),
            ]
        );
        assert_eq!(imported_relations(&file), wanted);
    }

    #[test]
    fn links_that_cannot_be_kept_are_counted_and_skipped_and_new_types_added() {
        let original = samples::with_relations();
        let file = export(&original, &samples::all(&original), OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        let mut collection: Value = serde_json::from_str(&file).unwrap();
        let items = collection["first"]["items"].as_array_mut().unwrap();
        let in_doc = |doc: usize| {
            let source = document_iri(&original.document(doc).unwrap().id);
            items
                .iter()
                .filter(|i| i["target"]["source"] == source.as_str())
                .map(|i| i["id"].clone())
                .collect::<Vec<Value>>()
        };
        let (first, other) = (in_doc(0), in_doc(2));
        let link = |id: &str, target: Value, body: Value| {
            json!({ "id": id, "type": "Annotation", "motivation": "linking",
                    "body": body, "target": target })
        };
        let tag =
            |kind: &str| json!([{ "type": "TextualBody", "purpose": "tagging", "value": kind }]);
        items.extend([
            link(
                "urn:x:missing",
                json!([first[0], "urn:x:nowhere"]),
                tag("says"),
            ),
            link("urn:x:two-docs", json!([first[0], other[0]]), tag("says")),
            link("urn:x:itself", json!([first[0], first[0]]), tag("says")),
            link("urn:x:one", json!(first[0]), tag("says")),
            link("urn:x:untyped", json!([first[0], first[1]]), json!([])),
            link("urn:x:new", json!([first[1], first[0]]), tag("quotes")),
        ]);
        let file = collection.to_string();
        let (_, parsed) = registry::read(&file).unwrap();
        assert_eq!(
            dropped(&parsed),
            [
                "1 linking annotation (a relation here has two targets, each an annotation’s IRI)",
                "1 untyped relation (a relation here needs a tagging body, its type)",
                "1 relation (an end is not an annotation the file gives and the import keeps)",
                "1 relation (its ends are in two different documents)",
                "1 relation (it links an annotation to itself)",
            ]
        );
        let mut ws = unannotated();
        let preview = import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            "4 documents, 26 annotations, 2 new labels, 6 relations, 1 new relation type"
        );
        let quotes = ws.all_relations().find(|r| r.kind == "quotes").unwrap();
        assert_eq!(quotes.id, "urn:x:new");
        assert!(ws.relation_types().iter().any(|t| t.name == "quotes"));
    }

    #[test]
    fn every_selector_matches_the_text_in_code_points() {
        let ws = samples::workspace();
        let collection = exported(&samples::all(&ws));
        for item in items(&collection) {
            let source = item["target"]["source"].as_str().unwrap();
            let doc = ws.position(&document_id(source).unwrap()).unwrap();
            let text = &ws.document(doc).unwrap().text;
            let [quote, position] = [0, 1].map(|i| &item["target"]["selector"][i]);
            assert_eq!(quote["type"], "TextQuoteSelector");
            assert_eq!(position["type"], "TextPositionSelector");
            let start = position["start"].as_u64().unwrap() as usize;
            let end = position["end"].as_u64().unwrap() as usize;
            let exact = quote["exact"].as_str().unwrap();
            assert_eq!(text::slice(text, start, end), Some(exact));
            let prefix = quote["prefix"].as_str().unwrap();
            let suffix = quote["suffix"].as_str().unwrap();
            assert_eq!(
                text::slice(text, start - text::char_len(prefix), start),
                Some(prefix)
            );
            assert_eq!(
                text::slice(text, end, end + text::char_len(suffix)),
                Some(suffix)
            );
            assert!(text::char_len(prefix) == CONTEXT_CHARS || start - text::char_len(prefix) == 0);
            assert!(
                text::char_len(suffix) == CONTEXT_CHARS
                    || end + text::char_len(suffix) == text::char_len(text)
            );
        }
    }

    #[test]
    fn bodies_carry_the_label_and_the_note() {
        let collection = exported(&[TRICKY]);
        let tagged = items(&collection)
            .iter()
            .find(|item| item["target"]["selector"][0]["exact"] == "He said “de-facto”")
            .unwrap();
        assert_eq!(
            tagged["body"],
            serde_json::json!([
                { "type": "TextualBody", "purpose": "tagging", "value": "Event" },
                { "type": "TextualBody", "purpose": "commenting",
                  "value": "line one\r\nline two\tand a tab\u{2028}and more" }
            ])
        );
        assert_eq!(tagged["type"], "Annotation");
        assert_eq!(tagged["created"], samples::CREATED);
        let untagged = &items(&collection)[0];
        assert_eq!(untagged["body"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn context_is_cut_at_the_texts_ends_and_counts_code_points() {
        let collection = exported(&[TRICKY]);
        let flag = &items(&collection)[0]["target"]["selector"][0];
        assert_eq!(flag["exact"], "🇸🇾");
        assert_eq!(flag["prefix"], "Flag ");
        let suffix = flag["suffix"].as_str().unwrap();
        assert_eq!(text::char_len(suffix), CONTEXT_CHARS);
        assert!(TRICKY_TEXT.starts_with(&format!("Flag 🇸🇾{suffix}")));
        let last = items(&collection).last().unwrap();
        assert_eq!(last["target"]["selector"][0]["suffix"], ", end.");
    }

    #[test]
    fn ids_are_iris_that_map_back() {
        // A UUID of version 4 (ids the app made before) or 8 (ids it makes
        // now) is written as the id's own hex digits.
        let v4 = "0123456789ab4def8123456789abcdef";
        assert_eq!(
            annotation_iri(v4),
            "urn:uuid:01234567-89ab-4def-8123-456789abcdef"
        );
        let v8 = IdMint::new(*b"\x01\x23\x45\x67\x89\xab\xcd\xef").next_id();
        assert_eq!(
            annotation_iri(&v8),
            "urn:uuid:01234567-89ab-8def-8000-000000000001"
        );
        for id in [v4, &v8] {
            assert_eq!(canonical_iri(id), None);
            assert_eq!(annotation_id(&annotation_iri(id)).as_deref(), Some(id));
        }
        // Any other id: a UUID derived from it, and the id in `canonical`.
        for (id, canonical) in [
            (
                "0123456789abcdef0123456789abcdef",
                "urn:span-annotator:annotation:0123456789abcdef0123456789abcdef",
            ),
            (
                "legacy id #1",
                "urn:span-annotator:annotation:legacy%20id%20%231",
            ),
            (
                "0123456789ABCDEF0123456789ABCDEF",
                "urn:span-annotator:annotation:0123456789ABCDEF0123456789ABCDEF",
            ),
            ("ü/é", "urn:span-annotator:annotation:%C3%BC%2F%C3%A9"),
        ] {
            assert_eq!(canonical_iri(id).as_deref(), Some(canonical));
            assert_eq!(annotation_id(canonical).as_deref(), Some(id));
            let iri = annotation_iri(id);
            assert!(is_uuid_iri(&iri, '4'), "{iri}");
            assert_eq!(annotation_iri(id), iri, "the same each time");
        }
        // Earlier exports wrote any 32 hex digits as they are.
        assert_eq!(
            annotation_id("urn:uuid:01234567-89ab-cdef-0123-456789abcdef").as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        assert_eq!(
            document_id(&document_iri("tricky/1 ü")).as_deref(),
            Some("tricky/1 ü")
        );
        for bad in [
            "urn:uuid:xyz",
            "urn:span-annotator:annotation:%C3",
            "urn:x:y",
            "%zz",
        ] {
            assert_eq!(annotation_id(bad), None, "{bad}");
        }
        let collection = exported(&samples::all(&samples::workspace()));
        let mut seen = std::collections::HashSet::new();
        for item in items(&collection) {
            let iri = item["id"].as_str().unwrap();
            assert!(is_uuid_iri(iri, '4') || is_uuid_iri(iri, '8'), "{iri}");
            assert!(seen.insert(iri), "{iri} twice");
        }
        let article = exported(&[0]);
        assert_eq!(
            items(&article)[1]["canonical"],
            "urn:span-annotator:annotation:legacy%20id%20%231"
        );
    }

    /// Whether `iri` is `urn:uuid:` and a UUID of `version`, 8-4-4-4-12.
    fn is_uuid_iri(iri: &str, version: char) -> bool {
        let Some(uuid) = iri.strip_prefix("urn:uuid:") else {
            return false;
        };
        let groups: Vec<&str> = uuid.split('-').collect();
        let hex: Vec<char> = groups.concat().chars().collect();
        groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
            && hex.iter().all(|c| matches!(c, '0'..='9' | 'a'..='f'))
            && hex[12] == version
            && "89ab".contains(hex[16])
    }

    #[test]
    fn the_current_document_alone_and_no_annotations_at_all() {
        let collection = exported(&[1]);
        assert_eq!(collection["total"], 2);
        assert_eq!(collection["documents"].as_array().unwrap().len(), 1);
        assert!(collection["label"]
            .as_str()
            .unwrap()
            .starts_with("Span annotations of “Powerbrokers Russia"));
        let empty = Workspace::new(crate::model::seed_documents(), vec![]);
        let collection: Value = serde_json::from_str(
            &export(&empty, &[0, 7], OffsetUnit::CodePoint)
                .unwrap()
                .into_text(),
        )
        .unwrap();
        assert_eq!(collection["total"], 0);
        assert!(collection.get("first").is_none(), "no page without items");
        assert_eq!(collection["documents"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn the_export_merged_into_its_own_state_changes_nothing() {
        let ws = samples::workspace();
        let (format, parsed) = registry::read(
            &export(&ws, &samples::all(&ws), OffsetUnit::CodePoint)
                .unwrap()
                .into_text(),
        )
        .unwrap();
        assert_eq!(format.id, "w3c");
        let incoming = parsed.resolve(&ws, None).unwrap().incoming;
        let mut no_id = || panic!("every id is in the file");
        let plan = plan(&ws, incoming, Mode::Merge, &mut no_id, NOW).unwrap();
        assert_eq!(plan.action, Action::default());
        assert_eq!(
            plan.preview.to_string(),
            "4 documents, 26 annotations; 26 annotations already present"
        );
    }

    #[test]
    fn the_export_reproduces_every_span_label_note_entity_and_id() {
        let original = samples::with_entities();
        let all = samples::all(&original);
        let file = export(&original, &all, OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        let identified: Vec<String> = items(&serde_json::from_str(&file).unwrap())
            .iter()
            .flat_map(|item| item["body"].as_array().unwrap().clone())
            .filter(|body| body["purpose"] == "identifying")
            .map(|body| body["value"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(identified.len(), samples::ENTITIES.len());
        assert!(identified.iter().any(|name| name == "叙利亚 Syria"));
        let mut ws = unannotated();
        let preview = import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            "4 documents, 26 annotations, 2 new labels"
        );
        let spans: Vec<&Annotation> = ws.all_annotations().collect();
        assert_eq!(spans, original.all_annotations().collect::<Vec<_>>());
        let names = |ws: &Workspace| -> Vec<String> {
            ws.labels().iter().map(|l| l.name.clone()).collect()
        };
        assert_eq!(names(&ws), names(&original));
        assert_eq!(
            export(&ws, &all, OffsetUnit::CodePoint)
                .unwrap()
                .into_text(),
            file,
            "exported again, byte for byte"
        );
    }

    #[test]
    fn a_list_a_page_one_annotation_and_single_bodies_read_alike() {
        let original = samples::workspace();
        let collection = exported(&samples::all(&original));
        let items = items(&collection);
        // One object where the list would hold one, and no quote.
        let single: Vec<Value> = items
            .iter()
            .map(|item| {
                let mut item = item.clone();
                if item["body"].as_array().unwrap().len() == 1 {
                    item["body"] = item["body"][0].clone();
                }
                item["target"]["selector"] = item["target"]["selector"][1].clone();
                item
            })
            .collect();
        for file in [
            json!(items),
            json!({ "type": "AnnotationPage", "items": items }),
            json!(single),
        ] {
            let mut ws = unannotated();
            import(&mut ws, &file.to_string(), Mode::Merge).unwrap();
            let spans: Vec<&Annotation> = ws.all_annotations().collect();
            assert_eq!(spans, original.all_annotations().collect::<Vec<_>>());
        }
        let mut ws = unannotated();
        let preview = import(&mut ws, &items[3].to_string(), Mode::Merge).unwrap();
        assert_eq!(preview.to_string(), "1 document, 1 annotation");
        assert_eq!(
            ws.all_annotations().next(),
            original.all_annotations().nth(3)
        );
    }

    #[test]
    fn another_tools_annotation_keeps_its_iri_as_its_id() {
        // As Recogito writes it: the purpose from the motivation, bodies
        // this app has no place for, another selector, and a plain source.
        let foreign = json!({
            "@context": CONTEXT,
            "id": "https://example.org/annotations/7",
            "type": "Annotation",
            "motivation": "tagging",
            "body": [
                { "type": "TextualBody", "value": "Person" },
                { "type": "TextualBody", "purpose": "classifying", "value": "x" },
                "https://example.org/tags/person",
                { "type": "TextualBody", "purpose": "commenting", "value": "seen" }
            ],
            "target": {
                "source": "tricky/1 ü",
                "selector": [
                    { "type": "XPathSelector", "value": "/p[1]" },
                    { "type": "TextPositionSelector", "start": 19, "end": 24 }
                ]
            }
        });
        let mut ws = unannotated();
        import(&mut ws, &foreign.to_string(), Mode::Merge).unwrap();
        let family = ws.annotations(TRICKY).unwrap().iter().next().unwrap();
        assert_eq!(
            (
                family.id.as_str(),
                family.label.as_str(),
                family.quote.as_str(),
                family.note.as_deref(),
                family.created.as_str()
            ),
            (
                "https://example.org/annotations/7",
                "Person",
                "👩\u{200d}👩\u{200d}👧",
                Some("seen"),
                NOW
            )
        );
        let again = export(&ws, &[TRICKY], OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        assert!(again.contains("urn:span-annotator:annotation:https%3A%2F%2Fexample.org"));
        for file in [foreign.to_string(), again] {
            let before = ws.all_annotations().cloned().collect::<Vec<_>>();
            let preview = import(&mut ws, &file, Mode::Merge).unwrap();
            assert_eq!(
                preview.to_string(),
                "1 document, 1 annotation; 1 annotation already present"
            );
            assert_eq!(ws.all_annotations().cloned().collect::<Vec<_>>(), before);
        }
    }

    #[test]
    fn a_malformed_file_is_refused_with_its_place_and_reason_and_changes_nothing() {
        let ws = samples::workspace();
        let tricky = ws.document(TRICKY).unwrap();
        let edited = |edit: &dyn Fn(&mut Value)| {
            let mut value = exported(&[TRICKY]);
            edit(&mut value);
            value.to_string()
        };
        let item = |edit: &dyn Fn(&mut Value)| edited(&|v| edit(&mut v["first"]["items"][0]));
        let cases: Vec<(String, String)> = vec![
            (
                item(&|a| a["body"][0]["value"] = 3.into()),
                "first.items[0].body[0].value must be a string, not the number 3".into(),
            ),
            (
                item(&|a| a["body"][0]["value"] = "".into()),
                "first.items[0].label is empty".into(),
            ),
            (
                item(&|a| a["target"]["selector"][1]["start"] = 9.into()),
                "first.items[0].start = 9 is after its end, 7".into(),
            ),
            (
                item(&|a| a["target"]["selector"][1]["start"] = (-1).into()),
                "first.items[0].target.selector[1].start = -1 is negative".into(),
            ),
            (
                item(&|a| a["target"]["selector"][1]["end"] = 6.5.into()),
                "first.items[0].target.selector[1].end = 6.5 is not a whole number".into(),
            ),
            (
                item(&|a| a["target"]["selector"][1]["end"] = 99_999.into()),
                format!(
                    "first.items[0].end = 99999 is past the end of document “{}” ({} code points)",
                    tricky.title,
                    tricky.char_len()
                ),
            ),
            (
                item(&|a| a["target"]["selector"][0]["exact"] = "Syria".into()),
                "first.items[0].quote “Syria” does not match the text at 5..7 (“🇸🇾”)".into(),
            ),
            (
                item(&|a| {
                    a["target"]["selector"] = json!({"type": "XPathSelector", "value": "/p"})
                }),
                "first.items[0].target.selector has no TextPositionSelector or TextQuoteSelector, \
                 which would place the span in the text; this app cannot place it by XPathSelector"
                    .into(),
            ),
            (
                item(&|a| drop(a["target"].as_object_mut().unwrap().remove("source"))),
                "first.items[0].target has no source, so the file does not say which document it \
                 annotates"
                    .into(),
            ),
            (
                item(&|a| {
                    let position = a["target"]["selector"][1].clone();
                    a["target"]["selector"]
                        .as_array_mut()
                        .unwrap()
                        .push(position);
                }),
                "first.items[0].target.selector[2] is a second TextPositionSelector; a target \
                 here has one span"
                    .into(),
            ),
            (
                item(&|a| a["target"]["source"] = document_iri("nope").into()),
                "first.items[0].target.source refers to the document “nope”, which is not here, \
                 and the file does not hold its text"
                    .into(),
            ),
            (
                item(&|a| a["target"]["source"] = "https://example.org/a.txt".into()),
                "first.items[0].target.source refers to the document “https://example.org/a.txt”"
                    .into(),
            ),
            (
                item(&|a| a["target"]["source"] = "urn:span-annotator:document:".into()),
                "first.items[0].target.source “urn:span-annotator:document:” names no document"
                    .into(),
            ),
            (
                item(&|a| a["created"] = 1.into()),
                "first.items[0].created must be a string, not the number 1".into(),
            ),
            (
                edited(&|v| {
                    for field in ["id", "canonical"] {
                        v["first"]["items"][2][field] = v["first"]["items"][0][field].clone();
                    }
                }),
                format!(
                    "first.items[2].id “{:032x}” is already the id of first.items[0]",
                    7
                ),
            ),
            (
                edited(&|v| v["first"]["items"][0] = 1.into()),
                "first.items[0] must be a JSON object, not the number 1".into(),
            ),
            (
                edited(&|v| v["first"]["items"] = json!({})),
                "first.items must be a list, not an object".into(),
            ),
            (
                edited(&|v| v["first"] = "urn:x:page:1".into()),
                "first is a link (“urn:x:page:1”) to a page that is not in the file".into(),
            ),
            (
                edited(&|v| v["first"]["next"] = "urn:x:page:2".into()),
                "first.next links to another page, which is not in the file".into(),
            ),
            (
                edited(&|v| v["offset_unit"] = "furlongs".into()),
                "offset_unit is “furlongs”; this app reads “codepoint”, “utf16” or “utf8”".into(),
            ),
            (
                json!([items(&exported(&[TRICKY]))[0], 5]).to_string(),
                "[1] must be a JSON object, not the number 5".into(),
            ),
        ];
        assert!(cases.len() >= 20);
        assert_refused(&cases);
    }

    /// The UTF-16 code units before the first `needle` in `text`, and
    /// after it: how a browser's DOM (Recogito, Hypothesis) counts.
    fn utf16(text: &str, needle: &str) -> (usize, usize) {
        let byte = text.find(needle).expect("the text has it");
        let start = text[..byte].encode_utf16().count();
        (start, start + needle.encode_utf16().count())
    }

    /// What `parsed` leaves out, as the preview says it.
    fn dropped(parsed: &Parsed) -> Vec<String> {
        parsed.dropped.iter().map(ToString::to_string).collect()
    }

    /// An annotation as Recogito's text annotator writes it: the target a
    /// one-element list, a quote with context and UTF-16 positions, a tag
    /// and a comment.
    fn recogito(id: &str, needle: &str, tag: &str) -> Value {
        let (start, end) = utf16(TRICKY_TEXT, needle);
        json!({
            "@context": CONTEXT,
            "id": id,
            "type": "Annotation",
            "body": [
                { "type": "TextualBody", "purpose": "tagging", "value": tag },
                { "type": "TextualBody", "purpose": "commenting", "value": "seen" }
            ],
            "created": "2024-01-05T13:19:14.716Z",
            "target": [{
                "source": "tricky/1 ü",
                "selector": [
                    { "type": "TextQuoteSelector", "exact": needle },
                    { "type": "TextPositionSelector", "start": start, "end": end }
                ]
            }]
        })
    }

    #[test]
    fn recogitos_utf16_positions_resolve_to_the_right_code_points() {
        let ws = unannotated();
        let needles = [
            ("👩\u{200d}👩\u{200d}👧", "Person"),
            ("cafe\u{301}", "Location"),
            ("新闻", "Event"),
            ("שלום עולם", "Лицо"),
            ("مرحبا", "Armed Group"),
            ("“de-facto”", "Date"),
        ];
        let file: Vec<Value> = needles
            .iter()
            .enumerate()
            .map(|(i, (needle, tag))| recogito(&format!("https://example.org/a/{i}"), needle, tag))
            .collect();
        let (format, parsed) = registry::read(&json!(file).to_string()).unwrap();
        assert_eq!(format.id, "w3c");
        assert_eq!(parsed.stated_unit, None, "Recogito does not say");
        let resolved = parsed.resolve(&ws, None).unwrap();
        assert_eq!(
            (resolved.unit, resolved.source),
            (OffsetUnit::Utf16, UnitSource::Quotes)
        );
        for (a, (needle, tag)) in resolved.incoming.annotations().iter().zip(needles) {
            let span = samples::find(TRICKY_TEXT, needle);
            assert_eq!((a.start, a.end), (span.start, span.end), "{needle}");
            assert_eq!((a.label.as_str(), a.note.as_deref()), (tag, Some("seen")));
        }
        let mut ws = unannotated();
        let preview = import(&mut ws, &json!(file).to_string(), Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            "1 document, 6 annotations, 2 new labels"
        );
    }

    #[test]
    fn the_export_in_utf16_reads_back_unchanged() {
        let original = samples::workspace();
        let all = samples::all(&original);
        let file = export(&original, &all, OffsetUnit::Utf16)
            .unwrap()
            .into_text();
        let mut ws = unannotated();
        import(&mut ws, &file, Mode::Merge).unwrap();
        let spans: Vec<&Annotation> = ws.all_annotations().collect();
        assert_eq!(spans, original.all_annotations().collect::<Vec<_>>());
        assert_eq!(
            export(&ws, &all, OffsetUnit::Utf16).unwrap().into_text(),
            file
        );
    }

    #[test]
    fn recogitos_text_annotator_highlights_have_no_tag_and_are_counted() {
        // Five highlights (no bodies) of a Gutenberg page, as recogito's
        // text annotator writes them: see tests/fixtures/recogito/README.md.
        let file =
            include_str!("../../../../tests/fixtures/recogito/text-annotator-annotations.w3c.json");
        let (format, parsed) = registry::read(file).unwrap();
        assert_eq!(format.id, "w3c");
        assert!(parsed.annotations.is_empty());
        assert!(parsed.documents.is_empty(), "no document for nothing kept");
        assert_eq!(
            dropped(&parsed),
            ["5 untagged annotations (a span here needs a label)"]
        );
        let mut ws = unannotated();
        let preview = import(&mut ws, file, Mode::Merge).unwrap();
        assert_eq!(preview.to_string(), "0 documents, 0 annotations");
    }

    #[test]
    fn recogito_js_targets_without_a_source_are_refused_and_its_relations_counted() {
        // RecogitoJS's sample: a comment and two tags on "Troy", comments
        // without tags, a relation; no target names its source.
        let file =
            include_str!("../../../../tests/fixtures/recogito/recogito-js-annotations.w3c.json");
        assert_eq!(
            registry::read(file).unwrap_err().to_string(),
            "[0].target has no source, so the file does not say which document it annotates \
             (read as W3C Web Annotation JSON-LD)"
        );
        let mut value: Value = serde_json::from_str(file).unwrap();
        for item in value.as_array_mut().unwrap() {
            if let Some(target) = item["target"].as_object_mut() {
                target.insert("source".into(), "seed/1".into());
            }
        }
        let (_, parsed) = registry::read(&value.to_string()).unwrap();
        assert_eq!(
            dropped(&parsed),
            [
                "2 untagged annotations (a span here needs a label)",
                "1 relation (an end is not an annotation the file gives and the import keeps)"
            ]
        );
        let tags: Vec<(&str, &str, Option<&str>)> = parsed
            .annotations
            .iter()
            .map(|a| {
                (
                    a.id.as_deref().unwrap(),
                    a.label.as_str(),
                    a.note.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            tags,
            [
                (
                    "#ce0ed291-766b-4763-8e91-90ce1d04e706#1",
                    "A Tag",
                    Some("This is a comment")
                ),
                (
                    "#ce0ed291-766b-4763-8e91-90ce1d04e706#2",
                    "Another Tag",
                    Some("This is a comment")
                ),
            ],
            "one annotation per tag, the comment on each"
        );
    }

    #[test]
    fn several_targets_make_one_annotation_each_with_the_same_label() {
        let mut two = recogito("urn:x:1", "新闻", "Event");
        let (start, end) = utf16(
            samples::workspace().document(0).unwrap().text.as_ref(),
            "Russia",
        );
        two["target"].as_array_mut().unwrap().push(json!({
            "source": samples::workspace().document(0).unwrap().id,
            "selector": { "type": "TextPositionSelector", "start": start, "end": end }
        }));
        let (_, parsed) = registry::read(&two.to_string()).unwrap();
        let made: Vec<(&str, usize, &str, &str)> = parsed
            .annotations
            .iter()
            .map(|a| {
                (
                    a.id.as_deref().unwrap(),
                    a.document,
                    a.label.as_str(),
                    a.place.as_str(),
                )
            })
            .collect();
        assert_eq!(
            made,
            [
                ("urn:x:1#1", 0, "Event", "target[0]"),
                ("urn:x:1#2", 1, "Event", "target[1]")
            ]
        );
        let mut ws = unannotated();
        let preview = import(&mut ws, &two.to_string(), Mode::Merge).unwrap();
        assert_eq!(preview.to_string(), "2 documents, 2 annotations");
        assert_eq!(
            ws.annotations(0).unwrap().iter().next().unwrap().quote,
            "Russia"
        );
    }

    #[test]
    fn what_the_app_cannot_keep_is_counted_not_refused() {
        let mut annotation = recogito("urn:x:1", "cafe\u{301}", "Location");
        let body = annotation["body"].as_array_mut().unwrap();
        for purpose in [
            "linking",
            "identifying",
            "identifying",
            "classifying",
            "highlighting",
            "replying",
            "replying",
        ] {
            body.push(json!({ "type": "TextualBody", "purpose": purpose, "value": "x" }));
        }
        body.push("https://www.geonames.org/2988507".into());
        body.push(json!({ "type": "Image", "id": "https://example.org/a.png" }));
        body.push(json!({ "type": "TextualBody", "purpose": "commenting", "value": "again" }));
        annotation["target"]
            .as_array_mut()
            .unwrap()
            .push("tricky/1 ü".into());
        let untagged = json!({
            "@context": CONTEXT, "type": "Annotation", "body": [], "target": "tricky/1 ü"
        });
        let relation = json!({
            "@context": CONTEXT, "type": "Annotation", "motivation": "linking",
            "body": [{ "type": "TextualBody", "purpose": "tagging", "value": "isRelatedTo" }],
            "target": [{ "id": "#a" }, { "id": "#b" }]
        });
        let file = json!([annotation, untagged, relation]).to_string();
        let (_, parsed) = registry::read(&file).unwrap();
        assert_eq!(
            dropped(&parsed),
            [
                "1 “linking” body (the app keeps a label and a note per span)",
                "1 extra identifying body (the app keeps one entity per span)",
                "1 “classifying” body (the app keeps a label and a note per span)",
                "1 “highlighting” body (the app keeps a label and a note per span)",
                "2 “replying” bodies (the app keeps a label and a note per span)",
                "2 non-text bodies (the app keeps labels and notes as text)",
                "1 extra comment (the app keeps one note per span)",
                "1 whole-document target (a span needs a selector that places it in the text)",
                "1 untagged annotation (a span here needs a label)",
                "1 relation (an end is not an annotation the file gives and the import keeps)",
            ]
        );
        assert_eq!(parsed.annotations.len(), 1);
        assert_eq!(parsed.annotations[0].note.as_deref(), Some("seen"));
        assert_eq!(parsed.annotations[0].entity.as_deref(), Some("x"));
        assert_eq!(parsed.annotations[0].id.as_deref(), Some("urn:x:1"));
    }

    #[test]
    fn a_body_without_purpose_is_a_comment_unless_the_motivation_is_tagging() {
        let read = |annotation: Value| {
            let (_, parsed) = registry::read(&annotation.to_string()).unwrap();
            parsed
                .annotations
                .iter()
                .map(|a| (a.label.clone(), a.note.clone()))
                .collect::<Vec<_>>()
        };
        let target = recogito("urn:x:1", "新闻", "Event")["target"].clone();
        // Hypothesis's JSON-LD: its text without a purpose, then its tags.
        let hypothesis = json!({
            "@context": CONTEXT, "type": "Annotation", "target": target,
            "body": [
                { "type": "TextualBody", "value": "a note", "format": "text/markdown" },
                { "type": "TextualBody", "value": "Event", "purpose": "tagging" }
            ]
        });
        assert_eq!(read(hypothesis), [("Event".into(), Some("a note".into()))]);
        let body_value = json!({
            "@context": CONTEXT, "type": "Annotation", "target": target,
            "bodyValue": "a note",
            "body": { "type": "TextualBody", "value": "Event", "purpose": "tagging" }
        });
        assert_eq!(read(body_value), [("Event".into(), Some("a note".into()))]);
        let tagging = json!({
            "@context": CONTEXT, "type": "Annotation", "target": target,
            "motivation": "tagging", "bodyValue": "Event"
        });
        assert_eq!(read(tagging), [("Event".into(), None)]);
    }

    #[test]
    fn a_quote_alone_places_the_span_and_markup_selectors_are_passed_over() {
        let ws = unannotated();
        let read = |selector: Value| {
            let mut annotation = recogito("urn:x:1", "新闻", "Event");
            annotation["target"][0]["selector"] = selector;
            let (_, parsed) = registry::read(&annotation.to_string())?;
            parsed.resolve(&ws, None).map(|r| {
                let a = &r.incoming.annotations()[0];
                (a.start, a.end)
            })
        };
        let news = samples::find(TRICKY_TEXT, "新闻");
        let (start, end) = utf16(TRICKY_TEXT, "新闻");
        assert_eq!(
            read(json!([
                { "type": "XPathSelector", "value": "/pre[1]",
                  "refinedBy": { "type": "TextPositionSelector", "start": 0, "end": 2 } },
                { "type": "RangeSelector",
                  "startSelector": { "type": "XPathSelector", "value": "/p[1]" },
                  "endSelector": { "type": "XPathSelector", "value": "/p[2]" } },
                { "type": "CssSelector", "value": "#content" },
                { "type": "FragmentSelector", "value": "char=3,5" },
                { "type": "TextPositionSelector", "start": start, "end": end },
                { "type": "TextQuoteSelector", "exact": "新闻" }
            ])),
            Ok((news.start, news.end))
        );
        assert_eq!(
            read(json!({ "type": "TextQuoteSelector", "exact": "新闻", "prefix": "中文" })),
            Ok((news.start, news.end))
        );
        assert_eq!(
            read(json!([
                { "type": "XPathSelector", "value": "/pre[1]" },
                { "type": "TextQuoteSelector", "exact": "\r\n" }
            ]))
            .unwrap_err()
            .to_string(),
            "the annotation quotes “\r\n”, which is in the text 5 times: the quote alone \
             cannot say which"
        );
    }
}
