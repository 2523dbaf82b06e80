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
    /// Changes one UTF-16 unit to another that packed values use.
    ChangeUnit(usize, u32),
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
        (any::<usize>(), 0x3380u32..0xb400).prop_map(|(at, to)| Spoil::ChangeUnit(at, to)),
    ]
}

/// The text hash of document `id` in `state`: a seed's, or its stored
/// text's.
fn hash_of(state: &BTreeMap<String, String>, id: &str) -> Option<String> {
    let text = match crate::model::seed_documents()
        .into_iter()
        .find(|d| d.id == id)
    {
        Some(seed) => seed.text.to_string(),
        None => {
            stored::decode_text(state.get(&stored::text_key(id))?, id)
                .ok()?
                .text
        }
    };
    Some(stored::text_hash(&text))
}

/// What the bucket under `key` holds, if it is a readable bucket.
fn bucket(
    state: &BTreeMap<String, String>,
    key: &str,
) -> Option<stored::Merged<stored::StoredSpan>> {
    let Some(stored::Key::Bucket(id, bucket)) = stored::Key::parse(key) else {
        return None;
    };
    let raw = state.get(key)?;
    Some(
        stored::decode_bucket(raw, &id, &hash_of(state, &id)?, bucket)
            .ok()?
            .value,
    )
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
                .and_then(|k| bucket(state, k)?.entries.first().cloned());
            match (bucket(state, key), entry, stored::Key::parse(key)) {
                (Some(mut record), Some(entry), Some(stored::Key::Bucket(id, b))) => {
                    record.entries.push(entry.clone());
                    record.entries.push(entry);
                    let hash = hash_of(state, &id).unwrap_or_default();
                    Some(stored::encode_bucket(&id, &hash, b, &record))
                }
                _ => Some(value.clone()),
            }
        }
        Spoil::ChangeUnit(at, to) => {
            let mut units: Vec<char> = value.chars().collect();
            if !units.is_empty() {
                let at = at % units.len();
                units[at] = char::from_u32(*to).unwrap_or('x');
            }
            Some(units.into_iter().collect())
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
        let lists_intact = spoiled_keys.iter().all(|k| !k.ends_with("/documents") && !k.contains("/text/") && !k.ends_with("/labels"));
        for key in base.keys() {
            if !key.contains("/doc/") || spoiled_keys.iter().any(|k| k == key) || !lists_intact {
                continue;
            }
            let held = bucket(&base, key);
            prop_assert!(held.is_some(), "{key} of the realistic state is a readable bucket");
            for entry in held.into_iter().flat_map(|b| b.entries) {
                let id = entry.id.as_str();
                let duplicated = spoiled_text.contains(id) || spoils.iter().any(|(_, s)| matches!(s, Spoil::DuplicateEntry(_)));
                prop_assert!(shown.contains(id) || duplicated, "{id} of untouched {key} is lost");
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
