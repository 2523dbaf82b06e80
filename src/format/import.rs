//! Which format a file to import is in, told from its contents rather than
//! its name (a download is easily renamed), and reading it as that format.
//!
//! Each format parses itself ([`native::from_value`]); this module only
//! tells them apart, and says what is wrong with a file that is not JSON.
//! W3C Web Annotation and doccano files are recognised, but not read yet:
//! their parsers plug in here.

use serde_json::Value;

use super::native;
use crate::model::import::{ImportError, Incoming};

/// The formats, as the app names them to the person importing.
pub const NATIVE: &str = "the app’s own JSON";
pub const W3C: &str = "W3C Web Annotation JSON-LD";
pub const DOCCANO: &str = "doccano JSONL";

/// The format of `contents` and what it holds.
pub fn read(contents: &str) -> Result<(&'static str, Incoming), ImportError> {
    let value = match json(contents) {
        Ok(value) => value,
        // JSONL is one JSON value a line, so not one JSON value.
        Err(_) if is_object(first_line(contents)) => return Err(unsupported(DOCCANO)),
        Err(error) => return Err(error),
    };
    let format = if value.get("@context").is_some()
        || value.get("type").and_then(Value::as_str) == Some("AnnotationCollection")
    {
        W3C
    } else if value.get("text").is_some() && value.get("format").is_none() {
        DOCCANO
    } else {
        NATIVE
    };
    match format {
        NATIVE => native::from_value(&value).map(|incoming| (NATIVE, incoming)),
        other => Err(unsupported(other)),
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

fn unsupported(format: &str) -> ImportError {
    ImportError::new(
        "the file",
        format!("is {format}, which this app cannot import yet; import its own JSON export"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{doccano, samples, w3c};

    fn format_of(contents: &str) -> Result<&'static str, String> {
        read(contents)
            .map(|(format, _)| format)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn each_export_is_told_apart_by_its_contents() {
        let ws = samples::workspace();
        let all = samples::all(&ws);
        assert_eq!(
            format_of(&native::NativeExport::of(&ws).to_json()),
            Ok(NATIVE)
        );
        for (contents, format) in [
            (w3c::export(&ws, &all), W3C),
            (doccano::export(&ws, &all), DOCCANO),
            (doccano::export(&ws, &[0]), DOCCANO),
        ] {
            assert_eq!(
                format_of(&contents),
                Err(format!(
                    "the file is {format}, which this app cannot import yet; import its own JSON \
                     export"
                ))
            );
        }
        assert_eq!(
            format_of("{\"format\": \"span-annotator\",\n"),
            Err("the file is not complete JSON (it ends at line 2, column 0)".into())
        );
    }
}
