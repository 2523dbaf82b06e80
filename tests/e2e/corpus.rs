//! A corpus as dataset builders bring one (issue 15): 500 news articles,
//! about 1.5 MB of text in all, with 100,000 spans, imported in the
//! replace mode from a native export file, then exported, reloaded and
//! exported again: both exports hold exactly the imported documents and
//! spans, and are the same byte for byte.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::app::{
    choose_import, export_json, open_seed, wait_for_document_count, wait_for_import_room,
};
use crate::support::browser::Session;
use crate::support::page::{self, testid};
use crate::support::{random_below, wait_until, Context, Failure, Res, ScratchDir};
use crate::{ensure, ensure_eq, in_every_browser};

const ARTICLES: usize = 500;
const SPANS_EACH: usize = 200;

/// How long applying the import, or loading the corpus, may take.
const CORPUS_TIMEOUT: Duration = Duration::from_secs(120);

in_every_browser!(
    chromium_corpus_of_500_articles,
    firefox_corpus_of_500_articles,
    webkit_corpus_of_500_articles,
    corpus_of_500_articles
);

const SENTENCES: [&str; 6] = [
    "Talks in Astana ended on “Friday” with a statement.",
    "Lavrentiev said the zones\u{a0}still needed work 👩‍👩‍👧.",
    "Café owners in 中文 districts and עברית papers reported it.",
    "The envoy e\u{301}tait present; العربية media followed 👍🏽.",
    "Moscow, Tehran and Ankara agreed on four areas.",
    "Observers from the UN watched the de-escalation zones.",
];

/// Article `n`: about 2,600 characters of mixed sentences, and
/// `SPANS_EACH` spans on its words, none two alike, as `(start, end)` in
/// code points.
fn article(random: &mut impl FnMut(usize) -> usize, n: usize) -> (String, Vec<(usize, usize)>) {
    let mut text = format!("Article {n}: talks in Astana\n");
    while text.chars().count() < 2_600 {
        text.push_str(SENTENCES[random(SENTENCES.len())]);
        text.push(if random(5) == 0 { '\n' } else { ' ' });
    }
    let chars: Vec<char> = text.chars().collect();
    let words: Vec<(usize, usize)> = (0..chars.len())
        .filter(|&i| chars[i].is_alphanumeric() && (i == 0 || !chars[i - 1].is_alphanumeric()))
        .map(|i| {
            let end = (i..chars.len())
                .find(|&j| !chars[j].is_alphanumeric())
                .unwrap_or(chars.len());
            (i, end)
        })
        .collect();
    let mut spans = BTreeMap::new();
    while spans.len() < SPANS_EACH {
        let first = random(words.len());
        let last = (first + random(3)).min(words.len() - 1);
        spans.insert((words[first].0, words[last].1), ());
    }
    (text, spans.into_keys().collect())
}

/// The native export file of the corpus, on the labels of `export`.
fn corpus_file(export: &Value) -> Value {
    let labels: Vec<String> = export["labels"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(|l| l["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut random = random_below(0x5eed_0500);
    let mut documents = Vec::new();
    let mut annotations = Vec::new();
    for n in 0..ARTICLES {
        let (text, spans) = article(&mut random, n);
        let id = format!("article-{n:03}");
        for (k, (start, end)) in spans.into_iter().enumerate() {
            let quote: String = text.chars().skip(start).take(end - start).collect();
            annotations.push(json!({
                "id": format!("{:032x}", n * SPANS_EACH + k),
                "document_id": id,
                "start": start,
                "end": end,
                "quote": quote,
                "label": labels[random(labels.len())],
                "created": "2026-11-28T10:00:00.000Z",
            }));
        }
        documents.push(json!({
            "id": id,
            "file_name": format!("{id}.txt"),
            "title": format!("Article {n}"),
            "text": text,
        }));
    }
    let mut file = export.clone();
    file["documents"] = Value::Array(documents);
    file["annotations"] = Value::Array(annotations);
    file
}

/// The documents (id, title, text) and annotations (id, document, start,
/// end, quote, label) of a native export, for comparing.
type Content = (
    Vec<(String, String, String)>,
    Vec<(String, String, u64, u64, String, String)>,
);

fn content(export: &Value) -> Res<Content> {
    let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_string();
    let documents = export["documents"]
        .as_array()
        .context("the documents")?
        .iter()
        .map(|d| (text(d, "id"), text(d, "title"), text(d, "text")))
        .collect();
    let mut annotations: Vec<_> = export["annotations"]
        .as_array()
        .context("the annotations")?
        .iter()
        .map(|a| {
            (
                text(a, "id"),
                text(a, "document_id"),
                a["start"].as_u64().unwrap_or(u64::MAX),
                a["end"].as_u64().unwrap_or(u64::MAX),
                text(a, "quote"),
                text(a, "label"),
            )
        })
        .collect();
    annotations.sort();
    Ok((documents, annotations))
}

async fn corpus_of_500_articles(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    open_seed(client, &url, "000_941015829bfed30d").await?;
    let (_, export) = export_json(&session).await?;
    let file = corpus_file(&export);
    let text_bytes: usize = file["documents"]
        .as_array()
        .map(|d| {
            d.iter()
                .filter_map(|d| d["text"].as_str())
                .map(str::len)
                .sum()
        })
        .unwrap_or(0);
    ensure!(
        (1_400_000..1_700_000).contains(&text_bytes),
        "{text_bytes} bytes of text"
    );
    let dir = ScratchDir::new("corpus")?;
    let path = dir.path().join("corpus.json");
    std::fs::write(&path, serde_json::to_string(&file)?)?;

    choose_import(client, &path).await?;
    wait_until("the import preview", CORPUS_TIMEOUT, || async {
        match page::text_content(client, &testid("import-preview")).await? {
            Some(said) if !said.is_empty() => Ok(Some(())),
            other => Err(Failure(format!("preview: {other:?}"))),
        }
    })
    .await?;
    page::click(client, &testid("import-mode-replace")).await?;
    wait_until("the replace preview", CORPUS_TIMEOUT, || async {
        match page::text_content(client, &testid("import-preview")).await? {
            Some(said)
                if said.contains("100000 annotations") || said.contains("100,000 annotations") =>
            {
                Ok(Some(()))
            }
            other => Err(Failure(format!("preview: {other:?}"))),
        }
    })
    .await?;
    // What it takes of storage is worked out before Import is enabled.
    wait_for_import_room(client, CORPUS_TIMEOUT).await?;
    page::click(client, &testid("import-confirm")).await?;
    wait_for_document_count(client, ARTICLES, "every article counted", CORPUS_TIMEOUT).await?;

    let expected = content(&file)?;
    let (first_path, first) = export_json(&session).await?;
    ensure_eq!(content(&first)?, expected, "the export after the import");
    let first_bytes = std::fs::read(&first_path)?;

    client.refresh().await.context("reloading")?;
    wait_for_app_with(client, ARTICLES).await?;
    let (second_path, _) = export_json(&session).await?;
    ensure!(
        std::fs::read(&second_path)? == first_bytes,
        "the export after a reload is the same byte for byte"
    );
    Ok(())
}

/// Waits for the app to come back with `count` documents and no alert.
async fn wait_for_app_with(client: &fantoccini::Client, count: usize) -> Res<()> {
    wait_for_document_count(
        client,
        count,
        "every article after a reload",
        CORPUS_TIMEOUT,
    )
    .await?;
    let alerts: Vec<String> = page::eval(
        client,
        r#"return [...document.querySelectorAll('[role=alert]')].map(e => e.textContent).filter(t => t.trim());"#,
        vec![],
    )
    .await?;
    ensure!(alerts.is_empty(), "alerts after the reload: {alerts:?}");
    Ok(())
}
