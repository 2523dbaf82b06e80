//! Damaged stored data: the app must neither crash nor silently drop or
//! overwrite it. A bucket that is not JSON and a bucket holding one good and
//! one bad annotation are planted in localStorage; after a reload the good
//! annotation is shown, both originals are kept byte for byte in backups,
//! an alert says what was left out and where the copy is, and the readable
//! part is written back, so that the next reload is clean and makes no new
//! backup (issue 10: four reloads with one damaged key filled the quota
//! with copies of it).

use fantoccini::Client;
use serde_json::Value;
use span_annotator::format::stored::{
    bucket_key, bucket_of, decode_backup, encode_bucket, text_hash, Merged, StoredSpan,
};

use crate::support::app::{
    doc_item, open_document, store_and_reload, wait_for_app, wait_for_highlights,
};
use crate::support::browser::Session;
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{manifest_dir, wait_until, Context, Failure, Res};
use crate::{ensure, ensure_eq, in_both_browsers};

const DOC: &str = "001_c07fc3de27d30260";

in_both_browsers!(
    chromium_damaged_storage,
    firefox_damaged_storage,
    damaged_storage
);

async fn damaged_storage(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = std::fs::read_to_string(manifest_dir().join(format!("seeds/{DOC}.txt")))?;
    client.goto(&url).await.context("opening the app")?;
    wait_for_app(client).await?;

    let quote = "“de-facto”";
    let start = text[..text.find(quote).context("the quote is in the seed")?]
        .chars()
        .count();
    let span = |id: &str, start: usize| StoredSpan {
        id: id.into(),
        start,
        end: start + 10,
        label: "Location".into(),
        created: "2026-11-22T10:00:00.000Z".into(),
        rev: 1,
        note: None,
    };
    let good = "good-annotation";
    let bucket = bucket_of(good);
    // A second id in the same bucket, whose span runs past the end of the text.
    let bad = (0..)
        .map(|i| format!("bad-{i}"))
        .find(|id| bucket_of(id) == bucket)
        .context("some id shares the bucket")?;
    let past_end = text.chars().count() - 5;
    let spans = Merged {
        order: 0,
        entries: vec![span(good, start), span(&bad, past_end)],
        deleted: Vec::new(),
    };
    let partly_bad = encode_bucket(DOC, &text_hash(&text), bucket, &spans);
    let other_bucket = (bucket + 1) % 64;
    let not_json = "{\"version\": 1, \"annotations\": [truncated".to_string();
    let planted = [
        (bucket_key(DOC, bucket), partly_bad),
        (bucket_key(DOC, other_bucket), not_json),
    ];
    let planted: Vec<(String, String)> = planted.into_iter().collect();
    store_and_reload(client, &planted).await?;
    wait_for_app(client).await?;
    let alert = wait_until(
        "an alert about the unreadable data",
        STEP_TIMEOUT,
        || async {
            match page::text_content(client, "[role=alert]").await? {
                Some(text) if text.contains("could not be read") => Ok(Some(text)),
                other => Err(Failure(format!("alert region holds {other:?}"))),
            }
        },
    )
    .await?;
    ensure!(
        alert.contains(&bad),
        "the alert does not name the refused annotation: {alert}"
    );
    ensure!(
        alert.contains("span-annotator/backup/"),
        "the alert does not say where the backup is: {alert}"
    );

    let kept = backups(client).await?;
    for (key, value) in &planted {
        let copies: Vec<String> = kept
            .iter()
            .map(|(backup, raw)| decode_backup(backup, raw))
            .filter(|copy| copy.key == *key)
            .map(|copy| copy.value)
            .collect();
        ensure_eq!(copies, vec![value.clone()], "backups of {key}");
    }

    if page::text_content(client, &testid("doc-text"))
        .await?
        .as_deref()
        != Some(text.as_str())
    {
        open_document(client, DOC, &text).await?;
    }
    let shown = wait_for_highlights(client, "the readable annotation to be shown", |h| {
        h.len() == 1
    })
    .await?;
    ensure_eq!(
        shown.get(good).map(String::as_str),
        Some(quote),
        "highlight of the readable annotation"
    );
    ensure!(
        page::text_content(client, &format!("{} .doc-count", doc_item(DOC)))
            .await?
            .is_some_and(|count| count.starts_with("1 ")),
        "the document list does not count the one readable annotation"
    );
    let status = page::text_content(client, &testid("status"))
        .await?
        .unwrap_or_default();
    ensure!(
        !status.contains("Not saved"),
        "storage still works, yet the status says {status:?}"
    );
    // The readable part was written back: reloading finds nothing wrong
    // and copies nothing again.
    client.refresh().await.context("reloading")?;
    wait_for_app(client).await?;
    ensure_eq!(backups(client).await?, kept, "backups after a second load");
    let alert = page::text_content(client, "[role=alert]")
        .await?
        .unwrap_or_default();
    ensure!(
        alert.trim().is_empty(),
        "a clean reload still alerts: {alert}"
    );
    println!("[{}] damaged storage handled: {alert}", session.kind.name());
    Ok(())
}

/// Every backup key in localStorage with its value.
async fn backups(client: &Client) -> Res<Vec<(String, String)>> {
    let found: Value = client
        .execute(
            "return Object.keys(localStorage)
                 .filter(k => k.startsWith('span-annotator/backup/'))
                 .map(k => [k, localStorage.getItem(k)]);",
            vec![],
        )
        .await
        .context("listing backups")?;
    serde_json::from_value(found).context("reading the backup list")
}
