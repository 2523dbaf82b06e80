//! localStorage as plain strings. What the strings mean is `format::stored`'s
//! business; this module only moves them and says plainly when it cannot.

use gloo_storage::{LocalStorage, Storage};
use thiserror::Error;
use wasm_bindgen::{JsCast, JsValue};

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum StorageError {
    #[error("browser storage is not available ({0})")]
    Unavailable(String),
    #[error("browser storage is full ({0})")]
    Full(String),
    #[error("browser storage refused the write ({0})")]
    Refused(String),
}

/// Checks that localStorage exists and takes a write, as it does not in some
/// private modes or with storage blocked. Every other function here assumes
/// this returned `Ok`.
pub fn check_available() -> Result<(), StorageError> {
    let unavailable = |why: &str| StorageError::Unavailable(why.to_string());
    let window = web_sys::window().ok_or_else(|| unavailable("no window"))?;
    let storage = window
        .local_storage()
        .map_err(|e| unavailable(&describe(&e)))?
        .ok_or_else(|| unavailable("no localStorage"))?;
    let probe = "span-annotator/probe";
    storage
        .set_item(probe, "1")
        .map_err(|e| unavailable(&describe(&e)))?;
    storage
        .remove_item(probe)
        .map_err(|e| unavailable(&describe(&e)))
}

pub fn read(key: &str) -> Result<Option<String>, StorageError> {
    LocalStorage::raw()
        .get_item(key)
        .map_err(|e| StorageError::Unavailable(describe(&e)))
}

pub fn write(key: &str, value: &str) -> Result<(), StorageError> {
    LocalStorage::raw().set_item(key, value).map_err(|e| {
        let why = describe(&e);
        if why.contains("Quota") {
            StorageError::Full(why)
        } else {
            StorageError::Refused(why)
        }
    })
}

pub fn remove(key: &str) -> Result<(), StorageError> {
    LocalStorage::raw()
        .remove_item(key)
        .map_err(|e| StorageError::Refused(describe(&e)))
}

/// Roughly how much localStorage this site uses, in UTF-16 code units of
/// keys and values, which is what browsers count against their quota.
pub fn used_units() -> usize {
    let storage = LocalStorage::raw();
    let count = storage.length().unwrap_or(0);
    (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .map(|key| {
            let value = storage.get_item(&key).ok().flatten().unwrap_or_default();
            key.encode_utf16().count() + value.encode_utf16().count()
        })
        .sum()
}

/// A DOMException's name and message, or whatever else was thrown.
fn describe(error: &JsValue) -> String {
    match error.dyn_ref::<js_sys::Error>() {
        Some(e) => format!("{}: {}", String::from(e.name()), String::from(e.message())),
        None => format!("{error:?}"),
    }
}
