//! Why an edit is refused: [`EditError`], written for the person using the
//! app. What is done about a refusal (a notice, an annotation left out at
//! load) is the caller's business, not this file's.

use thiserror::Error;

use crate::model::{megabytes, SpanError};

/// A reason an edit, or a stored or imported annotation, is refused. The
/// message is written for the person using the app.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum EditError {
    #[error("there is no document number {0}")]
    UnknownDocument(usize),
    #[error("the annotation belongs to document “{found}”, not “{expected}”")]
    WrongDocument { expected: String, found: String },
    #[error("{} {}", .0.subject(), .0)]
    Span(#[from] SpanError),
    #[error("there is no label “{0}”")]
    UnknownLabel(String),
    #[error("there is no annotation “{0}”")]
    UnknownAnnotation(String),
    #[error("the id “{0}” is used twice")]
    DuplicateId(String),
    #[error("the annotation has no id")]
    BlankId,
    #[error("“{quote}” is already tagged {label}")]
    AlreadyTagged { quote: String, label: String },
    #[error("there is already a document with the id “{0}”")]
    DuplicateDocument(String),
    #[error("document {position} is no longer “{title}”")]
    StaleDocument { position: usize, title: String },
    #[error("“{0}” still has annotations")]
    DocumentNotEmpty(String),
    #[error("a document’s text cannot be changed once added")]
    TextChanged,
    #[error("a title cannot be empty")]
    EmptyTitle,
    #[error("“{0}” has been changed since, in another tab")]
    ChangedSince(String),
    #[error("the label set has been changed since, in another tab")]
    LabelsChangedSince,
    #[error("it could not be stored: it needs {} of browser storage and only {} is free; remove documents or backups you no longer need", megabytes(*needed), megabytes(*free))]
    NoRoom { needed: usize, free: usize },
    #[error("the page is closing")]
    Gone,
    #[error("there is no relation “{0}”")]
    UnknownRelation(String),
    #[error("there is no relation type “{0}”")]
    UnknownRelationType(String),
    #[error("a relation links two different annotations, not “{0}” to itself")]
    RelationToItself(String),
    #[error("“{from}” is already linked to “{to}” as {kind}")]
    AlreadyRelated {
        from: String,
        to: String,
        kind: String,
    },
    #[error("“{0}” is an end of a relation; the relation must go first")]
    UsedByRelation(String),
    #[error("the relation types have been changed since, in another tab")]
    RelationTypesChangedSince,
}
