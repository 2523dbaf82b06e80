//! Issue 15: an import of many documents, measured before anything is
//! written, its new documents written ahead in steps, then saved as one
//! change; cancelled, killed or refused at any step, it leaves storage as
//! it was.

use std::rc::Rc;

use super::*;
use crate::format::registry;
use crate::format::stored::{self, Key};
use crate::model::import::{plan, ImportPlan, Mode};
use crate::storage::{Ahead, Charge, Prepared, Room, QUOTA_UNITS};

const DOCUMENTS: usize = 40;
const ARTICLE: usize = 1;

/// A doccano file of `DOCUMENTS` short documents with two spans each, one
/// of them a text with emoji and combining marks; and a span on a seed
/// article, which is merged into its bucket when the change is saved.
fn doccano(tab: &Tab) -> String {
    let mut lines: Vec<String> = (0..DOCUMENTS)
        .map(|n| {
            let text = format!("Note {n}: Zoë met 👩‍👩‍👧 in Astana, e\u{301}te\u{301}.");
            let astana = text[..text.find("Astana").unwrap()].chars().count();
            serde_json::json!({
                "text": text,
                "label": [[0, 4, "Event"], [astana, astana + 6, "Location"]],
            })
            .to_string()
        })
        .collect();
    let seed = tab.workspace.document(ARTICLE).unwrap();
    let (start, end) = word(&tab.workspace, ARTICLE, 2).unwrap();
    lines.push(
        serde_json::json!({"document_id": seed.id, "text": &*seed.text, "label": [[start, end, "Person"]]})
            .to_string(),
    );
    lines.join("\n")
}

/// A store holding one annotation, its tab, and the import planned there.
fn begun() -> (Rc<MemoryStore>, Tab, ImportPlan) {
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    tab.tag_word(ARTICLE, 1, "Person").unwrap();
    let planned = planned(&tab);
    (store, tab, planned)
}

fn planned(tab: &Tab) -> ImportPlan {
    let file = doccano(tab);
    let read = registry::read_bytes(file.as_bytes()).unwrap();
    let resolved = read.parsed.resolve(&tab.workspace, None).unwrap();
    let stamps = TestStamps::default();
    plan(
        &tab.workspace,
        resolved.incoming,
        Mode::Merge,
        &mut || stamps.new_id(),
        &stamps.now(),
    )
    .unwrap()
}

/// What `tab` writes ahead for `action`, encoded, what saving it takes and
/// the workspace it makes.
fn prepare(tab: &mut Tab, action: &crate::model::Action) -> (Ahead, Prepared, Workspace) {
    let mut ahead = Ahead::of(&tab.persistence, &tab.workspace, action, "import".into());
    while !ahead.encode(3) {}
    let mut after = tab.workspace.clone();
    after.apply(action).unwrap();
    let prepared = tab
        .persistence
        .prepare(&after, action, &ahead, tab.stamps.as_ref())
        .expect("a tab that writes");
    (ahead, prepared, after)
}

/// What `tab` writes ahead for `action`, encoded, and what saving it takes.
fn measured(tab: &mut Tab, action: &crate::model::Action) -> (Ahead, Room) {
    let (ahead, prepared, _) = prepare(tab, action);
    (ahead, prepared.room)
}

/// The keys that hold anything of a document the import adds.
fn imported_keys(store: &MemoryStore, tab: &Tab) -> Vec<String> {
    let seeds: Vec<String> = tab.workspace.documents().map(|d| d.id.clone()).collect();
    store
        .snapshot()
        .into_keys()
        .filter(|k| match Key::parse(k) {
            Some(Key::Text(id) | Key::Bucket(id, _)) => !seeds.contains(&id),
            Some(Key::Commit(_)) => true,
            _ => false,
        })
        .collect()
}

#[test]
fn an_import_written_ahead_is_saved_as_one_change_and_reloads() {
    let (store, mut tab, planned) = begun();
    let used_before = store.used_units();
    let (mut ahead, room) = measured(&mut tab, &planned.action);
    assert_eq!(ahead.documents(), DOCUMENTS, "the seed article is not new");
    assert!(room.fits(), "{room}");
    assert_eq!(store.used_units(), used_before, "measuring writes nothing");
    let mut steps = 0;
    while !ahead.write(&mut tab.persistence, 5).unwrap() {
        steps += 1;
    }
    assert!(steps > 10, "written in steps: {steps}");
    // A text and a bucket or two per document, all there before the change.
    assert!(
        ahead.progress().0 >= 2 * DOCUMENTS,
        "{:?}",
        ahead.progress()
    );
    let writes_before = store.writes_done();
    assert!(tab.act(planned.action.clone()));
    assert!(
        store.writes_done() - writes_before < 10,
        "saving the change rewrote {} keys",
        store.writes_done() - writes_before
    );
    assert_eq!(tab.status().pending, 0);
    let grown = store.used_units() - used_before;
    assert!(
        grown <= room.needed && room.needed < grown * 2,
        "grown {grown}, measured {room:?}"
    );
    let again = Tab::open(&store, "b");
    assert!(again.notices.is_empty(), "{:?}", again.notices);
    assert_eq!(again.export(), tab.export());
    assert_eq!(again.workspace.document_count(), 3 + DOCUMENTS);
    // One undo takes it all back, in storage too.
    tab.undo().unwrap();
    assert_eq!(tab.status().pending, 0);
    assert!(imported_keys(&store, &tab).is_empty());
    assert_eq!(Tab::open(&store, "c").export(), tab.export());
}

#[test]
fn a_cancelled_import_leaves_storage_as_it_was() {
    let (store, mut tab, planned) = begun();
    let before = store.snapshot();
    let export = tab.export();
    let (mut ahead, _) = measured(&mut tab, &planned.action);
    for _ in 0..8 {
        ahead.write(&mut tab.persistence, 5).unwrap();
    }
    assert!(!imported_keys(&store, &tab).is_empty());
    ahead.cancel(&mut tab.persistence);
    assert_eq!(store.snapshot(), before);
    assert_eq!(tab.export(), export);
    assert_eq!(tab.status().pending, 0);
    // What the tab does next is stored as usual.
    tab.tag_word(ARTICLE, 4, "Person").unwrap();
    assert_eq!(Tab::open(&store, "b").export(), tab.export());
}

/// Storage a tab of version 3 wrote: its marker is raised to 4 before the
/// first key is written ahead, not only when the import is saved, so that
/// tab stops writing rather than take buckets it cannot read for damaged.
#[test]
fn the_marker_is_raised_before_anything_is_written_ahead() {
    let (store, mut tab, planned) = begun();
    let marker = || stored::decode_meta(&store.snapshot()[&stored::meta_key()]).unwrap();
    let epoch = marker().epoch;
    let older = format!(r#"{{"version":3,"epoch":"{epoch}"}}"#);
    store.put(&stored::meta_key(), Some(&older));
    let (mut ahead, _) = measured(&mut tab, &planned.action);
    assert_eq!(marker().version, 3, "measuring writes nothing");
    ahead.write(&mut tab.persistence, 1).unwrap();
    assert_eq!(marker(), stored::Meta { version: 4, epoch });
    assert_eq!(imported_keys(&store, &tab).len(), 1);
}

/// A tab closed while writing ahead: the next load takes what it wrote for
/// an interrupted change and removes it.
#[test]
fn an_import_killed_while_writing_ahead_is_not_there_and_is_removed() {
    for killed_after in [1, 7, 30, 61] {
        let (store, mut tab, planned) = begun();
        let before = store.snapshot();
        let export = tab.export();
        let (mut ahead, _) = measured(&mut tab, &planned.action);
        store.die_after(Some(killed_after));
        assert!(ahead.write(&mut tab.persistence, usize::MAX).is_err());
        store.die_after(None);
        let mut reopened = Tab::open(&store, "b");
        assert_eq!(reopened.export(), export, "killed after {killed_after}");
        reopened.persistence.tidy();
        assert_eq!(store.snapshot(), before, "killed after {killed_after}");
    }
}

/// Storage that refuses a write while writing ahead: the import says so,
/// and cancelling removes what was written.
#[test]
fn a_write_refused_while_writing_ahead_is_cancelled_whole() {
    let (store, mut tab, planned) = begun();
    let before = store.snapshot();
    let (mut ahead, _) = measured(&mut tab, &planned.action);
    ahead.write(&mut tab.persistence, 10).unwrap();
    store.refuse_writes(true);
    let refused = ahead.write(&mut tab.persistence, 10).unwrap_err();
    assert!(refused.to_string().contains("refused"), "{refused}");
    store.refuse_writes(false);
    ahead.cancel(&mut tab.persistence);
    assert_eq!(store.snapshot(), before);
}

/// The change itself found no room (another tab filled storage while the
/// documents were written ahead): nothing is applied, and cancelling
/// removes what was written.
#[test]
fn an_import_that_no_longer_fits_when_saved_changes_nothing() {
    let (store, mut tab, planned) = begun();
    let export = tab.export();
    let (mut ahead, _) = measured(&mut tab, &planned.action);
    while !ahead.write(&mut tab.persistence, 10).unwrap() {}
    // Another tab fills storage; this one hears of it.
    let filler = QUOTA_UNITS - store.used_units() - 100;
    store.put("filler", Some(&"x".repeat(filler)));
    tab.sync(Some(&["filler".to_string()]));
    let before = store.snapshot();
    tab.workspace.apply(&planned.action).unwrap();
    let refused =
        tab.persistence
            .save_if_fits(&tab.workspace, &planned.action, tab.stamps.as_ref());
    assert!(refused.is_err(), "saved in a full storage");
    tab.workspace.apply(&planned.action.inverse()).unwrap();
    assert_eq!(store.snapshot(), before, "nothing more was written");
    ahead.cancel(&mut tab.persistence);
    store.put("filler", None);
    assert!(imported_keys(&store, &tab).is_empty());
    assert_eq!(Tab::open(&store, "b").export(), export);
}

/// A file that cannot fit is refused before anything is written, with the
/// sizes.
#[test]
fn an_import_that_cannot_fit_is_refused_with_the_sizes_before_anything_is_written() {
    let (store, mut tab, planned) = begun();
    let (_, room) = measured(&mut tab, &planned.action);
    // Storage holding all but a little less than the import needs (the
    // key's name counts too).
    let filler = QUOTA_UNITS - store.used_units() - room.needed + 10 - "filler".len();
    store.put("filler", Some(&"x".repeat(filler)));
    let before = store.snapshot();
    let (ahead, room) = measured(&mut tab, &planned.action);
    assert!(!room.fits(), "{room:?}");
    assert_eq!(room.free, room.needed - 10, "{room:?}");
    let said = room.to_string();
    assert!(
        said.starts_with("It does not fit in this browser’s storage: it needs ")
            && said.contains(" MB and only ")
            && said.contains(" MB is free."),
        "{said}"
    );
    assert_eq!(ahead.progress(), (0, ahead.progress().1));
    assert_eq!(store.snapshot(), before);
    // With that much more room, it fits.
    store.put("filler", Some(&"x".repeat(filler - 10)));
    let (_, room) = measured(&mut tab, &planned.action);
    assert!(room.fits(), "{room:?}");
    assert!(room.to_string().starts_with("It takes "), "{room}");
}

/// A document storage still holds keys of (or remembers) is written with
/// the change, not ahead: only documents new to storage are.
#[test]
fn only_documents_new_to_storage_are_written_ahead() {
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    let planned = planned(&tab);
    let taken = planned.action.documents[0].after.clone().unwrap();
    store.put(&stored::text_key(&taken.id), Some("left by someone"));
    tab.sync(None);
    let ahead = Ahead::of(
        &tab.persistence,
        &tab.workspace,
        &planned.action,
        "c".into(),
    );
    assert_eq!(ahead.documents(), DOCUMENTS - 1);
}

/// Measuring with no storage to write to says nothing of room.
#[test]
fn a_tab_that_cannot_write_measures_nothing() {
    let store = MemoryStore::new();
    store.set_unavailable(true);
    let mut tab = Tab::open(&store, "a");
    let planned = planned(&tab);
    let ahead = Ahead::of(
        &tab.persistence,
        &tab.workspace,
        &planned.action,
        "c".into(),
    );
    let mut after = tab.workspace.clone();
    after.apply(&planned.action).unwrap();
    assert!(tab
        .persistence
        .prepare(&after, &planned.action, &ahead, tab.stamps.as_ref())
        .is_none());
}

/// Another tab that loaded while this one wrote ahead takes the keys for
/// what an interrupted change left, and removes them: saving the change
/// writes them again.
#[test]
fn keys_written_ahead_and_removed_elsewhere_are_written_with_the_change() {
    let (store, mut tab, planned) = begun();
    let (mut ahead, _) = measured(&mut tab, &planned.action);
    while !ahead.write(&mut tab.persistence, 10).unwrap() {}
    let mut other = Tab::open(&store, "b");
    let gone = imported_keys(&store, &tab);
    other.persistence.tidy();
    assert!(imported_keys(&store, &tab).is_empty(), "tidied away");
    tab.sync(Some(&gone));
    assert!(tab.act(planned.action.clone()));
    assert_eq!(tab.status().pending, 0);
    let again = Tab::open(&store, "c");
    assert!(again.notices.is_empty(), "{:?}", again.notices);
    assert_eq!(again.workspace.document_count(), 3 + DOCUMENTS);
    assert_eq!(again.export(), tab.export());
}

/// Saves `planned` as the app does when nothing changed since it was
/// measured: the change as prepared then, on the workspace made then.
fn save_prepared(tab: &mut Tab, planned: &ImportPlan, prepared: Prepared, after: Workspace) {
    let saved = tab
        .persistence
        .save_prepared(&after, &planned.action, prepared, tab.stamps.as_ref())
        .expect("room");
    tab.workspace = after;
    tab.take(saved);
    tab.history.record(planned.action.clone());
}

/// The change prepared while measuring is saved as prepared: the same
/// stored data as saving it anew, and it undoes whole.
#[test]
fn a_prepared_import_is_saved_as_prepared_and_reloads() {
    let (store, mut tab, planned) = begun();
    let (mut ahead, prepared, after) = prepare(&mut tab, &planned.action);
    assert!(prepared.room.fits());
    while !ahead.write(&mut tab.persistence, 10).unwrap() {}
    let writes_before = store.writes_done();
    save_prepared(&mut tab, &planned, prepared, after);
    assert!(store.writes_done() - writes_before < 10);
    assert_eq!(tab.status().pending, 0);
    let again = Tab::open(&store, "b");
    assert!(again.notices.is_empty(), "{:?}", again.notices);
    assert_eq!(again.export(), tab.export());
    assert_eq!(again.workspace.document_count(), 3 + DOCUMENTS);
    tab.undo().unwrap();
    assert!(imported_keys(&store, &tab).is_empty());
    assert_eq!(Tab::open(&store, "c").export(), tab.export());
}

/// Prepared, then storage changed under it (its keys tidied away by
/// another tab; storage cleared): it is saved anew, whole.
#[test]
fn a_prepared_import_whose_storage_changed_is_saved_anew() {
    for clear in [false, true] {
        let (store, mut tab, planned) = begun();
        let (mut ahead, prepared, after) = prepare(&mut tab, &planned.action);
        while !ahead.write(&mut tab.persistence, 10).unwrap() {}
        if clear {
            store.clear();
        } else {
            let gone = imported_keys(&store, &tab);
            Tab::open(&store, "b").persistence.tidy();
            tab.sync(Some(&gone));
        }
        save_prepared(&mut tab, &planned, prepared, after);
        assert_eq!(tab.status().pending, 0, "cleared: {clear}");
        let again = Tab::open(&store, "c");
        assert_eq!(
            again.workspace.document_count(),
            3 + DOCUMENTS,
            "cleared: {clear}"
        );
        assert_eq!(again.export(), tab.export(), "cleared: {clear}");
    }
}

/// WebKit charges a string with any character from U+0100 up two bytes a
/// unit, and the stored schema's compact values are all such strings: an
/// import is measured as the browser counts, so one that fits in
/// Chromium's count but not in WebKit's is refused there before anything
/// is written.
#[test]
fn an_import_is_measured_as_webkit_counts_its_quota() {
    let (_, mut tab, planned_here) = begun();
    let chromium = measured(&mut tab, &planned_here.action).1.needed;
    let store = MemoryStore::new();
    store.set_charge(Charge::Latin1Or16Bit);
    let mut tab = Tab::open(&store, "a");
    tab.tag_word(ARTICLE, 1, "Person").unwrap();
    let planned = planned(&tab);
    let (_, room) = measured(&mut tab, &planned.action);
    assert!(
        room.needed > chromium * 5 / 4,
        "WebKit {} against Chromium {chromium}",
        room.needed
    );
    // Room for the import as Chromium counts it, not as WebKit does.
    let filler = QUOTA_UNITS - store.used_units() - (room.needed + chromium) / 2 - "filler".len();
    store.put("filler", Some(&"x".repeat(filler)));
    let before = store.snapshot();
    let (_, room) = measured(&mut tab, &planned.action);
    assert!(!room.fits() && room.free >= chromium, "{room:?}");
    assert!(room.to_string().starts_with("It does not fit"), "{room}");
    assert_eq!(store.snapshot(), before);
}
