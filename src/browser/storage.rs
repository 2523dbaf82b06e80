//! localStorage as a [`Store`]: plain strings in and out, and a plain
//! message when the browser refuses. What the strings mean is
//! `format::stored`'s business, and when to write them `span_core::storage`'s.

use wasm_bindgen::{prelude::wasm_bindgen, JsCast, JsValue};

use span_core::storage::{Charge, Store, StoreError};

#[wasm_bindgen]
extern "C" {
    /// localStorage, seen through `getItem` returning the JavaScript string
    /// itself, whose length can be read without copying it into the wasm
    /// memory.
    type RawStorage;
    #[wasm_bindgen(method, catch, js_name = getItem)]
    fn item(this: &RawStorage, key: &str) -> Result<Option<js_sys::JsString>, JsValue>;

    /// A regular expression tested on a JavaScript string, again without
    /// copying it.
    type Pattern;
    #[wasm_bindgen(method)]
    fn test(this: &Pattern, text: &js_sys::JsString) -> bool;
}

/// How this browser counts its localStorage quota: WebKit (Safari, and
/// every browser on iOS) as bytes, a string with a character from U+0100
/// up two a unit; Chromium and Firefox in UTF-16 units.
fn charge() -> Charge {
    let vendor = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"vendor".into()).ok())
        .and_then(|v| v.as_string());
    match vendor.as_deref() {
        Some(v) if v.starts_with("Apple") => Charge::Latin1Or16Bit,
        _ => Charge::Utf16Units,
    }
}

/// The site's localStorage.
pub struct LocalStore {
    storage: web_sys::Storage,
    charge: Charge,
    /// Matches a character from U+0100 up, which WebKit charges twice.
    wide: Pattern,
}

impl LocalStore {
    /// localStorage, if it exists and takes a write, as it does not in some
    /// private modes or with storage blocked.
    pub fn open() -> Result<Self, StoreError> {
        let unavailable = |why: String| StoreError::Unavailable(why);
        let window = web_sys::window().ok_or_else(|| unavailable("no window".into()))?;
        let storage = window
            .local_storage()
            .map_err(|e| unavailable(describe(&e)))?
            .ok_or_else(|| unavailable("no localStorage".into()))?;
        let probe = "span-annotator/probe";
        storage
            .set_item(probe, "1")
            .and_then(|()| storage.remove_item(probe))
            .map_err(|e| unavailable(describe(&e)))?;
        Ok(Self {
            storage,
            charge: charge(),
            wide: js_sys::RegExp::new("[^\\0-\\xff]", "").unchecked_into(),
        })
    }
}

impl Store for LocalStore {
    fn read(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.storage
            .get_item(key)
            .map_err(|e| StoreError::Unavailable(describe(&e)))
    }

    fn write(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.storage.set_item(key, value).map_err(|e| {
            let why = describe(&e);
            if why.contains("Quota") || why.contains("quota") {
                StoreError::Full(why)
            } else {
                StoreError::Refused(why)
            }
        })
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.storage
            .remove_item(key)
            .map_err(|e| StoreError::Refused(describe(&e)))
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let count = self
            .storage
            .length()
            .map_err(|e| StoreError::Unavailable(describe(&e)))?;
        (0..count)
            .map(|i| {
                self.storage
                    .key(i)
                    .map_err(|e| StoreError::Unavailable(describe(&e)))
            })
            .filter_map(Result::transpose)
            .collect()
    }

    fn units(&self, key: &str) -> Result<Option<usize>, StoreError> {
        let value = self
            .storage
            .unchecked_ref::<RawStorage>()
            .item(key)
            .map_err(|e| StoreError::Unavailable(describe(&e)))?;
        Ok(value.map(|v| {
            self.charge.of(key)
                + self
                    .charge
                    .of_measured(v.length() as usize, || self.wide.test(&v))
        }))
    }

    fn charge(&self) -> Charge {
        self.charge
    }
}

/// A DOMException's name and message, or whatever else was thrown.
fn describe(error: &JsValue) -> String {
    match error.dyn_ref::<js_sys::Error>() {
        Some(e) => format!("{}: {}", String::from(e.name()), String::from(e.message())),
        None => format!("{error:?}"),
    }
}
