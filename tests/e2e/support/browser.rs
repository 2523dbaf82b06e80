//! Launches a WebDriver server (chromedriver or geckodriver) as a child
//! process, opens a headless session on it, and tears both down again.
//!
//! Every piece a browser test needs is located up front and a missing one is
//! a hard failure with a message saying what to install or which variable to
//! set: a browser test that silently skipped would look exactly like a pass.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Map, Value};
use tokio::process::{Child, Command};

use super::{csp, free_port, wait_for_port, wait_until, Context, Failure, Res, ScratchDir};
use crate::bail;

/// Viewport-ish size both browsers are given, so layouts (and therefore the
/// pixel positions the drags aim at) are comparable between them.
const WINDOW: (u32, u32) = (1280, 900);

/// Upper bound for one whole scenario, so a wedged browser fails the test
/// instead of hanging CI forever.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(300);

/// Upper bound for reading the CSP violations after a scenario.
const CSP_CHECK_TIMEOUT: Duration = Duration::from_secs(20);

/// Which browser a test drives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrowserKind {
    Chromium,
    Firefox,
}

impl BrowserKind {
    pub fn name(self) -> &'static str {
        match self {
            BrowserKind::Chromium => "chromium",
            BrowserKind::Firefox => "firefox",
        }
    }

    /// (env override, executable names to look for) for the WebDriver server.
    fn driver_lookup(self) -> (&'static str, &'static [&'static str]) {
        match self {
            BrowserKind::Chromium => ("CHROMEDRIVER", &["chromedriver"]),
            BrowserKind::Firefox => ("GECKODRIVER", &["geckodriver"]),
        }
    }

    /// (env override, executable names to look for) for the browser itself.
    fn browser_lookup(self) -> (&'static str, &'static [&'static str]) {
        match self {
            BrowserKind::Chromium => (
                "CHROMIUM_BIN",
                &["chromium", "chromium-browser", "google-chrome"],
            ),
            BrowserKind::Firefox => ("FIREFOX_BIN", &["firefox-esr", "firefox"]),
        }
    }
}

/// What a scenario gets to work with.
#[derive(Clone, Debug)]
pub struct Session {
    pub kind: BrowserKind,
    pub client: Client,
    /// Where the browser saves downloads; empty when the scenario starts.
    pub downloads: PathBuf,
    /// The WebDriver server's process, whose descendants are the browser's.
    pub driver_pid: Option<u32>,
    /// How to start the browser again on the same profile.
    restart: Arc<Restart>,
}

/// What a scenario needs to start its browser again, and the session that
/// replaced the first one, if it did.
#[derive(Debug)]
struct Restart {
    launcher: Launcher,
    replaced: Mutex<Option<(Driver, Client)>>,
}

/// Everything that starts a browser for a scenario.
#[derive(Clone, Debug)]
struct Launcher {
    kind: BrowserKind,
    browser: PathBuf,
    scratch: PathBuf,
    profile: PathBuf,
    downloads: PathBuf,
}

impl Launcher {
    async fn launch(&self) -> Res<(Driver, Client)> {
        let driver = Driver::start(self.kind, &self.scratch).await?;
        let caps = match capabilities(self.kind, &self.browser, &self.profile, &self.downloads) {
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
    pub async fn kill_tab_and_reopen(self, url: &str) -> Res<Session> {
        let killed = self.kill_renderers()?;
        if killed == 0 {
            bail!("no renderer process to kill");
        }
        // The browser, still alive, keeps what the tab handed it and writes
        // it to disk as it quits.
        let _ = self.client.clone().close().await;
        self.relaunch(url).await
    }

    /// Kills the whole browser, every process of it, as a power cut or a
    /// force-quit would, then starts it again on the same profile and opens
    /// `url`: what the browser had not yet written to disk is gone.
    pub async fn kill_browser_and_reopen(self, url: &str) -> Res<Session> {
        let root = self.driver_pid.context("the driver's process id")?;
        let browser = descendants(root);
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
        if let Ok(mut replaced) = self.restart.replaced.lock() {
            *replaced = Some((driver, client));
        }
        session
            .client
            .goto(url)
            .await
            .context("opening the app in the restarted browser")?;
        Ok(session)
    }

    /// Kills every process that renders pages, as a crash or the system's
    /// out-of-memory killer would. The browser itself lives on. Returns how
    /// many were killed.
    fn kill_renderers(&self) -> Res<usize> {
        let root = self.driver_pid.context("the driver's process id")?;
        let renderer = |args: &str| match self.kind {
            BrowserKind::Chromium => args.contains("--type=renderer"),
            BrowserKind::Firefox => args.contains("-contentproc") && args.contains(" tab"),
        };
        let victims: Vec<u32> = descendants(root)
            .into_iter()
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .map(|raw| renderer(&String::from_utf8_lossy(&raw).replace('\0', " ")))
                    .unwrap_or(false)
            })
            .collect();
        for pid in &victims {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        Ok(victims.len())
    }

    /// Wait until the browser has finished saving `file_name` into the
    /// download directory, and return its contents.
    ///
    /// "Finished" means: the file exists, no partial download
    /// (`*.crdownload` from Chromium, `*.part` from Firefox) is left in the
    /// directory, and the contents satisfy `complete` (e.g. parse as JSON),
    /// since a browser may create the final name before the last write.
    pub async fn wait_for_download_bytes(
        &self,
        file_name: &str,
        timeout: Duration,
        complete: impl Fn(&[u8]) -> bool,
    ) -> Res<(PathBuf, Vec<u8>)> {
        let path = self.downloads.join(file_name);
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
/// session could not be closed politely (e.g. after a panic).
#[derive(Debug)]
struct Driver {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Driver {
    async fn start(kind: BrowserKind, scratch: &Path) -> Res<Self> {
        let (env_var, names) = kind.driver_lookup();
        let exe = find_executable(&format!("{} WebDriver server", kind.name()), env_var, names)?;
        let port = free_port()?;
        let mut cmd = Command::new(&exe);
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
        }
        // The driver's output (and, for Firefox, the page's console) goes to a
        // file whose tail is attached to failures.
        let log = scratch.join("driver.log");
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
        if let Err(err) = wait_for_port(&what, port, &mut child, Duration::from_secs(30)).await {
            bail!("{err}\n{}", log_tail(&log, 20));
        }
        Ok(Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(pid) = self.child.id() {
            // Negative pid = the process group `process_group(0)` created.
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
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
/// without prompting into `downloads`.
fn capabilities(kind: BrowserKind, browser: &Path, profile: &Path, downloads: &Path) -> Value {
    let (w, h) = WINDOW;
    let downloads = downloads.to_string_lossy();
    match kind {
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
    let scratch = ScratchDir::new(kind.name())?;
    let profile = scratch.path().join("profile");
    let downloads = scratch.path().join("downloads");
    std::fs::create_dir_all(&profile)?;
    std::fs::create_dir_all(&downloads)?;

    let (env_var, names) = kind.browser_lookup();
    let browser = find_executable(&format!("{} browser", kind.name()), env_var, names)?;
    let launcher = Launcher {
        kind,
        browser,
        scratch: scratch.path().to_path_buf(),
        profile,
        downloads: downloads.clone(),
    };
    let (driver, first) = launcher.launch().await?;
    let restart = Arc::new(Restart {
        launcher,
        replaced: Mutex::new(None),
    });
    let session = Session {
        kind,
        client: first.clone(),
        downloads,
        driver_pid: driver.child.id(),
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
    let (driver, client) = match replaced {
        Some(latest) => {
            drop(driver);
            latest
        }
        None => (driver, first),
    };
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
    let log = log_tail(&driver.log, 40);
    drop(driver);

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
