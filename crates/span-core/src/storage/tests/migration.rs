//! Moving the data of schema versions 1 and 2 to version 3 on first load,
//! from fixtures the earlier versions wrote (`tests/fixtures/stored-v*.json`,
//! with the export each loaded as at the time): nothing is lost, what
//! cannot be read is backed up, the old keys are gone once their data is
//! stored anew, and a tab killed at any write of the move loses nothing.
//! Storage version 3's data (compact format 1) is read as it is.

use std::collections::BTreeMap;

use super::*;
use crate::format::stored::{self, v2, Key};
use crate::storage::utf16_len;

const V1: &str = include_str!("../../../tests/fixtures/stored-v1.json");
const V1_EXPORT: &str = include_str!("../../../tests/fixtures/stored-v1.export.json");
const V2: &str = include_str!("../../../tests/fixtures/stored-v2.json");
const V2_EXPORT: &str = include_str!("../../../tests/fixtures/stored-v2.export.json");
/// Written by the app at 29b2740, the last of storage version 3: buckets in
/// compact format 1, ids that are random version-4 UUIDs.
const V3: &str = include_str!("../../../tests/fixtures/stored-v3.json");
const V3_EXPORT: &str = include_str!("../../../tests/fixtures/stored-v3.export.json");

fn fixture(raw: &str) -> BTreeMap<String, String> {
    serde_json::from_str(raw).expect("a fixture is a JSON object of strings")
}

/// The keys of `state` that an old schema wrote, but version 2's marker
/// that stops its tabs.
fn old_keys(state: &BTreeMap<String, String>) -> Vec<&String> {
    state
        .iter()
        .filter(|(k, v)| {
            let old = k.starts_with("span-annotator/v1/") || k.starts_with("span-annotator/v2/");
            old && !(**k == v2::meta_key() && stored::decode_meta(v).is_ok())
        })
        .map(|(k, _)| k)
        .collect()
}

/// Every tombstone the buckets of document `id` hold in `state`.
fn tombstones(state: &BTreeMap<String, String>, id: &str, text: &str) -> Vec<String> {
    let hash = stored::text_hash(text);
    let mut ids: Vec<String> = (0..stored::BUCKETS)
        .filter_map(|b| {
            let raw = state.get(&stored::bucket_key(id, b))?;
            Some(
                stored::decode_bucket(raw, id, &hash, b)
                    .unwrap()
                    .value
                    .deleted,
            )
        })
        .flatten()
        .map(|t| t.0)
        .collect();
    ids.sort();
    ids
}

/// An export as the fixture holds it, less the file's last newline.
fn without_newline(export: &str) -> &str {
    export.strip_suffix('\n').unwrap_or(export)
}

fn loads_as_before(state: BTreeMap<String, String>, export: &str) -> (Rc<MemoryStore>, Tab) {
    let store = MemoryStore::with(state);
    let tab = Tab::open(&store, "v3");
    assert!(tab.notices.is_empty(), "{:?}", tab.notices);
    assert_eq!(tab.export(), without_newline(export));
    let after = store.snapshot();
    assert!(old_keys(&after).is_empty(), "{:?}", old_keys(&after));
    let again = Tab::open(&store, "again");
    assert!(again.notices.is_empty(), "{:?}", again.notices);
    assert_eq!(again.export(), tab.export());
    assert_eq!(store.snapshot(), after, "a second load writes nothing");
    (store, tab)
}

#[test]
fn version_2_data_moves_to_version_3_whole() {
    let (store, tab) = loads_as_before(fixture(V2), V2_EXPORT);
    let state = store.snapshot();
    let mine = tab.workspace.position("mine-v2").unwrap();
    let text = tab.workspace.document(mine).unwrap().text.clone();
    assert_eq!(tombstones(&state, "mine-v2", &text), ["v2-000004-3"]);
    let seed = tab.workspace.document(1).unwrap();
    assert_eq!(
        tombstones(&state, &seed.id, &seed.text),
        ["v2-000005-2"],
        "a tombstone of a seed article's annotation"
    );
    let relations = stored::decode_relations(&state[&stored::relations_key("mine-v2")], "mine-v2")
        .unwrap()
        .value;
    assert_eq!(relations.entries.len(), 1);
    assert_eq!(
        relations.deleted,
        [stored::Tombstone("rel-2".into(), 2, 20784)]
    );
    // Revisions are kept: the note's annotation was changed once.
    let noted = tab
        .workspace
        .all_annotations()
        .find(|a| a.note.is_some())
        .unwrap();
    let bucket = stored::bucket_of(&noted.id);
    let spans = stored::decode_bucket(
        &state[&stored::bucket_key("mine-v2", bucket)],
        "mine-v2",
        &stored::text_hash(&text),
        bucket,
    )
    .unwrap();
    let span = spans
        .value
        .entries
        .iter()
        .find(|s| s.id == noted.id)
        .unwrap();
    assert_eq!(span.rev, 2);
    // A tab of version 2 finds a newer version's marker, and stops.
    let marker = stored::decode_meta(&state[&v2::meta_key()]).unwrap();
    assert_eq!(marker.version, stored::STORAGE_VERSION);
}

#[test]
fn version_3_data_is_read_as_it_is_and_its_marker_raised_before_the_first_write() {
    let state = fixture(V3);
    let marker = |state: &BTreeMap<String, String>| {
        stored::decode_meta(&state[&stored::meta_key()]).unwrap()
    };
    let was = marker(&state);
    assert_eq!(was.version, 3);
    let (store, mut tab) = loads_as_before(state.clone(), V3_EXPORT);
    assert_eq!(store.snapshot(), state, "a load writes nothing");
    tab.tag_word(1, 20, "Location").unwrap();
    assert!(tab.notices.is_empty(), "{:?}", tab.notices);
    let after = store.snapshot();
    // A tab of version 3, which cannot read the buckets now written, finds
    // a newer version and stops writing.
    assert_eq!(
        marker(&after),
        stored::Meta {
            version: 4,
            epoch: was.epoch
        }
    );
    let again = Tab::open(&store, "again");
    assert!(again.notices.is_empty(), "{:?}", again.notices);
    assert_eq!(again.export(), tab.export());
}

#[test]
fn version_1_data_moves_to_version_3_whole() {
    loads_as_before(fixture(V1), V1_EXPORT);
}

#[test]
fn a_tab_killed_at_any_write_of_the_move_loses_nothing() {
    for fixture_raw in [V1, V2] {
        let state = fixture(fixture_raw);
        let expected = {
            let store = MemoryStore::with(state.clone());
            Tab::open(&store, "whole").export()
        };
        for writes in 0.. {
            let store = MemoryStore::with(state.clone());
            store.die_after(Some(writes));
            let dying = Tab::open(&store, "dying");
            assert_eq!(
                dying.export(),
                expected,
                "before the tab dies ({writes} writes)"
            );
            let finished = dying.status().pending == 0 && old_keys(&store.snapshot()).is_empty();
            store.die_after(None);
            let next = Tab::open(&store, "next");
            assert_eq!(next.export(), expected, "after {writes} writes");
            assert!(old_keys(&store.snapshot()).is_empty());
            if finished {
                break;
            }
        }
    }
}

#[test]
fn the_move_needs_room_for_the_old_data_and_one_more_value_only() {
    let state = fixture(V2);
    let store = MemoryStore::with(state.clone());
    let used = store.used_units();
    let largest = state.values().map(|v| utf16_len(v)).max().unwrap();
    store.set_quota(Some(used + largest + 100));
    let tab = Tab::open(&store, "v3");
    assert_eq!(tab.status().pending, 0, "{:?}", tab.status());
    assert_eq!(tab.export(), without_newline(V2_EXPORT));
    assert!(store.used_units() < used, "version 3 takes less room");
}

#[test]
fn unreadable_version_2_data_is_backed_up_and_the_rest_moves() {
    let mut state = fixture(V2);
    let bucket = state
        .keys()
        .find(|k| matches!(v2::parse_key(k), Some(Key::Bucket(id, _)) if id == "mine-v2"))
        .cloned()
        .unwrap();
    let lost = serde_json::from_str::<serde_json::Value>(&state[&bucket]).unwrap()["annotations"]
        .as_array()
        .unwrap()
        .len();
    let damaged = state[&bucket][..40].to_string();
    state.insert(bucket.clone(), damaged.clone());
    let orphan = v2::key_name(&Key::Text("nobody".into()));
    let orphan_text =
        r#"{"version":2,"document_id":"nobody","text":"Kept, though no list names it."}"#;
    state.insert(orphan.clone(), orphan_text.into());
    let store = MemoryStore::with(state);
    let tab = Tab::open(&store, "v3");
    let backups = tab.persistence.backups();
    let kept = |key: &str, raw: &str| {
        backups.iter().any(|b| {
            b.original == key
                && tab.persistence.backup_data(&b.key).unwrap().as_deref() == Some(raw)
        })
    };
    assert!(kept(&bucket, &damaged), "{backups:?}");
    assert!(kept(&orphan, orphan_text), "{backups:?}");
    assert!(
        tab.notices.iter().any(|n| n.text.contains(&bucket)),
        "{:?}",
        tab.notices
    );
    let expected: usize = serde_json::from_str::<serde_json::Value>(V2_EXPORT).unwrap()
        ["annotations"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        tab.ids().len(),
        expected - lost,
        "only the damaged bucket's are missing"
    );
    assert!(old_keys(&store.snapshot()).is_empty());
    let again = Tab::open(&store, "again");
    assert!(again.notices.is_empty(), "{:?}", again.notices);
}
