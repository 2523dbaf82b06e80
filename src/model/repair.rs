//! Stored data made valid at load: a label set or a document kept in the
//! browser's storage may break any rule (edited by hand, written by an
//! older build, damaged), and the app must still start, keep what it can,
//! say what it changed, and never hold a value that its own export would
//! carry and its own import refuse. Each fix follows the rules of
//! [`rules`](super::rules), so what comes out passes the same checks as an
//! import ([`Incoming::new`](super::import::Incoming::new)).
//!
//! It neither reads nor writes storage, and does not decide what to back up
//! or when to write the repaired values back: that is the storage layer's
//! business. Annotations are checked against their document and labels by
//! [`Workspace::restore`](super::Workspace::restore).

use std::collections::{HashMap, HashSet};

use thiserror::Error;

use super::rules::{
    check_text, is_blank, is_hex_color, is_hotkey, label_name, normalize_name, NameError,
    TextError, MAX_NAME_CHARS,
};
use super::{default_labels, ColorPicker, Document, Label};

/// A value made valid, and what was done to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repaired<T> {
    pub value: T,
    /// One line per fix, in plain English, saying where, what was wrong
    /// and what it is now: `labels[2]: the hotkey “ ” is white space or a
    /// control character; it was removed`.
    pub problems: Vec<String>,
    /// Each label renamed, as (stored name, new name), for the annotations
    /// that carry the stored name to follow. A label whose name is a second
    /// use of an earlier label's is renamed too but not listed: annotations
    /// with that name are the earlier label's. Empty for a document, which
    /// is never renamed.
    pub renamed: Vec<(String, String)>,
}

/// Why a stored document cannot be loaded at all.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum Unloadable {
    #[error("it has no id")]
    BlankId,
    #[error("its text cannot be a document: {0}")]
    Text(#[from] TextError),
}

/// What an empty name becomes (numbered if taken).
const UNNAMED: &str = "Label";

/// How many characters of a stored value a problem line shows: a stored
/// name may be a megabyte long.
const SHOWN_CHARS: usize = 60;

/// `labels` made a valid label set: every name normalised, non-empty, at
/// most [`MAX_NAME_CHARS`] long and used once; every colour `#rrggbb`;
/// every hotkey a key typed on its own and used once. No label is dropped,
/// since annotations may carry it: a name that breaks a rule is fixed and,
/// where it would clash, numbered (“Person (2)”), and a label whose name
/// was fine keeps it. A bad colour gets one from the palette; a bad or
/// second hotkey is removed (the first label with a hotkey keeps it). An
/// empty set, which would leave annotations no label to have, becomes the
/// default labels. Linear in the total size of the labels.
pub fn repair_labels(labels: Vec<Label>) -> Repaired<Vec<Label>> {
    if labels.is_empty() {
        return Repaired {
            value: default_labels(),
            problems: vec!["the label set is empty; the default labels are used".into()],
            renamed: Vec::new(),
        };
    }
    let mut problems = Vec::new();
    let mut renamed = Vec::new();

    // Names that are fine stay; they are set aside first, so that a name
    // being fixed never takes one of them.
    let mut stored_names = HashSet::new();
    let firsts: Vec<bool> = labels
        .iter()
        .map(|l| stored_names.insert(l.name.as_str()))
        .collect();
    let wanted: Vec<Result<String, NameError>> =
        labels.iter().map(|l| label_name(&l.name)).collect();
    let mut names = Names::default();
    for ((label, wanted), &first) in labels.iter().zip(&wanted).zip(&firsts) {
        if first && wanted.as_ref().is_ok_and(|name| *name == label.name) {
            names.taken.insert(label.name.clone());
        }
    }

    let mut colors = ColorPicker::new(&labels);
    let mut hotkeys: HashMap<char, usize> = HashMap::new();
    let mut repaired = Vec::with_capacity(labels.len());
    for (i, ((mut label, wanted), first)) in labels.into_iter().zip(wanted).zip(firsts).enumerate()
    {
        let place = format!("labels[{i}]");
        let kept = first && wanted.as_ref().is_ok_and(|name| *name == label.name);
        if !kept {
            let reason = match &wanted {
                _ if !first => "is used twice".to_string(),
                Ok(_) => "has white space at an end or in a run".to_string(),
                Err(NameError::Empty) => "is empty".to_string(),
                Err(NameError::TooLong) => {
                    format!("is longer than the {MAX_NAME_CHARS} characters a name can have")
                }
            };
            let name = names.unused(match wanted {
                Ok(name) => name,
                Err(NameError::Empty) => UNNAMED.into(),
                Err(NameError::TooLong) => fit(&normalize_name(&label.name), 0),
            });
            problems.push(format!(
                "{place}: the name “{}” {reason}; renamed “{name}”",
                shown(&label.name)
            ));
            let old = std::mem::replace(&mut label.name, name);
            if first {
                renamed.push((old, label.name.clone()));
            }
        }
        if !is_hex_color(&label.color) {
            let color = colors.pick();
            problems.push(format!(
                "{place}: the colour “{}” is not of the form #rrggbb; it is now {color}",
                shown(&label.color)
            ));
            label.color = color;
        }
        if let Some(key) = label.hotkey {
            let shown = key.escape_default();
            if !is_hotkey(key) {
                problems.push(format!(
                    "{place}: the hotkey “{shown}” is white space or a control character; it \
                     was removed"
                ));
                label.hotkey = None;
            } else if let Some(first) = hotkeys.get(&key) {
                problems.push(format!(
                    "{place}: the hotkey “{shown}” is already the hotkey of labels[{first}]; it \
                     was removed from this one"
                ));
                label.hotkey = None;
            } else {
                hotkeys.insert(key, i);
            }
        }
        repaired.push(label);
    }
    Repaired {
        value: repaired,
        problems,
        renamed,
    }
}

/// The names of a label set being repaired, and the next number to try
/// after each, so that a thousand labels named alike cost a thousand
/// steps, not a million.
#[derive(Default)]
struct Names {
    taken: HashSet<String>,
    numbers: HashMap<String, usize>,
}

impl Names {
    /// `base` (a valid name), or if it is taken, `base (2)`, `base (3)`…
    /// cut so that it is not longer than a name can be; marked taken.
    fn unused(&mut self, base: String) -> String {
        let name = if self.taken.contains(&base) {
            let number = self.numbers.entry(base.clone()).or_insert(2);
            loop {
                let suffix = format!(" ({number})");
                *number += 1;
                let name = format!("{}{suffix}", fit(&base, suffix.chars().count()));
                if !self.taken.contains(&name) {
                    break name;
                }
            }
        } else {
            base
        };
        self.taken.insert(name.clone());
        name
    }
}

/// The normalised `name` cut to leave room for `room` more characters in a
/// name, without a space at its end.
fn fit(name: &str, room: usize) -> String {
    let cut: String = name.chars().take(MAX_NAME_CHARS - room).collect();
    cut.trim_end().to_string()
}

/// `value` for a problem line: at most [`SHOWN_CHARS`] characters, and an
/// ellipsis where it was cut.
fn shown(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_string(),
    }
}

/// `document` made loadable where it can be: a blank title becomes one
/// derived from the text, as for a document added without one
/// ([`Document::added`]); a blank file name becomes `<id>.txt`. A document
/// without an id cannot be found, and one whose text breaks the rules
/// ([`check_text`]: empty, NUL, too large) cannot be kept as it is, so
/// neither can be loaded: the error says why. The text is never changed,
/// since offsets point into it.
pub fn repair_document(document: Document) -> Result<Repaired<Document>, Unloadable> {
    if is_blank(&document.id) {
        return Err(Unloadable::BlankId);
    }
    check_text(&document.text)?;
    let mut problems = Vec::new();
    let mut document = document;
    let name = format!("document “{}”", shown(&document.id));
    if is_blank(&document.file_name) {
        document.file_name = format!("{}.txt", document.id);
        problems.push(format!(
            "{name}: the file name is blank; it is now “{}”",
            shown(&document.file_name)
        ));
    }
    if is_blank(&document.title) {
        let Document {
            id,
            file_name,
            text,
            ..
        } = document;
        document = Document::added(id, file_name, text, "");
        problems.push(format!(
            "{name}: the title is blank; it is now “{}”",
            document.title
        ));
    }
    Ok(Repaired {
        value: document,
        problems,
        renamed: Vec::new(),
    })
}
