//! `cargo xtask choose`: one described job (producers, consumers, message, capacity, threads or
//! tasks on a runtime flavour), measured for every registered implementation that can run it on
//! the placements this machine allows, as a run of its own (`bench` does the measuring, under
//! its `choose` benchmark), with the answer written beside its report
//! (`report/choose.html`, `report/choose.md`) and printed.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chanbench_schema::{Capacity, Job, JobSize, ProfileName, Runtime, Storage};
use serde::Deserialize;

use crate::{
    bench::{self, JobRun},
    environment::now,
    outcome::Outcome,
    placement::Placement,
    report,
    results::Run,
};

/// Processes per placement by default: one job's cells are few (one per implementation), so
/// four times the matrix's five take seconds (about 15 on 2 cores for five implementations and
/// two placements), and the verdict's interval narrows with them.
const DEFAULT_PROCESSES: u32 = 20;

/// `cargo xtask choose` arguments: the job, by flags or a TOML file (flags win).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A TOML file describing the job: `producers`, `consumers`, `payload` (bytes or a size
    /// name), `heap`, `capacity` (a number, or "unbounded"), `runtime`. Flags override it.
    #[arg(long, value_name = "FILE")]
    job: Option<PathBuf>,
    /// Producer threads (tasks with --runtime) [default: 1].
    #[arg(long, value_name = "N")]
    producers: Option<usize>,
    /// Consumer threads (tasks) sharing one receiver [default: 1].
    #[arg(long, value_name = "N")]
    consumers: Option<usize>,
    /// The message's size: 8, 64, 256, 1024 (1KiB) or 4096 (4KiB) bytes; sizes are compiled in
    /// [default: 8, a u64].
    #[arg(long, value_name = "BYTES")]
    payload: Option<String>,
    /// The message keeps its bytes on the heap (a Box: one allocation per message, a pointer
    /// through the channel) rather than inline.
    #[arg(long)]
    heap: bool,
    /// The channel's capacity (0: a rendezvous) [default: unbounded].
    #[arg(long, value_name = "N", conflicts_with = "unbounded")]
    capacity: Option<usize>,
    /// An unbounded channel.
    #[arg(long)]
    unbounded: bool,
    /// Tasks on this tokio runtime flavour, measuring the async implementations (without it:
    /// threads and the sync implementations).
    #[arg(long, value_name = "FLAVOUR", value_parser = crate::cli::runtime())]
    runtime: Option<Runtime>,
    /// Implementations to consider, by id (default: every registered one of the job's kind).
    #[arg(long = "impl", value_name = "NAME", num_args = 1..,
          long_help = crate::cli::implementations("Implementations to consider, by id (default: \
          every registered one of the job's kind)."))]
    impls: Vec<String>,
    /// Placements to run (default: those this machine's cores allow).
    #[arg(long = "placement", value_enum, num_args = 1..)]
    placements: Vec<Placement>,
    /// How long to measure each cell: the bench's profiles, whose process counts `choose` does
    /// not take (see --repeat).
    #[arg(long, default_value = "default", value_parser = crate::cli::profile())]
    profile: ProfileName,
    /// Processes per placement, the unit of replication: a winner is named only when its margin
    /// reproduces over them.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PROCESSES,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    repeat: u32,
    /// The run's name under the results folder [default: choose-<start time>].
    #[arg(long)]
    name: Option<String>,
    /// Where runs are stored.
    #[arg(long, value_name = "DIR", default_value = "results")]
    results: PathBuf,
}

/// The job as a TOML file states it; every field optional, flags override.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct JobFile {
    producers: Option<usize>,
    consumers: Option<usize>,
    payload: Option<toml::Value>,
    heap: Option<bool>,
    capacity: Option<toml::Value>,
    runtime: Option<String>,
}

impl JobFile {
    fn read(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("{}: not a job", path.display()))
    }
}

/// A TOML value that is a number or a string, as text.
fn text_of(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::Integer(n) => Some(n.to_string()),
        toml::Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// The job the flags and the file describe, checked.
fn job_of(args: &Args) -> Result<Job> {
    let file = match &args.job {
        Some(path) => JobFile::read(path)?,
        None => JobFile::default(),
    };
    let payload = match (&args.payload, &file.payload) {
        (Some(p), _) => p.clone(),
        (None, Some(v)) => text_of(v).context("payload: a number of bytes or a size name")?,
        (None, None) => "8".to_owned(),
    };
    let size = JobSize::parse(&payload).map_err(|e| {
        anyhow::anyhow!(
            "--payload {payload:?}: payload sizes are compiled in; {e} (or their bytes: {})",
            JobSize::ALL
                .iter()
                .map(|s| s.bytes().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let capacity = if args.unbounded {
        Capacity::Unbounded
    } else if let Some(n) = args.capacity {
        Capacity::Bounded(n)
    } else {
        match file.capacity.as_ref() {
            None => Capacity::Unbounded,
            Some(toml::Value::String(s)) if s == "unbounded" => Capacity::Unbounded,
            Some(toml::Value::Integer(n)) if *n >= 0 => Capacity::Bounded(*n as usize),
            Some(other) => bail!("capacity = {other}: a number (0 or more) or \"unbounded\""),
        }
    };
    let runtime = match (args.runtime, &file.runtime) {
        (Some(r), _) => Some(r),
        (None, Some(name)) => Some(name.parse::<Runtime>()?),
        (None, None) => None,
    };
    let job = Job {
        producers: args.producers.or(file.producers).unwrap_or(1),
        consumers: args.consumers.or(file.consumers).unwrap_or(1),
        size,
        storage: if args.heap || file.heap.unwrap_or(false) {
            Storage::Heap
        } else {
            Storage::Inline
        },
        capacity,
        runtime,
    };
    job.check()?;
    Ok(job)
}

/// Runs `cargo xtask choose`.
pub fn run(root: &Path, args: Args) -> Result<Outcome> {
    let job = job_of(&args)?;
    eprintln!("the job: {job}");
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| format!("choose-{}", now().replace(':', "")));
    let outcome = bench::run_job(
        root,
        JobRun {
            job,
            impls: args.impls.clone(),
            placements: args.placements.clone(),
            profile: args.profile,
            repeat: Some(args.repeat),
            name: name.clone(),
            results: args.results.clone(),
        },
    )?;
    if outcome != Outcome::Done {
        return Ok(outcome);
    }
    let run = Run::load(&root.join(&args.results), &name)?;
    let answer = report::choose::Answer::of(&run).context("the run has no job")?;
    println!("{}", answer.markdown());
    eprintln!(
        "answer: {} (Markdown beside it: choose.md)",
        run.dir.join("report").join(report::choose::PAGE).display()
    );
    Ok(Outcome::Done)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn job(line: &[&str]) -> Result<Job> {
        let cli = Cli::try_parse_from(std::iter::once("choose").chain(line.iter().copied()))?;
        job_of(&cli.args)
    }

    #[test]
    fn flags_describe_the_job() {
        let j = job(&["--producers", "4", "--payload", "256", "--capacity", "100"]).unwrap();
        assert_eq!(
            j.to_string(),
            "4 producers, 1 consumer, 256-byte messages (inline), bounded at 100, threads"
        );
        let j = job(&["--payload", "4KiB", "--heap", "--runtime", "multi-thread"]).unwrap();
        assert_eq!(j.size, JobSize::K4);
        assert_eq!(j.storage, Storage::Heap);
        assert_eq!(j.capacity, Capacity::Unbounded);
        assert_eq!(j.runtime, Some(Runtime::MultiThread));
    }

    #[test]
    fn a_file_describes_the_job_and_flags_override_it() {
        let dir = std::env::temp_dir().join(format!("chanbench-job-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("job.toml");
        std::fs::write(
            &path,
            "producers = 8\nconsumers = 2\npayload = \"1KiB\"\ncapacity = 64\nruntime = \"current-thread\"\n",
        )
        .unwrap();
        let file = path.to_str().unwrap();
        let j = job(&["--job", file]).unwrap();
        assert_eq!((j.producers, j.consumers), (8, 2));
        assert_eq!(j.size, JobSize::K1);
        assert_eq!(j.capacity, Capacity::Bounded(64));
        assert_eq!(j.runtime, Some(Runtime::CurrentThread));
        let j = job(&["--job", file, "--producers", "3", "--unbounded"]).unwrap();
        assert_eq!(j.producers, 3);
        assert_eq!(j.capacity, Capacity::Unbounded);
        std::fs::write(&path, "producer = 8\n").unwrap();
        let err = format!("{:#}", job(&["--job", file]).unwrap_err());
        assert!(err.contains("producer"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_jobs_are_refused_with_the_reason() {
        let err = format!("{:#}", job(&["--payload", "300"]).unwrap_err());
        assert!(err.contains("compiled in") && err.contains("4096"), "{err}");
        let err = format!("{:#}", job(&["--consumers", "0"]).unwrap_err());
        assert!(err.contains("at least one consumer"), "{err}");
        assert!(job(&["--runtime", "fibers"]).is_err());
        assert!(job(&["--capacity", "4", "--unbounded"]).is_err());
    }
}
