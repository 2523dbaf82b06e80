//! Backups: copies of stored data that could not be read, kept before the
//! readable part is written back. Each is kept once (its key is a hash of
//! the data), listed in the app, and can be downloaded and removed.

use crate::format::stored::{self, Backup, BACKUP_PREFIX};

use super::store::{Charge, Store, StoreError};

/// A backup as the app lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupInfo {
    /// The key the backup is stored under.
    pub key: String,
    /// The key its data came from.
    pub original: String,
    /// When it was made (ISO 8601), empty if unknown.
    pub saved: String,
    pub reason: String,
    /// The size of the data, as the quota counts it.
    pub size: usize,
    /// How much of the quota the backup takes.
    pub units: usize,
}

impl BackupInfo {
    fn of(key: &str, raw: &str, charge: Charge) -> Self {
        let backup = stored::decode_backup(key, raw);
        Self {
            key: key.to_string(),
            original: backup.key,
            saved: backup.saved,
            reason: backup.reason,
            size: charge.of(&backup.value),
            units: charge.entry(key, raw),
        }
    }
}

/// Every backup in `store`, newest first.
pub fn list(store: &dyn Store, keys: &[String]) -> Vec<BackupInfo> {
    let mut backups: Vec<BackupInfo> = keys
        .iter()
        .filter(|k| k.starts_with(BACKUP_PREFIX))
        .filter_map(|key| Some(BackupInfo::of(key, &store.read(key).ok()??, store.charge())))
        .collect();
    backups.sort_by(|a, b| b.saved.cmp(&a.saved).then_with(|| a.key.cmp(&b.key)));
    backups
}

/// What happened when data was to be backed up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackedUp {
    /// Copied to this key now.
    Now(String),
    /// The same data was already copied, to this key.
    Already(String),
}

impl BackedUp {
    pub fn key(&self) -> &str {
        match self {
            Self::Now(key) | Self::Already(key) => key,
        }
    }
}

/// Copies `raw`, found under `key`, to its backup key unless it is there
/// already. Returns the backup's key, and its size if it was written now.
pub fn keep(
    store: &dyn Store,
    key: &str,
    raw: &str,
    reason: &str,
    now: &str,
) -> Result<(BackedUp, usize), StoreError> {
    let backup_key = stored::backup_key(key, raw);
    if store.read(&backup_key)?.is_some() {
        return Ok((BackedUp::Already(backup_key), 0));
    }
    let value = stored::encode_backup(&Backup {
        key: key.to_string(),
        saved: now.to_string(),
        reason: reason.to_string(),
        value: raw.to_string(),
    });
    store.write(&backup_key, &value)?;
    let size = store.charge().entry(&backup_key, &value);
    Ok((BackedUp::Now(backup_key), size))
}

/// The data a backup holds, exactly as it was stored.
pub fn data(store: &dyn Store, key: &str) -> Result<Option<String>, StoreError> {
    Ok(store
        .read(key)?
        .map(|raw| stored::decode_backup(key, &raw).value))
}
