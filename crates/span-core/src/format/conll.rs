//! The CoNLL export: IOB2 tags, one token a line, in the CoNLL-2003 shape
//! that spaCy's `spacy convert` reads with its `conll` / `ner` converter
//! (`conll_ner_to_docs`, picked for a `.conll` file) without changes:
//!
//! ```text
//! -DOCSTART- -X- O O
//!
//! Russian<TAB>O
//! delegation<TAB>O
//! head<TAB>O
//! Alexander<TAB>B-Person
//! Lavrentiev<TAB>I-Person
//! said<TAB>O
//!
//! Moscow<TAB>B-Location
//! ```
//!
//! - **Shape**: every document opens with the line `-DOCSTART- -X- O O`
//!   (spaCy splits documents at exactly that line; CoNLL-2003 readers such
//!   as Hugging Face's skip any line starting `-DOCSTART-`) and a blank
//!   line; sentences end with a blank line, unless a span runs on into the
//!   next one; each token line is the token, a tab and its tag. spaCy's
//!   `iob` converter wants another shape (a whole sentence a line,
//!   `word|tag`) and is not a target.
//! - **No offsets**: a token line carries no position, so there is no
//!   offset unit; tokens are written in text order, and each one is a
//!   stretch of the text as it is. There is no comment line either: these
//!   readers take every non-blank line for a token.
//! - **Tokens** are Unicode word boundaries (UAX #29, via
//!   unicode-segmentation) inside sentence boundaries, white space left
//!   out. White space is Python's (see [`fields`](super::fields)), so a
//!   token never holds anything `str.split()` would split at, such as the
//!   no-break space U+00A0 or U+2028; a word that does is cut there.
//! - **Tags**: IOB2 (every span starts with `B-`). A span that starts or
//!   ends inside a token tags the whole token. Labels with white space get
//!   `_` for each white-space character (two labels that would then clash
//!   get `_2`, `_3`…).
//! - **Overlaps** cannot be shown: where spans share a token, the longest
//!   (in code points, then the first) is kept and the others are left out,
//!   as are spans that cover no token (only white space). The file's
//!   `left_out` says how many.
//!
//! [`parse`] reads such a file back, and the CoNLL files of other tools,
//! told apart by [`looks_like`]:
//!
//! - **Lines**: a token, then any columns, the tag last, split at tabs when
//!   the line has one (so a token may hold a space), else at white space. A
//!   blank line ends a sentence; a line starting `-DOCSTART-` a document
//!   (without one, the file is one document); a line starting `#` is a
//!   comment unless its last column is a tag (`# O` is a hashtag).
//! - **Tags**: `O`, or a prefix and a label. The scheme is told by the
//!   prefixes used and said in the preview: BIOES (`S-`, `E-`), BILOU (`U-`,
//!   `L-`; read as BIOES), IOB1 (entities begun by `I-`, `B-` only right
//!   after an entity of the same label) or IOB2. Every scheme reads the
//!   same way: `B-`, `S-` and `U-` begin an entity, `I-` continues one of its
//!   label (or begins one, counted and said where the scheme does not allow
//!   it), `E-` and `L-` end one, and `O` or a sentence break ends it. Any
//!   other prefix is refused with its line.
//! - **Texts** are rebuilt: tokens joined by one space, sentences by a line
//!   break. The file keeps no spacing, so the preview says the texts differ
//!   from the originals, and a re-import adds documents rather than finding
//!   them. Offsets are counted here, in code points.

use unicode_segmentation::UnicodeSegmentation;

use super::split_fields::{fitted_names, is_python_space};
use super::{ExportError, ExportFile, LeftSpan};
use crate::model::import::{ImportError, IncomingDocument};
use crate::model::offset_unit::OffsetUnit;
use crate::model::parsed::{Anchor, Parsed, ParsedAnnotation};
use crate::model::{shortened, Annotation, SpanIndex, Workspace};

pub const FILE_NAME: &str = "annotations.conll";
pub const MEDIA_TYPE: &str = "text/plain;charset=utf-8";
/// The line each document opens with.
pub const DOCUMENT_START: &str = "-DOCSTART- -X- O O";

/// Why spans are left out of the file.
const LEFT_OUT: &str = "spans that overlap a longer one, or cover no token";

/// A run of the text with no white space, in code points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Token<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

/// The tagged tokens of the documents at `documents` (positions in
/// `workspace`; positions past the end are skipped).
/// A CoNLL file has no offsets, so `_unit` changes nothing.
pub fn export(
    workspace: &Workspace,
    documents: &[usize],
    _unit: OffsetUnit,
) -> Result<ExportFile, ExportError> {
    let (text, left_out) = tagged_tokens(workspace, documents);
    Ok(ExportFile::text(FILE_NAME, MEDIA_TYPE, text)
        .leaving_out(left_out, LEFT_OUT)
        .leaving_out_relations(workspace, documents, "CoNLL cannot hold relations"))
}

fn tagged_tokens(workspace: &Workspace, documents: &[usize]) -> (String, Vec<LeftSpan>) {
    let tags = fitted_names(workspace.labels(), conll_label, &[]);
    let mut text = String::new();
    let mut left_out = Vec::new();
    for &doc in documents {
        let Some(document) = workspace.document(doc) else {
            continue;
        };
        text.push_str(DOCUMENT_START);
        text.push_str("\n\n");
        let sentences = sentences(&document.text);
        let tokens: Vec<Token> = sentences.iter().flatten().copied().collect();
        let annotations: Vec<&Annotation> = workspace
            .annotations(doc)
            .into_iter()
            .flat_map(SpanIndex::iter)
            .collect();
        let (owners, skipped) = owners(&tokens, &annotations);
        left_out.extend(
            skipped
                .into_iter()
                .map(|i| LeftSpan::of(document, annotations[i])),
        );
        let mut at = 0;
        for sentence in &sentences {
            for token in sentence {
                text.push_str(token.text);
                text.push('\t');
                match owners[at] {
                    Some(owner) => {
                        let label = &annotations[owner].label;
                        let first = at == 0 || owners[at - 1] != Some(owner);
                        text.push_str(if first { "B-" } else { "I-" });
                        match tags.get(label) {
                            Some(tag) => text.push_str(tag),
                            None => text.push_str(&conll_label(label)),
                        }
                    }
                    None => text.push('O'),
                }
                text.push('\n');
                at += 1;
            }
            // A span over a sentence boundary (UAX #29 ends one after "U.S."
            // in "U.S. Army") keeps its tokens in one sentence, so that it
            // stays one entity instead of an `I-` opening the next sentence.
            let continues =
                at < owners.len() && owners[at].is_some() && owners[at] == owners[at - 1];
            if !continues {
                text.push('\n');
            }
        }
    }
    (text, left_out)
}

/// A label name as one field: each white-space character made `_`.
fn conll_label(name: &str) -> String {
    name.chars()
        .map(|c| if is_python_space(c) { '_' } else { c })
        .collect()
}

/// The tokens of `text`, sentence by sentence; sentences of only white
/// space are left out.
fn sentences(text: &str) -> Vec<Vec<Token<'_>>> {
    let mut sentences = Vec::new();
    let mut offset = 0;
    for sentence in text.split_sentence_bounds() {
        let mut tokens = Vec::new();
        for word in sentence.split_word_bounds() {
            let mut current: Option<(usize, usize)> = None;
            for (byte, c) in word.char_indices() {
                match (is_python_space(c), current) {
                    (true, Some((from, start))) => {
                        tokens.push(Token {
                            start,
                            end: offset,
                            text: &word[from..byte],
                        });
                        current = None;
                    }
                    (false, None) => current = Some((byte, offset)),
                    _ => {}
                }
                offset += 1;
            }
            if let Some((from, start)) = current {
                tokens.push(Token {
                    start,
                    end: offset,
                    text: &word[from..],
                });
            }
        }
        if !tokens.is_empty() {
            sentences.push(tokens);
        }
    }
    sentences
}

/// Which annotation (by index) tags each token, and the annotations that
/// tag none, in text order: the longest span goes first, then the first in
/// text order, and a span sharing a token with one already placed is left
/// out.
fn owners(tokens: &[Token], annotations: &[&Annotation]) -> (Vec<Option<usize>>, Vec<usize>) {
    let mut owners = vec![None; tokens.len()];
    let mut order: Vec<usize> = (0..annotations.len()).collect();
    order.sort_by_key(|&i| {
        let a = annotations[i];
        (std::cmp::Reverse(a.end - a.start), a.start, i)
    });
    let mut left_out = Vec::new();
    for i in order {
        let a = annotations[i];
        // The tokens sharing a code point with the span.
        let first = tokens.partition_point(|t| t.end <= a.start);
        let last = tokens.partition_point(|t| t.start < a.end);
        let covered = owners.get_mut(first..last).unwrap_or_default();
        if covered.is_empty() || covered.iter().any(Option::is_some) {
            left_out.push(i);
            continue;
        }
        covered.fill(Some(i));
    }
    left_out.sort_unstable();
    (owners, left_out)
}

/// Whether `contents` looks like a CoNLL file: most of its lines that are
/// not blank, comments or `-DOCSTART-` are a token and more columns, the
/// last a tag (`O`, or `B-`, `I-`, `E-`, `S-`, `L-` or `U-` and a label).
pub fn looks_like(contents: &str) -> bool {
    let (mut lines, mut tagged) = (0_usize, 0_usize);
    for line in contents.lines().map(str::trim) {
        if line.is_empty() || line.starts_with(DOCSTART) {
            continue;
        }
        let columns = columns(line);
        let is_tagged = columns.len() >= 2 && columns.last().copied().is_some_and(is_tag);
        if line.starts_with('#') && !is_tagged {
            continue;
        }
        lines += 1;
        tagged += usize::from(is_tagged);
    }
    tagged > 0 && tagged * 2 > lines
}

/// What starts a line that opens a document.
const DOCSTART: &str = "-DOCSTART-";

/// The columns of a token line: split at tabs if it has any (so a token
/// may hold a space), else at white space.
fn columns(line: &str) -> Vec<&str> {
    if line.contains('\t') {
        line.split('\t')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect()
    } else {
        line.split_whitespace().collect()
    }
}

fn is_tag(tag: &str) -> bool {
    tag == "O" || split_tag(tag).is_some()
}

/// A tag other than `O` as its prefix letter and its label.
fn split_tag(tag: &str) -> Option<(char, &str)> {
    let (prefix, label) = tag.split_once('-')?;
    let prefix = match prefix {
        "B" => 'B',
        "I" => 'I',
        "E" => 'E',
        "S" => 'S',
        "L" => 'L',
        "U" => 'U',
        _ => return None,
    };
    (!label.is_empty()).then_some((prefix, label))
}

/// The entity being read: its label, where it starts and ends (code
/// points and bytes of the document's text) and the line of its first
/// token.
struct Open {
    label: String,
    start: (usize, usize),
    end: (usize, usize),
    line: usize,
}

/// A document being rebuilt from its tokens.
#[derive(Default)]
struct Rebuilt {
    text: String,
    /// The text's length in code points.
    chars: usize,
    /// The line of its first token.
    line: usize,
    /// Whether the next token starts a sentence.
    new_sentence: bool,
    /// Where the last token starts, in code points and bytes.
    token: (usize, usize),
    open: Option<Open>,
    /// The label of the last token's entity, while in one sentence.
    last: Option<String>,
}

/// How a file's tags were used, to name its scheme.
#[derive(Default)]
struct Tags {
    /// `S-`, `E-`, and `U-`, `L-` tags seen.
    bioes: bool,
    bilou: bool,
    /// Entities started by `I-` (or `E-`, `L-`).
    inside_starts: usize,
    /// `B-` tags right after a token of the same label, and elsewhere.
    b_after_same: usize,
    b_elsewhere: usize,
}

/// Reads a CoNLL file (see the module's documentation): IOB2, IOB1, BIOES
/// or BILOU tags, told apart by the tags used, on texts rebuilt from the
/// tokens, refusing it whole, with the line and the reason, at the first
/// thing wrong.
pub fn parse(contents: &str) -> Result<Parsed, ImportError> {
    let mut parsed = Parsed {
        stated_unit: Some(OffsetUnit::CodePoint),
        ..Parsed::default()
    };
    let mut tags = Tags::default();
    let mut document = Rebuilt::default();
    for (number, line) in (1..).zip(contents.lines()) {
        let line = line.trim();
        if line.is_empty() {
            document.close(&mut parsed);
            document.new_sentence = true;
            document.last = None;
            continue;
        }
        if line.starts_with(DOCSTART) {
            document.finish(&mut parsed);
            continue;
        }
        let columns = columns(line);
        let tag = match columns.as_slice() {
            [.., tag] if line.starts_with('#') && !is_tag(tag) => continue,
            [] | [_] => {
                return Err(ImportError::new(
                    format!("line {number}"),
                    "has one column; a token and its tag are needed (“Moscow<TAB>B-Location”)",
                ))
            }
            [.., tag] => *tag,
        };
        let tag = match tag {
            "O" => None,
            tag => Some(split_tag(tag).ok_or_else(|| {
                ImportError::new(
                    format!("line {number}"),
                    format!(
                        "has the tag “{}”, which is neither O nor B-, I-, E-, S-, L- or U- and \
                         a label",
                        shortened(tag)
                    ),
                )
            })?),
        };
        document.push(columns[0], number);
        match tag {
            None => {
                document.close(&mut parsed);
                document.last = None;
            }
            Some((prefix, label)) => {
                tags.bioes |= matches!(prefix, 'S' | 'E');
                tags.bilou |= matches!(prefix, 'U' | 'L');
                let continues = document.open.as_ref().is_some_and(|o| o.label == label);
                match prefix {
                    'B' | 'S' | 'U' => {
                        if prefix == 'B' && document.last.as_deref() == Some(label) {
                            tags.b_after_same += 1;
                        } else if prefix == 'B' {
                            tags.b_elsewhere += 1;
                        }
                        document.close(&mut parsed);
                        document.open(label, number);
                    }
                    _ if !continues => {
                        tags.inside_starts += 1;
                        document.close(&mut parsed);
                        document.open(label, number);
                    }
                    _ => document.extend(),
                }
                if matches!(prefix, 'S' | 'U' | 'E' | 'L') {
                    document.close(&mut parsed);
                }
                document.last = Some(label.to_string());
            }
        }
    }
    document.finish(&mut parsed);
    parsed.remarks.push(
        "The text was rebuilt from the tokens: the file does not keep the original spacing.".into(),
    );
    parsed.remarks.extend(tags.remarks());
    Ok(parsed)
}

impl Rebuilt {
    /// Adds a token to the text: after a space, or a line break when it
    /// starts a sentence.
    fn push(&mut self, token: &str, line: usize) {
        if self.text.is_empty() {
            self.line = line;
        } else {
            self.text.push(if self.new_sentence { '\n' } else { ' ' });
            self.chars += 1;
        }
        self.new_sentence = false;
        self.token = (self.chars, self.text.len());
        self.text.push_str(token);
        self.chars += token.chars().count();
    }

    /// Opens an entity at the last token pushed.
    fn open(&mut self, label: &str, line: usize) {
        self.open = Some(Open {
            label: label.to_string(),
            start: self.token,
            end: (self.chars, self.text.len()),
            line,
        });
    }

    /// Extends the entity being read to the last token pushed.
    fn extend(&mut self) {
        if let Some(open) = &mut self.open {
            open.end = (self.chars, self.text.len());
        }
    }

    /// Ends the entity being read, if any, at its last token.
    fn close(&mut self, parsed: &mut Parsed) {
        if let Some(open) = self.open.take() {
            parsed.annotations.push(ParsedAnnotation {
                place: format!("line {}", open.line),
                document: parsed.documents.len(),
                id: None,
                anchor: Anchor::Offsets {
                    start: open.start.0,
                    end: open.end.0,
                },
                quote: Some(self.text[open.start.1..open.end.1].to_string()),
                label: open.label,
                created: None,
                note: None,
                entity: None,
            });
        }
    }

    /// Ends the document, adding it if it has a token.
    fn finish(&mut self, parsed: &mut Parsed) {
        self.close(parsed);
        let done = std::mem::take(self);
        if !done.text.is_empty() {
            parsed.documents.push(IncomingDocument {
                place: format!("the document at line {}", done.line),
                id: None,
                file_name: None,
                title: None,
                text: Some(done.text),
                status: None,
            });
        }
    }
}

impl Tags {
    /// The scheme found, and the entities that started where it does not
    /// allow.
    fn remarks(&self) -> Vec<String> {
        let (scheme, allowed_starts) = if self.bioes || self.bilou {
            let (single, last) = if self.bioes { ("S", "E") } else { ("U", "L") };
            let name = match (self.bioes, self.bilou) {
                (true, true) => "BIOES, with BILOU’s U- and L- read as S- and E-",
                (true, false) => "BIOES",
                _ => "BILOU",
            };
            (
                format!(
                    "Tags read as {name}: B- begins an entity, {last}- ends it, {single}- is an \
                     entity of one token."
                ),
                format!("with I- or {last}- where {name} has B- or {single}-"),
            )
        } else if self.inside_starts > 0 && self.b_elsewhere == 0 {
            return vec![
                "Tags read as IOB1: I- begins an entity, B- only one right after \
                         another of the same label."
                    .into(),
            ];
        } else {
            (
                "Tags read as IOB2: B- begins each entity.".to_string(),
                "with I- where IOB2 has B-".to_string(),
            )
        };
        let mut remarks = vec![scheme];
        match self.inside_starts {
            0 => {}
            1 => remarks.push(format!(
                "1 entity starts {allowed_starts}: it was read as beginning there."
            )),
            n => remarks.push(format!(
                "{n} entities start {allowed_starts}: each was read as beginning there."
            )),
        }
        remarks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::samples::{self, TRICKY, TRICKY_TEXT};
    use crate::model::text;

    fn lines(export: &(String, Vec<LeftSpan>)) -> Vec<(&str, &str)> {
        export
            .0
            .lines()
            .filter(|l| !l.is_empty() && *l != DOCUMENT_START)
            .map(|l| l.split_once('\t').expect("token<TAB>tag"))
            .collect()
    }

    #[test]
    fn tokens_hold_no_white_space_and_are_the_texts_own() {
        let tokens: Vec<Token> = sentences(TRICKY_TEXT).into_iter().flatten().collect();
        let words: Vec<&str> = tokens.iter().map(|t| t.text).collect();
        assert_eq!(
            &words[..8],
            [
                "Flag",
                "🇸🇾",
                "and",
                "family",
                "👩\u{200d}👩\u{200d}👧",
                "wave",
                "👋🏽",
                "at"
            ]
        );
        assert!(words.contains(&"cafe\u{301}"));
        assert!(words.contains(&"שלום"));
        assert!(words.contains(&"بالعالم"));
        let hyphenated = words.iter().position(|&w| w == "de").unwrap();
        assert_eq!(words[hyphenated..hyphenated + 3], ["de", "-", "facto"]);
        assert!(words.contains(&"line") && words.contains(&"separator"));
        assert!(words.contains(&"‘") && words.contains(&"maybe"));
        for token in &tokens {
            assert!(!token.text.contains(is_python_space), "{:?}", token.text);
            assert_eq!(
                text::slice(TRICKY_TEXT, token.start, token.end),
                Some(token.text)
            );
        }
        assert!(tokens.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn sentences_end_at_line_breaks_and_full_stops() {
        let sentences = sentences("One. Two\r\n\r\nThree\u{a0}four");
        let words: Vec<Vec<&str>> = sentences
            .iter()
            .map(|s| s.iter().map(|t| t.text).collect())
            .collect();
        assert_eq!(
            words,
            [vec!["One", "."], vec!["Two"], vec!["Three", "four"]]
        );
    }

    #[test]
    fn nested_and_crossing_spans_keep_the_longest() {
        let ws = samples::workspace();
        let export = tagged_tokens(&ws, &[TRICKY]);
        let lines = lines(&export);
        let tag = |word: &str| {
            lines
                .iter()
                .find(|(token, _)| *token == word)
                .map(|&(_, tag)| tag)
                .unwrap()
        };
        assert_eq!(tag("family"), "B-Event");
        assert_eq!(
            tag("👩\u{200d}👩\u{200d}👧"),
            "I-Event",
            "nested Person left out"
        );
        assert_eq!(tag("wave"), "I-Event");
        assert_eq!(tag("👋🏽"), "O", "crossing Date left out");
        assert_eq!(tag("at"), "B-Location");
        assert_eq!(tag("cafe\u{301}"), "I-Location");
        assert_eq!(tag("Hebrew"), "B-Quantity", "a span inside a token tags it");
        assert_eq!(tag("Arabic"), "B-Armed_Group");
        assert_eq!(tag("maybe"), "I-Лицо");
        assert_eq!(tag("He"), "B-Event");
        assert_eq!(tag("facto"), "I-Event");
        assert_eq!(tag("today"), "B-Event");
        assert_eq!(tag("中"), "I-Event", "over the CRLF");
        assert_eq!(tag("文"), "I-Event");
        assert_eq!(tag("新"), "O");
        assert_eq!(tag("then"), "B-Event");
        assert_eq!(tag("Tab"), "I-Event", "over the empty line");
        assert_eq!(tag("here"), "O", "crossing Date left out");
        // Left out: the second flag, the family, the wave, “de-facto”
        // inside “He said …”, “Tab here”, and the CRLFs that cover no token.
        assert_eq!(export.1.len(), 6);
        // Each named where it is, in text order, with what it covers.
        for left in &export.1 {
            assert_eq!(
                text::slice(TRICKY_TEXT, left.start, left.end),
                Some(left.quote.as_str())
            );
        }
        assert!(export.1.windows(2).all(|w| w[0].start <= w[1].start));
        assert!(export.1.iter().any(|l| l.quote == "“de-facto”"));
        assert!(
            export
                .0
                .contains("then\tB-Event\n.\tI-Event\nTab\tI-Event\n"),
            "no sentence break inside a span"
        );
    }

    #[test]
    fn iob2_on_the_seeds_and_a_blank_line_after_each_sentence() {
        let ws = samples::workspace();
        let export = tagged_tokens(&ws, &samples::all(&ws));
        assert!(export
            .0
            .starts_with("-DOCSTART- -X- O O\n\ndate\tO\n2017\tO\n-\tO\n"));
        assert_eq!(export.0.matches(DOCUMENT_START).count(), 4);
        assert!(export.0.ends_with("end\tO\n.\tO\n\n"));
        assert!(export
            .0
            .contains("Alexander\tB-Person\nLavrentiev\tI-Person\n"));
        let mut previous = "O";
        for (_, tag) in lines(&export) {
            if let Some(label) = tag.strip_prefix("I-") {
                assert!(previous.ends_with(label), "{previous} then {tag}");
                assert!(previous != "O");
            }
            previous = tag;
        }
    }

    #[test]
    fn adjacent_spans_of_one_label_each_begin() {
        let mut ws = Workspace::new(
            vec![crate::model::Document::new("d", "d.txt", "New York Boston")],
            samples::labels(),
        );
        for (id, span) in [("a", 0..8), ("b", 9..15)] {
            let action = ws
                .plan_annotate(0, span, "Location", id.into(), String::new())
                .unwrap();
            ws.apply(&action).unwrap();
        }
        let export = tagged_tokens(&ws, &[0]);
        assert_eq!(
            export.0,
            "-DOCSTART- -X- O O\n\nNew\tB-Location\nYork\tI-Location\nBoston\tB-Location\n\n"
        );
        assert_eq!(export.1.len(), 0);
    }

    /// A fixture of `tests/fixtures/conll/` (see its README).
    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/../../tests/fixtures/conll/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(path).expect("a fixture")
    }

    /// A document's text and its spans as (quote, label).
    type Read = (String, Vec<(String, String)>);

    /// Each document of `contents` read and resolved.
    fn read(contents: &str) -> Result<Vec<Read>, String> {
        let parsed = parse(contents).map_err(|e| e.to_string())?;
        let empty = Workspace::new(Vec::new(), crate::model::default_labels());
        let resolved = parsed.resolve(&empty, None).map_err(|e| e.to_string())?;
        Ok(resolved
            .incoming
            .documents()
            .iter()
            .enumerate()
            .map(|(at, d)| {
                let text = d.text.clone().unwrap_or_default();
                let spans = resolved
                    .incoming
                    .annotations()
                    .iter()
                    .filter(|a| a.document == at)
                    .map(|a| {
                        let quote = text::slice(&text, a.start, a.end).unwrap_or_default();
                        (quote.to_string(), a.label.clone())
                    })
                    .collect();
                (text, spans)
            })
            .collect())
    }

    fn spans(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(quote, label)| (quote.to_string(), label.to_string()))
            .collect()
    }

    #[test]
    fn our_export_comes_back_with_the_same_labels_on_the_same_tokens() {
        let ws = samples::workspace();
        let exported = tagged_tokens(&ws, &samples::all(&ws));
        let parsed = parse(&exported.0).unwrap();
        assert_eq!(parsed.documents.len(), 4);
        assert_eq!(parsed.stated_unit, Some(OffsetUnit::CodePoint));
        assert_eq!(
            parsed.remarks,
            [
                "The text was rebuilt from the tokens: the file does not keep the original \
                 spacing.",
                "Tags read as IOB2: B- begins each entity."
            ]
        );
        let mut again = Workspace::new(Vec::new(), samples::labels());
        let incoming = parsed.resolve(&again, None).unwrap().incoming;
        crate::format::registry::tests::plan_and_apply(
            &mut again,
            incoming,
            crate::model::import::Mode::Merge,
        )
        .unwrap();
        let tricky = again.document(TRICKY).unwrap();
        assert!(tricky
            .text
            .starts_with("Flag 🇸🇾 and family 👩\u{200d}👩\u{200d}👧 wave"));
        let reexported = tagged_tokens(&again, &samples::all(&again));
        assert_eq!(lines(&reexported), lines(&exported));
    }

    #[test]
    fn a_conll_2003_file_in_iob1_with_two_documents() {
        let contents = fixture("conll2003.txt");
        assert!(looks_like(&contents));
        let documents = read(&contents).unwrap();
        assert_eq!(
            documents,
            [
                (
                    "U.N. official Ekeus heads for Baghdad .\n\
                     Talks in Astana and Geneva resumed ."
                        .to_string(),
                    spans(&[
                        ("U.N.", "ORG"),
                        ("Ekeus", "PER"),
                        ("Baghdad", "LOC"),
                        ("Astana", "LOC"),
                        ("Geneva", "LOC")
                    ])
                ),
                (
                    "Russia and Turkey sent envoys to the Syrian talks .\n\
                     Envoys Alexander Lavrentiev Staffan de Mistura met ."
                        .to_string(),
                    spans(&[
                        ("Russia", "LOC"),
                        ("Turkey", "LOC"),
                        ("Syrian", "MISC"),
                        ("Alexander Lavrentiev", "PER"),
                        ("Staffan de Mistura", "PER")
                    ])
                ),
            ]
        );
        assert_eq!(
            parse(&contents).unwrap().remarks[1],
            "Tags read as IOB1: I- begins an entity, B- only one right after another of the \
             same label."
        );
    }

    #[test]
    fn a_bioes_file_with_emoji_cjk_and_right_to_left_tokens() {
        let contents = fixture("bioes.txt");
        assert!(looks_like(&contents));
        let documents = read(&contents).unwrap();
        assert_eq!(
            documents,
            [(
                "Flag 🇸🇾 and family 👩\u{200d}👩\u{200d}👧 wave at cafe\u{301} in 東京 .\n\
                 שלום עולם met New York City officials ."
                    .to_string(),
                spans(&[
                    ("🇸🇾", "LOC"),
                    ("👩\u{200d}👩\u{200d}👧", "PER"),
                    ("cafe\u{301}", "ORG"),
                    ("東京", "LOC"),
                    ("שלום עולם", "PER"),
                    ("New York City officials", "LOC")
                ])
            )]
        );
        assert_eq!(
            parse(&contents).unwrap().remarks[1],
            "Tags read as BIOES: B- begins an entity, E- ends it, S- is an entity of one token."
        );
    }

    #[test]
    fn bilou_and_ill_formed_iob2_are_read_and_said() {
        let bilou = "Alexander B-PER\nLavrentiev L-PER\nin O\nAstana U-LOC\n";
        assert_eq!(
            read(bilou).unwrap()[0].1,
            spans(&[("Alexander Lavrentiev", "PER"), ("Astana", "LOC")])
        );
        assert_eq!(
            parse(bilou).unwrap().remarks[1],
            "Tags read as BILOU: B- begins an entity, L- ends it, U- is an entity of one token."
        );
        // I-LOC after O, and I-PER after a LOC: two entities begin with I-.
        let ill = "In O\nSyria I-LOC\nArab I-LOC\nRepublic I-LOC\nAssad I-PER\nsaid O\n\
                   Moscow B-LOC\nToday B-DATE\n";
        assert_eq!(
            read(ill).unwrap()[0].1,
            spans(&[
                ("Syria Arab Republic", "LOC"),
                ("Assad", "PER"),
                ("Moscow", "LOC"),
                ("Today", "DATE")
            ])
        );
        assert_eq!(
            parse(ill).unwrap().remarks[1..],
            [
                "Tags read as IOB2: B- begins each entity.",
                "2 entities start with I- where IOB2 has B-: each was read as beginning there."
            ]
        );
        // A sentence break ends an entity; the next I- begins another.
        let broken = "Homs B-LOC\n\nprovince I-LOC\n";
        assert_eq!(
            read(broken).unwrap()[0].1,
            spans(&[("Homs", "LOC"), ("province", "LOC")])
        );
        assert_eq!(
            parse(broken).unwrap().remarks[2],
            "1 entity starts with I- where IOB2 has B-: it was read as beginning there."
        );
    }

    #[test]
    fn bad_lines_are_refused_with_their_number() {
        for (contents, error) in [
            (
                "Moscow B-LOC\nis\nbig O\n",
                "line 2 has one column; a token and its tag are needed (“Moscow<TAB>B-Location”)",
            ),
            (
                "Moscow B-LOC\n\nis X-LOC\n",
                "line 3 has the tag “X-LOC”, which is neither O nor B-, I-, E-, S-, L- or U- \
                 and a label",
            ),
            (
                "Moscow B-\n",
                "line 1 has the tag “B-”, which is neither O nor B-, I-, E-, S-, L- or U- and a \
                 label",
            ),
        ] {
            assert_eq!(read(contents), Err(error.to_string()));
        }
        // A hashtag is a token when a tag follows it.
        assert_eq!(read("# O\nSyria B-LOC\n").unwrap()[0].0, "# Syria");
    }

    #[test]
    fn only_token_and_tag_lines_look_like_conll() {
        assert!(looks_like("Moscow\tB-LOC\n"));
        assert!(looks_like(
            "-DOCSTART- -X- O O\n\nA O\nB O\nnot a tag line\n"
        ));
        assert!(!looks_like("Moscow is big.\nIt is.\n"));
        assert!(!looks_like("a O\nb c\nd e\n"), "a third of the lines");
        assert!(
            !looks_like("-DOCSTART-\n\n# O O comment\n"),
            "nothing but a hashtag"
        );
        assert!(!looks_like(""));
    }
}
