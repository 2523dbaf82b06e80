//! Labels: the tags a span can carry, each with a colour and a hotkey.

use serde::{Deserialize, Serialize};

use super::color::is_hex_color;
use super::entry::slug;

/// A tag such as "Person". Annotations refer to it by `name`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub name: String,
    /// A CSS colour, used as the highlight's background under dark text.
    pub color: String,
    /// The key that applies this label to the current selection.
    pub hotkey: Option<char>,
}

impl Label {
    fn new(name: &str, color: &str, hotkey: char) -> Self {
        Self {
            name: name.to_string(),
            color: color.to_string(),
            hotkey: Some(hotkey),
        }
    }

    /// Whether its colour may be written into a style ([`is_hex_color`]).
    pub fn has_valid_color(&self) -> bool {
        is_hex_color(&self.color)
    }

    /// The `data-testid` of this label's button: `label-` and the lower-case
    /// name, spaces turned into dashes.
    pub fn test_id(&self) -> String {
        format!("label-{}", slug(&self.name))
    }
}

/// The label set for news articles. The colours are light enough for black
/// text to keep a contrast ratio above 12:1 on each of them.
pub fn default_labels() -> Vec<Label> {
    vec![
        Label::new("Person", "#fde68a", '1'),
        Label::new("Organization", "#bfdbfe", '2'),
        Label::new("Location", "#bbf7d0", '3'),
        Label::new("Date", "#fbcfe8", '4'),
        Label::new("Quantity", "#ddd6fe", '5'),
        Label::new("Event", "#fed7aa", '6'),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_have_distinct_names_and_hotkeys_one_to_six() {
        let labels = default_labels();
        let keys: String = labels.iter().filter_map(|l| l.hotkey).collect();
        assert_eq!(keys, "123456");
        let mut names: Vec<_> = labels.iter().map(|l| l.name.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), 6);
    }

    #[test]
    fn default_colours_are_valid() {
        assert!(default_labels().iter().all(Label::has_valid_color));
        assert!(!Label::new("A", "red", '1').has_valid_color());
    }

    #[test]
    fn test_id_is_lower_case_and_dashed() {
        assert_eq!(default_labels()[1].test_id(), "label-organization");
        assert_eq!(
            Label::new("Armed  Group", "#fff", '7').test_id(),
            "label-armed-group"
        );
    }
}
