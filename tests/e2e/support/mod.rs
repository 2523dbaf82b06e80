//! Shared plumbing for the end-to-end tests: an error type that prints
//! readably, bounded polling, scratch directories, and the submodules that
//! launch browsers, serve the built app and drive the page.

pub mod app;
pub mod browser;
pub mod cli;
pub mod csp;
pub mod page;
pub mod server;

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A test failure carrying a human-readable message.
///
/// `Debug` prints the message verbatim, because libtest shows a failing test's
/// returned error with `{:?}` and escaped newlines would bury the point. It
/// deliberately does not implement `std::error::Error`, so that the blanket
/// `From` below (which makes `?` work on every library error) stays coherent.
pub struct Failure(pub String);

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<E: std::error::Error> From<E> for Failure {
    fn from(err: E) -> Self {
        Failure(err.to_string())
    }
}

/// Result type of every helper and scenario step.
pub type Res<T> = Result<T, Failure>;

/// Attach a description of what was being attempted to an error.
pub trait Context<T> {
    fn context(self, what: impl fmt::Display) -> Res<T>;
}

impl<T, E: fmt::Display> Context<T> for Result<T, E> {
    fn context(self, what: impl fmt::Display) -> Res<T> {
        self.map_err(|e| Failure(format!("{what}: {e}")))
    }
}

impl<T> Context<T> for Option<T> {
    fn context(self, what: impl fmt::Display) -> Res<T> {
        self.ok_or_else(|| Failure(what.to_string()))
    }
}

/// Return early with a formatted [`Failure`].
#[macro_export]
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::support::Failure(format!($($arg)*)))
    };
}

/// Like `assert!`, but returns a [`Failure`] so the scenario can still close
/// the browser session cleanly before the test reports.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($arg:tt)*) => {
        if !$cond {
            $crate::bail!($($arg)*);
        }
    };
}

/// Like `assert_eq!`, returning a [`Failure`] that shows both sides.
#[macro_export]
macro_rules! ensure_eq {
    ($left:expr, $right:expr, $($arg:tt)*) => {{
        let (left, right) = (&$left, &$right);
        if left != right {
            $crate::bail!("{}\n  left: {:?}\n right: {:?}", format!($($arg)*), left, right);
        }
    }};
}

/// Declares a scenario's three tests, one per browser (Chromium, Firefox,
/// WebKit): each serves `dist/` and runs `scenario(session, url)` in a
/// fresh browser; with `device = Device { .. }`, one that tells pages it
/// runs on that device (a dark scheme, a touch screen; see
/// [`browser::Device`]); or, with `deployed_at = "folder"`, serves a copy of
/// `dist/` from that folder of the host and runs `scenario(session,
/// deployment)` (see [`deploy_and_run`]).
#[macro_export]
macro_rules! in_every_browser {
    ($chromium:ident, $firefox:ident, $webkit:ident, $scenario:path) => {
        $crate::in_every_browser!(@each $chromium, $firefox, $webkit, |kind| {
            $crate::support::serve_and_run(kind, $scenario)
        });
    };
    ($chromium:ident, $firefox:ident, $webkit:ident, $scenario:path, device = $device:expr) => {
        $crate::in_every_browser!(@each $chromium, $firefox, $webkit, |kind| {
            $crate::support::serve_and_run_on(kind, $device, $scenario)
        });
    };
    ($chromium:ident, $firefox:ident, $webkit:ident, $scenario:path, deployed_at = $folder:literal) => {
        $crate::in_every_browser!(@each $chromium, $firefox, $webkit, |kind| {
            $crate::support::deploy_and_run(kind, $folder, $scenario)
        });
    };
    (@each $chromium:ident, $firefox:ident, $webkit:ident, |$kind:ident| $run:block) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $chromium() -> $crate::support::Res<()> {
            let $kind = $crate::support::browser::BrowserKind::Chromium;
            let run = $run;
            run.await
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $firefox() -> $crate::support::Res<()> {
            let $kind = $crate::support::browser::BrowserKind::Firefox;
            let run = $run;
            run.await
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $webkit() -> $crate::support::Res<()> {
            let $kind = $crate::support::browser::BrowserKind::WebKit;
            let run = $run;
            run.await
        }
    };
}

/// Serves the built app and runs `scenario` against it in a `kind` browser.
pub async fn serve_and_run<F, Fut>(kind: browser::BrowserKind, scenario: F) -> Res<()>
where
    F: FnOnce(browser::Session, String) -> Fut + Send + 'static,
    Fut: Future<Output = Res<()>> + Send + 'static,
{
    serve_and_run_on(kind, browser::Device::default(), scenario).await
}

/// [`serve_and_run`], with the browser reporting `device` to pages (a dark
/// scheme preferred, a touch screen).
pub async fn serve_and_run_on<F, Fut>(
    kind: browser::BrowserKind,
    device: browser::Device,
    scenario: F,
) -> Res<()>
where
    F: FnOnce(browser::Session, String) -> Fut + Send + 'static,
    Fut: Future<Output = Res<()>> + Send + 'static,
{
    let server = server::StaticServer::start(&server::dist_dir()?).await?;
    let url = server.url();
    browser::run_on(kind, device, move |session| scenario(session, url)).await
}

/// A copy of the built app served from a folder of a static host, which
/// the scenario may change (as a new deploy would) or take offline.
pub struct Deployment {
    pub server: server::StaticServer,
    /// The folder the app is served from.
    pub dir: PathBuf,
    /// The app's address: the folder's, with a trailing slash.
    pub url: String,
    _root: ScratchDir,
}

/// Copies `dist/` into `folder` (e.g. `deploy/app`) of a fresh directory,
/// serves that directory, and runs `scenario` in a `kind` browser with the
/// app at `http://127.0.0.1:<port>/<folder>/`.
pub async fn deploy_and_run<F, Fut>(
    kind: browser::BrowserKind,
    folder: &str,
    scenario: F,
) -> Res<()>
where
    F: FnOnce(browser::Session, Deployment) -> Fut + Send + 'static,
    Fut: Future<Output = Res<()>> + Send + 'static,
{
    let root = ScratchDir::new("deploy")?;
    let dir = root.path().join(folder);
    copy_dir(&server::dist_dir()?, &dir)?;
    let server = server::StaticServer::start(root.path()).await?;
    let url = format!("{}{folder}/", server.url());
    let deployment = Deployment {
        server,
        dir,
        url,
        _root: root,
    };
    browser::run(kind, move |session| scenario(session, deployment)).await
}

/// Copies the files of `from` into `to`, recursively, creating `to`.
fn copy_dir(from: &Path, to: &Path) -> Res<()> {
    std::fs::create_dir_all(to).context(format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).context(format!("listing {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .context(format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// How often [`wait_until`] re-checks its condition.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Poll `check` until it yields `Some`, or fail after `timeout`.
///
/// This is the only way the tests wait for the app: never a fixed sleep,
/// because a sleep is either too short on a loaded machine (flaky) or too
/// long everywhere else. `what` names the awaited condition for the failure
/// message; the last error `check` returned, if any, is included too, since
/// it usually says why the condition never became true.
pub async fn wait_until<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> Res<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Res<Option<T>>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        let last = match check().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => None,
            Err(err) => Some(err),
        };
        if Instant::now() >= deadline {
            let why = last
                .map(|e| format!(" (last error: {e})"))
                .unwrap_or_default();
            bail!("timed out after {timeout:?} waiting for {what}{why}");
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// A fixed sequence of pseudo-random numbers from `seed` (xorshift64*;
/// not 0): each call gives one below its argument, the same sequence for
/// the same seed.
pub fn random_below(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |below| {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        (seed.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % below
    }
}

/// The crate root, where `seeds/`, `dist/` and `tests/` live.
pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A directory under the system temp dir, removed (best effort) on drop.
///
/// Every browser test gets its own, so the browsers can run in parallel
/// threads without sharing profiles or download folders.
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    pub fn new(tag: &str) -> Res<Self> {
        // pid + clock + counter: unique across concurrent tests in this process
        // and across concurrent `cargo test` runs.
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "span-annotator-e2e-{tag}-{}-{nanos}-{n}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).context(format!("creating {}", path.display()))?;
        Ok(Self { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        // Keep artefacts when asked to, e.g. to look at a downloaded export.
        if std::env::var_os("E2E_KEEP_TEMP").is_none() {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Pick a currently free TCP port on the loopback interface.
///
/// The listener is dropped before the port is handed to a child process, so
/// another process could in theory grab it in between; the children fail
/// loudly if that ever happens, which beats hard-coding ports that collide
/// when browsers run in parallel.
pub fn free_port() -> Res<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("binding 127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Wait until something accepts TCP connections on `127.0.0.1:port`, failing
/// at once if `child` (the process expected to listen) has already exited,
/// since then no amount of waiting helps and its exit status is the news.
pub async fn wait_for_port(
    what: &str,
    port: u16,
    child: &mut tokio::process::Child,
    timeout: Duration,
) -> Res<()> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            bail!("{what} exited before listening on {addr}: {status}");
        }
        // A blocking connect is fine here: on loopback it is answered or
        // refused immediately (tokio's `net` feature is not enabled).
        if std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            bail!("timed out after {timeout:?} waiting for {what} to listen on {addr}");
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}
