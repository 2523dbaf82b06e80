//! Editing the label set: adding, renaming, recolouring, reordering,
//! assigning hotkeys and deleting labels, each planned as one [`Action`] so
//! that it is applied, saved and undone as a whole.
//!
//! The plans only read the workspace; [`Workspace::apply`] makes the change.
//! What a valid name or hotkey is, and the words for one that is not, are
//! [`rules`](super::rules)'; colours are [`color`](super::color)'s; the
//! rules of the set itself, which relation types share, are
//! [`entry`](super::entry)'s.
//! A plan that touches annotations (renaming, deleting a used label) carries
//! one step per annotation, across every document, so undoing it puts each
//! annotation back exactly as it was.
//!
//! Colour alone does not tell labels apart once there are many of them, nor
//! for everyone: each label also gets a short [`Cue`], a tag of a few letters
//! and an underline style, computed here and shown by the view.

use std::collections::{HashMap, HashSet};

use thiserror::Error;

use super::color::{readable_color, ColorError, ColorPicker};
use super::entry::{
    added, entry, hotkey_holder, moved, position, recolored, renamed, with_hotkey, without, Refusal,
};
use super::rules::{HotkeyError, NameError, MAX_NAME_CHARS};
use super::{Action, Annotation, Label, Numbering, Step, Workspace};

/// Underline styles, given to labels by position so that neighbours differ.
const LINES: [&str; 5] = ["solid", "dashed", "dotted", "double", "wavy"];

/// A reason a change to the label set is refused, written for the person
/// using the app.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum LabelError {
    #[error("a label’s name {0}")]
    Name(#[from] NameError),
    #[error("there is already a label “{0}”")]
    DuplicateName(String),
    #[error("there is no label “{0}”")]
    UnknownLabel(String),
    #[error(transparent)]
    Color(#[from] ColorError),
    #[error(transparent)]
    InvalidHotkey(#[from] HotkeyError),
    #[error("there are only {count} labels, so there is no position {position}")]
    NoSuchPosition { position: usize, count: usize },
    #[error("the last label cannot be deleted: annotations need at least one")]
    LastLabel,
    #[error("the annotations of “{0}” cannot be moved to the label being deleted")]
    MoveToItself(String),
    #[error("nothing to change")]
    Unchanged,
}

impl From<Refusal> for LabelError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Duplicate(name) => Self::DuplicateName(name),
            Refusal::Unknown(name) => Self::UnknownLabel(name),
            Refusal::NoSuchPosition { position, count } => Self::NoSuchPosition { position, count },
            Refusal::Unchanged => Self::Unchanged,
        }
    }
}

entry!(Label, LabelError, readable_color);

/// What happens to the annotations of a label being deleted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Disposal {
    DeleteAnnotations,
    /// Give them this other label.
    MoveTo(String),
}

/// How a label is told apart without its colour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cue {
    /// A few capital letters from the name, unique in the set: `PER` for
    /// Person.
    pub tag: String,
    /// A CSS `text-decoration-style`: `solid`, `dashed`, `dotted`, `double`
    /// or `wavy`.
    pub line: &'static str,
}

/// The cue of each label, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelCues(HashMap<String, Cue>);

impl LabelCues {
    pub fn of(labels: &[Label]) -> Self {
        Self(
            labels
                .iter()
                .zip(cues(labels))
                .map(|(label, cue)| (label.name.clone(), cue))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&Cue> {
        self.0.get(name)
    }
}

/// The cues of `labels`, in their order. The underline style follows the
/// position. The tag comes from the name: the first three letters, or
/// where an earlier label has those, the first free choice among the first
/// two and a later one, the first and two later ones, and finally the first
/// three and a number. New labels go at the end, so adding one never
/// changes the tags already shown.
pub fn cues(labels: &[Label]) -> Vec<Cue> {
    let mut taken = HashSet::new();
    let mut numbers = Numbering::default();
    labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let letters = tag_letters(&label.name);
            let tag = tag_candidates(&letters)
                .find(|tag| !taken.contains(tag))
                .unwrap_or_else(|| numbered(&letters, &taken, &mut numbers));
            taken.insert(tag.clone());
            Cue {
                tag,
                line: LINES[i % LINES.len()],
            }
        })
        .collect()
}

/// How many of a name's letters a tag is chosen from: the choices grow with
/// the square of their number, so a name of a million characters (stored
/// data is not trusted) would take hours and more memory than there is.
/// A name the rules allow has no more.
const TAG_LETTERS: usize = MAX_NAME_CHARS;

/// The letters a tag is made of: the name's first [`TAG_LETTERS`] letters
/// and digits in capitals, or if it has none, its other visible characters.
fn tag_letters(name: &str) -> Vec<char> {
    let letters: Vec<char> = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .take(TAG_LETTERS)
        .collect();
    if letters.is_empty() {
        name.chars()
            .filter(|c| !c.is_whitespace())
            .take(TAG_LETTERS)
            .collect()
    } else {
        letters
    }
}

/// Tags made of `letters`, best first, each keeping the first letter; made
/// one at a time, as few as it takes to find a free one.
fn tag_candidates(letters: &[char]) -> impl Iterator<Item = String> + '_ {
    let n = letters.len();
    let three = move |j: usize, k: usize| -> String {
        [letters[0], letters[j], letters[k]].iter().collect()
    };
    let first_three = letters.iter().take(3).collect::<String>();
    let first_two_and_one = (2..n).map(move |k| three(1, k));
    let first_and_two = (1..n).flat_map(move |j| (j + 1..n).map(move |k| three(j, k)));
    std::iter::once(first_three)
        .filter(|tag| !tag.is_empty())
        .chain(first_two_and_one)
        .chain(first_and_two)
}

/// The first three of `letters` and the smallest number from 2 that makes a
/// tag not yet taken.
fn numbered(letters: &[char], taken: &HashSet<String>, numbers: &mut Numbering) -> String {
    let stem: String = letters.iter().take(3).collect();
    numbers.next(&stem, |n| format!("{stem}{n}"), |tag| !taken.contains(tag))
}

/// A colour for a new label: the first of the palette no label uses yet.
pub fn suggest_color(labels: &[Label]) -> String {
    ColorPicker::new(labels.iter().map(|l| l.color.as_str())).pick()
}

/// A hotkey for a new label: the first digit from 1 to 9, then 0, that no
/// label has.
pub fn suggest_hotkey(labels: &[Label]) -> Option<char> {
    "1234567890"
        .chars()
        .find(|&k| labels.iter().all(|l| l.hotkey != Some(k)))
}

/// How many annotations, in every document, carry label `name`.
pub fn label_usage(workspace: &Workspace, name: &str) -> usize {
    workspace
        .all_annotations()
        .filter(|a| a.label == name)
        .count()
}

/// The label that has hotkey `key`, other than `name`.
pub fn hotkey_owner<'a>(workspace: &'a Workspace, key: char, name: &str) -> Option<&'a Label> {
    hotkey_holder(workspace.labels(), key, name)
}

/// Adds a label at the end of the set. A hotkey another label has moves to
/// the new one.
pub fn plan_add_label(
    workspace: &Workspace,
    name: &str,
    color: &str,
    hotkey: Option<char>,
) -> Result<Action, LabelError> {
    let labels = workspace.labels();
    Ok(labels_only(labels, added(labels, name, color, hotkey)?))
}

/// Renames label `old` to `new`, and every annotation carrying it with it.
/// Only the case of the name may change, too.
pub fn plan_rename_label(
    workspace: &Workspace,
    old: &str,
    new: &str,
) -> Result<Action, LabelError> {
    let labels = workspace.labels();
    let (after, new) = renamed(labels, old, new)?;
    Ok(Action {
        labels: Some((labels.to_vec(), after)),
        steps: steps_for(workspace, old, |annotation| {
            Some(Annotation {
                label: new.clone(),
                ..annotation.clone()
            })
        }),
        ..Action::default()
    })
}

/// Gives label `name` another colour.
pub fn plan_recolor(workspace: &Workspace, name: &str, color: &str) -> Result<Action, LabelError> {
    let labels = workspace.labels();
    Ok(labels_only(labels, recolored(labels, name, color)?))
}

/// Moves label `name` to position `to` (from 0) in the set.
pub fn plan_move_label(workspace: &Workspace, name: &str, to: usize) -> Result<Action, LabelError> {
    let labels = workspace.labels();
    Ok(labels_only(labels, moved(labels, name, to)?))
}

/// Sets or clears the hotkey of label `name`. A hotkey another label has
/// moves from it to this one, in the same step (see [`hotkey_owner`] to say
/// so).
pub fn plan_set_hotkey(
    workspace: &Workspace,
    name: &str,
    hotkey: Option<char>,
) -> Result<Action, LabelError> {
    let labels = workspace.labels();
    Ok(labels_only(labels, with_hotkey(labels, name, hotkey)?))
}

/// Deletes label `name`, and deletes its annotations or moves them to
/// another label. A moved annotation whose span already carries that other
/// label would be a twin of it, so it is deleted instead.
pub fn plan_delete_label(
    workspace: &Workspace,
    name: &str,
    disposal: Disposal,
) -> Result<Action, LabelError> {
    let labels = workspace.labels();
    let after = without(labels, name)?;
    if after.is_empty() {
        return Err(LabelError::LastLabel);
    }
    let steps = match disposal {
        Disposal::DeleteAnnotations => steps_for(workspace, name, |_| None),
        Disposal::MoveTo(other) if other == name => return Err(LabelError::MoveToItself(other)),
        Disposal::MoveTo(other) => {
            position(labels, &other)?;
            // Spans already tagged `other`, and those given it by this plan.
            let mut tagged: HashSet<(String, usize, usize)> = workspace
                .all_annotations()
                .filter(|a| a.label == other)
                .map(|a| (a.document_id.clone(), a.start, a.end))
                .collect();
            steps_for(workspace, name, |annotation| {
                let span = (
                    annotation.document_id.clone(),
                    annotation.start,
                    annotation.end,
                );
                tagged.insert(span).then(|| Annotation {
                    label: other.clone(),
                    ..annotation.clone()
                })
            })
        }
    };
    Ok(workspace.with_relations(Action {
        labels: Some((labels.to_vec(), after)),
        steps,
        ..Action::default()
    }))
}

/// One step per annotation labelled `name`, in every document, turning it
/// into what `change` makes of it (`None` deletes it).
fn steps_for(
    workspace: &Workspace,
    name: &str,
    mut change: impl FnMut(&Annotation) -> Option<Annotation>,
) -> Vec<Step> {
    (0..workspace.document_count())
        .flat_map(|doc| {
            workspace
                .annotations(doc)
                .into_iter()
                .flat_map(|index| index.iter())
                .filter(|a| a.label == name)
                .map(move |a| (doc, a))
        })
        .map(|(document, before)| Step {
            document,
            after: change(before),
            before: Some(before.clone()),
        })
        .collect()
}

fn labels_only(before: &[Label], after: Vec<Label>) -> Action {
    Action {
        labels: Some((before.to_vec(), after)),
        ..Action::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_labels, seed_documents, Annotation};

    fn workspace() -> Workspace {
        Workspace::new(seed_documents(), default_labels())
    }

    /// Tags `start..end` of document `doc` with `label`, as id `id`.
    fn tag(ws: &mut Workspace, doc: usize, start: usize, end: usize, label: &str, id: &str) {
        let action = ws
            .plan_annotate(doc, start..end, label, id.into(), "t".into())
            .unwrap();
        ws.apply(&action).unwrap();
    }

    /// A workspace with Person used in two documents, Location in one.
    fn annotated() -> Workspace {
        let mut ws = workspace();
        tag(&mut ws, 0, 0, 10, "Person", "p0");
        tag(&mut ws, 1, 5, 20, "Person", "p1");
        tag(&mut ws, 1, 5, 20, "Location", "l1");
        tag(&mut ws, 2, 30, 40, "Location", "l2");
        tag(&mut ws, 2, 50, 60, "Date", "d2");
        ws
    }

    /// Everything the workspace holds, for comparing states.
    fn state(ws: &Workspace) -> (Vec<Annotation>, Vec<Label>) {
        (
            ws.all_annotations().cloned().collect(),
            ws.labels().to_vec(),
        )
    }

    fn label_of(ws: &Workspace, id: &str) -> Option<String> {
        ws.all_annotations()
            .find(|a| a.id == id)
            .map(|a| a.label.clone())
    }

    fn names(ws: &Workspace) -> Vec<&str> {
        ws.labels().iter().map(|l| l.name.as_str()).collect()
    }

    /// Applies `action`, checks that its inverse restores the state before
    /// exactly, and applies it again.
    fn apply_and_check_undo(ws: &mut Workspace, action: &Action) {
        let before = state(ws);
        ws.apply(action).unwrap();
        let after = state(ws);
        ws.apply(&action.inverse()).unwrap();
        assert_eq!(state(ws), before, "undo restores the state before");
        ws.apply(action).unwrap();
        assert_eq!(state(ws), after, "redo restores the state after");
    }

    #[test]
    fn add_appends_a_label_and_undoes() {
        let mut ws = annotated();
        let action = plan_add_label(&ws, "  Armed   Group ", "#A5F3FC", Some('7')).unwrap();
        assert!(action.steps.is_empty());
        apply_and_check_undo(&mut ws, &action);
        let added = ws.labels().last().unwrap();
        assert_eq!(
            added,
            &Label {
                name: "Armed Group".into(),
                color: "#a5f3fc".into(),
                hotkey: Some('7'),
            }
        );
        assert_eq!(added.test_id(), "label-armed-group");
    }

    #[test]
    fn add_refuses_bad_names_colours_and_hotkeys() {
        let ws = workspace();
        let add = |name, color, key| plan_add_label(&ws, name, color, key).unwrap_err();
        assert_eq!(add("  ", "#e7e5e4", None), NameError::Empty.into());
        assert_eq!(
            add("  ", "#e7e5e4", None).to_string(),
            "a label’s name is empty"
        );
        assert_eq!(
            add("person", "#e7e5e4", None),
            LabelError::DuplicateName("Person".into())
        );
        let long = "x".repeat(41);
        assert_eq!(
            add(&long, "#e7e5e4", None).to_string(),
            "a label’s name is longer than 40 characters"
        );
        assert_eq!(
            add("Weapon", "#fff", None).to_string(),
            "“#fff” is not a colour of the form #rrggbb"
        );
        assert_eq!(
            add("Weapon", "red;x", None),
            ColorError::NotHex("red;x".into()).into()
        );
        assert_eq!(
            add("Weapon", "#e7e5e4", Some(' ')).to_string(),
            "“ ” cannot be a hotkey: use one letter, digit or sign"
        );
        assert!(matches!(
            add("Weapon", "#1f6feb", None),
            LabelError::Color(ColorError::LowContrast { .. })
        ));
    }

    #[test]
    fn names_that_differ_only_in_case_or_spacing_or_dashes_clash() {
        let mut ws = workspace();
        let action = plan_add_label(&ws, "Armed Group", "#e7e5e4", None).unwrap();
        ws.apply(&action).unwrap();
        for clash in ["armed group", "ARMED  GROUP", "Armed-Group"] {
            assert_eq!(
                plan_add_label(&ws, clash, "#e7e5e4", None).unwrap_err(),
                LabelError::DuplicateName("Armed Group".into()),
                "{clash}"
            );
        }
    }

    #[test]
    fn rename_keeps_every_annotation_in_every_document() {
        let mut ws = annotated();
        let action = plan_rename_label(&ws, "Person", "Human").unwrap();
        assert_eq!(action.steps.len(), 2, "one step per annotation");
        apply_and_check_undo(&mut ws, &action);
        assert_eq!(names(&ws)[0], "Human");
        assert_eq!(ws.labels()[0].color, "#fde68a");
        assert_eq!(ws.labels()[0].hotkey, Some('1'));
        assert_eq!(label_of(&ws, "p0").as_deref(), Some("Human"));
        assert_eq!(label_of(&ws, "p1").as_deref(), Some("Human"));
        assert_eq!(label_of(&ws, "l1").as_deref(), Some("Location"));
        assert_eq!(ws.all_annotations().count(), 5);
    }

    #[test]
    fn rename_refuses_clashes_and_allows_a_change_of_case() {
        let mut ws = annotated();
        assert_eq!(
            plan_rename_label(&ws, "Person", "location"),
            Err(LabelError::DuplicateName("Location".into()))
        );
        assert_eq!(
            plan_rename_label(&ws, "Person", " Person "),
            Err(LabelError::Unchanged)
        );
        assert_eq!(
            plan_rename_label(&ws, "Nobody", "Somebody"),
            Err(LabelError::UnknownLabel("Nobody".into()))
        );
        assert_eq!(
            plan_rename_label(&ws, "Person", ""),
            Err(NameError::Empty.into())
        );
        let action = plan_rename_label(&ws, "Person", "PERSON").unwrap();
        apply_and_check_undo(&mut ws, &action);
        assert_eq!(label_of(&ws, "p1").as_deref(), Some("PERSON"));
    }

    #[test]
    fn recolor_checks_the_colour_and_undoes() {
        let mut ws = annotated();
        let action = plan_recolor(&ws, "Date", "#E7E5E4").unwrap();
        apply_and_check_undo(&mut ws, &action);
        assert_eq!(ws.label("Date").unwrap().color, "#e7e5e4");
        assert_eq!(
            plan_recolor(&ws, "Date", "#e7e5e4"),
            Err(LabelError::Unchanged)
        );
        assert!(matches!(
            plan_recolor(&ws, "Date", "#333333"),
            Err(LabelError::Color(ColorError::LowContrast { .. }))
        ));
        assert_eq!(ws.all_annotations().count(), 5);
    }

    #[test]
    fn move_reorders_and_undoes() {
        let mut ws = annotated();
        let action = plan_move_label(&ws, "Event", 0).unwrap();
        apply_and_check_undo(&mut ws, &action);
        assert_eq!(
            names(&ws),
            [
                "Event",
                "Person",
                "Organization",
                "Location",
                "Date",
                "Quantity"
            ]
        );
        let down = plan_move_label(&ws, "Event", 1).unwrap();
        ws.apply(&down).unwrap();
        assert_eq!(names(&ws)[..2], ["Person", "Event"]);
        assert_eq!(
            plan_move_label(&ws, "Event", 6),
            Err(LabelError::NoSuchPosition {
                position: 7,
                count: 6
            })
        );
        assert_eq!(plan_move_label(&ws, "Event", 1), Err(LabelError::Unchanged));
    }

    #[test]
    fn a_hotkey_moves_from_the_label_that_had_it() {
        let mut ws = annotated();
        assert_eq!(hotkey_owner(&ws, '3', "Event").unwrap().name, "Location");
        let action = plan_set_hotkey(&ws, "Event", Some('3')).unwrap();
        apply_and_check_undo(&mut ws, &action);
        assert_eq!(ws.label("Event").unwrap().hotkey, Some('3'));
        assert_eq!(ws.label("Location").unwrap().hotkey, None);
        assert_eq!(ws.label_for_hotkey('3').unwrap().name, "Event");

        let clear = plan_set_hotkey(&ws, "Event", None).unwrap();
        apply_and_check_undo(&mut ws, &clear);
        assert_eq!(ws.label("Event").unwrap().hotkey, None);
        assert_eq!(
            plan_set_hotkey(&ws, "Event", None),
            Err(LabelError::Unchanged)
        );
        assert_eq!(
            plan_set_hotkey(&ws, "Event", Some('\n')),
            Err(HotkeyError::Unusable("\\n".into()).into())
        );

        let add = plan_add_label(&ws, "Weapon", "#e7e5e4", Some('1')).unwrap();
        ws.apply(&add).unwrap();
        assert_eq!(ws.label("Person").unwrap().hotkey, None);
        assert_eq!(ws.label_for_hotkey('1').unwrap().name, "Weapon");
    }

    #[test]
    fn delete_with_its_annotations_and_undo() {
        let mut ws = annotated();
        assert_eq!(label_usage(&ws, "Location"), 2);
        let action = plan_delete_label(&ws, "Location", Disposal::DeleteAnnotations).unwrap();
        apply_and_check_undo(&mut ws, &action);
        assert!(ws.label("Location").is_none());
        assert_eq!(label_of(&ws, "l1"), None);
        assert_eq!(label_of(&ws, "l2"), None);
        assert_eq!(ws.all_annotations().count(), 3);
        assert!(ws.all_annotations().all(|a| a.label != "Location"));
    }

    #[test]
    fn delete_moving_the_annotations_to_another_label_and_undo() {
        let mut ws = annotated();
        let action = plan_delete_label(&ws, "Location", Disposal::MoveTo("Event".into())).unwrap();
        apply_and_check_undo(&mut ws, &action);
        assert!(ws.label("Location").is_none());
        assert_eq!(label_of(&ws, "l1").as_deref(), Some("Event"));
        assert_eq!(label_of(&ws, "l2").as_deref(), Some("Event"));
        assert_eq!(ws.all_annotations().count(), 5);
    }

    #[test]
    fn a_moved_annotation_that_would_twin_another_is_deleted() {
        let mut ws = annotated();
        // l1 has the same span as p1, which is a Person.
        let action = plan_delete_label(&ws, "Location", Disposal::MoveTo("Person".into())).unwrap();
        apply_and_check_undo(&mut ws, &action);
        assert_eq!(label_of(&ws, "l1"), None);
        assert_eq!(label_of(&ws, "p1").as_deref(), Some("Person"));
        assert_eq!(label_of(&ws, "l2").as_deref(), Some("Person"));
    }

    #[test]
    fn delete_refuses_the_last_label_and_moves_to_nowhere() {
        let mut ws = annotated();
        assert_eq!(
            plan_delete_label(&ws, "Location", Disposal::MoveTo("Location".into())),
            Err(LabelError::MoveToItself("Location".into()))
        );
        assert_eq!(
            plan_delete_label(&ws, "Location", Disposal::MoveTo("Nope".into())),
            Err(LabelError::UnknownLabel("Nope".into()))
        );
        for name in ["Organization", "Quantity", "Event", "Date", "Location"] {
            let action = plan_delete_label(&ws, name, Disposal::DeleteAnnotations).unwrap();
            ws.apply(&action).unwrap();
        }
        assert_eq!(names(&ws), ["Person"]);
        assert_eq!(
            plan_delete_label(&ws, "Person", Disposal::DeleteAnnotations),
            Err(LabelError::LastLabel)
        );
    }

    #[test]
    fn twenty_labels_stay_distinguishable() {
        let mut ws = workspace();
        for name in [
            "Personality",
            "Personnel",
            "Organism",
            "Order",
            "Location Type",
            "Loc",
            "Dating",
            "Event Series",
            "Armed Group",
            "Army",
            "Armament",
            "Arm",
            "Weapon",
            "Weather",
        ] {
            let color = suggest_color(ws.labels());
            let hotkey = suggest_hotkey(ws.labels());
            let action = plan_add_label(&ws, name, &color, hotkey).unwrap();
            ws.apply(&action).unwrap();
        }
        let labels = ws.labels();
        assert_eq!(labels.len(), 20);
        let cues = cues(labels);
        let tags: HashSet<&str> = cues.iter().map(|c| c.tag.as_str()).collect();
        assert_eq!(tags.len(), 20, "{cues:?}");
        assert!(cues
            .iter()
            .all(|c| (2..=4).contains(&c.tag.chars().count())));
        let colors: HashSet<&str> = labels.iter().map(|l| l.color.as_str()).collect();
        assert_eq!(colors.len(), 20, "a colour of its own for each");
        let looks: HashSet<(&str, &str)> = labels
            .iter()
            .zip(&cues)
            .map(|(l, c)| (l.color.as_str(), c.line))
            .collect();
        assert_eq!(looks.len(), 20);
        assert_eq!(cues[0].tag, "PER");
        assert_eq!(cues[1].tag, "ORG");
        // The digits run out after ten labels.
        assert_eq!(labels.iter().filter(|l| l.hotkey.is_some()).count(), 10);
        assert_eq!(labels[9].hotkey, Some('0'));
    }

    #[test]
    fn adding_or_reordering_keeps_the_tags_and_lines_follow_positions() {
        let mut ws = workspace();
        let before = LabelCues::of(ws.labels());
        let add = plan_add_label(&ws, "Organism", "#e7e5e4", None).unwrap();
        ws.apply(&add).unwrap();
        let action = plan_move_label(&ws, "Event", 0).unwrap();
        ws.apply(&action).unwrap();
        let after = LabelCues::of(ws.labels());
        for label in default_labels() {
            assert_eq!(
                before.get(&label.name).unwrap().tag,
                after.get(&label.name).unwrap().tag
            );
        }
        assert_eq!(after.get("Organization").unwrap().tag, "ORG");
        assert_eq!(after.get("Organism").unwrap().tag, "ORA");
        assert_eq!(after.get("Event").unwrap().line, "solid");
        assert_eq!(after.get("Person").unwrap().line, "dashed");
        assert_eq!(after.get("Nope"), None);
    }

    /// Issue 10: a stored label name of 4,000 characters made start-up take
    /// 7 s, and one of 1 MB stopped the app (`unreachable` in the wasm):
    /// every tag that could be made from the name's letters was made first,
    /// a number growing with the square of the name's length. Before the
    /// fix this test ran out of memory.
    #[test]
    fn regression_huge_label_names_get_their_tags_at_once() {
        let label = |name: String| Label {
            name,
            color: "#e7e5e4".into(),
            hotkey: None,
        };
        let labels = [
            label("Abc".into()),
            label(format!("Abc{}", "x".repeat(4_000))),
            label("ab".repeat(500_000)),
            label("!".repeat(1_000_000)),
            label("ß".repeat(500_000)),
            label("Aaa".into()),
            // Every tag its letters make is taken: it falls through to
            // the numbered one.
            label("a".repeat(1_000_000)),
        ];
        let tags: Vec<String> = cues(&labels).into_iter().map(|c| c.tag).collect();
        assert_eq!(tags, ["ABC", "ABX", "ABA", "!!!", "SSS", "AAA", "AAA2"]);
    }

    #[test]
    fn labels_sharing_a_stem_are_numbered_in_turn() {
        let label = |name: String| Label {
            name,
            color: "#e7e5e4".into(),
            hotkey: None,
        };
        // "A", "A-", "A--"…: one letter each, so each past the first is
        // numbered; and one whose own tag is a number the others reach.
        let mut labels: Vec<Label> = (0..2_000)
            .map(|n| label(format!("A{}", "-".repeat(n))))
            .collect();
        labels.insert(1, label("A3".into()));
        let tags: Vec<String> = cues(&labels).into_iter().map(|c| c.tag).collect();
        assert_eq!(tags[..5], ["A", "A3", "A2", "A4", "A5"]);
        assert_eq!(tags.last().map(String::as_str), Some("A2001"));
        let distinct: HashSet<&String> = tags.iter().collect();
        assert_eq!(distinct.len(), tags.len());
    }

    #[test]
    fn odd_names_still_get_distinct_tags() {
        let label = |name: &str| Label {
            name: name.into(),
            color: "#e7e5e4".into(),
            hotkey: None,
        };
        let labels = [
            label("A"),
            label("a b"),
            label("AB"),
            label("!?"),
            label("ß"),
        ];
        let tags: Vec<String> = cues(&labels).into_iter().map(|c| c.tag).collect();
        assert_eq!(tags, ["A", "AB", "AB2", "!?", "SS"]);
    }
}
