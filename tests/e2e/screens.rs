//! Every screen, in both colour schemes: a phone (390 × 844), a tablet in
//! portrait (768 × 1024), a desktop (1280 × 900), the desktop at 200% zoom
//! (a 640 × 450 CSS-pixel viewport, which is what 200% makes of 1280 × 900)
//! and at 400% (320 × 225). A browser whose window cannot be that narrow
//! (Firefox stops at 500 CSS pixels, WebKit at about 450) shows the app in a frame of the
//! screen's size laid over the page: a frame's viewport is what its media
//! queries and layout see. On each the article is readable (at least 16 px,
//! most of the width) and nothing lies over it, nothing scrolls sideways,
//! the pane bar (`nav-*`) is there only below 1024 px and switches panes,
//! and a selection is tagged by a tap on a label, whose card then shows. The
//! dark scheme is switched on with `theme-toggle`, kept across a reload, and
//! audited by axe-core (colour contrast included) like the light one. On a
//! system that prefers dark, the app is dark until the switch picks light,
//! which a reload keeps; where it asks for less motion, the caret does not
//! blink. A
//! notice shows at the foot of the article, where the user is looking, and
//! goes with its dismiss button. The web app manifest the page links to
//! loads, and each icon it names is an image of the size it says.

use fantoccini::Client;
use serde::Deserialize;

use crate::accessibility::audit;
use crate::support::app::{code_points, open_seed, wait_for_highlights};
use crate::support::browser::{BrowserKind, Device, Session};
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{wait_until, Context, Failure, Res};
use crate::{ensure, ensure_eq, in_every_browser};

const DOC: &str = "001_c07fc3de27d30260";

in_every_browser!(chromium_screens, firefox_screens, webkit_screens, screens);
in_every_browser!(
    chromium_system_dark,
    firefox_system_dark,
    webkit_system_dark,
    system_dark,
    device = Device {
        dark: true,
        reduced_motion: true,
        ..Device::default()
    }
);

/// A screen: its name in messages, and its viewport in CSS pixels.
struct Screen {
    name: &'static str,
    width: u32,
    height: u32,
}

const SCREENS: [Screen; 5] = [
    Screen {
        name: "desktop 1280 × 900",
        width: 1280,
        height: 900,
    },
    Screen {
        name: "tablet 768 × 1024",
        width: 768,
        height: 1024,
    },
    Screen {
        name: "phone 390 × 844",
        width: 390,
        height: 844,
    },
    Screen {
        name: "1280 × 900 at 200% zoom",
        width: 640,
        height: 450,
    },
    Screen {
        name: "1280 × 900 at 400% zoom",
        width: 320,
        height: 225,
    },
];

/// Below this width the app shows one pane at a time, with the pane bar.
const WIDE_FROM: u32 = 1024;

/// The words tagged on each screen, one per screen and scheme, so each tap
/// makes a new annotation.
const WORDS: [&str; 10] = [
    "Russia",
    "Turkey",
    "Iran",
    "Syria",
    "Moscow",
    "Astana",
    "Lavrentiev",
    "Tehran",
    "Ankara",
    "Assad",
];

async fn screens(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;
    check_manifest(client).await?;
    check_notice(client).await?;
    let mut words = WORDS.iter();
    let mut tagged = 0;
    for dark in [false, true] {
        if dark {
            switch_to_dark(client, &text).await?;
        }
        for screen in &SCREENS {
            let word = words.next().copied().unwrap_or("Russia");
            let at = format!("{} ({})", screen.name, if dark { "dark" } else { "light" });
            let framed = !set_viewport(client, screen.width, screen.height).await?;
            if framed {
                enter_screen_frame(client, screen, &text).await?;
            }
            check_layout(client, screen, &at).await?;
            tagged += 1;
            tag_by_tapping(client, &text, word, tagged, &at).await?;
            if session.kind == BrowserKind::Chromium {
                screenshot(client, screen, dark).await?;
            }
            // Close the card, leaving the article clear.
            page::click(client, &testid("details-close")).await?;
            if screen.width < WIDE_FROM {
                switch_panes(client, &at).await?;
            }
            audit(client, &at).await?;
            if framed {
                leave_screen_frame(client).await?;
            }
        }
    }
    Ok(())
}

/// Sets the page's viewport (not the window, whose frame differs between
/// browsers) to `width` × `height` CSS pixels. `false` if the window cannot
/// be made that narrow: then it is as narrow as it goes, and the caller
/// shows the app in a frame of that size.
async fn set_viewport(client: &Client, width: u32, height: u32) -> Res<bool> {
    client.set_window_size(width, height).await?;
    // A window manager may apply a size late (WebKit under Xvfb does), so
    // each look corrects the window by what the viewport still lacks.
    wait_until("the viewport size", STEP_TIMEOUT, || async {
        let (w, h): (u32, u32) =
            page::eval(client, "return [innerWidth, innerHeight];", vec![]).await?;
        if h == height && (w == width || w > width && w <= NARROWEST_WINDOW) {
            return Ok(Some(w == width));
        }
        let (outer_w, outer_h) = client.get_window_size().await?;
        let fit = |outer: u64, inner: u32, wanted: u32| {
            u32::try_from(outer + u64::from(wanted))
                .unwrap_or(u32::MAX)
                .saturating_sub(inner)
        };
        client
            .set_window_size(fit(outer_w, w, width), fit(outer_h, h, height))
            .await?;
        Err(Failure(format!(
            "viewport ({w}, {h}), want ({width}, {height})"
        )))
    })
    .await
}

/// What the page says about its layout, read in one go.
#[derive(Debug, Deserialize)]
struct Layout {
    /// How far the page and the article's scroll area scroll sideways.
    page_overflow: f64,
    main_overflow: f64,
    /// The article's width, and its font size in CSS pixels.
    text_width: f64,
    font_size: f64,
    /// Points over the visible article that are not the article's text:
    /// something lies over it there.
    covered: Vec<String>,
    /// Which of the pane bar's buttons are displayed.
    nav_shown: Vec<bool>,
    /// The label buttons, whether each can be hit at its centre.
    labels_hit: Vec<bool>,
}

const LAYOUT_JS: &str = r#"
const root = document.documentElement;
const main = document.querySelector('.main');
const text = document.querySelector('[data-testid="doc-text"]');
const textBox = text.getBoundingClientRect();
const mainBox = main.getBoundingClientRect();
const covered = [];
// Probe the visible part of the article: a grid of points inside both the
// article's box and its scroll area, below the sticky label bar.
const bar = document.querySelector('.label-bar').getBoundingClientRect();
const top = Math.max(textBox.top, mainBox.top, bar.bottom) + 4;
const bottom = Math.min(textBox.bottom, mainBox.bottom) - 4;
for (const fy of [0.1, 0.5, 0.9]) {
  for (const fx of [0.1, 0.5, 0.9]) {
    const x = textBox.left + (textBox.width * fx);
    const y = top + (bottom - top) * fy;
    if (bottom <= top) { covered.push('no visible article at all'); break; }
    const hit = document.elementFromPoint(x, y);
    if (!hit || !text.contains(hit)) {
      covered.push(`(${Math.round(x)}, ${Math.round(y)}): ${hit ? hit.outerHTML.slice(0, 80) : 'nothing'}`);
    }
  }
}
const shown = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
const hits = (el) => {
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return !!hit && el.contains(hit);
};
return {
  page_overflow: root.scrollWidth - root.clientWidth,
  main_overflow: main.scrollWidth - main.clientWidth,
  text_width: textBox.width,
  font_size: parseFloat(getComputedStyle(text).fontSize),
  covered,
  nav_shown: ['nav-documents', 'nav-article', 'nav-annotations']
    .map(id => shown(document.querySelector(`[data-testid="${id}"]`))),
  labels_hit: [...document.querySelectorAll('.label-bar .label-button')].map(hits),
};
"#;

async fn check_layout(client: &Client, screen: &Screen, at: &str) -> Res<()> {
    // On the narrow layouts the article is the pane to read.
    if screen.width < WIDE_FROM {
        page::click(client, &testid("nav-article")).await?;
    }
    let layout: Layout = page::eval(client, LAYOUT_JS, vec![]).await?;
    ensure!(
        layout.page_overflow <= 0.0 && layout.main_overflow <= 0.0,
        "{at}: scrolls sideways: {layout:?}"
    );
    let large_enough = layout.font_size >= 16.0;
    ensure!(large_enough, "{at}: body text under 16 px: {layout:?}");
    // Most of the width, less the margins; on a wide screen, a column of
    // comfortable measure.
    let least = if screen.width < WIDE_FROM {
        f64::from(screen.width) * 0.85
    } else {
        600.0
    };
    let wide_enough = layout.text_width >= least;
    ensure!(
        wide_enough,
        "{at}: the article is {} px wide, under {least}: {layout:?}",
        layout.text_width
    );
    ensure!(
        layout.covered.is_empty(),
        "{at}: something lies over the article: {:?}",
        layout.covered
    );
    let narrow = screen.width < WIDE_FROM;
    ensure_eq!(
        layout.nav_shown,
        vec![narrow; 3],
        "{at}: the pane bar must show below {WIDE_FROM} px and only there"
    );
    ensure!(
        !layout.labels_hit.is_empty() && layout.labels_hit.iter().all(|hit| *hit),
        "{at}: a label button cannot be tapped: {:?}",
        layout.labels_hit
    );
    Ok(())
}

/// Selects `word` with a drag and taps the first label button: the span is
/// tagged and its card is in view.
async fn tag_by_tapping(
    client: &Client,
    text: &str,
    word: &str,
    count: usize,
    at: &str,
) -> Res<()> {
    let (start, end) = code_points(text, word)?;
    scroll_to(client, start).await?;
    page::drag_select(client, text, start, end).await?;
    page::click(client, LABEL_BUTTON).await?;
    wait_for_highlights(client, &format!("{at}: the tapped tag"), |h| {
        h.len() == count
    })
    .await?;
    wait_until(&format!("{at}: the new annotation's card"), STEP_TIMEOUT, || async {
        let shown: bool = page::eval(
            client,
            r#"const card = document.querySelector('[data-testid="annotation-details"] section[data-ann-id]');
               if (!card) return false;
               const r = card.getBoundingClientRect();
               const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height, 40) / 2);
               return !!hit && card.contains(hit);"#,
            vec![],
        )
        .await?;
        if shown {
            Ok(Some(()))
        } else {
            Err(Failure("no card in view".into()))
        }
    })
    .await
}

/// The label buttons; the first is Person.
const LABEL_BUTTON: &str = ".label-bar .label-button";

/// Scrolls the article so that code point `at` is in the middle of it.
async fn scroll_to(client: &Client, at: usize) -> Res<()> {
    let done: bool = page::eval(
        client,
        r#"const [at] = arguments;
           const text = document.querySelector('[data-testid="doc-text"]');
           const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
           let seen = 0;
           for (let node = walker.nextNode(); node; node = walker.nextNode()) {
             const points = [...node.data].length;
             if (seen + points > at) {
               node.parentElement.scrollIntoView({ block: 'center' });
               return true;
             }
             seen += points;
           }
           return false;"#,
        vec![at.into()],
    )
    .await?;
    ensure!(done, "code point {at} is not in the article");
    Ok(())
}

/// Opens the documents and then the annotations with the pane bar, each
/// shown and tappable, and comes back to the article.
async fn switch_panes(client: &Client, at: &str) -> Res<()> {
    for (nav, shown) in [
        ("nav-documents", "doc-item"),
        ("nav-annotations", "annotation-entry"),
    ] {
        page::click(client, &testid(nav)).await?;
        let hit: bool = page::eval(
            client,
            r#"const [id] = arguments;
               const el = document.querySelector(`[data-testid="${id}"]`);
               if (!el) return false;
               // A pane shorter than its first entry (at 400% zoom) is scrolled.
               el.scrollIntoView({ block: 'nearest' });
               const r = el.getBoundingClientRect();
               const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
               return !!hit && el.contains(hit);"#,
            vec![shown.into()],
        )
        .await?;
        ensure!(hit, "{at}: after {nav}, {shown} cannot be tapped");
    }
    // Choosing an annotation in the list shows it in the article.
    page::click(client, &testid("annotation-entry")).await?;
    let pressed: String = page::eval(
        client,
        r#"return document.querySelector('[data-testid="nav-article"]').getAttribute('aria-pressed');"#,
        vec![],
    )
    .await?;
    ensure_eq!(
        pressed,
        "true",
        "{at}: choosing an annotation shows the article"
    );
    page::click(client, &testid("details-close")).await
}

/// The colour of the page's paper.
async fn paper(client: &Client) -> Res<String> {
    page::eval(
        client,
        "return getComputedStyle(document.documentElement).backgroundColor;",
        vec![],
    )
    .await
}

/// Switches the dark scheme on with its button and checks it is kept
/// across a reload, before the wasm has even started.
async fn switch_to_dark(client: &Client, text: &str) -> Res<()> {
    set_viewport(client, 1280, 900).await?;
    ensure_eq!(paper(client).await?, LIGHT, "light paper first");
    page::click(client, &testid("theme-toggle")).await?;
    wait_for_paper(client, DARK, "dark paper after the switch").await?;
    ensure_eq!(pressed(client).await?, "true", "the switch says it is on");
    client.refresh().await?;
    crate::support::app::wait_for_app(client).await?;
    ensure_eq!(
        paper(client).await?,
        DARK,
        "the dark scheme is remembered across a reload"
    );
    crate::support::app::open_document(client, DOC, text).await
}

/// The narrowest a browser window may refuse to go below: Firefox's (WebKit
/// stops a little narrower).
const NARROWEST_WINDOW: u32 = 500;

/// Lays a frame of `screen`'s size over the top left of the page, holding
/// the app, and moves into it with the document open.
async fn enter_screen_frame(client: &Client, screen: &Screen, text: &str) -> Res<()> {
    page::eval::<()>(
        client,
        r#"const [width, height] = arguments;
           const frame = document.createElement('iframe');
           frame.id = 'screen-frame';
           frame.title = 'The app on a narrow screen';
           frame.src = location.href;
           frame.style.cssText = `position: fixed; left: 0; top: 0; border: 0;
             width: ${width}px; height: ${height}px; z-index: 2147483647`;
           document.body.append(frame);
           return null;"#,
        vec![screen.width.into(), screen.height.into()],
    )
    .await?;
    client
        .find(fantoccini::Locator::Css("#screen-frame"))
        .await?
        .enter_frame()
        .await
        .context("entering the screen's frame")?;
    crate::support::app::wait_for_app(client).await?;
    page::click(client, &testid("nav-documents")).await?;
    crate::support::app::open_document(client, DOC, text).await
}

/// Leaves the frame of [`enter_screen_frame`] and takes it away.
async fn leave_screen_frame(client: &Client) -> Res<()> {
    client
        .enter_parent_frame()
        .await
        .context("leaving the screen's frame")?;
    page::eval::<()>(
        client,
        "document.getElementById('screen-frame').remove(); return null;",
        vec![],
    )
    .await
}

/// A label pressed with nothing selected says what to do, in the polite
/// live region, at the foot of the visible article and across its column;
/// the dismiss button takes it away.
async fn check_notice(client: &Client) -> Res<()> {
    page::click(client, LABEL_BUTTON).await?;
    let said = "Select some text in the article first, then choose a label.";
    page::wait_for_text(client, "[aria-live=polite]", said, "the notice").await?;
    let placed: (bool, bool, bool) = page::eval(
        client,
        r#"const box = document.querySelector('.notices').getBoundingClientRect();
           const main = document.querySelector('.main').getBoundingClientRect();
           const text = document.querySelector('[data-testid="doc-text"]').getBoundingClientRect();
           const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
           return [
             box.top >= main.top && box.bottom <= main.bottom && box.bottom >= main.bottom - 80,
             box.left < text.right && box.right > text.left,
             !!hit && !!hit.closest('.notices'),
           ];"#,
        vec![],
    )
    .await?;
    ensure_eq!(
        placed,
        (true, true, true),
        "the notice at the foot of the visible article, over its column, and not covered"
    );
    page::click(client, &testid("notice-close")).await?;
    wait_until("the notice to go", STEP_TIMEOUT, || async {
        let (text, shown): (String, bool) = page::eval(
            client,
            r#"const n = document.querySelector('.notices');
               return [n.textContent.replace('×', '').trim(), n.classList.contains('shown')];"#,
            vec![],
        )
        .await?;
        if text.is_empty() && !shown {
            Ok(Some(()))
        } else {
            Err(Failure(format!("notice {text:?}, shown: {shown}")))
        }
    })
    .await
}

/// With `E2E_SCREENSHOTS=<folder>`, saves the phone in both schemes and the
/// desktop in the dark one there, as the README shows them
/// (`docs/screenshots/`).
async fn screenshot(client: &Client, screen: &Screen, dark: bool) -> Res<()> {
    let Some(folder) = std::env::var_os("E2E_SCREENSHOTS") else {
        return Ok(());
    };
    let name = match (screen.width, dark) {
        (390, false) => "phone-light.png",
        (390, true) => "phone-dark.png",
        (1280, true) => "desktop-dark.png",
        _ => return Ok(()),
    };
    let png = client.screenshot().await.context("taking a screenshot")?;
    let path = std::path::Path::new(&folder).join(name);
    std::fs::write(&path, png).context(format!("writing {}", path.display()))
}

/// The manifest the page links to, read as the browser reads it: the
/// app's name, a standalone display, a start URL in its scope, and icons
/// that load as images of the sizes they claim (192 and 512 px at least,
/// which installing asks for).
async fn check_manifest(client: &Client) -> Res<()> {
    let found: serde_json::Value = client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               (async () => {
                 const link = document.querySelector('link[rel="manifest"]');
                 const url = new URL(link.getAttribute('href'), location.href);
                 const manifest = await (await fetch(url)).json();
                 const icons = [];
                 for (const icon of manifest.icons) {
                   const img = new Image();
                   img.src = new URL(icon.src, url).href;
                   await img.decode();
                   icons.push([icon.sizes, icon.type, img.naturalWidth, img.naturalHeight]);
                 }
                 return { name: manifest.name, display: manifest.display,
                          start: new URL(manifest.start_url, url).href === new URL('./', url).href,
                          icons };
               })().then(done, (e) => done({ error: String(e) }));"#,
            vec![],
        )
        .await
        .context("reading the manifest")?;
    ensure!(found.get("error").is_none(), "the manifest: {found}");
    ensure_eq!(found["name"], "Span Annotator", "the manifest's name");
    ensure_eq!(found["display"], "standalone", "the manifest's display");
    ensure_eq!(found["start"], true, "the manifest starts at the app");
    let icons = found["icons"].as_array().context("the manifest's icons")?;
    let mut sizes = Vec::new();
    for icon in icons {
        let (declared, width, height) = (
            icon[0].as_str().unwrap_or_default(),
            icon[2].as_u64().unwrap_or_default(),
            icon[3].as_u64().unwrap_or_default(),
        );
        ensure!(
            width > 0 && height > 0,
            "icon {icon} does not load as an image"
        );
        if declared != "any" {
            ensure_eq!(declared, format!("{width}x{height}"), "icon {icon}'s size");
            sizes.push(width);
        }
    }
    ensure!(
        sizes.contains(&192) && sizes.contains(&512),
        "icons of 192 and 512 px: {icons:?}"
    );
    Ok(())
}

/// The system prefers dark: with no choice made the app is dark; the switch
/// picks light, which a reload keeps against the system's preference, and
/// then dark again.
async fn system_dark(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    client.goto(&url).await?;
    crate::support::app::wait_for_app(client).await?;
    let prefers_dark: bool = page::eval(
        client,
        "return matchMedia('(prefers-color-scheme: dark)').matches;",
        vec![],
    )
    .await?;
    ensure!(prefers_dark, "the browser does not report a dark system");
    ensure_eq!(paper(client).await?, DARK, "dark, as the system");
    ensure_eq!(pressed(client).await?, "true", "the switch shows dark");
    page::click(client, &testid("theme-toggle")).await?;
    wait_for_paper(client, LIGHT, "light, as picked").await?;
    client.refresh().await?;
    crate::support::app::wait_for_app(client).await?;
    ensure_eq!(
        paper(client).await?,
        LIGHT,
        "the light choice kept across a reload, though the system prefers dark"
    );
    ensure_eq!(pressed(client).await?, "false", "the switch shows light");
    page::click(client, &testid("theme-toggle")).await?;
    wait_for_paper(client, DARK, "dark again").await?;
    if Device::pretends(session.kind) {
        let reduced: (bool, String) = page::eval(
            client,
            r#"return [matchMedia('(prefers-reduced-motion: reduce)').matches,
                       getComputedStyle(document.querySelector('[data-testid="caret"]')).animationName];"#,
            vec![],
        )
        .await?;
        ensure_eq!(
            reduced,
            (true, "none".to_string()),
            "less motion asked for: the caret does not blink"
        );
    }
    Ok(())
}

/// The switch's `aria-pressed`.
async fn pressed(client: &Client) -> Res<String> {
    page::eval(
        client,
        r#"return document.querySelector('[data-testid="theme-toggle"]').getAttribute('aria-pressed');"#,
        vec![],
    )
    .await
}

/// The papers of the two schemes, as computed styles give them.
const LIGHT: &str = "rgb(255, 255, 255)";
const DARK: &str = "rgb(13, 17, 23)";

/// Waits until the page's paper is `expected`.
async fn wait_for_paper(client: &Client, expected: &str, what: &str) -> Res<()> {
    wait_until(what, STEP_TIMEOUT, || async {
        let (now, theme, pressed): (String, Option<String>, Option<String>) = page::eval(
            client,
            r#"return [getComputedStyle(document.documentElement).backgroundColor,
                       document.documentElement.getAttribute('data-theme'),
                       document.querySelector('[data-testid="theme-toggle"]').getAttribute('aria-pressed')];"#,
            vec![],
        )
        .await?;
        if now == expected {
            Ok(Some(()))
        } else {
            Err(Failure(format!("paper {now}, data-theme {theme:?}, switch pressed {pressed:?}")))
        }
    })
    .await
}
