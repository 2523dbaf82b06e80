//! Undo and redo of ten mixed changes — creating, retagging by key and from
//! the details, resizing by key, deleting by key — restore each end state
//! exactly: the exports before and after match byte for byte.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::keyboard::chord;
use crate::support::app::{export_annotations, open_seed, wait_for_highlights};
use crate::support::browser::Session;
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{wait_until, Context, Failure, Res};
use crate::{ensure_eq, in_every_browser};

const DOC: &str = "001_c07fc3de27d30260";

in_every_browser!(
    chromium_undo_redo,
    firefox_undo_redo,
    webkit_undo_redo,
    undo_redo
);

/// Drags over the first `quote` in `text` and presses `key`.
async fn tag(client: &Client, text: &str, quote: &str, key: char, expected: usize) -> Res<()> {
    let byte = text
        .find(quote)
        .context(format!("{quote:?} is in the text"))?;
    let start = text[..byte].chars().count();
    page::drag_select(client, text, start, start + quote.chars().count()).await?;
    page::press_key(client, key).await?;
    wait_for_highlights(client, &format!("{expected} highlights"), |h| {
        h.len() == expected
    })
    .await?;
    Ok(())
}

/// Clicks the highlight showing `quote`, which selects its annotation.
async fn pick(client: &Client, quote: &str) -> Res<String> {
    let shown = page::highlighted_texts(client).await?;
    let id = shown
        .iter()
        .find(|(_, text)| text.as_str() == quote)
        .map(|(id, _)| id.clone())
        .context(format!("no highlight reads {quote:?}: {shown:?}"))?;
    page::click(
        client,
        &format!(r#"[data-testid="doc-text"] mark[data-ann-id$="{id}"]"#),
    )
    .await?;
    Ok(id)
}

async fn undo_redo(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;

    tag(client, &text, "Kazakhstan", '3', 1).await?;
    let before = export_annotations(&session).await?;

    // Ten changes.
    tag(client, &text, "Lavrentiev", '1', 2).await?; // 1
    tag(client, &text, "Russian military police", '2', 3).await?; // 2
    tag(client, &text, "Homs province", '3', 4).await?; // 3
    pick(client, "Lavrentiev").await?;
    chord(client, &[], '4').await?; // 4: retag by key
    pick(client, "Russian military police").await?;
    chord(client, &[Key::Shift], Key::Right).await?; // 5: resize by key
    chord(client, &[Key::Shift], Key::Left).await?; // 6
    pick(client, "Homs province").await?;
    chord(client, &[], Key::Delete).await?; // 7: delete by key
    wait_for_highlights(client, "3 highlights", |h| h.len() == 3).await?;
    tag(client, &text, "Eastern Ghouta", '3', 4).await?; // 8
    let ghouta = pick(client, "Eastern Ghouta").await?;
    client
        .find(Locator::Css(&format!(
            r#"{} [data-ann-id="{ghouta}"] select"#,
            testid("annotation-details")
        )))
        .await
        .context("the label select")?
        .select_by_value("Event")
        .await
        .context("choosing Event")?; // 9: retag from the details
    pick(client, "Lavrentiev").await?;
    chord(client, &[], Key::Delete).await?; // 10
    wait_for_highlights(client, "3 highlights", |h| h.len() == 3).await?;
    let after = export_annotations(&session).await?;
    ensure_eq!(
        labels(&after),
        vec!["Event", "Location", "Organization"],
        "labels after ten changes"
    );

    // Regression (issue 12): undo and redo said nothing of what they did.
    chord(client, &[Key::Control], 'z').await?;
    said(client, "Undid: delete “Lavrentiev” (Date).").await?;
    for _ in 1..10 {
        chord(client, &[Key::Control], 'z').await?;
    }
    wait_for_highlights(client, "the state before the ten changes", |h| h.len() == 1).await?;
    ensure_eq!(
        export_annotations(&session).await?,
        before,
        "export after ten undos"
    );
    chord(client, &[Key::Control, Key::Shift], 'z').await?;
    said(client, "Redid: tag “Lavrentiev” as Person.").await?;
    for _ in 1..10 {
        chord(client, &[Key::Control, Key::Shift], 'z').await?;
    }
    wait_for_highlights(client, "the state after the ten changes", |h| h.len() == 3).await?;
    ensure_eq!(
        export_annotations(&session).await?,
        after,
        "export after ten redos"
    );
    Ok(())
}

/// Waits until the polite status message is `expected`.
async fn said(client: &Client, expected: &str) -> Res<()> {
    wait_until(expected, STEP_TIMEOUT, || async {
        let notice = page::text_content(client, "[aria-live=polite]").await?;
        match notice {
            Some(text) if text == expected => Ok(Some(())),
            other => Err(Failure(format!("the message: {other:?}"))),
        }
    })
    .await
}

fn labels(annotations: &[Value]) -> Vec<&str> {
    let mut labels: Vec<&str> = annotations
        .iter()
        .filter_map(|a| a["label"].as_str())
        .collect();
    labels.sort_unstable();
    labels
}
