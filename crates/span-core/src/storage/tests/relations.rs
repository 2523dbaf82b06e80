//! Relations and relation types in storage: stored with their revisions,
//! merged between tabs, taken along when an annotation goes, and never
//! left half written by a store that fails.

use super::*;
use crate::format::stored;
use crate::model::{Relation, RelationType};

const ARTICLE: usize = 1;

/// Links annotations `from` and `to` of document `doc`; the new id.
fn relate(tab: &mut Tab, doc: usize, from: &str, to: &str, kind: &str) -> Option<String> {
    let id = format!("{}-r{:06}", tab.name, next_number());
    let action = tab
        .workspace
        .plan_relate(doc, from, to, kind, id.clone(), tab.stamps.now())
        .ok()?;
    tab.act(action).then_some(id)
}

/// Every relation the tab holds, by id.
fn relations(tab: &Tab) -> Vec<Relation> {
    let mut all: Vec<Relation> = tab.workspace.all_relations().cloned().collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

/// Three annotations of the article, tagged in `tab`.
fn three(tab: &mut Tab) -> [String; 3] {
    [
        tab.tag_word(ARTICLE, 1, "Person").unwrap(),
        tab.tag_word(ARTICLE, 2, "Organization").unwrap(),
        tab.tag_word(ARTICLE, 3, "Location").unwrap(),
    ]
}

#[test]
fn relations_and_every_edit_of_them_are_stored_and_reload() {
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    let [p, o, l] = three(&mut tab);
    let r1 = relate(&mut tab, ARTICLE, &p, &o, "member of").unwrap();
    let r2 = relate(&mut tab, ARTICLE, &o, &l, "located in").unwrap();
    let retype = tab.workspace.plan_retype_relation(ARTICLE, &r1, "says");
    assert!(tab.act(retype.unwrap()));
    let reverse = tab.workspace.plan_reverse_relation(ARTICLE, &r2);
    assert!(tab.act(reverse.unwrap()));
    let note = tab.workspace.plan_relation_note(ARTICLE, &r2, "HQ 🏢 北京");
    assert!(tab.act(note.unwrap()));
    assert_eq!(tab.status().pending, 0);
    let document_id = tab.workspace.document(ARTICLE).unwrap().id.clone();
    let raw = store
        .snapshot()
        .remove(&stored::relations_key(&document_id))
        .expect("the relations are under their document's key");
    assert!(
        raw.contains(r#""says""#) && raw.contains("HQ 🏢 北京"),
        "{raw}"
    );
    let again = Tab::open(&store, "b");
    assert!(again.notices.is_empty(), "{:?}", again.notices);
    assert_eq!(relations(&again), relations(&tab));
    let reversed = relations(&again).into_iter().find(|r| r.id == r2).unwrap();
    assert_eq!((reversed.from, reversed.to), (l, o));
}

#[test]
fn data_stored_before_relations_loads_unchanged_and_is_not_rewritten() {
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    three(&mut tab);
    let before = store.snapshot();
    assert!(!before
        .keys()
        .any(|k| k.contains("/relations/") || k.contains("relation-types")));
    let writes = store.writes_done();
    let again = Tab::open(&store, "b");
    assert!(again.notices.is_empty(), "{:?}", again.notices);
    assert_eq!(store.writes_done(), writes, "loading wrote something");
    assert_eq!(store.snapshot(), before);
    assert_eq!(again.export(), tab.export());
    assert_eq!(
        again.workspace.relation_types(),
        crate::model::default_relation_types()
    );
    assert!(relations(&again).is_empty());
}

#[test]
fn deleting_a_used_annotation_stores_its_relations_gone_and_one_undo_brings_all_back() {
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    let [p, o, l] = three(&mut tab);
    relate(&mut tab, ARTICLE, &p, &o, "member of").unwrap();
    relate(&mut tab, ARTICLE, &o, &l, "located in").unwrap();
    let kept = relate(&mut tab, ARTICLE, &p, &l, "located in").unwrap();
    let all = relations(&tab);
    assert!(tab.delete(ARTICLE, &o));
    let reopened = Tab::open(&store, "b");
    let left: Vec<String> = relations(&reopened).into_iter().map(|r| r.id).collect();
    assert_eq!(left, [kept]);
    tab.undo().unwrap();
    assert_eq!(relations(&tab), all);
    let reopened = Tab::open(&store, "c");
    assert_eq!(relations(&reopened), all);
    assert_eq!(reopened.export(), tab.export());
}

#[test]
fn relations_made_in_two_tabs_are_both_kept_and_a_deletion_reaches_the_other() {
    let store = MemoryStore::new();
    let mut a = Tab::open(&store, "a");
    let [p, o, l] = three(&mut a);
    let mut b = Tab::open(&store, "b");
    let from_a = relate(&mut a, ARTICLE, &p, &o, "member of").unwrap();
    // b has not seen a's relation: its write merges with it.
    let from_b = relate(&mut b, ARTICLE, &o, &l, "located in").unwrap();
    let before = store.snapshot();
    a.sync(None);
    assert_eq!(relations(&a), relations(&b));
    assert_eq!(relations(&a).len(), 2);
    let deleted = a.workspace.plan_delete_relation(ARTICLE, &from_b).unwrap();
    assert!(a.act(deleted));
    let changed: Vec<String> = store
        .snapshot()
        .into_iter()
        .filter(|(k, v)| before.get(k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    b.sync(Some(&changed));
    let ids: Vec<String> = relations(&b).into_iter().map(|r| r.id).collect();
    assert_eq!(ids, [from_a]);
    assert_eq!(Tab::open(&store, "c").workspace.all_relations().count(), 1);
}

#[test]
fn an_annotation_deleted_in_one_tab_takes_the_relation_out_of_the_other() {
    let store = MemoryStore::new();
    let mut a = Tab::open(&store, "a");
    let [p, o, _] = three(&mut a);
    relate(&mut a, ARTICLE, &p, &o, "member of").unwrap();
    let mut b = Tab::open(&store, "b");
    assert_eq!(relations(&b).len(), 1);
    assert!(a.delete(ARTICLE, &o));
    b.sync(None);
    assert!(relations(&b).is_empty());
    assert!(!b.ids().contains(&o));
}

#[test]
fn relation_types_changed_in_one_tab_are_stored_and_merged_into_the_other() {
    let store = MemoryStore::new();
    let mut a = Tab::open(&store, "a");
    let mut b = Tab::open(&store, "b");
    let before = a.workspace.relation_types().to_vec();
    let mut after = before.clone();
    after[3].color = "#be123c".into();
    after.push(RelationType {
        name: "opposes".into(),
        color: "#0f766e".into(),
        hotkey: Some('o'),
    });
    let change = Action {
        relation_types: Some((before, after.clone())),
        ..Action::default()
    };
    assert!(a.act(change));
    b.sync(None);
    assert_eq!(b.workspace.relation_types(), after);
    assert_eq!(Tab::open(&store, "c").workspace.relation_types(), after);
}

#[test]
fn a_store_killed_while_deleting_an_annotation_with_relations_leaves_before_or_after() {
    let state = |tab: &Tab| (tab.export(), relations(tab));
    let mut outcomes = (0, 0);
    for allowed in 0..12 {
        let store = MemoryStore::new();
        let mut tab = Tab::open(&store, "a");
        let [p, o, l] = three(&mut tab);
        relate(&mut tab, ARTICLE, &p, &o, "member of").unwrap();
        relate(&mut tab, ARTICLE, &o, &l, "located in").unwrap();
        let before = state(&tab);
        let change = tab.workspace.plan_delete(ARTICLE, &o).unwrap();
        let mut expected = tab.workspace.clone();
        expected.apply(&change).unwrap();
        let after = (NativeExport::of(&expected).to_json(), Vec::new());
        store.die_after(Some(allowed));
        assert!(tab.act(change));
        store.die_after(None);
        let reopened = Tab::open(&store, "b");
        let found = state(&reopened);
        assert!(
            found == before || found == after,
            "killed after {allowed} writes: neither before nor after: {:?}",
            found.1
        );
        if found == before {
            outcomes.0 += 1;
        } else {
            outcomes.1 += 1;
        }
        assert_eq!(state(&Tab::open(&store, "c")), found);
    }
    assert!(outcomes.0 > 0 && outcomes.1 > 0, "{outcomes:?}");
}

#[test]
fn a_relation_that_failed_for_a_full_store_is_written_once_there_is_room() {
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    let [p, o, _] = three(&mut tab);
    store.set_quota(Some(store.used_units()));
    relate(&mut tab, ARTICLE, &p, &o, "says").unwrap();
    assert_eq!(tab.status().pending, 1);
    assert!(Tab::open(&store, "b")
        .workspace
        .all_relations()
        .next()
        .is_none());
    store.set_quota(None);
    tab.retry();
    assert_eq!(tab.status().pending, 0);
    assert_eq!(relations(&Tab::open(&store, "c")), relations(&tab));
}

#[test]
fn damaged_or_dangling_stored_relations_are_backed_up_or_dropped_and_the_rest_loads() {
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    let [p, o, l] = three(&mut tab);
    let good = relate(&mut tab, ARTICLE, &p, &o, "member of").unwrap();
    let document_id = tab.workspace.document(ARTICLE).unwrap().id.clone();
    let key = stored::relations_key(&document_id);
    let raw = store.snapshot().remove(&key).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let list = value["relations"].as_array_mut().unwrap();
    list.push(serde_json::json!(["dangling", p, "gone", "says", "t", 1]));
    list.push(serde_json::json!(["odd", l, p, "new kind", "t", 1]));
    list.push(serde_json::json!(["broken", 3]));
    store.put(&key, Some(&value.to_string()));
    let again = Tab::open(&store, "b");
    let ids: Vec<String> = relations(&again).into_iter().map(|r| r.id).collect();
    assert_eq!(ids, [good, "odd".to_string()]);
    assert!(again
        .workspace
        .relation_types()
        .iter()
        .any(|t| t.name == "new kind"));
    let said = |what: &str| again.notices.iter().any(|n| n.text.contains(what));
    assert!(
        said("backup") && said("dangling") && said("new kind"),
        "{:?}",
        again.notices
    );
    // The dangling one is deleted in storage: the next load is clean.
    let third = Tab::open(&store, "c");
    assert!(third.notices.is_empty(), "{:?}", third.notices);
    assert_eq!(relations(&third), relations(&again));
    // A document key that is not JSON at all costs its relations only.
    store.put(&key, Some("{not json"));
    let fourth = Tab::open(&store, "d");
    assert!(fourth.workspace.all_relations().next().is_none());
    assert_eq!(fourth.ids(), tab.ids());
}

#[test]
fn stored_relations_round_trip_and_their_keys_are_recognised() {
    let merged = stored::Merged {
        order: 0,
        entries: vec![
            stored::StoredRelation {
                id: "r1".into(),
                from: "a".into(),
                to: "b".into(),
                kind: "located in".into(),
                created: "t".into(),
                rev: 2,
                note: Some("שלום 😀".into()),
            },
            stored::StoredRelation {
                id: "r2".into(),
                from: "b".into(),
                to: "a".into(),
                kind: "says".into(),
                created: "t".into(),
                rev: 1,
                note: None,
            },
        ],
        deleted: vec![stored::Tombstone("r0".into(), 3, 20_000)],
    };
    let raw = stored::encode_relations("doc/1", &merged);
    assert!(raw.contains(r#"["r2","b","a","says","t",1]"#), "{raw}");
    let read = stored::decode_relations(&raw, "doc/1").unwrap();
    assert!(read.problems.is_empty());
    assert_eq!(read.value, merged);
    assert!(stored::decode_relations(&raw, "other").is_err());
    assert_eq!(
        stored::Key::parse(&stored::relations_key("doc/1")),
        Some(stored::Key::Relations("doc/1".into()))
    );
    assert_eq!(
        stored::Key::parse(&stored::relation_types_key()),
        Some(stored::Key::RelationTypes)
    );
}
