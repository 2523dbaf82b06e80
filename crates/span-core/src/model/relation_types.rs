//! Editing the relation types as labels are edited: adding, renaming,
//! recolouring, assigning hotkeys and deleting, each planned as one
//! [`Action`] so that it is applied, saved and undone as a whole. Renaming
//! a type retypes its relations, and deleting one deletes its relations, in
//! the same action.
//!
//! A type's colour draws its arcs and their labels on the page, so it is
//! any `#rrggbb` (dark ones read best); its hotkey picks it while a
//! relation is being made, so it may be a key a label also has.

use thiserror::Error;

use super::color::{hex_color, ColorError};
use super::rules::{hotkey, label_name, HotkeyError, NameError};
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
    #[error("nothing to change")]
    Unchanged,
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
    let name = checked_name(types, name, None)?;
    let color = hex_color(color.trim())?.to_lowercase();
    key.map(hotkey).transpose()?;
    let mut after = types.to_vec();
    take_hotkey(&mut after, key);
    after.push(RelationType {
        name,
        color,
        hotkey: key,
    });
    Ok(types_only(types, after))
}

/// Renames relation type `old` to `new`, and every relation of it.
pub fn plan_rename_relation_type(
    workspace: &Workspace,
    old: &str,
    new: &str,
) -> Result<Action, RelationTypeError> {
    let types = workspace.relation_types();
    let at = position(types, old)?;
    let new = checked_name(types, new, Some(at))?;
    if new == old {
        return Err(RelationTypeError::Unchanged);
    }
    let mut after = types.to_vec();
    after[at].name = new.clone();
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
    let at = position(types, name)?;
    let mut after = types.to_vec();
    after[at].color = hex_color(color.trim())?.to_lowercase();
    Ok(types_only(types, after))
}

/// Gives relation type `name` hotkey `key` (none with `None`), taking it
/// from any other type that has it.
pub fn plan_set_relation_hotkey(
    workspace: &Workspace,
    name: &str,
    key: Option<char>,
) -> Result<Action, RelationTypeError> {
    let types = workspace.relation_types();
    let at = position(types, name)?;
    key.map(hotkey).transpose()?;
    let mut after = types.to_vec();
    take_hotkey(&mut after, key);
    after[at].hotkey = key;
    Ok(types_only(types, after))
}

/// Deletes relation type `name` and every relation of it.
pub fn plan_delete_relation_type(
    workspace: &Workspace,
    name: &str,
) -> Result<Action, RelationTypeError> {
    let types = workspace.relation_types();
    let at = position(types, name)?;
    let mut after = types.to_vec();
    after.remove(at);
    Ok(Action {
        relation_types: Some((types.to_vec(), after)),
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

fn position(types: &[RelationType], name: &str) -> Result<usize, RelationTypeError> {
    types
        .iter()
        .position(|t| t.name == name)
        .ok_or_else(|| RelationTypeError::Unknown(name.to_string()))
}

/// `name` normalised, if no other type than the one at `renaming` has it in
/// any case.
fn checked_name(
    types: &[RelationType],
    name: &str,
    renaming: Option<usize>,
) -> Result<String, RelationTypeError> {
    let name = label_name(name)?;
    let clash = types
        .iter()
        .enumerate()
        .find(|(i, t)| Some(*i) != renaming && t.name.to_lowercase() == name.to_lowercase());
    match clash {
        Some((_, other)) => Err(RelationTypeError::DuplicateName(other.name.clone())),
        None => Ok(name),
    }
}

fn take_hotkey(types: &mut [RelationType], key: Option<char>) {
    if key.is_some() {
        types
            .iter_mut()
            .filter(|t| t.hotkey == key)
            .for_each(|t| t.hotkey = None);
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
        let plans: [Plan; 5] = [
            |ws| plan_add_relation_type(ws, "  opposes  ", "#0F766E", Some('m')),
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
        assert_eq!(relation_type_usage(&ws, "says"), 1);
    }
}
