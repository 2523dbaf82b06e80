//! Reading a file as the app's import does: the same checks, the same
//! format detection and the same plan, against the workspace a first visit
//! to the app starts with (the seed articles and the default labels).
//!
//! Ids for annotations the file gives none are derived from the file's
//! bytes, and their creation time is the file's modification time, so that
//! converting one file twice gives the same bytes.

use std::fmt;
use std::path::Path;
use std::time::UNIX_EPOCH;

use span_core::format::stored::text_hash;
use span_core::format::{registry, Read};
use span_core::model::import::{plan, ImportError, ImportPlan, Mode};
use span_core::model::{default_labels, seed_documents, Clock, Workspace, EPOCH};

/// A file read into a workspace.
pub struct Loaded {
    pub workspace: Workspace,
    pub format: &'static registry::Format,
}

/// Why a file was not read, in the app's words.
pub enum Refused {
    /// The file could not be read or understood (its name, why).
    Unread(String, String),
    /// The file was read but cannot be imported.
    Unimportable(ImportError),
    /// Anything else, said in full.
    Other(String),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Refused::Unread(name, why) => f.write_str(&registry::not_imported(name, why)),
            Refused::Unimportable(error) => f.write_str(&registry::cannot_import(error)),
            Refused::Other(said) => f.write_str(said),
        }
    }
}

/// What the app's import preview says of `file` in merge mode, its
/// default: "Read as doccano JSONL. 3 documents (3 new), 12 annotations".
pub fn check(file: &Path) -> Result<String, Refused> {
    let (format, plan, said) = planned(file, Mode::Merge, &fresh())?;
    Ok(format!(
        "{} {said}{}",
        registry::read_as(format),
        plan.preview
    ))
}

/// The workspace the app holds after importing `file` in replace mode on a
/// first visit: everything as in the file.
pub fn replacing(file: &Path) -> Result<Loaded, Refused> {
    let mut workspace = fresh();
    let (format, plan, _) = planned(file, Mode::Replace, &workspace)?;
    workspace
        .apply(&plan.action)
        .map_err(|e| Refused::Other(e.to_string()))?;
    Ok(Loaded { workspace, format })
}

fn fresh() -> Workspace {
    Workspace::new(seed_documents(), default_labels())
}

/// Reads `file` and plans importing it into `workspace` in `mode`; with
/// what the preview says of how it was read (its offsets' unit, what it
/// drops), each sentence followed by a space.
fn planned(
    file: &Path,
    mode: Mode,
    workspace: &Workspace,
) -> Result<(&'static registry::Format, ImportPlan, String), Refused> {
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let unread = |why: String| Refused::Unread(name.clone(), why);
    let metadata =
        std::fs::metadata(file).map_err(|e| unread(format!("it could not be read ({e})")))?;
    registry::check_size(usize::try_from(metadata.len()).unwrap_or(usize::MAX)).map_err(unread)?;
    let bytes = std::fs::read(file).map_err(|e| unread(format!("it could not be read ({e})")))?;
    let Read { format, parsed } = registry::read_bytes(&bytes).map_err(unread)?;
    let resolved = parsed
        .resolve(workspace, None)
        .map_err(Refused::Unimportable)?;
    let said: String = registry::how_read(&parsed, &resolved)
        .into_iter()
        .map(|sentence| format!("{sentence} "))
        .collect();
    let now = metadata
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or_else(
            || EPOCH.to_string(),
            |d| Clock::default().stamp(d.as_millis() as f64),
        );
    let mut new_id = ids(&bytes);
    let plan = plan(workspace, resolved.incoming, mode, &mut new_id, &now)
        .map_err(Refused::Unimportable)?;
    Ok((format, plan, said))
}

/// Ids of 32 hex digits, as the app's: the hash of the file's text, then a
/// count.
fn ids(bytes: &[u8]) -> impl FnMut() -> String {
    let hash = text_hash(&String::from_utf8_lossy(bytes));
    let mut count = 0_u64;
    move || {
        count += 1;
        format!("{hash}{count:016x}")
    }
}
