//! Files other tools write, imported through the UI, and offsets in another
//! unit: a doccano line counted in UTF-16 code units (as doccano's page
//! counts) is placed by the unit the preview finds, shown with its first
//! spans and switchable (`import-offset-unit`); the exports write UTF-16
//! units when `export-offset-unit` says so, and state it.

use fantoccini::{Client, Locator};
use serde_json::Value;
use span_core::format::registry::{DOCCANO, NATIVE};

use crate::support::app::{
    choose_import, doc_item, download_export, open_seed, wait_for_highlights, wait_for_listed,
};
use crate::support::browser::Session;
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{wait_until, Context, Failure, Res, ScratchDir};
use crate::{ensure, ensure_eq, in_every_browser};

const DOC: &str = "001_c07fc3de27d30260";

/// doccano's own example of a text whose UTF-16 offsets differ: a
/// firefighter emoji (four code points, seven UTF-16 units) before the
/// words.
const FIREMEN: &str = "👨🏻\u{200d}🚒 firemen drive firetrucks";

in_every_browser!(
    chromium_offsets_in_any_unit,
    firefox_offsets_in_any_unit,
    webkit_offsets_in_any_unit,
    offsets_in_any_unit
);

/// The text of the element with test id `id`, once it satisfies `ok`.
async fn wait_for_testid_text(
    client: &Client,
    id: &str,
    what: &str,
    ok: impl Fn(&str) -> bool,
) -> Res<String> {
    wait_until(what, STEP_TIMEOUT, || async {
        match page::text_content(client, &testid(id)).await? {
            Some(text) if ok(&text) => Ok(Some(text)),
            other => Err(Failure(format!("{id}: {other:?}"))),
        }
    })
    .await
}

async fn unit_shown(client: &Client) -> Res<String> {
    page::eval(
        client,
        r#"return document.querySelector('[data-testid="import-offset-unit"]').value;"#,
        vec![],
    )
    .await
}

async fn choose_unit(client: &Client, hook: &str, unit: &str) -> Res<()> {
    client
        .find(Locator::Css(&testid(hook)))
        .await
        .context(format!("finding {hook}"))?
        .select_by_value(unit)
        .await
        .context(format!("choosing {unit} in {hook}"))?;
    Ok(())
}

async fn offsets_in_any_unit(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    open_seed(client, &url, DOC).await?;
    let dir = ScratchDir::new("units")?;
    let path = dir.path().join("firemen.jsonl");
    std::fs::write(
        &path,
        format!(
            "{}\n",
            serde_json::json!({"text": FIREMEN, "label": [[8, 15, "PER"], [16, 21, "ACT"]]})
        ),
    )?;
    choose_import(client, &path).await?;
    wait_for_testid_text(client, "import-format", "the format named", |t| {
        t.contains("doccano")
    })
    .await?;
    ensure_eq!(unit_shown(client).await?, "utf16", "the unit found");
    wait_for_testid_text(client, "import-samples", "the spans in UTF-16", |t| {
        t.contains("“firemen”, “drive”")
    })
    .await?;

    // Read as code points, the same numbers tag parts of words, and the
    // preview says that UTF-16 fits the words better.
    choose_unit(client, "import-offset-unit", "codepoint").await?;
    wait_for_testid_text(client, "import-samples", "the spans in code points", |t| {
        t.contains("“emen dr”")
    })
    .await?;
    wait_for_testid_text(client, "import-notes", "the warning", |t| {
        t.contains("In UTF-16 code units 2 of 2 spans fall on word boundaries")
    })
    .await?;
    choose_unit(client, "import-offset-unit", "utf16").await?;
    wait_for_testid_text(client, "import-samples", "UTF-16 again", |t| {
        t.contains("“firemen”")
    })
    .await?;
    page::click(client, &testid("import-confirm")).await?;

    // The new document, last in the list, shows "firemen" and "drive".
    let docs = wait_for_listed(client, "the imported document", |docs| docs.len() == 4).await?;
    let (id, _) = docs.last().context("the last document")?;
    page::click(client, &doc_item(id)).await?;
    page::wait_for_text(client, &testid("doc-text"), FIREMEN, "the imported text").await?;
    let shown = wait_for_highlights(client, "two highlights", |h| h.len() == 2).await?;
    let mut quotes: Vec<&str> = shown.values().map(String::as_str).collect();
    quotes.sort_unstable();
    ensure_eq!(quotes, vec!["drive", "firemen"], "the spans placed");

    // Exported in UTF-16 units, stated in the file, and remembered.
    choose_unit(client, "export-offset-unit", "utf16").await?;
    client.refresh().await.context("reloading")?;
    wait_for_listed(client, "the app after the reload", |docs| docs.len() == 4).await?;
    let kept: String = page::eval(
        client,
        r#"return document.querySelector('[data-testid="export-offset-unit"]').value;"#,
        vec![],
    )
    .await?;
    ensure_eq!(kept, "utf16", "the export unit after a reload");
    let (_, bytes) = download_export(&session, &DOCCANO).await?;
    let line = String::from_utf8(bytes)?
        .lines()
        .map(serde_json::from_str::<Value>)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .find(|line| line["text"] == FIREMEN)
        .context("the firemen line")?;
    ensure_eq!(line["offset_unit"], "utf16", "the doccano export's unit");
    ensure_eq!(
        line["label"],
        serde_json::json!([[8, 15, "PER"], [16, 21, "ACT"]]),
        "the doccano export's UTF-16 offsets"
    );
    let (_, native) = download_export(&session, &NATIVE).await?;
    let native: Value = serde_json::from_slice(&native)?;
    ensure_eq!(native["offset_unit"], "utf16", "the native export's unit");
    let starts: Vec<u64> = native["annotations"]
        .as_array()
        .context("annotations")?
        .iter()
        .filter(|a| a["quote"] == "firemen" || a["quote"] == "drive")
        .filter_map(|a| a["start"].as_u64())
        .collect();
    ensure!(
        starts.contains(&8) && starts.contains(&16),
        "UTF-16 starts in the native export: {starts:?}"
    );
    Ok(())
}
