#![cfg(not(target_arch = "wasm32"))]
//! End-to-end tests: the real Trunk-built app (`dist/`), served over HTTP by
//! `python3 -m http.server` and driven through WebDriver (fantoccini) in
//! headless Chromium, headless Firefox and WebKit (WebKitGTK's MiniBrowser,
//! on a virtual X display by `xvfb-run`), with real mouse drags, key
//! presses and file downloads. Every scenario is declared once and runs as
//! three tests, `chromium_*`, `firefox_*` and `webkit_*`
//! ([`in_every_browser!`]).
//!
//! Covered: the core annotation loop (`core_loop`): select, label by hotkey
//! and by button, overlapping spans, spans across a paragraph break and a
//! no-break space, hotkeys ignoring selections outside the reading pane,
//! persistence across reload and document switches, and the JSON export,
//! checked here and by the independent reader `tests/readers/check_native.py`;
//! retagging and deleting from a highlight, and overlapping spans listed
//! together (`editing`). Keeping work (`storage`): damaged stored data
//! backed up once, reported and repaired; storage full then freed; text
//! typed into a note or a title kept through a reload and a killed tab; a
//! renderer killed right after an edit or while importing, the whole browser
//! killed after its flush. Several tabs (`tabs`): tagging in turn and at
//! once, storage cleared from another tab, and a soak of random edits across
//! two tabs with reloads checked against the test's own model.
//! The annotation list, its filters and notes, with 4 and with 20,000 spans
//! (`annotation_list`). The label-set editor (`label_editor`): rename,
//! delete moving or deleting the annotations, Ctrl+Z, add, reorder, reload,
//! export; and its relation types (`relation_types`): add with a hotkey used
//! in the relation form, rename one in use, delete one in use, Ctrl+Z, reload. Data in and out (`import_export`): every format downloaded, read
//! by the Python readers and matched byte for byte by the command-line
//! tool's `convert` (`support::cli`), and imports previewed, merged, undone,
//! refused (as `span-cli validate` refuses them) and replaced. Documents
//! added, pasted, renamed and removed (`documents`); an import of 10,000
//! documents, its progress bar, its Cancel and a reload (`large_import`); keys alone
//! (`keyboard`); nested spans and snapping (`spans`); undo (`undo`);
//! entities across documents and the coverage view, against the export and
//! the CSV, through a reload (`entities`); relations made by keys and by
//! mouse, their notes, deleting an annotation they use (asked first),
//! names of neighbouring arcs apart, and another tab's changes to them
//! (`relations`, `relations_around`); long documents, 100,000 lines and
//! one long line (`long_document`); a corpus of 500 articles and 100,000
//! spans imported, exported and reloaded (`corpus`); axe-core audits
//! (`accessibility`).
//! Offline (`offline`): after a first visit, from a folder of the host, the
//! app reloads, annotates and exports with the server gone, and a new build
//! replaces the cached one. Hostile text (`security`): 32 XSS vectors in
//! texts, titles, file names, labels, notes and imported files are shown
//! literally and never run; injected script is blocked by the page's policy.
//! Every screen (`screens`): a desktop, a tablet, a phone and 200% and 400%
//! zoom, in the light and the dark scheme, each readable, unobstructed,
//! never scrolling sideways and tagged by a tap, with axe-core; a system
//! that prefers dark and less motion. Touch (`touch`): WebDriver touch
//! actions on a browser that reports a touch screen.
//!
//! After every scenario, every page it opened must have reported no
//! Content-Security-Policy violation (`support::csp`).
//!
//! WebKit differs in these ways, handled in `support` (and, for the last
//! two, in the scenarios named) so that the checks are the same everywhere:
//! - WebKitGTK's WebDriver saves no download: in WebKit the export's bytes
//!   are read in the page, from the Blob the app hands to
//!   `URL.createObjectURL` for the anchor it clicks, and written to the
//!   download folder by the test (`Session::expect_download`).
//! - WebKit ends the WebDriver session when a page crashes: after a tab's
//!   process is killed, a second WebKitWebDriver attaches to the browser,
//!   still running, and the app is opened again there.
//! - A tab switched to is not shown in MiniBrowser, and gets no animation
//!   frames: `Session::new_tab` opens a window instead.
//! - WebDriver's scrolling before a click leaves some elements out of
//!   sight in WebKit: `page::click` scrolls them into view itself.
//! - WebKitGTK's WebDriver types nothing for "\n" (`page::type_text` and
//!   `page::keys_for` press Enter), and sends Shift+Tab with key
//!   "Unidentified": `keyboard` dispatches a Shift+Tab `keydown` instead.
//! - MiniBrowser under automation keeps localStorage in memory only (an
//!   ephemeral data store), so nothing outlives the whole browser: in
//!   WebKit, `storage::browser_killed_after_its_flush` checks that the edits
//!   outlive the page's process, killed, and that a killed and restarted
//!   browser comes back clean, instead of the edits outliving the browser
//!   (the README lists it).
//!
//! Run with `trunk build --release --offline && cargo build -p span-cli &&
//! cargo test --test e2e -- --nocapture`.
//! Needs `chromium` + `chromedriver`, `firefox(-esr)` + `geckodriver`, and
//! `WebKitWebDriver` + `xvfb-run` (Debian: webkit2gtk-driver, xvfb, xauth) on
//! `PATH` or in `~/.cargo/bin`, or named by `CHROMIUM_BIN`, `CHROMEDRIVER`,
//! `FIREFOX_BIN`, `GECKODRIVER`, `WEBKITWEBDRIVER`, `XVFB_RUN`; MiniBrowser
//! is found with `dpkg -L libwebkit2gtk-4.1-0`, or named by
//! `MINIBROWSER_BIN`; `DIST_DIR` overrides `dist/`, `SPAN_CLI` the
//! command-line tool. Anything missing fails the test: a browser test that
//! cannot run is not a pass.
//! `E2E_KEEP_TEMP=1` keeps each test's profile, download folder and driver
//! log under the system temp dir.

mod accessibility;
mod annotation_list;
mod core_loop;
mod corpus;
mod document_status;
mod documents;
mod editing;
mod entities;
mod import_export;
mod keyboard;
mod label_editor;
mod large_import;
mod long_document;
mod offline;
mod other_tools;
mod relation_types;
mod relations;
mod relations_around;
mod screens;
mod search;
mod security;
mod spans;
mod storage;
mod support;
mod tabs;
mod touch;
mod undo;
