//! Reading JSON with messages that say where: the whole file as a value
//! ([`json`]), and an object read field by field ([`Fields`]) so that every
//! message names its place the same way (`annotations[3].start`, `line 3:
//! label`), whichever format is being read; and the count of what a file
//! holds that is not imported ([`drop_one`]).
//!
//! It is not responsible for what any format's fields mean.

use serde_json::{Map, Value};

use crate::model::import::ImportError;
use crate::model::offset_unit::OffsetUnit;
use crate::model::parsed::Dropped;

/// `contents` as JSON, or why it is not.
pub fn json(contents: &str) -> Result<Value, ImportError> {
    if contents.trim().is_empty() {
        return Err(ImportError::new("the file", "is empty"));
    }
    serde_json::from_str(contents).map_err(|e| {
        let reason = match e.classify() {
            serde_json::error::Category::Eof => format!(
                "is not complete JSON (it ends at line {}, column {})",
                e.line(),
                e.column()
            ),
            _ => format!("is not JSON ({e})"),
        };
        ImportError::new("the file", reason)
    })
}

/// Line `number` of a JSONL file as JSON, or why it is not. serde's
/// message would place the fault on line 1, so only its column is kept.
pub(super) fn line_json(line: &str, number: usize) -> Result<Value, ImportError> {
    serde_json::from_str(line).map_err(|e| {
        let message = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        let reason = message.strip_suffix(&position).unwrap_or(&message);
        ImportError::new(
            format!("line {number}"),
            format!("is not JSON ({reason} at column {})", e.column()),
        )
    })
}

/// `json`, one JSON value, as one line of a JSONL file: JSON escapes `\n`
/// and `\r` inside strings, and this also escapes NEL, U+2028 and U+2029,
/// which JSON allows raw but Python's `str.splitlines()` breaks lines at.
pub(super) fn jsonl_line(json: &str) -> String {
    let mut line = String::with_capacity(json.len() + 1);
    for c in json.chars() {
        match c {
            '\u{85}' | '\u{2028}' | '\u{2029}' => {
                line.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => line.push(c),
        }
    }
    line.push('\n');
    line
}

/// A JSON object and where it is in the file, read field by field so that
/// every message names the field.
pub(super) struct Fields<'a> {
    /// `annotations[3]`, `line 3`; empty for the file itself.
    pub(super) place: String,
    /// What a field's name follows in its place: `annotations[3].`,
    /// `line 3: `.
    prefix: String,
    map: &'a Map<String, Value>,
}

impl<'a> Fields<'a> {
    /// The object `value` at `place`, whose fields are `place.name`.
    pub(super) fn of(value: &'a Value, place: &str) -> Result<Self, ImportError> {
        let prefix = if place.is_empty() {
            String::new()
        } else {
            format!("{place}.")
        };
        Self::with_prefix(value, place, prefix)
    }

    /// The object on line `number` of a JSONL file, whose fields are
    /// `line 3: name`.
    pub(super) fn line(value: &'a Value, number: usize) -> Result<Self, ImportError> {
        let place = format!("line {number}");
        let prefix = format!("{place}: ");
        Self::with_prefix(value, &place, prefix)
    }

    fn with_prefix(value: &'a Value, place: &str, prefix: String) -> Result<Self, ImportError> {
        match value {
            Value::Object(map) => Ok(Self {
                place: place.to_string(),
                prefix,
                map,
            }),
            other => Err(ImportError::new(
                if place.is_empty() { "the file" } else { place },
                format!("must be a JSON object, not {}", kind(other)),
            )),
        }
    }

    /// What messages call the object itself: its place, or "the file" for
    /// a file that is one object.
    pub(super) fn place_name(&self) -> &str {
        if self.place.is_empty() {
            "the file"
        } else {
            &self.place
        }
    }

    pub(super) fn path(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    pub(super) fn error(&self, name: &str, reason: impl Into<String>) -> ImportError {
        ImportError::new(self.path(name), reason)
    }

    /// The field `name`, whatever it holds; null counts as missing.
    pub(super) fn value(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    pub(super) fn get(&self, name: &str) -> Result<&'a Value, ImportError> {
        self.map
            .get(name)
            .ok_or_else(|| self.error(name, "is missing"))
    }

    pub(super) fn string(&self, name: &str) -> Result<&'a str, ImportError> {
        string_at(self.get(name)?, &self.path(name))
    }

    /// A string that may be missing or null.
    pub(super) fn optional_string(&self, name: &str) -> Result<Option<&'a str>, ImportError> {
        match self.value(name) {
            None => Ok(None),
            Some(_) => self.string(name).map(Some),
        }
    }

    /// The unit `offset_unit` names, if the object states one; a unit the
    /// app does not know is refused.
    pub(super) fn optional_unit(&self) -> Result<Option<OffsetUnit>, ImportError> {
        match self.optional_string("offset_unit")? {
            None => Ok(None),
            Some(unit) => OffsetUnit::from_id(unit).map(Some).ok_or_else(|| {
                self.error(
                    "offset_unit",
                    format!("is “{unit}”; this app reads “codepoint”, “utf16” or “utf8”"),
                )
            }),
        }
    }

    /// A code-point offset: a whole number from 0.
    pub(super) fn offset(&self, name: &str) -> Result<usize, ImportError> {
        offset_at(self.get(name)?, &self.path(name))
    }

    /// The objects of the list `name`, each with its place.
    pub(super) fn list(&self, name: &str) -> Result<Vec<Fields<'a>>, ImportError> {
        self.items(name)?
            .into_iter()
            .map(|(place, item)| Fields::of(item, &place))
            .collect()
    }

    /// The values of the list `name`, each with its place.
    pub(super) fn items(&self, name: &str) -> Result<Vec<(String, &'a Value)>, ImportError> {
        match self.get(name)? {
            Value::Array(items) => Ok(placed(items, &self.path(name))),
            other => Err(self.error(name, format!("must be a list, not {}", kind(other)))),
        }
    }

    /// The field `name` as a list, each value with its place: JSON-LD
    /// writes a single value where a list would hold only that one.
    pub(super) fn one_or_more(&self, name: &str) -> Result<Vec<(String, &'a Value)>, ImportError> {
        Ok(match self.get(name)? {
            Value::Array(items) => placed(items, &self.path(name)),
            one => vec![(self.path(name), one)],
        })
    }
}

/// Each of `items` with its place in the list at `place`: `place[2]`.
pub(super) fn placed<'a>(items: &'a [Value], place: &str) -> Vec<(String, &'a Value)> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| (format!("{place}[{i}]"), item))
        .collect()
}

/// `value`, at `place`, as a string.
pub(super) fn string_at<'a>(value: &'a Value, place: &str) -> Result<&'a str, ImportError> {
    match value {
        Value::String(s) => Ok(s.as_str()),
        other => Err(ImportError::new(
            place,
            format!("must be a string, not {}", kind(other)),
        )),
    }
}

/// `value`, at `place`, as a code-point offset: a whole number from 0.
pub(super) fn offset_at(value: &Value, place: &str) -> Result<usize, ImportError> {
    let reason = match value {
        Value::Number(n) => match n.as_u64().map(usize::try_from) {
            Some(Ok(offset)) => return Ok(offset),
            Some(Err(_)) => format!("= {n} is too large"),
            None if n.is_i64() => format!("= {n} is negative"),
            None => format!("= {n} is not a whole number"),
        },
        other => format!("must be a whole number, not {}", kind(other)),
    };
    Err(ImportError::new(place, reason))
}

/// What a JSON value is, for a message; never its whole content, which may
/// be megabytes.
pub(super) fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Counts one more `what` left out of an import, for `why`, in `dropped`:
/// the same part left out for the same reason is counted once, where it
/// was first met.
pub(super) fn drop_one(dropped: &mut Vec<Dropped>, what: &str, why: &str) {
    match dropped.iter_mut().find(|d| d.what == what && d.why == why) {
        Some(counted) => counted.count += 1,
        None => dropped.push(Dropped {
            count: 1,
            what: what.to_string(),
            why: why.to_string(),
        }),
    }
}
