//! Annotating with the keyboard alone: reach the article with Tab, move a
//! caret, select by character, tag with a number key, move between
//! annotations with Tab, resize the selected one with Shift/Alt+arrows,
//! open it with Enter, delete it with Delete, undo and redo with Ctrl+Z and
//! Ctrl+Shift+Z or Ctrl+Y, and open the shortcut help with `?` — every step
//! a real key press; only the final export is clicked, to check the result.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::Client;

use crate::support::app::{export_annotations, wait_for_app};
use crate::support::browser::{BrowserKind, Session};
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{manifest_dir, wait_until, Context, Failure, Res};
use crate::{ensure_eq, in_every_browser};

const DOC: &str = "001_c07fc3de27d30260";

in_every_browser!(
    chromium_keyboard_only,
    firefox_keyboard_only,
    webkit_keyboard_only,
    keyboard_only
);

/// Presses `key` with the `modifiers` held, as one chord of real key events.
pub async fn chord(client: &Client, modifiers: &[Key], key: impl Into<char>) -> Res<()> {
    let key = key.into();
    let mut actions = KeyActions::new("keyboard".to_owned());
    for modifier in modifiers {
        actions = actions.then(KeyAction::Down {
            value: char::from(*modifier),
        });
    }
    actions = actions
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    for modifier in modifiers.iter().rev() {
        actions = actions.then(KeyAction::Up {
            value: char::from(*modifier),
        });
    }
    client
        .perform_actions(actions)
        .await
        .context(format!("pressing {modifiers:?} + {key:?}"))?;
    client.release_actions().await.context("releasing keys")
}

async fn press(client: &Client, key: Key, times: usize) -> Res<()> {
    for _ in 0..times {
        chord(client, &[], key).await?;
    }
    Ok(())
}

/// The annotations of the export, as `(start, end, quote, label)`.
async fn exported(session: &Session) -> Res<Vec<(u64, u64, String, String)>> {
    Ok(export_annotations(session)
        .await?
        .iter()
        .map(|a| {
            (
                a["start"].as_u64().unwrap_or_default(),
                a["end"].as_u64().unwrap_or_default(),
                a["quote"].as_str().unwrap_or_default().to_string(),
                a["label"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect())
}

async fn active_testid(client: &Client) -> Res<Option<String>> {
    page::eval(
        client,
        "return document.activeElement && document.activeElement.getAttribute('data-testid');",
        vec![],
    )
    .await
}

/// A Shift+Tab key press as the other browsers deliver it, dispatched to
/// the focused element (WebKit only: see its use).
const SHIFT_TAB_JS: &str = r#"
const init = { key: "Tab", code: "Tab", shiftKey: true, bubbles: true, cancelable: true };
const target = document.activeElement || document.body;
target.dispatchEvent(new KeyboardEvent("keydown", init));
target.dispatchEvent(new KeyboardEvent("keyup", init));
return null;
"#;

async fn keyboard_only(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = std::fs::read_to_string(manifest_dir().join(format!("seeds/{DOC}.txt")))?;
    client.goto(&url).await.context("opening the app")?;
    wait_for_app(client).await?;

    // Regression (issue 12): the article was some 27 Tab presses in. The
    // first Tab stop skips to it, and so does Alt+A from anywhere.
    chord(client, &[], Key::Tab).await?;
    ensure_eq!(
        active_testid(client).await?,
        Some("skip-to-article".to_string()),
        "the first Tab stop"
    );
    chord(client, &[], Key::Enter).await?;
    ensure_eq!(
        active_testid(client).await?,
        Some("doc-text".to_string()),
        "after the skip link"
    );
    let blur = "document.activeElement.blur(); return null;";
    page::eval::<()>(client, blur, vec![]).await?;
    chord(client, &[Key::Alt], 'a').await?;
    ensure_eq!(
        active_testid(client).await?,
        Some("doc-text".to_string()),
        "after Alt+A"
    );
    // A fresh page for the walk below: in Firefox a lone Alt can leave the
    // window's menu bar waiting for the next key.
    client.refresh().await.context("reloading")?;
    wait_for_app(client).await?;

    // Tab through the page to article 001 in the document list, open it
    // with Enter, then Tab on to the article itself.
    let mut opened = false;
    for _ in 0..80 {
        chord(client, &[], Key::Tab).await?;
        let on: Option<String> = page::eval(
            client,
            "const a = document.activeElement; return a && (a.getAttribute('data-doc-id') || a.getAttribute('data-testid'));",
            vec![],
        )
        .await?;
        match on.as_deref() {
            Some(DOC) if !opened => {
                chord(client, &[], Key::Enter).await?;
                page::wait_for_text(
                    client,
                    &testid("doc-text"),
                    &text,
                    "article 001 to open by keyboard",
                )
                .await?;
                opened = true;
            }
            Some("doc-text") if opened => break,
            _ => {}
        }
    }
    let focused = active_testid(client).await?;
    ensure_eq!(focused.as_deref(), Some("doc-text"), "focus after tabbing");

    // The first arrow puts the caret at the start; twelve Shift+→ select
    // "Powerbrokers"; 2 tags it Organization.
    chord(client, &[], Key::Right).await?;
    wait_until("a visible caret in the focused article", STEP_TIMEOUT, || async {
        let shown: bool = page::eval(
            client,
            "const c = document.querySelector('[data-testid=caret]'); return !!c && getComputedStyle(c).display !== 'none';",
            vec![],
        )
        .await?;
        if shown {
            Ok(Some(()))
        } else {
            Err(Failure("the caret is hidden".into()))
        }
    })
    .await?;
    for _ in 0..12 {
        chord(client, &[Key::Shift], Key::Right).await?;
    }
    ensure_eq!(
        page::pane_selection(client).await?,
        Some((0, 12)),
        "selection after twelve Shift+→"
    );
    chord(client, &[], '2').await?;
    wait_until("the keyboard-made highlight", STEP_TIMEOUT, || async {
        let shown = page::highlighted_texts(client).await?;
        match shown.values().next() {
            Some(quote) if quote == "Powerbrokers" => Ok(Some(())),
            _ => Err(Failure(format!("highlights: {shown:?}"))),
        }
    })
    .await?;

    // The new annotation is selected: Shift+→ ×8 moves its end to
    // "Powerbrokers Russia,", Alt+→ its start one character right,
    // Ctrl+Alt+← back to the start of the word, and 3 retags it Location.
    for _ in 0..8 {
        chord(client, &[Key::Shift], Key::Right).await?;
    }
    chord(client, &[Key::Alt], Key::Right).await?;
    wait_for_quote(client, "owerbrokers Russia,", "Organization").await?;
    chord(client, &[Key::Control, Key::Alt], Key::Left).await?;
    chord(client, &[], '3').await?;
    wait_for_quote(client, "Powerbrokers Russia,", "Location").await?;

    // Esc lets go of it; Ctrl+→ moves the caret on by words, and Shift+Tab
    // selects the annotation before it again; Enter
    // opens its details; Delete removes it; Ctrl+Z brings it back;
    // Ctrl+Shift+Z removes it again; Ctrl+Y... and Ctrl+Z once more.
    chord(client, &[], Key::Escape).await?;
    for _ in 0..4 {
        chord(client, &[Key::Control], Key::Right).await?;
    }
    if session.kind == BrowserKind::WebKit {
        // WebKitGTK's WebDriver sends Shift+Tab as a key "Unidentified"
        // (code "Tab"), which no page takes for Shift+Tab: the same key
        // event as the other browsers send is dispatched to the focus.
        page::eval::<()>(client, SHIFT_TAB_JS, vec![]).await?;
    } else {
        chord(client, &[Key::Shift], Key::Tab).await?;
    }
    chord(client, &[], Key::Enter).await?;
    wait_until(
        "the details of the selected annotation",
        STEP_TIMEOUT,
        || async {
            match page::text_content(client, &testid("annotation-details")).await? {
                Some(details) if details.contains("Powerbrokers Russia,") => Ok(Some(())),
                other => Err(Failure(format!("details: {other:?}"))),
            }
        },
    )
    .await?;
    let focused = active_testid(client).await?;
    ensure_eq!(focused.as_deref(), Some("doc-text"), "focus after Enter");
    press(client, Key::Delete, 1).await?;
    wait_for_count(client, 0).await?;
    chord(client, &[Key::Control], 'z').await?;
    wait_for_count(client, 1).await?;
    chord(client, &[Key::Control, Key::Shift], 'z').await?;
    wait_for_count(client, 0).await?;
    chord(client, &[Key::Control], 'z').await?;
    wait_for_count(client, 1).await?;
    chord(client, &[Key::Control], 'y').await?;
    wait_for_count(client, 0).await?;
    chord(client, &[Key::Control], 'z').await?;
    wait_for_count(client, 1).await?;

    // ? opens the shortcut help with the focus on its Close, which Tab
    // keeps there (the help's one control); Esc closes it.
    chord(client, &[Key::Shift], '?').await?;
    wait_until("the shortcut help", STEP_TIMEOUT, || async {
        match page::text_content(client, &testid("shortcut-help")).await? {
            Some(help)
                if help.contains("Undo")
                    && help.contains("Tab")
                    && help.contains("asks first: Enter deletes it with them, Esc keeps it") =>
            {
                Ok(Some(()))
            }
            other => Err(Failure(format!("help: {other:?}"))),
        }
    })
    .await?;
    let close = format!("{} .dialog-close", testid("shortcut-help"));
    page::wait_for_focus(client, &close).await?;
    chord(client, &[], Key::Tab).await?;
    page::wait_for_focus(client, &close).await?;
    chord(client, &[], Key::Escape).await?;
    wait_until("the help to close", STEP_TIMEOUT, || async {
        match page::text_content(client, &testid("shortcut-help")).await? {
            None => Ok(Some(())),
            Some(_) => Err(Failure("still open".into())),
        }
    })
    .await?;
    let last = exported(&session).await?;
    ensure_eq!(
        last,
        vec![(
            0,
            20,
            "Powerbrokers Russia,".to_string(),
            "Location".to_string()
        )],
        "the export after the keyboard session"
    );
    Ok(())
}

/// Waits until the one highlight shows `quote` with `label`.
async fn wait_for_quote(client: &Client, quote: &str, label: &str) -> Res<()> {
    wait_until(&format!("the highlight to read {quote:?} as {label}"), STEP_TIMEOUT, || async {
        let shown = page::highlighted_texts(client).await?;
        let labels: Vec<String> = page::eval(
            client,
            "return [...document.querySelectorAll('[data-testid=doc-text] mark')].map(m => m.getAttribute('data-label'));",
            vec![],
        )
        .await?;
        let quotes: Vec<&String> = shown.values().collect();
        if quotes == [quote] && !labels.is_empty() && labels.iter().all(|l| l == label) {
            Ok(Some(()))
        } else {
            Err(Failure(format!("highlights {shown:?}, labels {labels:?}")))
        }
    })
    .await
}

async fn wait_for_count(client: &Client, count: usize) -> Res<()> {
    wait_until(&format!("{count} highlights"), STEP_TIMEOUT, || async {
        let shown = page::highlighted_texts(client).await?;
        if shown.len() == count {
            Ok(Some(()))
        } else {
            Err(Failure(format!("highlights: {shown:?}")))
        }
    })
    .await
}
