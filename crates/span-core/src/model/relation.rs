//! Relations: a typed, directed link from one annotation to another of the
//! same document ("Lavrentiev" → member of → "the Russian delegation"), and
//! the relation types they can have.

use serde::{Deserialize, Serialize};

use super::color::is_hex_color;

/// A typed link from annotation `from` to annotation `to`, both of document
/// `document_id`. Its type is a [`RelationType`]'s name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    pub id: String,
    pub document_id: String,
    pub from: String,
    pub to: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// When the relation was made, as an RFC 3339 / ISO 8601 UTC timestamp.
    pub created: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Relation {
    /// Whether annotation `id` is one of its ends.
    pub fn uses(&self, id: &str) -> bool {
        self.from == id || self.to == id
    }
}

/// A kind of relation, edited like a label: a name, a colour for its arcs
/// and a hotkey that picks it while a relation is being made (so it cannot
/// clash with a label's hotkey, which tags a selection).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationType {
    pub name: String,
    pub color: String,
    pub hotkey: Option<char>,
}

impl RelationType {
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
}

/// The relation types for news: who belongs to what, where things are, who
/// takes part in an event, and who says what. The colours are dark enough
/// to read as lines and labels on the page's light background.
pub fn default_relation_types() -> Vec<RelationType> {
    vec![
        RelationType::new("member of", "#1d4ed8", 'm'),
        RelationType::new("located in", "#047857", 'l'),
        RelationType::new("takes part in", "#b45309", 't'),
        RelationType::new("says", "#7c3aed", 's'),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_four_news_types_with_distinct_hotkeys_and_valid_colours() {
        let types = default_relation_types();
        let names: Vec<&str> = types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["member of", "located in", "takes part in", "says"]);
        let keys: String = types.iter().filter_map(|t| t.hotkey).collect();
        assert_eq!(keys, "mlts");
        assert!(types.iter().all(RelationType::has_valid_color));
    }

    #[test]
    fn the_type_is_written_as_type_and_a_missing_note_is_left_out() {
        let relation = Relation {
            id: "r1".into(),
            document_id: "d".into(),
            from: "a".into(),
            to: "b".into(),
            kind: "says".into(),
            created: "t".into(),
            note: None,
        };
        let json = serde_json::to_string(&relation).unwrap();
        assert_eq!(
            json,
            r#"{"id":"r1","document_id":"d","from":"a","to":"b","type":"says","created":"t"}"#
        );
        assert!(relation.uses("b") && !relation.uses("c"));
    }
}
