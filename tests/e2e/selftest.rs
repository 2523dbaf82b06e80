//! TEMPORARY: proves the harness against a throwaway page outside the repo.

use std::time::Duration;

use crate::support::browser::{self, BrowserKind, Session};
use crate::support::page::{self, testid};
use crate::support::server::StaticServer;
use crate::support::{wait_until, Res, ScratchDir};
use crate::{ensure, ensure_eq};

const TEXT: &str = "Intro “quoted” words 😀 here.\nSecond para ends in Homs provinces.\u{a0}\n“The strikes were carried out.\nThird 😀😀 line.";

fn page_html() -> String {
    let text_json = serde_json::to_string(TEXT).unwrap();
    format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><style>
#pane {{ white-space: pre-wrap; font-size: 18px; margin: 40px; }}
p {{ margin: 0 0 1em 0; }}
</style></head><body>
<div data-testid="label-bar"><button data-testid="label-person">Person</button><button data-testid="label-event">Event</button></div>
<div id="pane" data-testid="doc-text"></div>
<button data-testid="export-json">Export</button>
<pre id="log"></pre>
<script>
const TEXT = {text_json};
const pane = document.getElementById("pane");
// paragraphs as separate elements, newline kept as text inside
const parts = TEXT.split("\n");
parts.forEach((p, i) => {{ const el = document.createElement("p"); el.textContent = p + (i < parts.length - 1 ? "\n" : ""); pane.appendChild(el); }});
const anns = [];
function selOffsets() {{
  const sel = window.getSelection();
  if (!sel.rangeCount || sel.isCollapsed) return null;
  const r = sel.getRangeAt(0);
  if (!pane.contains(r.startContainer) || !pane.contains(r.endContainer)) return null;
  const cps = (n, o) => {{ const pre = document.createRange(); pre.setStart(pane, 0); pre.setEnd(n, o); return [...pre.toString()].length; }};
  return [cps(r.startContainer, r.startOffset), cps(r.endContainer, r.endOffset)];
}}
function add(label) {{ const o = selOffsets(); if (!o) return; anns.push({{start: o[0], end: o[1], label, quote: [...TEXT].slice(o[0], o[1]).join("")}}); document.getElementById("log").textContent = JSON.stringify(anns); }}
document.addEventListener("keydown", e => {{ if (e.key === "3") add("location"); if (e.key === "1") add("person"); }});
document.querySelector('[data-testid="label-event"]').addEventListener("mousedown", e => e.preventDefault());
document.querySelector('[data-testid="label-event"]').addEventListener("click", () => add("event"));
document.querySelector('[data-testid="export-json"]').addEventListener("click", () => {{
  const blob = new Blob([JSON.stringify({{annotations: anns}})], {{type: "application/json"}});
  const a = document.createElement("a"); a.href = URL.createObjectURL(blob); a.download = "annotations.json";
  document.body.appendChild(a); a.click(); a.remove();
}});
</script></body></html>"#
    )
}

fn cp(text: &str, needle: &str) -> (usize, usize) {
    let b = text.find(needle).unwrap();
    let s = text[..b].chars().count();
    (s, s + needle.chars().count())
}

async fn scenario(s: Session, url: String) -> Res<()> {
    let c = &s.client;
    c.goto(&url).await?;
    page::wait_for_text(c, &testid("doc-text"), TEXT, "pane text").await?;
    // outside selection + key 1 -> nothing
    page::drag_between(c, &testid("label-person"), &testid("label-event")).await?;
    page::press_key(c, '1').await?;
    let (s1, e1) = cp(TEXT, "“quoted” words 😀");
    page::drag_select(c, TEXT, s1, e1).await?;
    page::press_key(c, '3').await?;
    let (s2, e2) = cp(TEXT, "Homs provinces.\u{a0}\n“The strikes");
    page::drag_select(c, TEXT, s2, e2).await?;
    page::click(c, &testid("label-event")).await?;
    let (s3, e3) = cp(TEXT, "😀 line");
    page::drag_select(c, TEXT, s3, e3).await?;
    page::press_key(c, '1').await?;
    let log = wait_until("3 annotations in log", Duration::from_secs(5), || async {
        let t = page::text_content(c, "#log").await?.unwrap_or_default();
        Ok((t.matches("\"start\"").count() == 3).then_some(t))
    })
    .await?;
    println!("[{}] log: {log}", s.kind.name());
    page::click(c, &testid("export-json")).await?;
    let file = s.downloads.join("annotations.json");
    let body = wait_until("download", Duration::from_secs(10), || {
        let file = file.clone();
        let dir = s.downloads.clone();
        async move {
            let partial = std::fs::read_dir(&dir)?.flatten().any(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.ends_with(".crdownload") || n.ends_with(".part")
            });
            if partial || !file.exists() {
                return Ok(None);
            }
            let body = std::fs::read_to_string(&file)?;
            Ok(serde_json::from_str::<serde_json::Value>(&body).ok())
        }
    })
    .await?;
    let anns = body["annotations"].as_array().unwrap();
    let got: Vec<(u64, u64, &str, &str)> = anns
        .iter()
        .map(|a| {
            (
                a["start"].as_u64().unwrap(),
                a["end"].as_u64().unwrap(),
                a["label"].as_str().unwrap(),
                a["quote"].as_str().unwrap(),
            )
        })
        .collect();
    ensure_eq!(
        got,
        vec![
            (s1 as u64, e1 as u64, "location", "“quoted” words 😀"),
            (
                s2 as u64,
                e2 as u64,
                "event",
                "Homs provinces.\u{a0}\n“The strikes"
            ),
            (s3 as u64, e3 as u64, "person", "😀 line"),
        ],
        "annotations"
    );
    ensure!(true, "");
    Ok(())
}

async fn run(kind: BrowserKind) -> Res<()> {
    let dir = ScratchDir::new("selftest-page")?;
    std::fs::write(dir.path().join("index.html"), page_html())?;
    let server = StaticServer::start(dir.path()).await?;
    let url = server.url();
    browser::run(kind, move |s| scenario(s, url)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_selftest() -> Res<()> {
    run(BrowserKind::Chromium).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firefox_selftest() -> Res<()> {
    run(BrowserKind::Firefox).await
}
