use std::time::Instant;

use super::*;
use crate::model::{default_labels, seed_documents, text, Document, EditError, ToTag};

fn workspace_of(texts: &[&str]) -> Workspace {
    let documents = texts
        .iter()
        .enumerate()
        .map(|(i, t)| Document::new(format!("d{i}"), format!("d{i}.txt"), *t))
        .collect();
    Workspace::new(documents, default_labels())
}

fn seeds() -> Workspace {
    Workspace::new(seed_documents(), default_labels())
}

fn plain() -> SearchOptions {
    SearchOptions::default()
}

fn spans(found: &Found) -> Vec<(usize, usize, usize)> {
    found
        .matches
        .iter()
        .map(|m| (m.document, m.start, m.end))
        .collect()
}

/// Every match's quote is the text at its code points.
fn assert_quotes_hold(ws: &Workspace, found: &Found) {
    for m in &found.matches {
        let text = &ws.document(m.document).unwrap().text;
        assert_eq!(text::slice(text, m.start, m.end), Some(m.quote.as_str()));
    }
}

#[test]
fn plain_search_folds_case_in_every_document() {
    let ws = seeds();
    let query = Query::new("astana", plain()).unwrap();
    let found = query.find(&ws, 0..3);
    let per_document: Vec<usize> = (0..3)
        .map(|d| found.matches.iter().filter(|m| m.document == d).count())
        .collect();
    assert_eq!(per_document, [1, 5, 7]);
    assert!(found.matches.iter().all(|m| m.quote == "Astana"));
    assert_eq!(found.matches[1].document_id, "001_c07fc3de27d30260");
    assert!(!found.capped);
    assert_quotes_hold(&ws, &found);
    assert_eq!(query.find(&ws, [2]).matches.len(), 7, "one document");
    let exact = SearchOptions {
        match_case: true,
        ..plain()
    };
    assert!(Query::new("astana", exact)
        .unwrap()
        .find(&ws, 0..3)
        .matches
        .is_empty());
}

#[test]
fn offsets_are_code_points_after_emoji_cjk_rtl_and_combining_marks() {
    let text = "👨‍👩‍👧 family: ÉCOLE, 東京タワー and שָׁלוֹם; cafe\u{301} or café, Straße";
    let ws = workspace_of(&[text]);
    let at = |needle: &str| {
        let found = Query::new(needle, plain()).unwrap().find(&ws, [0]);
        assert_quotes_hold(&ws, &found);
        found
            .matches
            .iter()
            .map(|m| (m.start, m.end, m.quote.clone()))
            .collect::<Vec<_>>()
    };
    // The family emoji is five code points (three people, two joiners).
    assert_eq!(at("école"), [(14, 19, "ÉCOLE".to_string())]);
    assert_eq!(at("タワー"), [(23, 26, "タワー".to_string())]);
    assert_eq!(at("שָׁלוֹם"), [(31, 38, "שָׁלוֹם".to_string())]);
    assert_eq!(
        at("café"),
        [(49, 53, "café".to_string())],
        "the precomposed é only: e with a combining accent is another letter"
    );
    assert!(
        at("cafe").is_empty(),
        "a match never splits a letter from its accent"
    );
    assert_eq!(at("STRASSE"), [], "simple case folding: ß is not ss");
    assert_eq!(at("straße"), [(55, 61, "Straße".to_string())]);
    assert_eq!(at("👩"), [], "nor a person from their family");
}

#[test]
fn article_001_curly_quotes_and_no_break_spaces_are_found_where_they_are() {
    let ws = seeds();
    let found = Query::new("“de-facto”", plain()).unwrap().find(&ws, [1]);
    assert_eq!(spans(&found), [(1, 941, 951)]);
    let text = &ws.document(1).unwrap().text;
    let nbsp = text
        .find('\u{a0}')
        .expect("article 001 has a no-break space");
    let around = &text[nbsp - 5..nbsp + 7];
    let found = Query::new(around, plain()).unwrap().find(&ws, [1]);
    assert_eq!(found.matches.len(), 1);
    assert_eq!(found.matches[0].start, text::char_len(&text[..nbsp - 5]));
    let spaced = around.replace('\u{a0}', " ");
    assert!(
        Query::new(&spaced, plain())
            .unwrap()
            .find(&ws, [1])
            .matches
            .is_empty(),
        "a space is not a no-break space"
    );
}

#[test]
fn whole_words_are_the_words_of_word_snapping() {
    let ws = workspace_of(&["Russia’s envoy, the Russian delegation and russia. Russias"]);
    let whole = SearchOptions {
        whole_word: true,
        ..plain()
    };
    let found = Query::new("russia", whole).unwrap().find(&ws, [0]);
    assert_eq!(
        found
            .matches
            .iter()
            .map(|m| m.quote.as_str())
            .collect::<Vec<_>>(),
        ["Russia", "russia"],
        "the possessive is a word of its own; Russian and Russias are other words"
    );
    assert_eq!(spans(&found), [(0, 0, 6), (0, 43, 49)]);
    assert_eq!(
        Query::new("russia", plain())
            .unwrap()
            .find(&ws, [0])
            .matches
            .len(),
        4
    );
    let cjk = workspace_of(&["東京タワーに行く"]);
    assert_eq!(
        Query::new("タワー", whole)
            .unwrap()
            .find(&cjk, [0])
            .matches
            .len(),
        1,
        "katakana makes a word of its own"
    );
}

#[test]
fn regular_expressions_and_their_errors() {
    let ws = seeds();
    let regex = SearchOptions {
        regex: true,
        ..plain()
    };
    let found = Query::new(r"lavrentiev|astana", regex)
        .unwrap()
        .find(&ws, 0..3);
    assert!(found.matches.iter().any(|m| m.quote == "Lavrentiev"));
    assert_eq!(
        found.matches.iter().filter(|m| m.quote == "Astana").count(),
        13
    );
    assert_quotes_hold(&ws, &found);
    assert_eq!(
        Query::new("(Astana", regex).unwrap_err().to_string(),
        "“(Astana” is not a valid regular expression: unclosed group"
    );
    assert_eq!(
        Query::new(r"\p{Nope}", regex).unwrap_err().to_string(),
        "“\\p{Nope}” is not a valid regular expression: Unicode classes (\\p{…}) are not \
         supported; \\w, \\d and \\s match letters, digits and spaces of every script",
        "the app's build has no class tables (the browser test tries \\p{{Greek}}); \
         the tests' build has them through proptest, so a class that exists nowhere stands in"
    );
    let greek = Query::new(r"\w+", regex)
        .unwrap()
        .find(&workspace_of(&["ΑΘΗΝΑ 中文 שלום"]), 0..1);
    assert_eq!(
        greek
            .matches
            .iter()
            .map(|m| m.quote.as_str())
            .collect::<Vec<_>>(),
        ["ΑΘΗΝΑ", "中文", "שלום"],
        "\\w is Unicode-aware without the class tables"
    );
    assert_eq!(
        Query::new(r"\w{1000}{1000}", regex).unwrap_err(),
        SearchError::TooLarge
    );
    assert_eq!(Query::new("", regex).unwrap_err(), SearchError::Empty);
    assert!(
        Query::new("(Astana", plain()).is_ok(),
        "plain text is not a pattern"
    );
    let empty = Query::new("x*", regex).unwrap().find(&ws, 0..3);
    assert!(
        empty.matches.iter().all(|m| m.start < m.end),
        "no empty spans"
    );
}

#[test]
fn a_pathological_pattern_does_not_hang() {
    let text = "a".repeat(1 << 20);
    let ws = workspace_of(&[&text]);
    let regex = SearchOptions {
        regex: true,
        ..plain()
    };
    let started = Instant::now();
    let found = Query::new("(a*)*b", regex).unwrap().find(&ws, [0]);
    assert!(found.matches.is_empty());
    // A backtracking engine takes longer than the universe's age here.
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

#[test]
fn matches_are_capped_and_say_so() {
    let text = "ab ".repeat(MAX_MATCHES + 10);
    let ws = workspace_of(&[&text, "ab"]);
    let found = Query::new("ab", plain()).unwrap().find(&ws, 0..2);
    assert_eq!(found.matches.len(), MAX_MATCHES);
    assert!(found.capped);
    assert_eq!(found.matches.last().unwrap().start, 3 * (MAX_MATCHES - 1));
}

#[test]
fn context_is_a_few_whole_words_on_the_same_line() {
    let ws = workspace_of(&[
        "Title line\nthe talks were held in the Kazakh capital Astana on Tuesday and Wednesday with delegations present",
    ]);
    let text = &ws.document(0).unwrap().text;
    let found = Query::new("astana", plain()).unwrap().find(&ws, [0]);
    assert_eq!(
        found.matches[0].context(text),
        (
            "talks were held in the Kazakh capital ".to_string(),
            " on Tuesday and Wednesday with".to_string()
        )
    );
    let first = Query::new("title", plain()).unwrap().find(&ws, [0]);
    assert_eq!(
        first.matches[0].context(text),
        (String::new(), " line".to_string())
    );
    // Read against another text (the document was replaced since), it is
    // empty rather than wrong.
    assert_eq!(
        found.matches[0].context("Astana"),
        (String::new(), String::new())
    );
}

#[test]
fn gazetteer_lines_are_checked_with_their_numbers() {
    let ws = seeds();
    let list = "Astana\tLocation\n\nLavrentiev\tPerson\nRussia Location\n\tPerson\nTurkey\tCountry\n  Iran \t Location \n";
    let gazetteer = Gazetteer::parse(list, &ws);
    assert_eq!(
        gazetteer
            .entries
            .iter()
            .map(|e| (e.term.as_str(), e.label.as_str()))
            .collect::<Vec<_>>(),
        [
            ("Astana", "Location"),
            ("Lavrentiev", "Person"),
            ("Iran", "Location")
        ]
    );
    let reasons: Vec<String> = gazetteer
        .bad_lines
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        reasons,
        [
            "line 4 has no tab between the term and its label",
            "line 5 has no term before its tab",
            "line 6: there is no label “Country”",
        ]
    );
    let (candidates, capped) = gazetteer.find(&ws);
    assert!(!capped);
    let count = |label: &str, quote: &str| {
        candidates
            .iter()
            .filter(|c| c.label == label && c.found.quote == quote)
            .count()
    };
    assert_eq!(count("Location", "Astana"), 13);
    assert!(count("Person", "Lavrentiev") >= 4);
    assert!(count("Location", "Iran") > 0);
    assert!(
        candidates.iter().all(|c| c.found.quote != "Iranian"),
        "whole words only"
    );
}

fn to_tag<'a>(found: &'a Found, label: &'a str) -> Vec<ToTag<'a>> {
    found
        .matches
        .iter()
        .map(|m| ToTag {
            document: m.document,
            start: m.start,
            end: m.end,
            label,
        })
        .collect()
}

fn ids() -> impl FnMut() -> String {
    let mut next = 0;
    move || {
        next += 1;
        format!("t{next}")
    }
}

#[test]
fn tag_all_is_one_undo_step_that_skips_what_is_already_tagged() {
    let mut ws = seeds();
    let found = Query::new("astana", plain()).unwrap().find(&ws, 0..3);
    let first = &found.matches[0];
    let before = ws
        .plan_annotate(
            first.document,
            first.start..first.end,
            "Location",
            "old".into(),
            "t".into(),
        )
        .unwrap();
    ws.apply(&before).unwrap();
    let other = &found.matches[1];
    let retagged = ws
        .plan_annotate(
            other.document,
            other.start..other.end,
            "Event",
            "event".into(),
            "t".into(),
        )
        .unwrap();
    ws.apply(&retagged).unwrap();
    let mut spans = to_tag(&found, "Location");
    spans.push(spans[3]);
    let plan = ws.plan_tag_all(&spans, ids(), "now").unwrap();
    assert_eq!(
        (plan.tagged, plan.skipped),
        (12, 2),
        "one tagged before, one listed twice"
    );
    let action = plan.action.unwrap();
    assert_eq!(action.describe(), "tag 12 spans");
    let saved: Vec<_> = ws.all_annotations().cloned().collect();
    ws.apply(&action).unwrap();
    assert_eq!(ws.all_annotations().count(), 14);
    assert!(found
        .matches
        .iter()
        .all(|m| ws.is_tagged(m.document, m.start, m.end, "Location")));
    assert!(ws.is_tagged(other.document, other.start, other.end, "Event"));
    ws.apply(&action.inverse()).unwrap();
    assert_eq!(ws.all_annotations().cloned().collect::<Vec<_>>(), saved);

    let nothing = ws
        .plan_tag_all(&to_tag(&found, "Location")[..1], ids(), "now")
        .unwrap();
    assert_eq!(
        (nothing.action, nothing.tagged, nothing.skipped),
        (None, 0, 1)
    );
    assert_eq!(
        ws.plan_tag_all(&to_tag(&found, "Nope"), ids(), "now"),
        Err(EditError::UnknownLabel("Nope".into()))
    );
    let past = ToTag {
        document: 0,
        start: 0,
        end: 1 << 30,
        label: "Location",
    };
    assert!(ws.plan_tag_all(&[past], ids(), "now").is_err());
}

#[test]
fn tag_all_over_unicode_text_quotes_what_was_found() {
    let mut ws = workspace_of(&["👨‍👩‍👧 Ünïcode — Ünïcode; שָׁלוֹם Ünïcode"]);
    let found = Query::new("ünïcode", plain()).unwrap().find(&ws, [0]);
    let plan = ws
        .plan_tag_all(&to_tag(&found, "Event"), ids(), "now")
        .unwrap();
    ws.apply(&plan.action.unwrap()).unwrap();
    let spans: Vec<(usize, usize, &str)> = ws
        .all_annotations()
        .map(|a| (a.start, a.end, a.quote.as_str()))
        .collect();
    assert_eq!(
        spans,
        [(6, 13, "Ünïcode"), (16, 23, "Ünïcode"), (33, 40, "Ünïcode")]
    );
}

#[test]
fn many_spans_are_tagged_and_untagged_as_one_at_a_time_would() {
    let mut ws = seeds();
    ws.apply(
        &ws.plan_annotate(1, 0..5, "Event", "old".into(), "t".into())
            .unwrap(),
    )
    .unwrap();
    let found = Query::new("the", plain()).unwrap().find(&ws, 0..3);
    assert!(found.matches.len() > 100, "enough for a batch");
    let action = ws
        .plan_tag_all(&to_tag(&found, "Date"), ids(), "now")
        .unwrap()
        .action
        .unwrap();
    let mut one_by_one = ws.clone();
    for step in &action.steps {
        one_by_one
            .apply(&crate::model::Action::step(step.clone()))
            .unwrap();
    }
    let before: Vec<_> = ws.all_annotations().cloned().collect();
    let applied = ws.apply(&action).unwrap();
    assert_eq!(applied.changes.len(), action.steps.len());
    let all = |w: &Workspace| w.all_annotations().cloned().collect::<Vec<_>>();
    assert_eq!(all(&ws), all(&one_by_one));
    assert!(ws.has_annotation("t1") && ws.annotations(0).unwrap().get("t1").is_some());
    ws.apply(&action.inverse()).unwrap();
    assert_eq!(all(&ws), before);
    assert!(!ws.has_annotation("t1"));

    // A batch with one bad step changes nothing.
    let mut bad = action.clone();
    bad.steps[40].after.as_mut().unwrap().quote = "not the text".into();
    assert!(ws.apply(&bad).is_err());
    assert_eq!(all(&ws), before);
    let mut twice = action.clone();
    let first = twice.steps[0].clone();
    twice.steps.push(first);
    assert!(matches!(ws.apply(&twice), Err(EditError::DuplicateId(_))));
    assert_eq!(all(&ws), before);
    ws.apply(&action).unwrap();
    let mut stale = action.inverse();
    stale.steps[3].before.as_mut().unwrap().label = "Person".into();
    assert!(ws.apply(&stale).is_err());
    assert_eq!(
        all(&ws),
        all(&one_by_one),
        "a refused removal keeps them all"
    );
}

/// The matches of `query` in `text`: code points, quote and bytes.
fn found_in(query: &Query, text: &str) -> Vec<(usize, usize, String, Range<usize>)> {
    query.find_in(text).collect()
}

/// Plain text that is found byte for byte (ASCII, or any text with case)
/// is found exactly where the regex engine finds it, folding case or not,
/// in text where byte, UTF-16 and code-point offsets differ and where the
/// Kelvin sign and the long s fold to ASCII letters.
#[test]
fn plain_text_is_found_byte_for_byte_where_the_regex_engine_finds_it() {
    let samples = [
        ("sKs ſ\u{212A} kSſ", "ks"),
        ("Russia’s RUSSIA\u{a0}russia👩‍👩‍👧ruſſia", "russia"),
        ("e\u{301}te\u{301} ete", "e"),
        ("Straße STRASSE strasse", "ss"),
        ("中文 ab AB aB", "ab"),
    ];
    for (text, needle) in samples {
        for match_case in [false, true] {
            for whole_word in [false, true] {
                let options = SearchOptions {
                    match_case,
                    whole_word,
                    regex: false,
                };
                let literal = Query::new(needle, options).expect("a plain pattern");
                assert!(matches!(literal.engine, Engine::Literal(_)));
                let regex = Query {
                    engine: Engine::Regex(build(&regex::escape(needle), !match_case).unwrap()),
                    whole_word,
                };
                assert_eq!(
                    found_in(&literal, text),
                    found_in(&regex, text),
                    "{needle:?} in {text:?}, {options:?}"
                );
            }
        }
    }
    // The Kelvin sign and the long s are found as k and s.
    let query = Query::new("ks", plain()).unwrap();
    let quotes: Vec<String> = found_in(&query, "sKs ſ\u{212A} kSſ")
        .into_iter()
        .map(|m| m.2)
        .collect();
    assert_eq!(quotes, ["Ks", "kS"]);
    let query = Query::new("k", plain()).unwrap();
    assert_eq!(found_in(&query, "\u{212A}").len(), 1);
}

/// Text beyond ASCII, with case ignored, goes to the regex engine.
#[test]
fn plain_text_beyond_ascii_folds_case_by_unicode() {
    let query = Query::new("ΣΟΦΊΑ", plain()).unwrap();
    assert!(matches!(query.engine, Engine::Regex(_)));
    assert_eq!(found_in(&query, "σοφία Σοφία").len(), 2);
    let exact = SearchOptions {
        match_case: true,
        ..plain()
    };
    let query = Query::new("Σοφία", exact).unwrap();
    assert!(matches!(query.engine, Engine::Literal(_)));
    assert_eq!(found_in(&query, "σοφία Σοφία").len(), 1);
}

#[cfg(not(target_arch = "wasm32"))]
mod same_as_regex {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Random texts of letters that fold to ASCII ones, emoji, CJK,
        /// RTL, combining marks and curly quotes, and random needles.
        #[test]
        fn plain_text_is_found_where_the_regex_engine_finds_it(
            text in "(a|A|k|K|s|S|ſ|\u{212A}|e|\u{301}|ß|👩‍👩‍👧|中|ع|“|’|\u{a0}| |\n){0,80}",
            needle in "(a|A|k|K|s|S|e|ſ|\u{212A}|’| ){1,3}",
            match_case in any::<bool>(),
            whole_word in any::<bool>(),
        ) {
            let options = SearchOptions { match_case, whole_word, regex: false };
            let query = Query::new(&needle, options).unwrap();
            let regex = Query {
                engine: Engine::Regex(build(&regex::escape(&needle), !match_case).unwrap()),
                whole_word,
            };
            prop_assert_eq!(found_in(&query, &text), found_in(&regex, &text));
        }
    }
}
