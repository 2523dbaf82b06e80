//! Serves the Trunk-built app (`dist/`) over HTTP on a free loopback port.
//!
//! We reuse Python's stock `http.server` rather than writing a server: the
//! tests should exercise the app as any static host would serve it, and a
//! hand-rolled server would be one more thing that could be subtly wrong
//! (MIME types for `.wasm`, partial writes, ...).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

use super::{free_port, manifest_dir, wait_for_port, Context, Res};
use crate::bail;

/// The directory holding the built app: `$DIST_DIR`, else `<crate>/dist`.
///
/// Fails (rather than skipping) when there is no `index.html`, because a
/// browser test that did not run must not count as a pass.
pub fn dist_dir() -> Res<PathBuf> {
    let dir = match std::env::var_os("DIST_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => manifest_dir().join("dist"),
    };
    if !dir.join("index.html").is_file() {
        bail!(
            "no built app at {}: run `trunk build --release` first \
             (or point DIST_DIR at a directory containing index.html)",
            dir.join("index.html").display()
        );
    }
    Ok(dir)
}

/// A running `python3 -m http.server`, killed when dropped.
pub struct StaticServer {
    child: Child,
    port: u16,
    /// Once stopped: a socket bound to the port and not listening, so that
    /// no other process can take the port and connecting to it is refused
    /// at once, as with a host that is gone.
    _held: Option<tokio::net::TcpSocket>,
}

impl StaticServer {
    /// Serve `root` on a fresh port and wait until it accepts connections.
    pub async fn start(root: &Path) -> Res<Self> {
        let port = free_port()?;
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let mut child = Command::new(&python)
            .args(["-m", "http.server", "--bind", "127.0.0.1", "--directory"])
            .arg(root)
            .arg(port.to_string())
            // Its per-request log lines would only clutter test output.
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context(format!(
                "starting `{python} -m http.server` (is Python 3 installed?)"
            ))?;
        wait_for_port(
            "python3 -m http.server",
            port,
            &mut child,
            Duration::from_secs(15),
        )
        .await?;
        Ok(Self {
            child,
            port,
            _held: None,
        })
    }

    /// Stops serving: the server process is gone, and the port stays
    /// reserved and refuses connections, so the page has no network to
    /// reach the app's host. This is truer than a browser's offline
    /// emulation, which differs between browsers and WebDriver servers.
    pub async fn stop(&mut self) -> Res<()> {
        self.child
            .kill()
            .await
            .context("stopping the HTTP server")?;
        let socket = tokio::net::TcpSocket::new_v4().context("making a socket")?;
        // The closed server's connections linger in TIME_WAIT on the port.
        socket.set_reuseaddr(true)?;
        socket
            .bind(SocketAddr::from(([127, 0, 0, 1], self.port)))
            .context(format!(
                "holding port {} after the server stopped",
                self.port
            ))?;
        self._held = Some(socket);
        Ok(())
    }

    /// The URL of the served directory's root, with a trailing slash.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        // `kill_on_drop` only sends the signal; this also reaps the process
        // when it already died, so no zombie outlives the test.
        let _ = self.child.start_kill();
        let _ = self.child.try_wait();
    }
}
