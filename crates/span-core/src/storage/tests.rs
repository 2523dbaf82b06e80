//! Native tests of the storage engine against a [`MemoryStore`] that fails
//! on demand: each way of losing work that issue 10 lists is provoked here,
//! with the browser out of the picture. Tabs are engines sharing one store.

mod ahead;
// A measurement, run by hand (see the module).
#[cfg(not(target_arch = "wasm32"))]
mod capacity;
mod faults;
mod migration;
// Property tests: proptest is a native dev-dependency.
#[cfg(not(target_arch = "wasm32"))]
mod hostile;
#[cfg(not(target_arch = "wasm32"))]
mod random;
mod relations;
mod tabs;

use std::cell::Cell;
use std::rc::Rc;

use crate::format::native::NativeExport;
use crate::model::{Action, Document, Workspace};

use super::{Loaded, MemoryStore, Notice, Persistence, Saved, Stamps, Status};

thread_local! {
    static NUMBER: Cell<u64> = const { Cell::new(0) };
}

/// A number no tab of this test has used: ids and epochs are unique across
/// tabs and reloads, as random ones are, and the same from run to run, so
/// that a failing property shrinks.
pub fn next_number() -> u64 {
    NUMBER.with(|n| {
        n.set(n.get() + 1);
        n.get()
    })
}

/// Starts the numbers again, for a new run.
#[cfg(not(target_arch = "wasm32"))]
pub fn restart_numbers() {
    NUMBER.with(|n| n.set(0));
}

/// A clock that says what it is told, and ids that count up.
pub struct TestStamps {
    pub now: std::cell::RefCell<String>,
    ids: Cell<u64>,
}

impl Default for TestStamps {
    fn default() -> Self {
        Self {
            now: std::cell::RefCell::new("2026-11-27T10:00:00.000Z".into()),
            ids: Cell::new(0),
        }
    }
}

impl Stamps for TestStamps {
    fn now(&self) -> String {
        self.now.borrow().clone()
    }

    fn new_id(&self) -> String {
        // Unique across tabs, as random ids are.
        static NEXT: std::sync::atomic::AtomicU64 =
            std::sync::atomic::AtomicU64::new(0x5eed_0000_0000);
        self.ids.set(self.ids.get() + 1);
        format!(
            "{:032x}",
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        )
    }
}

/// One tab of the app: an engine, its workspace and its undo history.
pub struct Tab {
    pub persistence: Persistence,
    pub workspace: Workspace,
    pub history: crate::model::History,
    pub notices: Vec<Notice>,
    pub stamps: Rc<TestStamps>,
    pub name: &'static str,
}

impl Tab {
    pub fn open(store: &Rc<MemoryStore>, name: &'static str) -> Self {
        Self::open_with(store, name, Rc::new(TestStamps::default()))
    }

    pub fn open_with(store: &Rc<MemoryStore>, name: &'static str, stamps: Rc<TestStamps>) -> Self {
        let Loaded {
            persistence,
            workspace,
            notices,
        } = Persistence::load(Box::new(store.clone()), stamps.as_ref());
        Self {
            persistence,
            workspace,
            history: crate::model::History::default(),
            notices,
            stamps,
            name,
        }
    }

    /// Applies `action` as the app does: to the workspace, then storage,
    /// then takes in what other tabs stored. `false` if refused.
    pub fn act(&mut self, action: Action) -> bool {
        if self.workspace.apply(&action).is_err() {
            return false;
        }
        let saved = self
            .persistence
            .save(&self.workspace, &action, self.stamps.as_ref());
        self.take(saved);
        self.history.record(action);
        true
    }

    pub fn take(&mut self, saved: Saved) {
        let (_, problems) = self.workspace.absorb(saved.foreign);
        assert!(problems.is_empty(), "{}: {problems:?}", self.name);
        self.notices.extend(saved.notices);
    }

    /// Tags the `nth` word of document `doc` (words of at least 4 letters)
    /// with `label`; the new id.
    pub fn tag_word(&mut self, doc: usize, nth: usize, label: &str) -> Option<String> {
        let (start, end) = word(&self.workspace, doc, nth)?;
        let made = next_number();
        let id = format!("{}-{made:06}-{nth}", self.name);
        let action = self
            .workspace
            .plan_annotate(doc, start..end, label, id.clone(), self.stamps.now())
            .ok()?;
        self.act(action).then_some(id)
    }

    pub fn retag(&mut self, doc: usize, id: &str, label: &str) -> bool {
        match self.workspace.plan_retag(doc, id, label) {
            Ok(action) => self.act(action),
            Err(_) => false,
        }
    }

    pub fn delete(&mut self, doc: usize, id: &str) -> bool {
        match self.workspace.plan_delete(doc, id) {
            Ok(action) => self.act(action),
            Err(_) => false,
        }
    }

    pub fn undo(&mut self) -> Result<(), crate::model::EditError> {
        let action = self.history.undo().expect("something to undo");
        let action = action.relocate(&self.workspace);
        match self.workspace.apply(&action) {
            Ok(_) => {
                let saved = self
                    .persistence
                    .save(&self.workspace, &action, self.stamps.as_ref());
                self.take(saved);
                Ok(())
            }
            Err(e) => {
                self.history.undo_failed();
                Err(e)
            }
        }
    }

    pub fn add_document(&mut self, id: &str, text: &str) -> bool {
        let document = Document::added(id.into(), format!("{id}.txt"), text.into(), "");
        match self.workspace.plan_add_documents(vec![document]) {
            Ok(action) => self.act(action),
            Err(_) => false,
        }
    }

    /// Reads what other tabs changed under `keys`, or everything.
    pub fn sync(&mut self, keys: Option<&[String]>) {
        let saved = self
            .persistence
            .sync(&self.workspace, keys, self.stamps.as_ref());
        self.take(saved);
        self.retry();
    }

    pub fn retry(&mut self) {
        let saved = self
            .persistence
            .flush(&self.workspace, self.stamps.as_ref());
        self.take(saved);
    }

    pub fn status(&self) -> Status {
        self.persistence.status()
    }

    /// Everything this tab holds, as the native export writes it.
    pub fn export(&self) -> String {
        NativeExport::of(&self.workspace).to_json()
    }

    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .workspace
            .all_annotations()
            .map(|a| a.id.clone())
            .collect();
        ids.sort();
        ids
    }
}

/// The `nth` word of four or more letters of document `doc`, in code
/// points.
pub fn word(workspace: &Workspace, doc: usize, nth: usize) -> Option<(usize, usize)> {
    let text = &workspace.document(doc)?.text;
    let mut count = 0;
    let mut start = None;
    for (at, c) in text.chars().chain(std::iter::once(' ')).enumerate() {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(at),
            (false, Some(s)) => {
                if at - s >= 4 {
                    if count == nth {
                        return Some((s, at));
                    }
                    count += 1;
                }
                start = None;
            }
            _ => {}
        }
    }
    None
}
