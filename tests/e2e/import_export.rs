//! Data in and out through the UI: every export format downloaded from its
//! button and read by the independent Python readers; importing a native
//! file (preview, merge, undo, replace back to a byte-identical export); and
//! a malformed file refused with its place and reason, changing nothing.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use span_core::format::registry::{BRAT, CONLL, DOCCANO, FORMATS, NATIVE, W3C};

use crate::support::app::{
    cancel_refused_import, choose_import, code_points, download_export, open_seed, python_reader,
    wait_for_highlights,
};
use crate::support::browser::Session;
use crate::support::cli;
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{wait_until, Context, Failure, Res, ScratchDir};
use crate::{ensure, ensure_eq, in_every_browser};

const DOC: &str = "001_c07fc3de27d30260";

in_every_browser!(
    chromium_exports_in_every_format,
    firefox_exports_in_every_format,
    webkit_exports_in_every_format,
    exports_in_every_format
);
in_every_browser!(
    chromium_importing_a_file,
    firefox_importing_a_file,
    webkit_importing_a_file,
    importing_a_file
);

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
    // Nested spans, which CoNLL cannot hold, and curly quotes. (The two
    // drags that start on the same “R” are not one after the other: two
    // presses there in quick succession would be a double click.)
    tag(client, &text, "Russian military police", '2').await?;
    tag(client, &text, "“de-facto”", '3').await?;
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

    let (native, _) = download_export(&session, &NATIVE).await?;
    let (w3c, _) = download_export(&session, &W3C).await?;
    python_reader("check_w3c.py", &[w3c.as_os_str(), native.as_os_str()]).await?;
    let (doccano, _) = download_export(&session, &DOCCANO).await?;
    python_reader(
        "check_doccano.py",
        &[doccano.as_os_str(), native.as_os_str()],
    )
    .await?;
    let (brat, _) = download_export(&session, &BRAT).await?;
    let brat_left_out = left_out(client).await?;
    ensure_eq!(brat_left_out, "0", "brat holds every span");
    python_reader(
        "check_brat.py",
        &[brat.as_os_str(), native.as_os_str(), OsStr::new("0")],
    )
    .await?;
    let (conll, _) = download_export(&session, &CONLL).await?;
    let conll_left_out = left_out(client).await?;
    ensure_eq!(
        conll_left_out,
        "1",
        "the nested “Russian” cannot be a CoNLL entity"
    );
    // Issue 12: the notice said how many spans were left out, not which.
    let notice = page::text_content(client, "[aria-live=polite]")
        .await?
        .unwrap_or_default();
    let (russian, _) = code_points(&text, "Russian military police")?;
    ensure!(
        notice.contains(&format!(
            "Event “Russian” at {russian}–{} of “",
            russian + 7
        )),
        "the notice names the span left out: {notice}"
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
    let native = keep(&native, "all.json")?;
    cli_converts_as_the_app_downloads(&session, &native, None).await?;

    // Only the open document.
    client
        .find(Locator::Css(&testid("export-scope")))
        .await?
        .select_by_value("open")
        .await
        .context("choosing the open document")?;
    let (doccano, bytes) = download_export(&session, &DOCCANO).await?;
    let lines: Vec<Value> = String::from_utf8(bytes)
        .context("the JSONL is UTF-8")?
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
    cli_converts_as_the_app_downloads(&session, &native, Some(DOC)).await?;
    Ok(())
}

/// A copy of the download at `path`, which the next download of its name
/// would replace.
fn keep(path: &Path, name: &str) -> Res<PathBuf> {
    let copy = path.with_file_name(name);
    std::fs::copy(path, &copy).context("keeping a download")?;
    Ok(copy)
}

/// `span-cli convert` of the native export at `native` (of every document,
/// or of `document` alone, the scope the page has chosen) to each format
/// gives the bytes the app downloads in that format, and says what it left
/// out as the app's notice does.
async fn cli_converts_as_the_app_downloads(
    session: &Session,
    native: &Path,
    document: Option<&str>,
) -> Res<()> {
    for format in FORMATS {
        let (_, downloaded) = download_export(session, format).await?;
        let notice = page::text_content(&session.client, "[aria-live=polite]")
            .await?
            .unwrap_or_default();
        let mut args = vec![
            OsStr::new("convert"),
            native.as_os_str(),
            OsStr::new("--to"),
            OsStr::new(format.id),
        ];
        if let Some(document) = document {
            args.extend([OsStr::new("--document"), OsStr::new(document)]);
        }
        let output = cli::run(&args).await?;
        ensure!(
            output.status.success(),
            "span-cli convert --to {}: {}",
            format.id,
            String::from_utf8_lossy(&output.stderr)
        );
        ensure!(
            output.stdout == downloaded,
            "span-cli convert --to {} ({document:?}) gives {} bytes, the app's download {}",
            format.id,
            output.stdout.len(),
            downloaded.len()
        );
        let said = String::from_utf8_lossy(&output.stderr);
        ensure_eq!(
            said.trim_end(),
            notice,
            "what span-cli says of its {}",
            format.id
        );
    }
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
    let before_path = download_export(&session, &NATIVE).await?.0;
    let before_bytes = std::fs::read(&before_path)?;
    let before: Value = serde_json::from_slice(&before_bytes)?;

    // The same export with one more document (under way), label and two
    // annotations.
    let mine = "Zoë met 👩‍👩‍👧 in 東京, שלום e\u{301}te.\n";
    let mut file = before.clone();
    file["labels"]
        .as_array_mut()
        .context("labels")?
        .push(json!({"name": "Weapon", "color": "#fecaca", "hotkey": "7"}));
    file["documents"]
        .as_array_mut()
        .context("documents")?
        .push(json!({
            "id": "mine", "file_name": "mine.txt", "title": "Mine", "text": mine,
            "status": "in-progress"
        }));
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
    let merged: Value =
        serde_json::from_slice(&std::fs::read(download_export(&session, &NATIVE).await?.0)?)?;
    ensure_eq!(merged, file, "the export after the merge is the file");

    // Ctrl+Z takes the whole import back.
    page::click(client, &testid("doc-text")).await?;
    page::press_chord(client, &[Key::Control], 'z').await?;
    let undone = download_export(&session, &NATIVE).await?.0;
    ensure!(
        std::fs::read(&undone)? == before_bytes,
        "undo restores the export byte for byte"
    );

    // A file with one bad offset is refused whole, naming the place: its
    // preview says why, and its Import is disabled.
    let mut bad = file.clone();
    bad["annotations"][2]["end"] = json!(5012);
    let bad_path = dir.path().join("bad.json");
    std::fs::write(&bad_path, bad.to_string())?;
    choose_import(client, &bad_path).await?;
    let alert = wait_until("the import error", STEP_TIMEOUT, || async {
        match page::text_content(client, &testid("import-error")).await? {
            Some(text) if text.contains("cannot be imported") => Ok(Some(text)),
            other => Err(Failure(format!("alert: {other:?}"))),
        }
    })
    .await?;
    cancel_refused_import(client).await?;
    ensure!(
        alert.contains("annotations[2].end = 5012 is past the end of"),
        "the alert names the place and reason: {alert}"
    );
    let output = cli::run(&[OsStr::new("validate"), bad_path.as_os_str()]).await?;
    ensure_eq!(
        output.status.code(),
        Some(1),
        "span-cli validate fails the file"
    );
    let said = String::from_utf8_lossy(&output.stdout);
    ensure_eq!(
        said.trim_end(),
        format!("{}: {alert}", bad_path.display()),
        "span-cli validate says what the app says"
    );
    let unchanged = download_export(&session, &NATIVE).await?.0;
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
    let replaced = download_export(&session, &NATIVE).await?.0;
    ensure!(
        std::fs::read(&replaced)? == before_bytes,
        "replace reproduces the export byte for byte"
    );
    Ok(())
}
