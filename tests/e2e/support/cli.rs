//! The command-line tool (`crates/span-cli`) as a pipeline runs it, so that
//! scenarios can hold its output against the app's downloads.
//!
//! It runs the binary Cargo built for the workspace (`cargo test
//! --workspace` builds it, as does `cargo build -p span-cli`), or the one
//! `SPAN_CLI` names. A missing binary fails the test: a comparison that
//! cannot run is not a pass.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Output;

use super::{manifest_dir, Failure, Res};

/// Where the binary is.
fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("SPAN_CLI") {
        return path.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| manifest_dir().join("target"), PathBuf::from);
    target
        .join("debug")
        .join(format!("span-cli{}", std::env::consts::EXE_SUFFIX))
}

/// Runs `span-cli args…` to its end.
pub async fn run(args: &[&OsStr]) -> Res<Output> {
    let binary = binary();
    if !binary.exists() {
        return Err(Failure(format!(
            "{} is missing: build it with `cargo build -p span-cli` (or name it in SPAN_CLI)",
            binary.display()
        )));
    }
    tokio::process::Command::new(&binary)
        .args(args)
        .output()
        .await
        .map_err(|e| Failure(format!("running {}: {e}", binary.display())))
}
