//! Running cargo from xtask: which cargo, and the executable a build made.

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use anyhow::{Context, Result, bail};

/// `$CARGO`, or `cargo`.
pub fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs a cargo build `cmd` in `dir` and returns the executable of the target `name` with the
/// profile cargo built it with, from cargo's JSON messages.
pub fn executable(
    cmd: &mut Command,
    dir: &Path,
    name: &str,
) -> Result<(PathBuf, serde_json::Value)> {
    /// The part of cargo's `compiler-artifact` message read here (cargo's JSON output, not ours).
    #[derive(serde::Deserialize)]
    struct Artifact {
        reason: String,
        target: Target,
        executable: Option<PathBuf>,
        /// Cargo's profile of the artifact, stored as cargo states it.
        profile: serde_json::Value,
    }
    #[derive(serde::Deserialize)]
    struct Target {
        name: String,
    }
    let out = cmd
        .arg("--message-format=json-render-diagnostics")
        .current_dir(dir)
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo")?;
    if !out.status.success() {
        bail!("cargo failed ({}) in {}", out.status, dir.display());
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Artifact>(line).ok())
        .filter(|m| m.reason == "compiler-artifact" && m.target.name == name)
        .find_map(|m| Some((m.executable?, m.profile)))
        .with_context(|| format!("cargo reported no executable for `{name}`"))
}
