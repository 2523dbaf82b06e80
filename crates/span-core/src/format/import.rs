//! Which format a file to import is in, told from its contents rather than
//! its name (a download is easily renamed), and reading it as that format.
//!
//! Each format parses itself ([`native::from_value`], [`w3c::parse`],
//! [`doccano::parse`]) into an [`Incoming`]; this module tells them apart,
//! says what is wrong with a file that is not JSON, and holds the JSON field
//! reader ([`Fields`]) they share, so that every message names its place the
//! same way. It is not responsible for what the formats mean.

use serde_json::{Map, Value};

use super::{doccano, native, w3c};
use crate::model::import::{ImportError, Incoming};

/// The formats, as the app names them to the person importing.
pub const NATIVE: &str = "the app’s own JSON";
pub const W3C: &str = "W3C Web Annotation JSON-LD";
pub const DOCCANO: &str = "doccano JSONL";

/// The format of `contents` and what it holds.
pub fn read(contents: &str) -> Result<(&'static str, Incoming), ImportError> {
    // Some Windows tools start UTF-8 files with a byte-order mark, which no
    // format counts as content.
    let contents = contents.strip_prefix('\u{feff}').unwrap_or(contents);
    let value = match json(contents) {
        Ok(value) => value,
        // JSONL is one JSON value a line, so not one JSON value.
        Err(_) if is_object(first_line(contents)) => {
            return doccano::parse(contents).map(|incoming| (DOCCANO, incoming))
        }
        Err(error) => return Err(error),
    };
    if is_w3c(&value) {
        w3c::parse(&value).map(|incoming| (W3C, incoming))
    } else if value.get("text").is_some() && value.get("format").is_none() {
        doccano::parse(contents).map(|incoming| (DOCCANO, incoming))
    } else {
        native::from_value(&value).map(|incoming| (NATIVE, incoming))
    }
}

/// Whether `value` is Web Annotation JSON: it names the model's context or
/// one of its types, or it is a list of such annotations.
fn is_w3c(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.first().is_some_and(|v| v.is_object() && is_w3c(v)),
        _ => {
            value.get("@context").is_some()
                || matches!(
                    value.get("type").and_then(Value::as_str),
                    Some("AnnotationCollection" | "AnnotationPage" | "Annotation")
                )
        }
    }
}

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

fn first_line(contents: &str) -> &str {
    contents
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or_default()
}

fn is_object(line: &str) -> bool {
    serde_json::from_str::<Value>(line).is_ok_and(|v| v.is_object())
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

    /// Refuses an `offset_unit` other than `expected`, if the object states
    /// one.
    pub(super) fn optional_unit(&self, expected: &str) -> Result<(), ImportError> {
        match self.optional_string("offset_unit")? {
            Some(unit) if unit != expected => Err(self.error(
                "offset_unit",
                format!("is “{unit}”; this app reads “{expected}”"),
            )),
            _ => Ok(()),
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

#[cfg(test)]
pub(super) mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::format::native::NativeExport;
    use crate::format::samples;
    use crate::model::import::{plan, Mode, Preview};
    use crate::model::Workspace;

    pub(in crate::format) const NOW: &str = "2026-05-05T05:05:05.000Z";

    /// Reads `contents` and imports it into `ws` as [`plan_and_apply`]
    /// does: the preview, or the message of whichever step refused it.
    pub(in crate::format) fn import(
        ws: &mut Workspace,
        contents: &str,
        mode: Mode,
    ) -> Result<Preview, String> {
        let (_, incoming) = read(contents).map_err(|e| e.to_string())?;
        plan_and_apply(ws, incoming, mode)
    }

    /// Plans importing `incoming` into `ws` (new ids `new-1`, `new-2`…,
    /// stamped [`NOW`]) and applies the plan: the preview, or the message of
    /// whichever step refused it.
    pub(in crate::format) fn plan_and_apply(
        ws: &mut Workspace,
        incoming: Incoming,
        mode: Mode,
    ) -> Result<Preview, String> {
        let mut n = 0;
        let mut new_id = || {
            n += 1;
            format!("new-{n}")
        };
        let plan = plan(ws, incoming, mode, &mut new_id, NOW).map_err(|e| e.to_string())?;
        ws.apply(&plan.action).map_err(|e| e.to_string())?;
        Ok(plan.preview)
    }

    /// The samples' documents, with the default labels and no annotations.
    pub(in crate::format) fn unannotated() -> Workspace {
        let documents = samples::workspace().documents().cloned().collect();
        Workspace::new(documents, crate::model::default_labels())
    }

    /// Asserts that each input is refused with a message containing its
    /// own expected text, merging or replacing, and changes nothing.
    pub(in crate::format) fn assert_refused(cases: &[(String, String)]) {
        let distinct: HashSet<&String> = cases.iter().map(|(_, expected)| expected).collect();
        assert_eq!(distinct.len(), cases.len(), "each case has its own message");
        for (input, expected) in cases {
            for mode in [Mode::Merge, Mode::Replace] {
                let mut ws = unannotated();
                let before = NativeExport::of(&ws).to_json();
                let error = import(&mut ws, input, mode).expect_err(expected);
                assert!(
                    error.contains(expected.as_str()),
                    "{mode:?}: expected “{expected}”, got “{error}”"
                );
                assert_eq!(NativeExport::of(&ws).to_json(), before, "{expected}");
            }
        }
    }

    fn format_of(contents: &str) -> Result<&'static str, String> {
        read(contents)
            .map(|(format, _)| format)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn each_export_is_told_apart_by_its_contents() {
        let ws = samples::workspace();
        let all = samples::all(&ws);
        let w3c = w3c::export(&ws, &all);
        let items: Value = serde_json::from_str(&w3c).unwrap();
        let items = &items["first"]["items"];
        let no_annotations = Workspace::new(crate::model::seed_documents(), Vec::new());
        for (contents, format) in [
            (NativeExport::of(&ws).to_json(), NATIVE),
            (
                format!("\u{feff}{}", NativeExport::of(&ws).to_json()),
                NATIVE,
            ),
            (w3c.clone(), W3C),
            (w3c::export(&ws, &[samples::TRICKY]), W3C),
            (w3c::export(&no_annotations, &[0]), W3C),
            (items.to_string(), W3C),
            (items[0].to_string(), W3C),
            (doccano::export(&ws, &all), DOCCANO),
            (doccano::export(&ws, &[0]), DOCCANO),
        ] {
            assert_eq!(format_of(&contents), Ok(format), "{contents:.60}");
        }
        assert_eq!(
            format_of("{\"format\": \"span-annotator\",\n"),
            Err("the file is not complete JSON (it ends at line 2, column 0)".into())
        );
        assert_eq!(
            format_of("[1, 2]"),
            Err("the file must be a JSON object, not a list".into()),
            "a list of anything but annotations is read as the native format"
        );
    }
}
