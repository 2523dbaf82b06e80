//! Spans as a demanding annotator makes them: a span inside an existing one
//! and one enclosing both, all three visible and each pickable where they
//! overlap; and word snapping on and off over emoji with skin tones, ZWJ
//! families and combining marks, where a span never splits what a reader
//! sees as one character.

use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::key::Key;
use serde_json::{json, Value};

use crate::support::app::{
    code_points, export_annotations, open_only_document, open_seed, wait_for_highlights,
};
use crate::support::browser::Session;
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{wait_until, Context, Failure, Res};
use crate::{ensure, ensure_eq, in_every_browser};

in_every_browser!(
    chromium_nested_spans,
    firefox_nested_spans,
    webkit_nested_spans,
    nested
);
in_every_browser!(
    chromium_snapping,
    firefox_snapping,
    webkit_snapping,
    snapping
);
in_every_browser!(
    chromium_resize_by_handle,
    firefox_resize_by_handle,
    webkit_resize_by_handle,
    handles
);

async fn nested(session: Session, url: String) -> Res<()> {
    const DOC: &str = "002_851cd8e497878d71";
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;

    let made = [
        ("coordination center", '2'),
        ("center", '3'),
        ("set up coordination center for safety", '6'),
    ];
    for (n, (quote, key)) in made.iter().enumerate() {
        let (start, end) = code_points(&text, quote)?;
        page::drag_select(client, &text, start, end).await?;
        page::press_key(client, *key).await?;
        wait_for_highlights(client, &format!("{} highlights", n + 1), |h| {
            h.len() == n + 1
        })
        .await?;
    }
    let shown = page::highlighted_texts(client).await?;
    let mut quotes: Vec<&str> = shown.values().map(String::as_str).collect();
    quotes.sort_unstable();
    ensure_eq!(
        quotes,
        vec![
            "center",
            "coordination center",
            "set up coordination center for safety"
        ],
        "highlighted texts"
    );

    // Where all three overlap, one element carries all three ids, the
    // enclosing first, and shows the outer two as bands.
    let triple: Vec<(String, String)> = page::eval(
        client,
        r#"return [...document.querySelectorAll('[data-testid="doc-text"] mark')]
            .filter(m => m.getAttribute('data-ann-id').split(' ').length === 3)
            .map(m => [m.textContent, m.getAttribute('style')]);"#,
        vec![],
    )
    .await?;
    ensure_eq!(triple.len(), 1, "elements under all three spans");
    ensure_eq!(triple[0].0.as_str(), "center", "text under all three spans");
    ensure!(
        triple[0].1.matches("inset").count() == 2,
        "two bands expected, style is {}",
        triple[0].1
    );

    // A click there lists all three; deleting the middle one from its card
    // leaves the other two.
    page::click(
        client,
        r#"[data-testid="doc-text"] mark[data-label="Location"]"#,
    )
    .await?;
    let cards: Vec<String> = wait_until("three annotation cards", STEP_TIMEOUT, || async {
        let cards: Vec<String> = page::eval(
            client,
            r#"return [...document.querySelectorAll('[data-testid="annotation-details"] [data-ann-id]')].map(c => c.textContent);"#,
            vec![],
        )
        .await?;
        if cards.len() == 3 {
            Ok(Some(cards))
        } else {
            Err(Failure(format!("cards: {cards:?}")))
        }
    })
    .await?;
    ensure!(
        cards[1].contains("coordination center"),
        "the middle card is not the middle span: {cards:?}"
    );
    page::click(
        client,
        r#"[data-testid="annotation-details"] [data-ann-id]:nth-of-type(2) button.delete"#,
    )
    .await?;
    wait_for_highlights(
        client,
        "two highlights after deleting the middle one",
        |h| h.len() == 2,
    )
    .await?;
    // Regression (issue 12): the focus fell to the page; it goes back to
    // the article, with the caret where the deleted span began.
    let (middle, _) = code_points(&text, "coordination center")?;
    wait_until(
        "the article focused at the deleted span",
        STEP_TIMEOUT,
        || async {
            let at: Option<(String, usize)> = page::eval(
                client,
                r#"const a = document.activeElement;
               const s = getSelection();
               if (!a || !s.rangeCount || !s.isCollapsed) return null;
               const r = document.createRange();
               r.setStart(a, 0);
               r.setEnd(s.anchorNode, s.anchorOffset);
               return [a.getAttribute('data-testid'), [...r.toString()].length];"#,
                vec![],
            )
            .await?;
            match at {
                Some((testid, offset)) if testid == "doc-text" && offset == middle => Ok(Some(())),
                other => Err(Failure(format!("focus and caret: {other:?}"))),
            }
        },
    )
    .await?;
    let left = export_annotations(&session).await?;
    let mut labels: Vec<&str> = left.iter().filter_map(|a| a["label"].as_str()).collect();
    labels.sort_unstable();
    ensure_eq!(labels, vec!["Event", "Location"], "labels left");
    Ok(())
}

async fn snapping(session: Session, url: String) -> Res<()> {
    const DOC: &str = "snapping-test";
    let text = "Envoy Staffan👍🏽 met 👩‍👩‍👧 families in Astana.\nCafe\u{301} e\u{301}te\u{301} talks 中文 עברית in Moscow’s view.\n";
    let client = &session.client;
    open_only_document(client, &url, DOC, text).await?;

    // Snapping on: a drag from inside "Staffan" to inside "met" takes whole
    // words, the thumb with its skin tone included.
    let (staffan, _) = code_points(text, "Staffan")?;
    let (met, _) = code_points(text, "met")?;
    page::drag_select(client, text, staffan + 2, met + 2).await?;
    page::press_key(client, '1').await?;
    wait_for_highlights(client, "the snapped span", |h| h.len() == 1).await?;
    // Regression (issue 12): a drag inside "Moscow" of "Moscow’s" took the
    // possessive too; it is a word of its own.
    let (moscow, _) = code_points(text, "Moscow")?;
    page::drag_select(client, text, moscow + 1, moscow + 4).await?;
    page::press_key(client, '3').await?;
    wait_for_highlights(client, "the possessive left out", |h| h.len() == 2).await?;

    // Snapping off, by the switch and by Alt+W (on again, then off): a
    // selection set inside a cluster (between a letter and its accent,
    // inside a ZWJ family) still takes the whole cluster.
    let snapping = || async {
        page::eval::<bool>(
            client,
            "return document.querySelector('[data-testid=snap-toggle]').checked;",
            vec![],
        )
        .await
    };
    page::click(client, &testid("snap-toggle")).await?;
    ensure!(!snapping().await?, "the snap switch is still on");
    page::press_chord(client, &[Key::Alt], 'w').await?;
    ensure!(snapping().await?, "Alt+W did not turn snapping on");
    page::press_chord(client, &[Key::Alt], 'w').await?;
    ensure!(!snapping().await?, "Alt+W did not turn snapping off");
    let (accents, accents_end) = code_points(text, "e\u{301}te\u{301}")?;
    let (family, family_end) = code_points(text, "👩‍👩‍👧")?;
    for (n, (start, end, cluster_end)) in [
        (accents + 1, accents + 4, accents_end),
        (family + 2, family + 3, family_end),
    ]
    .into_iter()
    .enumerate()
    {
        select_code_points(client, start, end).await?;
        page::press_key(client, '4').await?;
        wait_for_highlights(client, &format!("{} highlights", n + 3), |h| {
            h.len() == n + 3
        })
        .await?;
        // The app puts the caret at the new span's end on the next frame;
        // a selection set before that frame would be replaced by it.
        wait_for_caret(client, cluster_end).await?;
    }
    // With snapping off a drag inside a word keeps exactly what it covers.
    let (astana, _) = code_points(text, "Astana")?;
    page::drag_select(client, text, astana + 1, astana + 4).await?;
    page::press_key(client, '3').await?;
    wait_for_highlights(client, "5 highlights", |h| h.len() == 5).await?;

    let exported = export_annotations(&session).await?;
    let mut spans: Vec<(u64, u64, String)> = exported
        .iter()
        .map(|a| {
            let span = (
                a["start"].as_u64().unwrap_or(0),
                a["end"].as_u64().unwrap_or(0),
            );
            (
                span.0,
                span.1,
                a["quote"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    spans.sort();
    let at = |s: usize, e: usize| {
        (
            s as u64,
            e as u64,
            text.chars().skip(s).take(e - s).collect::<String>(),
        )
    };
    let (_, met_end) = code_points(text, "met")?;
    let mut expected = vec![
        at(staffan, met_end),
        at(accents, accents + 5),
        at(family, family_end),
        at(astana + 1, astana + 4),
        at(moscow, moscow + "Moscow".len()),
    ];
    expected.sort();
    ensure_eq!(spans, expected, "exported spans");
    ensure_eq!(spans[0].2.as_str(), "Staffan👍🏽 met", "the snapped quote");
    Ok(())
}

/// Drags the end handle of a selected annotation by its knob below the
/// line, with the real mouse, from the end of "coordination center" to the
/// end of "safety".
async fn handles(session: Session, url: String) -> Res<()> {
    const DOC: &str = "002_851cd8e497878d71";
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;
    let (start, end) = code_points(&text, "coordination center")?;
    page::drag_select(client, &text, start, end).await?;
    page::press_key(client, '2').await?;
    wait_for_highlights(client, "the highlight", |h| h.len() == 1).await?;
    page::click(client, r#"[data-testid="doc-text"] mark"#).await?;

    let handle: (f64, f64) = wait_until("the end handle", STEP_TIMEOUT, || async {
        let at: Option<(f64, f64)> = page::eval(
            client,
            r#"const h = document.querySelector('[data-testid="handle-end"]');
               if (!h || getComputedStyle(h).display === 'none') return null;
               const r = h.getBoundingClientRect();
               return [r.left + r.width / 2, r.bottom + 5];"#,
            vec![],
        )
        .await?;
        at.map(Some)
            .ok_or_else(|| Failure("no end handle shown".into()))
    })
    .await?;
    let (_, safety_end) = code_points(&text, "coordination center for safety")?;
    let target: (f64, f64) = page::eval(
        client,
        r#"const pane = document.querySelector('[data-testid="doc-text"]');
           const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
           let left = arguments[0];
           for (let node = walker.nextNode(); node; node = walker.nextNode()) {
             const chars = [...node.data];
             if (left < chars.length) {
               const at = chars.slice(0, left).join('').length;
               const range = document.createRange();
               range.setStart(node, at);
               range.setEnd(node, at + chars[left].length);
               const r = range.getBoundingClientRect();
               return [r.left + r.width * 0.75, r.top + r.height / 2];
             }
             left -= chars.length;
           }
           return null;"#,
        vec![json!(safety_end - 1)],
    )
    .await?;
    let point = |(x, y): (f64, f64)| PointerAction::MoveTo {
        duration: Some(std::time::Duration::from_millis(50)),
        x: x.round(),
        y: y.round(),
    };
    let drag = MouseActions::new("mouse".to_owned())
        .then(point(handle))
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(point((
            (handle.0 + target.0) / 2.0,
            (handle.1 + target.1) / 2.0,
        )))
        .then(point(target))
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    client
        .perform_actions(drag)
        .await
        .context("dragging the end handle")?;
    client
        .release_actions()
        .await
        .context("releasing the mouse")?;
    wait_for_highlights(client, "the resized highlight", |h| {
        h.values().next().map(String::as_str) == Some("coordination center for safety")
    })
    .await?;
    let exported = export_annotations(&session).await?;
    ensure_eq!(exported.len(), 1, "annotations");
    ensure_eq!(
        exported[0]["end"].as_u64(),
        Some(safety_end as u64),
        "the new end"
    );
    ensure_eq!(
        exported[0]["start"].as_u64(),
        Some(start as u64),
        "the start stays"
    );
    Ok(())
}

/// Selects code points `start..end` of the pane directly, boundaries and
/// all: a mouse cannot put them inside a cluster, but the app must cope
/// when something else does.
/// Waits until the page's selection is a caret in the article.
/// Waits for the caret at code point `at` of the article. (Any collapsed
/// selection in it is not enough: the one a redraw leaves comes first.)
async fn wait_for_caret(client: &fantoccini::Client, at: usize) -> Res<()> {
    wait_until("the caret at the new span's end", STEP_TIMEOUT, || async {
        let caret: Option<usize> = page::eval(
            client,
            r#"const s = getSelection();
            const pane = document.querySelector('[data-testid="doc-text"]');
            if (s.rangeCount === 0 || !s.isCollapsed || !pane.contains(s.anchorNode)) return null;
            const before = document.createRange();
            before.setStart(pane, 0);
            before.setEnd(s.anchorNode, s.anchorOffset);
            return [...before.toString()].length;"#,
            vec![],
        )
        .await?;
        match caret {
            Some(caret) if caret == at => Ok(Some(())),
            other => Err(Failure(format!("caret at {other:?}, not {at}"))),
        }
    })
    .await
}

async fn select_code_points(client: &fantoccini::Client, start: usize, end: usize) -> Res<()> {
    page::eval::<Value>(
        client,
        r#"
        const pane = document.querySelector('[data-testid="doc-text"]');
        const point = (offset) => {
          const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
          let left = offset;
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const chars = [...node.data];
            if (left <= chars.length) {
              return [node, chars.slice(0, left).join('').length];
            }
            left -= chars.length;
          }
          throw new Error('offset past the end');
        };
        const range = document.createRange();
        range.setStart(...point(arguments[0]));
        range.setEnd(...point(arguments[1]));
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        return null;
        "#,
        vec![json!(start), json!(end)],
    )
    .await?;
    Ok(())
}
