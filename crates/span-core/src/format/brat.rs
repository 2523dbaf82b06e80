//! brat standoff (<https://brat.nlpl.eu/standoff.html>): the export, one
//! `.zip` holding a brat collection, the folder [`COLLECTION`] with
//!
//! - `annotation.conf`: one entity type per label, and any overlap allowed
//!   (`<OVERLAP>`), since spans here may nest, cross and coincide; one
//!   relation type per relation type used (`located_in<TAB>Arg1:<ENTITY>,
//!   Arg2:<ENTITY>`), fitted as label types are;
//! - `visual.conf`: each type's label colour, and its label name where the
//!   type had to change it;
//! - per document, `<stem>.txt`, the text byte for byte, and `<stem>.ann`:
//!
//! ```text
//! T1<TAB>Location 941 951<TAB>“de-facto”
//! #1<TAB>AnnotatorNotes T1<TAB>a note
//! T2<TAB>Event 3593 3608;3610 3614<TAB>Homs provinces. “The
//! R1<TAB>located_in Arg1:T2 Arg2:T1
//! #3<TAB>AnnotatorNotes R1<TAB>a note on the relation
//! ```
//!
//! - **Relations** follow the `T` lines, `Arg1` their `from`; one with an
//!   end that is not written (only white space) is left out and counted in
//!   the file's `relations_left_out`.
//!
//! - **Offsets** count Unicode code points of the text as brat reads it:
//!   brat (Python) opens `.txt` with `codecs.open(…, "utf8")`, which reads
//!   bytes and decodes them with no newline translation, so a `\r` counts as
//!   one, and `text[start:end]` is the span, as in this app.
//! - **Line breaks**: a `.ann` line must hold the whole span text, and brat
//!   reads `.ann` files through `codecs`, whose lines end at every line
//!   break Python knows (see [`fields`](super::fields)), not only `\n`. A
//!   span over line breaks is therefore written as brat itself writes one
//!   it creates over `\n` (`__create_span` in `server/src/annotator.py`):
//!   cut into fragments `start end;start end` at each line break, each
//!   fragment without its leading and trailing white space, empty fragments
//!   dropped, and the fragments' texts joined by one space (the
//!   `Homs provinces.<NBSP>\n“The` above loses its no-break space). A span with no line break is
//!   written exactly as it is. A span of only white space cannot be
//!   written: brat reads an empty text as missing and has no fragment to
//!   keep; such spans are left out and counted in the file's `left_out`.
//! - **Types**: a brat type is one word of `[A-Za-z0-9_-]`. A label becomes
//!   brat's own storage form of its name (`normalize_to_storage_form` in
//!   `projectconfig.py`: every other character, space included, made `_`),
//!   and a name made only of `-` (which brat reads as a separator line) has
//!   them made `_`; when two labels, or a label and one of brat's reserved
//!   words, would get the same type, the later one gets `_2`, `_3`… and
//!   `visual.conf` shows the label's own name.
//! - **Notes** become `AnnotatorNotes`, which must stay on one line: every
//!   run of tabs and line breaks in a note is written as one space.
//! - **File names**: each document's stem is its file name without `.txt`,
//!   with characters that are not safe in a file name made `_`, cut to
//!   [`MAX_STEM_BYTES`] (file systems take names of 255 bytes at most), and
//!   `_2`, `_3`… added when two stems would be the same (ignoring case). A
//!   re-import finds a document by its text, which is written unchanged.
//!
//! The zip (written with rawzip) stores its entries uncompressed, every one
//! dated 1980-01-01 00:00 UTC, the zip format's earliest date, so the same
//! annotations always make the same bytes. Each entry's sizes and CRC follow
//! its data in a data descriptor, as in zips written as a stream; `unzip`,
//! Python's `zipfile`, 7-Zip and the file managers read these through the
//! central directory.
//!
//! The import ([`parse_zip`], [`parse_files`]) reads such a collection, or
//! one written by brat or any other tool: a zip (stored or DEFLATE, see
//! [`zip`](super::zip)) or the files chosen together.
//!
//! - **Files**: each `.txt` with the `.ann` of the same path becomes a
//!   document (found here by its text, added as `<stem>.txt`, titled after
//!   its first line); a `.txt` without one is imported without
//!   annotations, an empty one skipped, an `.ann` without its `.txt`
//!   refused. Hidden files and `__MACOSX/` are skipped, and every other
//!   file (`visual.conf`, `tools.conf`…) ignored.
//! - **Labels**: with an `annotation.conf`, every type of its `[entities]`
//!   section (subtypes included, abstract `!Type`s left out), then the other
//!   types the annotations use (event triggers); without one, the types
//!   used. Type names are kept as written (`Geo-political_entity`).
//! - **Lines** of an `.ann` (blank ones and `\r\n` ends allowed): `T` lines
//!   become annotations, their text the quote, which settles the unit the
//!   offsets count (brat counts code points, but other tools that write
//!   standoff count UTF-16 units or bytes). A discontinuous `T` (`0 5;7 9`)
//!   becomes one annotation per fragment, noted “fragment 1 of 2 of T3”,
//!   as the app has no discontinuous spans. A note (`#`, usually
//!   `AnnotatorNotes`) on a `T` becomes its note. A relation
//!   (`R1<TAB>located_in Arg1:T3 Arg2:T7`) between two `T`s becomes a
//!   relation from the first annotation of `Arg1` to that of `Arg2`, its
//!   type's underscores read as spaces (`located in`: brat type names have
//!   no spaces). Relations on anything else, equivalences (`*`), events
//!   (`E`), attributes (`A`, `M`), normalizations (`N`) and notes on them
//!   are counted in the preview, not imported. Any other line is
//!   refused, with its place (`news/a.ann line 7`) and why; brat ids are not
//!   kept, as they are unique in one file only.
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use super::split_fields::{fitted_names, is_python_line_break, is_python_space};
use super::zip;
use super::{ExportError, ExportFile, LeftSpan};
use crate::model::import::{ImportError, IncomingDocument, IncomingLabel, IncomingRelation};
use crate::model::offset_unit::OffsetUnit;
use crate::model::parsed::{Anchor, Dropped, Parsed, ParsedAnnotation};
use crate::model::{
    is_blank, normalize_name, shortened, Annotation, Label, Numbering, Relation, SpanIndex,
    Workspace,
};

pub const FILE_NAME: &str = "annotations.brat.zip";
pub const MEDIA_TYPE: &str = "application/zip";
/// The folder the zip holds: a brat collection.
pub const COLLECTION: &str = "span-annotator";

/// Words with a meaning of their own in brat's configuration files.
const RESERVED: [&str; 4] = [
    "SEPARATOR",
    "SPAN_DEFAULT",
    "ARC_DEFAULT",
    "ATTRIBUTE_DEFAULT",
];

/// Why spans are left out of the collection.
const LEFT_OUT: &str = "spans of only white space, which brat cannot show";

/// Why relations are left out of the collection.
const RELATIONS_LEFT_OUT: &str = "an end is a span of only white space, which brat cannot show";

/// The brat collection of the documents at `documents` (positions in
/// `workspace`; positions past the end are skipped), zipped.
/// Offsets count code points whatever `_unit` asks: brat's own reader is
/// Python, and Python strings count code points.
pub fn export(
    workspace: &Workspace,
    documents: &[usize],
    _unit: OffsetUnit,
) -> Result<ExportFile, ExportError> {
    let (files, left_out, relations_left_out) = collection(workspace, documents);
    let file = ExportFile {
        name: FILE_NAME,
        media_type: MEDIA_TYPE,
        bytes: zip::write(&files)?,
        left_out: None,
        relations_left_out: (relations_left_out > 0)
            .then_some((relations_left_out, RELATIONS_LEFT_OUT)),
    };
    Ok(file.leaving_out(left_out, LEFT_OUT))
}

/// The files of the collection, as (path in the zip, contents), the spans
/// left out and how many relations were left out with them.
pub(super) fn collection(
    workspace: &Workspace,
    documents: &[usize],
) -> (Vec<(String, String)>, Vec<LeftSpan>, usize) {
    let types = fitted_names(workspace.labels(), brat_type, &RESERVED);
    let type_of = |label: &str| {
        types
            .get(label)
            .cloned()
            .unwrap_or_else(|| brat_type(label))
    };
    let relation_types = relation_types(workspace, documents, type_of);
    let mut files = vec![
        (
            format!("{COLLECTION}/annotation.conf"),
            annotation_conf(workspace.labels(), type_of, &relation_types),
        ),
        (
            format!("{COLLECTION}/visual.conf"),
            visual_conf(workspace.labels(), type_of),
        ),
    ];
    let mut stems = HashSet::new();
    let mut numbers = Numbering::default();
    let mut left_out = Vec::new();
    let mut relations_left_out = 0;
    for &doc in documents {
        let Some(document) = workspace.document(doc) else {
            continue;
        };
        let stem = unique_stem(&document.file_name, &mut stems, &mut numbers);
        let annotations = workspace
            .annotations(doc)
            .into_iter()
            .flat_map(SpanIndex::iter);
        let (mut ann, skipped, numbered) = ann_file(annotations, type_of);
        left_out.extend(skipped.into_iter().map(|a| LeftSpan::of(document, a)));
        let relations = workspace.relations(doc).unwrap_or_default();
        relations_left_out += relation_lines(&mut ann, relations, &numbered, &relation_types);
        files.push((
            format!("{COLLECTION}/{stem}.txt"),
            document.text.to_string(),
        ));
        files.push((format!("{COLLECTION}/{stem}.ann"), ann));
    }
    (files, left_out, relations_left_out)
}

/// The brat type of each relation type the relations of `documents` use,
/// keyed by its name, fitted as label types are and distinct from the
/// label types (brat has one namespace for every type).
fn relation_types(
    workspace: &Workspace,
    documents: &[usize],
    type_of: impl Fn(&str) -> String,
) -> Vec<(String, String)> {
    let mut used: Vec<&str> = Vec::new();
    for relation in documents
        .iter()
        .filter_map(|&doc| workspace.relations(doc))
        .flatten()
    {
        if !used.contains(&relation.kind.as_str()) {
            used.push(&relation.kind);
        }
    }
    // In the workspace's order of relation types, then any other.
    used.sort_by_key(|name| {
        workspace
            .relation_types()
            .iter()
            .position(|t| t.name == *name)
            .unwrap_or(usize::MAX)
    });
    let as_labels: Vec<Label> = used
        .iter()
        .map(|name| Label {
            name: name.to_string(),
            color: String::new(),
            hotkey: None,
        })
        .collect();
    let mut reserved: Vec<String> = workspace
        .labels()
        .iter()
        .map(|l| type_of(&l.name))
        .collect();
    reserved.extend(RESERVED.iter().map(|r| r.to_string()));
    reserved.push("OVERLAP".into());
    let reserved: Vec<&str> = reserved.iter().map(String::as_str).collect();
    let fitted = fitted_names(&as_labels, brat_type, &reserved);
    used.into_iter()
        .map(|name| (name.to_string(), fitted[name].clone()))
        .collect()
}

/// Appends to `ann` an `R` line for each of `relations` whose two ends have
/// a `T` line (`numbered`: the number of each annotation id's), with an
/// `AnnotatorNotes` line for its note; returns how many were left out.
fn relation_lines(
    ann: &mut String,
    relations: &[Relation],
    numbered: &HashMap<&str, usize>,
    types: &[(String, String)],
) -> usize {
    let mut left_out = 0;
    let mut number = 0;
    // A `T` line's note has its number, so relation notes come after them.
    let mut note_number = numbered.len();
    for relation in relations {
        let (Some(from), Some(to)) = (
            numbered.get(relation.from.as_str()),
            numbered.get(relation.to.as_str()),
        ) else {
            left_out += 1;
            continue;
        };
        let kind = types
            .iter()
            .find(|(name, _)| *name == relation.kind)
            .map_or_else(|| brat_type(&relation.kind), |(_, kind)| kind.clone());
        number += 1;
        let _ = writeln!(ann, "R{number}\t{kind} Arg1:T{from} Arg2:T{to}");
        if let Some(note) = &relation.note {
            note_number += 1;
            let _ = writeln!(
                ann,
                "#{note_number}\tAnnotatorNotes R{number}\t{}",
                one_line(note)
            );
        }
    }
    left_out
}

/// brat's storage form of a label name: every character outside
/// `[A-Za-z0-9_-]` made `_`; a name of only `-` made all `_`.
fn brat_type(name: &str) -> String {
    let form: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if form.chars().all(|c| c == '-') {
        form.replace('-', "_")
    } else {
        form
    }
}

fn annotation_conf(
    labels: &[Label],
    type_of: impl Fn(&str) -> String,
    relation_types: &[(String, String)],
) -> String {
    let mut conf = String::from(
        "# Written by the span annotator: one entity type per label.\n\
         # Offsets in the .ann files count Unicode code points.\n\
         [entities]\n",
    );
    for label in labels {
        conf.push_str(&type_of(&label.name));
        conf.push('\n');
    }
    conf.push_str(
        "\n[relations]\n\
         # Spans may nest, cross and coincide, as they may in the annotator.\n\
         <OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n",
    );
    if !relation_types.is_empty() {
        conf.push_str("# One relation type per relation type used, between any two spans.\n");
    }
    for (_, kind) in relation_types {
        let _ = writeln!(conf, "{kind}\tArg1:<ENTITY>, Arg2:<ENTITY>");
    }
    conf.push_str("\n[events]\n\n[attributes]\n");
    conf
}

fn visual_conf(labels: &[Label], type_of: impl Fn(&str) -> String) -> String {
    let mut conf = String::from("[labels]\n");
    for label in labels {
        let kind = type_of(&label.name);
        // brat splits these lines at `|` and expands `<…>` as a macro, so a
        // name holding either keeps showing its type instead.
        let shown = !label
            .name
            .chars()
            .any(|c| matches!(c, '|' | '<' | '>' | '\t') || is_python_line_break(c));
        if kind != label.name && shown {
            let _ = writeln!(conf, "{kind} | {}", label.name);
        }
    }
    conf.push_str(
        "\n[drawing]\n\
         SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken\n\
         ARC_DEFAULT\tcolor:black, arrowHead:triangle-5\n",
    );
    for label in labels.iter().filter(|l| l.has_valid_color()) {
        let _ = writeln!(conf, "{}\tbgColor:{}", type_of(&label.name), label.color);
    }
    conf
}

/// The `.ann` file of one document's annotations, those left out, and the
/// `T` number of each annotation written, by its id.
fn ann_file<'a>(
    annotations: impl Iterator<Item = &'a Annotation>,
    type_of: impl Fn(&str) -> String,
) -> (String, Vec<&'a Annotation>, HashMap<&'a str, usize>) {
    let mut ann = String::new();
    let mut left_out = Vec::new();
    let mut numbered = HashMap::new();
    let mut number = 0;
    for annotation in annotations {
        let fragments = fragments(annotation);
        if fragments.is_empty() {
            left_out.push(annotation);
            continue;
        }
        number += 1;
        numbered.insert(annotation.id.as_str(), number);
        let offsets: Vec<String> = fragments
            .iter()
            .map(|(start, end, _)| format!("{start} {end}"))
            .collect();
        let texts: Vec<&str> = fragments.iter().map(|&(_, _, text)| text).collect();
        let _ = writeln!(
            ann,
            "T{number}\t{} {}\t{}",
            type_of(&annotation.label),
            offsets.join(";"),
            texts.join(" ")
        );
        if let Some(note) = &annotation.note {
            let _ = writeln!(
                ann,
                "#{number}\tAnnotatorNotes T{number}\t{}",
                one_line(note)
            );
        }
    }
    (ann, left_out, numbered)
}

/// The fragments brat writes for `annotation`: `(start, end, text)` in code
/// points of the document. Empty for a span of only white space.
fn fragments(annotation: &Annotation) -> Vec<(usize, usize, &str)> {
    let quote = annotation.quote.as_str();
    if quote.chars().all(is_python_space) {
        return Vec::new();
    }
    if !quote.chars().any(is_python_line_break) {
        return vec![(annotation.start, annotation.end, quote)];
    }
    let mut fragments = Vec::new();
    let mut offset = annotation.start;
    for line in quote.split(is_python_line_break) {
        let lead = line.chars().take_while(|&c| is_python_space(c)).count();
        let trimmed = line.trim_matches(is_python_space);
        if !trimmed.is_empty() {
            let start = offset + lead;
            fragments.push((start, start + trimmed.chars().count(), trimmed));
        }
        // The line, and the one line break after it.
        offset += line.chars().count() + 1;
    }
    fragments
}

/// `note` with every run of tabs and line breaks made one space.
fn one_line(note: &str) -> String {
    let mut line = String::with_capacity(note.len());
    let mut in_run = false;
    for c in note.chars() {
        if c == '\t' || is_python_line_break(c) {
            if !in_run {
                line.push(' ');
            }
            in_run = true;
        } else {
            line.push(c);
            in_run = false;
        }
    }
    line
}

/// The longest stem, in UTF-8 bytes: with a number and `.ann` added it is
/// still a file name every common file system takes (255 bytes).
pub const MAX_STEM_BYTES: usize = 200;

/// A stem for `file_name` that no stem in `taken` has, ignoring case, and
/// that is safe as a file name on every common system.
fn unique_stem(file_name: &str, taken: &mut HashSet<String>, numbers: &mut Numbering) -> String {
    let stem = file_name.strip_suffix(".txt").unwrap_or(file_name);
    let mut base: String = stem
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    if base.is_empty() || base.starts_with('.') {
        base.insert(0, '_');
    }
    let mut cut = base.len().min(MAX_STEM_BYTES);
    while !base.is_char_boundary(cut) {
        cut -= 1;
    }
    base.truncate(cut);
    let stem = if taken.contains(&base.to_lowercase()) {
        numbers.next(
            &base.to_lowercase(),
            |n| format!("{base}_{n}"),
            |stem| !taken.contains(&stem.to_lowercase()),
        )
    } else {
        base
    };
    taken.insert(stem.to_lowercase());
    stem
}

/// Whether a file of a brat collection is read for import: its `.txt` and
/// `.ann` files and `annotation.conf`, but nothing hidden (a name starting
/// with `.`, as brat hides them) and nothing under `__MACOSX/`, where the
/// zips of macOS keep `._name.txt` files of binary metadata.
pub fn is_collection_file(path: &str) -> bool {
    let mut parts = path.split('/');
    let name = parts.next_back().unwrap_or_default();
    let hidden = path
        .split('/')
        .any(|part| part.starts_with('.') || part == "__MACOSX");
    !hidden && (name.ends_with(".txt") || name.ends_with(".ann") || name == CONF)
}

/// The file that names a collection's entity types.
const CONF: &str = "annotation.conf";

/// Reads a zip of a brat collection (see [`parse_files`]).
pub fn parse_zip(bytes: &[u8]) -> Result<Parsed, ImportError> {
    let files = zip::read(bytes, is_collection_file)?;
    if !files.iter().any(|(path, _)| path.ends_with(".txt")) {
        return Err(ImportError::new(
            "the zip",
            "holds no .txt file, so it is not a brat collection",
        ));
    }
    parse_files(&files)
}

/// Reads the files of a brat collection, as (path, contents), refusing them
/// whole, with the place and the reason, at the first thing wrong. Files
/// other than those [`is_collection_file`] takes are ignored.
pub fn parse_files(files: &[(String, Vec<u8>)]) -> Result<Parsed, ImportError> {
    let mut texts = Vec::new();
    let mut anns = HashMap::new();
    let mut confs = Vec::new();
    let mut paths = HashSet::new();
    for (path, bytes) in files.iter().filter(|(path, _)| is_collection_file(path)) {
        if !paths.insert(path.as_str()) {
            return Err(ImportError::new(path, "is given twice"));
        }
        if let Some(stem) = path.strip_suffix(".txt") {
            texts.push((stem, path, bytes));
        } else if let Some(stem) = path.strip_suffix(".ann") {
            anns.insert(stem, (path, bytes));
        } else {
            confs.push((path, bytes));
        }
    }
    let mut parsed = Parsed::default();
    let mut without_ann = 0;
    let mut blank = 0;
    let mut kept = Kept::default();
    for (stem, path, bytes) in texts {
        let text = utf8(path, bytes)?;
        let Some((ann_path, ann)) = anns.remove(stem) else {
            if is_blank(text) {
                blank += 1;
            } else {
                without_ann += 1;
                parsed.documents.push(document(stem, path, text));
            }
            continue;
        };
        let (entities, relations) = ann_lines(ann_path, utf8(ann_path, ann)?, &mut kept)?;
        if is_blank(text) && entities.is_empty() {
            blank += 1;
            continue;
        }
        let at = parsed.documents.len();
        parsed.documents.push(document(stem, path, text));
        // The first annotation each entity becomes, for its relations.
        let mut first = Vec::with_capacity(entities.len());
        for entity in entities {
            first.push(parsed.annotations.len());
            parsed.annotations.extend(entity.annotations(at, &mut kept));
        }
        for relation in relations {
            parsed.relations.push(IncomingRelation {
                place: relation.place,
                id: None,
                from: first[relation.from],
                to: first[relation.to],
                kind: relation.kind.replace('_', " "),
                created: None,
                note: (!relation.notes.is_empty()).then(|| relation.notes.join("\n")),
            });
        }
    }
    if let Some((_, (ann_path, _))) = anns.into_iter().min() {
        let txt = format!("{}.txt", ann_path.trim_end_matches(".ann"));
        return Err(ImportError::new(
            ann_path.as_str(),
            format!("has no {txt} beside it, and its offsets point into that text"),
        ));
    }
    parsed.labels = labels(&confs, &parsed.annotations)?;
    parsed.dropped = kept.dropped();
    if kept.split > 0 {
        parsed.remarks.push(match kept.split {
            1 => "1 discontinuous annotation was split into its fragments.".to_string(),
            n => format!("{n} discontinuous annotations were split into their fragments."),
        });
    }
    if without_ann > 0 {
        parsed.remarks.push(match without_ann {
            1 => "1 text has no .ann file and was imported without annotations.".to_string(),
            n => format!("{n} texts have no .ann file and were imported without annotations."),
        });
    }
    if blank > 0 {
        parsed.remarks.push(match blank {
            1 => "1 empty text was skipped.".to_string(),
            n => format!("{n} empty texts were skipped."),
        });
    }
    Ok(parsed)
}

fn utf8<'a>(path: &str, bytes: &'a [u8]) -> Result<&'a str, ImportError> {
    std::str::from_utf8(bytes).map_err(|e| {
        ImportError::new(
            path,
            format!(
                "is not UTF-8 text (byte {} is 0x{:02X})",
                e.valid_up_to(),
                bytes[e.valid_up_to()]
            ),
        )
    })
}

/// The document of `path`, found here by its text (a brat name says
/// nothing of the documents here), titled by the app after its first line.
fn document(stem: &str, path: &str, text: &str) -> IncomingDocument {
    let name = stem.rsplit('/').next().unwrap_or(stem);
    IncomingDocument {
        place: path.to_string(),
        id: None,
        file_name: Some(format!("{name}.txt")),
        title: None,
        text: Some(text.to_string()),
        status: None,
    }
}

/// A text-bound annotation (`T`) of an `.ann` file.
struct Entity {
    id: String,
    place: String,
    label: String,
    fragments: Vec<(usize, usize)>,
    quote: Option<String>,
    notes: Vec<String>,
}

impl Entity {
    /// The annotations it becomes: itself, or each of its fragments.
    fn annotations(self, document: usize, kept: &mut Kept) -> Vec<ParsedAnnotation> {
        let n = self.fragments.len();
        kept.split += usize::from(n > 1);
        (1..)
            .zip(&self.fragments)
            .map(|(k, &(start, end))| {
                let mut notes = self.notes.clone();
                let place = if n == 1 {
                    self.place.clone()
                } else {
                    notes.insert(0, format!("fragment {k} of {n} of {}", self.id));
                    format!("{}, fragment {k}", self.place)
                };
                ParsedAnnotation {
                    place,
                    document,
                    id: None,
                    anchor: Anchor::Offsets { start, end },
                    // brat joins the fragments' texts with a space, which
                    // cannot be cut apart where a text holds one.
                    quote: if n == 1 { self.quote.clone() } else { None },
                    label: self.label.clone(),
                    created: None,
                    note: (!notes.is_empty()).then(|| notes.join("\n")),
                    entity: None,
                }
            })
            .collect()
    }
}

/// What the `.ann` files hold that is not imported, counted, and how many
/// annotations were split.
#[derive(Default)]
struct Kept {
    relations: usize,
    events: usize,
    attributes: usize,
    normalizations: usize,
    equivalences: usize,
    other_notes: usize,
    split: usize,
}

impl Kept {
    fn dropped(&self) -> Vec<Dropped> {
        [
            (
                self.relations,
                "relation",
                "not between two text-bound annotations of its file",
            ),
            (
                self.events,
                "event",
                "the app has no events yet; their trigger spans are imported",
            ),
            (
                self.attributes,
                "attribute",
                "the app has no attributes yet",
            ),
            (
                self.normalizations,
                "normalization",
                "the app keeps no links to outside resources",
            ),
            (
                self.equivalences,
                "equivalence",
                "the app links two annotations at a time, not sets of them",
            ),
            (
                self.other_notes,
                "note",
                "on events, attributes or relations that are not imported",
            ),
        ]
        .into_iter()
        .filter(|(count, _, _)| *count > 0)
        .map(|(count, what, why)| Dropped {
            count,
            what: what.into(),
            why: why.into(),
        })
        .collect()
    }
}

/// A relation (`R`) between two text-bound annotations of an `.ann` file:
/// the indexes of its `Arg1` and `Arg2` among the file's entities.
struct BratRelation {
    place: String,
    kind: String,
    from: usize,
    to: usize,
    notes: Vec<String>,
}

/// The text-bound annotations of the `.ann` file at `path`, with their
/// notes, and the relations between them; what else it holds is counted in
/// `kept`.
fn ann_lines(
    path: &str,
    ann: &str,
    kept: &mut Kept,
) -> Result<(Vec<Entity>, Vec<BratRelation>), ImportError> {
    let mut entities: Vec<Entity> = Vec::new();
    let mut relation_lines = Vec::new();
    // The entity or the line of each id.
    let mut by_id: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut others: HashMap<&str, usize> = HashMap::new();
    let mut notes = Vec::new();
    for (number, line) in (1..).zip(ann.split('\n')) {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let place = format!("{path} line {number}");
        let mut fields = line.splitn(3, '\t');
        let id = fields.next().unwrap_or_default();
        let middle = fields.next().map(str::trim).unwrap_or_default();
        let rest = fields.next();
        let seen = by_id.get(id).map(|&(_, line)| line);
        if let Some(first) = seen.or_else(|| others.get(id).copied()) {
            return Err(ImportError::new(
                place,
                format!("repeats the id {id} of line {first}"),
            ));
        }
        let counter = match id.chars().next() {
            Some('T') => {
                let entity = text_bound(&place, id, middle, rest)?;
                by_id.insert(id, (entities.len(), number));
                entities.push(entity);
                continue;
            }
            Some('#') => {
                let mut words = middle.split_whitespace();
                let (Some(kind), Some(target)) = (words.next(), words.next()) else {
                    return Err(ImportError::new(
                        place,
                        "is a note without the annotation it is on (“#1<TAB>AnnotatorNotes \
                         T1<TAB>text”)",
                    ));
                };
                notes.push((place, kind, target, rest.unwrap_or_default()));
                continue;
            }
            Some('R') => {
                others.insert(id, number);
                relation_lines.push((place, id, middle));
                continue;
            }
            Some('E') => &mut kept.events,
            Some('A' | 'M') => &mut kept.attributes,
            Some('N') => &mut kept.normalizations,
            Some('*') => &mut kept.equivalences,
            _ => {
                return Err(ImportError::new(
                    place,
                    format!(
                        "starts with “{}”, which is not the id of a brat annotation (T, R, E, \
                         A, M, N, * or #, then a number)",
                        shortened(id)
                    ),
                ))
            }
        };
        *counter += 1;
        // `*` lines all have the id `*`.
        if id != "*" {
            others.insert(id, number);
        }
    }
    let mut relations = Vec::new();
    // The relation of each `R` id that was kept, for its notes.
    let mut relation_at: HashMap<&str, usize> = HashMap::new();
    for (place, id, middle) in relation_lines {
        let mut words = middle.split_whitespace();
        let kind = words.next().unwrap_or_default();
        let mut argument = |name: &str| {
            words
                .next()
                .and_then(|word| word.strip_prefix(name)?.strip_prefix(':'))
                .and_then(|target| by_id.get(target))
                .map(|&(at, _)| at)
        };
        match (argument("Arg1"), argument("Arg2")) {
            (Some(from), Some(to)) if !kind.is_empty() && from != to => {
                relation_at.insert(id, relations.len());
                relations.push(BratRelation {
                    place,
                    kind: kind.to_string(),
                    from,
                    to,
                    notes: Vec::new(),
                });
            }
            _ => kept.relations += 1,
        }
    }
    for (place, kind, target, text) in notes {
        let note = match kind {
            "AnnotatorNotes" => text.to_string(),
            kind => format!("{kind}: {text}"),
        };
        if let Some(&(at, _)) = by_id.get(target) {
            if !text.trim().is_empty() {
                entities[at].notes.push(note);
            }
        } else if let Some(&at) = relation_at.get(target) {
            if !text.trim().is_empty() {
                relations[at].notes.push(note);
            }
        } else if others.contains_key(target) {
            kept.other_notes += 1;
        } else {
            return Err(ImportError::new(
                place,
                format!("is a note on {target}, which the file does not have"),
            ));
        }
    }
    Ok((entities, relations))
}

/// A `T` line: `T1<TAB>Label 145 159;160 177<TAB>text`.
fn text_bound(
    place: &str,
    id: &str,
    middle: &str,
    quote: Option<&str>,
) -> Result<Entity, ImportError> {
    let (label, offsets) = middle.split_once([' ', '\t']).unwrap_or((middle, ""));
    if label.is_empty() {
        return Err(ImportError::new(
            place,
            "has no label and offsets (“T1<TAB>Label 0 5<TAB>text”)",
        ));
    }
    let mut fragments = Vec::new();
    for fragment in offsets.split(';') {
        let numbers: Vec<&str> = fragment.split_whitespace().collect();
        let pair = match numbers.as_slice() {
            [start, end] => start.parse::<usize>().ok().zip(end.parse::<usize>().ok()),
            _ => None,
        };
        match pair {
            Some((start, end)) if start <= end => fragments.push((start, end)),
            Some((start, end)) => {
                return Err(ImportError::new(
                    place,
                    format!("has a span that starts at {start}, after its end {end}"),
                ))
            }
            None => {
                return Err(ImportError::new(
                    place,
                    format!(
                        "has the offsets “{}”, not start and end numbers (“0 5”, or “0 5;7 9” \
                         for a discontinuous span)",
                        shortened(offsets)
                    ),
                ))
            }
        }
    }
    Ok(Entity {
        id: id.to_string(),
        place: place.to_string(),
        label: label.to_string(),
        fragments,
        quote: quote.map(str::to_string),
        notes: Vec::new(),
    })
}

/// The labels of the collection: when it has an `annotation.conf`, every
/// entity type it names (but abstract ones, `!Type`), then every other
/// type the annotations use; with none, no labels, so that the
/// annotations' types are the labels.
fn labels(
    confs: &[(&String, &Vec<u8>)],
    annotations: &[ParsedAnnotation],
) -> Result<Vec<IncomingLabel>, ImportError> {
    if confs.is_empty() {
        return Ok(Vec::new());
    }
    let mut names = Vec::new();
    for (path, bytes) in confs {
        names.extend(entity_types(utf8(path, bytes)?));
    }
    names.extend(annotations.iter().map(|a| a.label.as_str()));
    let mut seen = HashSet::new();
    Ok(names
        .into_iter()
        .filter(|name| seen.insert(normalize_name(name)))
        .map(|name| IncomingLabel {
            name: name.to_string(),
            color: None,
            hotkey: None,
        })
        .collect())
}

/// The entity types of an `annotation.conf`: the first word of each line
/// of its `[entities]` section (indented lines are subtypes, kept as
/// types), leaving out comments, abstract types (`!Type`), macros
/// (`<NAME>=…`) and separator lines (`-----`).
fn entity_types(conf: &str) -> Vec<&str> {
    let mut types = Vec::new();
    let mut in_entities = false;
    for line in conf.lines() {
        let line = line.trim();
        if line.starts_with('[') && line.ends_with(']') {
            in_entities = line == "[entities]";
            continue;
        }
        let Some(name) = line.split_whitespace().next() else {
            continue;
        };
        let skipped = name.starts_with(['#', '!', '<']) || name.chars().all(|c| c == '-');
        if in_entities && !skipped {
            types.push(name);
        }
    }
    types
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::registry::tests::{import_files, plan_and_apply, unannotated};
    use crate::format::registry::{self, Read};
    use crate::format::samples::{self, TRICKY, TRICKY_TEXT};
    use crate::model::import::Mode;
    use crate::model::parsed::UnitSource;
    use crate::model::text;

    fn annotation(quote: &str, start: usize) -> Annotation {
        Annotation {
            id: "a".into(),
            document_id: "d".into(),
            start,
            end: start + text::char_len(quote),
            quote: quote.into(),
            label: "Event".into(),
            created: String::new(),
            note: None,
            entity: None,
        }
    }

    #[test]
    fn a_span_over_line_breaks_is_cut_as_brat_cuts_it() {
        let span = samples::find(TRICKY_TEXT, "\u{a0}then.\r\n\r\nTab");
        let a = annotation("\u{a0}then.\r\n\r\nTab", span.start);
        let cut = fragments(&a);
        assert_eq!(
            cut,
            [
                (span.start + 1, span.start + 6, "then."),
                (span.end - 3, span.end, "Tab")
            ]
        );
        for (start, end, text) in cut {
            assert_eq!(text::slice(TRICKY_TEXT, start, end), Some(text));
        }
        let separator = samples::find(TRICKY_TEXT, "line\u{2028}separator");
        let a = annotation("line\u{2028}separator", separator.start);
        assert_eq!(
            fragments(&a),
            [
                (separator.start, separator.start + 4, "line"),
                (separator.start + 5, separator.end, "separator")
            ]
        );
    }

    #[test]
    fn spans_without_line_breaks_are_kept_exactly_and_white_space_is_left_out() {
        let a = annotation(" tab\there ", 10);
        assert_eq!(fragments(&a), [(10, 20, " tab\there ")]);
        assert!(fragments(&annotation("\r\n\r\n", 3)).is_empty());
        assert!(fragments(&annotation("\u{a0} ", 3)).is_empty());
    }

    #[test]
    fn types_are_brats_storage_form_made_distinct() {
        let mut labels = samples::labels();
        labels.push(Label {
            name: "Armed_Group".into(),
            color: "#ffffff".into(),
            hotkey: None,
        });
        labels.push(Label {
            name: "--".into(),
            color: "#ffffff".into(),
            hotkey: None,
        });
        let types = fitted_names(&labels, brat_type, &RESERVED);
        assert_eq!(types["Person"], "Person");
        assert_eq!(types["Armed_Group"], "Armed_Group");
        assert_eq!(types["Armed Group"], "Armed_Group_2");
        assert_eq!(types["Лицо"], "____");
        assert_eq!(types["--"], "__");
        assert_eq!(brat_type("Geo-political entity!"), "Geo-political_entity_");
    }

    #[test]
    fn notes_stay_on_one_line() {
        assert_eq!(
            one_line("line one\r\nline two\tand a tab\u{2028}and more"),
            "line one line two and a tab and more"
        );
    }

    #[test]
    fn stems_are_safe_and_distinct() {
        let mut taken = HashSet::new();
        let mut numbers = Numbering::default();
        let mut stem = |name| unique_stem(name, &mut taken, &mut numbers);
        assert_eq!(stem("a.txt"), "a");
        assert_eq!(stem("A.txt"), "A_2");
        assert_eq!(stem("a"), "a_3");
        assert_eq!(stem("../x:y.txt"), "_.._x_y");
        assert_eq!(stem(".txt"), "_");
        // Issue 10 (nothing imported takes more than linear time): each
        // document with a stem already taken counted up from 2.
        let last = (0..20_000).map(|_| stem("a.txt")).last();
        assert_eq!(last.as_deref(), Some("a_20003"));
    }

    /// Found by the import fuzzing: a document imported with a file name of
    /// 42,000 emoji made the brat zip fail (“file name too long”); no file
    /// system would have taken it either.
    #[test]
    fn regression_a_long_file_name_makes_a_stem_a_file_system_takes() {
        let mut taken = HashSet::new();
        let mut numbers = Numbering::default();
        let long = format!("a{}.txt", "😀".repeat(42_000));
        let first = unique_stem(&long, &mut taken, &mut numbers);
        assert_eq!(
            first,
            format!("a{}", "😀".repeat(49)),
            "199 bytes, at a character"
        );
        let second = unique_stem(&long, &mut taken, &mut numbers);
        assert_eq!(second, format!("{first}_2"));
        let mut ws = Workspace::new(Vec::new(), crate::model::default_labels());
        let document = crate::model::Document::added("d".into(), long, "text".into(), "");
        ws.apply(&ws.plan_add_documents(vec![document]).unwrap())
            .unwrap();
        assert!(export(&ws, &[0], OffsetUnit::CodePoint).is_ok());
    }

    #[test]
    fn the_ann_file_of_the_tricky_document() {
        let ws = samples::workspace();
        let types = fitted_names(ws.labels(), brat_type, &RESERVED);
        let type_of = |label: &str| types[label].clone();
        let (ann, left_out, _) = ann_file(ws.annotations(TRICKY).unwrap().iter(), type_of);
        assert_eq!(left_out.len(), 1, "the span of only CRLFs");
        let lines: Vec<&str> = ann.split('\n').collect();
        assert_eq!(lines[0], "T1\tLocation 5 7\t🇸🇾");
        assert_eq!(lines[1], "T2\tArmed_Group 5 7\t🇸🇾");
        assert_eq!(lines[2], "#2\tAnnotatorNotes T2\tsame span, other label");
        let today = samples::find(TRICKY_TEXT, "today.");
        let line = format!(
            "\tEvent {} {};{} {}\ttoday. 中文\n",
            today.start,
            today.end,
            today.end + 2,
            today.end + 4
        );
        assert!(ann.contains(&line), "{ann}");
        assert!(!ann.contains("\tЛицо") && ann.contains("\t____ "));
        for line in ann.lines() {
            assert!(!line.contains(is_python_line_break), "{line:?}");
        }
    }

    #[test]
    fn the_zip_holds_the_collection() {
        let ws = samples::workspace();
        let export = export(&ws, &samples::all(&ws), OffsetUnit::CodePoint).unwrap();
        assert_eq!(export.left_out_spans(), 1);
        assert!(export.bytes.starts_with(b"PK\x03\x04"));
        let again = super::export(&ws, &samples::all(&ws), OffsetUnit::CodePoint).unwrap();
        assert_eq!(export, again, "the same bytes every time");
        let conf = annotation_conf(ws.labels(), brat_type, &[]);
        assert!(conf.contains("[entities]\nPerson\n"));
        assert!(conf.contains("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n"));
        let visual = visual_conf(ws.labels(), brat_type);
        assert!(visual.contains("[labels]\nArmed_Group | Armed Group\n____ | Лицо\n"));
        assert!(visual.contains("Person\tbgColor:#fde68a\n"));
    }

    /// The fixtures of `tests/fixtures/brat/` (see its README).
    fn fixture(name: &str) -> (String, Vec<u8>) {
        let path = format!(
            "{}/../../tests/fixtures/brat/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        (name.to_string(), std::fs::read(path).expect("a fixture"))
    }

    fn no_documents() -> Workspace {
        Workspace::new(Vec::new(), crate::model::default_labels())
    }

    /// Every span of `ws` as (document id, start, end, label, note), sorted.
    fn spans(ws: &Workspace) -> Vec<(String, usize, usize, String, Option<String>)> {
        let mut spans: Vec<_> = ws
            .all_annotations()
            .map(|a| {
                let note = a.note.clone();
                (a.document_id.clone(), a.start, a.end, a.label.clone(), note)
            })
            .collect();
        spans.sort();
        spans
    }

    #[test]
    fn our_export_comes_back_span_for_span_under_its_brat_types() {
        let original = samples::workspace();
        let zip = export(&original, &samples::all(&original), OffsetUnit::CodePoint).unwrap();
        let files = [("annotations.brat.zip".to_string(), zip.bytes.clone())];
        let Read { format, parsed } = registry::read_files(&files).unwrap();
        assert_eq!(format.id, "brat");
        let split = original
            .all_annotations()
            .filter(|a| fragments(a).len() > 1)
            .count();
        assert_eq!(split, 4);
        assert_eq!(
            parsed.remarks,
            [format!(
                "{split} discontinuous annotations were split into their fragments."
            )]
        );
        let resolved = parsed.resolve(&unannotated(), None).unwrap();
        assert_eq!(
            (resolved.unit, resolved.source),
            (OffsetUnit::CodePoint, UnitSource::Quotes)
        );

        let mut ws = unannotated();
        let preview = import_files(&mut ws, &files, Mode::Merge).unwrap();
        assert_eq!(preview.new_documents, 0, "found by their texts");
        // What the export wrote: each span whole, or cut where brat cuts it
        // at line breaks, under its brat type; the span of only line breaks
        // is left out.
        let types = fitted_names(original.labels(), brat_type, &RESERVED);
        let mut expected = Vec::new();
        for a in original.all_annotations() {
            let cut = fragments(a);
            let n = cut.len();
            for (k, (start, end, _)) in (1..).zip(cut) {
                let mut notes: Vec<String> = Vec::new();
                if n > 1 {
                    let number = expected_number(&original, a);
                    notes.push(format!("fragment {k} of {n} of T{number}"));
                }
                notes.extend(a.note.as_deref().map(one_line));
                let note = (!notes.is_empty()).then(|| notes.join("\n"));
                let label = types[&a.label].clone();
                expected.push((a.document_id.clone(), start, end, label, note));
            }
        }
        expected.sort();
        assert_eq!(spans(&ws), expected);
        assert_eq!(
            expected.len(),
            original.all_annotations().count() - 1 + 4,
            "the span of white space left out; 4 spans cut in 8 fragments"
        );
        assert!(ws.label("Armed_Group").is_some() && ws.label("____").is_some());
        let again = import_files(&mut ws, &files, Mode::Merge).unwrap();
        assert_eq!(again.already_present, again.annotations);
    }

    #[test]
    fn relations_become_r_lines_with_their_notes_and_come_back() {
        let original = samples::with_relations();
        let export = export(&original, &samples::all(&original), OffsetUnit::CodePoint).unwrap();
        assert_eq!(export.relations_left_out, None);
        let (files, _, _) = collection(&original, &[TRICKY]);
        let text = |suffix: &str| {
            files
                .iter()
                .find(|(path, _)| path.ends_with(suffix))
                .map(|(_, contents)| contents.as_str())
                .unwrap()
        };
        let conf = text("annotation.conf");
        assert!(
            conf.contains(
                "<OVL-TYPE>:<ANY>\n\
                 # One relation type per relation type used, between any two spans.\n\
                 located_in\tArg1:<ENTITY>, Arg2:<ENTITY>\n\
                 takes_part_in\tArg1:<ENTITY>, Arg2:<ENTITY>\n\
                 says\tArg1:<ENTITY>, Arg2:<ENTITY>\n\n[events]"
            ),
            "{conf}"
        );
        let ann = text(".ann");
        let t_lines = ann.lines().filter(|l| l.starts_with('T')).count();
        let number = |id: &str| {
            let a = original.annotations(TRICKY).unwrap().get(id).unwrap();
            expected_number(&original, a)
        };
        let r_lines: Vec<&str> = ann.lines().filter(|l| l.starts_with('R')).collect();
        assert_eq!(
            r_lines,
            [
                format!(
                    "R1\tlocated_in Arg1:T{} Arg2:T{}",
                    number("0000000000000000000000000000000a"),
                    number("0000000000000000000000000000000e")
                ),
                format!(
                    "R2\tsays Arg1:T{} Arg2:T{}",
                    number("00000000000000000000000000000010"),
                    number("00000000000000000000000000000012")
                ),
                format!(
                    "R3\ttakes_part_in Arg1:T{} Arg2:T{}",
                    number("00000000000000000000000000000007"),
                    number("00000000000000000000000000000008")
                ),
            ]
        );
        assert!(
            ann.contains(&format!(
                "\n#{}\tAnnotatorNotes R1\t家族 in Syria\n",
                t_lines + 1
            )),
            "a relation's note is numbered after the T lines' notes: {ann}"
        );

        let files = [("annotations.brat.zip".to_string(), export.bytes)];
        let mut ws = unannotated();
        import_files(&mut ws, &files, Mode::Merge).unwrap();
        let types = fitted_names(original.labels(), brat_type, &RESERVED);
        let expected: Vec<samples::SeenRelation> = samples::seen_relations(&original)
            .into_iter()
            .map(|(doc, (s1, e1, l1), kind, (s2, e2, l2), note)| {
                (
                    doc,
                    (s1, e1, types[&l1].clone()),
                    kind,
                    (s2, e2, types[&l2].clone()),
                    note.as_deref().map(one_line),
                )
            })
            .collect();
        assert_eq!(expected.len(), samples::RELATIONS.len());
        assert_eq!(samples::seen_relations(&ws), expected);
    }

    #[test]
    fn a_relation_with_an_end_brat_cannot_show_is_left_out_and_counted() {
        let mut ws = samples::workspace();
        let white = samples::find(TRICKY_TEXT, "\r\n\r\n");
        let id = |start: usize| {
            ws.annotations(TRICKY)
                .unwrap()
                .iter()
                .find(|a| a.start == start && a.end == white.end)
                .map(|a| a.id.clone())
                .unwrap()
        };
        let blank = id(white.start);
        let other = "00000000000000000000000000000010".to_string();
        for (n, (from, to)) in [(&blank, &other), (&other, &blank)].into_iter().enumerate() {
            let action = ws
                .plan_relate(TRICKY, from, to, "says", format!("r{n}"), "t".into())
                .unwrap();
            ws.apply(&action).unwrap();
        }
        let file = export(&ws, &[TRICKY], OffsetUnit::CodePoint).unwrap();
        assert_eq!(
            file.relations_left_out,
            Some((2, RELATIONS_LEFT_OUT)),
            "{}",
            file.summary()
        );
        let (files, _, left) = collection(&ws, &[TRICKY]);
        assert_eq!(left, 2);
        assert!(files.iter().all(|(_, f)| !f.contains("\nR")));
    }

    /// The number of `a`'s `T` line in its document's `.ann`.
    fn expected_number(ws: &Workspace, a: &Annotation) -> usize {
        let doc = ws.position(&a.document_id).unwrap();
        let written = ws
            .annotations(doc)
            .unwrap()
            .iter()
            .filter(|other| !fragments(other).is_empty());
        1 + written.take_while(|other| other.id != a.id).count()
    }

    #[test]
    fn brats_own_tutorial_zipped_by_python() {
        let (name, zip) = fixture("news.zip");
        let Read { format, parsed } = registry::read_files(&[(name, zip)]).unwrap();
        assert_eq!(format.id, "brat");
        let names: Vec<&str> = parsed.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Person",
                "Organization",
                "GPE",
                "Money",
                "Report",
                "Merge-org"
            ],
            "annotation.conf's entities, then the event triggers' types"
        );
        let documents: Vec<Option<&str>> = parsed
            .documents
            .iter()
            .map(|d| d.file_name.as_deref())
            .collect();
        assert_eq!(
            documents,
            [
                Some("100-attribute_annotation.txt"),
                Some("110-note_annotation.txt")
            ]
        );
        assert_eq!(parsed.annotations.len(), 26 + 14);
        let dropped: Vec<String> = parsed.dropped.iter().map(ToString::to_string).collect();
        let linked: Vec<(&str, &str, &str)> = parsed
            .relations
            .iter()
            .map(|r| {
                let quote = |at: usize| parsed.annotations[at].quote.as_deref().unwrap_or_default();
                (quote(r.from), r.kind.as_str(), quote(r.to))
            })
            .collect();
        assert_eq!(
            linked,
            [
                ("Orville Wright", "Family", "Wilbur Wright"),
                ("Orville Wright", "Family", "Wilbur Wright")
            ],
            "the tutorial's R1 and R2"
        );
        assert_eq!(
            (parsed.relations[0].from, parsed.relations[1].from),
            (26 + 5, 26 + 12),
            "T6 and T13 of the second file, after the first file's 26 spans"
        );
        assert_eq!(
            dropped,
            [
                "12 events (the app has no events yet; their trigger spans are imported)",
                "6 attributes (the app has no attributes yet)",
                "1 note (on events, attributes or relations that are not imported)",
            ]
        );
        assert!(parsed.remarks.is_empty(), "{:?}", parsed.remarks);
        let discworld = &parsed.annotations[26];
        assert_eq!(
            (discworld.quote.as_deref(), discworld.note.as_deref()),
            (
                Some("Discworld"),
                Some("Should fictional places be annotated?")
            )
        );
        assert_eq!(discworld.place, "news/110-note_annotation.ann line 1");

        let mut ws = no_documents();
        let preview = plan_and_apply(
            &mut ws,
            parsed.resolve(&no_documents(), None).unwrap().incoming,
            Mode::Merge,
        )
        .unwrap();
        assert_eq!(
            preview.to_string(),
            "2 documents (2 new), 40 annotations, 4 new labels, 2 relations, 1 new relation type"
        );
        let note = ws.document(1).unwrap();
        assert!(note.text.starts_with("Annotation notes\n"));
        assert_eq!(note.title, "Annotation notes");

        // The same files chosen one by one, with visual.conf.
        let mut files: Vec<(String, Vec<u8>)> = [
            "annotation.conf",
            "100-attribute_annotation.txt",
            "100-attribute_annotation.ann",
            "110-note_annotation.ann",
            "110-note_annotation.txt",
        ]
        .into_iter()
        .map(fixture)
        .collect();
        files.push((
            "visual.conf".into(),
            b"[labels]\nGPE | Geo-political entity\n".to_vec(),
        ));
        let one_by_one = registry::read_files(&files).unwrap().parsed;
        assert_eq!(one_by_one.labels, parsed.labels);
        assert_eq!(one_by_one.dropped, parsed.dropped);
        let without_places = |p: &Parsed| {
            p.annotations
                .iter()
                .map(|a| {
                    (
                        a.document,
                        a.anchor.clone(),
                        a.label.clone(),
                        a.note.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(without_places(&one_by_one), without_places(&parsed));
    }

    /// The text of the hand-made collection: emoji (a flag, a ZWJ family),
    /// CJK, Hebrew, a combining accent and CRLF line ends.
    const WORLD: &str = "Flag 🇸🇾 and family 👩\u{200d}👩\u{200d}👧 met in 東京.\r\n\
                         שלום said the cafe\u{301} owner.\r\n";

    /// An `.ann` for [`WORLD`] with offsets in `unit`: text-bound,
    /// discontinuous, noted, and every kind of annotation the app does not
    /// keep, with CRLF line ends and blank lines.
    fn world_ann(unit: OffsetUnit) -> String {
        let index = crate::model::offset_unit::UnitIndex::new(WORLD, unit);
        let at = |needle: &str| {
            let span = samples::find(WORLD, needle);
            let (start, end) = index.span(span.start, span.end);
            format!("{start} {end}")
        };
        [
            format!("T1\tCountry {}\t🇸🇾", at("🇸🇾")),
            format!(
                "T2\tPerson {}\t👩\u{200d}👩\u{200d}👧",
                at("👩\u{200d}👩\u{200d}👧")
            ),
            String::new(),
            format!("T3\tPlace {};{}\tfamily 東京", at("family"), at("東京")),
            format!("T4\tPerson {}\tשלום", at("שלום")),
            format!("T5\tPlace {}\tcafe\u{301}", at("cafe\u{301}")),
            "#1\tAnnotatorNotes T3\tnot really one place".to_string(),
            "#2\tAnnotatorNotes T4\tthe greeting, as a name".to_string(),
            "R1\tMet Arg1:T2 Arg2:T4".to_string(),
            "#3\tAnnotatorNotes R1\tdid they?".to_string(),
            "E1\tMeet:T5 Agent:T2".to_string(),
            "A1\tNegated E1".to_string(),
            "M1\tSpeculation E1".to_string(),
            "N1\tReference T1 Wikipedia:7515849\tSyria".to_string(),
            "*\tAlias T2 T4".to_string(),
            String::new(),
        ]
        .join("\r\n")
    }

    const WORLD_CONF: &str = "# The entity types\n[entities]\n!Being\n\tPerson\n\tAnimal\n\
                              Place\n\tCountry\n<ANY>=Person|Place\n-----\n[relations]\n\
                              Met\tArg1:Person, Arg2:Person\n[events]\nMeet\tAgent:Person\n";

    #[test]
    fn a_deflated_collection_of_tricky_texts_in_folders() {
        let ann = world_ann(OffsetUnit::CodePoint);
        let zip = zip::tests::deflated(&[
            ("corpus/annotation.conf", WORLD_CONF.as_bytes()),
            ("corpus/visual.conf", b"[labels]\nPlace | Place | Pl\n"),
            ("corpus/news/world.txt", WORLD.as_bytes()),
            ("corpus/news/world.ann", ann.as_bytes()),
            ("corpus/news/empty.txt", b""),
            ("corpus/news/empty.ann", b""),
            ("corpus/news/alone.txt", "Only a text, no .ann.".as_bytes()),
            ("corpus/news/.hidden.txt", b"\xff"),
            ("README", b"Not brat's."),
        ]);
        let Read { parsed, .. } = registry::read_bytes(&zip).unwrap();
        let names: Vec<&str> = parsed.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["Person", "Animal", "Place", "Country"]);
        assert_eq!(
            parsed.remarks,
            [
                "1 discontinuous annotation was split into its fragments.",
                "1 text has no .ann file and was imported without annotations.",
                "1 empty text was skipped."
            ]
        );
        let dropped: Vec<String> = parsed.dropped.iter().map(ToString::to_string).collect();
        assert_eq!(
            dropped,
            [
                "1 event (the app has no events yet; their trigger spans are imported)",
                "2 attributes (the app has no attributes yet)",
                "1 normalization (the app keeps no links to outside resources)",
                "1 equivalence (the app links two annotations at a time, not sets of them)",
            ]
        );
        let mut ws = no_documents();
        plan_and_apply(
            &mut ws,
            parsed.resolve(&no_documents(), None).unwrap().incoming,
            Mode::Merge,
        )
        .unwrap();
        let met: Vec<(String, String, String, Option<String>)> = ws
            .relations(0)
            .unwrap()
            .iter()
            .map(|r| {
                let quote = |id: &str| ws.annotations(0).unwrap().get(id).unwrap().quote.clone();
                (quote(&r.from), r.kind.clone(), quote(&r.to), r.note.clone())
            })
            .collect();
        assert_eq!(met.len(), 1, "R1 Met T2 T4: {met:?}");
        assert_eq!(
            (met[0].1.as_str(), met[0].2.as_str(), met[0].3.as_deref()),
            ("Met", "שלום", Some("did they?")),
            "the note #3 on R1 is the relation's"
        );
        let world = ws.document(0).unwrap();
        assert_eq!(
            (&*world.text, world.file_name.as_str()),
            (WORLD, "world.txt")
        );
        assert_eq!(ws.document(1).unwrap().file_name, "alone.txt");
        let got: Vec<(&str, &str, Option<&str>)> = ws
            .annotations(0)
            .unwrap()
            .iter()
            .map(|a| (a.quote.as_str(), a.label.as_str(), a.note.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("🇸🇾", "Country", None),
                (
                    "family",
                    "Place",
                    Some("fragment 1 of 2 of T3\nnot really one place")
                ),
                ("👩\u{200d}👩\u{200d}👧", "Person", None),
                (
                    "東京",
                    "Place",
                    Some("fragment 2 of 2 of T3\nnot really one place")
                ),
                ("שלום", "Person", Some("the greeting, as a name")),
                ("cafe\u{301}", "Place", None),
            ]
        );
    }

    #[test]
    fn the_quotes_tell_the_unit_whatever_brat_itself_counts() {
        for unit in OffsetUnit::ALL {
            let files = [
                ("world.ann".to_string(), world_ann(unit).into_bytes()),
                ("world.txt".to_string(), WORLD.as_bytes().to_vec()),
            ];
            let parsed = registry::read_files(&files).unwrap().parsed;
            assert_eq!(parsed.stated_unit, None);
            let resolved = parsed.resolve(&no_documents(), None).unwrap();
            assert_eq!((resolved.unit, resolved.source), (unit, UnitSource::Quotes));
            let quotes: Vec<&str> = resolved
                .incoming
                .annotations()
                .iter()
                .map(|a| text::slice(WORLD, a.start, a.end).unwrap())
                .collect();
            assert_eq!(quotes[..3], ["🇸🇾", "👩\u{200d}👩\u{200d}👧", "family"]);
        }
    }

    #[test]
    fn malformed_files_are_refused_with_the_place_and_the_reason() {
        let read = |ann: &str| {
            let files = [
                ("d.txt".to_string(), b"Moscow and Astana".to_vec()),
                ("d.ann".to_string(), ann.as_bytes().to_vec()),
            ];
            registry::read_files(&files)
                .map(|r| r.parsed)
                .and_then(|p| {
                    p.resolve(&no_documents(), None)
                        .map(drop)
                        .map_err(|e| e.to_string())
                })
        };
        assert_eq!(
            read("T1\tCity 0 6\tMoscow\r\n\r\nT2\tCity 11 17\tAstana"),
            Ok(())
        );
        for (ann, error) in [
            (
                "T1\tCity 0\tMoscow",
                "d.ann line 1 has the offsets “0”, not start and end numbers (“0 5”, or “0 5;7 9” \
                 for a discontinuous span)",
            ),
            (
                "T1\tCity 0 6;11\tMoscow Astana",
                "d.ann line 1 has the offsets “0 6;11”, not start and end numbers (“0 5”, or \
                 “0 5;7 9” for a discontinuous span)",
            ),
            (
                "T1\tCity -1 6\tMoscow",
                "d.ann line 1 has the offsets “-1 6”, not start and end numbers (“0 5”, or \
                 “0 5;7 9” for a discontinuous span)",
            ),
            (
                "\nT1\tCity 6 0\tMoscow",
                "d.ann line 2 has a span that starts at 6, after its end 0",
            ),
            (
                "T1\t\tMoscow",
                "d.ann line 1 has no label and offsets (“T1<TAB>Label 0 5<TAB>text”)",
            ),
            (
                "T1\tCity 0 6\tMoscow\nT1\tCity 11 17\tAstana",
                "d.ann line 2 repeats the id T1 of line 1",
            ),
            (
                "R1\tNear Arg1:T1 Arg2:T2\nR1\tNear Arg1:T2 Arg2:T1",
                "d.ann line 2 repeats the id R1 of line 1",
            ),
            (
                "T1\tCity 0 6\tMoscow\nX1\tCity 11 17",
                "d.ann line 2 starts with “X1”, which is not the id of a brat annotation (T, R, \
                 E, A, M, N, * or #, then a number)",
            ),
            (
                "#1\tAnnotatorNotes T9\tlost",
                "d.ann line 1 is a note on T9, which the file does not have",
            ),
            (
                "#1\tAnnotatorNotes\tlost",
                "d.ann line 1 is a note without the annotation it is on (“#1<TAB>AnnotatorNotes \
                 T1<TAB>text”)",
            ),
            (
                "T1\tCity 0 6\tMoskva",
                "d.ann line 1.quote “Moskva” does not match the text at 0..6 (“Moscow”)",
            ),
            (
                "T1\tCity 11 18\tAstana",
                "d.ann line 1.end = 18 is past the end of document “d.txt” (17 code points)",
            ),
        ] {
            assert_eq!(read(ann), Err(error.to_string()), "{ann:?}");
        }
        let refused = |files: &[(&str, &[u8])]| {
            let files: Vec<(String, Vec<u8>)> = files
                .iter()
                .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
                .collect();
            registry::read_files(&files).map(drop).unwrap_err()
        };
        assert_eq!(
            refused(&[("a.txt", b"A"), ("a.ann", b""), ("b.ann", b"")]),
            "b.ann has no b.txt beside it, and its offsets point into that text"
        );
        assert_eq!(
            refused(&[("a.txt", b"A \xe9t\xe9"), ("a.ann", b"")]),
            "a.txt is not UTF-8 text (byte 2 is 0xE9)"
        );
        assert_eq!(
            refused(&[("a.txt", b"A"), ("a.json", b"{}")]),
            "several files are read together only as a brat collection (each .txt with its \
             .ann, and annotation.conf); choose one file of any other format"
        );
        assert_eq!(
            registry::read_bytes(&zip::tests::deflated(&[("a.json", b"{}")]))
                .map(drop)
                .unwrap_err(),
            "the zip holds no .txt file, so it is not a brat collection"
        );
        assert_eq!(
            registry::read_bytes(b"T1\tCity 0 6\tMoscow\n")
                .map(drop)
                .unwrap_err(),
            "the file is a brat .ann file, whose offsets point into its .txt: choose both \
             together (with annotation.conf, if there is one), or a zip of the collection"
        );
    }
}
