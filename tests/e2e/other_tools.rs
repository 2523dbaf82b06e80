//! Files other tools write, imported through the UI: brat's own tutorial as
//! a zip and as files chosen together, a Label Studio export, Prodigy
//! annotations, a CoNLL-2003-shaped file, doccano's relation example, a
//! Hypothesis API search result and a Recogito export (all kept in
//! `tests/fixtures/`, with their origin), each read as its
//! format with what it holds and what it leaves out said in the preview.
//! And offsets in another unit: a doccano line counted in UTF-16 code units
//! (as doccano's page counts) is placed by the unit the preview finds, shown
//! with its first spans and switchable (`import-offset-unit`); the exports
//! write UTF-16 units when `export-offset-unit` says so, and state it.

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
    chromium_files_other_tools_wrote,
    firefox_files_other_tools_wrote,
    webkit_files_other_tools_wrote,
    files_other_tools_wrote
);
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

/// A file of `tests/fixtures/`.
fn fixture(path: &str) -> std::path::PathBuf {
    crate::support::manifest_dir()
        .join("tests/fixtures")
        .join(path)
}

/// Chooses `files` together in the import control (one path per line, as
/// WebDriver takes several files), checks what the preview says (the format
/// read, notes that must be there, and the preview's own sentence), and
/// imports; then waits for `documents` documents to be listed.
async fn import_checked(
    client: &Client,
    files: &[std::path::PathBuf],
    format: &str,
    notes: &[&str],
    preview: &str,
    documents: usize,
) -> Res<()> {
    let paths: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    client
        .find(Locator::Css(&testid("import-file")))
        .await
        .context("finding the import input")?
        .send_keys(&paths.join("\n"))
        .await
        .context("choosing the files to import")?;
    wait_for_testid_text(client, "import-format", "the format named", |t| {
        t.contains(format)
    })
    .await?;
    let said = wait_for_testid_text(client, "import-notes", "the notes", |t| {
        notes.iter().all(|note| t.contains(note))
    })
    .await?;
    wait_for_testid_text(client, "import-preview", "the preview", |t| t == preview)
        .await
        .context(format!("after the notes {said:?}"))?;
    page::click(client, &testid("import-confirm")).await?;
    wait_for_listed(client, "the documents imported", |docs| {
        docs.len() == documents
    })
    .await?;
    Ok(())
}

/// Opens the last document listed and returns its highlights.
async fn last_document_highlights(client: &Client, count: usize) -> Res<Vec<String>> {
    let docs = wait_for_listed(client, "the documents", |docs| !docs.is_empty()).await?;
    let (id, _) = docs.last().context("the last document")?;
    page::click(client, &doc_item(id)).await?;
    let shown = wait_for_highlights(client, "the imported highlights", |h| {
        h.keys()
            .flat_map(|ids| ids.split(' '))
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            == count
    })
    .await?;
    Ok(shown.into_values().collect())
}

async fn files_other_tools_wrote(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    open_seed(client, &url, DOC).await?;

    // brat's news tutorial, zipped by Python's zipfile (deflated).
    import_checked(
        client,
        &[fixture("brat/news.zip")],
        "brat standoff",
        &["12 events"],
        "2 documents (2 new), 40 annotations, 4 new labels, 2 relations, 1 new relation type",
        5,
    )
    .await?;
    // The same collection's files chosen together: already here.
    import_checked(
        client,
        &[
            fixture("brat/100-attribute_annotation.txt"),
            fixture("brat/100-attribute_annotation.ann"),
            fixture("brat/110-note_annotation.txt"),
            fixture("brat/110-note_annotation.ann"),
            fixture("brat/annotation.conf"),
        ],
        "brat standoff",
        &["6 attributes"],
        "2 documents, 40 annotations; 40 annotations already present",
        5,
    )
    .await?;
    // The last is 110-note_annotation: its 14 text-bound annotations.
    let shown = last_document_highlights(client, 14).await?;
    ensure!(
        shown.iter().any(|t| t == "YouTube"),
        "brat's entity “YouTube” is a highlight: {shown:?}"
    );

    // Prodigy's ner.manual annotations, an emoji before the spans.
    import_checked(
        client,
        &[fixture("spacy/fashion_brands_training.jsonl")],
        "spaCy / Prodigy JSONL",
        &["Offsets count code points: every quote in the file matches in that unit."],
        "4 documents (4 new), 7 annotations, 1 new label",
        9,
    )
    .await?;

    // A CoNLL-2003-shaped file in IOB1, four columns.
    import_checked(
        client,
        &[fixture("conll/conll2003.txt")],
        "CoNLL",
        &["The text was rebuilt from the tokens", "Tags read as IOB1"],
        "2 documents (2 new), 10 annotations, 4 new labels",
        11,
    )
    .await?;

    // Label Studio's documented pre-annotated tasks: only a model's
    // predictions, which are said and not imported.
    import_checked(
        client,
        &[fixture("labelstudio/example_preannotated_ner_tasks.json")],
        "Label Studio JSON",
        &["4 predictions"],
        "2 documents (2 new), 0 annotations",
        13,
    )
    .await?;

    // doccano's relation extraction example: one pretty-printed record,
    // whose relations come in between its entities.
    import_checked(
        client,
        &[fixture("doccano/relation_extraction.jsonl")],
        "doccano JSONL",
        &[],
        // PERSON came with the CoNLL file.
        "1 document (1 new), 4 annotations, 2 new labels, 3 relations, 2 new relation types",
        14,
    )
    .await?;
    let shown = last_document_highlights(client, 4).await?;
    ensure!(
        shown.iter().any(|t| t == "September 4, 1998"),
        "doccano's DATE is a highlight: {shown:?}"
    );

    // A Hypothesis API search result and Recogito's text annotator's W3C
    // export: their annotations have no tags, and the preview says so
    // rather than "format is missing".
    for (file, notes) in [
        (
            "hypothesis/wikipedia-regression-testing.json",
            ["The file is Hypothesis API JSON", "5 untagged annotations"],
        ),
        (
            "recogito/text-annotator-annotations.w3c.json",
            ["Not imported:", "5 untagged annotations"],
        ),
    ] {
        choose_import(client, &fixture(file)).await?;
        wait_for_testid_text(client, "import-notes", "what is left out", |t| {
            notes.iter().all(|note| t.contains(note))
        })
        .await
        .context(file)?;
        page::click(client, &testid("import-cancel")).await?;
    }
    Ok(())
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
