//! Damaged and hostile stored data: whatever is stored, loading never
//! panics, keeps every annotation it can read, backs up what it cannot, and
//! leaves storage clean, so that the next load says nothing and copies
//! nothing. And whatever loads exports a file the app imports again.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::format::{native, stored};

const ARTICLE: usize = 1;

/// A store holding a realistic state: spans in two seed articles, one with
/// a note, an added document with emoji, RTL and combining marks, and an
/// added label.
fn realistic() -> BTreeMap<String, String> {
    static STATE: std::sync::OnceLock<BTreeMap<String, String>> = std::sync::OnceLock::new();
    STATE.get_or_init(build_realistic).clone()
}

fn build_realistic() -> BTreeMap<String, String> {
    use crate::model::plan_add_label;
    let store = MemoryStore::new();
    let mut tab = Tab::open(&store, "seed");
    for nth in 0..30 {
        tab.tag_word(ARTICLE, nth, ["Person", "Location", "Event"][nth % 3]);
        tab.tag_word(2, nth, "Organization");
    }
    let id = tab.ids()[0].clone();
    let doc = tab.workspace.position(&id[..0]).unwrap_or(ARTICLE);
    if let Ok(note) = tab.workspace.plan_note(doc, &id, "note “x” 😀") {
        tab.act(note);
    }
    tab.add_document(
        "mine",
        "Mine: 👨🏻‍🚒 שלום e\u{301} 中文 words enough to tag here.",
    );
    let mine = tab.workspace.position("mine").unwrap();
    for nth in 0..4 {
        tab.tag_word(mine, nth, "Event");
    }
    tab.act(plan_add_label(&tab.workspace, "Weapon", "#fecaca", Some('7')).unwrap());
    store.snapshot()
}

/// One way to spoil a stored value.
#[derive(Clone, Debug)]
enum Spoil {
    Truncate(usize),
    NotJson,
    WrongType,
    Version(u64),
    Remove,
    /// Replaces a number in it with one far out of range.
    HugeNumber(usize),
    /// Copies the value of another key over it.
    CopyFrom(usize),
    /// Puts an annotation entry of another bucket into it, twice.
    DuplicateEntry(usize),
}

fn spoil() -> impl Strategy<Value = Spoil> {
    prop_oneof![
        any::<usize>().prop_map(Spoil::Truncate),
        Just(Spoil::NotJson),
        Just(Spoil::WrongType),
        (0u64..6).prop_map(Spoil::Version),
        Just(Spoil::Remove),
        any::<usize>().prop_map(Spoil::HugeNumber),
        any::<usize>().prop_map(Spoil::CopyFrom),
        any::<usize>().prop_map(Spoil::DuplicateEntry),
    ]
}

fn apply(state: &mut BTreeMap<String, String>, key: &str, spoil: &Spoil) {
    let keys: Vec<String> = state.keys().cloned().collect();
    let Some(value) = state.get(key).cloned() else {
        return;
    };
    let spoiled = match spoil {
        Spoil::Truncate(at) => {
            let mut cut = at % value.len().max(1);
            while !value.is_char_boundary(cut) {
                cut -= 1;
            }
            Some(value[..cut].to_string())
        }
        Spoil::NotJson => Some(format!("{{{value}")),
        Spoil::WrongType => Some("[1, \"two\", null, {\"version\": 2}]".to_string()),
        Spoil::Version(v) => Some(value.replacen("\"version\":2", &format!("\"version\":{v}"), 1)),
        Spoil::Remove => None,
        Spoil::HugeNumber(n) => {
            let digits: Vec<usize> = value
                .match_indices(|c: char| c.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            match digits.get(n % digits.len().max(1)) {
                Some(&at) => Some(format!(
                    "{}99999999999999999999{}",
                    &value[..at],
                    &value[at + 1..]
                )),
                None => Some(value.clone()),
            }
        }
        Spoil::CopyFrom(n) => state.get(&keys[n % keys.len()]).cloned(),
        Spoil::DuplicateEntry(n) => {
            let others: Vec<&String> = keys
                .iter()
                .filter(|k| k.contains("/doc/") && *k != key)
                .collect();
            let entry = others
                .get(n % others.len().max(1))
                .and_then(|k| serde_json::from_str::<serde_json::Value>(&state[*k]).ok())
                .and_then(|v| v.get("annotations")?.get(0).cloned());
            match (serde_json::from_str::<serde_json::Value>(&value), entry) {
                (Ok(mut record), Some(entry)) => {
                    if let Some(list) = record.get_mut("annotations").and_then(|a| a.as_array_mut())
                    {
                        list.push(entry.clone());
                        list.push(entry);
                    }
                    Some(record.to_string())
                }
                _ => Some(value.clone()),
            }
        }
    };
    match spoiled {
        Some(v) => state.insert(key.to_string(), v),
        None => state.remove(key),
    };
}

/// Cases for the properties below; `PROPTEST_CASES` sets more.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(10_000), ..ProptestConfig::default() })]

    /// Issue 10: hand-edited and damaged stored states loaded silently,
    /// panicked, or exported files that our own import refused; a damaged
    /// key was backed up on every load until the quota was full.
    #[test]
    fn any_stored_state_loads_keeps_what_it_can_and_ends_clean(
        spoils in proptest::collection::vec((any::<usize>(), spoil()), 0..4),
        extra in proptest::option::of((any::<u8>(), "[\\PC]{0,40}")),
    ) {
        let base = realistic();
        let mut state = base.clone();
        let keys: Vec<String> = state.keys().cloned().collect();
        let mut spoiled_keys = Vec::new();
        for (at, how) in &spoils {
            let key = keys[at % keys.len()].clone();
            apply(&mut state, &key, how);
            spoiled_keys.push(key);
        }
        if let Some((bucket, junk)) = &extra {
            // A bucket of a document nobody lists.
            state.insert(stored::bucket_key("nobody", u32::from(*bucket) % 64), junk.clone());
        }
        let store = MemoryStore::with(state.clone());
        let tab = Tab::open(&store, "load");
        if matches!(tab.status().mode, crate::storage::Mode::Stopped(_)) {
            // A newer app's data: this one reads and writes none of it.
            prop_assert!(tab.notices[0].text.contains("newer version"));
            prop_assert_eq!(store.snapshot(), state);
            return Ok(());
        }

        // Every annotation of a bucket nobody spoiled is kept, unless its id
        // was duplicated into a spoiled key.
        let shown: std::collections::HashSet<String> = tab.ids().into_iter().collect();
        let spoiled_text = spoiled_keys.iter().filter_map(|k| state.get(k)).cloned().collect::<Vec<_>>().join("");
        for (key, raw) in &base {
            if !key.contains("/doc/") || spoiled_keys.iter().any(|k| k == key) {
                continue;
            }
            let (Ok(value), true) = (serde_json::from_str::<serde_json::Value>(raw), spoiled_keys.iter().all(|k| !k.ends_with("/documents") && !k.contains("/text/") && !k.ends_with("/labels"))) else {
                continue;
            };
            for entry in value["annotations"].as_array().into_iter().flatten() {
                let id = entry[0].as_str().unwrap_or_default();
                prop_assert!(shown.contains(id) || spoiled_text.contains(id), "{id} of untouched {key} is lost");
            }
        }

        // What could not be read is in a backup, byte for byte.
        let after = store.snapshot();
        for backup in tab.persistence.backups() {
            let data = tab.persistence.backup_data(&backup.key).unwrap().unwrap();
            prop_assert!(state.get(&backup.original) == Some(&data) || backup.original.contains("/meta"), "backup of {} differs", backup.original);
        }
        for key in &spoiled_keys {
            if let (Some(raw), None) = (state.get(key), after.get(key)) {
                let kept = tab.persistence.backups().iter().any(|b| b.original == *key)
                    || stored::Key::parse(key).is_some_and(|k| matches!(k, stored::Key::Bucket(..)) && raw.is_empty());
                prop_assert!(kept || !tab.notices.is_empty(), "{key} went without a word");
            }
        }

        // Loading again finds nothing to say and copies nothing again.
        let again = Tab::open(&store, "again");
        prop_assert!(again.notices.is_empty(), "a second load still reports {:?}", again.notices);
        prop_assert_eq!(store.snapshot(), after);
        prop_assert_eq!(again.export(), tab.export());

        // And what loads exports a file that imports.
        let exported = tab.export();
        prop_assert!(native::parse(&exported).is_ok(), "{:?}", native::parse(&exported).err());
    }
}
