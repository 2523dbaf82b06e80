//! Storage that fails: full, throwing, killed mid-write, cleared behind the
//! app's back, or written by a newer app.

use super::*;
use crate::format::native::NativeExport;
use crate::format::stored;
use crate::storage::{Mode, QUOTA_UNITS};

const ARTICLE: usize = 1;

#[test]
fn a_fresh_tab_writes_nothing_until_something_changes() {
    let store = MemoryStore::new();
    let tab = Tab::open(&store, "a");
    assert_eq!(tab.workspace.document_count(), 3);
    assert!(store.snapshot().is_empty());
    assert_eq!(tab.status().pending, 0);
}

#[test]
fn every_edit_is_stored_at_once_and_reloads() {
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    let id = tab.tag_word(ARTICLE, 3, "Person").unwrap();
    tab.tag_word(ARTICLE, 5, "Location").unwrap();
    tab.retag(ARTICLE, &id, "Event");
    assert_eq!(tab.status().pending, 0);
    let again = Tab::open(&store, "b");
    assert_eq!(again.export(), tab.export());
    assert!(again.notices.is_empty(), "{:?}", again.notices);
}

/// Issue 10: with storage full, three spans were "Not saved"; after space
/// was freed, a fourth was saved and the status said "Saved", but only the
/// fourth was there after a reload.
#[test]
fn changes_that_failed_are_written_with_the_next_one_after_space_is_freed() {
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    tab.tag_word(ARTICLE, 1, "Person").unwrap();
    store.set_quota(Some(store.used_units()));
    for nth in 2..5 {
        tab.tag_word(ARTICLE, nth, "Person").unwrap();
    }
    let status = tab.status();
    assert_eq!(status.pending, 3);
    assert!(
        status.why.as_deref().unwrap_or_default().contains("full"),
        "{status:?}"
    );
    store.set_quota(None);
    tab.tag_word(ARTICLE, 6, "Person").unwrap();
    assert_eq!(tab.status().pending, 0);
    let again = Tab::open(&store, "b");
    assert_eq!(again.ids().len(), 5);
    assert_eq!(again.export(), tab.export());
}

#[test]
fn a_retry_alone_writes_what_failed() {
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    store.refuse_writes(true);
    tab.tag_word(ARTICLE, 1, "Person").unwrap();
    tab.add_document("mine", "A text of my own, with 😀 and “quotes”.");
    assert_eq!(tab.status().pending, 2);
    tab.retry();
    assert_eq!(tab.status().pending, 2);
    store.refuse_writes(false);
    tab.retry();
    assert_eq!(tab.status().pending, 0);
    assert_eq!(Tab::open(&store, "b").export(), tab.export());
}

#[test]
fn unavailable_storage_keeps_work_in_memory_and_says_so() {
    let store = MemoryStore::new();
    store.set_unavailable(true);
    let mut tab = Tab::open(&store, "a");
    assert!(matches!(tab.status().mode, Mode::Unavailable(_)));
    assert!(tab.notices[0].text.contains("cannot be saved"));
    tab.tag_word(ARTICLE, 1, "Person").unwrap();
    assert_eq!(tab.workspace.all_annotations().count(), 1);
    assert_eq!(tab.status().pending, 1);
}

/// Issue 10: storage cleared by another tab or "clear site data", then one
/// edit: "Saved" was shown, and a reload had lost documents and spans.
#[test]
fn storage_cleared_behind_the_tab_gets_everything_back_on_the_next_write() {
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    tab.add_document("mine", "Added text: 👨🏻‍🚒 firemen drive firetrucks.");
    for nth in 0..5 {
        tab.tag_word(ARTICLE, nth, "Person").unwrap();
    }
    store.clear();
    tab.tag_word(ARTICLE, 7, "Location").unwrap();
    assert_eq!(tab.status().pending, 0);
    assert!(
        tab.notices.iter().any(|n| n.text.contains("cleared")),
        "{:?}",
        tab.notices
    );
    let again = Tab::open(&store, "b");
    assert_eq!(again.export(), tab.export());
    assert_eq!(again.workspace.document_count(), 4);
    assert_eq!(again.ids().len(), 6);
}

#[test]
fn storage_cleared_is_noticed_by_a_sync_without_any_edit() {
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    tab.tag_word(ARTICLE, 1, "Person").unwrap();
    store.clear();
    tab.sync(None);
    assert_eq!(Tab::open(&store, "b").export(), tab.export());
}

#[test]
fn a_newer_schema_stops_this_tab_from_writing() {
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    tab.tag_word(ARTICLE, 1, "Person").unwrap();
    let newer = format!(
        r#"{{"version":{},"epoch":"x"}}"#,
        stored::STORAGE_VERSION + 1
    );
    store.put(&stored::meta_key(), Some(&newer));
    let before = store.snapshot();
    tab.tag_word(ARTICLE, 2, "Person").unwrap();
    assert!(matches!(tab.status().mode, Mode::Stopped(_)));
    assert_eq!(tab.status().pending, 1);
    assert_eq!(store.snapshot(), before);
    let newer_tab_opened_later = Tab::open(&store, "b");
    assert!(matches!(
        newer_tab_opened_later.status().mode,
        Mode::Stopped(_)
    ));
    assert!(newer_tab_opened_later.notices[0]
        .text
        .contains("newer version"));
    assert_eq!(store.snapshot(), before);
}

/// Issue 10: a tab killed while confirming an import left texts and
/// buckets nothing pointed to, or part of a merge applied. Here the tab
/// dies after each possible number of writes, and a new tab must find
/// either the state before or the state after, and nothing left over.
#[test]
fn a_change_to_many_keys_lands_whole_or_not_at_all_wherever_the_tab_dies() {
    lands_whole_wherever_the_tab_dies(
        |tab| {
            tab.tag_word(ARTICLE, 1, "Person").unwrap();
        },
        big_change,
    );
}

/// The same over buckets this tab wrote before, which it writes without
/// reading them anew and whose commit record holds only what changed: new
/// spans, a retagged one and a deleted one in many buckets at once.
#[test]
fn a_change_to_buckets_this_tab_wrote_lands_whole_wherever_the_tab_dies() {
    lands_whole_wherever_the_tab_dies(
        |tab| {
            for nth in 0..150 {
                tab.tag_word(ARTICLE, nth, "Person").unwrap();
            }
        },
        |tab| {
            let ws = &tab.workspace;
            let held: Vec<String> = ws
                .annotations(ARTICLE)
                .unwrap()
                .iter()
                .map(|a| a.id.clone())
                .collect();
            let mut action = ws.plan_delete(ARTICLE, &held[0]).unwrap();
            action
                .steps
                .extend(ws.plan_retag(ARTICLE, &held[1], "Event").unwrap().steps);
            for nth in 150..190 {
                let (start, end) = word(ws, ARTICLE, nth).unwrap();
                let step = ws
                    .plan_annotate(
                        ARTICLE,
                        start..end,
                        "Location",
                        format!("late-{nth}"),
                        "2026-11-27T10:00:00.000Z".into(),
                    )
                    .unwrap();
                action.steps.extend(step.steps);
            }
            action
        },
    );
}

/// Kills a tab after each possible number of the writes that saving
/// `change` takes, made after `prepare`: a new tab finds the state before
/// or the state after, the same at a second load, and no commit record is
/// left once tidied.
fn lands_whole_wherever_the_tab_dies(prepare: impl Fn(&mut Tab), change: impl Fn(&Tab) -> Action) {
    let writes = {
        let store = MemoryStore::new();
        let mut tab = Tab::open(&store, "a");
        prepare(&mut tab);
        let start = store.writes_done();
        assert!(tab.act(change(&tab)));
        store.writes_done() - start
    };
    assert!(writes > 5, "the change takes {writes} writes");
    let mut outcomes = (0, 0);
    for allowed in 0..writes {
        let store = MemoryStore::new();
        let mut tab = Tab::open(&store, "a");
        prepare(&mut tab);
        let before = tab.export();
        let change = change(&tab);
        let mut expected = tab.workspace.clone();
        expected.apply(&change).unwrap();
        let after = NativeExport::of(&expected).to_json();
        store.die_after(Some(allowed));
        assert!(tab.act(change));
        store.die_after(None);
        let mut reopened = Tab::open(&store, "b");
        let found = reopened.export();
        assert!(
            found == before || found == after,
            "killed after {allowed} of {writes} writes: neither before nor after"
        );
        if found == before {
            outcomes.0 += 1;
        } else {
            outcomes.1 += 1;
        }
        let again = Tab::open(&store, "c");
        assert_eq!(
            again.export(),
            found,
            "killed after {allowed}: a second load differs"
        );
        reopened.persistence.tidy();
        let leftovers: Vec<String> = store
            .snapshot()
            .into_keys()
            .filter(|k| k.contains("/commit/") || k.contains("/text/mine") && found == before)
            .collect();
        assert!(
            leftovers.is_empty(),
            "killed after {allowed}: left {leftovers:?}"
        );
    }
    assert!(outcomes.0 > 0 && outcomes.1 > 0, "{outcomes:?}");
}

/// A document added with spans, and spans added across several buckets of
/// another, as one action: what an import does.
fn big_change(tab: &Tab) -> Action {
    let ws = &tab.workspace;
    let document = Document::added(
        "mine".into(),
        "mine.txt".into(),
        "Imported: 👨🏻‍🚒 firemen drive “firetrucks” to Astana.".into(),
        "",
    );
    let mut action = ws.plan_add_documents(vec![document]).unwrap();
    let mut ws2 = ws.clone();
    ws2.apply(&action).unwrap();
    let doc = ws2.position("mine").unwrap();
    let mut add = |ws2: &mut Workspace, doc: usize, nth: usize, label: &str, id: String| {
        let (s, e) = word(ws2, doc, nth).unwrap();
        let step = ws2
            .plan_annotate(doc, s..e, label, id, "2026-11-27T10:00:00.000Z".into())
            .unwrap();
        ws2.apply(&step).unwrap();
        action.steps.extend(step.steps);
    };
    for nth in 0..3 {
        add(&mut ws2, doc, nth, "Event", format!("import-{nth}"));
    }
    for nth in 10..14 {
        add(&mut ws2, ARTICLE, nth, "Location", format!("merged-{nth}"));
    }
    action
}

#[test]
fn a_document_that_does_not_fit_is_refused_before_anything_is_written() {
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    tab.tag_word(ARTICLE, 1, "Person").unwrap();
    // Texts are stored compressed: this one is random CJK, which no codec
    // brings below 14 bits a character, so it cannot fit.
    let free = QUOTA_UNITS - store.used_units();
    let mut seed = 0x2545_f491_u32;
    let text: String = (0..free / 5 * 6)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            char::from_u32(0x4e00 + seed % 0x5200).unwrap()
        })
        .collect();
    let document = Document::added("big".into(), "big.txt".into(), text, "");
    let action = tab.workspace.plan_add_documents(vec![document]).unwrap();
    let mut ws = tab.workspace.clone();
    ws.apply(&action).unwrap();
    let before = store.snapshot();
    let room = tab
        .persistence
        .save_if_fits(&ws, &action, tab.stamps.as_ref());
    let no_room = room.unwrap_err();
    assert!(no_room.needed > no_room.free, "{no_room:?}");
    assert_eq!(tab.status().pending, 0);
    assert_eq!(
        store.snapshot(),
        before,
        "a refused document wrote something"
    );
    let small = Document::added(
        "small".into(),
        "small.txt".into(),
        "A small text.".into(),
        "",
    );
    let action = tab.workspace.plan_add_documents(vec![small]).unwrap();
    assert!(tab.workspace.apply(&action).is_ok());
    let saved = tab
        .persistence
        .save_if_fits(&tab.workspace, &action, tab.stamps.as_ref());
    assert!(saved.is_ok());
    assert_eq!(tab.status().pending, 0);
    assert_eq!(Tab::open(&store, "b").export(), tab.export());
}

/// A tab closed right after its Nth edit keeps all N: every kind of edit is
/// written before the call that made it returns.
#[test]
fn every_kind_of_edit_is_stored_before_it_returns() {
    use crate::model::{plan_add_label, plan_delete_label, plan_rename_label, Disposal};
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    let check = |tab: &Tab, what: &str| {
        assert_eq!(
            Tab::open(&store, "check").export(),
            tab.export(),
            "after {what}"
        );
    };
    let id = tab.tag_word(ARTICLE, 2, "Person").unwrap();
    check(&tab, "annotate");
    tab.retag(ARTICLE, &id, "Location");
    check(&tab, "retag");
    let resize = tab
        .workspace
        .plan_resize(
            ARTICLE,
            &id,
            word(&tab.workspace, ARTICLE, 3).map(|(s, e)| s..e).unwrap(),
        )
        .unwrap();
    tab.act(resize);
    check(&tab, "resize");
    let note = tab
        .workspace
        .plan_note(ARTICLE, &id, "Check “this” 😀")
        .unwrap();
    tab.act(note);
    check(&tab, "note");
    tab.act(plan_add_label(&tab.workspace, "Armed group", "#fecaca", Some('7')).unwrap());
    check(&tab, "add label");
    tab.act(plan_rename_label(&tab.workspace, "Location", "Place").unwrap());
    check(&tab, "rename label");
    tab.add_document("mine", "Mine: مرحبا 你好 e\u{301}.");
    check(&tab, "add document");
    let rename = tab.workspace.plan_rename(3, "My own text").unwrap();
    tab.act(rename);
    check(&tab, "rename document");
    tab.act(plan_delete_label(&tab.workspace, "Place", Disposal::MoveTo("Person".into())).unwrap());
    check(&tab, "delete label");
    let remove = tab.workspace.plan_remove_document(ARTICLE).unwrap();
    tab.act(remove);
    check(&tab, "remove document");
    tab.undo().unwrap();
    check(&tab, "undo");
    tab.delete(ARTICLE, &id);
    check(&tab, "delete");
}

/// An import that replaces everything, with documents of the same ids, as
/// the end-to-end test does: what is shown is what is stored.
#[test]
fn an_import_that_replaces_everything_is_stored_as_shown() {
    use crate::format::native;
    use crate::model::import::{plan, Mode};
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "a");
    tab.tag_word(ARTICLE, 1, "Person").unwrap();
    tab.add_document("mine", "Mine, with 😀 and “quotes”.");
    let exported = tab.export();
    tab.tag_word(ARTICLE, 2, "Location").unwrap();
    tab.add_document("other", "Another text, to go.");
    let incoming = native::parse(&exported).unwrap();
    let mut n = 0;
    let planned = plan(
        &tab.workspace,
        incoming,
        Mode::Replace,
        &mut || {
            n += 1;
            format!("new-{n}")
        },
        "2026-11-27T10:00:00.000Z",
    )
    .unwrap();
    assert!(tab.act(planned.action));
    assert_eq!(tab.export(), exported);
    let again = Tab::open(&store, "b");
    assert_eq!(again.export(), exported);
    assert!(again.notices.is_empty(), "{:?}", again.notices);
}
