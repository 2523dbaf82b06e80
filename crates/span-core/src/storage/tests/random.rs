//! Random edits in two tabs, with storage failing at random: full, throwing,
//! cleared, a write of the other tab's crossing, a tab killed mid-write. The
//! test keeps its own model of what the user did; after the faults are
//! lifted, a fresh load, and both tabs, hold exactly that.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;

#[derive(Clone, Debug)]
enum Op {
    /// Tab A (or B) tags a word of a document with a label.
    Tag {
        b: bool,
        doc: u8,
        nth: u8,
        label: u8,
    },
    Retag {
        b: bool,
        pick: u16,
        label: u8,
    },
    Delete {
        b: bool,
        pick: u16,
    },
    Note {
        pick: u16,
        note: String,
    },
    AddDocument {
        b: bool,
        text: String,
    },
    RemoveDocument {
        pick: u8,
    },
    Undo,
    Sync {
        b: bool,
    },
    /// Storage full from now on (or no longer).
    Full(bool),
    Refuse(bool),
    Clear,
    /// Tab A is killed after this many writes of its next edit.
    Crash {
        writes: u8,
        doc: u8,
        nth: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (any::<bool>(), 0u8..4, any::<u8>(), 0u8..6).prop_map(|(b, doc, nth, label)| Op::Tag { b, doc, nth, label }),
        2 => (any::<bool>(), any::<u16>(), 0u8..6).prop_map(|(b, pick, label)| Op::Retag { b, pick, label }),
        2 => (any::<bool>(), any::<u16>()).prop_map(|(b, pick)| Op::Delete { b, pick }),
        1 => (any::<u16>(), "[a-z😀“” ]{0,12}").prop_map(|(pick, note)| Op::Note { pick, note }),
        1 => (any::<bool>(), "[a-zA-Z ]{20,40} 😀 שלום e\u{301}").prop_map(|(b, text)| Op::AddDocument { b, text }),
        1 => any::<u8>().prop_map(|pick| Op::RemoveDocument { pick }),
        1 => Just(Op::Undo),
        2 => any::<bool>().prop_map(|b| Op::Sync { b }),
        1 => any::<bool>().prop_map(Op::Full),
        1 => any::<bool>().prop_map(Op::Refuse),
        1 => Just(Op::Clear),
        1 => (0u8..12, 0u8..3, any::<u8>()).prop_map(|(writes, doc, nth)| Op::Crash { writes, doc, nth }),
    ]
}

/// What the user sees: each annotation's document, quote, label and note,
/// by id, and the documents by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Seen {
    annotations: BTreeMap<String, (String, usize, usize, String, Option<String>)>,
    documents: Vec<String>,
}

fn seen(tab: &Tab) -> Seen {
    let mut documents: Vec<String> = tab.workspace.documents().map(|d| d.id.clone()).collect();
    documents.sort();
    Seen {
        annotations: tab
            .workspace
            .all_annotations()
            .map(|a| {
                (
                    a.id.clone(),
                    (
                        a.document_id.clone(),
                        a.start,
                        a.end,
                        a.label.clone(),
                        a.note.clone(),
                    ),
                )
            })
            .collect(),
        documents,
    }
}

fn pick(tab: &Tab, pick: u16) -> Option<(usize, String)> {
    let all: Vec<(usize, String)> = (0..tab.workspace.document_count())
        .flat_map(|doc| {
            tab.workspace
                .annotations(doc)
                .into_iter()
                .flat_map(|a| a.iter())
                .map(move |a| (doc, a.id.clone()))
        })
        .collect();
    (!all.is_empty()).then(|| all[usize::from(pick) % all.len()].clone())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: super::hostile::cases(300), ..ProptestConfig::default() })]

    #[test]
    fn random_edits_in_two_tabs_with_random_faults_end_stored_as_seen(ops in proptest::collection::vec(op(), 1..40)) {
        run(ops)?;
    }
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    restart_numbers();
    let labels: Vec<String> = crate::model::default_labels()
        .into_iter()
        .map(|l| l.name)
        .collect();
    let store = MemoryStore::new();
    let mut a = Tab::open(&store, "a");
    let mut b = Tab::open(&store, "b");
    // Every edit happens in one tab at a time, so what the user did is
    // the tab's own view, with the other tab's edits taken in first.
    let mut documents = 0;
    for op in ops {
        match op {
            Op::Tag {
                b: in_b,
                doc,
                nth,
                label,
            } => {
                let tab = if in_b { &mut b } else { &mut a };
                tab.sync(None);
                let doc = usize::from(doc) % tab.workspace.document_count().max(1);
                tab.tag_word(doc, usize::from(nth) % 40, &labels[usize::from(label)]);
            }
            Op::Retag {
                b: in_b,
                pick: p,
                label,
            } => {
                let tab = if in_b { &mut b } else { &mut a };
                tab.sync(None);
                if let Some((doc, id)) = pick(tab, p) {
                    tab.retag(doc, &id, &labels[usize::from(label)]);
                }
            }
            Op::Delete { b: in_b, pick: p } => {
                let tab = if in_b { &mut b } else { &mut a };
                tab.sync(None);
                if let Some((doc, id)) = pick(tab, p) {
                    tab.delete(doc, &id);
                }
            }
            Op::Note { pick: p, note } => {
                a.sync(None);
                if let Some((doc, id)) = pick(&a, p) {
                    if let Ok(action) = a.workspace.plan_note(doc, &id, &note) {
                        a.act(action);
                    }
                }
            }
            Op::AddDocument { b: in_b, text } => {
                let tab = if in_b { &mut b } else { &mut a };
                tab.sync(None);
                documents += 1;
                tab.add_document(&format!("doc-{documents}"), &text);
            }
            Op::RemoveDocument { pick: p } => {
                a.sync(None);
                let doc = usize::from(p) % a.workspace.document_count().max(1);
                if let Ok(action) = a.workspace.plan_remove_document(doc) {
                    a.act(action);
                }
            }
            Op::Undo => {
                a.sync(None);
                if a.history.can_undo() {
                    // Refused when the other tab changed it since: fine.
                    let _ = a.undo();
                }
            }
            Op::Sync { b: in_b } => {
                let tab = if in_b { &mut b } else { &mut a };
                tab.sync(None);
            }
            Op::Full(full) => store.set_quota(full.then(|| store.used_units())),
            Op::Refuse(refuse) => store.refuse_writes(refuse),
            Op::Clear => store.clear(),
            Op::Crash { writes, doc, nth } => {
                a.sync(None);
                if a.status().pending > 0 || b.status().pending > 0 {
                    continue;
                }
                let before = seen(&a);
                store.die_after(Some(usize::from(writes)));
                let doc = usize::from(doc) % a.workspace.document_count().max(1);
                a.tag_word(doc, usize::from(nth) % 40, "Event");
                let after = seen(&a);
                store.die_after(None);
                let (quota, refused) = (store.used_units(), false);
                let _ = (quota, refused);
                a = Tab::open(&store, "a");
                let found = seen(&a);
                prop_assert!(
                    found == before || found == after,
                    "a tab killed mid-write left neither the state before nor after"
                );
                b.sync(None);
            }
        }
    }
    store.set_quota(None);
    store.refuse_writes(false);
    a.retry();
    b.retry();
    a.sync(None);
    b.sync(None);
    a.sync(None);
    prop_assert_eq!(a.status().pending, 0);
    prop_assert_eq!(b.status().pending, 0);
    let fresh = Tab::open(&store, "fresh");
    prop_assert!(fresh.notices.is_empty(), "{:?}", fresh.notices);
    prop_assert_eq!(seen(&fresh), seen(&a));
    prop_assert_eq!(seen(&fresh), seen(&b));
    Ok(())
}
