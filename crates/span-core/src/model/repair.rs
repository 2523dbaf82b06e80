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

use super::color::hex_color;
use super::rules::{
    check_text, hotkey, is_blank, label_name, normalize_name, shortened, HotkeyError, NameError,
    TextError, MAX_NAME_CHARS,
};
use super::{default_labels, ColorPicker, Document, Label, Numbering};

/// A value made valid, and what was done to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repaired<T> {
    pub value: T,
    /// One line per fix, in plain English, saying where, what was wrong
    /// and what it is now: `labels[1]: “red” is not a colour of the form
    /// #rrggbb; it is now #bfdbfe`.
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

    let mut colors = ColorPicker::new(labels.iter().map(|l| l.color.as_str()));
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
                Err(e) => e.to_string(),
            };
            let name = names.unused(match wanted {
                Ok(name) => name,
                Err(NameError::Empty) => UNNAMED.into(),
                Err(NameError::TooLong) => fit(&normalize_name(&label.name), 0),
            });
            problems.push(format!(
                "{place}: the name “{}” {reason}; renamed “{name}”",
                shortened(&label.name)
            ));
            let old = std::mem::replace(&mut label.name, name);
            if first {
                renamed.push((old, label.name.clone()));
            }
        }
        if let Err(e) = hex_color(&label.color) {
            let color = colors.pick();
            problems.push(format!("{place}: {e}; it is now {color}"));
            label.color = color;
        }
        if let Some(key) = label.hotkey {
            let refused = match hotkeys.get(&key) {
                Some(owner) => Some(HotkeyError::taken(key, format!("labels[{owner}]"))),
                None => hotkey(key).err(),
            };
            match refused {
                Some(e) => {
                    problems.push(format!("{place}: {e}; it was removed from this label"));
                    label.hotkey = None;
                }
                None => {
                    hotkeys.insert(key, i);
                }
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

/// The names of a label set being repaired.
#[derive(Default)]
struct Names {
    taken: HashSet<String>,
    numbers: Numbering,
}

impl Names {
    /// `base` (a valid name), or if it is taken, `base (2)`, `base (3)`…
    /// cut so that it is not longer than a name can be; marked taken.
    fn unused(&mut self, base: String) -> String {
        let name = if self.taken.contains(&base) {
            let numbered = |n| {
                let suffix = format!(" ({n})");
                format!("{}{suffix}", fit(&base, suffix.chars().count()))
            };
            self.numbers
                .next(&base, numbered, |name| !self.taken.contains(name))
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
    let name = format!("document “{}”", shortened(&document.id));
    if is_blank(&document.file_name) {
        document.file_name = format!("{}.txt", document.id);
        problems.push(format!(
            "{name}: the file name is blank; it is now “{}”",
            shortened(&document.file_name)
        ));
    }
    if is_blank(&document.title) {
        let Document {
            id,
            file_name,
            text,
            status,
            ..
        } = document;
        document = Document {
            status,
            ..Document::added(id, file_name, text.to_string(), "")
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::native::{self, NativeExport};
    use crate::model::{seed_documents, Annotation, DocumentStatus, Workspace, MAX_TEXT_BYTES};

    fn label(name: &str, color: &str, hotkey: Option<char>) -> Label {
        Label {
            name: name.into(),
            color: color.into(),
            hotkey,
        }
    }

    /// Every rule broken at least once, next to labels that are fine.
    fn hostile_labels() -> Vec<Label> {
        vec![
            label("Person", "#fde68a", Some('1')),
            label("Person", "red", Some('1')),
            label("  Armed \t Group ", "#FECACA", Some(' ')),
            label("", "#ffffff", Some('\u{7}')),
            label(&"x".repeat(50), "#12345", None),
            label("Armed Group", "#bbf7d0", Some('2')),
            label(&"y".repeat(1_000_000), "#ddd6fe", Some('3')),
            label("Label", "#fed7aa", Some('\n')),
        ]
    }

    #[test]
    fn every_broken_label_rule_is_fixed_and_said() {
        let repaired = repair_labels(hostile_labels());
        let names: Vec<&str> = repaired.value.iter().map(|l| l.name.as_str()).collect();
        let x40 = "x".repeat(40);
        let y40 = "y".repeat(40);
        assert_eq!(
            names,
            [
                "Person",
                "Person (2)",
                "Armed Group (2)",
                "Label (2)",
                &x40,
                "Armed Group",
                &y40,
                "Label"
            ]
        );
        let colors: Vec<&str> = repaired.value.iter().map(|l| l.color.as_str()).collect();
        assert_eq!(
            colors,
            [
                "#fde68a", "#bfdbfe", "#FECACA", "#ffffff", "#fbcfe8", "#bbf7d0", "#ddd6fe",
                "#fed7aa"
            ]
        );
        let hotkeys: Vec<Option<char>> = repaired.value.iter().map(|l| l.hotkey).collect();
        assert_eq!(
            hotkeys,
            [
                Some('1'),
                None,
                None,
                None,
                None,
                Some('2'),
                Some('3'),
                None
            ]
        );
        assert_eq!(
            repaired.problems,
            [
                "labels[1]: the name “Person” is used twice; renamed “Person (2)”".to_string(),
                "labels[1]: “red” is not a colour of the form #rrggbb; it is now #bfdbfe".into(),
                "labels[1]: “1” is already the hotkey of labels[0]; it was removed from this label"
                    .into(),
                "labels[2]: the name “  Armed \t Group ” has white space at an end or in a run; \
                 renamed “Armed Group (2)”"
                    .into(),
                "labels[2]: “ ” cannot be a hotkey: use one letter, digit or sign; it was removed \
                 from this label"
                    .into(),
                "labels[3]: the name “” is empty; renamed “Label (2)”".into(),
                "labels[3]: “\\u{7}” cannot be a hotkey: use one letter, digit or sign; it was \
                 removed from this label"
                    .into(),
                format!(
                    "labels[4]: the name “{}” is longer than 40 characters; renamed “{x40}”",
                    "x".repeat(50)
                ),
                "labels[4]: “#12345” is not a colour of the form #rrggbb; it is now #fbcfe8".into(),
                format!(
                    "labels[6]: the name “{}…” is longer than 40 characters; renamed “{y40}”",
                    "y".repeat(60)
                ),
                "labels[7]: “\\n” cannot be a hotkey: use one letter, digit or sign; it was \
                 removed from this label"
                    .into(),
            ]
        );
        // The second “Person” is not listed: annotations named “Person”
        // are the first one's.
        assert_eq!(
            repaired.renamed,
            [
                (
                    "  Armed \t Group ".to_string(),
                    "Armed Group (2)".to_string()
                ),
                (String::new(), "Label (2)".into()),
                ("x".repeat(50), x40.clone()),
                ("y".repeat(1_000_000), y40.clone()),
            ]
        );
    }

    #[test]
    fn a_repaired_label_set_needs_no_more_repair() {
        let once = repair_labels(hostile_labels());
        let twice = repair_labels(once.value.clone());
        assert_eq!(twice.value, once.value);
        assert!(twice.problems.is_empty(), "{:?}", twice.problems);
        assert!(twice.renamed.is_empty());
    }

    #[test]
    fn numbered_names_stay_within_the_length_and_clear_of_each_other() {
        let long = "z".repeat(MAX_NAME_CHARS);
        let labels: Vec<Label> = std::iter::repeat_n(label(&long, "#ffffff", None), 12)
            .chain([label(&format!("{long}!"), "#ffffff", None)])
            .collect();
        let repaired = repair_labels(labels);
        let names: Vec<&str> = repaired.value.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names[0], long);
        assert_eq!(names[1], format!("{} (2)", "z".repeat(36)));
        assert_eq!(names[11], format!("{} (12)", "z".repeat(35)));
        assert_eq!(
            names[12],
            format!("{} (13)", "z".repeat(35)),
            "cut, then taken"
        );
        assert!(names.iter().all(|n| label_name(n).as_deref() == Ok(*n)));
        let distinct: HashSet<&&str> = names.iter().collect();
        assert_eq!(distinct.len(), names.len());
    }

    #[test]
    fn an_empty_label_set_becomes_the_defaults() {
        let repaired = repair_labels(Vec::new());
        assert_eq!(repaired.value, default_labels());
        assert_eq!(
            repaired.problems,
            ["the label set is empty; the default labels are used"]
        );
    }

    fn document(id: &str, file_name: &str, title: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            file_name: file_name.into(),
            title: title.into(),
            text: text.into(),
            status: DocumentStatus::Done,
        }
    }

    #[test]
    fn a_document_gets_a_title_and_a_file_name_or_is_refused_with_why() {
        let repaired = repair_document(document("d1", " ", "\t", "\n\nFirst line\nrest")).unwrap();
        assert_eq!(
            repaired.value,
            document("d1", "d1.txt", "First line", "\n\nFirst line\nrest")
        );
        assert_eq!(
            repaired.problems,
            [
                "document “d1”: the file name is blank; it is now “d1.txt”",
                "document “d1”: the title is blank; it is now “First line”",
            ]
        );
        let fine = document("d2", "a.txt", " Spaced title ", "x\r\n");
        let repaired = repair_document(fine.clone()).unwrap();
        assert_eq!(repaired.value, fine, "nothing changed that was allowed");
        assert!(repaired.problems.is_empty() && repaired.renamed.is_empty());

        let refused = |doc| repair_document(doc).unwrap_err().to_string();
        assert_eq!(refused(document(" ", "a.txt", "A", "text")), "it has no id");
        assert_eq!(
            refused(document("d", "a.txt", "A", " \r\n")),
            "its text cannot be a document: it is empty"
        );
        assert_eq!(
            refused(document("d", "a.txt", "A", "a\0b")),
            "its text cannot be a document: it holds NUL bytes, so it is not a text file"
        );
        assert_eq!(
            refused(document("d", "a.txt", "A", &"a".repeat(4_500_000))),
            "its text cannot be a document: it is 4.5 MB, more than the 4.0 MB a document can \
             have in this browser’s storage"
        );
        assert!(repair_document(document("d", "", "", &"a".repeat(MAX_TEXT_BYTES))).is_ok());
    }

    /// Issue 10: hand-edited stored states loaded without a word, then gave
    /// an export that our own import refused. Repaired, they export one it
    /// takes, and the annotations on renamed labels follow their label.
    #[test]
    fn regression_repaired_stored_data_exports_a_file_our_import_takes() {
        let labels = repair_labels(hostile_labels());
        let mut documents: Vec<Document> = seed_documents();
        documents.push(document("mine", "", "  ", "Zoë 👩‍👩‍👧 שלום\r\n"));
        let documents: Vec<Document> = documents
            .into_iter()
            .map(|d| repair_document(d).unwrap().value)
            .collect();
        let mut ws = Workspace::new(documents, labels.value.clone());

        // One annotation on each stored label name, as storage holds them.
        let stored: Vec<String> = hostile_labels().into_iter().map(|l| l.name).collect();
        let renamed: HashMap<&str, &str> = labels
            .renamed
            .iter()
            .map(|(old, new)| (old.as_str(), new.as_str()))
            .collect();
        let annotations: Vec<Annotation> = stored
            .iter()
            .enumerate()
            .map(|(n, name)| Annotation {
                id: format!("a{n}"),
                document_id: "mine".into(),
                start: n,
                end: n + 1,
                quote: crate::model::text::slice("Zoë 👩‍👩‍👧 שלום", n, n + 1)
                    .unwrap()
                    .into(),
                label: renamed.get(name.as_str()).copied().unwrap_or(name).into(),
                created: "2026-01-01T00:00:00.000Z".into(),
                note: None,
                entity: None,
            })
            .collect();
        assert_eq!(ws.restore(3, annotations), []);

        let export = NativeExport::of(&ws).to_json();
        native::parse(&export).expect("the repaired state imports");
        let exported: Vec<&str> = ws.all_annotations().map(|a| a.label.as_str()).collect();
        assert!(exported.contains(&"Armed Group (2)") && exported.contains(&"Label (2)"));
    }
}

/// Property tests: label sets drawn at random from names, colours and
/// hotkeys that break every rule. proptest needs a native target.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::format::native::{self, NativeExport};
    use crate::model::{seed_documents, Workspace};

    /// Names that clash, differ only in case or spacing, are blank or long.
    fn name() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "Person", "person", "A", "a", " ", "  ", "\t", "\n", "é", "😀", "(2)", "-", "x",
        ]);
        prop::collection::vec(piece, 0..16).prop_map(|pieces| pieces.concat())
    }

    fn label() -> impl Strategy<Value = Label> {
        let color = prop::sample::select(vec![
            "#fde68a", "#FDE68A", "#bfdbfe", "red", "", "#fff", "#12345g",
        ]);
        let hotkey = prop::option::of(prop::sample::select(vec!['1', '2', 'a', ' ', '\t', '\0']));
        (name(), color, hotkey).prop_map(|(name, color, hotkey)| Label {
            name,
            color: color.into(),
            hotkey,
        })
    }

    proptest! {
        #[test]
        fn any_repaired_label_set_is_valid_importable_and_stable(
            labels in prop::collection::vec(label(), 0..12)
        ) {
            let count = labels.len();
            let repaired = repair_labels(labels.clone());
            if count > 0 {
                prop_assert_eq!(repaired.value.len(), count, "no label is dropped");
            }
            let again = repair_labels(repaired.value.clone());
            prop_assert_eq!(&again.value, &repaired.value);
            prop_assert!(again.problems.is_empty(), "{:?}", again.problems);
            let ws = Workspace::new(seed_documents(), repaired.value.clone());
            let export = NativeExport::of(&ws).to_json();
            prop_assert!(native::parse(&export).is_ok(), "{:?}", native::parse(&export));
            // Renames go from a stored name to the name of the label at
            // the same place.
            for (old, new) in &repaired.renamed {
                let at = labels.iter().position(|l| l.name == *old);
                prop_assert_eq!(at.map(|at| &repaired.value[at].name), Some(new));
            }
        }
    }
}
