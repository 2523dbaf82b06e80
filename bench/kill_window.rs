//! How long after an edit a browser killed as a whole (a power cut, a
//! force-quit) still loses it: both Chromium and Firefox write localStorage
//! to disk in batches, so an edit the app stored at once can still be in
//! the browser's memory only. For each delay between the last of 40 edits
//! and the kill, this kills the real browser (Debian Chromium and Firefox,
//! through WebDriver, as the end-to-end tests drive them), starts it again
//! on the same profile and counts the edits that survived. Run by
//! `make bench-storage`; prints a table.

#[allow(dead_code)] // shared with the end-to-end tests, of which this uses a part
#[path = "../tests/e2e/support/mod.rs"]
mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use span_core::format::stored::{self, compact};

use support::app::{open_document, wait_for_app, words};
use support::browser::{BrowserKind, Session};
use support::page::{self, TAG_BY_SCRIPT_JS};
use support::{manifest_dir, serve_and_run, wait_until, Context, Failure, Res};

const DOC: &str = "001_c07fc3de27d30260";
const EDITS: usize = 40;
/// The delays tried, in ms; `KILL_DELAYS=5000,8000` picks others.
const DELAYS_MS: &str = "0,250,500,1000,1500,2000,3000,5000,8000";
const RUNS: usize = 3;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    println!("Whole-browser kill: edits kept of {EDITS}, {RUNS} runs per delay (delay = from the last edit being stored by the app to the kill)\n");
    println!("{:>10}  {:>22}  {:>22}", "delay", "Chromium", "Firefox");
    let delays = std::env::var("KILL_DELAYS").unwrap_or_else(|_| DELAYS_MS.into());
    for delay in delays
        .split(',')
        .filter_map(|d| d.trim().parse::<u64>().ok())
    {
        let mut cells = Vec::new();
        for kind in [BrowserKind::Chromium, BrowserKind::Firefox] {
            let mut kept = Vec::new();
            for _ in 0..RUNS {
                match run(kind, delay).await {
                    Ok(n) => kept.push(n.to_string()),
                    Err(e) => kept.push(format!("error: {e:?}").chars().take(40).collect()),
                }
            }
            cells.push(kept.join(" / "));
        }
        println!("{:>8}ms  {:>22}  {:>22}", delay, cells[0], cells[1]);
    }
}

/// Makes 40 edits, waits `delay_ms` after the app has stored the last, kills
/// the browser and counts the edits found after it starts again.
async fn run(kind: BrowserKind, delay_ms: u64) -> Res<usize> {
    let found = Arc::new(Mutex::new(None));
    let out = found.clone();
    serve_and_run(kind, move |session: Session, url: String| async move {
        let text = std::fs::read_to_string(manifest_dir().join(format!("seeds/{DOC}.txt")))?;
        let client = &session.client;
        client.goto(&url).await.context("opening the app")?;
        wait_for_app(client).await?;
        open_document(client, DOC, &text).await?;
        let words = words(&text);
        client
            .execute(
                &format!("{TAG_BY_SCRIPT_JS} for (const [s, e] of arguments[0]) window.__tagCodePoints(s, e, '3');"),
                vec![json!(words.iter().take(EDITS).collect::<Vec<_>>())],
            )
            .await
            .context("tagging")?;
        wait_until("all edits stored by the app", Duration::from_secs(10), || async {
            let (count, pending): (usize, String) = page::eval(
                client,
                r#"return [document.querySelectorAll('[data-testid="doc-text"] mark').length > 0 ? 1 : 0,
                           document.querySelector('[data-testid="status"]').getAttribute("data-pending")];"#,
                vec![],
            )
            .await?;
            if count > 0 && pending == "0" { Ok(Some(())) } else { Err(Failure(format!("pending {pending}"))) }
        })
        .await?;
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        let session = session.kill_browser_and_reopen(&url).await?;
        wait_for_app(&session.client).await?;
        let buckets: Vec<(String, String)> = page::eval(
            &session.client,
            r#"return Object.keys(localStorage)
                 .filter(k => k.startsWith("span-annotator/v3/doc/"))
                 .map(k => [k, localStorage.getItem(k)]);"#,
            vec![],
        )
        .await?;
        let stored: usize = buckets
            .iter()
            .map(|(key, raw)| {
                let context = key.strip_prefix(stored::PREFIX).unwrap_or(key);
                compact::decode_spans(raw, context).map_or(0, |b| b.entries.len())
            })
            .sum();
        *out.lock().map_err(|e| Failure(e.to_string()))? = Some(stored);
        Ok(())
    })
    .await?;
    let found = *found.lock().map_err(|e| Failure(e.to_string()))?;
    found.context("the count of edits kept")
}
