//! Finding text in the documents: a search over one document or all of
//! them, case-insensitive unless asked otherwise, as plain text or as a
//! regular expression, optionally whole words only; and gazetteers, lists
//! of `term<TAB>Label` lines whose terms are searched as whole words.
//!
//! Regular expressions run on the `regex` crate: its engines take time
//! linear in the text whatever the pattern, so a pathological one such as
//! `(a*)*b` cannot hang the page, and its `(?i)` folds case by Unicode's
//! simple case folding while reporting offsets in the original text. Plain
//! text, the search nearly everyone makes, is found byte for byte
//! (`memchr`'s `memmem`) when it can be: building the regex automaton and
//! running it took about half of a first search of a 1 MiB document in the
//! browser. Both find the same matches (a property test says so). Offsets
//! go out as code points, like every offset of the core.
//!
//! What is done with the matches (tagging them) is the workspace's
//! business ([`Workspace::plan_tag_all`](super::Workspace::plan_tag_all)).

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use memchr::memmem;

use regex::{Regex, RegexBuilder};
use thiserror::Error;
use unicode_segmentation::GraphemeCursor;

use super::snap::pieces;
use super::Workspace;

/// The most matches a search lists: beyond that the list would be too long
/// to read or tick, and the page slow to draw it. The search says so.
pub const MAX_MATCHES: usize = 5_000;

/// How many characters of context a match shows at most on each side.
const CONTEXT: usize = 40;

/// How far (in bytes) whole-word checks look around a match for where its
/// words begin and end: a word longer than this counts as ending there.
const WORD_WINDOW: usize = 256;

/// How a pattern is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SearchOptions {
    /// Only matches that neither start nor end inside a word, as words are
    /// for the app's word snapping ([`snap`](super::snap)).
    pub whole_word: bool,
    /// The pattern is a regular expression (the `regex` crate's syntax)
    /// rather than plain text.
    pub regex: bool,
    /// Upper and lower case differ.
    pub match_case: bool,
}

/// Why a pattern cannot be searched for, written for the person who typed
/// it.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum SearchError {
    #[error("type something to search for")]
    Empty,
    #[error("“{pattern}” is not a valid regular expression: {reason}")]
    Invalid { pattern: String, reason: String },
    #[error("the pattern is too large to search for")]
    TooLarge,
}

/// A pattern ready to be searched for.
#[derive(Clone, Debug)]
pub struct Query {
    engine: Engine,
    whole_word: bool,
}

/// How a query finds its matches.
#[derive(Clone, Debug)]
enum Engine {
    Regex(Regex),
    Literal(Literal),
}

/// Plain text found byte for byte: any text when case matters, ASCII text
/// when it does not, searched for in lower case in an ASCII-lowercased copy
/// of the text. Case folding beyond ASCII needs Unicode's tables, so other
/// text goes to the regex engine; so does a text holding the Kelvin sign or
/// the long s, which fold to the ASCII k and s.
#[derive(Clone, Debug)]
struct Literal {
    needle: String,
    ignore_case: bool,
    /// The same search by the regex engine, built when a text first needs
    /// it.
    unicode: OnceLock<Regex>,
}

/// The letters beyond ASCII whose simple case folding is an ASCII letter:
/// the Kelvin sign (k) and the long s (s).
const FOLDING_TO_ASCII: [(char, char); 2] = [('\u{212A}', 'k'), ('\u{17F}', 's')];

impl Literal {
    /// The byte ranges of the needle in `text`, left to right, none
    /// overlapping another.
    fn find_iter<'a>(&'a self, text: &'a str) -> Box<dyn Iterator<Item = Range<usize>> + 'a> {
        let folds_here = self.ignore_case
            && FOLDING_TO_ASCII
                .iter()
                .any(|&(other, ascii)| self.needle.contains(ascii) && text.contains(other));
        if folds_here {
            let regex = self.unicode.get_or_init(|| {
                build(&regex::escape(&self.needle), true)
                    .expect("an escaped ASCII pattern is a small, valid regular expression")
            });
            return Box::new(regex.find_iter(text).map(|m| m.range()));
        }
        let haystack = match self.ignore_case {
            true => Cow::Owned(text.to_ascii_lowercase()),
            false => Cow::Borrowed(text),
        };
        let finder = memmem::Finder::new(self.needle.as_bytes()).into_owned();
        let len = self.needle.len();
        let mut from = 0;
        Box::new(std::iter::from_fn(move || {
            let at = from + finder.find(&haystack.as_bytes()[from..])?;
            from = at + len;
            Some(at..from)
        }))
    }
}

/// The regex for `source`, case-insensitive or not.
fn build(source: &str, case_insensitive: bool) -> Result<Regex, regex::Error> {
    RegexBuilder::new(source)
        .case_insensitive(case_insensitive)
        // Large enough for any pattern a person types; a repetition such as
        // `\w{1000}{1000}` is refused instead of built.
        .size_limit(1 << 21)
        .build()
}

/// One match: where it is (code points) and what is around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// The position of the document it is in.
    pub document: usize,
    pub document_id: String,
    pub start: usize,
    pub end: usize,
    /// The matched text.
    pub quote: String,
    /// Where it is in the UTF-8 bytes of its document's text, to read its
    /// [`Match::context`] from.
    pub bytes: Range<usize>,
}

impl Match {
    /// A few words before and after the match in `text`, its document's
    /// text, for a list of matches. Read only for the matches shown: a
    /// search may find thousands. Empty if `text` is not the one searched.
    pub fn context(&self, text: &str) -> (String, String) {
        let Range { start, end } = self.bytes;
        if text.get(start..end) != Some(self.quote.as_str()) {
            return (String::new(), String::new());
        }
        (context_before(text, start), context_after(text, end))
    }
}

/// What a search found, in document then text order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    pub matches: Vec<Match>,
    /// Whether the search stopped at [`MAX_MATCHES`].
    pub capped: bool,
}

impl Query {
    pub fn new(pattern: &str, options: SearchOptions) -> Result<Self, SearchError> {
        if pattern.is_empty() {
            return Err(SearchError::Empty);
        }
        if !options.regex && (options.match_case || pattern.is_ascii()) {
            let needle = match options.match_case {
                true => pattern.to_string(),
                false => pattern.to_ascii_lowercase(),
            };
            return Ok(Self {
                engine: Engine::Literal(Literal {
                    needle,
                    ignore_case: !options.match_case,
                    unicode: OnceLock::new(),
                }),
                whole_word: options.whole_word,
            });
        }
        let source = match options.regex {
            true => pattern.to_string(),
            false => regex::escape(pattern),
        };
        let regex = build(&source, !options.match_case).map_err(|error| match error {
            regex::Error::Syntax(message) => SearchError::Invalid {
                pattern: pattern.to_string(),
                reason: reason(&message),
            },
            _ => SearchError::TooLarge,
        })?;
        Ok(Self {
            engine: Engine::Regex(regex),
            whole_word: options.whole_word,
        })
    }

    /// Every match in the documents at `documents` (positions), up to
    /// [`MAX_MATCHES`] in all.
    pub fn find(&self, workspace: &Workspace, documents: impl IntoIterator<Item = usize>) -> Found {
        let mut found = Found::default();
        for doc in documents {
            let Some(document) = workspace.document(doc) else {
                continue;
            };
            for (start, end, quote, bytes) in self.find_in(&document.text) {
                if found.matches.len() == MAX_MATCHES {
                    found.capped = true;
                    return found;
                }
                found.matches.push(Match {
                    document: doc,
                    document_id: document.id.clone(),
                    start,
                    end,
                    quote,
                    bytes,
                });
            }
        }
        found
    }

    /// The matches in `text`: code points, quote and bytes, lazily, so a
    /// capped search stops reading.
    fn find_in<'a>(
        &'a self,
        text: &'a str,
    ) -> impl Iterator<Item = (usize, usize, String, Range<usize>)> + 'a {
        // Byte offsets become code points by counting from the previous
        // match on: one pass over the text for all of them.
        let mut counted = (0, 0);
        let found: Box<dyn Iterator<Item = Range<usize>>> = match &self.engine {
            Engine::Regex(regex) => Box::new(regex.find_iter(text).map(|m| m.range())),
            Engine::Literal(literal) => literal.find_iter(text),
        };
        found
            // An empty match (`a*`) cannot be a span.
            .filter(|m| !m.is_empty())
            .filter(move |m| {
                if self.whole_word {
                    is_whole_word(text, m.start, m.end)
                } else {
                    is_grapheme_boundary(text, m.start) && is_grapheme_boundary(text, m.end)
                }
            })
            .map(move |m| {
                let (byte, char) = counted;
                let quote = &text[m.clone()];
                let start = char + text[byte..m.start].chars().count();
                let end = start + quote.chars().count();
                counted = (m.end, end);
                (start, end, quote.to_string(), m)
            })
    }
}

/// The last line of the regex crate's message ("error: unclosed group"),
/// which says what is wrong; the lines above draw the pattern with a caret.
/// The engine is built without Unicode property tables (they would double
/// its size in the wasm), so any `\p{…}` is "not found": said as what it is.
fn reason(message: &str) -> String {
    let last = message.lines().last().unwrap_or(message).trim();
    match last.strip_prefix("error: ").unwrap_or(last) {
        "Unicode property not found" => {
            "Unicode classes (\\p{…}) are not supported; \\w, \\d and \\s match letters, digits and spaces of every script".to_string()
        }
        reason => reason.to_string(),
    }
}

/// Whether byte `at` of `text` is between two grapheme clusters: a match
/// must not split an accent from its letter, nor an emoji sequence.
fn is_grapheme_boundary(text: &str, at: usize) -> bool {
    let mut cursor = GraphemeCursor::new(at, text.len(), true);
    matches!(cursor.is_boundary(text, 0), Ok(true))
}

/// Whether the match at bytes `start..end` of `text` neither starts nor
/// ends inside a word, words as [`snap`](super::snap) sees them ("Moscow’s"
/// is "Moscow" and "’s"). Only the text around the match is segmented: the
/// words are read from a white space (or [`WORD_WINDOW`] bytes) before it
/// to one after it.
fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let from = window_start(text, start);
    let to = window_end(text, end);
    let mut at = from;
    for piece in pieces(&text[from..to]) {
        let next = at + piece.len();
        if piece.chars().any(char::is_alphanumeric)
            && ((at < start && start < next) || (at < end && end < next))
        {
            return false;
        }
        if next >= end {
            break;
        }
        at = next;
    }
    true
}

/// Where the text whose words decide a boundary at byte `at` starts: at
/// the white space before it, which words never reach across.
fn window_start(text: &str, at: usize) -> usize {
    let floor = floor_char_boundary(text, at.saturating_sub(WORD_WINDOW));
    text[floor..at]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(floor, |(i, _)| floor + i)
}

fn window_end(text: &str, at: usize) -> usize {
    let ceiling = ceil_char_boundary(text, at.saturating_add(WORD_WINDOW));
    text[at..ceiling]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(ceiling, |(i, c)| at + i + c.len_utf8())
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Up to [`CONTEXT`] characters before byte `at`, starting at a word where
/// it is cut, on one line.
fn context_before(text: &str, at: usize) -> String {
    let from = text[..at]
        .char_indices()
        .rev()
        .take(CONTEXT)
        .last()
        .map_or(at, |(i, _)| i);
    let mut context = &text[from..at];
    if let Some(line) = context.rfind('\n') {
        context = &context[line + 1..];
    } else if from > 0 {
        if let Some(space) = context.find(char::is_whitespace) {
            context = &context[space..];
        }
    }
    context.trim_start().to_string()
}

/// Up to [`CONTEXT`] characters after byte `at`, ending at a word where it
/// is cut, on one line.
fn context_after(text: &str, at: usize) -> String {
    let to = text[at..]
        .char_indices()
        .nth(CONTEXT)
        .map_or(text.len(), |(i, _)| at + i);
    let mut context = &text[at..to];
    if let Some(line) = context.find('\n') {
        context = &context[..line];
    } else if to < text.len() {
        if let Some(space) = context.rfind(char::is_whitespace) {
            context = &context[..space];
        }
    }
    context.trim_end().to_string()
}

/// One line of a gazetteer: a term and the label its occurrences get.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub term: String,
    pub label: String,
}

/// Why a line of a gazetteer was left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    /// Counted from 1.
    pub line: usize,
    pub reason: BadLineReason,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadLineReason {
    MissingTab,
    EmptyTerm,
    UnknownLabel(String),
}

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = self.line;
        match &self.reason {
            BadLineReason::MissingTab => {
                write!(f, "line {line} has no tab between the term and its label")
            }
            BadLineReason::EmptyTerm => write!(f, "line {line} has no term before its tab"),
            BadLineReason::UnknownLabel(label) => {
                write!(f, "line {line}: there is no label “{label}”")
            }
        }
    }
}

/// A parsed gazetteer: the good lines, and why each other was left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gazetteer {
    pub entries: Vec<Entry>,
    pub bad_lines: Vec<BadLine>,
}

/// A match with the label it is to get.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub found: Match,
    pub label: String,
}

impl Gazetteer {
    /// Reads `term<TAB>Label` lines, labels checked against the label set of
    /// `workspace`; blank lines are skipped, and white space around a term
    /// or label is not part of it.
    pub fn parse(list: &str, workspace: &Workspace) -> Self {
        let mut gazetteer = Self::default();
        for (at, line) in list.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let bad = |reason| BadLine {
                line: at + 1,
                reason,
            };
            let Some((term, label)) = line.split_once('\t') else {
                gazetteer.bad_lines.push(bad(BadLineReason::MissingTab));
                continue;
            };
            let (term, label) = (term.trim(), label.trim());
            if term.is_empty() {
                gazetteer.bad_lines.push(bad(BadLineReason::EmptyTerm));
            } else if workspace.label(label).is_none() {
                gazetteer
                    .bad_lines
                    .push(bad(BadLineReason::UnknownLabel(label.to_string())));
            } else {
                gazetteer.entries.push(Entry {
                    term: term.to_string(),
                    label: label.to_string(),
                });
            }
        }
        gazetteer
    }

    /// Every whole-word occurrence, case aside, of each term in every
    /// document, with the term's label: entries in order, each in document
    /// and text order, up to [`MAX_MATCHES`] in all.
    pub fn find(&self, workspace: &Workspace) -> (Vec<Candidate>, bool) {
        let options = SearchOptions {
            whole_word: true,
            ..SearchOptions::default()
        };
        let mut candidates = Vec::new();
        for entry in &self.entries {
            let Ok(query) = Query::new(&entry.term, options) else {
                continue;
            };
            let found = query.find(workspace, 0..workspace.document_count());
            for found in found.matches {
                if candidates.len() == MAX_MATCHES {
                    return (candidates, true);
                }
                candidates.push(Candidate {
                    found,
                    label: entry.label.clone(),
                });
            }
        }
        (candidates, false)
    }
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
