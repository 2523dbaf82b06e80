//! What this tab knows of every entry's revision: the annotations, labels,
//! documents, relations and relation types it holds, and the tombstones of those deleted. From these
//! and the workspace it builds its own copy of any stored key, to merge with
//! the stored one (see `format::stored` for the merge rules).
//!
//! Recording an action raises the revision of each entry it changed and
//! leaves a tombstone for each it deleted; taking in a merged key sets what
//! it holds.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::format::stored::{
    bucket_of, DocumentEntry, Merged, Rev, StoredLabel, StoredRelation, StoredRelationType,
    StoredSpan, Tombstone, BUCKETS,
};
use crate::model::{Action, Annotation, Document, Label, Relation, RelationType, Workspace};

/// A stored key's entries, in the form this module builds and takes in.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    Labels,
    Documents,
    Bucket(String, u32),
    RelationTypes,
    /// The relations of one document, by its id.
    Relations(String),
}

#[derive(Clone, Debug, Default)]
pub struct Revisions {
    spans: HashMap<String, Rev>,
    /// Tombstones of annotations, by document id and bucket.
    span_tombstones: BTreeMap<(String, u32), BTreeMap<String, Tombstone>>,
    /// Annotations changed or deleted since their bucket was last taken in,
    /// by document id and bucket.
    span_changes: BTreeMap<(String, u32), HashSet<String>>,
    labels: HashMap<String, Rev>,
    label_tombstones: BTreeMap<String, Tombstone>,
    label_order: Rev,
    documents: HashMap<String, Rev>,
    document_tombstones: BTreeMap<String, Tombstone>,
    document_order: Rev,
    relations: HashMap<String, Rev>,
    /// Tombstones of relations, by document id.
    relation_tombstones: BTreeMap<String, BTreeMap<String, Tombstone>>,
    relation_types: HashMap<String, Rev>,
    relation_type_tombstones: BTreeMap<String, Tombstone>,
    relation_type_order: Rev,
}

/// What an action changed, in stored keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touched {
    pub parts: Vec<Part>,
    /// Documents added whose text must be stored.
    pub texts: Vec<String>,
    /// Documents removed, whose keys go.
    pub dropped: Vec<String>,
    /// Documents given another text under the same id, whose old buckets go
    /// before the new ones are written.
    pub cleared: Vec<String>,
}

impl Revisions {
    /// Raises the revision of everything `action` changed, as applied to
    /// `workspace` on `day`, and says which keys it touched.
    pub fn record(
        &mut self,
        workspace: &Workspace,
        action: &Action,
        day: u32,
        is_seed: impl Fn(&Document) -> bool,
    ) -> Touched {
        let mut touched = Touched::default();
        if let Some((before, after)) = &action.labels {
            self.record_labels(before, after, day);
            touched.parts.push(Part::Labels);
        }
        // Documents removed and added again by one action (an import that
        // replaces) are kept if their text is the same, and cleared of their
        // old buckets if it is not.
        let removed: HashMap<&str, &Document> = action
            .documents
            .iter()
            .filter_map(|d| d.before.as_ref().filter(|_| d.after.is_none()))
            .map(|d| (d.id.as_str(), d))
            .collect();
        for step in &action.documents {
            let changed = match (&step.before, &step.after) {
                (_, Some(after)) => {
                    let rev = next(&mut self.documents, &self.document_tombstones, &after.id);
                    self.document_tombstones.remove(&after.id);
                    self.documents.insert(after.id.clone(), rev);
                    match (step.before.is_none(), removed.get(after.id.as_str())) {
                        (true, Some(old)) if old.text == after.text => {}
                        (true, replaced) => {
                            self.document_order += 1;
                            if !is_seed(after) {
                                touched.texts.push(after.id.clone());
                            }
                            if replaced.is_some() {
                                touched.cleared.push(after.id.clone());
                            }
                            // Back after a removal (an undo): the tombstones
                            // of its annotations deleted before are written
                            // again, or a tab that still holds one of them
                            // could bring it back.
                            for bucket in self.tombstoned_buckets(&after.id) {
                                touched.parts.push(Part::Bucket(after.id.clone(), bucket));
                            }
                            if self
                                .relation_tombstones
                                .get(&after.id)
                                .is_some_and(|t| !t.is_empty())
                            {
                                touched.parts.push(Part::Relations(after.id.clone()));
                            }
                        }
                        (false, _) => {}
                    }
                    true
                }
                (Some(before), None) if workspace.position(&before.id).is_none() => {
                    let rev = next(&mut self.documents, &self.document_tombstones, &before.id);
                    self.documents.remove(&before.id);
                    self.document_tombstones
                        .insert(before.id.clone(), Tombstone(before.id.clone(), rev, day));
                    self.document_order += 1;
                    touched.dropped.push(before.id.clone());
                    true
                }
                // Removed and added again: the addition said it all.
                (Some(_), None) => false,
                (None, None) => false,
            };
            if changed && !touched.parts.contains(&Part::Documents) {
                touched.parts.push(Part::Documents);
            }
        }
        // An import touches tens of thousands: looked up, not searched for.
        let dropped: HashSet<&str> = touched.dropped.iter().map(String::as_str).collect();
        let mut buckets_touched: HashSet<(String, u32)> = touched
            .parts
            .iter()
            .filter_map(|p| match p {
                Part::Bucket(id, bucket) => Some((id.clone(), *bucket)),
                _ => None,
            })
            .collect();
        for step in &action.steps {
            let Some(annotation) = step.after.as_ref().or(step.before.as_ref()) else {
                continue;
            };
            if dropped.contains(annotation.document_id.as_str())
                || workspace.position(&annotation.document_id).is_none()
            {
                // The document goes with all its keys: no tombstones needed.
                continue;
            }
            let bucket = (annotation.document_id.clone(), bucket_of(&annotation.id));
            self.span_changes
                .entry(bucket.clone())
                .or_default()
                .insert(annotation.id.clone());
            let tombstones = self.span_tombstones.entry(bucket.clone()).or_default();
            let rev = self
                .spans
                .get(&annotation.id)
                .copied()
                .unwrap_or(0)
                .max(tombstones.get(&annotation.id).map_or(0, |t| t.1))
                + 1;
            if step.after.is_some() {
                tombstones.remove(&annotation.id);
                self.spans.insert(annotation.id.clone(), rev);
            } else {
                self.spans.remove(&annotation.id);
                tombstones.insert(
                    annotation.id.clone(),
                    Tombstone(annotation.id.clone(), rev, day),
                );
            }
            if buckets_touched.insert(bucket.clone()) {
                touched.parts.push(Part::Bucket(bucket.0, bucket.1));
            }
        }
        if let Some((before, after)) = &action.relation_types {
            let kinds = |types: &[RelationType]| {
                types
                    .iter()
                    .map(|t| (t.name.clone(), t.clone()))
                    .collect::<Vec<_>>()
            };
            record_named(
                &mut self.relation_types,
                &mut self.relation_type_tombstones,
                &mut self.relation_type_order,
                &kinds(before),
                &kinds(after),
                day,
            );
            touched.parts.push(Part::RelationTypes);
        }
        let mut relations_touched: HashSet<String> = touched
            .parts
            .iter()
            .filter_map(|p| match p {
                Part::Relations(id) => Some(id.clone()),
                _ => None,
            })
            .collect();
        for step in &action.relations {
            let Some(relation) = step.after.as_ref().or(step.before.as_ref()) else {
                continue;
            };
            let document = &relation.document_id;
            if dropped.contains(document.as_str()) || workspace.position(document).is_none() {
                continue;
            }
            let tombstones = self
                .relation_tombstones
                .entry(document.clone())
                .or_default();
            let rev = next(&mut self.relations, tombstones, &relation.id);
            if step.after.is_some() {
                tombstones.remove(&relation.id);
                self.relations.insert(relation.id.clone(), rev);
            } else {
                self.relations.remove(&relation.id);
                tombstones.insert(
                    relation.id.clone(),
                    Tombstone(relation.id.clone(), rev, day),
                );
            }
            if relations_touched.insert(document.clone()) {
                touched.parts.push(Part::Relations(document.clone()));
            }
        }
        touched
    }

    fn record_labels(&mut self, before: &[Label], after: &[Label], day: u32) {
        for label in after {
            if before.iter().any(|b| b == label) {
                continue;
            }
            let rev = next(&mut self.labels, &self.label_tombstones, &label.name);
            self.label_tombstones.remove(&label.name);
            self.labels.insert(label.name.clone(), rev);
        }
        for label in before {
            if after.iter().any(|a| a.name == label.name) {
                continue;
            }
            let rev = next(&mut self.labels, &self.label_tombstones, &label.name);
            self.labels.remove(&label.name);
            self.label_tombstones
                .insert(label.name.clone(), Tombstone(label.name.clone(), rev, day));
        }
        let names = |labels: &[Label]| labels.iter().map(|l| l.name.clone()).collect::<Vec<_>>();
        if names(before) != names(after) {
            self.label_order += 1;
        }
    }

    /// This tab's copy of the label set.
    pub fn labels(&self, labels: &[Label]) -> Merged<StoredLabel> {
        Merged {
            order: self.label_order,
            entries: labels
                .iter()
                .map(|label| StoredLabel {
                    label: label.clone(),
                    rev: self.labels.get(&label.name).copied().unwrap_or(0),
                })
                .collect(),
            deleted: self.label_tombstones.values().cloned().collect(),
        }
    }

    /// This tab's copy of the relation types.
    pub fn relation_types(&self, types: &[RelationType]) -> Merged<StoredRelationType> {
        Merged {
            order: self.relation_type_order,
            entries: types
                .iter()
                .map(|kind| StoredRelationType {
                    kind: kind.clone(),
                    rev: self.relation_types.get(&kind.name).copied().unwrap_or(0),
                })
                .collect(),
            deleted: self.relation_type_tombstones.values().cloned().collect(),
        }
    }

    /// This tab's copy of the relations of document `document_id`.
    pub fn relations(&self, workspace: &Workspace, document_id: &str) -> Merged<StoredRelation> {
        let entries = workspace
            .position(document_id)
            .and_then(|doc| workspace.relations(doc))
            .into_iter()
            .flatten()
            .map(|r| self.stored_relation(r))
            .collect();
        Merged {
            order: 0,
            entries,
            deleted: self
                .relation_tombstones
                .get(document_id)
                .map(|t| t.values().cloned().collect())
                .unwrap_or_default(),
        }
    }

    pub fn stored_relation(&self, relation: &Relation) -> StoredRelation {
        StoredRelation {
            id: relation.id.clone(),
            from: relation.from.clone(),
            to: relation.to.clone(),
            kind: relation.kind.clone(),
            created: relation.created.clone(),
            rev: self.relations.get(&relation.id).copied().unwrap_or(0),
            note: relation.note.clone(),
        }
    }

    /// Takes in the merged relation types as what this tab now holds.
    pub fn take_relation_types(&mut self, merged: &Merged<StoredRelationType>) {
        self.relation_type_order = merged.order;
        self.relation_types = merged
            .entries
            .iter()
            .map(|t| (t.kind.name.clone(), t.rev))
            .collect();
        self.relation_type_tombstones = merged
            .deleted
            .iter()
            .map(|t| (t.0.clone(), t.clone()))
            .collect();
    }

    /// Takes in the merged relations of document `document_id`.
    pub fn take_relations(&mut self, document_id: &str, merged: &Merged<StoredRelation>) {
        for relation in &merged.entries {
            self.relations.insert(relation.id.clone(), relation.rev);
        }
        let tombstones = self
            .relation_tombstones
            .entry(document_id.to_string())
            .or_default();
        tombstones.clear();
        for tombstone in &merged.deleted {
            self.relations.remove(&tombstone.0);
            tombstones.insert(tombstone.0.clone(), tombstone.clone());
        }
    }

    /// Gives relation type `name` a new revision, as when it is added back
    /// by repairing stored data.
    pub fn touch_relation_type(&mut self, name: &str) {
        let rev = next(
            &mut self.relation_types,
            &self.relation_type_tombstones,
            name,
        );
        self.relation_type_tombstones.remove(name);
        self.relation_types.insert(name.to_string(), rev);
        self.relation_type_order += 1;
    }

    /// Whether this tab knows of a deleted relation of `document_id`.
    pub fn has_relation_tombstones(&self, document_id: &str) -> bool {
        self.relation_tombstones
            .get(document_id)
            .is_some_and(|t| !t.is_empty())
    }

    /// Deletes relation `id` of `document_id`, stored at `rev`, as when it
    /// cannot be used (an end is missing): its tombstone wins over the
    /// stored copy.
    pub fn drop_relation(&mut self, document_id: &str, id: &str, rev: Rev, day: u32) {
        self.relations.remove(id);
        self.relation_tombstones
            .entry(document_id.to_string())
            .or_default()
            .insert(id.to_string(), Tombstone(id.to_string(), rev, day));
    }

    /// This tab's copy of the list of documents.
    pub fn documents(
        &self,
        workspace: &Workspace,
        is_seed: impl Fn(&Document) -> bool,
    ) -> Merged<DocumentEntry> {
        Merged {
            order: self.document_order,
            entries: workspace
                .documents()
                .map(|d| DocumentEntry {
                    id: d.id.clone(),
                    file_name: d.file_name.clone(),
                    title: d.title.clone(),
                    seed: is_seed(d),
                    status: d.status,
                    rev: self.documents.get(&d.id).copied().unwrap_or(0),
                })
                .collect(),
            deleted: self.document_tombstones.values().cloned().collect(),
        }
    }

    /// This tab's copy of the buckets of document `document_id` that
    /// `wanted` has the bit of (bucket `b` is bit `1 << b`), indexed by
    /// bucket, the others empty: its annotations are sorted into them in
    /// one pass, and only theirs are copied.
    pub fn buckets(
        &self,
        workspace: &Workspace,
        document_id: &str,
        wanted: u64,
    ) -> Vec<Merged<StoredSpan>> {
        let mut buckets: Vec<Merged<StoredSpan>> =
            (0..BUCKETS).map(|_| Merged::default()).collect();
        let spans = workspace
            .position(document_id)
            .and_then(|doc| workspace.annotations(doc));
        for annotation in spans.into_iter().flat_map(|spans| spans.iter()) {
            let bucket = bucket_of(&annotation.id);
            if wanted & (1 << bucket) != 0 {
                buckets[bucket as usize]
                    .entries
                    .push(self.stored_span(annotation));
            }
        }
        let document = document_id.to_string();
        for ((_, bucket), tombstones) in self
            .span_tombstones
            .range((document.clone(), 0)..=(document, u32::MAX))
        {
            if wanted & (1 << bucket) != 0 {
                buckets[*bucket as usize].deleted = tombstones.values().cloned().collect();
            }
        }
        buckets
    }

    pub fn stored_span(&self, annotation: &Annotation) -> StoredSpan {
        StoredSpan {
            id: annotation.id.clone(),
            start: annotation.start,
            end: annotation.end,
            label: annotation.label.clone(),
            created: annotation.created.clone(),
            rev: self.spans.get(&annotation.id).copied().unwrap_or(0),
            note: annotation.note.clone(),
            entity: annotation.entity.clone(),
        }
    }

    /// Takes in the merged label set as what this tab now holds.
    pub fn take_labels(&mut self, merged: &Merged<StoredLabel>) {
        self.label_order = merged.order;
        self.labels = merged
            .entries
            .iter()
            .map(|l| (l.label.name.clone(), l.rev))
            .collect();
        self.label_tombstones = merged
            .deleted
            .iter()
            .map(|t| (t.0.clone(), t.clone()))
            .collect();
    }

    pub fn take_documents(&mut self, merged: &Merged<DocumentEntry>) {
        self.document_order = merged.order;
        self.documents = merged
            .entries
            .iter()
            .map(|d| (d.id.clone(), d.rev))
            .collect();
        self.document_tombstones = merged
            .deleted
            .iter()
            .map(|t| (t.0.clone(), t.clone()))
            .collect();
    }

    /// What of `copy`, this tab's copy of `bucket` of document
    /// `document_id`, changed since the bucket was last taken in.
    pub fn bucket_changes(
        &self,
        document_id: &str,
        bucket: u32,
        copy: &Merged<StoredSpan>,
    ) -> Merged<StoredSpan> {
        let Some(changed) = self.span_changes.get(&(document_id.to_string(), bucket)) else {
            return Merged::default();
        };
        Merged {
            order: copy.order,
            entries: copy
                .entries
                .iter()
                .filter(|s| changed.contains(&s.id))
                .cloned()
                .collect(),
            deleted: copy
                .deleted
                .iter()
                .filter(|t| changed.contains(&t.0))
                .cloned()
                .collect(),
        }
    }

    pub fn take_bucket(&mut self, document_id: &str, bucket: u32, merged: &Merged<StoredSpan>) {
        self.span_changes.remove(&(document_id.to_string(), bucket));
        for span in &merged.entries {
            match self.spans.get_mut(&span.id) {
                Some(rev) => *rev = span.rev,
                None => {
                    self.spans.insert(span.id.clone(), span.rev);
                }
            }
        }
        let tombstones = self
            .span_tombstones
            .entry((document_id.to_string(), bucket))
            .or_default();
        tombstones.clear();
        for tombstone in &merged.deleted {
            self.spans.remove(&tombstone.0);
            tombstones.insert(tombstone.0.clone(), tombstone.clone());
        }
    }

    /// Bucket `bucket` of document `document_id` is stored as this tab
    /// holds it: nothing in it has changed since.
    pub fn stored_as_held(&mut self, document_id: &str, bucket: u32) {
        self.span_changes.remove(&(document_id.to_string(), bucket));
    }

    /// The buckets of document `document_id` holding tombstones.
    pub fn tombstoned_buckets(&self, document_id: &str) -> Vec<u32> {
        let id = document_id.to_string();
        self.span_tombstones
            .range((id.clone(), 0)..=(id, u32::MAX))
            .filter(|(_, tombstones)| !tombstones.is_empty())
            .map(|((_, bucket), _)| *bucket)
            .collect()
    }

    /// Whether this tab has seen document `document_id` stored, or deleted,
    /// or any annotation or relation of it deleted.
    pub fn knows_document(&self, document_id: &str) -> bool {
        let id = document_id.to_string();
        self.documents.contains_key(document_id)
            || self.document_tombstones.contains_key(document_id)
            || self.relation_tombstones.contains_key(document_id)
            || self
                .span_tombstones
                .range((id.clone(), 0)..=(id, u32::MAX))
                .next()
                .is_some()
    }

    /// Whether the list of documents marks `document_id` as deleted.
    pub fn document_deleted(&self, document_id: &str) -> bool {
        self.document_tombstones.contains_key(document_id)
    }

    /// Gives the label `name` a new revision, as when it is changed by
    /// repairing stored data.
    pub fn touch_label(&mut self, name: &str) {
        let rev = next(&mut self.labels, &self.label_tombstones, name);
        self.labels.insert(name.to_string(), rev);
        self.label_order += 1;
    }

    /// Renames label `old` to `new`, as repairing stored data does.
    pub fn rename_label(&mut self, old: &str, new: &str, day: u32) {
        let rev = next(&mut self.labels, &self.label_tombstones, old);
        self.labels.remove(old);
        self.label_tombstones
            .insert(old.to_string(), Tombstone(old.to_string(), rev, day));
        self.touch_label(new);
    }

    pub fn touch_document(&mut self, id: &str) {
        let rev = next(&mut self.documents, &self.document_tombstones, id);
        self.documents.insert(id.to_string(), rev);
    }

    /// Deletes annotation `id`, stored at `rev`, as when stored data for it
    /// cannot be used: its tombstone wins over the stored copy.
    pub fn drop_span(&mut self, document_id: &str, bucket: u32, id: &str, rev: Rev, day: u32) {
        self.spans.remove(id);
        self.span_tombstones
            .entry((document_id.to_string(), bucket))
            .or_default()
            .insert(id.to_string(), Tombstone(id.to_string(), rev, day));
    }

    /// Gives annotation `id` a new revision, as when it is changed by
    /// repairing stored data.
    pub fn touch_span(&mut self, id: &str) {
        let rev = self.spans.get(id).copied().unwrap_or(0) + 1;
        self.spans.insert(id.to_string(), rev);
    }

    /// Marks the document `id` deleted, as when stored data for it cannot
    /// be loaded and is moved to a backup.
    pub fn delete_document(&mut self, id: &str, rev: Rev, day: u32) {
        let rev = rev.max(self.documents.remove(id).unwrap_or(0)) + 1;
        self.document_tombstones
            .insert(id.to_string(), Tombstone(id.to_string(), rev, day));
        self.document_order += 1;
    }
}

/// Records a change of a named list (the relation types) from `before` to
/// `after`: each entry added or changed gets a new revision, each removed a
/// tombstone, and the order a new revision if the names' order changed.
fn record_named<T: PartialEq>(
    revs: &mut HashMap<String, Rev>,
    tombstones: &mut BTreeMap<String, Tombstone>,
    order: &mut Rev,
    before: &[(String, T)],
    after: &[(String, T)],
    day: u32,
) {
    for (name, entry) in after {
        if before.iter().any(|(n, b)| n == name && b == entry) {
            continue;
        }
        let rev = next(revs, tombstones, name);
        tombstones.remove(name);
        revs.insert(name.clone(), rev);
    }
    for (name, _) in before {
        if after.iter().any(|(n, _)| n == name) {
            continue;
        }
        let rev = next(revs, tombstones, name);
        revs.remove(name);
        tombstones.insert(name.clone(), Tombstone(name.clone(), rev, day));
    }
    let names = |list: &[(String, T)]| list.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    if names(before) != names(after) {
        *order += 1;
    }
}

/// The revision an entry gets when changed: one more than the highest it
/// or its tombstone had.
fn next(
    revs: &mut HashMap<String, Rev>,
    tombstones: &BTreeMap<String, Tombstone>,
    id: &str,
) -> Rev {
    revs.get(id)
        .copied()
        .unwrap_or(0)
        .max(tombstones.get(id).map_or(0, |t| t.1))
        + 1
}
