//! The engine that keeps the workspace in a [`Store`]: every change is
//! recorded as pending, then written by merging this tab's copy of each key
//! it touched with the stored one; a change to several keys is first written
//! whole under a commit key, so that it lands all or nothing. What another
//! tab stored comes back as [`Foreign`] changes for the workspace to take
//! in. Loading, with its salvage and repairs, is in `load.rs`.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::format::stored::{
    self, v2, Commit, CommitBuckets, DocumentEntry, Key, Merged, StoredError, StoredLabel,
    StoredRelation, StoredRelationType, StoredSpan, BUCKETS, TOMBSTONE_DAYS,
};
use crate::model::{
    megabytes, span_text, text::CharIndex, Action, Annotation, Document, EditError, Foreign,
    ForeignChange, ForeignRelation, Label, Relation, RelationType, Workspace,
};

use super::ahead::Ahead;
use super::backups::{self, BackupInfo};
use super::pending::{Item, Pending};
use super::revisions::{Part, Revisions};
use super::store::{Charge, Store, StoreError};
use super::{day_of, Notice, Stamps};

/// The quota browsers give a site's localStorage, in UTF-16 units of keys
/// and values: 5 MiB of them in Chromium and Firefox.
pub const QUOTA_UNITS: usize = 5 * 1024 * 1024;
/// From this share of the quota on, the status warns.
pub const WARN_SHARE: f64 = 0.8;

/// Whether this tab may write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Writable,
    /// Storage cannot be used at all: why.
    Unavailable(String),
    /// A newer version of the app wrote the data: this tab must not.
    Stopped(String),
}

/// What the status line says about storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// How many changes are not stored yet.
    pub pending: usize,
    /// Why they are not, if a write failed.
    pub why: Option<String>,
    /// What the site's storage holds, of [`QUOTA_UNITS`].
    pub used: usize,
    /// How much of that is backups.
    pub backups: usize,
    pub mode: Mode,
    /// How the browser counts it.
    pub charge: Charge,
}

/// What writing or reading storage brought: changes made elsewhere for the
/// workspace to take in, and what to tell the user.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Saved {
    pub foreign: Foreign,
    pub notices: Vec<Notice>,
}

/// What a change would take of storage, and what is free, worked out
/// before anything is written ([`Persistence::prepare`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Room {
    /// What the change needs of the quota at its peak.
    pub needed: usize,
    /// What is free of it.
    pub free: usize,
    /// How the browser counts it.
    pub charge: Charge,
}

impl Room {
    pub fn fits(&self) -> bool {
        self.needed <= self.free
    }
}

impl fmt::Display for Room {
    /// What an import's preview says of it, in bytes as the storage line
    /// counts them.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let bytes = |units| megabytes(self.charge.bytes(units));
        let (needed, free) = (bytes(self.needed), bytes(self.free));
        if self.fits() {
            write!(
                f,
                "It takes {needed} of this browser’s storage; {free} is free."
            )
        } else {
            write!(
                f,
                "It does not fit in this browser’s storage: it needs {needed} and only {free} is \
                 free. Remove documents or backups you no longer need, or import fewer documents."
            )
        }
    }
}

/// A change that does not fit in the storage left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoRoom {
    /// What the change needs of the quota at its peak.
    pub needed: usize,
    /// What is free of it.
    pub free: usize,
    /// How the browser counts it.
    pub charge: Charge,
}

impl From<NoRoom> for EditError {
    /// The edit refused, with the sizes in bytes as the storage line says
    /// them.
    fn from(no_room: NoRoom) -> Self {
        EditError::NoRoom {
            needed: no_room.charge.bytes(no_room.needed),
            free: no_room.charge.bytes(no_room.free),
        }
    }
}

pub struct Persistence {
    pub(super) store: Box<dyn Store>,
    pub(super) mode: Mode,
    /// The epoch of the storage this tab loaded or wrote.
    pub(super) epoch: Option<String>,
    pub(super) revisions: Revisions,
    pub(super) pending: Pending,
    /// Commit keys on disk whose change is not wholly written yet.
    pub(super) open_commits: Vec<String>,
    /// Keys of the old schema, removed once their data is written anew.
    pub(super) legacy: Vec<String>,
    /// Keys left by a change that was interrupted, removed by `tidy` if
    /// nothing claims them by then.
    pub(super) suspects: Vec<String>,
    /// The size of every key in the store, in UTF-16 units.
    pub(super) sizes: HashMap<String, usize>,
    /// How many times a key's size was forgotten, its key gone.
    pub(super) sizes_forgotten: u64,
    pub(super) backups: Vec<BackupInfo>,
    /// Each document's text hash, by id.
    pub(super) text_hashes: HashMap<String, String>,
    pub(super) seeds: Vec<Document>,
    /// Why the latest write failed, while anything is pending.
    pub(super) failure: Option<String>,
    /// For bucket keys: the value this tab last wrote or read there, while
    /// the workspace holds exactly what it says. A stored value still equal
    /// to it brings nothing from elsewhere, so saving that bucket needs no
    /// decoding, merging or checking (see [`Persistence::plan`]).
    pub(super) own: HashMap<String, String>,
    /// While the load's first write moves an old schema's data: it needs no
    /// commit record, as the old keys stay until what each holds is stored
    /// anew, and a record of everything would need room for all of it.
    pub(super) moving: bool,
    /// Keys written ahead of the change that will name them ([`Ahead`]):
    /// saving it leaves them as they are.
    pub(super) ahead: HashSet<String>,
}

/// This tab's copies of the buckets among the parts being saved or read:
/// see [`Persistence::ours`].
struct Grouped {
    /// Which buckets of each document are among the parts, as bits.
    wanted: HashMap<String, u64>,
    /// The copies made so far, by document id, indexed by bucket.
    copies: HashMap<String, Vec<Merged<StoredSpan>>>,
}

impl Grouped {
    fn of<'a>(parts: impl IntoIterator<Item = &'a Part>) -> Self {
        let mut wanted: HashMap<String, u64> = HashMap::new();
        for part in parts {
            if let Part::Bucket(id, bucket) = part {
                *wanted.entry(id.clone()).or_default() |= 1 << bucket;
            }
        }
        Self {
            wanted,
            copies: HashMap::new(),
        }
    }
}

/// A change measured and planned before it is made: see
/// [`Persistence::prepare`].
pub struct Prepared {
    pub room: Room,
    /// This tab's revisions, pending keys, text hashes and keys written
    /// ahead once the change is recorded and planned.
    recorded: (Revisions, Pending, HashMap<String, String>, HashSet<String>),
    /// The keys taken for written ahead.
    written: Vec<String>,
    /// [`Persistence`]'s count of sizes forgotten when it was prepared.
    sizes_forgotten: u64,
    plan: Plan,
}

/// The writes that store what is pending, worked out before any is made.
#[derive(Default)]
struct Plan {
    /// Stored data that cannot be read, to back up before it is overwritten.
    damaged: Vec<(String, String, String)>,
    texts: Vec<(Item, String, String)>,
    /// Old buckets of documents whose text was replaced.
    cleared: Vec<(Item, Vec<String>)>,
    writes: Vec<(Item, String, String)>,
    removals: Vec<(Item, Vec<String>)>,
    commit: Option<(String, String)>,
    merged: Vec<(Part, AnyMerged)>,
    foreign: Foreign,
    /// Buckets whose stored value was this tab's own: this tab's copy,
    /// with nothing to check or take in from elsewhere.
    own: Vec<(Part, AnyMerged)>,
    /// Whether nothing came from elsewhere: no change, no damaged data, no
    /// entry left out.
    clean: bool,
}

impl Persistence {
    pub fn status(&self) -> Status {
        let pending = self.pending.changes();
        Status {
            pending,
            why: (pending > 0)
                .then(|| match &self.mode {
                    Mode::Writable => self.failure.clone(),
                    Mode::Unavailable(why) | Mode::Stopped(why) => Some(why.clone()),
                })
                .flatten(),
            used: self.sizes.values().sum(),
            backups: self.backups.iter().map(|b| b.units).sum(),
            mode: self.mode.clone(),
            charge: self.store.charge(),
        }
    }

    pub fn backups(&self) -> &[BackupInfo] {
        &self.backups
    }

    /// The data backup `key` holds, exactly as it was stored.
    pub fn backup_data(&self, key: &str) -> Result<Option<String>, StoreError> {
        backups::data(self.store.as_ref(), key)
    }

    pub fn remove_backup(&mut self, key: &str) -> Result<(), StoreError> {
        if !self.backups.iter().any(|b| b.key == key) {
            return Ok(());
        }
        self.store.remove(key)?;
        self.forget_size(key);
        self.backups.retain(|b| b.key != key);
        Ok(())
    }

    /// Records `action`, just applied to `workspace`, as pending and writes
    /// everything pending.
    pub fn save(&mut self, workspace: &Workspace, action: &Action, stamps: &dyn Stamps) -> Saved {
        self.record(workspace, action, stamps);
        self.flush(workspace, stamps)
    }

    fn record(&mut self, workspace: &Workspace, action: &Action, stamps: &dyn Stamps) -> u64 {
        let seeds = &self.seeds;
        let touched = self
            .revisions
            .record(workspace, action, day_of(&stamps.now()), |d| {
                is_seed(seeds, d)
            });
        for id in &touched.dropped {
            self.pending.forget_document(id);
        }
        for document in action.documents.iter().filter_map(|d| d.after.as_ref()) {
            self.text_hashes
                .entry(document.id.clone())
                .or_insert_with(|| stored::text_hash(&document.text));
        }
        self.pending.add(&touched)
    }

    /// Records and writes `action`, just applied to `workspace`, as
    /// [`Persistence::save`] does, if what it stores fits in the space left,
    /// counting the commit record written on the way. If it does not,
    /// nothing is recorded or written, and the sizes say why.
    pub fn save_if_fits(
        &mut self,
        workspace: &Workspace,
        action: &Action,
        stamps: &dyn Stamps,
    ) -> Result<Saved, NoRoom> {
        if self.mode != Mode::Writable {
            return Ok(self.save(workspace, action, stamps));
        }
        let mut saved = Saved::default();
        if let Err(why) = self.check_meta(workspace, stamps, &mut saved.notices) {
            self.record(workspace, action, stamps);
            self.failure = Some(why);
            return Ok(saved);
        }
        // Sizes as they are now: anything on the page may have written.
        // Unless keys were just written ahead of this change: measuring it
        // read them all, writing ahead counted its own, and another tab's
        // writes since were counted as they came (`sync`); reading the
        // sizes of 20,000 keys again took 89 ms of the change's one task.
        if self.ahead.is_empty() {
            self.rescan_sizes();
        }
        self.forget_ahead_gone();
        let kept = (
            self.revisions.clone(),
            self.pending.clone(),
            self.text_hashes.clone(),
            self.ahead.clone(),
        );
        self.record(workspace, action, stamps);
        let plan = self.plan(workspace, stamps);
        let used: usize = self.sizes.values().sum();
        let free = QUOTA_UNITS.saturating_sub(used);
        let needed = self.peak(&plan);
        if needed > free {
            (self.revisions, self.pending, self.text_hashes, self.ahead) = kept;
            return Err(NoRoom {
                needed,
                free,
                charge: self.store.charge(),
            });
        }
        self.write_plan(plan, stamps, &mut saved);
        Ok(saved)
    }

    /// What saving `action` would take of storage, with the keys `ahead`
    /// writes for it, and what is free: worked out as
    /// [`Persistence::save_if_fits`] does, on `after` (the workspace as the
    /// action would leave it), writing nothing; and what that works out (the
    /// revisions it records and the writes it plans, with `ahead`'s keys
    /// taken for written), kept so that [`Persistence::save_prepared`] saves
    /// it later without working it out again. `None` while this tab does not
    /// write (storage unavailable, or a newer app's).
    pub fn prepare(
        &mut self,
        after: &Workspace,
        action: &Action,
        ahead: &Ahead,
        stamps: &dyn Stamps,
    ) -> Option<Prepared> {
        if self.mode != Mode::Writable {
            return None;
        }
        self.rescan_sizes();
        let kept = (
            self.revisions.clone(),
            self.pending.clone(),
            self.text_hashes.clone(),
            self.ahead.clone(),
        );
        let written: Vec<String> = ahead.keys().cloned().collect();
        self.ahead.extend(written.iter().cloned());
        self.record(after, action, stamps);
        let plan = self.plan(after, stamps);
        let needed = self.peak(&plan) + ahead.units(self.store.charge());
        let (revisions, pending, text_hashes, left) = kept;
        let recorded = (
            std::mem::replace(&mut self.revisions, revisions),
            std::mem::replace(&mut self.pending, pending),
            std::mem::replace(&mut self.text_hashes, text_hashes),
            std::mem::replace(&mut self.ahead, left),
        );
        let used: usize = self.sizes.values().sum();
        Some(Prepared {
            room: Room {
                needed,
                free: QUOTA_UNITS.saturating_sub(used),
                charge: self.store.charge(),
            },
            recorded,
            written,
            sizes_forgotten: self.sizes_forgotten,
            plan,
        })
    }

    /// Saves `action`, [`Persistence::prepare`]d on `after` (the workspace
    /// it leaves, now this tab's) once `ahead`'s keys are all written, as
    /// [`Persistence::save_if_fits`] would, without recording and planning
    /// it again. Only while nothing was saved, read from other tabs or taken
    /// in since it was prepared (the caller knows); if storage changed under
    /// it anyway (a key written ahead is gone, storage was cleared), it is
    /// saved as `save_if_fits` saves it.
    pub fn save_prepared(
        &mut self,
        after: &Workspace,
        action: &Action,
        prepared: Prepared,
        stamps: &dyn Stamps,
    ) -> Result<Saved, NoRoom> {
        // A key written ahead and gone since is one whose size was
        // forgotten: looked for among 20,000 keys (4 ms) only then.
        if self.sizes_forgotten != prepared.sizes_forgotten
            && prepared.written.iter().any(|k| !self.sizes.contains_key(k))
        {
            return self.save_if_fits(after, action, stamps);
        }
        let mut notices = Vec::new();
        if let Err(why) = self.check_meta(after, stamps, &mut notices) {
            (self.revisions, self.pending, self.text_hashes, self.ahead) = prepared.recorded;
            self.failure = Some(why);
            return Ok(Saved {
                notices,
                ..Saved::default()
            });
        }
        if !notices.is_empty() {
            let mut saved = self.save_if_fits(after, action, stamps)?;
            notices.append(&mut saved.notices);
            saved.notices = notices;
            return Ok(saved);
        }
        let used: usize = self.sizes.values().sum();
        let free = QUOTA_UNITS.saturating_sub(used);
        let needed = self.peak(&prepared.plan);
        if needed > free {
            return Err(NoRoom {
                needed,
                free,
                charge: self.store.charge(),
            });
        }
        (self.revisions, self.pending, self.text_hashes, self.ahead) = prepared.recorded;
        let mut saved = Saved::default();
        self.write_plan(prepared.plan, stamps, &mut saved);
        Ok(saved)
    }

    /// Whether storage holds nothing of document `id`, nor remembers it:
    /// its keys can be written ahead of the change that adds it.
    pub(super) fn knows_nothing_of(&self, id: &str) -> bool {
        !self.revisions.knows_document(id)
            && !self.sizes.contains_key(&stored::text_key(id))
            && !self.sizes.contains_key(&stored::relations_key(id))
            && (0..BUCKETS).all(|b| !self.sizes.contains_key(&stored::bucket_key(id, b)))
    }

    /// Writes `key` ahead of the change that will name it.
    pub(super) fn write_ahead(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.write(key, value)?;
        self.ahead.insert(key.to_string());
        Ok(())
    }

    /// Removes `key`, written ahead of a change that will not be saved.
    pub(super) fn unwrite_ahead(&mut self, key: &str) {
        self.ahead.remove(key);
        // Left behind, nothing names it, and the next load removes it.
        let _ = self.remove(key);
    }

    /// How much more storage `plan` takes at its peak: when its commit
    /// record and all its new data are written, and nothing removed yet.
    fn peak(&self, plan: &Plan) -> usize {
        let charge = self.store.charge();
        let grows = |key: &str, value: &str| {
            charge
                .entry(key, value)
                .saturating_sub(self.sizes.get(key).copied().unwrap_or(0))
        };
        let damaged: usize = plan
            .damaged
            .iter()
            .map(|(key, raw, _)| charge.entry(key, raw) + 200)
            .sum();
        let commit = plan.commit.as_ref().map_or(0, |(k, v)| charge.entry(k, v));
        let written: usize = plan
            .texts
            .iter()
            .chain(&plan.writes)
            .map(|(_, key, value)| grows(key, value))
            .sum();
        damaged + commit + written
    }

    /// Writes everything pending. Stops at the first write that fails,
    /// leaving the rest pending, and says why.
    pub fn flush(&mut self, workspace: &Workspace, stamps: &dyn Stamps) -> Saved {
        let mut saved = Saved::default();
        if self.pending.is_empty() && self.legacy.is_empty() && self.open_commits.is_empty() {
            return saved;
        }
        if self.mode != Mode::Writable {
            return saved;
        }
        if let Err(why) = self.check_meta(workspace, stamps, &mut saved.notices) {
            self.failure = Some(why);
            return saved;
        }
        self.forget_ahead_gone();
        let plan = self.plan(workspace, stamps);
        self.write_plan(plan, stamps, &mut saved);
        saved
    }

    /// Makes the writes of `plan`; what they merged in from elsewhere goes
    /// into `saved`, for the workspace to take in.
    fn write_plan(&mut self, plan: Plan, stamps: &dyn Stamps, saved: &mut Saved) {
        match self.execute(&plan, stamps) {
            Ok(()) => {
                self.failure = None;
                // Only while nothing came from elsewhere is the workspace
                // exactly what this tab wrote.
                if plan.clean {
                    for (item, key, value) in plan.writes {
                        if let Item::Part(Part::Bucket(..)) = item {
                            self.own.insert(key, value);
                        }
                    }
                } else {
                    self.own.clear();
                }
                self.take(plan.merged);
                self.take(plan.own);
                saved.foreign = plan.foreign;
                self.remove_legacy();
            }
            Err(e) => self.failure = Some(e.to_string()),
        }
    }

    /// Reads the keys another tab changed (all of them if `keys` is
    /// `None`) and merges them with this tab's copy: what they hold that
    /// this tab does not comes back to take in, and what this tab holds
    /// that they lack (a write lost between tabs, data cleared) is marked
    /// pending, to be written back by [`Persistence::flush`] once the
    /// workspace has taken in the rest.
    pub fn sync(
        &mut self,
        workspace: &Workspace,
        keys: Option<&[String]>,
        stamps: &dyn Stamps,
    ) -> Saved {
        let mut saved = Saved::default();
        if self.mode != Mode::Writable {
            return saved;
        }
        let parts = match keys {
            None => {
                self.rescan_sizes();
                self.every_part(workspace)
            }
            Some(keys) => {
                let mut parts = Vec::new();
                for key in keys {
                    self.note_size(key);
                    match Key::parse(key) {
                        Some(Key::Labels) => parts.push(Part::Labels),
                        Some(Key::Documents) => parts.push(Part::Documents),
                        Some(Key::Bucket(id, bucket)) => parts.push(Part::Bucket(id, bucket)),
                        Some(Key::RelationTypes) => parts.push(Part::RelationTypes),
                        Some(Key::Relations(id)) => parts.push(Part::Relations(id)),
                        Some(Key::Commit(_)) => parts.extend(self.commit_parts(key)),
                        Some(Key::Meta) => parts.extend(self.every_part(workspace)),
                        Some(Key::Text(_)) | None => {}
                    }
                    if key.starts_with(stored::BACKUP_PREFIX) {
                        self.refresh_backups();
                    }
                }
                parts.sort();
                parts.dedup();
                parts
            }
        };
        if let Err(why) = self.check_meta(workspace, stamps, &mut saved.notices) {
            self.failure = Some(why);
        }
        let oldest = day_of(&stamps.now()).saturating_sub(TOMBSTONE_DAYS);
        let commits = self.stored_commits();
        let mut merged_parts = Vec::new();
        let mut damaged = Vec::new();
        let mut grouped = Grouped::of(&parts);
        for part in parts {
            self.own.remove(&part_key(&part));
            let theirs = self.read_part(workspace, &part, &commits, &mut damaged);
            let ours = self.ours(workspace, &part, &mut grouped);
            let merged = ours.merge(&theirs, oldest);
            if !theirs.same_as(&merged) {
                self.pending.add_item(Item::Part(part.clone()));
            }
            merged_parts.push((part, merged));
        }
        self.read_new_documents(workspace, &commits, &mut merged_parts, &mut damaged);
        for (key, raw, reason) in damaged {
            self.back_up(&key, &raw, &reason, stamps, &mut saved.notices);
        }
        saved.foreign = self.foreign(workspace, &merged_parts, &mut saved.notices);
        if !saved.foreign.is_empty() {
            self.own.clear();
        }
        self.take(merged_parts);
        saved
    }

    /// Removes the keys of interrupted changes found at load that nothing
    /// has claimed since (a change still being written by another tab would
    /// have claimed them by now).
    pub fn tidy(&mut self) -> Vec<Notice> {
        if self.mode != Mode::Writable || self.suspects.is_empty() {
            return Vec::new();
        }
        let listed: Vec<String> = self
            .store
            .read(&stored::documents_key())
            .ok()
            .flatten()
            .and_then(|raw| stored::decode_documents(&raw).ok())
            .map(|s| s.value.entries.into_iter().map(|e| e.id).collect())
            .unwrap_or_default();
        // While any change is being written, it may be the one that wrote
        // them: leave them for the next look.
        let writing = self
            .store
            .keys()
            .unwrap_or_default()
            .iter()
            .any(|k| matches!(Key::parse(k), Some(Key::Commit(_))));
        if writing {
            return Vec::new();
        }
        let mut removed = 0;
        for key in std::mem::take(&mut self.suspects) {
            let claimed = match Key::parse(&key) {
                Some(Key::Text(id) | Key::Bucket(id, _) | Key::Relations(id)) => {
                    listed.contains(&id)
                }
                _ => true,
            };
            if !claimed && self.store.remove(&key).is_ok() {
                self.forget_size(&key);
                removed += 1;
            }
        }
        if removed == 0 {
            return Vec::new();
        }
        vec![Notice::info(format!(
            "A change that was being saved when the app last closed (adding documents or an import) did not finish, so it was not applied; the {removed} pieces it had written were removed."
        ))]
    }

    /// Checks, before writing, that storage is still the one this tab
    /// loaded: cleared (by another tab or the browser) or replaced, it gets
    /// everything this tab holds back; written by a newer app, this tab
    /// stops writing.
    fn check_meta(
        &mut self,
        workspace: &Workspace,
        stamps: &dyn Stamps,
        notices: &mut Vec<Notice>,
    ) -> Result<(), String> {
        let raw = self
            .store
            .read(&stored::meta_key())
            .map_err(|e| e.to_string())?;
        let (found, outdated) = match raw.as_deref().map(stored::decode_meta) {
            None => (None, false),
            Some(Ok(meta)) => (Some(meta.epoch), meta.version < stored::STORAGE_VERSION),
            Some(Err(StoredError::UnknownVersion(version))) => {
                let why = format!(
                    "a newer version of this app (storage version {version}) is open in another tab; reload this tab to use it — until then nothing is saved here"
                );
                self.mode = Mode::Stopped(why.clone());
                notices.push(Notice::error(format!("Saving stopped: {why}.")));
                return Err(why);
            }
            Some(Err(e)) => {
                let raw = raw.unwrap_or_default();
                self.back_up(
                    &stored::meta_key(),
                    &raw,
                    &format!("the storage marker could not be read ({e})"),
                    stamps,
                    notices,
                );
                (None, false)
            }
        };
        match (&self.epoch, found) {
            (Some(ours), Some(theirs)) if *ours == theirs => return self.raise_meta(outdated),
            (None, Some(theirs)) => {
                self.epoch = Some(theirs);
                return self.raise_meta(outdated);
            }
            (Some(_), found) => {
                let (annotations, documents) = (
                    workspace.all_annotations().count(),
                    workspace.document_count(),
                );
                notices.push(Notice::error(format!(
                    "This site’s storage was cleared or replaced outside this tab (by another tab or the browser). Everything this tab holds — {documents} documents and {annotations} annotations — is being written back."
                )));
                self.rescan_sizes();
                self.mark_everything(workspace);
                if let Some(theirs) = found {
                    self.epoch = Some(theirs);
                    return self.raise_meta(outdated);
                }
            }
            (None, None) => {}
        }
        let epoch = stamps.new_id();
        self.write_meta(&epoch).map_err(|e| e.to_string())?;
        self.epoch = Some(epoch);
        Ok(())
    }

    /// Writes the meta record again, with this storage version, if the one
    /// found is `outdated`: a tab of an older version, which could not read
    /// what this tab writes, then stops writing.
    fn raise_meta(&mut self, outdated: bool) -> Result<(), String> {
        match (outdated, self.epoch.clone()) {
            (true, Some(epoch)) => self.write_meta(&epoch).map_err(|e| e.to_string()),
            _ => Ok(()),
        }
    }

    /// Raises the meta record storage holds to this storage version before
    /// anything is written ahead of a change, which [`check_meta`] comes to
    /// only when the change is saved: what is written ahead may be in a
    /// format a tab of an older version cannot read. Refused if a newer
    /// version wrote the record.
    ///
    /// [`check_meta`]: Self::check_meta
    pub(super) fn raise_stored_meta(&mut self) -> Result<(), StoreError> {
        let raw = self.store.read(&stored::meta_key())?;
        match raw.as_deref().map(stored::decode_meta) {
            Some(Ok(meta)) if meta.version < stored::STORAGE_VERSION => {
                self.write_meta(&meta.epoch)
            }
            Some(Err(StoredError::UnknownVersion(version))) => Err(StoreError::Refused(format!(
                "a newer version of this app (storage version {version}) is open in another tab"
            ))),
            _ => Ok(()),
        }
    }

    /// Writes the meta record with `epoch`.
    fn write_meta(&mut self, epoch: &str) -> Result<(), StoreError> {
        let value = stored::encode_meta(epoch);
        self.store.write(&stored::meta_key(), &value)?;
        self.sizes.insert(
            stored::meta_key(),
            self.store.charge().entry(&stored::meta_key(), &value),
        );
        Ok(())
    }

    /// Marks every key this tab's data lives in as pending.
    pub(super) fn mark_everything(&mut self, workspace: &Workspace) {
        for part in self.every_part(workspace) {
            self.pending.add_item(Item::Part(part));
        }
        for document in workspace.documents() {
            if !is_seed(&self.seeds, document) {
                self.pending.add_item(Item::Text(document.id.clone()));
            }
        }
    }

    /// The label set, the list of documents and every bucket that holds an
    /// annotation or a tombstone of a document this tab has, here or in
    /// storage.
    fn every_part(&self, workspace: &Workspace) -> Vec<Part> {
        let mut parts = vec![Part::Labels, Part::Documents, Part::RelationTypes];
        for (doc, document) in workspace.documents().enumerate() {
            let related = workspace.relations(doc).is_some_and(|r| !r.is_empty())
                || self.revisions.has_relation_tombstones(&document.id)
                || self
                    .sizes
                    .contains_key(&stored::relations_key(&document.id));
            if related {
                parts.push(Part::Relations(document.id.clone()));
            }
            let mut buckets: std::collections::BTreeSet<u32> = workspace
                .annotations(doc)
                .into_iter()
                .flat_map(|a| a.iter())
                .map(|a| stored::bucket_of(&a.id))
                .collect();
            buckets.extend(self.revisions.tombstoned_buckets(&document.id));
            buckets.extend((0..BUCKETS).filter(|b| {
                self.sizes
                    .contains_key(&stored::bucket_key(&document.id, *b))
            }));
            parts.extend(
                buckets
                    .into_iter()
                    .map(|b| Part::Bucket(document.id.clone(), b)),
            );
        }
        parts
    }

    /// The parts a commit record changes.
    fn commit_parts(&self, key: &str) -> Vec<Part> {
        let Some(commit) = self
            .store
            .read(key)
            .ok()
            .flatten()
            .and_then(|raw| stored::decode_commit(&raw).ok())
        else {
            return Vec::new();
        };
        commit_parts(&commit)
    }

    /// Forgets the keys written ahead that are gone (another tab took
    /// them for what an interrupted change left): the plan then writes
    /// them again with the rest. The others are left as they are, and
    /// forgotten once a plan has taken them for written (the `remove` in
    /// its guards).
    fn forget_ahead_gone(&mut self) {
        let sizes = &self.sizes;
        self.ahead.retain(|key| sizes.contains_key(key));
    }

    fn plan(&mut self, workspace: &Workspace, stamps: &dyn Stamps) -> Plan {
        // A list naming a document whose text is not stored (lost between
        // tabs, or cleared) gets the text written back first.
        if self
            .pending
            .items()
            .any(|i| *i == Item::Part(Part::Documents))
        {
            let missing: Vec<String> = workspace
                .documents()
                .filter(|d| {
                    !is_seed(&self.seeds, d) && !self.sizes.contains_key(&stored::text_key(&d.id))
                })
                .map(|d| d.id.clone())
                .collect();
            for id in missing {
                self.pending.add_item(Item::Text(id));
            }
        }
        let day = day_of(&stamps.now());
        let oldest = day.saturating_sub(TOMBSTONE_DAYS);
        let mut plan = Plan::default();
        let commit_id = stamps.new_id();
        let mut commit = Commit {
            id: commit_id.clone(),
            ..Commit::default()
        };
        let commits = self.stored_commits();
        let items: Vec<Item> = self.pending.items().cloned().collect();
        let mut grouped = Grouped::of(items.iter().filter_map(|item| match item {
            Item::Part(part) => Some(part),
            _ => None,
        }));
        for item in items {
            match &item {
                Item::Text(id) if self.ahead.remove(&stored::text_key(id)) => {
                    self.pending.done(&item);
                }
                Item::Text(id) => {
                    let Some(document) = workspace.position(id).and_then(|d| workspace.document(d))
                    else {
                        self.pending.done(&item);
                        continue;
                    };
                    let key = stored::text_key(id);
                    plan.texts.push((
                        item.clone(),
                        key,
                        stored::encode_text(id, &document.text, Some(&commit_id)),
                    ));
                    commit.texts.push(id.clone());
                }
                // Written ahead, as this tab holds it.
                Item::Part(Part::Bucket(id, bucket))
                    if self.ahead.remove(&stored::bucket_key(id, *bucket)) =>
                {
                    self.pending.done(&item);
                    self.revisions.stored_as_held(id, *bucket);
                }
                Item::Part(part) => {
                    if let Part::Bucket(id, _) | Part::Relations(id) = part {
                        if workspace.position(id).is_none() {
                            self.pending.done(&item);
                            continue;
                        }
                    }
                    if let Part::Bucket(id, _) = part {
                        if !self.text_hashes.contains_key(id) {
                            let hash = self.text_hash(workspace, id);
                            self.text_hashes.insert(id.clone(), hash);
                        }
                    }
                    let key = part_key(part);
                    let raw = self.read_raw(part);
                    let ours = self.ours(workspace, part, &mut grouped);
                    let own = commits.is_empty()
                        && matches!(part, Part::Bucket(..))
                        && matches!((&raw, self.own.get(&key)), (Ok(Some(now)), Some(wrote)) if now == wrote);
                    let merged = if own {
                        ours.pruned(oldest)
                    } else {
                        let theirs =
                            self.decode_part(workspace, part, raw, &commits, &mut plan.damaged);
                        ours.merge(&theirs, oldest)
                    };
                    plan.writes
                        .push((item.clone(), key, merged.encode(self, part)));
                    // The stored copy is this tab's own: what changed since
                    // is all the commit needs to bring it up to date.
                    match (own, part, &ours) {
                        (true, Part::Bucket(id, bucket), AnyMerged::Bucket(copy)) => {
                            AnyMerged::Bucket(self.revisions.bucket_changes(id, *bucket, copy))
                                .add_to(&mut commit, part, self)
                        }
                        _ => ours.add_to(&mut commit, part, self),
                    }
                    match own {
                        true => plan.own.push((part.clone(), merged)),
                        false => plan.merged.push((part.clone(), merged)),
                    }
                }
                Item::Clear(id) => {
                    let keys: Vec<String> = (0..BUCKETS)
                        .map(|b| stored::bucket_key(id, b))
                        .filter(|k| self.sizes.contains_key(k))
                        .collect();
                    plan.cleared.push((item.clone(), keys));
                }
                // Added again since it was removed (an undo): kept.
                Item::Drop(id) if workspace.position(id).is_some() => {
                    self.pending.done(&item);
                }
                Item::Drop(id) => {
                    let keys: Vec<String> = [stored::text_key(id), stored::relations_key(id)]
                        .into_iter()
                        .chain((0..BUCKETS).map(|b| stored::bucket_key(id, b)))
                        .filter(|k| self.sizes.contains_key(k))
                        .collect();
                    commit.dropped.push(id.clone());
                    plan.removals.push((item.clone(), keys));
                }
            }
        }
        if !self.moving && plan.writes.len() + plan.removals.len() + plan.cleared.len() > 1 {
            plan.commit = Some((
                stored::commit_key(&commit_id),
                stored::encode_commit(&commit),
            ));
        }
        self.read_new_documents(workspace, &commits, &mut plan.merged, &mut plan.damaged);
        let mut notices = Vec::new();
        plan.foreign = self.foreign(workspace, &plan.merged, &mut notices);
        plan.clean = plan.foreign.is_empty() && notices.is_empty() && plan.damaged.is_empty();
        plan
    }

    fn execute(&mut self, plan: &Plan, stamps: &dyn Stamps) -> Result<(), StoreError> {
        for (key, raw, reason) in &plan.damaged {
            let mut notices = Vec::new();
            if !self.back_up(key, raw, reason, stamps, &mut notices) {
                return Err(StoreError::Refused(format!(
                    "“{key}” holds data that could not be read or backed up, so it is not overwritten"
                )));
            }
        }
        for (item, key, value) in &plan.texts {
            self.write(key, value)?;
            self.pending.done(item);
        }
        if let Some((key, value)) = &plan.commit {
            self.write(key, value)?;
            self.open_commits.push(key.clone());
        }
        for (item, keys) in &plan.cleared {
            for key in keys {
                self.remove(key)?;
            }
            self.pending.done(item);
        }
        for (item, key, value) in &plan.writes {
            self.write(key, value)?;
            self.pending.done(item);
        }
        for (item, keys) in &plan.removals {
            for key in keys {
                self.remove(key)?;
            }
            self.pending.done(item);
        }
        for key in std::mem::take(&mut self.open_commits) {
            if let Err(e) = self.remove(&key) {
                self.open_commits.push(key);
                return Err(e);
            }
        }
        Ok(())
    }

    fn write(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.own.remove(key);
        self.store.write(key, value)?;
        self.sizes
            .insert(key.to_string(), self.store.charge().entry(key, value));
        self.retire_replaced(key);
        Ok(())
    }

    /// Removes the old schemas' keys whose data `key`, just written, now
    /// holds, so that moving to this schema never needs room for all of the
    /// old data and all of the new at once.
    fn retire_replaced(&mut self, key: &str) {
        if self.legacy.is_empty() {
            return;
        }
        let Some(parsed) = Key::parse(key) else {
            return;
        };
        for old in parsed.replaces() {
            if self.legacy.contains(&old) && self.store.remove(&old).is_ok() {
                self.forget_size(&old);
                self.legacy.retain(|k| *k != old);
            }
        }
    }

    fn remove(&mut self, key: &str) -> Result<(), StoreError> {
        self.own.remove(key);
        self.store.remove(key)?;
        self.forget_size(key);
        Ok(())
    }

    /// Removes the old schemas' keys once nothing is pending: their data is
    /// then stored anew. Version 2's marker is overwritten instead, with
    /// this version's: a tab still running version 2 then stops writing, as
    /// it does for any newer version, rather than write its data back.
    fn remove_legacy(&mut self) {
        if !self.pending.is_empty() {
            return;
        }
        for key in std::mem::take(&mut self.legacy) {
            let done = if key == v2::meta_key() {
                let epoch = self.epoch.clone().unwrap_or_default();
                self.write(&key, &stored::encode_meta(&epoch))
            } else {
                self.remove(&key)
            };
            if done.is_err() {
                self.legacy.push(key);
            }
        }
    }

    /// Copies unreadable `raw` from `key` to a backup; `false` if that
    /// failed, and then `key` must not be overwritten.
    pub(super) fn back_up(
        &mut self,
        key: &str,
        raw: &str,
        reason: &str,
        stamps: &dyn Stamps,
        notices: &mut Vec<Notice>,
    ) -> bool {
        match backups::keep(self.store.as_ref(), key, raw, reason, &stamps.now()) {
            Ok((kept, size)) => {
                if size > 0 {
                    self.sizes.insert(kept.key().to_string(), size);
                    self.refresh_backups();
                }
                true
            }
            Err(e) => {
                notices.push(Notice::error(format!(
                    "Data under “{key}” could not be read ({reason}) and could not be backed up ({e}); it is left as it is."
                )));
                false
            }
        }
    }

    pub(super) fn refresh_backups(&mut self) {
        let keys: Vec<String> = self.store.keys().unwrap_or_default();
        self.backups = backups::list(self.store.as_ref(), &keys);
    }

    fn rescan_sizes(&mut self) {
        let keys = self.store.keys().unwrap_or_default();
        self.sizes.clear();
        self.sizes_forgotten += 1;
        for key in keys {
            self.note_size(&key);
        }
        self.open_commits.clear();
        self.refresh_backups();
    }

    /// Forgets the size of `key`, gone from storage, and counts it: a change
    /// prepared before is checked key by key only if one was forgotten
    /// since ([`Persistence::save_prepared`]).
    pub(super) fn forget_size(&mut self, key: &str) {
        if self.sizes.remove(key).is_some() {
            self.sizes_forgotten += 1;
        }
    }

    fn note_size(&mut self, key: &str) {
        match self.store.units(key) {
            Ok(Some(size)) => {
                self.sizes.insert(key.to_string(), size);
            }
            _ => {
                self.forget_size(key);
            }
        }
    }

    /// Every commit record in storage: changes to several keys that are
    /// being written, or were when a tab closed.
    pub(super) fn stored_commits(&self) -> Vec<Commit> {
        let mut keys: Vec<&String> = self
            .sizes
            .keys()
            .filter(|k| matches!(Key::parse(k), Some(Key::Commit(_))))
            .collect();
        keys.sort();
        keys.into_iter()
            .filter_map(|key| stored::decode_commit(&self.store.read(key).ok()??).ok())
            .collect()
    }

    /// The stored copy of `part`, with what commit records hold of it
    /// merged in; empty if there is none, and if it cannot be read, empty
    /// too, with the raw data put in `damaged` to back up.
    pub(super) fn read_part(
        &self,
        workspace: &Workspace,
        part: &Part,
        commits: &[Commit],
        damaged: &mut Vec<(String, String, String)>,
    ) -> AnyMerged {
        let raw = self.read_raw(part);
        self.decode_part(workspace, part, raw, commits, damaged)
    }

    /// The value stored for `part`, as far as this tab is concerned: none
    /// for the buckets of a document whose text was replaced.
    fn read_raw(&self, part: &Part) -> Result<Option<String>, StoreError> {
        match part {
            Part::Bucket(id, _) if self.pending.is_clearing(id) => Ok(None),
            _ => self.store.read(&part_key(part)),
        }
    }

    /// [`Persistence::read_part`] of a value already read.
    fn decode_part(
        &self,
        workspace: &Workspace,
        part: &Part,
        raw: Result<Option<String>, StoreError>,
        commits: &[Commit],
        damaged: &mut Vec<(String, String, String)>,
    ) -> AnyMerged {
        let key = part_key(part);
        let hash = match part {
            Part::Bucket(id, _) => self.text_hash(workspace, id),
            _ => String::new(),
        };
        let mut merged = match raw {
            Ok(Some(raw)) => match AnyMerged::decode(part, &raw, &hash) {
                Ok((merged, problems)) => {
                    if !problems.is_empty() {
                        damaged.push((key, raw, summarise(&problems)));
                    }
                    merged
                }
                Err(e) => {
                    damaged.push((key, raw, e.to_string()));
                    AnyMerged::empty(part)
                }
            },
            _ => AnyMerged::empty(part),
        };
        for commit in commits {
            if let Some(from_commit) = AnyMerged::from_commit(part, commit, &hash) {
                merged = merged.merge(&from_commit, 0);
            }
        }
        merged
    }

    /// Adds to `merged` the stored buckets of documents that a merged list
    /// of documents brings and this tab does not hold yet.
    fn read_new_documents(
        &self,
        workspace: &Workspace,
        commits: &[Commit],
        merged: &mut Vec<(Part, AnyMerged)>,
        damaged: &mut Vec<(String, String, String)>,
    ) {
        let new: Vec<String> = merged
            .iter()
            .filter_map(|(_, m)| match m {
                AnyMerged::Documents(d) => Some(d),
                _ => None,
            })
            .flat_map(|d| d.entries.iter())
            .filter(|e| workspace.position(&e.id).is_none())
            .map(|e| e.id.clone())
            .collect();
        for id in new {
            for bucket in 0..BUCKETS {
                let part = Part::Bucket(id.clone(), bucket);
                if merged.iter().any(|(p, _)| *p == part) {
                    continue;
                }
                let theirs = self.read_part(workspace, &part, commits, damaged);
                if !theirs.is_empty() {
                    merged.push((part, theirs));
                }
            }
            let part = Part::Relations(id.clone());
            if !merged.iter().any(|(p, _)| *p == part) {
                let theirs = self.read_part(workspace, &part, commits, damaged);
                if !theirs.is_empty() {
                    merged.push((part, theirs));
                }
            }
        }
    }

    /// The hash of document `id`'s text: held, compiled in, or stored.
    fn text_hash(&self, workspace: &Workspace, id: &str) -> String {
        if let Some(hash) = self.text_hashes.get(id) {
            return hash.clone();
        }
        let text = workspace
            .position(id)
            .and_then(|d| workspace.document(d))
            .map(|d| d.text.clone())
            .or_else(|| {
                self.seeds
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| s.text.clone())
            })
            .or_else(|| {
                let raw = self.store.read(&stored::text_key(id)).ok()??;
                stored::decode_text(&raw, id).ok().map(|t| t.text.into())
            });
        text.map_or_else(String::new, |t| stored::text_hash(&t))
    }

    /// This tab's copy of `part`. The buckets of a document that `grouped`
    /// wants are copied the first time one of them is asked for, in one
    /// pass over its annotations, and each is taken from there: every part
    /// is asked for once, and a change to one bucket copies only its
    /// annotations.
    fn ours(&self, workspace: &Workspace, part: &Part, grouped: &mut Grouped) -> AnyMerged {
        match part {
            Part::Labels => AnyMerged::Labels(self.revisions.labels(workspace.labels())),
            Part::Documents => AnyMerged::Documents(
                self.revisions
                    .documents(workspace, |d| is_seed(&self.seeds, d)),
            ),
            Part::Bucket(id, bucket) => {
                let wanted = grouped.wanted.get(id).copied().unwrap_or(0);
                if wanted & (1 << bucket) == 0 {
                    // Not among the parts: copied on its own.
                    let mut alone = self.revisions.buckets(workspace, id, 1 << bucket);
                    return AnyMerged::Bucket(alone.swap_remove(*bucket as usize));
                }
                let buckets = grouped
                    .copies
                    .entry(id.clone())
                    .or_insert_with(|| self.revisions.buckets(workspace, id, wanted));
                AnyMerged::Bucket(
                    buckets
                        .get_mut(*bucket as usize)
                        .map(std::mem::take)
                        .unwrap_or_default(),
                )
            }
            Part::RelationTypes => {
                AnyMerged::RelationTypes(self.revisions.relation_types(workspace.relation_types()))
            }
            Part::Relations(id) => AnyMerged::Relations(self.revisions.relations(workspace, id)),
        }
    }

    /// Takes merged parts in as what this tab holds.
    fn take(&mut self, merged: Vec<(Part, AnyMerged)>) {
        for (part, merged) in merged {
            match (part, merged) {
                (Part::Labels, AnyMerged::Labels(m)) => self.revisions.take_labels(&m),
                (Part::Documents, AnyMerged::Documents(m)) => {
                    self.revisions.take_documents(&m);
                    for gone in &m.deleted {
                        self.pending.forget_document(&gone.0);
                    }
                }
                (Part::Bucket(id, bucket), AnyMerged::Bucket(m)) => {
                    self.revisions.take_bucket(&id, bucket, &m)
                }
                (Part::RelationTypes, AnyMerged::RelationTypes(m)) => {
                    self.revisions.take_relation_types(&m)
                }
                (Part::Relations(id), AnyMerged::Relations(m)) => {
                    self.revisions.take_relations(&id, &m)
                }
                _ => {}
            }
        }
    }

    /// What the merged parts hold that `workspace` does not, checked as
    /// stored data is: an annotation that does not fit its text, or names a
    /// label or document that is not there, is left out and reported.
    fn foreign(
        &self,
        workspace: &Workspace,
        merged: &[(Part, AnyMerged)],
        notices: &mut Vec<Notice>,
    ) -> Foreign {
        let mut foreign = Foreign::default();
        let mut problems = Vec::new();
        for (_, part) in merged {
            match part {
                AnyMerged::Labels(m) => {
                    let labels: Vec<Label> = m.entries.iter().map(|l| l.label.clone()).collect();
                    if labels != workspace.labels() {
                        foreign.labels = Some(labels);
                    }
                }
                // The list as this tab holds it, in its order (as after
                // saving an import of 10,000): its texts are this tab's,
                // so nothing needs gathering and comparing.
                AnyMerged::Documents(m)
                    if m.entries.len() == workspace.document_count()
                        && m.entries.iter().zip(workspace.documents()).all(|(e, d)| {
                            e.id == d.id
                                && e.file_name == d.file_name
                                && e.title == d.title
                                && e.status == d.status
                        }) => {}
                AnyMerged::Documents(m) => {
                    let documents = self.documents_of(workspace, m, &mut problems);
                    let same = documents.len() == workspace.document_count()
                        && documents
                            .iter()
                            .zip(workspace.documents())
                            .all(|(a, b)| a == b);
                    if !same {
                        foreign.documents = Some(documents);
                    }
                }
                AnyMerged::RelationTypes(m) => {
                    let types: Vec<RelationType> =
                        m.entries.iter().map(|t| t.kind.clone()).collect();
                    if types != workspace.relation_types() {
                        foreign.relation_types = Some(types);
                    }
                }
                AnyMerged::Bucket(_) | AnyMerged::Relations(_) => {}
            }
        }
        for (part, merged) in merged {
            let (Part::Relations(id), AnyMerged::Relations(m)) = (part, merged) else {
                continue;
            };
            let held = workspace
                .position(id)
                .and_then(|d| workspace.relations(d))
                .unwrap_or_default();
            for tombstone in &m.deleted {
                if held.iter().any(|r| r.id == tombstone.0) {
                    foreign.relations.push(ForeignRelation::Remove {
                        document_id: id.clone(),
                        id: tombstone.0.clone(),
                    });
                }
            }
            for stored in &m.entries {
                let relation = relation_of(id, stored);
                if !held.contains(&relation) {
                    foreign.relations.push(ForeignRelation::Put(relation));
                }
            }
        }
        let labels = foreign
            .labels
            .as_deref()
            .unwrap_or(workspace.labels())
            .to_vec();
        let documents: HashMap<&str, &Document> = match &foreign.documents {
            Some(documents) => documents.iter().map(|d| (d.id.as_str(), d)).collect(),
            None => workspace.documents().map(|d| (d.id.as_str(), d)).collect(),
        };
        let mut texts: HashMap<&str, CharIndex> = HashMap::new();
        for (part, merged) in merged {
            let (Part::Bucket(id, _), AnyMerged::Bucket(m)) = (part, merged) else {
                continue;
            };
            let Some(document) = documents.get(id.as_str()) else {
                continue;
            };
            let held = workspace
                .position(id)
                .and_then(|d| workspace.annotations(d));
            for tombstone in &m.deleted {
                if held.is_some_and(|h| h.get(&tombstone.0).is_some()) {
                    foreign.annotations.push(ForeignChange::Remove {
                        document_id: id.clone(),
                        id: tombstone.0.clone(),
                    });
                }
            }
            for span in &m.entries {
                let current = held.and_then(|h| h.get(&span.id));
                if current.is_some_and(|a| same_span(a, span)) {
                    continue;
                }
                let chars = texts
                    .entry(id.as_str())
                    .or_insert_with(|| CharIndex::new(&document.text));
                let (text, title) = (&document.text, &document.title);
                let in_text = span_text(text, chars, span.start, span.end, None, title);
                let problem = if !labels.iter().any(|l| l.name == span.label) {
                    Some(format!("there is no label “{}”", span.label))
                } else if let Err(e) = in_text {
                    Some(format!("{} {e}", e.subject()))
                } else if current.is_none() && workspace.has_annotation(&span.id) {
                    Some("its id is already used in another document".to_string())
                } else {
                    None
                };
                match problem {
                    Some(why) => problems.push(format!(
                        "annotation “{}” of “{}”: {why}",
                        span.id, document.title
                    )),
                    None => foreign.annotations.push(ForeignChange::Put(Annotation {
                        id: span.id.clone(),
                        document_id: id.clone(),
                        start: span.start,
                        end: span.end,
                        quote: String::new(),
                        label: span.label.clone(),
                        created: span.created.clone(),
                        note: span.note.clone(),
                        entity: span.entity.clone(),
                    })),
                }
            }
        }
        if !problems.is_empty() {
            notices.push(Notice::error(format!(
                "Changes from another tab could not all be shown ({}).",
                summarise(&problems)
            )));
        }
        foreign
    }

    /// The documents a merged list names, with their texts: this tab's for
    /// those it has, the stored ones for the others.
    fn documents_of(
        &self,
        workspace: &Workspace,
        merged: &Merged<DocumentEntry>,
        problems: &mut Vec<String>,
    ) -> Vec<Document> {
        let mut documents = Vec::with_capacity(merged.entries.len());
        for entry in &merged.entries {
            let text = match workspace
                .position(&entry.id)
                .and_then(|d| workspace.document(d))
            {
                Some(held) => Some(held.text.clone()),
                None if entry.seed => self
                    .seeds
                    .iter()
                    .find(|s| s.id == entry.id)
                    .map(|s| s.text.clone()),
                None => self
                    .store
                    .read(&stored::text_key(&entry.id))
                    .ok()
                    .flatten()
                    .and_then(|raw| stored::decode_text(&raw, &entry.id).ok())
                    .map(|t| t.text.into()),
            };
            match text {
                Some(text) => documents.push(Document {
                    id: entry.id.clone(),
                    file_name: entry.file_name.clone(),
                    title: entry.title.clone(),
                    text,
                    status: entry.status,
                }),
                None => problems.push(format!("the text of “{}” is not stored", entry.title)),
            }
        }
        documents
    }
}

/// A merged copy of any kind of part.
pub(super) enum AnyMerged {
    Labels(Merged<StoredLabel>),
    Documents(Merged<DocumentEntry>),
    Bucket(Merged<StoredSpan>),
    RelationTypes(Merged<StoredRelationType>),
    Relations(Merged<StoredRelation>),
}

impl AnyMerged {
    fn empty(part: &Part) -> Self {
        match part {
            Part::Labels => Self::Labels(Merged::default()),
            Part::Documents => Self::Documents(Merged::default()),
            Part::Bucket(..) => Self::Bucket(Merged::default()),
            Part::RelationTypes => Self::RelationTypes(Merged::default()),
            Part::Relations(_) => Self::Relations(Merged::default()),
        }
    }

    fn merge(&self, theirs: &Self, oldest_day: u32) -> Self {
        match (self, theirs) {
            (Self::Labels(a), Self::Labels(b)) => Self::Labels(a.merge(b, oldest_day)),
            (Self::Documents(a), Self::Documents(b)) => Self::Documents(a.merge(b, oldest_day)),
            (Self::Bucket(a), Self::Bucket(b)) => Self::Bucket(a.merge(b, oldest_day)),
            (Self::RelationTypes(a), Self::RelationTypes(b)) => {
                Self::RelationTypes(a.merge(b, oldest_day))
            }
            (Self::Relations(a), Self::Relations(b)) => Self::Relations(a.merge(b, oldest_day)),
            _ => unreachable!("a part merges with its own kind"),
        }
    }

    fn pruned(&self, oldest_day: u32) -> Self {
        match self {
            Self::Labels(m) => Self::Labels(m.pruned(oldest_day)),
            Self::Documents(m) => Self::Documents(m.pruned(oldest_day)),
            Self::Bucket(m) => Self::Bucket(m.pruned(oldest_day)),
            Self::RelationTypes(m) => Self::RelationTypes(m.pruned(oldest_day)),
            Self::Relations(m) => Self::Relations(m.pruned(oldest_day)),
        }
    }

    fn decode(part: &Part, raw: &str, hash: &str) -> Result<(Self, Vec<String>), StoredError> {
        Ok(match part {
            Part::Labels => {
                let s = stored::decode_labels(raw)?;
                (Self::Labels(s.value), s.problems)
            }
            Part::Documents => {
                let s = stored::decode_documents(raw)?;
                (Self::Documents(s.value), s.problems)
            }
            Part::Bucket(id, bucket) => {
                let s = stored::decode_bucket(raw, id, hash, *bucket)?;
                (Self::Bucket(s.value), s.problems)
            }
            Part::RelationTypes => {
                let s = stored::decode_relation_types(raw)?;
                (Self::RelationTypes(s.value), s.problems)
            }
            Part::Relations(id) => {
                let s = stored::decode_relations(raw, id)?;
                (Self::Relations(s.value), s.problems)
            }
        })
    }

    /// What `commit` holds of `part`, if anything: a commit made for
    /// another version of a document's text holds nothing of it.
    pub(super) fn from_commit(part: &Part, commit: &Commit, hash: &str) -> Option<Self> {
        match part {
            Part::Labels => commit.labels.clone().map(|l| Self::Labels(l.into())),
            Part::Documents => commit.documents.clone().map(|d| Self::Documents(d.into())),
            Part::RelationTypes => commit
                .relation_types
                .clone()
                .map(|t| Self::RelationTypes(t.into())),
            Part::Relations(id) => commit
                .relations
                .get(id)
                .map(|r| Self::Relations(r.clone().into())),
            Part::Bucket(id, bucket) => {
                let buckets = commit.buckets.get(id).filter(|b| b.text_hash == hash)?;
                let in_bucket = |id: &str| stored::bucket_of(id) == *bucket;
                Some(Self::Bucket(Merged {
                    order: 0,
                    entries: buckets
                        .spans
                        .iter()
                        .filter(|s| in_bucket(&s.id))
                        .cloned()
                        .collect(),
                    deleted: buckets
                        .deleted
                        .iter()
                        .filter(|t| in_bucket(&t.0))
                        .cloned()
                        .collect(),
                }))
            }
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Self::Labels(m) => m.entries.is_empty() && m.deleted.is_empty(),
            Self::Documents(m) => m.entries.is_empty() && m.deleted.is_empty(),
            Self::Bucket(m) => m.entries.is_empty() && m.deleted.is_empty(),
            Self::RelationTypes(m) => m.entries.is_empty() && m.deleted.is_empty(),
            Self::Relations(m) => m.entries.is_empty() && m.deleted.is_empty(),
        }
    }

    fn same_as(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Labels(a), Self::Labels(b)) => a == b,
            (Self::Documents(a), Self::Documents(b)) => a == b,
            (Self::Bucket(a), Self::Bucket(b)) => same_set(a, b),
            (Self::RelationTypes(a), Self::RelationTypes(b)) => a == b,
            (Self::Relations(a), Self::Relations(b)) => same_relations(a, b),
            _ => false,
        }
    }

    fn encode(&self, persistence: &Persistence, part: &Part) -> String {
        match (self, part) {
            (Self::Labels(m), _) => stored::encode_labels(m),
            (Self::Documents(m), _) => stored::encode_documents(m),
            (Self::Bucket(m), Part::Bucket(id, bucket)) => {
                let hash = persistence.text_hashes.get(id).cloned().unwrap_or_default();
                stored::encode_bucket(id, &hash, *bucket, m)
            }
            (Self::RelationTypes(m), _) => stored::encode_relation_types(m),
            (Self::Relations(m), Part::Relations(id)) => stored::encode_relations(id, m),
            _ => unreachable!("a part is encoded as its own kind"),
        }
    }

    fn add_to(&self, commit: &mut Commit, part: &Part, persistence: &Persistence) {
        match (self, part) {
            (Self::Labels(m), _) => commit.labels = Some(m.into()),
            (Self::Documents(m), _) => commit.documents = Some(m.into()),
            (Self::Bucket(m), Part::Bucket(id, _)) => {
                let entry = commit
                    .buckets
                    .entry(id.clone())
                    .or_insert_with(|| CommitBuckets {
                        text_hash: persistence.text_hashes.get(id).cloned().unwrap_or_default(),
                        ..CommitBuckets::default()
                    });
                entry.spans.extend(m.entries.iter().cloned());
                entry.deleted.extend(m.deleted.iter().cloned());
            }
            (Self::RelationTypes(m), _) => commit.relation_types = Some(m.into()),
            (Self::Relations(m), Part::Relations(id)) => {
                commit.relations.insert(id.clone(), m.into());
            }
            _ => {}
        }
    }
}

/// Whether two buckets hold the same entries and tombstones, in any order.
fn same_set(a: &Merged<StoredSpan>, b: &Merged<StoredSpan>) -> bool {
    if a.entries.len() != b.entries.len() || a.deleted.len() != b.deleted.len() {
        return false;
    }
    let by_id: HashMap<&str, &StoredSpan> = a.entries.iter().map(|s| (s.id.as_str(), s)).collect();
    b.entries
        .iter()
        .all(|s| by_id.get(s.id.as_str()) == Some(&s))
        && {
            let mut x = a.deleted.clone();
            let mut y = b.deleted.clone();
            x.sort_by(|p, q| p.0.cmp(&q.0));
            y.sort_by(|p, q| p.0.cmp(&q.0));
            x == y
        }
}

/// Whether two copies of a document's relations hold the same entries and
/// tombstones, in any order.
fn same_relations(a: &Merged<StoredRelation>, b: &Merged<StoredRelation>) -> bool {
    let sorted = |m: &Merged<StoredRelation>| {
        let mut entries: Vec<String> = m.entries.iter().map(|r| format!("{r:?}")).collect();
        let mut deleted: Vec<String> = m.deleted.iter().map(|t| format!("{t:?}")).collect();
        entries.sort();
        deleted.sort();
        (entries, deleted)
    };
    sorted(a) == sorted(b)
}

/// The relation `stored` keeps for document `document_id`.
fn relation_of(document_id: &str, stored: &StoredRelation) -> Relation {
    Relation {
        id: stored.id.clone(),
        document_id: document_id.to_string(),
        from: stored.from.clone(),
        to: stored.to.clone(),
        kind: stored.kind.clone(),
        created: stored.created.clone(),
        note: stored.note.clone(),
    }
}

/// Whether `annotation` is what `span` stores.
fn same_span(annotation: &Annotation, span: &StoredSpan) -> bool {
    annotation.start == span.start
        && annotation.end == span.end
        && annotation.label == span.label
        && annotation.created == span.created
        && annotation.note == span.note
        && annotation.entity == span.entity
}

/// The parts a commit changes.
pub(super) fn commit_parts(commit: &Commit) -> Vec<Part> {
    let mut parts = Vec::new();
    if commit.labels.is_some() {
        parts.push(Part::Labels);
    }
    if commit.documents.is_some() {
        parts.push(Part::Documents);
    }
    if commit.relation_types.is_some() {
        parts.push(Part::RelationTypes);
    }
    parts.extend(commit.relations.keys().cloned().map(Part::Relations));
    for (id, buckets) in &commit.buckets {
        let mut touched: Vec<u32> = buckets
            .spans
            .iter()
            .map(|s| stored::bucket_of(&s.id))
            .chain(buckets.deleted.iter().map(|t| stored::bucket_of(&t.0)))
            .collect();
        touched.sort_unstable();
        touched.dedup();
        parts.extend(touched.into_iter().map(|b| Part::Bucket(id.clone(), b)));
    }
    parts
}

pub(super) fn part_key(part: &Part) -> String {
    match part {
        Part::Labels => stored::labels_key(),
        Part::Documents => stored::documents_key(),
        Part::Bucket(id, bucket) => stored::bucket_key(id, *bucket),
        Part::RelationTypes => stored::relation_types_key(),
        Part::Relations(id) => stored::relations_key(id),
    }
}

/// Whether `document` is a seed article as compiled in, so its text need
/// not be stored.
pub(super) fn is_seed(seeds: &[Document], document: &Document) -> bool {
    seeds
        .iter()
        .any(|s| s.id == document.id && s.text == document.text)
}

/// How many problems a message lists before it says "and N more".
const PROBLEMS_SHOWN: usize = 3;

pub(super) fn summarise(problems: &[String]) -> String {
    let shown = problems[..problems.len().min(PROBLEMS_SHOWN)].join("; ");
    match problems.len().saturating_sub(PROBLEMS_SHOWN) {
        0 => shown,
        more => format!("{shown}; and {more} more"),
    }
}
