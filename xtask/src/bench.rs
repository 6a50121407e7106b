//! `cargo xtask bench`: build the benchmark once, run the matrix once per placement as its own
//! process under `taskset`, and store the results with the machine's metadata.
//!
//! Per placement, the bench process writes its cost records and criterion's files under
//! `target/chanbench/runs/<run>/<placement>/`; this module then merges them into
//! `results/<run>/<placement>.json`. Each placement's criterion files are kept apart, so criterion
//! never compares one placement against another.

use std::{
    ffi::OsString,
    fs::{self, File},
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};

use crate::{
    criterion,
    environment::{self, now},
    placement::{self, Placement, core_list},
    results::{self, CellResult, PlacementResults, SCHEMA, write_atomic},
};

/// How long to measure; the bench's `CHANBENCH_PROFILE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Profile {
    /// Every workload and implementation, minimal time: seconds. For CI.
    Smoke,
    /// Short measurements of the full matrix.
    Quick,
    /// The full matrix, a few minutes per placement on 2 cores.
    Default,
    /// Long measurements.
    Full,
}

impl Profile {
    fn name(self) -> &'static str {
        match self {
            Profile::Smoke => "smoke",
            Profile::Quick => "quick",
            Profile::Default => "default",
            Profile::Full => "full",
        }
    }
}

/// `cargo xtask bench` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How long to measure.
    #[arg(long, value_enum, default_value_t = Profile::Default)]
    profile: Profile,
    /// Implementations to run, by id (default: all registered ones and the baselines).
    #[arg(long = "impl", value_name = "NAME", num_args = 1..)]
    impls: Vec<String>,
    /// Workloads to run (default: all).
    #[arg(long = "workload", value_name = "NAME", num_args = 1..)]
    workloads: Vec<String>,
    /// Placements to run (default: those this machine's cores allow).
    #[arg(long = "placement", value_enum, num_args = 1..)]
    placements: Vec<Placement>,
    /// The run's name, its folder under `results/` (default: the start time).
    #[arg(long)]
    name: Option<String>,
}

/// Runs `cargo xtask bench`.
pub fn run(root: &Path, args: Args) -> Result<()> {
    check_taskset()?;
    let allowed = placement::allowed_cores()?;
    let (placements, notes) = placement::choose(&args.placements, &allowed)?;
    for note in notes {
        eprintln!("note: {note}");
    }
    let run = match args.name {
        Some(name) => checked_run_name(name)?,
        None => now().replace(':', ""),
    };
    let dir = results::run_dir(root, &run);
    if dir.exists() {
        bail!("{} exists already; choose another --name", dir.display());
    }
    let profile = args.profile.name();
    let mut bench_env: Vec<(&str, OsString)> = vec![("CHANBENCH_PROFILE", profile.into())];
    if !args.impls.is_empty() {
        bench_env.push(("CHANBENCH_IMPL", args.impls.join(",").into()));
    }
    if !args.workloads.is_empty() {
        bench_env.push(("CHANBENCH_WORKLOAD", args.workloads.join(",").into()));
    }

    let exe = build(root)?;
    let work = root.join("target/chanbench/runs").join(&run);
    // Count each placement's cells first: this also lets the bench reject unknown names before
    // anything is measured.
    let mut plan = Vec::new();
    for (placement, cores) in placements {
        let cells = list_cells(&exe, &cores, &bench_env, &work.join(placement.name()))?;
        plan.push((placement, cores, cells));
    }
    let total: u64 = plan.iter().map(|(_, _, cells)| *cells).sum();

    let mut environment = environment::capture(root, &run, profile, &allowed)?;
    write_atomic(&dir.join("environment.json"), &environment)?;
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] {pos}/{len} cells, ETA {eta} {msg}",
        )
        .context("progress bar template")?
        .progress_chars("=> "),
    );
    for (placement, cores, _) in &plan {
        bar.set_message(format!(
            "({} on cores {})",
            placement.name(),
            core_list(cores)
        ));
        let out = work.join(placement.name());
        run_placement(&exe, cores, &bench_env, &out, *placement, &bar)?;
        let results = collect(&run, *placement, cores, profile, &out)?;
        write_atomic(&dir.join(format!("{}.json", placement.name())), &results)?;
    }
    bar.finish_with_message("done");
    environment.ended = Some(now());
    write_atomic(&dir.join("environment.json"), &environment)?;
    results::point_latest(root, &run)?;
    eprintln!("results in {} (results/latest)", dir.display());
    Ok(())
}

fn checked_run_name(name: String) -> Result<String> {
    let ok = !name.is_empty()
        && name != "latest"
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !ok {
        bail!(
            "--name {name:?}: expected letters, digits, '-', '_' or '.', not starting with '.', \
             and not `latest`"
        );
    }
    Ok(name)
}

fn check_taskset() -> Result<()> {
    match Command::new("taskset").arg("--version").output() {
        Ok(out) if out.status.success() => Ok(()),
        _ => bail!(
            "`taskset` was not found or does not run; it pins each placement to its cores (Debian: apt-get install util-linux)"
        ),
    }
}

/// Builds the benchmark once and returns its executable.
fn build(root: &Path) -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("building the benchmark (cargo bench --no-run) ...");
    let out = Command::new(cargo)
        .args(["bench", "-p", "benches", "--bench", "matrix", "--no-run"])
        .arg("--message-format=json-render-diagnostics")
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo to build the benchmark")?;
    if !out.status.success() {
        bail!("building the benchmark failed ({})", out.status);
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "matrix")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .context("cargo reported no executable for the `matrix` benchmark")
}

fn bench_command(
    exe: &Path,
    cores: &[usize],
    env: &[(&str, OsString)],
    out: &Path,
) -> Result<Command> {
    fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut cmd = Command::new("taskset");
    cmd.arg("-c").arg(core_list(cores)).arg(exe).arg("--bench");
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    cmd.env("CHANBENCH_COSTS", out.join("costs.jsonl"));
    cmd.env("CRITERION_HOME", out.join("criterion"));
    Ok(cmd)
}

fn list_cells(exe: &Path, cores: &[usize], env: &[(&str, OsString)], out: &Path) -> Result<u64> {
    let output = bench_command(exe, cores, env, out)?
        .arg("--list")
        .env("CHANBENCH_COSTS", out.join("list.jsonl"))
        .output()
        .context("running the benchmark with --list")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("the benchmark refused to start: {}", stderr.trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.ends_with(": benchmark"))
        .count() as u64)
}

fn run_placement(
    exe: &Path,
    cores: &[usize],
    env: &[(&str, OsString)],
    out: &Path,
    placement: Placement,
    bar: &ProgressBar,
) -> Result<()> {
    let log = out.join("criterion.log");
    let mut child = bench_command(exe, cores, env, out)?
        .stdout(File::create(&log).with_context(|| format!("creating {}", log.display()))?)
        .stderr(Stdio::piped())
        .spawn()
        .context("starting the benchmark")?;
    let stderr = child.stderr.take().context("the benchmark's stderr")?;
    let mut errors = Vec::new();
    // indicatif hides the bar when stderr is not a terminal (CI, a log file), and with it anything
    // printed through it, so print directly then.
    let say = |line: String| {
        if bar.is_hidden() {
            eprintln!("{line}")
        } else {
            bar.println(line)
        }
    };
    for line in BufReader::new(stderr).lines() {
        let line = line.context("reading the benchmark's output")?;
        if let Some(summary) = line.strip_prefix("  cost ") {
            bar.inc(1);
            let (done, total) = (bar.position(), bar.length().unwrap_or(0));
            say(format!("[{} {done}/{total}] {summary}", placement.name()));
        } else if line.starts_with("error") || line.contains("panicked") {
            say(format!("[{}] {line}", placement.name()));
            errors.push(line);
        } else if line.starts_with("zero-cost") || line.starts_with("chanbench:") {
            say(format!("[{}] {line}", placement.name()));
        }
    }
    let status = child.wait().context("waiting for the benchmark")?;
    if !status.success() {
        bail!(
            "the {} benchmark process failed ({status}): {}; criterion's output is in {}",
            placement.name(),
            errors.join("; "),
            log.display()
        );
    }
    Ok(())
}

/// Merges the bench's cost records with criterion's estimates for one placement.
fn collect(
    run: &str,
    placement: Placement,
    cores: &[usize],
    profile: &str,
    out: &Path,
) -> Result<PlacementResults> {
    let costs_path = out.join("costs.jsonl");
    let text = fs::read_to_string(&costs_path)
        .with_context(|| format!("cannot read {}", costs_path.display()))?;
    let mut estimates = criterion::read_all(&out.join("criterion"))?;
    let mut cells = Vec::new();
    let mut zero_cost = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let record: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a JSON record", costs_path.display(), n + 1))?;
        if record["record"] == "zero-cost-paired" {
            zero_cost.push(record);
            continue;
        }
        let field = |name: &str| {
            record[name].as_str().map(str::to_owned).with_context(|| {
                format!(
                    "{}:{}: field `{name}` missing or not a string",
                    costs_path.display(),
                    n + 1
                )
            })
        };
        let (workload, implementation, params) = (
            field("workload")?,
            field("implementation")?,
            field("params")?,
        );
        let measured =
            estimates.remove(&(workload.clone(), implementation.clone(), params.clone()));
        let missing = record["missing"]
            .as_array()
            .map(|m| {
                m.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let (estimates, samples) = measured.map_or((None, None), |(e, s)| (Some(e), Some(s)));
        cells.push(CellResult {
            workload,
            implementation,
            params,
            status: field("status")?,
            missing,
            estimates,
            samples,
            cost: (!record["cost"].is_null()).then(|| record["cost"].clone()),
        });
    }
    Ok(PlacementResults {
        schema: SCHEMA,
        run: run.to_owned(),
        placement: placement.name().to_owned(),
        cores: cores.to_vec(),
        profile: profile.to_owned(),
        cells,
        zero_cost,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_names_are_folder_names() {
        assert_eq!(
            checked_run_name("nightly-2026.11".into()).unwrap(),
            "nightly-2026.11"
        );
        for bad in ["", "latest", "../x", "a/b", ".hidden", "with space"] {
            assert!(checked_run_name(bad.into()).is_err(), "{bad:?} accepted");
        }
    }
}
