//! Offline: after one visit the app loads and works with no network at all.
//!
//! The app is served from a folder of the host (`deploy/annotator/`), as a
//! static host may serve it, so the worker's relative URLs and scope are
//! tested too. "No network" is the host gone: the HTTP server is stopped
//! and its port refuses connections, which the browser cannot tell from a
//! machine that is offline.
//!
//! - A first visit installs the worker; with the server stopped, a reload
//!   shows the app, a span is tagged and the export holds it.
//! - A new build deployed while the first is cached: the next visit online
//!   shows the new page and installs the new build's worker, which replaces
//!   the old build's cache with its own; offline, the new page loads.

use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use base64::Engine;
use fantoccini::Client;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::support::app::{
    code_points, export_annotations, open_document, open_seed, wait_for_app, wait_for_highlights,
    APP_LOAD_TIMEOUT,
};
use crate::support::browser::Session;
use crate::support::page;
use crate::support::{wait_until, Context, Deployment, Failure, Res};
use crate::{ensure, ensure_eq, in_every_browser};

in_every_browser!(
    chromium_works_offline_after_a_first_visit,
    firefox_works_offline_after_a_first_visit,
    webkit_works_offline_after_a_first_visit,
    works_offline_after_a_first_visit,
    deployed_at = "deploy/annotator"
);
in_every_browser!(
    chromium_a_new_build_replaces_the_cached_one,
    firefox_a_new_build_replaces_the_cached_one,
    webkit_a_new_build_replaces_the_cached_one,
    a_new_build_replaces_the_cached_one,
    deployed_at = "deploy/annotator"
);

const DOC: &str = "002_851cd8e497878d71";

/// Where `web/sw.js` gets its build from: the line that
/// `scripts/post-build.mjs` wrote.
const BUILD_LINE: &str = "const BUILD = ";

/// Waits until a service worker controls the page; returns its script URL.
async fn wait_for_worker(client: &Client) -> Res<String> {
    wait_until(
        "the offline worker to control the page",
        APP_LOAD_TIMEOUT,
        || async {
            let controller: Option<String> = page::eval(
                client,
                "return navigator.serviceWorker?.controller?.scriptURL ?? null;",
                vec![],
            )
            .await?;
            Ok(controller)
        },
    )
    .await
}

/// Waits until the page's caches are exactly the one named `name`.
/// (WebDriver waits for the promise that the script returns.)
async fn wait_for_caches(client: &Client, name: &str, what: &str) -> Res<()> {
    wait_until(what, APP_LOAD_TIMEOUT, || async {
        let names: Vec<String> = page::eval(client, "return caches.keys();", vec![]).await?;
        if names == [name] {
            Ok(Some(()))
        } else {
            Err(Failure(format!("caches: {names:?}")))
        }
    })
    .await
}

/// The cache the worker of build `id` keeps for the app at `url`.
fn cache_name(url: &str, id: &str) -> String {
    format!("span-annotator {url} {id}")
}

/// The build that `sw.js` in `deployment` holds, and the file's text.
fn build_of(deployment: &Deployment) -> Res<(Value, String)> {
    let worker = std::fs::read_to_string(deployment.dir.join("sw.js")).context("reading sw.js")?;
    let json = worker
        .lines()
        .find_map(|line| line.strip_prefix(BUILD_LINE))
        .and_then(|rest| rest.strip_suffix(';'))
        .context("sw.js holds no `const BUILD = …;` line: did the post-build hook run?")?;
    let build: Value = serde_json::from_str(json).context("the build in sw.js")?;
    Ok((build, worker))
}

/// Reloads the page as a person does (F5, `location.reload()`), and waits
/// until the new page is there. (WebDriver's own refresh, in Firefox,
/// bypasses the service worker, as a forced reload does.)
async fn reload(client: &Client) -> Res<()> {
    client
        .execute(
            "window.__beforeReload = true; setTimeout(() => location.reload(), 0);",
            vec![],
        )
        .await
        .context("reloading")?;
    wait_until("the page to reload", APP_LOAD_TIMEOUT, || async {
        let old: bool =
            page::eval(client, "return window.__beforeReload === true;", vec![]).await?;
        Ok((!old).then_some(()))
    })
    .await
}

/// Stops the host and checks that neither the test nor the page can reach
/// it any more.
async fn go_offline(client: &Client, deployment: &mut Deployment) -> Res<()> {
    deployment.server.stop().await?;
    let port = port_of(&deployment.url)?;
    ensure!(
        TcpStream::connect_timeout(
            &SocketAddr::from(([127, 0, 0, 1], port)),
            Duration::from_secs(2)
        )
        .is_err(),
        "the stopped server's port {port} still accepts connections"
    );
    check_page_is_offline(client).await
}

/// The port of an `http://127.0.0.1:<port>/…` address.
fn port_of(url: &str) -> Res<u16> {
    url.strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.split('/').next())
        .and_then(|port| port.parse().ok())
        .context(format!("no port in {url}"))
}

/// A request the worker does not answer (no file of the build) must fail:
/// the page has no network.
async fn check_page_is_offline(client: &Client) -> Res<()> {
    let probe: String = page::eval(
        client,
        r#"return fetch("./not-a-file-of-the-build-" + Date.now(), { cache: "no-store" })
            .then((r) => "answered with HTTP " + r.status, (e) => "failed: " + e.name);"#,
        vec![],
    )
    .await?;
    ensure!(
        probe.starts_with("failed"),
        "the page still reaches the network: a request was {probe}"
    );
    Ok(())
}

async fn works_offline_after_a_first_visit(
    session: Session,
    mut deployment: Deployment,
) -> Res<()> {
    let client = &session.client;
    let text = open_seed(client, &deployment.url, DOC).await?;
    let worker = wait_for_worker(client).await?;
    ensure_eq!(
        worker,
        format!("{}sw.js", deployment.url),
        "the worker is the app folder's sw.js"
    );
    let (build, _) = build_of(&deployment)?;
    let id = build["id"].as_str().context("the build's id")?;
    wait_for_caches(
        client,
        &cache_name(&deployment.url, id),
        "the build to be cached",
    )
    .await?;

    go_offline(client, &mut deployment).await?;
    reload(client).await?;
    wait_for_app(client).await?;
    check_page_is_offline(client).await?;
    open_document(client, DOC, &text).await?;

    let (start, end) = code_points(&text, "Astana")?;
    page::drag_select(client, &text, start, end).await?;
    page::press_key(client, '3').await?;
    wait_for_highlights(client, "“Astana” tagged offline", |h| {
        h.values().any(|t| t == "Astana")
    })
    .await?;
    let annotations = export_annotations(&session).await?;
    let shown: Vec<(Value, Value, Value, Value, Value)> = annotations
        .iter()
        .map(|a| {
            (
                a["document_id"].clone(),
                a["start"].clone(),
                a["end"].clone(),
                a["quote"].clone(),
                a["label"].clone(),
            )
        })
        .collect();
    ensure_eq!(
        shown,
        vec![(
            json!(DOC),
            json!(start),
            json!(end),
            json!("Astana"),
            json!("Location")
        )],
        "the export made offline holds the span tagged offline"
    );
    Ok(())
}

/// The `sha256-…` digest that `scripts/post-build.mjs` lists for a file.
fn digest(bytes: &[u8]) -> String {
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes))
    )
}

/// Whether the page is the second deploy's.
async fn is_second_deploy(client: &Client) -> Res<bool> {
    page::eval(
        client,
        r#"return document.querySelector('meta[name="deploy"]')?.content === "second";"#,
        vec![],
    )
    .await
}

async fn a_new_build_replaces_the_cached_one(
    session: Session,
    mut deployment: Deployment,
) -> Res<()> {
    let client = &session.client;
    client
        .goto(&deployment.url)
        .await
        .context("opening the app")?;
    wait_for_app(client).await?;
    wait_for_worker(client).await?;
    let (build, worker) = build_of(&deployment)?;
    let first = cache_name(&deployment.url, build["id"].as_str().context("the id")?);
    wait_for_caches(client, &first, "the first build to be cached").await?;

    // Deploy a second build: its page differs (a marker), so its worker
    // lists another digest for index.html and has another id.
    let index_path = deployment.dir.join("index.html");
    let index = std::fs::read_to_string(&index_path).context("reading index.html")?;
    ensure!(
        index.contains("</title>"),
        "index.html has no </title> to put a marker after"
    );
    let second_index = index.replacen(
        "</title>",
        "</title>\n    <meta name=\"deploy\" content=\"second\" />",
        1,
    );
    std::fs::write(&index_path, &second_index)?;
    let mut second = build.clone();
    second["files"]["index.html"] = json!(digest(second_index.as_bytes()));
    second["id"] = json!("second-deploy");
    let old_line = worker
        .lines()
        .find(|line| line.starts_with(BUILD_LINE))
        .context("the build line")?;
    std::fs::write(
        deployment.dir.join("sw.js"),
        worker.replacen(old_line, &format!("{BUILD_LINE}{second};"), 1),
    )?;

    // Online, a reload shows the new page at once (navigations go to the
    // network first); asking for an update (what the browser does after a
    // navigation, perhaps later) installs the new worker.
    reload(client).await?;
    wait_for_app(client).await?;
    ensure!(
        is_second_deploy(client).await?,
        "online, a reload shows the new deploy's page"
    );
    client
        .execute(
            "return navigator.serviceWorker.getRegistration().then((r) => r.update()).then(() => true);",
            vec![],
        )
        .await
        .context("asking for the worker's update")?;
    let second_cache = cache_name(&deployment.url, "second-deploy");
    wait_for_caches(
        client,
        &second_cache,
        "the new build's cache to replace the first one",
    )
    .await?;

    go_offline(client, &mut deployment).await?;
    reload(client).await?;
    wait_for_app(client).await?;
    ensure!(
        is_second_deploy(client).await?,
        "offline, the page is the new build's"
    );
    Ok(())
}
