//! A [`Store`] in memory that can be told to fail, so that the code keeping
//! the workspace is tested natively against every way storage goes wrong: a
//! quota, writes that throw, a tab killed after its Nth write, storage that
//! is unavailable, and another tab writing between a read and a write.
//!
//! Several engines sharing one `Rc<MemoryStore>` are several tabs of one
//! site.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use super::store::{Charge, Store, StoreError};

/// A foreign write: `Some(value)` writes, `None` removes.
pub type ForeignWrite = (String, Option<String>);

#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: RefCell<BTreeMap<String, String>>,
    /// The most keys and values may take, as a browser's quota.
    quota: Cell<Option<usize>>,
    /// How the quota is counted: as in Chromium and Firefox, or WebKit.
    charge: Cell<Charge>,
    /// Writes and removals still allowed before the tab "dies": every later
    /// one fails and changes nothing.
    writes_left: Cell<Option<usize>>,
    /// Every write and removal throws, as a browser's storage can.
    refuse: Cell<bool>,
    /// Reads throw as well, as with storage blocked.
    unavailable: Cell<bool>,
    /// Writes another tab makes just before this store's next write.
    foreign: RefCell<Vec<ForeignWrite>>,
    /// Writes and removals that succeeded.
    done: Cell<usize>,
}

impl MemoryStore {
    pub fn new() -> Rc<Self> {
        Rc::new(Self::default())
    }

    /// A store already holding `entries`.
    pub fn with(entries: impl IntoIterator<Item = (String, String)>) -> Rc<Self> {
        let store = Self::default();
        store.entries.borrow_mut().extend(entries);
        Rc::new(store)
    }

    pub fn set_quota(&self, units: Option<usize>) {
        self.quota.set(units);
    }

    /// Lets `writes` more writes or removals through, then fails all others
    /// as if the tab had been killed; `None` lifts it.
    pub fn die_after(&self, writes: Option<usize>) {
        self.writes_left.set(writes);
    }

    pub fn refuse_writes(&self, refuse: bool) {
        self.refuse.set(refuse);
    }

    pub fn set_unavailable(&self, unavailable: bool) {
        self.unavailable.set(unavailable);
    }

    /// Makes `write` happen, as from another tab, right before the next
    /// write or removal.
    pub fn interleave(&self, write: ForeignWrite) {
        self.foreign.borrow_mut().push(write);
    }

    /// Writes from outside, as another tab or the browser's "clear site
    /// data" would, at once.
    pub fn put(&self, key: &str, value: Option<&str>) {
        let mut entries = self.entries.borrow_mut();
        match value {
            Some(value) => entries.insert(key.to_string(), value.to_string()),
            None => entries.remove(key),
        };
    }

    pub fn clear(&self) {
        self.entries.borrow_mut().clear();
    }

    pub fn snapshot(&self) -> BTreeMap<String, String> {
        self.entries.borrow().clone()
    }

    pub fn used_units(&self) -> usize {
        let charge = self.charge.get();
        self.entries
            .borrow()
            .iter()
            .map(|(k, v)| charge.entry(k, v))
            .sum()
    }

    /// Counts the quota as `charge` says, as a WebKit browser does.
    pub fn set_charge(&self, charge: Charge) {
        self.charge.set(charge);
    }

    /// How many writes and removals succeeded so far.
    pub fn writes_done(&self) -> usize {
        self.done.get()
    }

    /// Checks the faults that stop a write or removal, and lets pending
    /// foreign writes happen first.
    fn before_change(&self) -> Result<(), StoreError> {
        for (key, value) in self.foreign.borrow_mut().drain(..) {
            self.put(&key, value.as_deref());
        }
        if self.unavailable.get() {
            return Err(StoreError::Unavailable("storage is blocked".into()));
        }
        match self.writes_left.get() {
            Some(0) => return Err(StoreError::Refused("the tab was closed".into())),
            Some(n) => self.writes_left.set(Some(n - 1)),
            None => {}
        }
        if self.refuse.get() {
            return Err(StoreError::Refused(
                "SecurityError: the operation is insecure".into(),
            ));
        }
        Ok(())
    }
}

impl Store for MemoryStore {
    fn read(&self, key: &str) -> Result<Option<String>, StoreError> {
        if self.unavailable.get() {
            return Err(StoreError::Unavailable("storage is blocked".into()));
        }
        Ok(self.entries.borrow().get(key).cloned())
    }

    fn write(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.before_change()?;
        if let Some(quota) = self.quota.get() {
            let old = self
                .entries
                .borrow()
                .get(key)
                .map_or(0, |old| self.charge.get().entry(key, old));
            let used = self.used_units() - old + self.charge.get().entry(key, value);
            if used > quota {
                return Err(StoreError::Full(format!(
                    "QuotaExceededError: {used} of {quota} units"
                )));
            }
        }
        self.entries
            .borrow_mut()
            .insert(key.to_string(), value.to_string());
        self.done.set(self.done.get() + 1);
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.before_change()?;
        self.entries.borrow_mut().remove(key);
        self.done.set(self.done.get() + 1);
        Ok(())
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        if self.unavailable.get() {
            return Err(StoreError::Unavailable("storage is blocked".into()));
        }
        Ok(self.entries.borrow().keys().cloned().collect())
    }

    fn charge(&self) -> Charge {
        self.charge.get()
    }
}

impl<S: Store + ?Sized> Store for Rc<S> {
    fn read(&self, key: &str) -> Result<Option<String>, StoreError> {
        (**self).read(key)
    }

    fn write(&self, key: &str, value: &str) -> Result<(), StoreError> {
        (**self).write(key, value)
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        (**self).remove(key)
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        (**self).keys()
    }

    fn units(&self, key: &str) -> Result<Option<usize>, StoreError> {
        (**self).units(key)
    }

    fn charge(&self) -> Charge {
        (**self).charge()
    }
}
