//! The page's record of Content-Security-Policy violations, checked after
//! every scenario by [`browser::run`](super::browser::run).
//!
//! `web/csp_violations.js`, the first script of the page, appends every
//! violation the browser reports (the `securitypolicyviolation` event, which
//! both browsers fire for every blocked load, inline script, handler and
//! style) to sessionStorage, which lasts across the reloads of a tab. The
//! check reads it in every window the scenario left open. A page without
//! the recorder's `data-csp-watch="on"` fails the check too, since it would
//! report nothing whatever was blocked.

use std::fmt;

use fantoccini::Client;
use serde::Deserialize;
use serde_json::json;

use super::page;
use super::{Context, Failure, Res};

/// Where `web/csp_violations.js` keeps the violations of a tab.
const RECORD_KEY: &str = "span-annotator/csp-violations";

/// One violation, as the browser described it.
#[derive(Debug, Deserialize)]
pub struct Violation {
    /// The directive that blocked it (`script-src-elem`, `style-src-attr`…).
    pub directive: String,
    /// What was blocked: a URL, or `inline`, `eval`, `wasm-eval`.
    pub blocked: String,
    pub source: Option<String>,
    pub line: Option<u64>,
    /// The start of the blocked inline code, where the policy asks for it.
    pub sample: Option<String>,
    /// The page it happened on.
    pub page: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} blocked {:?}", self.directive, self.blocked)?;
        if let Some(source) = self.source.as_deref().filter(|s| !s.is_empty()) {
            write!(f, " at {source}:{}", self.line.unwrap_or_default())?;
        }
        if let Some(sample) = self.sample.as_deref().filter(|s| !s.is_empty()) {
            write!(f, " (sample {sample:?})")?;
        }
        write!(f, " on {}", self.page)
    }
}

/// What one window holds: its address, the recorder's marker, the record.
#[derive(Deserialize)]
struct Record {
    page: String,
    watch: Option<String>,
    kept: Option<String>,
}

const READ_JS: &str = r#"
let kept = null;
try { kept = sessionStorage.getItem(arguments[0]); } catch (e) { kept = null; }
return { page: location.href, watch: document.documentElement.dataset.cspWatch ?? null, kept };
"#;

/// The violations recorded in the current window, which must be keeping a
/// record.
async fn recorded(client: &Client) -> Res<Vec<Violation>> {
    let record: Record = page::eval(client, READ_JS, vec![json!(RECORD_KEY)]).await?;
    match record.watch.as_deref() {
        Some("on") => {}
        Some(other) => {
            return Err(Failure(format!(
                "the page at {} could not record a Content-Security-Policy violation \
                 (data-csp-watch={other:?})",
                record.page
            )))
        }
        None => {
            return Err(Failure(format!(
                "the page at {} keeps no record of Content-Security-Policy violations \
                 (no data-csp-watch on <html>: web/csp_violations.js did not run)",
                record.page
            )))
        }
    }
    match record.kept {
        None => Ok(Vec::new()),
        Some(json) => serde_json::from_str(&json).context(format!(
            "reading the recorded violations {json} on {}",
            record.page
        )),
    }
}

/// The violations recorded in the current window, which are then cleared:
/// for a scenario that provokes some on purpose.
pub async fn take(client: &Client) -> Res<Vec<Violation>> {
    let violations = recorded(client).await?;
    client
        .execute(
            "sessionStorage.removeItem(arguments[0]);",
            vec![json!(RECORD_KEY)],
        )
        .await
        .context("clearing the recorded violations")?;
    Ok(violations)
}

/// Fails, listing each one, if any window of the session recorded a
/// violation (or keeps no record).
pub async fn check_every_window(client: &Client) -> Res<()> {
    let mut found = Vec::new();
    for window in client.windows().await.context("listing the windows")? {
        client
            .switch_to_window(window)
            .await
            .context("switching to a window")?;
        found.extend(recorded(client).await?);
    }
    if found.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = found.iter().map(|v| format!("  - {v}")).collect();
    Err(Failure(format!(
        "the page's Content-Security-Policy blocked {} thing(s):\n{}",
        found.len(),
        listed.join("\n")
    )))
}
