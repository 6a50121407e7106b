//! What `ab` and `versions` share: their common options, the stored comparison, and the
//! measurement itself (the arms built, the knob calibrated, the runner run per placement in
//! interleaved processes under a watchdog).

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use anyhow::{Context, Result, bail};
use chanbench_schema::{PairedRecord, Record, Workload, protocol::Line};
use serde::{Deserialize, Serialize};

use super::judge::Rules;
use crate::{
    bench,
    environment::{self, Build, Host},
    placement::{self, Placement, core_list},
    variant::{
        self, Variant,
        build::{build_runner, conformance},
        workspace::{self, ArmBuild},
    },
};

/// What every paired comparison takes (`ab`, `versions`).
#[derive(Debug, clap::Args)]
pub struct Common {
    /// Workloads to compare (default: all).
    #[arg(long = "workload", value_name = "NAME", num_args = 1.., value_parser = crate::cli::workload())]
    pub(super) workloads: Vec<Workload>,
    /// Placements (default: those this machine's cores allow).
    #[arg(long = "placement", value_enum, num_args = 1..)]
    pub(super) placements: Vec<Placement>,
    /// Processes per placement, taking turns with the other placements: the unit of the test.
    /// Fifteen let a rank test see a 5% change across cores on a 2-core VM where five could
    /// not (see `judge`). At least 4: with 3 a side, no rank test can reach p < 0.05.
    #[arg(long, value_name = "N", default_value_t = 15, value_parser = clap::value_parser!(u32).range(4..=100))]
    pub(super) processes: u32,
    /// Rounds per cell and process, each running every arm once.
    #[arg(long, value_name = "N", default_value_t = 12, value_parser = clap::value_parser!(u32).range(2..=1000))]
    pub(super) rounds: u32,
    /// The wall time of one arm's run, microseconds.
    #[arg(long, value_name = "US", default_value_t = 3000)]
    pub(super) run_us: u64,
    /// The smallest change, percent, that counts.
    #[arg(long, value_name = "PCT", default_value_t = 2.0)]
    pub(super) threshold: f64,
    /// The significance level of the test on processes.
    #[arg(long, default_value_t = 0.05)]
    pub(super) alpha: f64,
    /// Where comparisons are stored: `<DIR>/ab/<name>/`.
    #[arg(long, value_name = "DIR", default_value = "results")]
    pub(super) results: PathBuf,
    /// The comparison's name (default: its arms and the time).
    #[arg(long)]
    pub(super) name: Option<String>,
}

impl Common {
    pub(super) fn rules(&self) -> Result<Rules> {
        if !(self.threshold >= 0.0 && self.threshold.is_finite()) {
            bail!("--threshold must be a percentage of 0 or more");
        }
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            bail!("--alpha must be between 0 and 1");
        }
        Ok(Rules {
            threshold: self.threshold,
            alpha: self.alpha,
        })
    }
}

/// An arm as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArmInfo {
    /// Its name.
    pub name: String,
    /// The implementation it builds.
    pub implementation: String,
    /// Its library and version.
    pub library: String,
    /// The version built.
    pub version: String,
    /// Where the library came from: `registered`, `crates.io` or the path.
    pub source: String,
}

/// A stored comparison: `<results>/ab/<name>/ab.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Comparison {
    /// `chanbench_schema::SCHEMA`.
    pub schema: u32,
    /// Its name.
    pub name: String,
    /// A, A', B.
    pub arms: Vec<ArmInfo>,
    /// The work knob's percentage, if B is A with extra work.
    pub work_knob: Option<f64>,
    /// When it started and ended.
    pub started: String,
    /// When it ended.
    pub ended: String,
    /// The machine.
    pub host: Host,
    /// The build's flags.
    pub build: Build,
    /// Processes per placement.
    pub processes: u32,
    /// Rounds per cell and process.
    pub rounds: u32,
    /// Every placement's records, one per cell and process.
    pub placements: Vec<PlacementRecords>,
}

/// One placement's records.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlacementRecords {
    /// Its name.
    pub placement: String,
    /// Its cores.
    pub cores: Vec<usize>,
    /// One record per cell and process.
    pub records: Vec<PairedRecord>,
}

impl PlacementRecords {
    /// The records grouped by cell (its id), one per process: what a verdict is judged on.
    pub fn by_cell(&self) -> std::collections::BTreeMap<String, Vec<&PairedRecord>> {
        let mut cells: std::collections::BTreeMap<String, Vec<&PairedRecord>> =
            std::collections::BTreeMap::new();
        for r in &self.records {
            cells.entry(r.key.id()).or_default().push(r);
        }
        cells
    }
}

/// `target/chanbench/ab`, where sources are fetched and the arms built.
pub(super) fn scratch(root: &Path) -> Result<PathBuf> {
    let scratch = root.join("target/chanbench/ab");
    fs::create_dir_all(&scratch).with_context(|| format!("creating {}", scratch.display()))?;
    Ok(scratch)
}

/// A and its control A', a second compiled copy of A's library, with their sources resolved.
pub(super) fn baseline_arms(a: &Variant, scratch: &Path) -> Result<Vec<ArmBuild>> {
    // The registered build's library comes from the registry: its copy is that version fetched;
    // any other build's copy is its own source again.
    let copy = match a.source {
        variant::Source::Registered => Variant::copy_of(&a.info),
        _ => a.clone(),
    };
    let a_source = variant::resolve(a, scratch)?;
    let copy_source = match &a_source {
        Some(dir) => dir.clone(),
        // The standard library is not compiled again; the copy is the adapter alone.
        None if a.info.library.name == "std" => PathBuf::new(),
        None => variant::resolve(&copy, scratch)?.context("a copy has a source")?,
    };
    Ok(vec![
        ArmBuild {
            name: a.name(),
            variant: a.clone(),
            source: a_source,
            knob: false,
        },
        ArmBuild {
            name: format!("{} (copy)", a.name()),
            variant: copy,
            source: Some(copy_source),
            knob: false,
        },
    ])
}

/// Builds `arms` into one runner, checks them with the conformance suite, and runs it on every
/// placement in `common.processes` interleaved processes (after calibrating the knob, if any).
pub(super) fn measure(
    root: &Path,
    common: &Common,
    arms: Vec<ArmBuild>,
    work_knob: Option<f64>,
) -> Result<Comparison> {
    bench::check_taskset()?;
    let allowed = placement::allowed_cores()?;
    let topology = crate::topology::Topology::system();
    let (placements, notes) = placement::choose(&common.placements, &allowed, topology.as_ref())?;
    for note in notes {
        eprintln!("note: {note}");
    }
    let scratch = scratch(root)?;
    let arm_infos: Vec<ArmInfo> = arms.iter().map(arm_info).collect();
    for info in &arm_infos {
        eprintln!(
            "arm {}: {} {} ({})",
            info.name, info.library, info.version, info.source
        );
    }

    let ws = scratch.join("ws");
    let package = workspace::generate(root, &ws, &arms, workspace::Runner::Paired)?;
    let (exe, profile) = build_runner(&ws, &scratch.join("target"), package)?;
    conformance(&exe)?;

    let name = comparison_name(common, &arms);
    let started = environment::now();
    let mut stored: Vec<PlacementRecords> = placements
        .iter()
        .map(|(p, cores)| PlacementRecords {
            placement: p.name().to_owned(),
            cores: cores.clone(),
            records: Vec::new(),
        })
        .collect();
    let seed = fastrand::u64(..);
    let env_common = |cmd: &mut Command| {
        cmd.env("CHANBENCH_AB_ROUNDS", common.rounds.to_string())
            .env("CHANBENCH_AB_RUN_US", common.run_us.to_string());
        if let Some(p) = work_knob {
            cmd.env("CHANBENCH_AB_KNOB", p.to_string());
        }
        if !common.workloads.is_empty() {
            let names: Vec<&str> = common.workloads.iter().map(|w| w.name()).collect();
            cmd.env("CHANBENCH_WORKLOAD", names.join(","));
        }
    };
    let knob_files = calibrate_knob(&placements, work_knob, &exe, seed, &scratch, &env_common)?;
    for process in 1..=common.processes {
        for (index, ((placement, cores), store)) in placements.iter().zip(&mut stored).enumerate() {
            eprintln!(
                "{} on cores {}, process {process} of {}:",
                placement.name(),
                core_list(cores),
                common.processes
            );
            let mut cmd = Command::new("taskset");
            env_common(&mut cmd);
            if let Some(file) = &knob_files[index] {
                cmd.env("CHANBENCH_AB_KNOB_UNITS", file);
            }
            cmd.arg("-c")
                .arg(core_list(cores))
                .arg(&exe)
                .env(
                    "CHANBENCH_SEED",
                    seed.wrapping_add(u64::from(process) << 8)
                        .wrapping_add(index as u64)
                        .to_string(),
                )
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let (status, stdout) = run_watched(cmd, placement.name())?;
            if !status.success() {
                bail!(
                    "the paired runner failed on {} ({status})",
                    placement.name()
                );
            }
            for (n, line) in stdout.lines().enumerate() {
                let what = format!("the paired runner's line {}", n + 1);
                match Record::parse(line, &what)? {
                    Record::Paired(r) => store.records.push(r),
                    _ => bail!("{what}: not a paired record"),
                }
            }
        }
    }
    if stored.iter().all(|p| p.records.is_empty()) {
        bail!(
            "the arms share no cell{}: each can run different configurations (capabilities, \
             capacities), and only the ones every arm runs are compared",
            if common.workloads.is_empty() {
                String::new()
            } else {
                " of the workloads asked for".to_owned()
            }
        );
    }
    let comparison = Comparison {
        schema: chanbench_schema::SCHEMA,
        name: name.clone(),
        arms: arm_infos,
        work_knob,
        started,
        ended: environment::now(),
        host: environment::host(),
        build: environment::build(root, profile)?,
        processes: common.processes,
        rounds: common.rounds,
        placements: stored,
    };
    Ok(comparison)
}

/// How an arm is described in the stored comparison.
fn arm_info(arm: &ArmBuild) -> ArmInfo {
    ArmInfo {
        name: arm.name.clone(),
        implementation: arm.variant.info.id.to_owned(),
        library: arm.variant.info.library.name.to_owned(),
        version: arm.variant.library_version(arm.source.as_deref()),
        source: match (&arm.variant.source, arm.knob) {
            (_, true) => "A with extra work".to_owned(),
            _ if arm.variant.info.library.name == "std" => {
                "the standard library (the adapter compiled again)".to_owned()
            }
            (variant::Source::Registered, _) if arm.source.is_none() => "registered".to_owned(),
            (variant::Source::Path(p), _) => p.display().to_string(),
            (variant::Source::Revision { repo, rev }, _) => {
                format!("{} at {rev}", repo.display())
            }
            _ => "crates.io".to_owned(),
        },
    }
}

/// The comparison's name: `--name`, or the arms (the control left out) and the start time.
fn comparison_name(common: &Common, arms: &[ArmBuild]) -> String {
    match &common.name {
        Some(n) => n.clone(),
        None => format!(
            "{}-{}",
            arms.iter()
                .enumerate()
                .filter(|(k, _)| *k != 1)
                .map(|(_, a)| a.name.as_str())
                .collect::<Vec<_>>()
                .join("-vs-"),
            environment::now().replace(':', "")
        )
        .replace(['/', ' ', '(', ')', '%', '+'], "_"),
    }
}

/// With `--work-knob`, calibrates the knob's extra work once per cell and placement, in one
/// process each, and returns the file every measuring process reads it from (none without it).
fn calibrate_knob(
    placements: &[(Placement, Vec<usize>)],
    work_knob: Option<f64>,
    exe: &Path,
    seed: u64,
    scratch: &Path,
    env_common: &dyn Fn(&mut Command),
) -> Result<Vec<Option<PathBuf>>> {
    // The knob's extra work is calibrated once per cell and placement, and every process uses
    // it: calibrated in each process, the knob itself would differ between them.
    let mut knob_files = Vec::new();
    for (placement, cores) in placements {
        if work_knob.is_none() {
            knob_files.push(None);
            continue;
        }
        eprintln!(
            "{} on cores {}: calibrating the work knob:",
            placement.name(),
            core_list(cores)
        );
        let mut cmd = Command::new("taskset");
        cmd.arg("-c")
            .arg(core_list(cores))
            .arg(exe)
            .arg("--calibrate-knob");
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.env("CHANBENCH_SEED", seed.to_string());
        env_common(&mut cmd);
        let (status, stdout) = run_watched(cmd, placement.name())?;
        if !status.success() {
            bail!(
                "calibrating the work knob failed on {} ({status})",
                placement.name()
            );
        }
        let file = scratch.join(format!("knob-{}.jsonl", placement.name()));
        fs::write(&file, stdout).with_context(|| format!("writing {}", file.display()))?;
        knob_files.push(Some(file));
    }
    Ok(knob_files)
}

/// A cell of the paired runner may go this long without finishing before the runner is killed:
/// a variant that passes the conformance suite can still deadlock under a workload's load.
/// `CHANBENCH_AB_CELL_TIMEOUT_MS` overrides it (for the test of the watchdog).
pub(super) fn cell_timeout() -> std::time::Duration {
    std::env::var("CHANBENCH_AB_CELL_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .map_or(
            std::time::Duration::from_secs(300),
            std::time::Duration::from_millis,
        )
}

/// Runs the paired runner, printing its progress (one line per cell, from the protocol) and
/// returning its exit status and stdout (the records). A cell that makes no progress within
/// [`cell_timeout`] kills the runner and fails the comparison, naming the cell.
pub(super) fn run_watched(
    mut cmd: Command,
    placement: &str,
) -> Result<(std::process::ExitStatus, String)> {
    use std::{
        io::{BufRead, BufReader, Read},
        sync::mpsc,
        time::Instant,
    };
    let mut child = cmd.spawn().context("running the paired runner")?;
    let mut stdout = child.stdout.take().context("the runner's stdout")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let stderr = child.stderr.take().context("the runner's stderr")?;
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut done = 0;
    let mut current: Option<String> = None;
    let timeout = cell_timeout();
    let mut deadline = Instant::now() + timeout;
    loop {
        let received = lines.recv_timeout(std::time::Duration::from_millis(200));
        // A line that comes after the deadline is too late as well.
        if current.is_some() && Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "[{placement}] {} made no progress in {:?}; the runner was killed",
                current.as_deref().unwrap_or("a cell"),
                timeout
            );
        }
        let line = match received {
            Ok(line) => line,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
        };
        match Line::parse(&line) {
            Line::Start(key) => {
                current = Some(key.id());
                deadline = Instant::now() + timeout;
            }
            Line::Finished { id, summary } => {
                done += 1;
                current = None;
                eprintln!("[{placement} {done}] {id}: {summary}");
            }
            Line::Note(note) => eprintln!("[{placement}] {note}"),
            // The paired runner measures its own arms; a plan is for `bench --list`.
            Line::Plan(_) => {}
            Line::Error(e) => eprintln!("[{placement}] error: {e}"),
            Line::Other(other) => eprintln!("[{placement}] {other}"),
        }
    }
    let status = child.wait().context("waiting for the paired runner")?;
    let text = reader
        .join()
        .map_err(|_| anyhow::anyhow!("reading the runner's output"))?
        .context("reading the runner's output")?;
    Ok((status, text))
}
