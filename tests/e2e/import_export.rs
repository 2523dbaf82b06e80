//! Data in and out through the UI: every export format downloaded from its
//! button and read by the independent Python readers; importing a native
//! file (preview, merge, undo, replace back to a byte-identical export); and
//! a malformed file refused with its place and reason, changing nothing.

use std::ffi::OsStr;
use std::path::PathBuf;

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::support::app::{
    choose_import, code_points, open_seed, python_reader, wait_for_highlights,
};
use crate::support::browser::Session;
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{wait_until, Context, Failure, Res, ScratchDir};
use crate::{ensure, ensure_eq, in_both_browsers};

const DOC: &str = "001_c07fc3de27d30260";

in_both_browsers!(
    chromium_exports_in_every_format,
    firefox_exports_in_every_format,
    exports_in_every_format
);
in_both_browsers!(
    chromium_importing_a_file,
    firefox_importing_a_file,
    importing_a_file
);

/// Clicks the export control `testid` and waits for `file_name` to be
/// downloaded whole (`complete` accepts its bytes); returns its path.
async fn download(
    session: &Session,
    testid_of: &str,
    file_name: &str,
    complete: impl Fn(&[u8]) -> bool,
) -> Res<PathBuf> {
    let path = session.downloads.join(file_name);
    if path.exists() {
        std::fs::remove_file(&path).context("clearing the last download")?;
    }
    page::click(&session.client, &testid(testid_of)).await?;
    let (path, _) = session
        .wait_for_download_bytes(file_name, STEP_TIMEOUT, complete)
        .await?;
    Ok(path)
}

fn is_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Value>(bytes).is_ok()
}

/// A zip is whole once its end-of-central-directory record is there.
fn is_zip(bytes: &[u8]) -> bool {
    bytes.len() >= 22 && bytes[bytes.len() - 22..].starts_with(b"PK\x05\x06")
}

fn ends_in_newline(bytes: &[u8]) -> bool {
    bytes.last() == Some(&b'\n')
}

/// How many spans the latest notice says were left out.
async fn left_out(client: &Client) -> Res<String> {
    let notice = page::text_content(client, "[aria-live=polite]")
        .await?
        .unwrap_or_default();
    Ok(notice
        .split_once("; ")
        .and_then(|(_, rest)| rest.split(' ').next())
        .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or("0")
        .to_string())
}

async fn tag(client: &Client, text: &str, quote: &str, key: char) -> Res<()> {
    let (start, end) = code_points(text, quote)?;
    page::drag_select(client, text, start, end).await?;
    page::press_key(client, key).await
}

async fn exports_in_every_format(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;
    // Nested spans, which CoNLL cannot hold, and curly quotes.
    tag(client, &text, "“de-facto”", '3').await?;
    tag(client, &text, "Russian military police", '2').await?;
    // “Russian” inside it, not its first occurrence elsewhere.
    let (start, _) = code_points(&text, "Russian military police")?;
    page::drag_select(client, &text, start, start + "Russian".len()).await?;
    page::press_key(client, '6').await?;
    wait_for_highlights(client, "three annotations", |h| {
        h.keys()
            .flat_map(|ids| ids.split(' '))
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            == 3
    })
    .await?;

    let native = download(&session, "export-json", "annotations.json", is_json).await?;
    let w3c = download(&session, "export-w3c", "annotations.jsonld", is_json).await?;
    python_reader("check_w3c.py", &[w3c.as_os_str(), native.as_os_str()]).await?;
    let doccano = download(
        &session,
        "export-doccano",
        "annotations.jsonl",
        ends_in_newline,
    )
    .await?;
    python_reader(
        "check_doccano.py",
        &[doccano.as_os_str(), native.as_os_str()],
    )
    .await?;
    let brat = download(&session, "export-brat", "annotations.brat.zip", is_zip).await?;
    let brat_left_out = left_out(client).await?;
    ensure_eq!(brat_left_out, "0", "brat holds every span");
    python_reader(
        "check_brat.py",
        &[brat.as_os_str(), native.as_os_str(), OsStr::new("0")],
    )
    .await?;
    let conll = download(
        &session,
        "export-conll",
        "annotations.conll",
        ends_in_newline,
    )
    .await?;
    let conll_left_out = left_out(client).await?;
    ensure_eq!(
        conll_left_out,
        "1",
        "the nested “Russian” cannot be a CoNLL entity"
    );
    python_reader(
        "check_conll.py",
        &[
            conll.as_os_str(),
            native.as_os_str(),
            OsStr::new("0,1,2"),
            OsStr::new("1"),
        ],
    )
    .await?;

    // Only the open document.
    client
        .find(Locator::Css(&testid("export-scope")))
        .await?
        .select_by_value("open")
        .await
        .context("choosing the open document")?;
    let doccano = download(
        &session,
        "export-doccano",
        "annotations.jsonl",
        ends_in_newline,
    )
    .await?;
    let lines: Vec<Value> = std::fs::read_to_string(&doccano)?
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .context("reading the JSONL")?;
    ensure_eq!(lines.len(), 1, "one document");
    ensure_eq!(lines[0]["document_id"], DOC, "the open document");
    ensure_eq!(
        lines[0]["label"].as_array().map(Vec::len),
        Some(3),
        "its spans"
    );
    python_reader(
        "check_doccano.py",
        &[doccano.as_os_str(), native.as_os_str()],
    )
    .await?;
    Ok(())
}

pub async fn preview(client: &Client) -> Res<String> {
    wait_until("the import preview", STEP_TIMEOUT, || async {
        match page::text_content(client, &testid("import-preview")).await? {
            Some(text) if !text.is_empty() => Ok(Some(text)),
            other => Err(Failure(format!("preview: {other:?}"))),
        }
    })
    .await
}

async fn importing_a_file(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;
    tag(client, &text, "Kazakhstan", '3').await?;
    wait_for_highlights(client, "one highlight", |h| h.len() == 1).await?;
    let before_path = download(&session, "export-json", "annotations.json", is_json).await?;
    let before_bytes = std::fs::read(&before_path)?;
    let before: Value = serde_json::from_slice(&before_bytes)?;

    // The same export with one more document, label and two annotations.
    let mine = "Zoë met 👩‍👩‍👧 in 東京, שלום e\u{301}te.\n";
    let mut file = before.clone();
    file["labels"]
        .as_array_mut()
        .context("labels")?
        .push(json!({"name": "Weapon", "color": "#fecaca", "hotkey": "7"}));
    file["documents"]
        .as_array_mut()
        .context("documents")?
        .push(json!({"id": "mine", "file_name": "mine.txt", "title": "Mine", "text": mine}));
    for (id, quote, label) in [("m1", "東京", "Location"), ("m2", "e\u{301}te", "Weapon")] {
        let (start, end) = code_points(mine, quote)?;
        file["annotations"]
            .as_array_mut()
            .context("annotations")?
            .push(json!({
                "id": id, "document_id": "mine", "start": start, "end": end, "quote": quote,
                "label": label, "created": "2026-11-22T10:00:00.000Z", "note": "imported"
            }));
    }
    let dir = ScratchDir::new("import")?;
    let merge_path = dir.path().join("more.json");
    std::fs::write(&merge_path, serde_json::to_string_pretty(&file)?)?;

    choose_import(client, &merge_path).await?;
    let said = preview(client).await?;
    ensure_eq!(
        said,
        "4 documents (1 new), 3 annotations, 1 new label; 1 annotation already present",
        "the merge preview"
    );
    page::click(client, &testid("import-confirm")).await?;
    wait_until("the imported document", STEP_TIMEOUT, || async {
        let ids: Vec<String> = page::eval(
            client,
            r#"return [...document.querySelectorAll('[data-testid="doc-item"]')].map(e => e.dataset.docId);"#,
            vec![],
        )
        .await?;
        if ids.len() == 4 && ids[3] == "mine" { Ok(Some(())) } else { Err(Failure(format!("{ids:?}"))) }
    })
    .await?;
    let merged: Value = serde_json::from_slice(&std::fs::read(
        download(&session, "export-json", "annotations.json", is_json).await?,
    )?)?;
    ensure_eq!(merged, file, "the export after the merge is the file");

    // Ctrl+Z takes the whole import back.
    page::click(client, &testid("doc-text")).await?;
    page::press_chord(client, &[Key::Control], 'z').await?;
    let undone = download(&session, "export-json", "annotations.json", is_json).await?;
    ensure!(
        std::fs::read(&undone)? == before_bytes,
        "undo restores the export byte for byte"
    );

    // A file with one bad offset is refused whole, naming the place.
    let mut bad = file.clone();
    bad["annotations"][2]["end"] = json!(5012);
    let bad_path = dir.path().join("bad.json");
    std::fs::write(&bad_path, bad.to_string())?;
    choose_import(client, &bad_path).await?;
    let alert = wait_until("the import error", STEP_TIMEOUT, || async {
        match page::text_content(client, "[role=alert]").await? {
            Some(text) if text.contains("was not imported") => Ok(Some(text)),
            other => Err(Failure(format!("alert: {other:?}"))),
        }
    })
    .await?;
    ensure!(
        alert.contains("annotations[2].end = 5012 is past the end of"),
        "the alert names the place and reason: {alert}"
    );
    let unchanged = download(&session, "export-json", "annotations.json", is_json).await?;
    ensure!(
        std::fs::read(&unchanged)? == before_bytes,
        "a refused file changes nothing"
    );

    // Merging in the file again, then replacing with the first export,
    // gives that export back byte for byte.
    choose_import(client, &merge_path).await?;
    preview(client).await?;
    page::click(client, &testid("import-confirm")).await?;
    choose_import(client, &before_path.clone()).await?;
    preview(client).await?;
    page::click(client, &testid("import-mode-replace")).await?;
    wait_until("the replace preview", STEP_TIMEOUT, || async {
        let said = preview(client).await?;
        if said.contains("replaces 4 documents and 3 annotations") {
            Ok(Some(()))
        } else {
            Err(Failure(said))
        }
    })
    .await?;
    page::click(client, &testid("import-confirm")).await?;
    wait_until("the replaced state", STEP_TIMEOUT, || async {
        let count: usize = page::eval(
            client,
            r#"return document.querySelectorAll('[data-testid="doc-item"]').length;"#,
            vec![],
        )
        .await?;
        if count == 3 {
            Ok(Some(()))
        } else {
            Err(Failure(format!("{count} documents")))
        }
    })
    .await?;
    let replaced = download(&session, "export-json", "annotations.json", is_json).await?;
    ensure!(
        std::fs::read(&replaced)? == before_bytes,
        "replace reproduces the export byte for byte"
    );
    Ok(())
}
