//! The annotation list beside the article, and notes.
//!
//! `annotation_list`: annotations made out of order are listed in text order
//! with label and quote, counted per label, filtered by label and by text
//! (quote or note, ignoring case); a click, Enter or Space on an entry opens
//! its details; a note typed there shows in the list and in the export,
//! survives a reload, and Ctrl+Z takes it back.
//!
//! `long_list`: a document with 20,000 annotations lists one page of them,
//! counts every label, filters and shows more, each within a bound.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::Client;
use serde::Deserialize;
use serde_json::{json, Value};
// Planted as the previous version stored them: loading moves them on.
use span_core::format::stored::v1::{bucket_key, documents_key, text_key};
// Version 1 bucketed as version 2 did.
use span_core::format::stored::{text_hash, v2::bucket_of};

use crate::support::app::{
    code_points, detail_card_ids, doc_item, export_json, open_document, open_seed,
    store_and_reload, wait_for_app, wait_for_highlights,
};
use crate::support::browser::Session;
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{wait_until, Context, Failure, Res};
use crate::{ensure, ensure_eq, in_every_browser};

const DOC: &str = "000_941015829bfed30d";

in_every_browser!(
    chromium_annotation_list,
    firefox_annotation_list,
    webkit_annotation_list,
    annotation_list
);
in_every_browser!(
    chromium_annotation_list_long,
    firefox_annotation_list_long,
    webkit_annotation_list_long,
    long_list
);

/// One entry of the list, as the page shows it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
struct Entry {
    id: String,
    label: String,
    quote: String,
    note: Option<String>,
}

/// The list's entries, in the page's order.
const ENTRIES_JS: &str = r#"
return [...document.querySelectorAll('[data-testid="annotation-list"] [data-testid="annotation-entry"]')]
  .map(el => ({
    id: el.getAttribute("data-ann-id"),
    label: el.getAttribute("data-label"),
    quote: el.querySelector(".entry-quote").textContent,
    note: el.querySelector(".entry-note") ? el.querySelector(".entry-note").textContent : null,
  }));
"#;

/// Waits until the list shows exactly `expected`.
async fn wait_for_entries(client: &Client, what: &str, expected: &[Entry]) -> Res<()> {
    wait_until(what, STEP_TIMEOUT, || async {
        let shown: Vec<Entry> = page::eval(client, ENTRIES_JS, vec![]).await?;
        if shown == expected {
            Ok(Some(()))
        } else {
            Err(Failure(format!("the list shows {shown:?}")))
        }
    })
    .await
}

/// The count on each label filter, by label, and on "All" as `""`.
async fn counts(client: &Client) -> Res<BTreeMap<String, usize>> {
    let pairs: Vec<(String, String)> = page::eval(
        client,
        r#"const list = document.querySelector('[data-testid="annotation-list"]');
           const all = list.querySelector('[data-testid="annotation-filter-all"]');
           return [["", all.getAttribute("data-count")],
             ...[...list.querySelectorAll('[data-testid="annotation-filter"]')]
               .map(el => [el.getAttribute("data-label"), el.getAttribute("data-count")])];"#,
        vec![],
    )
    .await?;
    pairs
        .into_iter()
        .map(|(label, n)| Ok((label, n.parse().context("a count")?)))
        .collect()
}

async fn wait_for_counts(client: &Client, expected: &BTreeMap<String, usize>) -> Res<()> {
    wait_until("the label counts", STEP_TIMEOUT, || async {
        let shown = counts(client).await?;
        if shown == *expected {
            Ok(Some(()))
        } else {
            Err(Failure(format!("counts shown: {shown:?}")))
        }
    })
    .await
}

/// Waits until the details panel lists exactly the annotations `ids`.
async fn wait_for_details(client: &Client, what: &str, ids: &[&str]) -> Res<()> {
    wait_until(what, STEP_TIMEOUT, || async {
        let shown = detail_card_ids(client).await?;
        if shown == ids {
            Ok(Some(()))
        } else {
            Err(Failure(format!("details list {shown:?}")))
        }
    })
    .await
}

fn note_input(id: &str) -> String {
    format!(
        "{} section[data-ann-id=\"{id}\"] {}",
        testid("annotation-details"),
        testid("note-input")
    )
}

/// Waits until the note field of annotation `id` in the details holds `note`.
async fn wait_for_note_field(client: &Client, id: &str, note: &str) -> Res<()> {
    wait_until(
        &format!("the note field of {id} to read {note:?}"),
        STEP_TIMEOUT,
        || async {
            let value: Option<String> = page::eval(
                client,
                "const el = document.querySelector(arguments[0]); return el ? el.value : null;",
                vec![json!(note_input(id))],
            )
            .await?;
            match value {
                Some(v) if v == note => Ok(Some(())),
                other => Err(Failure(format!("it reads {other:?}"))),
            }
        },
    )
    .await
}

fn entry(id: &str) -> String {
    format!(
        "{} {}[data-ann-id=\"{id}\"]",
        testid("annotation-list"),
        testid("annotation-entry")
    )
}

fn chip(label: &str) -> String {
    format!(
        "{} {}[data-label=\"{label}\"]",
        testid("annotation-list"),
        testid("annotation-filter")
    )
}

/// The `data-ann-id` of the focused element.
async fn focused(client: &Client) -> Res<Option<String>> {
    page::eval(
        client,
        "return document.activeElement ? document.activeElement.getAttribute('data-ann-id') : null;",
        vec![],
    )
    .await
}

async fn type_into(client: &Client, selector: &str, text: &str) -> Res<()> {
    page::click(client, selector).await?;
    page::type_text(client, text).await
}

async fn backspace(client: &Client, times: usize) -> Res<()> {
    for _ in 0..times {
        page::press_key(client, Key::Backspace.into()).await?;
    }
    Ok(())
}

async fn annotation_list(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;

    // Made out of text order; listed in text order.
    let mut made: Vec<(usize, Entry)> = Vec::new();
    for (needle, key, label) in [
        ("Astana", '3', "Location"),
        ("Alexander Lavrentiev", '1', "Person"),
        ("Russia", '3', "Location"),
        ("Bashar al Assad", '1', "Person"),
    ] {
        let (start, end) = code_points(&text, needle)?;
        page::drag_select(client, &text, start, end).await?;
        page::press_key(client, key).await?;
        let count = made.len() + 1;
        let shown = wait_for_highlights(client, &format!("highlight of {needle:?}"), |h| {
            h.len() == count
        })
        .await?;
        let id = shown
            .keys()
            .find(|id| made.iter().all(|(_, e)| e.id != **id))
            .context("a new id")?
            .clone();
        let quote = needle.to_string();
        let label = label.to_string();
        let note = None;
        made.push((
            start,
            Entry {
                id,
                label,
                quote,
                note,
            },
        ));
    }
    made.sort_by_key(|(start, _)| *start);
    let mut all: Vec<Entry> = made.into_iter().map(|(_, e)| e).collect();
    let [russia, lavrentiev, astana] = [0, 1, 2].map(|i| all[i].id.clone());
    wait_for_entries(client, "the list in text order", &all).await?;

    let expected: BTreeMap<String, usize> = [
        ("", 4),
        ("Person", 2),
        ("Organization", 0),
        ("Location", 2),
        ("Date", 0),
        ("Quantity", 0),
        ("Event", 0),
    ]
    .into_iter()
    .map(|(l, n)| (l.to_string(), n))
    .collect();
    wait_for_counts(client, &expected).await?;

    // By label: on, and off again.
    page::click(client, &chip("Person")).await?;
    let persons: Vec<Entry> = all
        .iter()
        .filter(|e| e.label == "Person")
        .cloned()
        .collect();
    wait_for_entries(client, "only Persons", &persons).await?;
    let pressed: Option<String> = page::eval(
        client,
        "return document.querySelector(arguments[0]).getAttribute('aria-pressed');",
        vec![json!(chip("Person"))],
    )
    .await?;
    ensure_eq!(
        pressed.as_deref(),
        Some("true"),
        "the Person filter is pressed"
    );
    wait_for_counts(client, &expected).await?;
    page::click(client, &chip("Person")).await?;
    wait_for_entries(client, "every label again", &all).await?;

    // By text, ignoring case.
    type_into(client, &testid("annotation-search"), "LAV").await?;
    wait_for_entries(client, "only the quote with “lav”", &all[1..2]).await?;
    backspace(client, 3).await?;
    wait_for_entries(client, "everything once the search is empty", &all).await?;

    // A click opens the details; Escape closes them; Tab then Enter, and
    // Tab then Space, open the next ones.
    page::click(client, &entry(&russia)).await?;
    wait_for_details(client, "the clicked entry's details", &[&russia]).await?;
    page::press_key(client, Key::Escape.into()).await?;
    wait_for_details(client, "the details to close", &[]).await?;
    client
        .execute(
            "document.querySelector(arguments[0]).focus();",
            vec![json!(entry(&russia))],
        )
        .await
        .context("focusing the first entry")?;
    page::press_key(client, Key::Tab.into()).await?;
    ensure_eq!(
        focused(client).await?,
        Some(lavrentiev.clone()),
        "focus after Tab"
    );
    page::press_key(client, Key::Enter.into()).await?;
    wait_for_details(client, "Enter to open the focused entry", &[&lavrentiev]).await?;
    page::press_key(client, Key::Tab.into()).await?;
    ensure_eq!(
        focused(client).await?,
        Some(astana.clone()),
        "focus after the second Tab"
    );
    page::press_key(client, ' ').await?;
    wait_for_details(client, "Space to open the focused entry", &[&astana]).await?;

    // A note, typed with digits that must not tag anything, saved on leaving
    // the field.
    let note = "Capital of Kazakhstan since 1997";
    type_into(client, &note_input(&astana), note).await?;
    page::press_key(client, Key::Tab.into()).await?;
    all[2].note = Some(note.to_string());
    wait_for_entries(client, "the note in the list", &all).await?;
    wait_for_counts(client, &expected).await?;

    // The text filter looks in notes too.
    type_into(client, &testid("annotation-search"), "KAZAKH").await?;
    wait_for_entries(client, "only the entry whose note matches", &all[2..3]).await?;
    backspace(client, 6).await?;
    wait_for_entries(client, "everything again", &all).await?;

    let (_, export) = export_json(&session).await?;
    let notes: BTreeMap<String, Option<String>> = export["annotations"]
        .as_array()
        .context("annotations list")?
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap_or_default().to_string(),
                a.get("note").and_then(Value::as_str).map(str::to_string),
            )
        })
        .collect();
    let expected_notes: BTreeMap<String, Option<String>> =
        all.iter().map(|e| (e.id.clone(), e.note.clone())).collect();
    ensure_eq!(notes, expected_notes, "notes in the export");
    ensure!(
        export["annotations"].as_array().is_some_and(|a| a
            .iter()
            .filter(|a| a.get("note").is_some())
            .count()
            == 1),
        "only the annotation with a note has a `note` field"
    );

    // Kept across a reload, in the list and in the details.
    client.refresh().await.context("reloading")?;
    wait_for_app(client).await?;
    open_document(client, DOC, &text).await?;
    wait_for_entries(client, "the note after a reload", &all).await?;
    page::click(client, &entry(&astana)).await?;
    wait_for_note_field(client, &astana, note).await?;

    // A second note, taken back with Ctrl+Z.
    page::click(client, &entry(&lavrentiev)).await?;
    wait_for_details(client, "Lavrentiev's details", &[&lavrentiev]).await?;
    let second = "Russian envoy";
    type_into(client, &note_input(&lavrentiev), second).await?;
    page::press_key(client, Key::Tab.into()).await?;
    all[1].note = Some(second.to_string());
    wait_for_entries(client, "the second note in the list", &all).await?;
    page::press_chord(client, &[Key::Control], 'z').await?;
    all[1].note = None;
    wait_for_entries(client, "Ctrl+Z to take the second note back", &all).await?;
    wait_for_note_field(client, &lavrentiev, "").await?;

    client.refresh().await.context("reloading")?;
    wait_for_app(client).await?;
    open_document(client, DOC, &text).await?;
    wait_for_entries(client, "the first note only, after a reload", &all).await?;
    Ok(())
}

const LONG_DOC: &str = "long-list-test";
const LONG_SPANS: usize = 20_000;
const LABELS: [&str; 3] = ["Person", "Location", "Event"];
/// How many entries the list puts in the page at a time.
const PAGE: usize = 200;
/// How long one filter or page may take to show, typing and WebDriver round
/// trips included, on a busy two-core machine.
const FAST: Duration = Duration::from_secs(3);

/// 1,100 lines of one 19-word sentence, and a one-word span on each of the
/// first `LONG_SPANS` words, labelled in turn Person, Location, Event.
fn long_document() -> (String, Vec<(usize, usize, String)>) {
    let line = "Talks in Astana ended on Friday and Lavrentiev said the zones near Idlib need finalising before August talks resume.\n";
    let text = line.repeat(1_100);
    let chars: Vec<char> = text.chars().collect();
    let spans = (0..chars.len())
        .filter(|&i| chars[i].is_alphabetic() && (i == 0 || !chars[i - 1].is_alphabetic()))
        .take(LONG_SPANS)
        .map(|start| {
            let end = (start..chars.len())
                .find(|&j| !chars[j].is_alphabetic())
                .unwrap_or(chars.len());
            (start, end, chars[start..end].iter().collect())
        })
        .collect();
    (text, spans)
}

/// Waits until the summary reads `summary` and the list holds `entries`
/// entries, and says how long that took from `since`.
async fn wait_for_page(
    client: &Client,
    what: &str,
    summary: &str,
    entries: usize,
    since: Instant,
) -> Res<Duration> {
    wait_until(what, STEP_TIMEOUT, || async {
        let (shown, count): (Option<String>, usize) = page::eval(
            client,
            r#"const list = document.querySelector('[data-testid="annotation-list"]');
               const summary = list.querySelector('[data-testid="annotation-summary"]');
               return [summary ? summary.textContent : null,
                       list.querySelectorAll('[data-testid="annotation-entry"]').length];"#,
            vec![],
        )
        .await?;
        if shown.as_deref() == Some(summary) && count == entries {
            Ok(Some(since.elapsed()))
        } else {
            Err(Failure(format!("summary {shown:?}, {count} entries")))
        }
    })
    .await
}

async fn long_list(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let (text, spans) = long_document();
    ensure_eq!(spans.len(), LONG_SPANS, "spans generated");
    let hash = text_hash(&text);
    let mut buckets: BTreeMap<u32, Vec<Value>> = BTreeMap::new();
    for (n, (start, end, _)) in spans.iter().enumerate() {
        let id = format!("{n:032x}");
        buckets.entry(bucket_of(&id)).or_default().push(json!([
            id,
            start,
            end,
            LABELS[n % 3],
            "2026-11-22T10:00:00.000Z"
        ]));
    }
    let mut items = vec![
        (
            documents_key(),
            json!({"version": 1, "documents": [
            {"id": LONG_DOC, "file_name": "long-list.txt", "title": "A long list"}]})
            .to_string(),
        ),
        (
            text_key(LONG_DOC),
            json!({"version": 1, "document_id": LONG_DOC, "text": text}).to_string(),
        ),
    ];
    for (bucket, annotations) in buckets {
        let record = json!({"version": 1, "document_id": LONG_DOC, "bucket": bucket,
            "text_hash": hash, "annotations": annotations});
        items.push((bucket_key(LONG_DOC, bucket), record.to_string()));
    }

    client.goto(&url).await.context("opening the app")?;
    wait_for_app(client).await?;
    store_and_reload(client, &items).await?;
    wait_until("the long document to be listed", STEP_TIMEOUT, || async {
        match page::text_content(client, &doc_item(LONG_DOC)).await? {
            Some(item) if item.contains("20000 annotations") => Ok(Some(())),
            other => Err(Failure(format!("item reads {other:?}"))),
        }
    })
    .await?;

    let opened = Instant::now();
    open_document(client, LONG_DOC, &text).await?;
    let took = wait_for_page(
        client,
        "the first page of the long list",
        "The first 200 of 20000 are shown.",
        PAGE,
        opened,
    )
    .await?;
    println!("[{}] opening, list included: {took:?}", session.kind.name());
    let expected: BTreeMap<String, usize> = [
        ("", LONG_SPANS),
        ("Person", 6_667),
        ("Organization", 0),
        ("Location", 6_667),
        ("Date", 0),
        ("Quantity", 0),
        ("Event", 6_666),
    ]
    .into_iter()
    .map(|(l, n)| (l.to_string(), n))
    .collect();
    wait_for_counts(client, &expected).await?;
    let first: Vec<Entry> = spans[..PAGE]
        .iter()
        .enumerate()
        .map(|(n, (_, _, quote))| Entry {
            id: format!("{n:032x}"),
            label: LABELS[n % 3].to_string(),
            quote: quote.clone(),
            note: None,
        })
        .collect();
    wait_for_entries(client, "the first page in text order", &first).await?;

    // Filter by text: every "Idlib" among the spans.
    let idlibs = spans.iter().filter(|(_, _, q)| q == "Idlib").count();
    page::click(client, &testid("annotation-search")).await?;
    let typed = Instant::now();
    page::type_text(client, "idlib").await?;
    let took = wait_for_page(
        client,
        "the text filter on the long list",
        &format!("{idlibs} of 20000 match the filter; the first 200 are shown."),
        PAGE,
        typed,
    )
    .await?;
    println!(
        "[{}] typing a five-letter filter: {took:?}",
        session.kind.name()
    );
    ensure!(took < FAST, "filtering by text took {took:?}");

    // And by label, on top: every third span is an Event.
    let events = spans
        .iter()
        .enumerate()
        .filter(|(n, (_, _, q))| q == "Idlib" && LABELS[n % 3] == "Event")
        .count();
    ensure!(events > PAGE, "{events} Idlib Events make more than a page");
    let clicked = Instant::now();
    page::click(client, &chip("Event")).await?;
    let took = wait_for_page(
        client,
        "the label filter on the long list",
        &format!("{events} of 20000 match the filter; the first 200 are shown."),
        PAGE,
        clicked,
    )
    .await?;
    println!("[{}] filtering by label: {took:?}", session.kind.name());
    ensure!(took < FAST, "filtering by label took {took:?}");

    // Only the label: a page, then a second one.
    page::click(client, &testid("annotation-search")).await?;
    backspace(client, 5).await?;
    wait_for_page(
        client,
        "every Event",
        "6666 of 20000 match the filter; the first 200 are shown.",
        PAGE,
        Instant::now(),
    )
    .await?;
    let clicked = Instant::now();
    page::click(client, &testid("annotation-more")).await?;
    let took = wait_for_page(
        client,
        "a second page",
        "6666 of 20000 match the filter; the first 400 are shown.",
        2 * PAGE,
        clicked,
    )
    .await?;
    println!("[{}] showing 200 more: {took:?}", session.kind.name());
    ensure!(took < FAST, "showing more took {took:?}");
    Ok(())
}
