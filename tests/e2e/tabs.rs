//! Two tabs of the app on one browser profile (issue 10): neither loses
//! the other's work, in turn or at once, and storage cleared from another
//! page is written back. Each tab is a real window of one session, sharing
//! its localStorage; edits made in one show in the other without a reload.

use std::time::Instant;

use fantoccini::wd::WindowHandle;
use fantoccini::Client;
use serde_json::json;

use crate::support::app::{
    code_points, open_document, pending, wait_for_app, wait_for_highlights,
    wait_for_nothing_pending, words,
};
use crate::support::browser::{BrowserKind, Session};
use crate::support::page::{self, testid, STEP_TIMEOUT, TAG_BY_SCRIPT_JS};
use crate::support::{manifest_dir, random_below, wait_until, Context, Failure, Res};
use crate::{ensure, ensure_eq, in_every_browser};

const DOC: &str = "001_c07fc3de27d30260";

in_every_browser!(
    chromium_tabs_in_turn,
    firefox_tabs_in_turn,
    webkit_tabs_in_turn,
    tabs_in_turn
);
in_every_browser!(
    chromium_tabs_at_once,
    firefox_tabs_at_once,
    webkit_tabs_at_once,
    tabs_at_once
);
in_every_browser!(
    chromium_hidden_tab_writes_back,
    firefox_hidden_tab_writes_back,
    webkit_hidden_tab_writes_back,
    hidden_tab_writes_back
);
in_every_browser!(
    chromium_storage_cleared_elsewhere,
    firefox_storage_cleared_elsewhere,
    webkit_storage_cleared_elsewhere,
    storage_cleared_elsewhere
);

/// Opens a second window on the app, with the article open, and returns
/// both windows' handles.
pub(crate) async fn two_windows(
    session: &Session,
    url: &str,
    text: &str,
) -> Res<(WindowHandle, WindowHandle)> {
    let client = &session.client;
    client.goto(url).await.context("opening the app")?;
    wait_for_app(client).await?;
    open_document(client, DOC, text).await?;
    let first = client.window().await.context("the first window")?;
    let second = session.new_tab().await.context("opening a second tab")?;
    client
        .switch_to_window(second.clone())
        .await
        .context("switching")?;
    client
        .goto(url)
        .await
        .context("opening the app in the second tab")?;
    wait_for_app(client).await?;
    open_document(client, DOC, text).await?;
    Ok((first, second))
}

pub(crate) async fn switch(client: &Client, window: &WindowHandle) -> Res<()> {
    client
        .switch_to_window(window.clone())
        .await
        .context("switching tabs")
}

/// Issue 10: 16 spans tagged alternately in two tabs left 13–15; a document
/// pasted in each tab left one.
async fn tabs_in_turn(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = std::fs::read_to_string(manifest_dir().join(format!("seeds/{DOC}.txt")))?;
    let (a, b) = two_windows(&session, &url, &text).await?;
    let words = words(&text);
    let mut slowest = std::time::Duration::ZERO;
    for round in 0..16 {
        let (here, there) = if round % 2 == 0 { (&a, &b) } else { (&b, &a) };
        switch(client, here).await?;
        let (start, end) = words[round * 3];
        page::drag_select(client, &text, start, end).await?;
        page::press_key(client, if round % 2 == 0 { '1' } else { '3' }).await?;
        wait_for_highlights(client, "the new highlight in this tab", |h| {
            h.len() == round + 1
        })
        .await?;
        // The other tab shows it without a reload.
        let since = Instant::now();
        switch(client, there).await?;
        wait_for_highlights(client, "the other tab's highlight here", |h| {
            h.len() == round + 1
        })
        .await?;
        slowest = slowest.max(since.elapsed());
    }
    println!(
        "[{}] slowest edit to show in the other tab (with the switch): {slowest:?}",
        session.kind.name()
    );

    // A document pasted in each tab.
    for (tab, title) in [(&a, "From tab A"), (&b, "From tab B")] {
        switch(client, tab).await?;
        page::click(client, &testid("paste-open")).await?;
        page::click(client, &testid("paste-text")).await?;
        page::type_text(client, &format!("{title}: שלום 😀 e\u{301}.")).await?;
        page::click(client, &testid("paste-title")).await?;
        page::type_text(client, title).await?;
        page::click(client, &testid("paste-add")).await?;
    }
    for tab in [&a, &b] {
        switch(client, tab).await?;
        wait_until(
            "both pasted documents in this tab",
            STEP_TIMEOUT,
            || async {
                let titles = titles(client).await?;
                if titles.iter().any(|t| t == "From tab A")
                    && titles.iter().any(|t| t == "From tab B")
                {
                    Ok(Some(()))
                } else {
                    Err(Failure(format!("listed {titles:?}")))
                }
            },
        )
        .await?;
    }

    // A fresh tab finds all of it.
    let fresh = session.new_tab().await.context("a third tab")?;
    switch(client, &fresh).await?;
    client.goto(&url).await.context("opening the app")?;
    wait_until(
        "five documents in a fresh tab",
        crate::support::app::APP_LOAD_TIMEOUT,
        || async {
            match titles(client).await?.len() {
                5 => Ok(Some(())),
                n => Err(Failure(format!("{n} documents"))),
            }
        },
    )
    .await?;
    open_document(client, DOC, &text).await?;
    let shown = wait_for_highlights(client, "all 16 highlights in a fresh tab", |h| {
        h.len() == 16
    })
    .await?;
    for round in 0..16 {
        let (start, end) = words[round * 3];
        let quote: String = text.chars().skip(start).take(end - start).collect();
        ensure!(
            shown.values().any(|q| *q == quote),
            "the span “{quote}” of round {round} is lost"
        );
    }
    ensure_eq!(pending(client).await?, 0, "changes pending");
    Ok(())
}

/// Both tabs tagging at the same time, each a span every 25 ms: every span
/// of both is stored.
async fn tabs_at_once(session: Session, url: String) -> Res<()> {
    const EACH: usize = 12;
    let client = &session.client;
    let text = std::fs::read_to_string(manifest_dir().join(format!("seeds/{DOC}.txt")))?;
    let (a, b) = two_windows(&session, &url, &text).await?;
    let words = words(&text);
    for (n, tab) in [&a, &b].into_iter().enumerate() {
        switch(client, tab).await?;
        let spans: Vec<(usize, usize)> = (0..EACH).map(|i| words[i * 2 + n]).collect();
        let key = if n == 0 { "1" } else { "2" };
        client
            .execute(
                &format!(
                    "{TAG_BY_SCRIPT_JS}
                     const [spans, key] = arguments;
                     window.__tagged = 0;
                     spans.forEach(([s, e], i) => setTimeout(() => {{
                         window.__tagCodePoints(s, e, key);
                         window.__tagged += 1;
                     }}, 25 * i));"
                ),
                vec![json!(spans), json!(key)],
            )
            .await
            .context("starting to tag")?;
    }
    for tab in [&a, &b] {
        switch(client, tab).await?;
        wait_until("this tab to finish tagging", STEP_TIMEOUT * 3, || async {
            let done: usize = page::eval(client, "return window.__tagged;", vec![]).await?;
            if done == EACH {
                Ok(Some(()))
            } else {
                Err(Failure(format!("{done} tagged")))
            }
        })
        .await?;
    }
    for tab in [&a, &b] {
        switch(client, tab).await?;
        wait_for_highlights(client, "every span of both tabs here", |h| {
            h.len() == 2 * EACH
        })
        .await?;
        wait_for_nothing_pending(client, STEP_TIMEOUT).await?;
    }
    client.refresh().await.context("reloading")?;
    wait_for_app(client).await?;
    open_document(client, DOC, &text).await?;
    wait_for_highlights(client, "every span after a reload", |h| h.len() == 2 * EACH).await?;
    Ok(())
}

/// A tab in the background whose span another tab's write lost (the two
/// wrote the same key at once) writes it back while still hidden: a hidden
/// page gets no animation frames, and a tab that waited for one to take in
/// the other's write kept the span only in memory, lost if it was closed
/// unseen. The lost write is played by the shown tab putting back every key
/// the tagging changed as it was before (removing the ones it added).
async fn hidden_tab_writes_back(session: Session, url: String) -> Res<()> {
    const SNAPSHOT_JS: &str = "return Object.fromEntries(Object.entries(localStorage));";
    let client = &session.client;
    let text = std::fs::read_to_string(manifest_dir().join(format!("seeds/{DOC}.txt")))?;
    let (shown, hidden) = two_windows(&session, &url, &text).await?;
    switch(client, &shown).await?;
    let before: serde_json::Value = page::eval(client, SNAPSHOT_JS, vec![]).await?;
    switch(client, &hidden).await?;
    let (start, end) = code_points(&text, "yesterday")?;
    page::drag_select(client, &text, start, end).await?;
    page::press_key(client, '2').await?;
    wait_for_highlights(client, "the span in the tab that tagged it", |h| {
        h.values().any(|q| q == "yesterday")
    })
    .await?;
    wait_for_nothing_pending(client, STEP_TIMEOUT).await?;
    client
        .execute(
            "window.__states = []; document.addEventListener('visibilitychange', \
             () => window.__states.push(document.visibilityState));",
            vec![],
        )
        .await
        .context("watching the tab's visibility")?;
    switch(client, &shown).await?;
    let lost: Vec<String> = page::eval(
        client,
        "const before = arguments[0];
         const lost = Object.keys(localStorage).filter(k => localStorage.getItem(k) !== before[k]);
         for (const key of lost) {
           if (key in before) localStorage.setItem(key, before[key]);
           else localStorage.removeItem(key);
         }
         return lost;",
        vec![before.clone()],
    )
    .await?;
    ensure!(!lost.is_empty(), "tagging changed no stored key");
    wait_until(
        "the hidden tab to write the span back",
        STEP_TIMEOUT,
        || async {
            let now: serde_json::Value = page::eval(client, SNAPSHOT_JS, vec![]).await?;
            match lost.iter().any(|k| now[k.as_str()] != before[k.as_str()]) {
                true => Ok(Some(())),
                false => Err(Failure(format!("{lost:?} still as before the span"))),
            }
        },
    )
    .await?;
    client.refresh().await.context("reloading the shown tab")?;
    wait_for_app(client).await?;
    open_document(client, DOC, &text).await?;
    wait_for_highlights(client, "the span after a reload", |h| {
        h.len() == 1 && h.values().any(|q| q == "yesterday")
    })
    .await?;
    switch(client, &hidden).await?;
    let states: Vec<String> = page::eval(client, "return window.__states;", vec![]).await?;
    println!(
        "[{}] the tab that wrote the span back went: {states:?}",
        session.kind.name()
    );
    // WebKit's extra tabs are windows of their own, both shown.
    if session.kind != BrowserKind::WebKit {
        ensure_eq!(
            states.first().map(String::as_str),
            Some("hidden"),
            "the tab that wrote the span back was hidden"
        );
    }
    Ok(())
}

/// Issue 10: storage cleared from another tab (or by the browser), then one
/// edit: "Saved" was shown over data that was gone.
async fn storage_cleared_elsewhere(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = std::fs::read_to_string(manifest_dir().join(format!("seeds/{DOC}.txt")))?;
    let (a, b) = two_windows(&session, &url, &text).await?;
    switch(client, &a).await?;
    for needle in ["Lavrentiev", "Astana", "Moscow"] {
        let (start, end) = code_points(&text, needle)?;
        page::drag_select(client, &text, start, end).await?;
        page::press_key(client, '1').await?;
    }
    wait_for_highlights(client, "three highlights", |h| h.len() == 3).await?;
    switch(client, &b).await?;
    wait_for_highlights(client, "three highlights in the other tab", |h| {
        h.len() == 3
    })
    .await?;
    client
        .execute("localStorage.clear();", vec![])
        .await
        .context("clearing storage from the other tab")?;
    switch(client, &a).await?;
    let notice = wait_until("the tab to notice", STEP_TIMEOUT, || async {
        match page::text_content(client, "[role=alert]").await? {
            Some(t) if t.contains("cleared") => Ok(Some(t)),
            other => Err(Failure(format!("alert: {other:?}"))),
        }
    })
    .await?;
    println!("[{}] {notice}", session.kind.name());
    let (start, end) = code_points(&text, "Tehran")?;
    page::drag_select(client, &text, start, end).await?;
    page::press_key(client, '3').await?;
    wait_for_highlights(client, "four highlights", |h| h.len() == 4).await?;
    let status = page::text_content(client, &testid("status"))
        .await?
        .unwrap_or_default();
    ensure!(
        status.starts_with("Saved"),
        "status after the write-back: {status}"
    );
    let fresh = session.new_tab().await.context("a fresh tab")?;
    switch(client, &fresh).await?;
    client.goto(&url).await.context("opening the app")?;
    wait_for_app(client).await?;
    open_document(client, DOC, &text).await?;
    wait_for_highlights(client, "all four in a fresh tab", |h| h.len() == 4).await?;
    Ok(())
}

/// The titles in the document list.
async fn titles(client: &Client) -> Res<Vec<String>> {
    page::eval(
        client,
        r#"return [...document.querySelectorAll('[data-testid="doc-item"] .doc-title')].map(e => e.textContent);"#,
        vec![],
    )
    .await
}

in_every_browser!(chromium_soak, firefox_soak, webkit_soak, soak);

/// Random edits across two tabs with reloads in between: tags, retags and
/// deletes, each made as the app's keys make them, in whichever tab comes
/// up, while the test keeps its own model of what should be stored. The
/// suite makes 120; `make bench-storage` 1,000 (`SOAK_EDITS`). `SOAK_SEED`
/// picks another sequence.
async fn soak(session: Session, url: String) -> Res<()> {
    let edits: usize = std::env::var("SOAK_EDITS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(120);
    let seed: u64 = std::env::var("SOAK_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x5eed);
    let mut random = random_below(seed);
    let client = &session.client;
    let text = std::fs::read_to_string(manifest_dir().join(format!("seeds/{DOC}.txt")))?;
    let (a, b) = two_windows(&session, &url, &text).await?;
    let words = words(&text);
    // The model: the label each word is tagged with, and in each tab the
    // word whose annotation is selected (the one just tagged), if any.
    let mut model: Vec<Option<char>> = vec![None; words.len()];
    let mut selected: [Option<usize>; 2] = [None, None];
    let mut here = 0;
    switch(client, &a).await?;
    for edit in 0..edits {
        if random(8) == 0 {
            here = 1 - here;
            switch(client, if here == 0 { &a } else { &b }).await?;
        }
        if random(25) == 0 {
            client.refresh().await.context("reloading")?;
            wait_until(
                "the app after a reload",
                crate::support::app::APP_LOAD_TIMEOUT,
                || async {
                    match page::text_content(client, &testid("doc-text")).await? {
                        Some(_) => Ok(Some(())),
                        None => Err(Failure("no pane yet".into())),
                    }
                },
            )
            .await?;
            open_document(client, DOC, &text).await?;
            selected[here] = None;
        }
        let key = char::from(b'1' + random(6) as u8);
        match (selected[here], random(3)) {
            (Some(word), 0) => {
                client
                    .execute(
                        r#"window.getSelection().removeAllRanges();
                           document.body.dispatchEvent(new KeyboardEvent("keydown", { key: arguments[0], bubbles: true }));"#,
                        vec![json!(key.to_string())],
                    )
                    .await
                    .context("retagging")?;
                model[word] = Some(key);
            }
            (Some(word), 1) => {
                client
                    .execute(
                        r#"document.querySelector('[data-testid="doc-text"]')
                             .dispatchEvent(new KeyboardEvent("keydown", { key: "Delete", bubbles: true }));"#,
                        vec![],
                    )
                    .await
                    .context("deleting")?;
                model[word] = None;
                selected[here] = None;
            }
            _ => {
                let free: Vec<usize> = (0..words.len()).filter(|w| model[*w].is_none()).collect();
                let word = free[random(free.len())];
                let (start, end) = words[word];
                client
                    .execute(
                        &format!("{TAG_BY_SCRIPT_JS} window.__tagCodePoints(arguments[0], arguments[1], arguments[2]);"),
                        vec![json!(start), json!(end), json!(key.to_string())],
                    )
                    .await
                    .context("tagging")?;
                model[word] = Some(key);
                selected[here] = Some(word);
            }
        }
        let expected = model.iter().filter(|m| m.is_some()).count();
        wait_for_highlights(
            client,
            &format!("edit {edit}: {expected} highlights"),
            |h| h.len() == expected,
        )
        .await?;
    }
    // A fresh tab holds exactly the model.
    let fresh = session.new_tab().await.context("a fresh tab")?;
    switch(client, &fresh).await?;
    client.goto(&url).await.context("opening the app")?;
    wait_for_app(client).await?;
    // The default labels, whose hotkeys are 1 to 6 in order.
    let labels = span_core::model::default_labels();
    let mut want: Vec<(usize, usize, String)> = model
        .iter()
        .enumerate()
        .filter_map(|(w, m)| {
            m.map(|k| {
                (
                    words[w].0,
                    words[w].1,
                    labels[(k as u8 - b'1') as usize].name.clone(),
                )
            })
        })
        .collect();
    want.sort();
    let mut found: Vec<(usize, usize, String)> = crate::support::app::export_annotations(&session)
        .await?
        .iter()
        .map(|a| {
            (
                a["start"].as_u64().unwrap_or_default() as usize,
                a["end"].as_u64().unwrap_or_default() as usize,
                a["label"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    found.sort();
    ensure_eq!(found, want, "the export after {edits} edits in two tabs");
    println!(
        "[{}] {edits} edits in two tabs: {} annotations, as the model says",
        session.kind.name(),
        want.len()
    );
    Ok(())
}
