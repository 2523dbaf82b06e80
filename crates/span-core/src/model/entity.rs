//! Entities across documents: an annotation may name the entity it
//! mentions, and every annotation naming the same entity, in any document,
//! is a mention of that one entity.
//!
//! This file holds what an entity name is ([`entity_name`]), which
//! mentions look alike ([`mention_key`]), the entities the workspace holds
//! with their mentions per document ([`Entities`]), and the links it
//! suggests ([`Suggestion`]). Setting an annotation's entity is planned by
//! [`Workspace::plan_entity`] and [`Workspace::plan_link`]; drawing any of
//! it is the view's business.

use std::collections::{BTreeMap, HashMap};

use super::{Action, Annotation, EditError, Step, Workspace};

/// An entity name as kept: trimmed, with every run of white space made one
/// space; `None` when nothing is left. Names are compared exactly after
/// this, so "Lavrentiev" and "lavrentiev" are two entities.
pub fn entity_name(raw: &str) -> Option<String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    (!name.is_empty()).then_some(name)
}

/// What two mentions must share to look alike: their text lower-cased,
/// white space collapsed and a trailing possessive (`'s`, `’s`, `s'`, `s’`)
/// removed, so "Lavrentiev's" and "lavrentiev" look alike.
pub fn mention_key(quote: &str) -> String {
    let collapsed = quote
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    for possessive in ["'s", "’s"] {
        if let Some(stem) = collapsed.strip_suffix(possessive) {
            if !stem.is_empty() {
                return stem.to_string();
            }
        }
    }
    for apostrophe in ["'", "’"] {
        if let Some(stem) = collapsed.strip_suffix(apostrophe) {
            if stem.len() > 1 && stem.ends_with('s') {
                return stem.to_string();
            }
        }
    }
    collapsed
}

/// One mention of an entity: an annotation and its document's position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    pub document: usize,
    pub id: String,
    pub start: usize,
    pub end: usize,
    pub quote: String,
    pub label: String,
}

impl Mention {
    fn of(document: usize, annotation: &Annotation) -> Self {
        Self {
            document,
            id: annotation.id.clone(),
            start: annotation.start,
            end: annotation.end,
            quote: annotation.quote.clone(),
            label: annotation.label.clone(),
        }
    }
}

/// One entity with its mentions, document by document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    pub name: String,
    /// The label most of its mentions have (the first by name on a tie).
    pub label: String,
    /// Its mentions, in document order and text order within a document.
    pub mentions: Vec<Mention>,
    /// How many mentions each document holds, by position.
    pub per_document: Vec<usize>,
}

impl Entity {
    pub fn total(&self) -> usize {
        self.mentions.len()
    }
}

/// Every entity the workspace names, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entities {
    pub list: Vec<Entity>,
}

impl Entities {
    /// Reads every annotation once: linear in their number.
    pub fn of(workspace: &Workspace) -> Self {
        let documents = workspace.document_count();
        let mut by_name: BTreeMap<&str, Vec<Mention>> = BTreeMap::new();
        for doc in 0..documents {
            let Some(spans) = workspace.annotations(doc) else {
                continue;
            };
            for annotation in spans.iter() {
                if let Some(name) = &annotation.entity {
                    by_name
                        .entry(name)
                        .or_default()
                        .push(Mention::of(doc, annotation));
                }
            }
        }
        let list = by_name
            .into_iter()
            .map(|(name, mut mentions)| {
                mentions.sort_by(|a, b| {
                    (a.document, a.start, a.end).cmp(&(b.document, b.start, b.end))
                });
                let mut per_document = vec![0; documents];
                let mut labels: BTreeMap<&str, usize> = BTreeMap::new();
                for mention in &mentions {
                    per_document[mention.document] += 1;
                    *labels.entry(&mention.label).or_default() += 1;
                }
                let label = most_common(labels);
                Entity {
                    name: name.to_string(),
                    label,
                    mentions,
                    per_document,
                }
            })
            .collect();
        Self { list }
    }

    pub fn get(&self, name: &str) -> Option<&Entity> {
        self.list.iter().find(|e| e.name == name)
    }

    /// The entities, most mentioned first (then by name).
    pub fn by_total(&self) -> Vec<&Entity> {
        let mut sorted: Vec<&Entity> = self.list.iter().collect();
        sorted.sort_by(|a, b| b.total().cmp(&a.total()).then_with(|| a.name.cmp(&b.name)));
        sorted
    }

    /// Every entity × document × mention count as CSV (RFC 4180, with a
    /// header): one row per entity and document, zero counts included, so
    /// the file is the whole matrix. A cell that a spreadsheet would read as
    /// a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
    /// return) is prefixed with `'`.
    pub fn csv(&self, workspace: &Workspace) -> String {
        let mut out = String::from("entity,label,document_id,document_title,mentions\r\n");
        for entity in &self.list {
            for (doc, count) in entity.per_document.iter().enumerate() {
                let Some(document) = workspace.document(doc) else {
                    continue;
                };
                let cells = [
                    csv_cell(&entity.name),
                    csv_cell(&entity.label),
                    csv_cell(&document.id),
                    csv_cell(&document.title),
                    count.to_string(),
                ];
                out.push_str(&cells.join(","));
                out.push_str("\r\n");
            }
        }
        out
    }
}

fn most_common(counts: BTreeMap<&str, usize>) -> String {
    let mut best: Option<(&str, usize)> = None;
    for (name, count) in counts {
        if best.is_none_or(|(_, most)| count > most) {
            best = Some((name, count));
        }
    }
    best.map(|(name, _)| name.to_string()).unwrap_or_default()
}

pub(super) fn csv_cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// Mentions that look alike and are not all linked, offered for linking in
/// one click.
///
/// Mentions look alike when they have the same label and the same
/// [`mention_key`]. A group of them is offered when some are not linked
/// and either two or more are not linked (then the entity suggested is the
/// first unlinked one's text, white space collapsed and a possessive
/// removed), or some are already linked (then the unlinked ones are offered
/// for the entity most of the linked ones name, the first by name on a
/// tie). Mentions already linked are never relinked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub label: String,
    pub entity: String,
    /// Whether `entity` is already named by some mention.
    pub existing: bool,
    /// The unlinked mentions, in document and text order.
    pub mentions: Vec<Mention>,
}

/// Mentions that look alike: the unlinked ones, and how many linked ones
/// name each entity.
type Group<'a> = (Vec<Mention>, BTreeMap<&'a str, usize>);

impl Suggestion {
    /// Every suggestion of the workspace, ordered by label then entity.
    pub fn all(workspace: &Workspace) -> Vec<Suggestion> {
        let mut groups: HashMap<(&str, String), Group> = HashMap::new();
        for doc in 0..workspace.document_count() {
            let Some(spans) = workspace.annotations(doc) else {
                continue;
            };
            for annotation in spans.iter() {
                let group = groups
                    .entry((annotation.label.as_str(), mention_key(&annotation.quote)))
                    .or_default();
                join(group, doc, annotation);
            }
        }
        let mut suggestions: Vec<Suggestion> = groups
            .into_iter()
            .filter_map(|((label, _), group)| Self::of_group(label, group))
            .collect();
        suggestions.sort_by(|a, b| (&a.label, &a.entity).cmp(&(&b.label, &b.entity)));
        suggestions
    }

    /// The suggestion that would link annotation `id`, if any.
    pub fn for_annotation<'a>(suggestions: &'a [Suggestion], id: &str) -> Option<&'a Suggestion> {
        suggestions
            .iter()
            .find(|s| s.mentions.iter().any(|m| m.id == id))
    }

    /// What [`Suggestion::all`] has for annotation `id` of document `doc`,
    /// found without working out every suggestion: only the annotations of
    /// its label whose text starts like its own are compared with it, so a
    /// card showing it stays quick among tens of thousands of spans.
    pub fn of(workspace: &Workspace, doc: usize, id: &str) -> Option<Suggestion> {
        let target = workspace.annotations(doc)?.get(id)?;
        if target.entity.is_some() {
            return None;
        }
        let key = mention_key(&target.quote);
        let first = key.chars().next();
        let mut group = Group::default();
        for doc in 0..workspace.document_count() {
            let Some(spans) = workspace.annotations(doc) else {
                continue;
            };
            for annotation in spans.iter() {
                if annotation.label == target.label
                    && first_folded(&annotation.quote) == first
                    && mention_key(&annotation.quote) == key
                {
                    join(&mut group, doc, annotation);
                }
            }
        }
        Self::of_group(&target.label, group)
    }

    /// The suggestion a group of mentions that look alike makes, if any.
    fn of_group(label: &str, (mut mentions, linked): Group) -> Option<Suggestion> {
        if mentions.is_empty() || (linked.is_empty() && mentions.len() < 2) {
            return None;
        }
        mentions.sort_by_key(|m| (m.document, m.start, m.end));
        let existing = !linked.is_empty();
        let entity = if existing {
            most_common(linked)
        } else {
            suggested_name(&mentions[0].quote)?
        };
        Some(Suggestion {
            label: label.to_string(),
            entity,
            existing,
            mentions,
        })
    }
}

/// Counts `annotation`, of the document at `doc`, into its group.
fn join<'a>(group: &mut Group<'a>, doc: usize, annotation: &'a Annotation) {
    match &annotation.entity {
        Some(name) => *group.1.entry(name).or_default() += 1,
        None => group.0.push(Mention::of(doc, annotation)),
    }
}

/// The first character of `quote`'s [`mention_key`], without making it.
fn first_folded(quote: &str) -> Option<char> {
    quote
        .chars()
        .find(|c| !c.is_whitespace())
        .and_then(|c| c.to_lowercase().next())
}

/// A mention's text as an entity name: white space collapsed and a
/// trailing possessive removed, case kept.
fn suggested_name(quote: &str) -> Option<String> {
    let name = entity_name(quote)?;
    let stem_len = mention_key(&name).chars().count();
    entity_name(&name.chars().take(stem_len).collect::<String>())
}

impl Workspace {
    /// The action that makes annotation `id` of document `doc` a mention
    /// of entity `name` (see [`entity_name`]); a blank name unlinks it.
    pub fn plan_entity(&self, doc: usize, id: &str, name: &str) -> Result<Action, EditError> {
        self.plan_link(&[(doc, id.to_string())], name)
    }

    /// The action, one undo step, that makes each of `mentions` (document
    /// position, annotation id) a mention of entity `name`; a blank name
    /// unlinks them. Mentions that already name it are left alone.
    pub fn plan_link(&self, mentions: &[(usize, String)], name: &str) -> Result<Action, EditError> {
        let entity = entity_name(name);
        let mut action = Action::default();
        for (doc, id) in mentions {
            let before = self
                .annotations(*doc)
                .ok_or(EditError::UnknownDocument(*doc))?
                .get(id)
                .ok_or_else(|| EditError::UnknownAnnotation(id.clone()))?;
            if before.entity == entity {
                continue;
            }
            action.steps.push(Step {
                document: *doc,
                before: Some(before.clone()),
                after: Some(Annotation {
                    entity: entity.clone(),
                    ..before.clone()
                }),
            });
        }
        Ok(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_labels, seed_documents, text};

    fn workspace() -> Workspace {
        Workspace::new(seed_documents(), default_labels())
    }

    /// Tags the `nth` occurrence of `needle` in document `doc`.
    fn tag(ws: &mut Workspace, doc: usize, needle: &str, nth: usize, label: &str, id: &str) {
        let text = &ws.document(doc).unwrap().text;
        let byte = text.match_indices(needle).nth(nth).unwrap().0;
        let start = text::char_len(&text[..byte]);
        let span = start..start + text::char_len(needle);
        let action = ws
            .plan_annotate(doc, span, label, id.into(), "t".into())
            .unwrap();
        ws.apply(&action).unwrap();
    }

    fn link(ws: &mut Workspace, doc: usize, id: &str, name: &str) -> Action {
        let action = ws.plan_entity(doc, id, name).unwrap();
        ws.apply(&action).unwrap();
        action
    }

    fn entity_of(ws: &Workspace, doc: usize, id: &str) -> Option<String> {
        ws.annotations(doc).unwrap().get(id).unwrap().entity.clone()
    }

    #[test]
    fn names_are_trimmed_and_collapsed_and_blank_is_none() {
        assert_eq!(
            entity_name("  Alexander \t\n Lavrentiev "),
            Some("Alexander Lavrentiev".into())
        );
        assert_eq!(entity_name(" \u{3000}\t"), None);
        assert_eq!(entity_name("阿斯塔纳 🇰🇿"), Some("阿斯塔纳 🇰🇿".into()));
    }

    #[test]
    fn mention_keys_ignore_case_space_and_a_possessive() {
        assert_eq!(mention_key("Lavrentiev's"), "lavrentiev");
        assert_eq!(mention_key("LAVRENTIEV’s"), "lavrentiev");
        assert_eq!(mention_key("the  Powerbrokers'"), "the powerbrokers");
        assert_eq!(mention_key("Astana"), "astana");
        // Not a possessive: nothing before it, or no s before the apostrophe.
        assert_eq!(mention_key("'s"), "'s");
        assert_eq!(mention_key("rock'"), "rock'");
        assert_eq!(mention_key("موسكو"), "موسكو");
    }

    #[test]
    fn linking_is_one_undo_step_and_blank_unlinks() {
        let mut ws = workspace();
        tag(&mut ws, 0, "Lavrentiev", 0, "Person", "a");
        let action = link(&mut ws, 0, "a", "  Alexander   Lavrentiev ");
        assert_eq!(
            entity_of(&ws, 0, "a").as_deref(),
            Some("Alexander Lavrentiev")
        );
        // The same name again changes nothing.
        assert!(ws
            .plan_entity(0, "a", "Alexander Lavrentiev")
            .unwrap()
            .steps
            .is_empty());
        ws.apply(&action.inverse()).unwrap();
        assert_eq!(entity_of(&ws, 0, "a"), None);
        link(&mut ws, 0, "a", "Lavrentiev");
        link(&mut ws, 0, "a", " ");
        assert_eq!(entity_of(&ws, 0, "a"), None);
        assert_eq!(
            ws.plan_entity(0, "nope", "x"),
            Err(EditError::UnknownAnnotation("nope".into()))
        );
    }

    #[test]
    fn entities_count_mentions_per_document_across_documents() {
        let mut ws = workspace();
        tag(&mut ws, 0, "Lavrentiev", 0, "Person", "a");
        tag(&mut ws, 1, "Lavrentiev", 0, "Person", "b");
        tag(&mut ws, 1, "Lavrentiev", 1, "Person", "c");
        tag(&mut ws, 2, "Astana", 0, "Location", "d");
        for (doc, id) in [(0, "a"), (1, "b"), (1, "c")] {
            link(&mut ws, doc, id, "Lavrentiev");
        }
        link(&mut ws, 2, "d", "Астана 🏙");
        let entities = Entities::of(&ws);
        let lavrentiev = entities.get("Lavrentiev").unwrap();
        assert_eq!(lavrentiev.label, "Person");
        assert_eq!(lavrentiev.per_document, [1, 2, 0]);
        assert_eq!(
            lavrentiev
                .mentions
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert_eq!(
            entities
                .by_total()
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>(),
            ["Lavrentiev", "Астана 🏙"]
        );
        let csv = entities.csv(&ws);
        let ids: Vec<&str> = ws.documents().map(|d| d.id.as_str()).collect();
        assert!(csv.starts_with("entity,label,document_id,document_title,mentions\r\n"));
        assert!(csv.contains(&format!("Lavrentiev,Person,{},", ids[1])));
        assert_eq!(csv.lines().count(), 1 + 2 * 3);
        let counts: Vec<&str> = csv
            .lines()
            .skip(1)
            .map(|l| l.rsplit(',').next().unwrap())
            .collect();
        assert_eq!(counts, ["1", "2", "0", "0", "0", "1"]);
    }

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_cell("-1,2"), "\"'-1,2\"");
        assert_eq!(csv_cell("東京"), "東京");
    }

    #[test]
    fn suggestions_group_alike_unlinked_mentions() {
        let mut ws = workspace();
        // Same label, same text in two documents: one group.
        tag(&mut ws, 0, "Lavrentiev", 0, "Person", "a");
        tag(&mut ws, 1, "Lavrentiev", 0, "Person", "b");
        // Same text, another label: not the same group.
        tag(&mut ws, 1, "Lavrentiev", 1, "Organization", "c");
        // Alone: nothing to link with.
        tag(&mut ws, 2, "Staffan de Mistura", 0, "Person", "d");
        let all = Suggestion::all(&ws);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].entity, "Lavrentiev");
        assert!(!all[0].existing);
        assert_eq!(
            all[0]
                .mentions
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(Suggestion::for_annotation(&all, "b"), Some(&all[0]));
        assert_eq!(Suggestion::for_annotation(&all, "d"), None);
        // Taking the suggestion links both, in one step; then none is left.
        let links: Vec<(usize, String)> = all[0]
            .mentions
            .iter()
            .map(|m| (m.document, m.id.clone()))
            .collect();
        let action = ws.plan_link(&links, &all[0].entity).unwrap();
        assert_eq!(action.steps.len(), 2);
        ws.apply(&action).unwrap();
        assert!(Suggestion::all(&ws).is_empty());
    }

    #[test]
    fn suggestions_offer_unlinked_mentions_to_the_entity_of_linked_ones() {
        let mut ws = workspace();
        tag(&mut ws, 0, "Lavrentiev", 0, "Person", "a");
        tag(&mut ws, 1, "Lavrentiev", 0, "Person", "b");
        tag(&mut ws, 1, "Lavrentiev", 1, "Person", "c");
        link(&mut ws, 0, "a", "Alexander Lavrentiev");
        let all = Suggestion::all(&ws);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].entity, "Alexander Lavrentiev");
        assert!(all[0].existing);
        assert_eq!(
            all[0]
                .mentions
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>(),
            ["b", "c"]
        );
        // A single unlinked mention is still offered when others are linked.
        link(&mut ws, 1, "b", "Alexander Lavrentiev");
        let all = Suggestion::all(&ws);
        assert_eq!(all[0].mentions.len(), 1);
        assert_eq!(all[0].mentions[0].id, "c");
    }

    /// The card asks for one annotation's suggestion without working out
    /// all of them; it must be the one all of them would give it.
    #[test]
    fn the_suggestion_of_one_annotation_is_its_suggestion_among_all() {
        let text = "Astana, ASTANA and  astana; Astana's talks, Astanas’ views. \
                    İstanbul or istanbul. ΣΟΦΙΑ, σοφία. 東京 and 東京. Moscow, moscow.\n\
                    Another line: Astana 😀 astana, Lavrentiev and lavrentiev's.";
        let document =
            crate::model::Document::added("alike".into(), "alike".into(), text.into(), "");
        let mut ws = Workspace::new(vec![document], default_labels());
        let tags = [
            ("Astana", 0, "Location"),
            ("ASTANA", 0, "Location"),
            ("astana", 0, "Location"),
            ("Astana's", 0, "Location"),
            ("Astanas’", 0, "Location"),
            ("İstanbul", 0, "Location"),
            ("istanbul", 0, "Location"),
            ("ΣΟΦΙΑ", 0, "Person"),
            ("σοφία", 0, "Person"),
            ("東京", 0, "Location"),
            ("東京", 1, "Location"),
            ("Moscow", 0, "Location"),
            ("moscow", 0, "Organization"),
            ("Astana", 3, "Location"),
            ("astana", 1, "Event"),
            ("Lavrentiev", 0, "Person"),
            ("lavrentiev's", 0, "Person"),
        ];
        for (n, (needle, nth, label)) in tags.iter().enumerate() {
            tag(&mut ws, 0, needle, *nth, label, &format!("t{n}"));
        }
        link(&mut ws, 0, "t15", "Alexander Lavrentiev");
        let all = Suggestion::all(&ws);
        // Astana (five alike), 東京 (two), and the unlinked Lavrentiev for
        // the linked one; İstanbul, ΣΟΦΙΑ and Moscow differ in their
        // folding or their label.
        assert_eq!(all.len(), 3, "{all:?}");
        for n in 0..tags.len() {
            let id = format!("t{n}");
            assert_eq!(
                Suggestion::of(&ws, 0, &id),
                Suggestion::for_annotation(&all, &id).cloned(),
                "{id}"
            );
        }
        assert_eq!(Suggestion::of(&ws, 0, "no such id"), None);
    }

    #[test]
    fn suggested_names_drop_the_possessive_and_keep_the_case() {
        let mut ws = workspace();
        tag(&mut ws, 0, "Kazakhstan's", 0, "Location", "a");
        tag(&mut ws, 1, "Kazakhstan", 0, "Location", "b");
        let all = Suggestion::all(&ws);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].entity, "Kazakhstan");
        assert_eq!(all[0].mentions.len(), 2);
    }

    #[test]
    fn twenty_thousand_annotations_are_indexed_quickly() {
        let text = "Astana Moscow ".repeat(10_000);
        let document = crate::model::Document::added("big".into(), "big".into(), text, "big");
        let mut ws = Workspace::new(vec![document], default_labels());
        let annotations: Vec<Annotation> = (0..20_000)
            .map(|n| {
                let start = n * 7;
                Annotation {
                    id: format!("a{n}"),
                    document_id: "big".into(),
                    start,
                    end: start + 6,
                    quote: if n % 2 == 0 { "Astana" } else { "Moscow" }.into(),
                    label: "Location".into(),
                    created: "t".into(),
                    note: None,
                    entity: (n % 3 == 0).then(|| format!("E{}", n % 50)),
                }
            })
            .collect();
        assert!(ws.restore(0, annotations).is_empty());
        let started = std::time::Instant::now();
        let entities = Entities::of(&ws);
        let suggestions = Suggestion::all(&ws);
        let took = started.elapsed();
        assert_eq!(entities.list.len(), 50);
        assert_eq!(
            entities.list.iter().map(Entity::total).sum::<usize>(),
            6_667
        );
        assert_eq!(suggestions.len(), 2);
        assert!(took.as_millis() < 500, "took {took:?}");
    }
}
