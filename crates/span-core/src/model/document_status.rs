//! Where a person is with a document: to do, in progress or done. Set from
//! the document list, kept with the document (stored, shared between tabs,
//! undone like any edit) and written in the native export as `status`.

use serde::{Deserialize, Serialize};

/// A document's status. A document nobody has set is [`Todo`](Self::Todo).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentStatus {
    #[default]
    Todo,
    InProgress,
    Done,
}

impl DocumentStatus {
    /// Every status, in the order work goes.
    pub const ALL: [Self; 3] = [Self::Todo, Self::InProgress, Self::Done];

    /// The name files and the `doc-status` select use.
    pub fn id(self) -> &'static str {
        match self {
            Self::Todo => "todo",
            Self::InProgress => "in-progress",
            Self::Done => "done",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }

    /// What a person reads.
    pub fn name(self) -> &'static str {
        match self {
            Self::Todo => "To do",
            Self::InProgress => "In progress",
            Self::Done => "Done",
        }
    }

    /// The status after this one, back to the first after the last: what
    /// the key that steps a document's status gives.
    pub fn next(self) -> Self {
        match self {
            Self::Todo => Self::InProgress,
            Self::InProgress => Self::Done,
            Self::Done => Self::Todo,
        }
    }

    pub fn is_todo(&self) -> bool {
        *self == Self::Todo
    }
}

/// How far a set of documents is: how many are done of how many.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub in_progress: usize,
    pub total: usize,
}

impl Progress {
    pub fn of(statuses: impl IntoIterator<Item = DocumentStatus>) -> Self {
        statuses
            .into_iter()
            .fold(Self::default(), |mut progress, status| {
                progress.total += 1;
                match status {
                    DocumentStatus::Done => progress.done += 1,
                    DocumentStatus::InProgress => progress.in_progress += 1,
                    DocumentStatus::Todo => {}
                }
                progress
            })
    }
}

impl std::fmt::Display for Progress {
    /// "2 of 3 done".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} of {} done", self.done, self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_read_as_serde_writes_them() {
        for status in DocumentStatus::ALL {
            assert_eq!(DocumentStatus::from_id(status.id()), Some(status));
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{}\"", status.id())
            );
        }
        assert_eq!(DocumentStatus::from_id("finished"), None);
        assert_eq!(DocumentStatus::from_id("Done"), None);
    }

    #[test]
    fn stepping_goes_through_every_status_and_back() {
        let mut status = DocumentStatus::default();
        let mut seen = vec![status];
        for _ in 0..3 {
            status = status.next();
            seen.push(status);
        }
        assert_eq!(
            seen,
            [
                DocumentStatus::Todo,
                DocumentStatus::InProgress,
                DocumentStatus::Done,
                DocumentStatus::Todo
            ]
        );
    }

    #[test]
    fn progress_counts_what_is_done_of_all() {
        use DocumentStatus::*;
        let progress = Progress::of([Done, Todo, InProgress, Done]);
        assert_eq!(
            progress,
            Progress {
                done: 2,
                in_progress: 1,
                total: 4
            }
        );
        assert_eq!(progress.to_string(), "2 of 4 done");
        assert_eq!(Progress::of([]).to_string(), "0 of 0 done");
    }
}
