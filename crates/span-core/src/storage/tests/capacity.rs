//! How much of the quota stored data takes, in schema version 2 (JSON, as
//! it was) and version 3 (compact), and how long encoding, decoding and a
//! whole load take: for the benchmark's document (1 MiB of text with 20,000
//! annotations, made as `bench/gen.mjs` makes it, with random ids) and for a
//! corpus of 500 news articles of about 3 KB (1.5 MB) with 100,000
//! annotations, tagged in sessions of 20 articles (ids as the app makes
//! them, [`IdMint`]). A measurement,
//! not a test of a target; it prints a table:
//!
//! ```sh
//! cargo test -p span-core --release --lib capacity -- --ignored --nocapture
//! ```
//!
//! With `SPAN_CAPACITY_JSON` set to a path, it also writes its rows there as
//! JSON, for `make bench`'s table.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::json;

use super::*;
use crate::format::stored::{self, v2, DocumentEntry, Merged, StoredSpan};
use crate::model::{format_iso_8601, parse_iso_8601, seed_documents, IdMint};
use crate::storage::{Charge, QUOTA_UNITS};

const LABELS: [&str; 6] = [
    "Person",
    "Organization",
    "Location",
    "Date",
    "Quantity",
    "Event",
];

/// `bench/gen.mjs`'s non-Latin and tricky sentences.
const EXTRA_SENTENCES: [&str; 13] = [
    "The delegation 👩‍👩‍👧 arrived in Astana with the families of the negotiators.",
    "Observers gave the draft a cautious 👍🏽 before the second session.",
    "Cafe\u{301} owners near the venue said the talks brought crowds, and the re\u{301}sume\u{301}s of the envoys were widely shared.",
    "Zoe\u{308} Martı\u{301}nez of the monitoring group counted 1,240 ceasefire reports 📊.",
    "阿斯塔纳会谈今天继续举行，各方讨论了降级区的边界问题。",
    "俄罗斯、土耳其和伊朗代表团在哈萨克斯坦首都会面。",
    "シリアの停戦監視について各国代表が協議した。",
    "השיחות באסטנה נמשכו היום, והמשלחות דנו בגבולות האזורים.",
    "ראש המשלחת הרוסית אמר כי המסמכים \"זקוקים לליטוש\".",
    "استمرت المحادثات في أستانا اليوم وناقشت الوفود حدود مناطق خفض التصعيد.",
    "قال رئيس الوفد الروسي إن الوثائق تحتاج إلى اللمسات الأخيرة.",
    "The mediators 🤝 met the 👨‍👩‍👦‍👦 of detainees, and a 🏳️‍🌈 flag was seen outside.",
    "A Kazakh official 👋🏿 greeted the 🇷🇺 🇹🇷 🇮🇷 delegations at the door.",
];
const EMOJI: [&str; 10] = ["😀", "👍🏽", "👩‍👩‍👧", "🇸🇾", "🕊️", "👨🏻‍💼", "❤️", "🧑‍🤝‍🧑", "🙏🏼", "✍️"];

/// `bench/gen.mjs`'s PRNG (mulberry32): the same numbers from a seed.
struct Random(u32);

impl Random {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }

    /// `lo..=hi`.
    fn int(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() * (hi - lo + 1) as f64) as usize
    }

    fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[(self.next() * list.len() as f64) as usize]
    }

    /// A session's 8 random bytes.
    fn prefix(&mut self) -> [u8; 8] {
        let word = |r: &mut Self| u64::from((r.next() * 4_294_967_296.0) as u32);
        (word(self) << 32 | word(self)).to_be_bytes()
    }

    fn hex_id(&mut self) -> String {
        (0..4)
            .map(|_| format!("{:08x}", (self.next() * 4_294_967_296.0) as u32))
            .collect()
    }
}

/// The seed articles' sentences: split after `.`, `!` or `?` (and any
/// closing quotes or brackets) where white space follows.
fn seed_sentences() -> Vec<String> {
    let mut sentences = Vec::new();
    for seed in seed_documents() {
        for line in seed.text.split('\n') {
            let mut current = String::new();
            let mut ended = false;
            for c in line.chars() {
                if c.is_whitespace() && ended {
                    if !current.trim().is_empty() {
                        sentences.push(current.trim().to_string());
                    }
                    current.clear();
                    ended = false;
                    continue;
                }
                ended = matches!(c, '.' | '!' | '?') || (ended && "\"”’)".contains(c));
                current.push(c);
            }
            if !current.trim().is_empty() {
                sentences.push(current.trim().to_string());
            }
        }
    }
    sentences
}

/// Paragraphs of 3 to 8 shuffled seed sentences, about 2% of them
/// non-Latin or emoji ones and 1% with an emoji added, as many as fit in
/// `bytes` of UTF-8 (`makeDocument`).
fn document(random: &mut Random, bytes: usize) -> String {
    let base = seed_sentences();
    let mut pool: Vec<String> = Vec::new();
    let mut text = String::new();
    loop {
        let count = random.int(3, 8);
        let mut sentences = Vec::with_capacity(count);
        for _ in 0..count {
            if pool.is_empty() {
                pool = base.clone();
                for i in (1..pool.len()).rev() {
                    pool.swap(i, random.int(0, i));
                }
            }
            if random.next() < 0.02 {
                sentences.push(random.pick(&EXTRA_SENTENCES).to_string());
                continue;
            }
            let mut sentence = pool.pop().unwrap_or_default();
            if random.next() < 0.01 {
                let mut words: Vec<String> = sentence.split(' ').map(str::to_string).collect();
                let at = random.int(0, words.len() - 1);
                words[at] = format!("{} {}", words[at], random.pick(&EMOJI));
                sentence = words.join(" ");
            }
            sentences.push(sentence);
        }
        let separator = match (text.is_empty(), random.next() < 0.1) {
            (true, _) => "",
            (false, true) => "\n\n",
            (false, false) => "\n",
        };
        let paragraph = format!("{separator}{}", sentences.join(" "));
        if text.len() + paragraph.len() > bytes {
            return text;
        }
        text.push_str(&paragraph);
    }
}

/// Words of `text`, in code points, with the line each is on.
fn words(text: &str) -> Vec<(usize, usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let is_word = |c: char| c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c);
    let mut found = Vec::new();
    let (mut at, mut line) = (0, 0);
    while at < chars.len() {
        if chars[at] == '\n' {
            line += 1;
        }
        if !is_word(chars[at]) {
            at += 1;
            continue;
        }
        let start = at;
        while at < chars.len()
            && (is_word(chars[at])
                || ("'’-".contains(chars[at]) && chars.get(at + 1).is_some_and(|c| is_word(*c))))
        {
            at += 1;
        }
        found.push((start, at, line));
    }
    found
}

/// `count` annotations of 1 to `longest` whole words within a line, 90%
/// disjoint and 10% nested in or crossing one of those, with 32-digit hex
/// ids and `created` one second apart, sorted by start (`makeSpans`).
fn spans(
    random: &mut Random,
    text: &str,
    count: usize,
    longest: usize,
    since: i64,
    mut mint: Option<&mut IdMint>,
) -> Vec<StoredSpan> {
    let ws = words(text);
    let mut taken = vec![false; ws.len()];
    let disjoint = count - count / 10;
    let mut placed: Vec<(usize, usize)> = Vec::with_capacity(count);
    // A short text may have no room left for another disjoint span: the
    // rest then overlap.
    let mut tries = 0;
    while placed.len() < disjoint && tries < count * 200 {
        tries += 1;
        let first = random.int(0, ws.len() - 1);
        let last = first + random.int(1, longest) - 1;
        if last >= ws.len() || ws[last].2 != ws[first].2 || taken[first..=last].iter().any(|t| *t) {
            continue;
        }
        taken[first..=last].iter_mut().for_each(|t| *t = true);
        placed.push((first, last));
    }
    let hosts = placed.len();
    let mut seen: std::collections::HashSet<(usize, usize)> = placed.iter().copied().collect();
    while placed.len() < count {
        let (host_first, host_last) = placed[random.int(0, hosts - 1)];
        let (first, last) = if random.next() < 0.4 && host_last > host_first {
            (host_first + 1, host_last)
        } else {
            let (before, after) = (random.int(0, 2), random.int(0, 2));
            (
                host_first.saturating_sub(before),
                host_last + after.max(1 - before.min(1)),
            )
        };
        if last >= ws.len() || ws[first].2 != ws[last].2 || !seen.insert((first, last)) {
            continue;
        }
        placed.push((first, last));
    }
    let mut made: Vec<StoredSpan> = placed
        .into_iter()
        .enumerate()
        .map(|(i, (first, last))| StoredSpan {
            id: match mint.as_deref_mut() {
                Some(mint) => mint.next_id(),
                None => random.hex_id(),
            },
            start: ws[first].0,
            end: ws[last].1,
            label: random.pick(&LABELS).to_string(),
            created: format_iso_8601(first_ms(since) + i as i64 * 1000),
            rev: 1,
            note: None,
            entity: None,
        })
        .collect();
    made.sort_by_key(|s| (s.start, s.end));
    made
}

/// `since` milliseconds after the benchmark's first stamp.
fn first_ms(since: i64) -> i64 {
    parse_iso_8601("2026-11-22T10:00:00.000Z").unwrap() + since
}

/// How many of the corpus's articles are tagged in one session of the app,
/// whose ids share a prefix ([`IdMint`]).
const ARTICLES_PER_SESSION: i64 = 20;

/// Documents with their annotations, as a tab holds them.
struct Corpus {
    documents: Vec<(DocumentEntry, String, Vec<StoredSpan>)>,
}

fn benchmark() -> Corpus {
    let mut random = Random(1);
    let text = document(&mut random, 1 << 20);
    let spans = spans(&mut Random(21_000), &text, 20_000, 6, 0, None);
    let entry = DocumentEntry {
        id: "bench-1mib".into(),
        file_name: "bench-1mib.txt".into(),
        title: "Benchmark 1 MiB".into(),
        seed: false,
        status: Default::default(),
        rev: 1,
    };
    Corpus {
        documents: vec![(entry, text, spans)],
    }
}

fn news_corpus() -> Corpus {
    let mut random = Random(500);
    let mut mint = IdMint::new([0; 8]);
    let documents = (0..500)
        .map(|n| {
            let text = document(&mut random, 3_600);
            if n % ARTICLES_PER_SESSION == 0 {
                mint = IdMint::new(random.prefix());
            }
            let spans = spans(&mut random, &text, 200, 3, n * 3_600_000, Some(&mut mint));
            let title: String = text
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(90)
                .collect();
            let entry = DocumentEntry {
                id: random.hex_id(),
                file_name: format!("article-{n:03}.txt"),
                title,
                seed: false,
                status: Default::default(),
                rev: 1,
            };
            (entry, text, spans)
        })
        .collect();
    Corpus { documents }
}

/// The keys and values of `corpus` in version 2's schema, as version 2
/// wrote them.
fn version_2(corpus: &Corpus) -> BTreeMap<String, String> {
    let mut state = BTreeMap::new();
    let key = |rest: &str| format!("{}{rest}", v2::PREFIX);
    state.insert(
        key("meta"),
        json!({"version": 2, "epoch": "0123456789abcdef0123456789abcdef"}).to_string(),
    );
    state.insert(
        key("documents"),
        documents_list(corpus).replace("\"version\":3", "\"version\":2"),
    );
    for (entry, text, spans) in &corpus.documents {
        let id = &entry.id;
        state.insert(
            key(&format!("text/{id}")),
            json!({"version": 2, "document_id": id, "text": text}).to_string(),
        );
        let mut buckets: BTreeMap<u32, Vec<serde_json::Value>> = BTreeMap::new();
        for s in spans {
            buckets
                .entry(v2::bucket_of(&s.id))
                .or_default()
                .push(json!([s.id, s.start, s.end, s.label, s.created, s.rev]));
        }
        let hash = stored::text_hash(text);
        for (bucket, annotations) in buckets {
            state.insert(
                key(&format!("doc/{id}/{bucket}")),
                json!({"version": 2, "document_id": id, "bucket": bucket, "text_hash": hash, "annotations": annotations, "deleted": []}).to_string(),
            );
        }
    }
    state
}

/// The list of documents: the seed articles, then the corpus's.
fn documents_list(corpus: &Corpus) -> String {
    let seeds = seed_documents().into_iter().map(|s| DocumentEntry {
        id: s.id,
        file_name: s.file_name,
        title: s.title,
        seed: true,
        status: s.status,
        rev: 0,
    });
    let entries = seeds
        .chain(corpus.documents.iter().map(|(e, _, _)| e.clone()))
        .collect();
    stored::encode_documents(&Merged {
        order: 1,
        entries,
        deleted: Vec::new(),
    })
}

/// The keys and values of `corpus` in the current schema.
fn version_3(corpus: &Corpus) -> BTreeMap<String, String> {
    let mut state = BTreeMap::new();
    state.insert(
        stored::meta_key(),
        stored::encode_meta("0123456789abcdef0123456789abcdef"),
    );
    state.insert(stored::documents_key(), documents_list(corpus));
    for (entry, text, spans) in &corpus.documents {
        let id = &entry.id;
        state.insert(stored::text_key(id), stored::encode_text(id, text, None));
        let mut buckets: BTreeMap<u32, Merged<StoredSpan>> = BTreeMap::new();
        for s in spans {
            buckets
                .entry(stored::bucket_of(&s.id))
                .or_default()
                .entries
                .push(s.clone());
        }
        let hash = stored::text_hash(text);
        for (bucket, spans) in buckets {
            state.insert(
                stored::bucket_key(id, bucket),
                stored::encode_bucket(id, &hash, bucket, &spans),
            );
        }
    }
    state
}

/// Reads back every text and bucket of `state` with `decode_text` and
/// `decode_bucket`; how many annotations there were.
fn read_back(
    corpus: &Corpus,
    state: &BTreeMap<String, String>,
    text_key: impl Fn(&str) -> String,
    decode_text: impl Fn(&str, &str) -> String,
    bucket_key: impl Fn(&str, u32) -> String,
    buckets: u32,
    decode_bucket: impl Fn(&str, &str, &str, u32) -> usize,
) -> usize {
    let mut annotations = 0;
    for (entry, _, _) in &corpus.documents {
        let text = decode_text(&state[&text_key(&entry.id)], &entry.id);
        let hash = stored::text_hash(&text);
        for bucket in 0..buckets {
            if let Some(raw) = state.get(&bucket_key(&entry.id, bucket)) {
                annotations += decode_bucket(raw, &entry.id, &hash, bucket);
            }
        }
    }
    annotations
}

/// What keys and values take of the quota in Chromium and Firefox (UTF-16
/// units), and in WebKit (bytes: a string of Latin-1 characters only at a
/// byte a character, any other at two bytes a unit; also what Chromium
/// keeps on disk, `storageBytes` in `bench/gen.mjs`).
fn sizes(state: &BTreeMap<String, String>) -> (usize, usize) {
    state.iter().fold((0, 0), |(units, webkit), (k, v)| {
        (
            units + Charge::Utf16Units.entry(k, v),
            webkit + Charge::Latin1Or16Bit.entry(k, v),
        )
    })
}

fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let done = work();
    (done, start.elapsed())
}

#[test]
#[ignore = "a measurement: run with --ignored --nocapture"]
fn capacity_of_the_benchmark_and_a_corpus() {
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    let share = |units: usize| format!("{:.1}%", 100.0 * units as f64 / QUOTA_UNITS as f64);
    println!(
        "\n{:<34} {:>10} {:>7} {:>11} {:>6} {:>9} {:>9} {:>9}",
        "data / schema", "units", "quota", "WebKit", "keys", "encode", "decode", "load"
    );
    let mut rows = Vec::new();
    for (name, corpus) in [
        ("benchmark: 1 MiB, 20,000 spans", benchmark()),
        ("corpus: 500 articles, 100,000 spans", news_corpus()),
    ] {
        let text_bytes: usize = corpus.documents.iter().map(|(_, t, _)| t.len()).sum();
        let spans: usize = corpus.documents.iter().map(|(_, _, s)| s.len()).sum();
        let (old, old_encode) = timed(|| version_2(&corpus));
        let (new, new_encode) = timed(|| version_3(&corpus));
        let (read_old, old_decode) = timed(|| {
            read_back(
                &corpus,
                &old,
                |id| v2::key_name(&stored::Key::Text(id.into())),
                |raw, id| v2::decode_text(raw, id).unwrap().text,
                |id, b| v2::key_name(&stored::Key::Bucket(id.into(), b)),
                v2::BUCKETS,
                |raw, id, hash, b| {
                    v2::decode_bucket(raw, id, hash, b)
                        .unwrap()
                        .value
                        .entries
                        .len()
                },
            )
        });
        let (read_new, new_decode) = timed(|| {
            read_back(
                &corpus,
                &new,
                stored::text_key,
                |raw, id| stored::decode_text(raw, id).unwrap().text,
                stored::bucket_key,
                stored::BUCKETS,
                |raw, id, hash, b| {
                    stored::decode_bucket(raw, id, hash, b)
                        .unwrap()
                        .value
                        .entries
                        .len()
                },
            )
        });
        assert_eq!((read_old, read_new), (spans, spans));
        // The app's own load of each: version 2's moved to version 3 (in a
        // store with the browser's quota), version 3's as it is.
        let load = |state: &BTreeMap<String, String>| {
            let store = MemoryStore::with(state.clone());
            store.set_quota(Some(QUOTA_UNITS));
            let (tab, took) = timed(|| Tab::open(&store, "load"));
            assert!(tab.notices.is_empty(), "{:?}", tab.notices);
            assert_eq!(tab.status().pending, 0, "{:?}", tab.status());
            assert_eq!(tab.workspace.all_annotations().count(), spans);
            (took, sizes(&store.snapshot()))
        };
        let (old_load, moved) = match sizes(&old).0 <= QUOTA_UNITS {
            true => {
                let (took, moved) = load(&old);
                (ms(took), Some(moved))
            }
            false => ("no room".to_string(), None),
        };
        let (new_load, _) = load(&new);
        let row = |schema: &str, units: usize, bytes: usize| {
            json!({
                "data": name,
                "textBytes": text_bytes,
                "spans": spans,
                "schema": schema,
                "units": units,
                "quotaShare": units as f64 / QUOTA_UNITS as f64,
                "webkitUnits": bytes,
                "webkitShare": bytes as f64 / QUOTA_UNITS as f64,
            })
        };
        println!("{name} ({:.2} MB of text)", text_bytes as f64 / 1e6);
        for (schema, state, encode, decode, load) in [
            ("  version 2 (JSON)", &old, old_encode, old_decode, old_load),
            (
                "  version 3 (compact)",
                &new,
                new_encode,
                new_decode,
                ms(new_load),
            ),
        ] {
            let (units, bytes) = sizes(state);
            let mut row = row(schema.trim(), units, bytes);
            row["keys"] = json!(state.len());
            row["encodeMs"] = json!(encode.as_secs_f64() * 1000.0);
            row["decodeMs"] = json!(decode.as_secs_f64() * 1000.0);
            row["load"] = json!(load);
            rows.push(row);
            println!(
                "{schema:<34} {units:>10} {:>7} {:>11} {:>6} {:>9} {:>9} {load:>9}",
                share(units),
                share(bytes),
                state.len(),
                ms(encode),
                ms(decode),
            );
        }
        if let Some((units, bytes)) = moved {
            rows.push(row("version 2 moved by the app", units, bytes));
            println!(
                "{:<34} {units:>10} {:>7} {:>11}",
                "  version 2 moved by the app",
                share(units),
                share(bytes),
            );
        }
    }
    println!("quota: {QUOTA_UNITS} UTF-16 units");
    if let Ok(path) = std::env::var("SPAN_CAPACITY_JSON") {
        let report = json!({ "quotaUnits": QUOTA_UNITS, "rows": rows });
        std::fs::write(&path, report.to_string()).expect("writing SPAN_CAPACITY_JSON");
    }
}
