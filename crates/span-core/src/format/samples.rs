//! The workspace every export test runs on: the three seed articles and one
//! document of characters that count differently in bytes, UTF-16 units,
//! code points and grapheme clusters, annotated with spans that nest, cross,
//! coincide, run over line breaks or cover only white space, under labels
//! whose names are not one ASCII word, with notes holding tabs and newlines.

use std::ops::Range;

use crate::model::{
    default_labels, seed_documents, text, Document, DocumentStatus, Label, Workspace,
};

/// Where the tricky document sits in [`workspace`].
pub const TRICKY: usize = 3;

/// Emoji (a flag of two regional indicators, a ZWJ family, a skin tone),
/// a combining accent, CJK, Hebrew and Arabic (right to left), curly quotes,
/// a no-break space, CRLF line ends, an empty line, a tab and a LINE
/// SEPARATOR (U+2028), which Python's `splitlines` also breaks at.
pub const TRICKY_TEXT: &str = concat!(
    "Flag 🇸🇾 and family 👩\u{200d}👩\u{200d}👧 wave 👋🏽 at cafe\u{301} today.\r\n",
    "中文新闻：叙利亚和平谈判。\r\n",
    "Hebrew שלום עולם and Arabic مرحبا بالعالم, right to left.\r\n",
    "He said “de-facto” and ‘maybe’\u{a0}then.\r\n",
    "\r\n",
    "Tab\there, line\u{2028}separator, end.",
);

/// The created stamp of every sample annotation.
pub const CREATED: &str = "2026-01-02T03:04:05.678Z";

/// The labels: the defaults, one with a space and one not in Latin script.
pub fn labels() -> Vec<Label> {
    let mut labels = default_labels();
    labels.push(Label {
        name: "Armed Group".into(),
        color: "#fecaca".into(),
        hotkey: Some('7'),
    });
    labels.push(Label {
        name: "Лицо".into(),
        color: "#a5f3fc".into(),
        hotkey: Some('8'),
    });
    labels
}

/// The code points of the first `needle` in `haystack`.
pub fn find(haystack: &str, needle: &str) -> Range<usize> {
    let byte = haystack.find(needle).expect("the sample has it");
    let start = text::char_len(&haystack[..byte]);
    start..start + text::char_len(needle)
}

/// Every span the samples annotate: (document, the text of its first
/// occurrence, label, note).
const SPANS: &[(usize, &str, &str, Option<&str>)] = &[
    (0, "Russia", "Location", None),
    (0, "Alexander Lavrentiev", "Person", None),
    (0, "Lavrentiev", "Person", Some("also in the nested span")),
    (1, "“de-facto”", "Location", None),
    (1, "Homs provinces.\u{a0}\n“The", "Event", None),
    (2, "Astana, Kazakhstan", "Location", None),
    (2, "Kazakhstan", "Location", None),
    (TRICKY, "🇸🇾", "Location", None),
    (TRICKY, "🇸🇾", "Armed Group", Some("same span,\tother label")),
    (TRICKY, "family 👩\u{200d}👩\u{200d}👧 wave", "Event", None),
    (TRICKY, "👩\u{200d}👩\u{200d}👧", "Person", None),
    (TRICKY, "wave 👋🏽 at", "Date", None),
    (TRICKY, "at cafe\u{301}", "Location", None),
    (TRICKY, "today.\r\n中文", "Event", None),
    (TRICKY, "叙利亚", "Location", None),
    (TRICKY, "ebrew", "Quantity", None),
    (TRICKY, "שלום עולם", "Person", None),
    (TRICKY, "Arabic", "Armed Group", None),
    (TRICKY, "مرحبا بالعالم", "Organization", None),
    (
        TRICKY,
        "He said “de-facto”",
        "Event",
        Some("line one\r\nline two\tand a tab\u{2028}and more"),
    ),
    (TRICKY, "“de-facto”", "Location", None),
    (TRICKY, "‘maybe’", "Лицо", None),
    (TRICKY, "\u{a0}then.\r\n\r\nTab", "Event", None),
    (TRICKY, "\r\n\r\n", "Quantity", None),
    (TRICKY, "line\u{2028}separator", "Quantity", None),
    (TRICKY, "Tab\there", "Date", None),
];

/// The seed articles and [`TRICKY_TEXT`], with every span of `SPANS`.
pub fn workspace() -> Workspace {
    let mut documents = seed_documents();
    documents.push(Document::new("tricky/1 ü", "tricky ü.txt", TRICKY_TEXT));
    let mut ws = Workspace::new(documents, labels());
    for (n, &(doc, needle, label, note)) in SPANS.iter().enumerate() {
        let text = &ws.document(doc).expect("a sample document").text;
        let span = find(text, needle);
        // Most ids are 128-bit hex, as the app makes them; one is not, to
        // show how other ids are carried.
        let id = if n == 1 {
            "legacy id #1".to_string()
        } else {
            format!("{n:032x}")
        };
        let action = ws
            .plan_annotate(doc, span, label, id.clone(), CREATED.into())
            .expect("a valid sample span");
        ws.apply(&action).expect("applies");
        if let Some(note) = note {
            let action = ws.plan_note(doc, &id, note).expect("a sample note");
            ws.apply(&action).expect("applies");
        }
    }
    // One document done and one under way, so exports carry each status.
    for (doc, status) in [
        (0, DocumentStatus::Done),
        (TRICKY, DocumentStatus::InProgress),
    ] {
        let action = ws.plan_status(doc, status).expect("a sample document");
        ws.apply(&action).expect("applies");
    }
    ws
}

/// The annotations of [`workspace`] that name an entity, and its name:
/// one entity across two documents and names in emoji, CJK and Hebrew.
pub const ENTITIES: &[(usize, &str, &str)] = &[
    (0, "legacy id #1", "Alexander Lavrentiev"),
    (
        0,
        "00000000000000000000000000000002",
        "Alexander Lavrentiev",
    ),
    (2, "00000000000000000000000000000006", "Kazakhstan 🇰🇿"),
    (1, "00000000000000000000000000000003", "Kazakhstan 🇰🇿"),
    (TRICKY, "0000000000000000000000000000000e", "叙利亚 Syria"),
    (TRICKY, "00000000000000000000000000000010", "שלום, “world”"),
];

/// [`workspace`] with the [`ENTITIES`] linked.
pub fn with_entities() -> Workspace {
    let mut ws = workspace();
    for &(doc, id, name) in ENTITIES {
        let action = ws.plan_entity(doc, id, name).expect("a sample annotation");
        ws.apply(&action).expect("applies");
    }
    ws
}

/// Every document position of `ws`.
pub fn all(ws: &Workspace) -> Vec<usize> {
    (0..ws.document_count()).collect()
}

/// The relations of [`with_relations`]: (document, from, to, type, note).
/// None has an end that an export cuts or leaves out (a span over a line
/// break or of only white space), so each comes back whole; the notes hold
/// emoji, CJK, a tab and a line break.
pub const RELATIONS: &[(usize, &str, &str, &str, Option<&str>)] = &[
    (
        0,
        "legacy id #1",
        "00000000000000000000000000000000",
        "member of",
        Some("heads the delegation 🇷🇺"),
    ),
    (
        2,
        "00000000000000000000000000000005",
        "00000000000000000000000000000006",
        "located in",
        None,
    ),
    (
        TRICKY,
        "0000000000000000000000000000000a",
        "0000000000000000000000000000000e",
        "located in",
        Some("家族\tin\nSyria"),
    ),
    (
        TRICKY,
        "00000000000000000000000000000010",
        "00000000000000000000000000000012",
        "says",
        None,
    ),
    (
        TRICKY,
        "00000000000000000000000000000007",
        "00000000000000000000000000000008",
        "takes part in",
        None,
    ),
];

/// [`with_entities`] with the [`RELATIONS`], each made at [`CREATED`] with
/// the id `r<n>`.
pub fn with_relations() -> Workspace {
    let mut ws = with_entities();
    for (n, &(doc, from, to, kind, note)) in RELATIONS.iter().enumerate() {
        let id = format!("r{n}");
        let action = ws
            .plan_relate(doc, from, to, kind, id.clone(), CREATED.into())
            .expect("a valid sample relation");
        ws.apply(&action).expect("applies");
        if let Some(note) = note {
            let action = ws
                .plan_relation_note(doc, &id, note)
                .expect("a sample relation note");
            ws.apply(&action).expect("applies");
        }
    }
    ws
}

/// A relation as a reader sees it, whatever the ids: (document id, the
/// start, end and label of its ends, its type, its note).
pub type SeenRelation = (
    String,
    (usize, usize, String),
    String,
    (usize, usize, String),
    Option<String>,
);

/// Every relation of `ws` as [`SeenRelation`]s, sorted.
pub fn seen_relations(ws: &Workspace) -> Vec<SeenRelation> {
    let mut seen: Vec<SeenRelation> = (0..ws.document_count())
        .flat_map(|doc| {
            let annotations = ws.annotations(doc).expect("a document");
            let end = move |id: &str| {
                let a = annotations.get(id).expect("an end of the relation");
                (a.start, a.end, a.label.clone())
            };
            ws.relations(doc).unwrap_or_default().iter().map(move |r| {
                (
                    r.document_id.clone(),
                    end(&r.from),
                    r.kind.clone(),
                    end(&r.to),
                    r.note.clone(),
                )
            })
        })
        .collect();
    seen.sort();
    seen
}
