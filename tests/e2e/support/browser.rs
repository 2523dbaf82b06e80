//! Launches a WebDriver server (chromedriver, geckodriver or WebKitGTK's
//! WebKitWebDriver) as a child process, opens a session on it, and tears
//! both down again. Chromium and Firefox run headless; WebKitGTK's
//! MiniBrowser has no headless mode, so its driver runs under `xvfb-run -a`,
//! on a virtual X display of its own.
//!
//! Every piece a browser test needs is located up front and a missing one is
//! a hard failure with a message saying what to install or which variable to
//! set: a browser test that silently skipped would look exactly like a pass.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::wd::WindowHandle;
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Map, Value};
use tokio::process::{Child, Command};

use super::{csp, free_port, wait_for_port, wait_until, Context, Failure, Res, ScratchDir};
use crate::bail;

/// Viewport-ish size every browser is given, so layouts (and therefore the
/// pixel positions the drags aim at) are comparable between them.
const WINDOW: (u32, u32) = (1280, 900);

/// Upper bound for one whole scenario, so a wedged browser fails the test
/// instead of hanging CI forever.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(300);

/// How long one try to attach a new WebDriver session to a WebKit browser
/// whose page was killed may take, and how many tries there are.
const REATTACH_TRY: Duration = Duration::from_secs(20);
const REATTACH_TRIES: u32 = 5;

/// Upper bound for reading the CSP violations after a scenario.
const CSP_CHECK_TIMEOUT: Duration = Duration::from_secs(20);

/// Which browser a test drives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrowserKind {
    Chromium,
    Firefox,
    /// WebKitGTK's MiniBrowser, driven by WebKitWebDriver under Xvfb.
    WebKit,
}

impl BrowserKind {
    pub fn name(self) -> &'static str {
        match self {
            BrowserKind::Chromium => "chromium",
            BrowserKind::Firefox => "firefox",
            BrowserKind::WebKit => "webkit",
        }
    }

    /// (env override, executable names to look for) for the WebDriver server.
    fn driver_lookup(self) -> (&'static str, &'static [&'static str]) {
        match self {
            BrowserKind::Chromium => ("CHROMEDRIVER", &["chromedriver"]),
            BrowserKind::Firefox => ("GECKODRIVER", &["geckodriver"]),
            BrowserKind::WebKit => ("WEBKITWEBDRIVER", &["WebKitWebDriver"]),
        }
    }

    /// The browser itself: Chromium and Firefox are looked for on `PATH`;
    /// MiniBrowser is not on it, so it is found among the files of the
    /// WebKitGTK package (`dpkg -L`).
    fn find_browser(self) -> Res<PathBuf> {
        let what = format!("{} browser", self.name());
        match self {
            BrowserKind::Chromium => find_executable(
                &what,
                "CHROMIUM_BIN",
                &["chromium", "chromium-browser", "google-chrome"],
            ),
            BrowserKind::Firefox => {
                find_executable(&what, "FIREFOX_BIN", &["firefox-esr", "firefox"])
            }
            BrowserKind::WebKit => find_minibrowser(),
        }
    }
}

/// The Debian package whose files include WebKitGTK's MiniBrowser.
const WEBKITGTK_PACKAGE: &str = "libwebkit2gtk-4.1-0";

/// WebKitGTK's MiniBrowser: `$MINIBROWSER_BIN` if set (and then it must be
/// an executable), else the `MiniBrowser` that `dpkg -L` lists for
/// [`WEBKITGTK_PACKAGE`], which `webkit2gtk-driver` brings.
fn find_minibrowser() -> Res<PathBuf> {
    const ENV_VAR: &str = "MINIBROWSER_BIN";
    if let Some(path) = std::env::var_os(ENV_VAR) {
        let path = PathBuf::from(path);
        if is_executable(&path) {
            return Ok(path);
        }
        bail!(
            "{ENV_VAR}={} does not name an executable WebKitGTK MiniBrowser",
            path.display()
        );
    }
    let listed = std::process::Command::new("dpkg")
        .args(["-L", WEBKITGTK_PACKAGE])
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    match listed
        .lines()
        .map(PathBuf::from)
        .find(|p| p.file_name().is_some_and(|n| n == "MiniBrowser") && is_executable(p))
    {
        Some(path) => Ok(path),
        None => bail!(
            "webkit browser not found: `dpkg -L {WEBKITGTK_PACKAGE}` lists no executable \
             MiniBrowser; install webkit2gtk-driver (`scripts/setup test` does) or set \
             {ENV_VAR} to its path (a browser test that cannot run fails)"
        ),
    }
}

/// What a scenario gets to work with.
#[derive(Clone, Debug)]
pub struct Session {
    pub kind: BrowserKind,
    pub client: Client,
    /// Where the browser saves downloads; empty when the scenario starts.
    pub downloads: PathBuf,
    /// The WebDriver server's process (for WebKit, the `xvfb-run` that
    /// started it), whose descendants are the browser's.
    pub driver_pid: Option<u32>,
    /// How to start the browser again on the same profile.
    restart: Arc<Restart>,
}

/// What a scenario needs to start its browser again, the session that
/// replaced the first one, if one did, and every driver started so far.
///
/// The drivers are all kept until the scenario ends: a WebKit session that
/// replaced a crashed one runs on a second driver attached to the browser
/// that the first driver started, and dropping a driver kills its browser.
#[derive(Debug)]
struct Restart {
    launcher: Launcher,
    replaced: Mutex<Option<Client>>,
    drivers: Mutex<Vec<Driver>>,
}

impl Restart {
    /// Keeps `driver` until the scenario ends, and makes `client` the
    /// session it ends with.
    fn replace(&self, driver: Driver, client: Client) {
        if let Ok(mut drivers) = self.drivers.lock() {
            drivers.push(driver);
        }
        if let Ok(mut replaced) = self.replaced.lock() {
            *replaced = Some(client);
        }
    }
}

/// Everything that starts a browser for a scenario.
#[derive(Clone, Debug)]
struct Launcher {
    kind: BrowserKind,
    device: Device,
    browser: PathBuf,
    scratch: PathBuf,
    profile: PathBuf,
    downloads: PathBuf,
}

impl Launcher {
    /// Starts a WebDriver server, which starts the browser.
    async fn launch(&self) -> Res<(Driver, Client)> {
        let driver = Driver::start(self.kind, &self.scratch, None).await?;
        self.connect(driver).await
    }

    /// Opens a session on `driver`, with the window at [`WINDOW`].
    async fn connect(&self, driver: Driver) -> Res<(Driver, Client)> {
        let caps = match capabilities(
            self.kind,
            self.device,
            &self.browser,
            &self.profile,
            &self.downloads,
        ) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let connect = ClientBuilder::rustls()
            .context("setting up the WebDriver HTTP client")?
            .capabilities(caps)
            .connect(&driver.url)
            .await;
        let client = match connect {
            Ok(client) => client,
            Err(err) => bail!(
                "could not open a {} session via {} (browser {}): {err}\n{}",
                self.kind.name(),
                driver.url,
                self.browser.display(),
                log_tail(&driver.log, 30)
            ),
        };
        let (w, h) = WINDOW;
        client
            .set_window_size(w, h)
            .await
            .context("setting the window size")?;
        Ok((driver, client))
    }
}

impl Session {
    /// Kills the processes that render pages, as a crash or the system's
    /// out-of-memory killer would: what the page did not hand to the browser
    /// is gone. Then the browser is closed and started again on the same
    /// profile (a crashed tab answers WebDriver no more), and `url` opened.
    ///
    /// WebKit ends the WebDriver session when a page it drives crashes, and
    /// MiniBrowser under automation keeps its storage in memory only (an
    /// ephemeral data store: nothing reaches disk, so a closed browser has
    /// kept nothing). So in WebKit the browser is not closed: a second
    /// WebKitWebDriver attaches to the same, still running MiniBrowser, whose
    /// network process holds what the tab handed it, and opens `url` there.
    pub async fn kill_tab_and_reopen(self, url: &str) -> Res<Session> {
        let killed = self.kill_renderers()?;
        if killed == 0 {
            bail!("no renderer process to kill");
        }
        if self.kind == BrowserKind::WebKit {
            return self.reattach(url).await;
        }
        // The browser, still alive, keeps what the tab handed it and writes
        // it to disk as it quits.
        let _ = self.client.clone().close().await;
        self.relaunch(url).await
    }

    /// Kills the whole browser, every process of it, as a power cut or a
    /// force-quit would, then starts it again on the same profile and opens
    /// `url`: what the browser had not yet written to disk is gone.
    ///
    /// (WebKit: MiniBrowser and its processes are killed, not the Xvfb and
    /// the driver beside them; its storage being in memory only, nothing
    /// can outlive this in WebKit.)
    pub async fn kill_browser_and_reopen(self, url: &str) -> Res<Session> {
        let browser = self.browser_processes()?;
        if browser.is_empty() {
            bail!("no browser process to kill");
        }
        for pid in &browser {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        self.relaunch(url).await
    }

    /// Opens a new tab, without switching to it, and returns its handle.
    ///
    /// In WebKit it is a new window instead: MiniBrowser shows only the
    /// selected tab of a window, WebDriver's switch to a tab does not select
    /// it, and a page not shown gets no animation frames, in which the app
    /// draws. Its own window is shown as a tab switched to is elsewhere.
    pub async fn new_tab(&self) -> Res<WindowHandle> {
        let as_tab = self.kind != BrowserKind::WebKit;
        Ok(self
            .client
            .new_window(as_tab)
            .await
            .context("opening a new tab")?
            .handle)
    }

    /// Every process of the browser: the driver's descendants, and for
    /// WebKit only MiniBrowser's own (the driver runs beside Xvfb).
    fn browser_processes(&self) -> Res<Vec<u32>> {
        let root = self.driver_pid.context("the driver's process id")?;
        Ok(match self.kind {
            BrowserKind::WebKit => {
                let browser = self.minibrowser_pid()?;
                let mut all = descendants(browser);
                all.push(browser);
                all
            }
            _ => descendants(root),
        })
    }

    /// The MiniBrowser process among the driver's descendants.
    fn minibrowser_pid(&self) -> Res<u32> {
        let root = self.driver_pid.context("the driver's process id")?;
        let binary = self.restart.launcher.browser.to_string_lossy().into_owned();
        descendants(root)
            .into_iter()
            .find(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .map(|raw| raw.split(|b| *b == 0).next() == Some(binary.as_bytes()))
                    .unwrap_or(false)
            })
            .context(format!("no {binary} process below the driver"))
    }

    /// Starts the browser again on the same profile and opens `url`, this
    /// session's browser having been killed or closed.
    async fn relaunch(self, url: &str) -> Res<Session> {
        let (driver, client) = self.restart.launcher.launch().await?;
        let session = Session {
            kind: self.kind,
            client: client.clone(),
            downloads: self.downloads.clone(),
            driver_pid: driver.child.id(),
            restart: self.restart.clone(),
        };
        self.restart.replace(driver, client);
        session
            .client
            .goto(url)
            .await
            .context("opening the app in the restarted browser")?;
        Ok(session)
    }

    /// WebKit: opens a new session on the MiniBrowser still running, through
    /// a WebKitWebDriver of its own attached to the browser's automation
    /// server (`WEBKIT_INSPECTOR_SERVER`, which the first driver set when it
    /// started the browser), and opens `url` in it.
    async fn reattach(self, url: &str) -> Res<Session> {
        let browser = self.minibrowser_pid()?;
        let environ = std::fs::read(format!("/proc/{browser}/environ"))
            .context("reading MiniBrowser's environment")?;
        let target = environ
            .split(|b| *b == 0)
            .find_map(|var| var.strip_prefix(b"WEBKIT_INSPECTOR_SERVER="))
            .map(|addr| String::from_utf8_lossy(addr).into_owned())
            .context("MiniBrowser's environment names no WEBKIT_INSPECTOR_SERVER")?;
        let launcher = &self.restart.launcher;
        // Until the browser has ended the killed page's automation session
        // ("already has an active automation session", slow under load), a
        // new one is refused and its request never answered: each try is
        // given a while, then the driver is dropped and another started.
        let mut tries = 0;
        let (driver, client) = loop {
            tries += 1;
            let driver = Driver::start(self.kind, &launcher.scratch, Some(&target)).await?;
            match tokio::time::timeout(REATTACH_TRY, launcher.connect(driver)).await {
                Ok(Ok(attached)) => break attached,
                Ok(Err(err)) if tries == REATTACH_TRIES => return Err(err),
                Err(_) if tries == REATTACH_TRIES => {
                    bail!("no session on the browser after {tries} tries of {REATTACH_TRY:?}")
                }
                failed => {
                    let why = match failed {
                        Ok(Err(err)) => err.to_string(),
                        _ => format!("no answer in {REATTACH_TRY:?}"),
                    };
                    eprintln!("[webkit] attaching after the killed page, try {tries}: {why}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        };
        let session = Session {
            client: client.clone(),
            ..self.clone()
        };
        self.restart.replace(driver, client);
        session
            .client
            .goto(url)
            .await
            .context("opening the app again in the browser whose tab was killed")?;
        Ok(session)
    }

    /// Kills every process that renders pages, as a crash or the system's
    /// out-of-memory killer would. The browser itself lives on. Returns how
    /// many were killed.
    fn kill_renderers(&self) -> Res<usize> {
        let root = self.driver_pid.context("the driver's process id")?;
        let renderer = |pid: u32| {
            let read = |file: &str| {
                std::fs::read(format!("/proc/{pid}/{file}"))
                    .map(|raw| String::from_utf8_lossy(&raw).replace('\0', " "))
                    .unwrap_or_default()
            };
            match self.kind {
                BrowserKind::Chromium => read("cmdline").contains("--type=renderer"),
                // The processes that hold web pages, one per site ("Isolated
                // Web Content"); not the browser's own extension, privileged
                // or spare ones, whose loss Firefox does not survive well.
                BrowserKind::Firefox => read("comm").starts_with("Isolated Web"),
                BrowserKind::WebKit => read("cmdline").contains("/WebKitWebProcess "),
            }
        };
        let victims: Vec<u32> = descendants(root)
            .into_iter()
            .filter(|pid| renderer(*pid))
            .collect();
        for pid in &victims {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        Ok(victims.len())
    }

    /// Readies the session for a download of `file_name`, before the click
    /// that starts it: the last download of that name is forgotten, so that
    /// [`wait_for_download_bytes`](Self::wait_for_download_bytes) returns
    /// the next one.
    ///
    /// WebKitGTK's WebDriver saves no download, so in WebKit the page itself
    /// is watched instead: a hook, installed here in the current page,
    /// records every Blob given to `URL.createObjectURL` and, when an anchor
    /// with a `download` name is clicked (as `src/browser/download.rs` does),
    /// keeps the Blob behind its address under that name, and goes no
    /// further: MiniBrowser would list the download in a bar above the
    /// page, and after seven or so the bars leave the page 1 px tall.
    pub async fn expect_download(&self, file_name: &str) -> Res<()> {
        if self.kind == BrowserKind::WebKit {
            self.client
                .execute(DOWNLOAD_HOOK_JS, vec![json!(file_name)])
                .await
                .context("installing the download hook in the page")?;
            return Ok(());
        }
        let path = self.downloads.join(file_name);
        if path.exists() {
            std::fs::remove_file(&path).context("clearing the last download")?;
        }
        Ok(())
    }

    /// Wait until the browser has finished saving `file_name` into the
    /// download directory, and return its contents.
    ///
    /// "Finished" means: the file exists, no partial download
    /// (`*.crdownload` from Chromium, `*.part` from Firefox) is left in the
    /// directory, and the contents satisfy `complete` (e.g. parse as JSON),
    /// since a browser may create the final name before the last write.
    ///
    /// WebKit: the bytes are those of the Blob that the page offered as
    /// `file_name` (see [`expect_download`](Self::expect_download)), read in
    /// the page by a `FileReader` and handed over in base64; they are then
    /// written into the download directory, so that the file can be read by
    /// other tools as in the other browsers.
    pub async fn wait_for_download_bytes(
        &self,
        file_name: &str,
        timeout: Duration,
        complete: impl Fn(&[u8]) -> bool,
    ) -> Res<(PathBuf, Vec<u8>)> {
        let path = self.downloads.join(file_name);
        if self.kind == BrowserKind::WebKit {
            let what = format!("the page to offer {file_name} as a download");
            let bytes = wait_until(&what, timeout, || async {
                let read = self
                    .client
                    .execute_async(READ_DOWNLOAD_JS, vec![json!(file_name)])
                    .await
                    .context("reading the offered download in the page")?;
                let bytes = match read {
                    Value::Null => return Err(Failure("nothing offered yet".into())),
                    Value::String(base64) => decode_base64(&base64)?,
                    other => return Err(Failure(format!("reading the Blob: {other}"))),
                };
                if complete(&bytes) {
                    Ok(Some(bytes))
                } else {
                    Err(Failure(format!(
                        "{} bytes offered, incomplete",
                        bytes.len()
                    )))
                }
            })
            .await?;
            std::fs::write(&path, &bytes).context(format!("writing {}", path.display()))?;
            return Ok((path, bytes));
        }
        let what = format!(
            "{} to be downloaded into {}",
            file_name,
            self.downloads.display()
        );
        wait_until(&what, timeout, || {
            let listing = std::fs::read_dir(&self.downloads);
            let contents = std::fs::read(&path);
            let path = path.clone();
            let complete = &complete;
            async move {
                let names: Vec<String> = listing?
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect();
                let partial = names
                    .iter()
                    .any(|n| n.ends_with(".crdownload") || n.ends_with(".part"));
                match contents {
                    Ok(bytes) if !partial && complete(&bytes) => Ok(Some((path, bytes))),
                    _ => Err(Failure(format!("download directory holds {names:?}"))),
                }
            }
        })
        .await
    }
}

/// Installed in the page before a download (WebKit): records the Blobs
/// given to `URL.createObjectURL`, and keeps under its `download` name the
/// Blob of each anchor clicked, in `window.__e2eDownloads`; then forgets the
/// last download named `arguments[0]`. Installing it again in the same page
/// only does the forgetting.
const DOWNLOAD_HOOK_JS: &str = r#"
if (!window.__e2eDownloads) {
    const offered = {};
    const blobs = new Map();
    const createObjectURL = URL.createObjectURL;
    URL.createObjectURL = function (object) {
        const url = createObjectURL.call(URL, object);
        if (object instanceof Blob) blobs.set(url, object);
        return url;
    };
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function () {
        if (this.hasAttribute("download") && blobs.has(this.href)) {
            offered[this.download] = blobs.get(this.href);
            return;
        }
        return click.call(this);
    };
    window.__e2eDownloads = offered;
}
delete window.__e2eDownloads[arguments[0]];
"#;

/// Reads the Blob offered as `arguments[0]` (see [`DOWNLOAD_HOOK_JS`]):
/// its bytes in base64, or null while there is none.
const READ_DOWNLOAD_JS: &str = r#"
const done = arguments[arguments.length - 1];
const blob = window.__e2eDownloads && window.__e2eDownloads[arguments[0]];
if (!blob) { done(null); return; }
const reader = new FileReader();
reader.onload = () => done(reader.result.slice(reader.result.indexOf(",") + 1));
reader.onerror = () => done({ error: String(reader.error) });
reader.readAsDataURL(blob);
"#;

/// Decodes standard base64 (with `=` padding), as a data URL holds it.
fn decode_base64(text: &str) -> Res<Vec<u8>> {
    let value = |c: u8| -> Res<u32> {
        Ok(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => bail!("{:?} in base64", char::from(c)),
        }
        .into())
    };
    let text = text.trim_end_matches('=').as_bytes();
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        if chunk.len() == 1 {
            bail!("base64 of a length that no bytes give");
        }
        let mut bits = 0u32;
        for (n, c) in chunk.iter().enumerate() {
            bits |= value(*c)? << (18 - 6 * n);
        }
        bytes.extend_from_slice(&bits.to_be_bytes()[1..chunk.len()]);
    }
    Ok(bytes)
}

/// Every process below `root`, found through `/proc/<pid>/task/*/children`.
fn descendants(root: u32) -> Vec<u32> {
    let mut found = Vec::new();
    let mut queue = vec![root];
    while let Some(pid) = queue.pop() {
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten()
            .flatten();
        for task in tasks {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            for child in children.split_whitespace().filter_map(|c| c.parse().ok()) {
                found.push(child);
                queue.push(child);
            }
        }
    }
    found
}

/// Find an executable: `$env_var` if set (and then it must exist), else the
/// first of `names` on `PATH` or in Cargo's bin dir, which `cargo install`
/// fills but which is not always on `PATH`.
fn find_executable(what: &str, env_var: &str, names: &[&str]) -> Res<PathBuf> {
    if let Some(path) = std::env::var_os(env_var) {
        let path = PathBuf::from(path);
        if is_executable(&path) {
            return Ok(path);
        }
        bail!(
            "{env_var}={} does not name an executable {what}",
            path.display()
        );
    }
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(cargo_home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(cargo_home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo").join("bin"));
    }
    for name in names {
        for dir in &dirs {
            let candidate = dir.join(name);
            if is_executable(&candidate) {
                return Ok(candidate);
            }
        }
    }
    bail!(
        "{what} not found: looked for {names:?} on PATH and in Cargo's bin dir; \
         install it or set {env_var} to its path (a browser test that cannot run fails)"
    )
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// A WebDriver server child process.
///
/// It runs in its own process group, and dropping it kills the whole group:
/// killing only the driver would orphan the browser it started whenever the
/// session could not be closed politely (e.g. after a panic). WebKit's
/// group is `xvfb-run`, its Xvfb, WebKitWebDriver and MiniBrowser.
#[derive(Debug)]
struct Driver {
    child: Child,
    url: String,
    log: PathBuf,
    /// The X server `xvfb-run` started (WebKit's first driver only).
    xvfb: Option<Xvfb>,
}

/// An Xvfb process and its display number.
#[derive(Debug)]
struct Xvfb {
    pid: u32,
    display: u32,
}

impl Xvfb {
    /// The Xvfb below `root`, once it runs.
    fn below(root: u32) -> Option<Xvfb> {
        descendants(root).into_iter().find_map(|pid| {
            let raw = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let mut args = raw.split(|b| *b == 0).map(String::from_utf8_lossy);
            let exe = args.next()?;
            if !exe.ends_with("Xvfb") {
                return None;
            }
            let display = args.find_map(|a| a.strip_prefix(':').and_then(|n| n.parse().ok()))?;
            Some(Xvfb { pid, display })
        })
    }

    /// The lock file and socket an X server leaves if it dies unwarned.
    fn leftovers(&self) -> [PathBuf; 2] {
        [
            PathBuf::from(format!("/tmp/.X{}-lock", self.display)),
            PathBuf::from(format!("/tmp/.X11-unix/X{}", self.display)),
        ]
    }

    /// Whether the lock file of its display still names this Xvfb.
    fn holds_lock(&self) -> bool {
        std::fs::read_to_string(&self.leftovers()[0])
            .is_ok_and(|pid| pid.trim().parse() == Ok(self.pid))
    }
}

impl Driver {
    /// Starts `kind`'s WebDriver server. For WebKit, `target` (the
    /// `host:port` of a running MiniBrowser's automation server) attaches
    /// the driver to that browser instead of having it start one; without a
    /// target the driver runs under `xvfb-run -a` and starts MiniBrowser on
    /// its virtual display.
    async fn start(kind: BrowserKind, scratch: &Path, target: Option<&str>) -> Res<Self> {
        let (env_var, names) = kind.driver_lookup();
        let exe = find_executable(&format!("{} WebDriver server", kind.name()), env_var, names)?;
        let port = free_port()?;
        let mut cmd = match (kind, target) {
            (BrowserKind::WebKit, None) => {
                let xvfb_run = find_executable(
                    "xvfb-run (Debian package xvfb, with xauth)",
                    "XVFB_RUN",
                    &["xvfb-run"],
                )?;
                let mut cmd = Command::new(xvfb_run);
                // Its Xauthority goes into a folder under TMPDIR, which
                // `xvfb-run` removes only when it exits normally.
                cmd.env("TMPDIR", scratch).arg("-a").arg(&exe);
                cmd
            }
            _ => Command::new(&exe),
        };
        match kind {
            BrowserKind::Chromium => {
                cmd.arg(format!("--port={port}"));
            }
            BrowserKind::Firefox => {
                // `--websocket-port 0`: geckodriver would otherwise ask every
                // Firefox it starts to listen on the fixed port 9222.
                cmd.args(["--host", "127.0.0.1", "--port"])
                    .arg(port.to_string())
                    .args(["--websocket-port", "0"]);
            }
            BrowserKind::WebKit => {
                cmd.arg(format!("--port={port}"));
                if let Some(target) = target {
                    cmd.arg(format!("--target={target}"));
                }
            }
        }
        // The driver's output (and, for Firefox, the page's console) goes to a
        // file whose tail is attached to failures.
        let log = match target {
            None => scratch.join("driver.log"),
            Some(_) => scratch.join(format!("driver-attached-{port}.log")),
        };
        let out = std::fs::File::create(&log).context(format!("creating {}", log.display()))?;
        let mut child = cmd
            .stdout(out.try_clone()?)
            .stderr(out)
            .stdin(Stdio::null())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .context(format!("starting {}", exe.display()))?;
        let what = exe.display().to_string();
        let listening = wait_for_port(&what, port, &mut child, Duration::from_secs(30)).await;
        // The driver listens once the X server is up, so its Xvfb is known
        // now, in time for the drop to clean up after it.
        let xvfb = match (kind, target) {
            (BrowserKind::WebKit, None) => child.id().and_then(Xvfb::below),
            _ => None,
        };
        let driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
            xvfb,
        };
        if let Err(err) = listening {
            bail!("{err}\n{}", log_tail(&driver.log, 20));
        }
        Ok(driver)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(pid) = self.child.id() {
            // Negative pid = the process group `process_group(0)` created.
            let group = format!("-{pid}");
            let signal = |name: &str| {
                let _ = std::process::Command::new("kill")
                    .args([name, "--", &group])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
            };
            if let Some(xvfb) = &self.xvfb {
                // Asked to, Xvfb removes its display's lock file and socket,
                // which `xvfb-run -a` would otherwise take as a display in
                // use forever after.
                signal("-TERM");
                let deadline = std::time::Instant::now() + Duration::from_secs(3);
                while xvfb.holds_lock() && std::time::Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
            signal("-KILL");
            if let Some(xvfb) = &self.xvfb {
                if xvfb.holds_lock() {
                    for path in xvfb.leftovers() {
                        let _ = std::fs::remove_file(path);
                    }
                }
            }
        }
        let _ = self.child.start_kill();
        let _ = self.child.try_wait();
    }
}

/// The last `lines` lines of a log file, formatted for a failure message.
fn log_tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    let tail = &all[all.len().saturating_sub(lines)..];
    format!(
        "--- last {} lines of {} ---\n{}",
        tail.len(),
        path.display(),
        tail.join("\n")
    )
}

/// Session capabilities: headless, fixed window size, and downloads saved
/// without prompting into `downloads`. WebKit takes neither a profile nor a
/// download folder: MiniBrowser under automation keeps its data in memory,
/// and WebKitGTK's WebDriver saves no download (see
/// [`Session::wait_for_download_bytes`]).
fn capabilities(
    kind: BrowserKind,
    device: Device,
    browser: &Path,
    profile: &Path,
    downloads: &Path,
) -> Value {
    let (w, h) = WINDOW;
    let downloads = downloads.to_string_lossy();
    let mut caps = match kind {
        BrowserKind::Chromium => json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": browser,
                "args": [
                    "--headless=new",
                    // Running as root (as in CI containers) requires this.
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                    "--disable-sync",
                    format!("--window-size={w},{h}"),
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": {
                    "download.default_directory": downloads,
                    "download.prompt_for_download": false,
                    "download.directory_upgrade": true,
                    "safebrowsing.enabled": false,
                },
            },
        }),
        BrowserKind::Firefox => json!({
            "browserName": "firefox",
            "moz:firefoxOptions": {
                "binary": browser,
                // A profile of our own, kept across a restart of the browser.
                "args": ["-headless", format!("--width={w}"), format!("--height={h}"),
                         "-profile", profile.display().to_string()],
                "prefs": {
                    // 2 = "use browser.download.dir".
                    "browser.download.folderList": 2,
                    "browser.download.dir": downloads,
                    "browser.download.useDownloadDir": true,
                    "browser.download.always_ask_before_handling_new_types": false,
                    "browser.helperApps.neverAsk.saveToDisk":
                        "application/json,application/zip,text/plain",
                    // The downloads panel popping up is noise in headless runs.
                    "browser.download.panel.shown": true,
                    "browser.download.alwaysOpenPanel": false,
                },
            },
        }),
        BrowserKind::WebKit => json!({
            "browserName": "MiniBrowser",
            "webkitgtk:browserOptions": {
                "binary": browser,
                // `--headless` is refused: the driver runs under Xvfb.
                "args": ["--automation"],
            },
        }),
    };
    device.apply(kind, &mut caps);
    caps
}

/// What the browser tells pages about the system it runs on: a dark scheme
/// preferred (`prefers-color-scheme: dark`), a touch screen as the only
/// pointer (`pointer: coarse`, `hover: none`), less motion asked for
/// (`prefers-reduced-motion: reduce`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Device {
    pub dark: bool,
    pub touch: bool,
    pub reduced_motion: bool,
}

impl Device {
    /// Adds to `caps` what makes `kind` report this device. WebKitGTK's
    /// MiniBrowser can run in the dark scheme, but has no way to pretend to
    /// be a touch screen or to ask for less motion: [`Device::pretends`]
    /// says so.
    fn apply(self, kind: BrowserKind, caps: &mut Value) {
        let (args, prefs) = match kind {
            BrowserKind::Chromium => ("/goog:chromeOptions/args", None),
            BrowserKind::Firefox => (
                "/moz:firefoxOptions/args",
                Some("/moz:firefoxOptions/prefs"),
            ),
            BrowserKind::WebKit => ("/webkitgtk:browserOptions/args", None),
        };
        let mut more_args = Vec::new();
        let mut more_prefs = Vec::new();
        match kind {
            BrowserKind::Chromium => {
                if self.dark {
                    more_args.push("--force-dark-mode".to_string());
                }
                if self.touch {
                    // Blink's pointer types: 2 coarse; hover types: 1 none.
                    more_args.push(
                        "--blink-settings=primaryPointerType=2,availablePointerTypes=2,\
                         primaryHoverType=1,availableHoverTypes=1"
                            .to_string(),
                    );
                    more_args.push("--touch-events=enabled".to_string());
                }
                if self.reduced_motion {
                    more_args.push("--force-prefers-reduced-motion".to_string());
                }
            }
            BrowserKind::Firefox => {
                if self.dark {
                    more_prefs.push(("ui.systemUsesDarkTheme", json!(1)));
                    // 0 = dark, for pages.
                    more_prefs.push(("layout.css.prefers-color-scheme.content-override", json!(0)));
                }
                if self.touch {
                    // 1 = coarse pointer, no hover.
                    more_prefs.push(("ui.primaryPointerCapabilities", json!(1)));
                    more_prefs.push(("ui.allPointerCapabilities", json!(1)));
                }
                if self.reduced_motion {
                    more_prefs.push(("ui.prefersReducedMotion", json!(1)));
                }
            }
            BrowserKind::WebKit => {
                if self.dark {
                    more_args.push("--dark-mode".to_string());
                }
            }
        }
        if let Some(list) = caps.pointer_mut(args).and_then(Value::as_array_mut) {
            list.extend(more_args.into_iter().map(Value::from));
        }
        if let Some(map) = prefs
            .and_then(|p| caps.pointer_mut(p))
            .and_then(Value::as_object_mut)
        {
            for (name, value) in more_prefs {
                map.insert(name.to_string(), value);
            }
        }
    }

    /// Whether `kind` can pretend to be on a touch screen, and to ask for
    /// less motion.
    pub fn pretends(kind: BrowserKind) -> bool {
        kind != BrowserKind::WebKit
    }
}

/// Launch `kind`, run `scenario` against it, then close the session and kill
/// the driver no matter how the scenario ended.
///
/// A scenario that finished passes only if no page it opened reported a
/// Content-Security-Policy violation ([`csp`]); one that failed has the
/// violations, if any, added to its failure, as they often say why.
///
/// The scenario runs as its own task so that a panic inside it is caught as
/// a `JoinError`: the browser is still closed politely, and the panic is
/// re-raised afterwards so the test reports it unchanged.
pub async fn run<F, Fut>(kind: BrowserKind, scenario: F) -> Res<()>
where
    F: FnOnce(Session) -> Fut,
    Fut: Future<Output = Res<()>> + Send + 'static,
{
    run_on(kind, Device::default(), scenario).await
}

/// [`run`], with the browser reporting `device` to pages.
pub async fn run_on<F, Fut>(kind: BrowserKind, device: Device, scenario: F) -> Res<()>
where
    F: FnOnce(Session) -> Fut,
    Fut: Future<Output = Res<()>> + Send + 'static,
{
    let scratch = ScratchDir::new(kind.name())?;
    let profile = scratch.path().join("profile");
    let downloads = scratch.path().join("downloads");
    std::fs::create_dir_all(&profile)?;
    std::fs::create_dir_all(&downloads)?;

    let browser = kind.find_browser()?;
    let launcher = Launcher {
        kind,
        device,
        browser,
        scratch: scratch.path().to_path_buf(),
        profile,
        downloads: downloads.clone(),
    };
    let (driver, first) = launcher.launch().await?;
    let driver_pid = driver.child.id();
    let restart = Arc::new(Restart {
        launcher,
        replaced: Mutex::new(None),
        drivers: Mutex::new(vec![driver]),
    });
    let session = Session {
        kind,
        client: first.clone(),
        downloads,
        driver_pid,
        restart: restart.clone(),
    };
    let mut task = tokio::spawn(scenario(session));
    let outcome = tokio::time::timeout(SCENARIO_TIMEOUT, &mut task).await;
    // Only does anything after a timeout: stop the scenario issuing commands
    // to a session we are about to close.
    task.abort();
    // The session the scenario ended with: the first, or the one that
    // replaced it after a crash.
    let replaced = restart.replaced.lock().ok().and_then(|mut r| r.take());
    let client = replaced.unwrap_or(first);
    // Only a scenario that returned left a browser that answers.
    let policy = match &outcome {
        Ok(Ok(_)) => tokio::time::timeout(CSP_CHECK_TIMEOUT, csp::check_every_window(&client))
            .await
            .unwrap_or_else(|_| {
                Err(Failure(
                    "reading the pages' CSP violations timed out".into(),
                ))
            }),
        _ => Ok(()),
    };
    let closed = client.close().await;
    // Every driver, and so every browser, is stopped only now, the latest
    // (whose log is shown) first.
    let mut drivers = restart
        .drivers
        .lock()
        .map(|mut d| std::mem::take(&mut *d))
        .unwrap_or_default();
    let log = drivers
        .last()
        .map(|d| log_tail(&d.log, 40))
        .unwrap_or_default();
    while let Some(driver) = drivers.pop() {
        drop(driver);
    }

    match outcome {
        Err(_) => bail!(
            "{} scenario did not finish within {SCENARIO_TIMEOUT:?}\n{log}",
            kind.name()
        ),
        Ok(Err(join)) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
        Ok(Err(join)) => bail!("{} scenario task failed: {join}", kind.name()),
        Ok(Ok(Err(Failure(msg)))) => match policy {
            Ok(()) => bail!("[{}] {msg}\n{log}", kind.name()),
            Err(Failure(csp)) => bail!("[{}] {msg}\n{csp}\n{log}", kind.name()),
        },
        Ok(Ok(Ok(()))) => match policy {
            Ok(()) => closed.context("closing the WebDriver session"),
            Err(Failure(csp)) => bail!("[{}] {csp}\n{log}", kind.name()),
        },
    }
}
