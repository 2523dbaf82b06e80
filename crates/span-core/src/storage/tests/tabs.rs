//! Several tabs on one store: none may lose another's changes, in turn or
//! with writes crossing between a read and a write.

use super::*;
use crate::format::stored;
use crate::model::DocumentStatus;

const ARTICLE: usize = 1;

/// Issue 10: 16 spans tagged alternately in two tabs left 13–15 of them.
#[test]
fn two_tabs_tagging_in_turn_keep_all_sixteen_spans() {
    let store = MemoryStore::new();
    let mut a = Tab::open(&store, "a");
    let mut b = Tab::open(&store, "b");
    for nth in 0..8 {
        a.tag_word(ARTICLE, nth * 2, "Person").unwrap();
        b.tag_word(ARTICLE, nth * 2 + 1, "Location").unwrap();
    }
    let fresh = Tab::open(&store, "c");
    assert_eq!(fresh.ids().len(), 16);
    a.sync(None);
    b.sync(None);
    assert_eq!(a.ids(), fresh.ids());
    assert_eq!(b.ids(), fresh.ids());
    assert!(a.export() == fresh.export() && b.export() == fresh.export());
}

/// A tab saves a bucket without reading it anew only while the stored
/// value is the one it wrote or loaded: another tab's write to that bucket
/// in between, before or after this tab loaded, is merged, never
/// overwritten.
#[test]
fn writes_of_two_tabs_to_one_bucket_are_all_kept() {
    let store = MemoryStore::new();
    let mut a = Tab::open(&store, "a");
    let mut b = Tab::open(&store, "b");
    // Ids that all go to one bucket.
    let mut ids = (0..).map(|n| format!("same-bucket-{n}"));
    let mut next_id = || {
        ids.by_ref()
            .find(|id| stored::bucket_of(id) == 7)
            .expect("ids of every bucket")
    };
    let mut tag = |tab: &mut Tab, nth: usize| {
        let (start, end) = word(&tab.workspace, ARTICLE, nth).unwrap();
        let action = tab
            .workspace
            .plan_annotate(ARTICLE, start..end, "Person", next_id(), tab.stamps.now())
            .unwrap();
        assert!(tab.act(action));
    };
    tag(&mut a, 0);
    tag(&mut b, 1);
    tag(&mut a, 2);
    let mut c = Tab::open(&store, "c");
    tag(&mut a, 3);
    tag(&mut c, 4);
    let fresh = Tab::open(&store, "d");
    assert_eq!(fresh.ids().len(), 5);
    for tab in [&mut a, &mut b, &mut c] {
        tab.sync(None);
        assert_eq!(tab.ids(), fresh.ids(), "{}", tab.name);
        assert!(tab.export() == fresh.export(), "{}", tab.name);
    }
}

/// Issue 10: a document pasted in each of two tabs: only one was listed.
#[test]
fn documents_added_in_two_tabs_are_both_listed() {
    let store = MemoryStore::new();
    let mut a = Tab::open(&store, "a");
    let mut b = Tab::open(&store, "b");
    a.add_document(
        "from-a",
        "Pasted in tab A: “quotes” and a\u{a0}no-break space.",
    );
    b.add_document("from-b", "Pasted in tab B: שלום and 😀.");
    let fresh = Tab::open(&store, "c");
    let ids: Vec<&str> = fresh.workspace.documents().map(|d| d.id.as_str()).collect();
    assert!(
        ids.contains(&"from-a") && ids.contains(&"from-b"),
        "{ids:?}"
    );
    a.sync(None);
    assert_eq!(a.workspace.document_count(), 5);
}

/// A change in one tab reaches the other through the keys it wrote, as the
/// `storage` event names them.
#[test]
fn a_tab_takes_in_what_another_wrote_under_the_keys_it_is_told() {
    let store = MemoryStore::new();
    let mut a = Tab::open(&store, "a");
    let mut b = Tab::open(&store, "b");
    let before = store.snapshot();
    let id = a.tag_word(ARTICLE, 4, "Person").unwrap();
    a.add_document("mine", "Added text 😀 with words enough.");
    let doc = a.workspace.position("mine").unwrap();
    let in_mine = a.tag_word(doc, 1, "Event").unwrap();
    let changed: Vec<String> = store
        .snapshot()
        .into_iter()
        .filter(|(k, v)| before.get(k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    b.sync(Some(&changed));
    assert_eq!(b.export(), a.export());
    assert!(b.ids().contains(&id) && b.ids().contains(&in_mine));
    assert_eq!(b.status().pending, 0);
}

/// Issue 10: whichever tab wrote a key last replaced the other's copy. Here
/// another tab's write lands between this tab's read and its write of the
/// same bucket: the other tab's span comes back on its next look.
#[test]
fn a_write_crossing_another_tabs_is_healed_when_that_tab_looks_again() {
    let store = MemoryStore::new();
    let mut a = Tab::open(&store, "a");
    let mut b = Tab::open(&store, "b");
    // Both tag spans whose ids fall in one bucket.
    let first = a.tag_word(ARTICLE, 1, "Person").unwrap();
    b.sync(None);
    let bucket = stored::bucket_of(&first);
    let key = stored::bucket_key(&a.workspace.document(ARTICLE).unwrap().id, bucket);
    let stale = store.snapshot()[&key].clone();
    let id = b.tag_word(ARTICLE, 9, "Location").unwrap();
    // A second tab's stale copy of the bucket overwrites b's write, as a
    // write crossing in Chromium's per-tab cache can.
    store.put(&key, Some(&stale));
    assert!(stored::bucket_of(&id) != bucket || !store.snapshot()[&key].contains(&id));
    b.sync(Some(std::slice::from_ref(&key)));
    let fresh = Tab::open(&store, "c");
    assert!(fresh.ids().contains(&id), "b's span was not written back");
    assert!(fresh.ids().contains(&first));
}

/// A delete in one tab is not undone by the other tab's stale copy, which
/// still holds the deleted span when it writes the same bucket.
#[test]
fn a_delete_is_not_undone_by_a_stale_copy() {
    let store = MemoryStore::new();
    let mut a = Tab::open(&store, "a");
    let ids: Vec<String> = (0..40)
        .map(|n| a.tag_word(ARTICLE, n, "Person").unwrap())
        .collect();
    let mut b = Tab::open(&store, "b");
    let gone = ids[7].clone();
    assert!(a.delete(ARTICLE, &gone));
    // b has not looked; it retags a span sharing the deleted one's bucket.
    let neighbour = ids
        .iter()
        .find(|id| **id != gone && stored::bucket_of(id) == stored::bucket_of(&gone))
        .cloned()
        .unwrap_or_else(|| ids[8].clone());
    assert!(b.retag(ARTICLE, &neighbour, "Event"));
    let fresh = Tab::open(&store, "c");
    let key = stored::bucket_key(
        &a.workspace.document(ARTICLE).unwrap().id,
        stored::bucket_of(&gone),
    );
    assert!(
        !fresh.ids().contains(&gone),
        "the deleted span came back: {}",
        store.snapshot()[&key]
    );
    assert_eq!(fresh.ids().len(), 39);
    assert!(!b.ids().contains(&gone), "b still shows the deleted span");
}

/// Undo undoes this tab's own step, and is refused when another tab has
/// changed the span since.
#[test]
fn undo_over_another_tabs_later_change_is_refused() {
    let store = MemoryStore::new();
    let mut a = Tab::open(&store, "a");
    let id = a.tag_word(ARTICLE, 2, "Person").unwrap();
    a.retag(ARTICLE, &id, "Location");
    let mut b = Tab::open(&store, "b");
    b.retag(ARTICLE, &id, "Event");
    a.sync(None);
    let error = a.undo().unwrap_err();
    assert!(error.to_string().contains("another tab"), "{error}");
    assert_eq!(Tab::open(&store, "c").export(), b.export());
    // b's own undo is fine.
    b.undo().unwrap();
    a.sync(None);
    assert_eq!(a.export(), b.export());
}

/// A tab whose open document another tab removed takes the removal in.
#[test]
fn a_document_removed_elsewhere_goes_here_too() {
    let store = MemoryStore::new();
    let mut a = Tab::open(&store, "a");
    a.add_document("mine", "A document to remove, with 😀.");
    let mut b = Tab::open(&store, "b");
    let doc = b.workspace.position("mine").unwrap();
    let id = b.tag_word(doc, 0, "Person").unwrap();
    a.sync(None);
    assert!(a.ids().contains(&id));
    let remove = a.workspace.plan_remove_document(doc).unwrap();
    assert!(a.act(remove));
    b.sync(None);
    assert_eq!(b.workspace.position("mine"), None);
    assert_eq!(b.export(), a.export());
    let keys: Vec<String> = store
        .snapshot()
        .into_keys()
        .filter(|k| k.contains("/mine"))
        .collect();
    assert!(keys.is_empty(), "{keys:?}");
}

/// A status set in one tab reaches the other, a reload keeps it, and two
/// tabs setting statuses of different documents keep both; the later
/// change of one document wins over the earlier.
#[test]
fn document_statuses_are_shared_between_tabs_and_kept() {
    let store = MemoryStore::new();
    let mut a = Tab::open(&store, "a");
    let mut b = Tab::open(&store, "b");
    let status = |tab: &Tab, doc: usize| tab.workspace.document(doc).unwrap().status;
    assert!(a.act(a.workspace.plan_status(0, DocumentStatus::Done).unwrap()));
    assert!(b.act(
        b.workspace
            .plan_status(2, DocumentStatus::InProgress)
            .unwrap()
    ));
    a.sync(None);
    b.sync(None);
    for tab in [&a, &b, &Tab::open(&store, "c")] {
        assert_eq!(status(tab, 0), DocumentStatus::Done);
        assert_eq!(status(tab, 1), DocumentStatus::Todo);
        assert_eq!(status(tab, 2), DocumentStatus::InProgress);
    }
    assert!(b.act(
        b.workspace
            .plan_status(0, DocumentStatus::InProgress)
            .unwrap()
    ));
    a.sync(None);
    assert_eq!(status(&a, 0), DocumentStatus::InProgress);
    assert!(
        a.undo().is_err(),
        "undoing “done” would undo the other tab's later change"
    );
    b.undo().unwrap();
    a.sync(None);
    assert_eq!(status(&a, 0), DocumentStatus::Done, "undo is shared too");
    assert_eq!(a.export(), b.export());
}

#[test]
fn label_changes_merge_per_label() {
    use crate::model::{plan_add_label, plan_recolor};
    let store = MemoryStore::new();
    let mut a = Tab::open(&store, "a");
    let mut b = Tab::open(&store, "b");
    assert!(a.act(plan_add_label(&a.workspace, "Weapon", "#fecaca", Some('7')).unwrap()));
    assert!(b.act(plan_recolor(&b.workspace, "Person", "#e7e5e4").unwrap()));
    a.sync(None);
    let fresh = Tab::open(&store, "c");
    let labels = fresh.workspace.labels();
    assert!(labels.iter().any(|l| l.name == "Weapon"));
    assert_eq!(fresh.workspace.label("Person").unwrap().color, "#e7e5e4");
    assert_eq!(a.export(), fresh.export());
    assert_eq!(b.export(), {
        b.sync(None);
        fresh.export()
    });
}

/// Entities are stored with their annotations: linked in one tab, seen in
/// another after it looks and in a tab opened later, and an entity changed
/// in each of two tabs merges per annotation like any other edit.
#[test]
fn entities_are_stored_shared_and_merged_per_annotation() {
    let store = MemoryStore::new();
    let mut a = Tab::open(&store, "a");
    let mut b = Tab::open(&store, "b");
    let first = a.tag_word(ARTICLE, 3, "Person").unwrap();
    let second = a.tag_word(ARTICLE, 5, "Person").unwrap();
    let link = a
        .workspace
        .plan_entity(ARTICLE, &first, "Лаврентьев 😀")
        .unwrap();
    assert!(a.act(link));
    b.sync(None);
    let link = b
        .workspace
        .plan_entity(ARTICLE, &second, "  Astana   東京 ")
        .unwrap();
    assert!(b.act(link));
    a.sync(None);
    let fresh = Tab::open(&store, "c");
    for tab in [&a, &b, &fresh] {
        let spans = tab.workspace.annotations(ARTICLE).unwrap();
        assert_eq!(
            spans.get(&first).unwrap().entity.as_deref(),
            Some("Лаврентьев 😀")
        );
        assert_eq!(
            spans.get(&second).unwrap().entity.as_deref(),
            Some("Astana 東京")
        );
    }
    assert_eq!(a.export(), fresh.export());
    // Unlinking is stored too, and undo links again.
    let unlink = a.workspace.plan_entity(ARTICLE, &first, "").unwrap();
    assert!(a.act(unlink));
    assert_eq!(
        Tab::open(&store, "d")
            .workspace
            .annotations(ARTICLE)
            .unwrap()
            .get(&first)
            .unwrap()
            .entity,
        None
    );
    a.undo().unwrap();
    assert!(Tab::open(&store, "e").export().contains("Лаврентьев 😀"));
}
