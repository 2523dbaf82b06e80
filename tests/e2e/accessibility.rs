//! Accessibility, checked by axe-core (npm `axe-core`, installed under
//! `tests/a11y/` by `scripts/setup test`) injected into the running app:
//! the main views — a document with nested highlights, an annotation's
//! details, the shortcut help, the paste form and the import preview — have
//! no serious or critical violation.
//! Highlights also name their labels to assistive technology.

use fantoccini::Client;
use serde_json::Value;

use crate::support::app::{export_json, open_seed, wait_for_highlights};
use crate::support::browser::Session;
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{manifest_dir, wait_until, Context, Failure, Res};
use crate::{bail, ensure, in_every_browser};

const DOC: &str = "001_c07fc3de27d30260";

in_every_browser!(
    chromium_accessibility,
    firefox_accessibility,
    webkit_accessibility,
    accessibility
);

/// Runs axe-core on the page as it is and fails on any serious or critical
/// violation, naming each with the elements involved.
pub(crate) async fn audit(client: &Client, view: &str) -> Res<()> {
    let axe = manifest_dir().join("tests/a11y/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&axe).context(format!(
        "reading {} (run `scripts/setup test`)",
        axe.display()
    ))?;
    client
        .execute(&source, vec![])
        .await
        .context("injecting axe-core")?;
    let result: Value = client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, { resultTypes: ['violations'] })
                  .then(r => done(r.violations.map(v => ({
                      id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }))))
                  .catch(e => done({ error: String(e) }));"#,
            vec![],
        )
        .await
        .context("running axe-core")?;
    if let Some(error) = result.get("error") {
        bail!("axe-core failed on {view}: {error}");
    }
    let serious: Vec<&Value> = result
        .as_array()
        .context("axe-core's violations")?
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    ensure!(
        serious.is_empty(),
        "axe-core on {view}: {}",
        Value::from(serious.into_iter().cloned().collect::<Vec<_>>())
    );
    Ok(())
}

async fn accessibility(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;
    for (quote, key, count) in [("Staffan de Mistura", '1', 1), ("de Mistura", '3', 2)] {
        let byte = text.find(quote).context("quote in the seed")?;
        let start = text[..byte].chars().count();
        page::drag_select(client, &text, start, start + quote.chars().count()).await?;
        page::press_key(client, key).await?;
        wait_for_highlights(client, "the highlights", |h| h.len() == count).await?;
    }
    let described: Vec<String> = page::eval(
        client,
        r#"return [...document.querySelectorAll('[data-testid="doc-text"] mark')].map(m => m.getAttribute('aria-description') || '');"#,
        vec![],
    )
    .await?;
    ensure!(
        described
            .iter()
            .any(|d| d.contains("Location") && d.contains("Person")),
        "nested highlights do not name both labels: {described:?}"
    );
    audit(client, "a document with nested highlights").await?;

    page::click(
        client,
        r#"[data-testid="doc-text"] mark[data-label="Location"]"#,
    )
    .await?;
    wait_until("the annotation details", STEP_TIMEOUT, || async {
        match page::text_content(client, &testid("annotation-details")).await? {
            Some(details) if details.contains("de Mistura") => Ok(Some(())),
            other => Err(Failure(format!("details: {other:?}"))),
        }
    })
    .await?;
    audit(client, "an annotation's details").await?;

    page::press_key(client, '?').await?;
    wait_until("the shortcut help", STEP_TIMEOUT, || async {
        match page::text_content(client, &testid("shortcut-help")).await? {
            Some(_) => Ok(Some(())),
            None => Err(Failure("not open".into())),
        }
    })
    .await?;
    audit(client, "the shortcut help").await?;
    page::press_key(client, '\u{E00C}').await?; // Escape

    page::click(client, &testid("paste-open")).await?;
    client
        .wait()
        .for_element(fantoccini::Locator::Css(&testid("paste-text")))
        .await
        .context("the paste form")?;
    audit(client, "the paste form").await?;

    let (export, _) = export_json(&session).await?;
    client
        .find(fantoccini::Locator::Css(&testid("import-file")))
        .await?
        .send_keys(&export.display().to_string())
        .await
        .context("choosing a file to import")?;
    wait_until("the import preview", STEP_TIMEOUT, || async {
        match page::text_content(client, &testid("import-preview")).await? {
            Some(_) => Ok(Some(())),
            None => Err(Failure("not open".into())),
        }
    })
    .await?;
    audit(client, "the import preview").await
}
