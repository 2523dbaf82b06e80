//! Editing the relation types as labels are edited: adding, renaming,
//! recolouring, reordering, assigning hotkeys and deleting, each planned as one
//! [`Action`] so that it is applied, saved and undone as a whole. Renaming
//! a type retypes its relations, and deleting one deletes its relations, in
//! the same action.
//!
//! A type's colour draws its arcs and their labels on the page, so it is
//! any `#rrggbb` (dark ones read best); its hotkey picks it while a
//! relation is being made, so it may be a key a label also has.

use thiserror::Error;

use super::color::{hex_color, ColorError};
use super::entry::{
    added, entry, hotkey_holder, moved, recolored, renamed, with_hotkey, without, Refusal,
};
use super::rules::{HotkeyError, NameError};
use super::{Action, Relation, RelationStep, RelationType, Workspace};

/// Why a change to the relation types is refused.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum RelationTypeError {
    #[error("a relation type’s name {0}")]
    Name(#[from] NameError),
    #[error("there is already a relation type “{0}”")]
    DuplicateName(String),
    #[error("there is no relation type “{0}”")]
    Unknown(String),
    #[error(transparent)]
    Color(#[from] ColorError),
    #[error(transparent)]
    InvalidHotkey(#[from] HotkeyError),
    #[error("there are only {count} relation types, so there is no position {position}")]
    NoSuchPosition { position: usize, count: usize },
    #[error("nothing to change")]
    Unchanged,
}

impl From<Refusal> for RelationTypeError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Duplicate(name) => Self::DuplicateName(name),
            Refusal::Unknown(name) => Self::Unknown(name),
            Refusal::NoSuchPosition { position, count } => Self::NoSuchPosition { position, count },
            Refusal::Unchanged => Self::Unchanged,
        }
    }
}

entry!(RelationType, RelationTypeError, arc_color);

/// A typed colour as an arc keeps it: `#rrggbb`, trimmed, in lower case.
fn arc_color(typed: &str) -> Result<String, ColorError> {
    hex_color(typed.trim()).map(str::to_lowercase)
}

/// Dark colours for new relation types, after the defaults': each reads as
/// a line and as the ink of a name on the page's light background.
const ARC_PALETTE: [&str; 8] = [
    "#1d4ed8", "#047857", "#b45309", "#7c3aed", "#be123c", "#0f766e", "#4d7c0f", "#a21caf",
];

/// A colour for a new relation type: the first of [`ARC_PALETTE`] no type
/// has yet, or the first once all are taken.
pub fn suggest_relation_color(types: &[RelationType]) -> String {
    ARC_PALETTE
        .iter()
        .find(|c| types.iter().all(|t| !t.color.eq_ignore_ascii_case(c)))
        .unwrap_or(&ARC_PALETTE[0])
        .to_string()
}

/// The relation type that has hotkey `key`, other than `name`.
pub fn relation_hotkey_owner<'a>(
    workspace: &'a Workspace,
    key: char,
    name: &str,
) -> Option<&'a RelationType> {
    hotkey_holder(workspace.relation_types(), key, name)
}

/// Adds a relation type at the end. A hotkey another type has moves to the
/// new one.
pub fn plan_add_relation_type(
    workspace: &Workspace,
    name: &str,
    color: &str,
    key: Option<char>,
) -> Result<Action, RelationTypeError> {
    let types = workspace.relation_types();
    Ok(types_only(types, added(types, name, color, key)?))
}

/// Renames relation type `old` to `new`, and every relation of it.
pub fn plan_rename_relation_type(
    workspace: &Workspace,
    old: &str,
    new: &str,
) -> Result<Action, RelationTypeError> {
    let types = workspace.relation_types();
    let (after, new) = renamed(types, old, new)?;
    Ok(Action {
        relation_types: Some((types.to_vec(), after)),
        relations: steps_for(workspace, old, |r| {
            Some(Relation {
                kind: new.clone(),
                ..r.clone()
            })
        }),
        ..Action::default()
    })
}

pub fn plan_recolor_relation_type(
    workspace: &Workspace,
    name: &str,
    color: &str,
) -> Result<Action, RelationTypeError> {
    let types = workspace.relation_types();
    Ok(types_only(types, recolored(types, name, color)?))
}

/// Moves relation type `name` to position `to` (from 0) in the set, the
/// order the relation form lists them in.
pub fn plan_move_relation_type(
    workspace: &Workspace,
    name: &str,
    to: usize,
) -> Result<Action, RelationTypeError> {
    let types = workspace.relation_types();
    Ok(types_only(types, moved(types, name, to)?))
}

/// Gives relation type `name` hotkey `key` (none with `None`), taking it
/// from any other type that has it.
pub fn plan_set_relation_hotkey(
    workspace: &Workspace,
    name: &str,
    key: Option<char>,
) -> Result<Action, RelationTypeError> {
    let types = workspace.relation_types();
    Ok(types_only(types, with_hotkey(types, name, key)?))
}

/// Deletes relation type `name` and every relation of it.
pub fn plan_delete_relation_type(
    workspace: &Workspace,
    name: &str,
) -> Result<Action, RelationTypeError> {
    let types = workspace.relation_types();
    Ok(Action {
        relation_types: Some((types.to_vec(), without(types, name)?)),
        relations: steps_for(workspace, name, |_| None),
        ..Action::default()
    })
}

/// How many relations, in every document, are of type `name`.
pub fn relation_type_usage(workspace: &Workspace, name: &str) -> usize {
    workspace.all_relations().filter(|r| r.kind == name).count()
}

/// One step per relation of type `name`, turned into what `change` makes
/// of it (`None` deletes it).
fn steps_for(
    workspace: &Workspace,
    name: &str,
    mut change: impl FnMut(&Relation) -> Option<Relation>,
) -> Vec<RelationStep> {
    (0..workspace.document_count())
        .flat_map(|doc| {
            workspace
                .relations(doc)
                .into_iter()
                .flatten()
                .filter(|r| r.kind == name)
                .map(move |r| (doc, r))
        })
        .map(|(document, before)| RelationStep {
            document,
            after: change(before),
            before: Some(before.clone()),
        })
        .collect()
}

fn types_only(before: &[RelationType], after: Vec<RelationType>) -> Action {
    Action {
        relation_types: Some((before.to_vec(), after)),
        ..Action::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_labels, seed_documents, History};

    /// Article 0 with two annotations and relations of two types.
    fn related() -> Workspace {
        let mut ws = Workspace::new(seed_documents(), default_labels());
        for (span, label, id) in [(0..4, "Person", "a"), (10..20, "Location", "b")] {
            let action = ws
                .plan_annotate(0, span, label, id.into(), "t".into())
                .unwrap();
            ws.apply(&action).unwrap();
        }
        for (from, to, kind, id) in [("a", "b", "located in", "r1"), ("b", "a", "says", "r2")] {
            let action = ws
                .plan_relate(0, from, to, kind, id.into(), "t".into())
                .unwrap();
            ws.apply(&action).unwrap();
        }
        ws
    }

    fn kinds(ws: &Workspace) -> Vec<String> {
        ws.all_relations().map(|r| r.kind.clone()).collect()
    }

    #[test]
    fn every_edit_of_the_types_is_undone_exactly() {
        let mut ws = related();
        let mut history = History::default();
        let mut states = vec![(ws.relation_types().to_vec(), kinds(&ws))];
        type Plan = fn(&Workspace) -> Result<Action, RelationTypeError>;
        let plans: [Plan; 6] = [
            |ws| plan_add_relation_type(ws, "  opposes  ", "#0F766E", Some('m')),
            |ws| plan_move_relation_type(ws, "opposes", 0),
            |ws| plan_rename_relation_type(ws, "located in", "based in"),
            |ws| plan_recolor_relation_type(ws, "says", "#111827"),
            |ws| plan_set_relation_hotkey(ws, "says", Some('x')),
            |ws| plan_delete_relation_type(ws, "says"),
        ];
        for plan in plans {
            let action = plan(&ws).unwrap();
            ws.apply(&action).unwrap();
            history.record(action);
            states.push((ws.relation_types().to_vec(), kinds(&ws)));
        }
        let opposes = ws.relation_type("opposes").unwrap();
        assert_eq!(
            (opposes.color.as_str(), opposes.hotkey),
            ("#0f766e", Some('m'))
        );
        assert_eq!(
            ws.relation_type("member of").unwrap().hotkey,
            None,
            "m moved"
        );
        assert_eq!(kinds(&ws), ["based in"]);
        assert!(ws.relation_type("says").is_none());
        let names: Vec<&str> = ws
            .relation_types()
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(names[0], "opposes", "moved first");
        assert_eq!(names.len(), 4);
        for expected in states.iter().rev().skip(1) {
            ws.apply(&history.undo().unwrap()).unwrap();
            assert_eq!(&(ws.relation_types().to_vec(), kinds(&ws)), expected);
        }
    }

    #[test]
    fn bad_names_colours_and_hotkeys_are_refused() {
        let ws = related();
        assert_eq!(
            plan_add_relation_type(&ws, "Says", "#000000", None),
            Err(RelationTypeError::DuplicateName("says".into()))
        );
        assert_eq!(
            plan_add_relation_type(&ws, " ", "#000000", None),
            Err(RelationTypeError::Name(NameError::Empty))
        );
        assert!(matches!(
            plan_recolor_relation_type(&ws, "says", "red"),
            Err(RelationTypeError::Color(_))
        ));
        assert!(matches!(
            plan_set_relation_hotkey(&ws, "says", Some(' ')),
            Err(RelationTypeError::InvalidHotkey(_))
        ));
        assert_eq!(
            plan_rename_relation_type(&ws, "says", "says"),
            Err(RelationTypeError::Unchanged)
        );
        assert_eq!(
            plan_delete_relation_type(&ws, "nope"),
            Err(RelationTypeError::Unknown("nope".into()))
        );
        let count = ws.relation_types().len();
        assert_eq!(
            plan_move_relation_type(&ws, "says", count),
            Err(RelationTypeError::NoSuchPosition {
                position: count + 1,
                count
            })
        );
        let at = ws
            .relation_types()
            .iter()
            .position(|t| t.name == "says")
            .unwrap();
        assert_eq!(
            plan_move_relation_type(&ws, "says", at),
            Err(RelationTypeError::Unchanged)
        );
        assert_eq!(relation_type_usage(&ws, "says"), 1);
    }

    /// The rules are the labels' own (`entry`): a name clashes in any case
    /// or spacing, a hotkey moves from the type that had it, and a change
    /// that changes nothing is refused.
    #[test]
    fn relation_types_keep_the_rules_of_labels() {
        let mut ws = related();
        assert_eq!(
            plan_add_relation_type(&ws, "Located-In", "#000000", None),
            Err(RelationTypeError::DuplicateName("located in".into()))
        );
        assert_eq!(
            plan_rename_relation_type(&ws, "says", &"x".repeat(41)).map_err(|e| e.to_string()),
            Err("a relation type’s name is longer than 40 characters".into())
        );
        assert_eq!(
            plan_recolor_relation_type(&ws, "says", " #7C3AED "),
            Err(RelationTypeError::Unchanged)
        );
        assert_eq!(
            plan_set_relation_hotkey(&ws, "says", Some('s')),
            Err(RelationTypeError::Unchanged)
        );
        assert_eq!(
            relation_hotkey_owner(&ws, 'm', "says").map(|t| t.name.as_str()),
            Some("member of")
        );
        assert_eq!(relation_hotkey_owner(&ws, 'm', "member of"), None);
        // A label's hotkey is free for a relation type: it only picks a
        // type in the relation form.
        let action = plan_set_relation_hotkey(&ws, "says", Some('1')).unwrap();
        ws.apply(&action).unwrap();
        assert_eq!(ws.relation_type("says").unwrap().hotkey, Some('1'));
        assert_eq!(ws.label_for_hotkey('1').unwrap().name, "Person");
        let action = plan_rename_relation_type(&ws, "says", "Says").unwrap();
        ws.apply(&action).unwrap();
        assert_eq!(
            kinds(&ws),
            ["located in", "Says"],
            "a change of case renames"
        );
        assert_eq!(suggest_relation_color(ws.relation_types()), "#be123c");
    }
}
