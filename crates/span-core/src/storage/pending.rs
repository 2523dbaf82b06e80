//! What has changed and is not stored yet: the keys still to write, each
//! with the actions waiting on it, so that the status can say how many
//! changes are not saved, and every later attempt writes them all.

use std::collections::{BTreeMap, BTreeSet};

use super::revisions::{Part, Touched};

/// Something to write or remove.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Item {
    /// A document's text, written before anything that names it.
    Text(String),
    /// The buckets of a document whose text was replaced, removed before
    /// its new ones are written.
    Clear(String),
    Part(Part),
    /// A removed document's text and buckets, removed after the list.
    Drop(String),
}

#[derive(Clone, Debug, Default)]
pub struct Pending {
    items: BTreeMap<Item, BTreeSet<u64>>,
    actions: u64,
}

impl Pending {
    /// Adds what one action touched; returns its number.
    pub fn add(&mut self, touched: &Touched) -> u64 {
        self.actions += 1;
        let action = self.actions;
        let items = touched
            .texts
            .iter()
            .map(|id| Item::Text(id.clone()))
            .chain(touched.cleared.iter().map(|id| Item::Clear(id.clone())))
            .chain(touched.parts.iter().cloned().map(Item::Part))
            .chain(touched.dropped.iter().map(|id| Item::Drop(id.clone())));
        for item in items {
            self.items.entry(item).or_default().insert(action);
        }
        action
    }

    /// Adds an item no action of the user's made: a repair, or a key to
    /// write back.
    pub fn add_item(&mut self, item: Item) {
        self.items.entry(item).or_default();
    }

    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.items.keys()
    }

    /// Whether the old buckets of document `id` are to be removed.
    pub fn is_clearing(&self, id: &str) -> bool {
        self.items.contains_key(&Item::Clear(id.to_string()))
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn done(&mut self, item: &Item) {
        self.items.remove(item);
    }

    /// Forgets everything about document `id`, which is gone.
    pub fn forget_document(&mut self, id: &str) {
        self.items.retain(|item, _| match item {
            Item::Text(doc) | Item::Clear(doc) => doc != id,
            Item::Part(Part::Bucket(doc, _) | Part::Relations(doc)) => doc != id,
            _ => true,
        });
    }

    /// How many of the user's changes wait on something not yet written;
    /// repairs and write-backs count as one.
    pub fn changes(&self) -> usize {
        let actions: BTreeSet<u64> = self.items.values().flatten().copied().collect();
        let unowned = self.items.values().any(BTreeSet::is_empty);
        actions.len() + usize::from(unowned && actions.is_empty())
    }
}
