//! Page-level helpers: finding things by `data-testid`, real mouse drags
//! that select text by code-point offsets, real key presses, and reading
//! back which text each highlight covers.
//!
//! Offsets here are Unicode code points into the reading pane's
//! `textContent`, the same unit as the app's export. JavaScript strings are
//! UTF-16, so every snippet converts by iterating with `for (const ch of ..)`,
//! which steps by code point.

use std::collections::BTreeMap;
use std::time::Duration;

use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MouseActions, PointerAction, MOUSE_BUTTON_LEFT,
};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{wait_until, Context, Failure, Res};
use crate::{bail, ensure};

/// Default bound for waiting on the app to react to one interaction.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(10);

/// CSS selector for an element with the given `data-testid`.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// `text` as a quoted CSS string, for an attribute selector: quotes and
/// backslashes escaped, control characters as hex escapes.
pub fn css_string(text: &str) -> String {
    let mut quoted = String::from('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            c if c.is_control() => quoted.push_str(&format!("\\{:x} ", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// Run a script and deserialize its return value.
pub async fn eval<T: for<'de> Deserialize<'de>>(
    client: &Client,
    script: &str,
    args: Vec<Value>,
) -> Res<T> {
    let value = client
        .execute(script, args)
        .await
        .context("running a script in the page")?;
    serde_json::from_value(value.clone()).context(format!("unexpected script result {value}"))
}

/// `textContent` of the first element matching `selector`, or `None` if
/// there is no such element (yet).
pub async fn text_content(client: &Client, selector: &str) -> Res<Option<String>> {
    eval(
        client,
        "const el = document.querySelector(arguments[0]);
         return el ? el.textContent : null;",
        vec![json!(selector)],
    )
    .await
}

/// Wait until `selector` matches an element whose `textContent` equals
/// `expected` exactly; on timeout the failure says where the texts differ.
pub async fn wait_for_text(client: &Client, selector: &str, expected: &str, what: &str) -> Res<()> {
    wait_until(what, STEP_TIMEOUT, || async {
        match text_content(client, selector).await? {
            Some(actual) if actual == expected => Ok(Some(())),
            Some(actual) => Err(Failure(first_difference(expected, &actual))),
            None => Err(Failure(format!("no element matches {selector}"))),
        }
    })
    .await
}

/// Waits until the focus is on an element matching `selector`.
pub async fn wait_for_focus(client: &Client, selector: &str) -> Res<()> {
    let script = format!(
        "const a = document.activeElement; return [!!a && a.matches({}), a ? a.outerHTML.slice(0, 120) : ''];",
        serde_json::to_string(selector)?
    );
    wait_until(
        &format!("the focus on {selector}"),
        STEP_TIMEOUT,
        || async {
            let (on, what): (bool, String) = eval(client, &script, vec![]).await?;
            if on {
                Ok(Some(()))
            } else {
                Err(Failure(format!("the focus is on {what}")))
            }
        },
    )
    .await
}

/// Describe where two texts first differ, in code points, with a little
/// context: "not equal" alone is useless for a 4000-character document.
pub fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<char>, Vec<char>) = (expected.chars().collect(), actual.chars().collect());
    let at = e.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let around = |v: &[char]| -> String {
        v[at.saturating_sub(15)..(at + 25).min(v.len())]
            .iter()
            .collect()
    };
    format!(
        "text differs at code point {at} (expected {} code points, got {}): \
         expected ...{}..., got ...{}...",
        e.len(),
        a.len(),
        visible(&around(&e)),
        visible(&around(&a))
    )
}

/// `{:?}` of a string, but with U+00A0 spelled out: `Debug` prints a no-break
/// space verbatim, indistinguishable from a plain space in a failure message.
pub fn visible(s: &str) -> String {
    format!("{s:?}").replace('\u{a0}', "\\u{a0}")
}

/// [`visible`] for a map of highlight texts.
pub fn visible_map(map: &BTreeMap<String, String>) -> String {
    let entries: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{}: {}", visible(k), visible(v)))
        .collect();
    format!("{{{}}}", entries.join(", "))
}

/// Scrolls `arguments[0]` into view where it is not all in view, then, if
/// something else still covers its centre (a container's scrollbar), to the
/// middle of its scrolling containers.
pub const SCROLL_INTO_VIEW_JS: &str = r#"
const el = arguments[0];
el.scrollIntoView({ block: "nearest", inline: "nearest", behavior: "instant" });
const b = el.getBoundingClientRect();
const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
if (!hit || !el.contains(hit)) {
  el.scrollIntoView({ block: "center", inline: "nearest", behavior: "instant" });
}
"#;

/// Click the (first) element matching `selector` with a real WebDriver click.
///
/// The element is first scrolled into view, if it is not all in view, in
/// every container that scrolls ([`SCROLL_INTO_VIEW_JS`]): WebKit's
/// WebDriver leaves an element out of sight below a scrolled list (the label
/// editor's form), or under a container's scrollbar (the document list's
/// last rename button), and refuses to click it as not interactable. The
/// others scroll the same way before they click.
pub async fn click(client: &Client, selector: &str) -> Res<()> {
    let element = client
        .find(Locator::Css(selector))
        .await
        .context(format!("finding {selector}"))?;
    client
        .execute(SCROLL_INTO_VIEW_JS, vec![serde_json::to_value(&element)?])
        .await
        .context(format!("scrolling {selector} into view"))?;
    element
        .click()
        .await
        .context(format!("clicking {selector}"))
}

/// Press and release one key, as a real keyboard action (it goes to whatever
/// has focus, exactly like a user's key press).
pub async fn press_key(client: &Client, key: char) -> Res<()> {
    let keys = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    client
        .perform_actions(keys)
        .await
        .context(format!("pressing key {key:?}"))?;
    client.release_actions().await.context("releasing keys")
}

/// Selects the code points `start..end` of the reading pane by script and
/// presses `key` by script: a whole tag in one page task, so that tags can
/// be made in two tabs at once, which one WebDriver session's real input
/// cannot. Real drags and keys are the other scenarios' business.
pub const TAG_BY_SCRIPT_JS: &str = r#"
window.__tagCodePoints = (start, end, key) => {
  const pane = document.querySelector('[data-testid="doc-text"]');
  const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0, placed = 0;
  for (let node = walker.nextNode(); node && placed < 2; node = walker.nextNode()) {
    let u16 = 0;
    for (const ch of node.data) {
      if (seen === start && placed === 0) { range.setStart(node, u16); placed = 1; }
      if (seen === end - 1 && placed === 1) { range.setEnd(node, u16 + ch.length); placed = 2; break; }
      seen += 1;
      u16 += ch.length;
    }
  }
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  document.body.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
};
"#;

/// Press `key` while holding `modifiers` down (e.g. [`Key::Control`] for
/// Ctrl+Z), as one real key chord: the modifiers go down in order, the key
/// goes down and up, and the modifiers come up in reverse order.
pub async fn press_chord(client: &Client, modifiers: &[Key], key: char) -> Res<()> {
    let mut keys = KeyActions::new("keyboard".to_owned());
    for &modifier in modifiers {
        keys = keys.then(KeyAction::Down {
            value: modifier.into(),
        });
    }
    keys = keys
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    for &modifier in modifiers.iter().rev() {
        keys = keys.then(KeyAction::Up {
            value: modifier.into(),
        });
    }
    client
        .perform_actions(keys)
        .await
        .context(format!("pressing {modifiers:?} + {key:?}"))?;
    client.release_actions().await.context("releasing keys")
}

/// `text` for an element's send-keys, with each new line as the Enter key:
/// WebKit's WebDriver types nothing for a bare "\n", where the others press
/// Enter.
pub fn keys_for(text: &str) -> String {
    text.replace('\n', &char::from(Key::Enter).to_string())
}

/// Type `text` with real key presses, one character after another, into
/// whatever has focus.
pub async fn type_text(client: &Client, text: &str) -> Res<()> {
    let keys = text
        .chars()
        .fold(KeyActions::new("keyboard".to_owned()), |keys, ch| {
            // A new line is typed with the Enter key: WebKit's WebDriver
            // types nothing for a bare "\n", the others press Enter for it.
            let ch = if ch == '\n' { Key::Enter.into() } else { ch };
            keys.then(KeyAction::Down { value: ch })
                .then(KeyAction::Up { value: ch })
        });
    client
        .perform_actions(keys)
        .await
        .context(format!("typing {text:?}"))?;
    client.release_actions().await.context("releasing keys")
}

/// Where to put the pointer on one character, as measured in the page.
#[derive(Debug, Deserialize)]
struct CharPoint {
    /// The character found at the offset (checked against our own text).
    ch: String,
    /// Its box, in viewport coordinates.
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    /// The point to use, rounded to whole CSS pixels.
    x: f64,
    y: f64,
    /// Whether hit-testing that point lands inside the reading pane, i.e.
    /// it is on screen and not covered by anything else.
    hits_pane: bool,
}

/// Result of [`CHAR_POINTS_JS`].
#[derive(Debug, Deserialize)]
struct CharPoints {
    error: Option<String>,
    points: Option<Vec<CharPoint>>,
}

/// Locate characters of the reading pane by code-point offset and compute a
/// pointer position on each.
///
/// arguments[0]: ascending code-point offsets; arguments[1]: for each, the
/// horizontal fraction into the character's box to aim at (vertically we aim
/// at the centre). The first character is scrolled to the middle of the
/// viewport before anything is measured, so all points share the final
/// coordinates: its parent is `scrollIntoView`ed, then every scrollable
/// ancestor (the pane may scroll by itself) and the window are nudged until
/// the character itself is centred, since a long parent element can be
/// centred with the character still off screen. `behavior: "instant"`
/// because a stylesheet asking for smooth scrolling would otherwise have us
/// measure mid-animation.
///
/// Nothing is measured before two animation frames have passed: the app
/// scrolls in a frame callback too (a document opened at its top or where
/// it was left), and a scroll made after ours would move the text away from
/// the points measured. WebKit, with frames late under Xvfb, shows it.
const CHAR_POINTS_JS: &str = r#"
const [offsets, fractions] = arguments;
const measure = () => {
  const pane = document.querySelector('[data-testid="doc-text"]');
  if (!pane) return { error: "no [data-testid=doc-text] element" };
  const found = [];
  const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
  let seen = 0;
  for (let node = walker.nextNode(); node && found.length < offsets.length; node = walker.nextNode()) {
    let u16 = 0;
    for (const ch of node.data) {
      while (found.length < offsets.length && offsets[found.length] === seen) {
        const range = document.createRange();
        range.setStart(node, u16);
        range.setEnd(node, u16 + ch.length);
        found.push({ range, ch });
      }
      seen += 1;
      u16 += ch.length;
    }
  }
  if (found.length < offsets.length) {
    return { error: `offset ${offsets[found.length]} is beyond the pane's text (${seen} code points)` };
  }
  // A character's own box. Not the range's bounding box: in WebKit a range
  // over the first character of a wrapped line also has an empty box at the
  // end of the line before, and the union of the two spans both lines.
  const charBox = (range) => {
    const boxes = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    return boxes.length > 0 ? boxes[boxes.length - 1] : range.getBoundingClientRect();
  };
  const first = found[0].range;
  const mid = (r) => (r.top + r.bottom) / 2;
  first.startContainer.parentElement.scrollIntoView({ block: "center", inline: "nearest", behavior: "instant" });
  for (let el = first.startContainer.parentElement; el; el = el.parentElement) {
    const style = getComputedStyle(el);
    if (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight) {
      const box = el.getBoundingClientRect();
      el.scrollTop += mid(charBox(first)) - (box.top + el.clientTop + el.clientHeight / 2);
    }
  }
  window.scrollBy({ top: mid(charBox(first)) - window.innerHeight / 2, behavior: "instant" });
  const points = found.map(({ range, ch }, i) => {
    const r = charBox(range);
    const x = Math.round(r.left + (r.right - r.left) * fractions[i]);
    const y = Math.round(mid(r));
    const hit = document.elementFromPoint(x, y);
    return { ch, left: r.left, right: r.right, top: r.top, bottom: r.bottom, x, y,
             hits_pane: !!hit && pane.contains(hit) };
  });
  return { points };
};
const measured = () => {
  try { return measure(); } catch (e) { return { error: String(e) }; }
};
return new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(measured()))));
"#;

/// Where to point at code point `at` of the reading pane, `fraction` of the
/// way into its box and halfway down, once it is scrolled to the middle of
/// the view; fails if something else lies over that point.
pub async fn point_at(client: &Client, at: usize, fraction: f64) -> Res<(f64, f64)> {
    let measured: CharPoints =
        eval(client, CHAR_POINTS_JS, vec![json!([at]), json!([fraction])]).await?;
    if let Some(err) = measured.error {
        bail!("measuring character {at} in the pane: {err}");
    }
    let point = measured
        .points
        .and_then(|p| p.into_iter().next())
        .context(format!("measuring character {at} gave no point"))?;
    ensure!(
        point.hits_pane,
        "character {at} ({:?}) is covered by another element: {point:?}",
        point.ch
    );
    Ok((point.x, point.y))
}

/// The current selection as a half-open code-point range of the reading
/// pane's text, or `null` if there is none or it is not inside the pane.
///
/// Each boundary point is converted by measuring `Range.toString()` from the
/// pane's start to it: that is the concatenated Text-node data (unlike
/// `Selection.toString()`, which renders, e.g. turning U+00A0 into a space).
const SELECTION_JS: &str = r#"
const pane = document.querySelector('[data-testid="doc-text"]');
const sel = window.getSelection();
if (!pane || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
const r = sel.getRangeAt(0);
if (!pane.contains(r.startContainer) || !pane.contains(r.endContainer)) return null;
const cps = (node, offset) => {
  const pre = document.createRange();
  pre.setStart(pane, 0);
  pre.setEnd(node, offset);
  return [...pre.toString()].length;
};
return [cps(r.startContainer, r.startOffset), cps(r.endContainer, r.endOffset)];
"#;

/// The current selection inside the reading pane, in code points.
pub async fn pane_selection(client: &Client) -> Res<Option<(usize, usize)>> {
    eval(client, SELECTION_JS, vec![]).await
}

/// Select the code points `start..end` of the reading pane with a real mouse
/// drag, and check the browser's resulting selection is exactly that range.
///
/// The button goes down a quarter into the first character (so the caret
/// lands before it) and comes up three quarters into the last one (caret
/// after it), both vertically centred, with a few intermediate moves like a
/// hand would make.
pub async fn drag_select(client: &Client, text: &str, start: usize, end: usize) -> Res<()> {
    ensure!(start < end, "empty range {start}..{end} to select");
    let measured: CharPoints = eval(
        client,
        CHAR_POINTS_JS,
        vec![json!([start, end - 1]), json!([0.25, 0.75])],
    )
    .await?;
    if let Some(err) = measured.error {
        bail!(
            "measuring characters {start} and {} in the pane: {err}",
            end - 1
        );
    }
    let points = match measured.points {
        Some(p) if p.len() == 2 => p,
        _ => bail!(
            "measuring characters {start} and {} gave no points",
            end - 1
        ),
    };
    // Cross-check the page's idea of the characters with ours, so an offset
    // mismatch shows up here rather than as a mysterious wrong annotation.
    let expected: Vec<String> = [start, end - 1]
        .iter()
        .map(|&i| text.chars().nth(i).map(String::from).unwrap_or_default())
        .collect();
    let got: Vec<&str> = points.iter().map(|p| p.ch.as_str()).collect();
    ensure!(
        got == expected,
        "pane characters at {start} and {} are {got:?}, expected {expected:?}",
        end - 1
    );
    for p in &points {
        ensure!(
            p.right > p.left && p.bottom > p.top,
            "character {:?} has an empty box {p:?}",
            p.ch
        );
        ensure!(
            p.hits_pane,
            "point ({}, {}) on {:?} is off screen or covered by another element: {p:?}",
            p.x,
            p.y,
            p.ch
        );
    }
    let (x0, y0, x1, y1) = (points[0].x, points[0].y, points[1].x, points[1].y);

    let step = |t: f64| PointerAction::MoveTo {
        duration: Some(Duration::from_millis(40)),
        x: (x0 + (x1 - x0) * t).round(),
        y: (y0 + (y1 - y0) * t).round(),
    };
    let mouse = MouseActions::new("mouse".to_owned())
        .then(PointerAction::MoveTo {
            duration: None,
            x: x0,
            y: y0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(step(0.3))
        .then(step(0.6))
        .then(step(0.9))
        .then(step(1.0))
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    client
        .perform_actions(mouse)
        .await
        .context(format!("dragging from ({x0}, {y0}) to ({x1}, {y1})"))?;
    client
        .release_actions()
        .await
        .context("releasing the mouse")?;

    let selected = pane_selection(client).await?;
    ensure!(
        selected == Some((start, end)),
        "after dragging from ({x0}, {y0}) to ({x1}, {y1}) the pane selection is {selected:?}, \
         expected Some(({start}, {end})) = {:?}",
        text.chars()
            .skip(start)
            .take(end - start)
            .collect::<String>()
    );
    Ok(())
}

/// Press the mouse on the centre of one element and release it on the
/// centre of another (e.g. across the label bar, where the app keeps the
/// press from selecting anything, yet a hotkey must still do nothing).
pub async fn drag_between(client: &Client, from: &str, to: &str) -> Res<()> {
    let a = client
        .find(Locator::Css(from))
        .await
        .context(format!("finding {from}"))?;
    let b = client
        .find(Locator::Css(to))
        .await
        .context(format!("finding {to}"))?;
    let mouse = MouseActions::new("mouse".to_owned())
        .then(PointerAction::MoveToElement {
            element: a,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveToElement {
            element: b,
            duration: Some(Duration::from_millis(100)),
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    client
        .perform_actions(mouse)
        .await
        .context(format!("dragging from {from} to {to}"))?;
    client
        .release_actions()
        .await
        .context("releasing the mouse")
}

/// Find the first piece of ordinary visible text outside the reading pane
/// (not in a control, not `user-select: none`, on one line, on screen and
/// not covered) and return drag end points across it.
const OUTSIDE_TEXT_JS: &str = r#"
const pane = document.querySelector('[data-testid="doc-text"]');
const controls = "button, a, input, textarea, select, label, [contenteditable]";
const mid = (r) => (r.top + r.bottom) / 2;
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const el = node.parentElement;
  if (!el || (pane && pane.contains(node)) || el.closest(controls)) continue;
  if (getComputedStyle(el).userSelect === "none") continue;
  const text = node.data;
  const first = text.search(/\S/);
  let last = text.length - 1;
  while (last > first && /\s/.test(text[last])) last -= 1;
  if (first < 0 || last - first < 3) continue;
  const box = (i) => {
    const r = document.createRange();
    r.setStart(node, i);
    r.setEnd(node, i + 1);
    return r.getBoundingClientRect();
  };
  const [a, b] = [box(first), box(last)];
  if (a.width === 0 || b.width === 0 || Math.abs(mid(a) - mid(b)) > 2) continue;
  const x0 = Math.round(a.left + a.width * 0.25), x1 = Math.round(b.left + b.width * 0.75);
  const y = Math.round(mid(a));
  const onIt = (x) => { const hit = document.elementFromPoint(x, y); return !!hit && el.contains(hit); };
  if (!onIt(x0) || !onIt(x1)) continue;
  return { text: text.slice(first, last + 1), x0, x1, y };
}
return null;
"#;

/// Where [`OUTSIDE_TEXT_JS`] found text to drag across.
#[derive(Debug, Deserialize)]
struct OutsideText {
    text: String,
    x0: f64,
    x1: f64,
    y: f64,
}

/// Select some ordinary text outside the reading pane (a heading, say) with
/// a real mouse drag, check that a non-empty selection not touching the pane
/// resulted, and return the selected text.
pub async fn drag_select_outside_pane(client: &Client) -> Res<String> {
    let found: Option<OutsideText> = eval(client, OUTSIDE_TEXT_JS, vec![]).await?;
    let Some(target) = found else {
        bail!("found no visible, selectable text outside the reading pane to drag across");
    };
    let mouse = MouseActions::new("mouse".to_owned())
        .then(PointerAction::MoveTo {
            duration: None,
            x: target.x0,
            y: target.y,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveTo {
            duration: Some(Duration::from_millis(100)),
            x: target.x1,
            y: target.y,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    client
        .perform_actions(mouse)
        .await
        .context(format!("dragging across {:?}", target.text))?;
    client
        .release_actions()
        .await
        .context("releasing the mouse")?;
    let (selected, touches_pane): (String, bool) = eval(
        client,
        r#"const sel = window.getSelection();
           const pane = document.querySelector('[data-testid="doc-text"]');
           const touches = sel.rangeCount > 0 && !!pane && sel.getRangeAt(0).intersectsNode(pane);
           return [String(sel), touches];"#,
        vec![],
    )
    .await?;
    ensure!(
        !selected.trim().is_empty() && !touches_pane,
        "dragging across {:?} outside the pane selected {selected:?} (touches the pane: {touches_pane})",
        target.text
    );
    Ok(selected)
}

/// The text each annotation id covers in the reading pane, in document
/// order: every Text node is credited to every `data-ann-id` listed on any of
/// its ancestors inside the pane. Nested or split highlights are therefore
/// handled without double counting.
pub async fn highlighted_texts(client: &Client) -> Res<BTreeMap<String, String>> {
    eval(
        client,
        r#"
        const pane = document.querySelector('[data-testid="doc-text"]');
        const out = {};
        if (!pane) return out;
        const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const ids = new Set();
          for (let el = node.parentElement; el && el !== pane.parentElement; el = el.parentElement) {
            for (const id of (el.getAttribute("data-ann-id") || "").split(/\s+/)) {
              if (id) ids.add(id);
            }
          }
          for (const id of ids) out[id] = (out[id] || "") + node.data;
        }
        return out;
        "#,
        vec![],
    )
    .await
}
