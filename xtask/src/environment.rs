//! The machine and build a run was made on, stored beside its results.

use std::{collections::BTreeSet, fs, path::Path, process::Command};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// What a run was measured on. Times are RFC 3339, UTC.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Environment {
    /// Version of this record.
    pub schema: u32,
    /// The run id.
    pub run: String,
    /// The profile.
    pub profile: String,
    /// `model name` from `/proc/cpuinfo`.
    pub cpu_model: String,
    /// Logical CPUs the machine has.
    pub logical_cores: usize,
    /// Distinct (package, core) pairs: physical cores.
    pub physical_cores: usize,
    /// The cores this run was allowed to use.
    pub allowed_cores: Vec<usize>,
    /// Whether the CPU reports running under a hypervisor.
    pub hypervisor: bool,
    /// `/proc/sys/kernel/osrelease`.
    pub kernel: String,
    /// `PRETTY_NAME` from `/etc/os-release`.
    pub os: String,
    /// `rustc --version`.
    pub rustc: String,
    /// Every registered implementation with the exact library version it wraps.
    pub libraries: Vec<LibraryVersion>,
    /// `git rev-parse HEAD`, if this is a git checkout.
    pub git_revision: Option<String>,
    /// Whether the work tree had uncommitted changes outside `results/`.
    pub git_dirty: Option<bool>,
    /// The 1, 5 and 15 minute load averages before the run.
    pub load_average_before: Vec<f64>,
    /// When the run started.
    pub started: String,
    /// When it ended; `None` while it runs or if it was interrupted.
    pub ended: Option<String>,
    /// Whether the run was interrupted (Ctrl-C); `cargo xtask bench --resume <run>` finishes it.
    pub interrupted: bool,
    /// What was asked for, so `--resume` runs the same matrix.
    pub request: Request,
    /// Test-only knobs that were set (`CHANBENCH_SLOWDOWN=crossbeam:10`): such a run is slowed on
    /// purpose, and comparisons say so.
    #[serde(default)]
    pub test_knobs: Vec<String>,
}

/// The selection a run was started with.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Request {
    /// Implementation ids (empty: all).
    pub impls: Vec<String>,
    /// Workloads (empty: all).
    pub workloads: Vec<String>,
    /// The placements, by name, in order.
    pub placements: Vec<String>,
    /// Processes per cell and placement (`--repeat`), run in interleaved rounds.
    #[serde(default = "one")]
    pub repeat: u32,
}

fn one() -> u32 {
    1
}

/// The test-only knobs the bench reads, by variable name.
pub const TEST_KNOBS: [&str; 1] = ["CHANBENCH_SLOWDOWN"];

/// An implementation and the library version it wraps.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LibraryVersion {
    /// The implementation id.
    pub implementation: String,
    /// The library's crate name (`std` for the standard library).
    pub library: String,
    /// Its exact version.
    pub version: String,
}

fn read(path: &str) -> String {
    fs::read_to_string(path).unwrap_or_default()
}

fn command(program: &str, args: &[&str], dir: &Path) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Reads the environment now.
pub fn capture(
    root: &Path,
    run: &str,
    profile: &str,
    allowed_cores: &[usize],
    request: Request,
) -> Result<Environment> {
    let cpuinfo = read("/proc/cpuinfo");
    let field = |line: &str, name: &str| {
        line.split_once(':')
            .filter(|(k, _)| k.trim() == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    let cpu_model = cpuinfo
        .lines()
        .find_map(|l| field(l, "model name"))
        .unwrap_or_default();
    let logical_cores = cpuinfo
        .lines()
        .filter(|l| field(l, "processor").is_some())
        .count();
    let mut physical = BTreeSet::new();
    let mut package = String::new();
    for line in cpuinfo.lines() {
        if let Some(id) = field(line, "physical id") {
            package = id;
        } else if let Some(core) = field(line, "core id") {
            physical.insert((package.clone(), core));
        }
    }
    let hypervisor = cpuinfo
        .lines()
        .filter_map(|l| field(l, "flags"))
        .any(|flags| flags.split_whitespace().any(|f| f == "hypervisor"));
    let os = read("/etc/os-release")
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim_matches('"').to_owned())
        .unwrap_or_default();
    let load_average_before = read("/proc/loadavg")
        .split_whitespace()
        .take(3)
        .filter_map(|v| v.parse().ok())
        .collect();
    let rustc = command("rustc", &["--version"], root).context("running `rustc --version`")?;
    let git_revision = command("git", &["rev-parse", "HEAD"], root);
    // Stored results are not code: a tree whose only changes are under results/ measured its
    // revision exactly.
    let git_dirty = command(
        "git",
        &["status", "--porcelain", "--", ".", ":(exclude)results"],
        root,
    )
    .map(|s| !s.is_empty());
    let libraries = chanbench_registry::implementations()
        .into_iter()
        .map(|info| LibraryVersion {
            implementation: info.id.to_owned(),
            library: info.library.name.to_owned(),
            version: info.library.version.to_owned(),
        })
        .collect();
    Ok(Environment {
        schema: crate::results::SCHEMA,
        run: run.to_owned(),
        profile: profile.to_owned(),
        cpu_model,
        logical_cores,
        physical_cores: physical.len().max(usize::from(logical_cores > 0)),
        allowed_cores: allowed_cores.to_vec(),
        hypervisor,
        kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
        os,
        rustc,
        libraries,
        git_revision,
        git_dirty,
        load_average_before,
        started: now(),
        ended: None,
        interrupted: false,
        request,
        test_knobs: TEST_KNOBS
            .iter()
            .filter_map(|k| {
                let v = std::env::var(k).ok().filter(|v| !v.trim().is_empty())?;
                Some(format!("{k}={v}"))
            })
            .collect(),
    })
}

/// The time now, RFC 3339 in UTC, to the second.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}
