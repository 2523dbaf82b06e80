//! Touch, with a finger (WebDriver touch actions), on a tablet-sized
//! screen: a word selected as a long-press selects it, then a tap on a label
//! tags it, even though the tap clears the page's selection before the
//! label's click arrives, as touch platforms do; a tap on a highlight opens
//! its details; and a finger drags the end handle of the selected
//! annotation onto the end of the next word.

use fantoccini::actions::{InputSource, PointerAction, TouchActions, MOUSE_BUTTON_LEFT};
use fantoccini::Client;

use crate::support::app::{code_points, detail_card_ids, open_seed, wait_for_highlights};
use crate::support::browser::{Device, Session};
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{wait_until, Context, Failure, Res};
use crate::{ensure, ensure_eq, in_every_browser};

const DOC: &str = "001_c07fc3de27d30260";

in_every_browser!(
    chromium_touch,
    firefox_touch,
    webkit_touch,
    touch,
    device = Device {
        touch: true,
        ..Device::default()
    }
);

/// One tap of a finger at (`x`, `y`), in the viewport's CSS pixels.
async fn tap(client: &Client, x: f64, y: f64) -> Res<()> {
    let finger = TouchActions::new("finger".into())
        .then(PointerAction::MoveTo {
            duration: None,
            x: x.round(),
            y: y.round(),
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    client
        .perform_actions(finger)
        .await
        .context(format!("tapping at ({x}, {y})"))?;
    client.release_actions().await.context("lifting the finger")
}

/// A finger put down at `from`, moved to `to` in a few steps, and lifted.
async fn drag(client: &Client, from: (f64, f64), to: (f64, f64)) -> Res<()> {
    let step = |t: f64| PointerAction::MoveTo {
        duration: Some(std::time::Duration::from_millis(40)),
        x: (from.0 + (to.0 - from.0) * t).round(),
        y: (from.1 + (to.1 - from.1) * t).round(),
    };
    let finger = TouchActions::new("finger".into())
        .then(step(0.0))
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(step(0.3))
        .then(step(0.7))
        .then(step(1.0))
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    client
        .perform_actions(finger)
        .await
        .context(format!("dragging a finger from {from:?} to {to:?}"))?;
    client.release_actions().await.context("lifting the finger")
}

/// The centre of the element `selector` matches, in the viewport.
async fn centre(client: &Client, selector: &str) -> Res<(f64, f64)> {
    let found: Option<(f64, f64)> = page::eval(
        client,
        r#"const el = document.querySelector(arguments[0]);
           if (!el) return null;
           el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
           const r = el.getBoundingClientRect();
           return [r.left + r.width / 2, r.top + r.height / 2];"#,
        vec![selector.into()],
    )
    .await?;
    found.context(format!("no {selector} on the page"))
}

async fn touch(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;
    client.set_window_size(768, 1024).await?;

    // "Astana" selected as a long-press does, with the platform's handles
    // (which WebDriver cannot make): by the page's selection API.
    let (start, _) = code_points(&text, "Astana later")?;
    let end = start + "Astana".len();
    page::point_at(client, start, 0.5).await?;
    page::eval::<()>(
        client,
        r#"const [start, end] = arguments;
           const pane = document.querySelector('[data-testid="doc-text"]');
           const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
           const range = document.createRange();
           let seen = 0;
           for (let node = walker.nextNode(); node; node = walker.nextNode()) {
             let u16 = 0;
             for (const ch of node.data) {
               if (seen === start) range.setStart(node, u16);
               if (seen + 1 === end) range.setEnd(node, u16 + ch.length);
               seen += 1;
               u16 += ch.length;
             }
           }
           getSelection().removeAllRanges();
           getSelection().addRange(range);
           // As touch platforms do, the tap on the label clears the
           // selection before the label's click arrives.
           document.addEventListener('pointerup', () => getSelection().removeAllRanges(),
                                     { once: true, capture: true });
           return null;"#,
        vec![start.into(), end.into()],
    )
    .await?;
    ensure_eq!(
        page::pane_selection(client).await?,
        Some((start, end)),
        "the long-press selection"
    );
    let (x, y) = centre(client, &testid("label-location")).await?;
    tap(client, x, y).await?;
    let tagged = wait_for_highlights(client, "the tapped label's tag", |h| h.len() == 1).await?;
    ensure_eq!(
        tagged.values().cloned().collect::<Vec<_>>(),
        vec!["Astana".to_string()],
        "the tapped label tagged the long-pressed word"
    );
    let id = tagged.keys().next().cloned().context("the new id")?;

    // A tap on the highlight opens its details.
    page::click(client, &testid("details-close")).await?;
    wait_until("the details to close", STEP_TIMEOUT, || async {
        let cards = detail_card_ids(client).await?;
        cards
            .is_empty()
            .then_some(())
            .map(Some)
            .ok_or(Failure(format!("{cards:?}")))
    })
    .await?;
    let (x, y) = page::point_at(client, start + 2, 0.5).await?;
    tap(client, x, y).await?;
    wait_until("the tapped highlight's card", STEP_TIMEOUT, || async {
        let cards = detail_card_ids(client).await?;
        if cards == [id.clone()] {
            Ok(Some(()))
        } else {
            Err(Failure(format!("cards {cards:?}")))
        }
    })
    .await?;

    // A finger drags the end handle onto the end of the next word: the
    // knob sits just below the end of the span.
    let next_end = start + "Astana later".len();
    // The card, a sheet over the lower half of the article on this screen,
    // is put away; the annotation stays selected, with its handles.
    page::click(client, &testid("details-close")).await?;
    if Device::pretends(session.kind) {
        touch_targets(client).await?;
    }
    let target = page::point_at(client, next_end - 1, 0.9).await?;
    let knob: (f64, f64) = page::eval(
        client,
        r#"const handles = [...document.querySelectorAll('.span-handle')];
           const end = handles[handles.length - 1];
           const r = end.getBoundingClientRect();
           return [r.left, r.bottom + 5];"#,
        vec![],
    )
    .await?;
    drag(client, knob, target).await?;
    wait_for_highlights(client, "the span moved by a finger", |h| {
        h.get(&id).map(String::as_str) == Some("Astana later")
    })
    .await?;
    Ok(())
}

/// On a touch screen each end of the selected annotation takes a finger:
/// the end handle answers at the corners of a 44 × 44 px square below the
/// end.
async fn touch_targets(client: &Client) -> Res<()> {
    let (coarse, hits): (bool, Vec<bool>) = page::eval(
        client,
        r#"const handle = document.querySelector('[data-testid="handle-end"]');
           handle.scrollIntoView({ block: 'center' });
           const r = handle.getBoundingClientRect();
           const x = r.left + r.width / 2;
           const points = [[x - 20, r.bottom + 1], [x + 20, r.bottom + 1],
                           [x - 20, r.bottom + 43], [x + 20, r.bottom + 43]];
           return [matchMedia('(pointer: coarse)').matches,
                   points.map(([px, py]) => document.elementFromPoint(px, py) === handle)];"#,
        vec![],
    )
    .await?;
    ensure!(coarse, "the browser does not report a touch screen");
    ensure_eq!(hits, vec![true; 4], "the end handle's 44 × 44 px target");
    Ok(())
}
