//! Document status (issue 14): set from each document's `doc-status`
//! select and by Alt+D, counted by `progress`, filtered by `doc-filter`,
//! undone by Ctrl+Z, shared with a second tab, kept through a reload and
//! written in the native export.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use crate::support::app::{doc_item, export_json, open_document, wait_for_app};
use crate::support::browser::Session;
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{manifest_dir, wait_until, Context, Failure, Res};
use crate::tabs::{switch, two_windows};
use crate::{ensure_eq, in_every_browser};

const FIRST: &str = "000_941015829bfed30d";
/// The document open, whose status Alt+D steps.
const DOC: &str = "001_c07fc3de27d30260";
const LAST: &str = "002_851cd8e497878d71";

in_every_browser!(
    chromium_document_status,
    firefox_document_status,
    webkit_document_status,
    document_status
);

/// Each document's id and status as its select shows them, in list order.
async fn statuses(client: &Client) -> Res<Vec<(String, String)>> {
    page::eval(
        client,
        r#"return [...document.querySelectorAll('[data-testid="doc-status"]')]
            .map(s => [s.getAttribute("data-doc-id"), s.value]);"#,
        vec![],
    )
    .await
}

/// Waits until the statuses of the three seeds are `want`, in order.
async fn wait_for_statuses(client: &Client, what: &str, want: [&str; 3]) -> Res<()> {
    let want: Vec<(String, String)> = [FIRST, DOC, LAST]
        .into_iter()
        .zip(want)
        .map(|(id, status)| (id.to_string(), status.to_string()))
        .collect();
    wait_until(what, STEP_TIMEOUT, || async {
        let shown = statuses(client).await?;
        if shown == want {
            Ok(Some(()))
        } else {
            Err(Failure(format!("statuses {shown:?}, want {want:?}")))
        }
    })
    .await
}

/// The progress line: its text, `data-done` and `data-total`.
async fn progress(client: &Client) -> Res<(String, String, String)> {
    let shown: Option<(String, String, String)> = page::eval(
        client,
        r#"const p = document.querySelector('[data-testid="progress"]');
        return p && [p.textContent.trim(), p.getAttribute("data-done"), p.getAttribute("data-total")];"#,
        vec![],
    )
    .await?;
    shown.context("the progress line")
}

async fn wait_for_progress(client: &Client, done: usize) -> Res<()> {
    let want = (
        format!("{done} of 3 done"),
        done.to_string(),
        "3".to_string(),
    );
    wait_until("the progress line", STEP_TIMEOUT, || async {
        let shown = progress(client).await?;
        if shown == want {
            Ok(Some(()))
        } else {
            Err(Failure(format!("progress {shown:?}, want {want:?}")))
        }
    })
    .await
}

/// Chooses `value` in the select at `selector`, scrolled into view first
/// (WebKit's WebDriver will not choose in a select out of sight).
async fn choose(client: &Client, selector: &str, value: &str) -> Res<()> {
    let select = client
        .find(Locator::Css(selector))
        .await
        .context(format!("finding {selector}"))?;
    client
        .execute(
            page::SCROLL_INTO_VIEW_JS,
            vec![serde_json::to_value(&select)?],
        )
        .await
        .context(format!("scrolling {selector} into view"))?;
    select
        .select_by_value(value)
        .await
        .context(format!("choosing {value} in {selector}"))
}

fn status_of(id: &str) -> String {
    format!("{}[data-doc-id=\"{id}\"]", testid("doc-status"))
}

async fn document_status(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = std::fs::read_to_string(manifest_dir().join(format!("seeds/{DOC}.txt")))?;
    let (a, b) = two_windows(&session, &url, &text).await?;
    switch(client, &a).await?;
    wait_for_statuses(client, "every document to do", ["todo", "todo", "todo"]).await?;
    wait_for_progress(client, 0).await?;

    // With the mouse: the first seed is under way, the last done.
    choose(client, &status_of(FIRST), "in-progress").await?;
    choose(client, &status_of(LAST), "done").await?;
    wait_for_statuses(client, "two set", ["in-progress", "todo", "done"]).await?;
    wait_for_progress(client, 1).await?;

    // With the keys: Alt+D steps the open document, twice.
    for _ in 0..2 {
        page::click(client, &testid("doc-text")).await?;
        page::press_chord(client, &[Key::Alt], 'd').await?;
    }
    wait_for_statuses(client, "Alt+D twice", ["in-progress", "done", "done"]).await?;
    wait_for_progress(client, 2).await?;
    page::press_chord(client, &[Key::Control], 'z').await?;
    wait_for_statuses(client, "one undone", ["in-progress", "in-progress", "done"]).await?;
    wait_for_progress(client, 1).await?;

    // The filter lists only the documents of one status.
    choose(client, &testid("doc-filter"), "in-progress").await?;
    wait_until("the filter", STEP_TIMEOUT, || async {
        let shown: Vec<String> = statuses(client).await?.into_iter().map(|s| s.0).collect();
        if shown == [FIRST, DOC] {
            Ok(Some(()))
        } else {
            Err(Failure(format!("listed {shown:?}")))
        }
    })
    .await?;
    choose(client, &testid("doc-filter"), "all").await?;
    wait_for_statuses(
        client,
        "all listed again",
        ["in-progress", "in-progress", "done"],
    )
    .await?;

    // The other tab has them without a reload, and its change comes back.
    switch(client, &b).await?;
    wait_for_statuses(
        client,
        "the other tab",
        ["in-progress", "in-progress", "done"],
    )
    .await?;
    wait_for_progress(client, 1).await?;
    choose(client, &status_of(DOC), "done").await?;
    switch(client, &a).await?;
    wait_for_statuses(
        client,
        "back from the other tab",
        ["in-progress", "done", "done"],
    )
    .await?;
    wait_for_progress(client, 2).await?;

    // Kept through a reload, and written in the native export.
    client.refresh().await.context("reloading")?;
    wait_for_app(client).await?;
    open_document(client, DOC, &text).await?;
    wait_for_statuses(client, "after a reload", ["in-progress", "done", "done"]).await?;
    wait_for_progress(client, 2).await?;
    let (_, export) = export_json(&session).await?;
    let exported: Vec<(String, String)> = export["documents"]
        .as_array()
        .context("documents in the export")?
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap_or_default().to_string(),
                d["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    ensure_eq!(
        exported,
        statuses(client).await?,
        "the export's statuses are those shown"
    );
    // The row still opens its document.
    page::click(client, &doc_item(LAST)).await?;
    page::wait_for_text(
        client,
        &testid("doc-text"),
        &std::fs::read_to_string(manifest_dir().join(format!("seeds/{LAST}.txt")))?,
        "the last seed",
    )
    .await?;
    Ok(())
}
