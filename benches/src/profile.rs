//! Profiles (how long to measure) and the selection of cells, read from the environment.

use std::{env, time::Duration};

use anyhow::{Context, Result, bail};
use chanbench_schema::{Pacing, ProfileName, Workload};

/// How long and how carefully to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// Which profile (its name and process count live in `chanbench-schema`, shared with xtask).
    pub name: ProfileName,
    /// Criterion's warm-up per cell.
    pub warm_up: Duration,
    /// Criterion's measurement time per cell.
    pub measurement: Duration,
    /// Criterion's samples per cell (at least 10).
    pub samples: usize,
    /// Criterion's bootstrap resamples.
    pub resamples: usize,
    /// At most this many messages in a cell's cost run (cells may lower it: large payloads).
    pub cost_messages: u64,
    /// The wall time a cost run aims for; a pilot run sizes it (see [`Profile::cost_run_size`]).
    pub cost_target: Duration,
    /// The reduced matrix: every workload and implementation, fewer payloads and pauses.
    pub reduced: bool,
    /// Rounds of the interleaved zero-cost comparison.
    pub zero_cost_rounds: usize,
}

impl Profile {
    /// Every profile, fastest first.
    pub const ALL: [Profile; 4] = [
        Profile {
            name: ProfileName::Smoke,
            warm_up: Duration::from_millis(2),
            measurement: Duration::from_millis(10),
            samples: 10,
            resamples: 100,
            cost_messages: 2_000,
            cost_target: Duration::from_millis(20),
            reduced: true,
            zero_cost_rounds: 5,
        },
        Profile {
            name: ProfileName::Quick,
            warm_up: Duration::from_millis(10),
            measurement: Duration::from_millis(50),
            samples: 10,
            resamples: 1_000,
            cost_messages: 20_000,
            // Below the default's, which had to come down to 40 ms (below).
            cost_target: Duration::from_millis(30),
            reduced: false,
            zero_cost_rounds: 101,
        },
        Profile {
            name: ProfileName::Default,
            // 5 ms, not 10: from a fresh clone the run took 9 min 55 s and 10 min 6 s on 2 cores
            // (2026-12-06); 5 ms is still thousands of messages for all but the largest payloads,
            // and the figure of a process is its fastest sample, not its first.
            warm_up: Duration::from_millis(5),
            measurement: Duration::from_millis(60),
            samples: 10,
            resamples: 1_000,
            cost_messages: 50_000,
            // 40 ms, not 60: the default run came to 10 min 14 s from a fresh clone on 2 cores
            // (2026-12-06), over its budget; the cost runs of the first round are the part of it
            // that replicates nothing (the time is measured in every process). 30 ms changed
            // nothing measurable (the first process 75 s either way).
            cost_target: Duration::from_millis(40),
            reduced: false,
            zero_cost_rounds: 201,
        },
        Profile {
            name: ProfileName::Full,
            warm_up: Duration::from_secs(1),
            measurement: Duration::from_secs(3),
            samples: 50,
            resamples: 100_000,
            cost_messages: 1_000_000,
            cost_target: Duration::from_secs(2),
            reduced: false,
            zero_cost_rounds: 1001,
        },
    ];

    /// The profile named `name`.
    pub fn named(name: &str) -> Result<Profile> {
        let name: ProfileName = name.parse()?;
        Ok(Self::of(name))
    }

    /// The timings of `name`.
    pub fn of(name: ProfileName) -> Profile {
        Self::ALL
            .into_iter()
            .find(|p| p.name == name)
            .expect("every profile name has timings")
    }

    /// Processes per placement `cargo xtask bench` runs by default.
    pub fn processes(&self) -> u32 {
        self.name.processes()
    }

    /// `CHANBENCH_PROFILE`, or `default`.
    pub fn from_env() -> Result<Profile> {
        Self::named(
            env::var("CHANBENCH_PROFILE")
                .as_deref()
                .unwrap_or("default"),
        )
    }

    /// Messages for a cost run: enough to last about [`Profile::cost_target`] at the pace a pilot
    /// run of `pilot_messages` in `pilot` showed, within `[pilot_messages, limit]`, where `limit`
    /// is [`Profile::cost_messages`] lowered by the cell's own limit.
    pub fn cost_run_size(
        &self,
        pilot_messages: u64,
        pilot: Duration,
        cell_limit: Option<u64>,
    ) -> u64 {
        let limit = self.cost_messages.min(cell_limit.unwrap_or(u64::MAX));
        let per_message = pilot.as_secs_f64() / pilot_messages.max(1) as f64;
        let wanted = if per_message > 0.0 {
            (self.cost_target.as_secs_f64() / per_message).round() as u64
        } else {
            limit
        };
        wanted.clamp(pilot_messages.min(limit), limit)
    }

    /// Measurement time for a workload, by its [`Pacing`]. Bursts exclude their pauses from the
    /// measured interval, so criterion would run them for many times their measurement time in
    /// wall time; they get a tenth. Paced cells measure only latency while messages come 100 us
    /// to 1 ms apart, hundreds of times their measured time: they get [`PACED_MEASUREMENT`],
    /// which leaves criterion at its minimum of 55 messages; their cost run carries the
    /// percentiles.
    pub fn measurement_for(&self, workload: Workload) -> Duration {
        match workload.facts().pacing {
            Pacing::Saturated => self.measurement,
            Pacing::Bursts => self.measurement / 10,
            Pacing::Paced => PACED_MEASUREMENT,
            Pacing::Shared => self.measurement.max(SHARED_SAMPLE * self.samples as u32),
        }
    }

    /// Warm-up time for a workload: paced cells warm up for at most [`PACED_MEASUREMENT`].
    pub fn warm_up_for(&self, workload: Workload) -> Duration {
        match workload.facts().pacing {
            Pacing::Saturated | Pacing::Bursts | Pacing::Shared => self.warm_up,
            Pacing::Paced => PACED_MEASUREMENT.min(self.warm_up),
        }
    }
}

/// The least time each sample of a cell sharing its cores with busy hogs spans: with the default
/// profile's 60 ms over ten samples, each sample was about one scheduler slice, and a process's
/// loaded time was whichever slice it drew (0.3x to 1,094x its quiet time). The default profile
/// then measures 600 ms; the full profile's 3 s over 50 samples already does.
pub const SHARED_SAMPLE: Duration = Duration::from_millis(60);

/// Measured (not wall) time criterion spends on a cell whose messages are paced.
pub const PACED_MEASUREMENT: Duration = Duration::from_micros(500);

/// Which implementations a run measures, from `CHANBENCH_IMPL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// Unset: the default set, every implementation but those the registry lists as on request
    /// (`chanbench_registry::ON_REQUEST`), which the full profile measures too.
    Default,
    /// `all`: every implementation.
    All,
    /// These, by name.
    Named(Vec<String>),
}

impl Asked {
    /// `CHANBENCH_IMPL`, its names checked against `valid`.
    pub fn from_env(valid: &[&str]) -> Result<Self> {
        Self::parse(env::var("CHANBENCH_IMPL").ok().as_deref(), valid)
    }

    /// Parses a `CHANBENCH_IMPL` value: `all`, or names from `valid`.
    pub fn parse(value: Option<&str>, valid: &[&str]) -> Result<Self> {
        if value.is_some_and(|v| v.split(',').any(|name| name.trim() == ALL)) {
            return Ok(Asked::All);
        }
        let left_out = value
            .into_iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .find(|name| chanbench_registry::on_request(name) && !valid.contains(name));
        if let Some(name) = left_out {
            bail!(
                "CHANBENCH_IMPL: {name} is measured on request, and this build leaves the \
                 implementations on request out (built without the `catalog` feature of \
                 `benches`); `cargo xtask bench --impl {name}` builds them in"
            );
        }
        Ok(match parse_list("CHANBENCH_IMPL", value, valid)? {
            None => Asked::Default,
            Some(names) => Asked::Named(names),
        })
    }

    /// Whether `implementation` is measured in `profile`.
    pub fn includes(&self, implementation: &str, profile: ProfileName) -> bool {
        match self {
            Asked::Default => {
                profile == ProfileName::Full || !chanbench_registry::on_request(implementation)
            }
            Asked::All => true,
            Asked::Named(names) => names.iter().any(|n| n == implementation),
        }
    }
}

/// The name that asks for every implementation (`CHANBENCH_IMPL=all`, `--impl all`).
pub use chanbench_registry::ALL;

/// A comma-separated list from the environment variable `var`, each item checked against
/// `valid`; `None` when unset or empty (no filter).
pub fn list_from_env(var: &str, valid: &[&str]) -> Result<Option<Vec<String>>> {
    parse_list(var, env::var(var).ok().as_deref(), valid)
}

/// Parses `value`, the content of the variable `var` (named in errors), as in [`list_from_env`].
pub fn parse_list(var: &str, value: Option<&str>, valid: &[&str]) -> Result<Option<Vec<String>>> {
    let Some(value) = value else { return Ok(None) };
    let items: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if items.is_empty() {
        return Ok(None);
    }
    for item in &items {
        if !valid.contains(&item.as_str()) {
            bail!(
                "{var}: unknown name {item:?}; expected one of {}",
                valid.join(", ")
            );
        }
    }
    Ok(Some(items))
}

/// `CHANBENCH_OVERSUBSCRIBE`, which the thread-count sweep replaced: refused where set, so a
/// script that sets it learns what measures oversubscription now.
pub fn refuse_oversubscribe_env() -> Result<()> {
    refuse_oversubscribe(env::var("CHANBENCH_OVERSUBSCRIBE").ok().as_deref())
}

/// Refuses any value of `CHANBENCH_OVERSUBSCRIBE`.
pub fn refuse_oversubscribe(value: Option<&str>) -> Result<()> {
    match value {
        None => Ok(()),
        Some(v) => bail!(
            "CHANBENCH_OVERSUBSCRIBE={v} is gone: the thread-count sweep measures producers from 1 to \
             twice the cores and beyond, oversubscribed points marked (cargo xtask bench --workload \
             mpsc mpmc async-mpsc); unset it"
        ),
    }
}

/// A deliberate slowdown, for testing `cargo xtask compare` and `choose` only: the timed routine
/// of every cell of `implementation` spins, inside the timed region, for `percent` % of the time its work took,
/// so each of its cells is about that much slower whatever its scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Slowdown {
    /// The implementation id it applies to.
    pub implementation: String,
    /// How much slower, in percent of the measured time.
    pub percent: f64,
}

impl Slowdown {
    /// `CHANBENCH_SLOWDOWN=<implementation>:<percent>[,...]` (test only), checked against
    /// `valid` ids.
    pub fn from_env(valid: &[&str]) -> Result<Vec<Slowdown>> {
        Self::parse(env::var("CHANBENCH_SLOWDOWN").ok().as_deref(), valid)
    }

    /// Parses the value of `CHANBENCH_SLOWDOWN`, a comma-separated list of
    /// `<implementation>:<percent>`, each implementation at most once; unset or empty means none.
    pub fn parse(value: Option<&str>, valid: &[&str]) -> Result<Vec<Slowdown>> {
        let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(Vec::new());
        };
        let usage = || {
            format!(
                "CHANBENCH_SLOWDOWN: expected <implementation>:<percent>[,...] such as \
                 crossbeam:10 or crossbeam:50,flume:50, found {value:?}"
            )
        };
        let mut out: Vec<Slowdown> = Vec::new();
        for item in value.split(',').map(str::trim) {
            let (implementation, percent) = item.split_once(':').with_context(usage)?;
            let percent: f64 = percent.trim().parse().ok().with_context(usage)?;
            if !(percent.is_finite() && percent > 0.0 && percent <= 1000.0) {
                bail!("{}: the percentage must be in (0, 1000]", usage());
            }
            let implementation = implementation.trim();
            if !valid.contains(&implementation) {
                bail!(
                    "CHANBENCH_SLOWDOWN: unknown implementation {implementation:?}; expected one of {}",
                    valid.join(", ")
                );
            }
            if out.iter().any(|s| s.implementation == implementation) {
                bail!("{}: {implementation} is named twice", usage());
            }
            out.push(Slowdown {
                implementation: implementation.to_owned(),
                percent,
            });
        }
        Ok(out)
    }

    /// Spins for `percent` % of `work` and returns the whole time, `work` plus the spin.
    pub fn stretch(&self, work: Duration) -> Duration {
        let extra = work.mul_f64(self.percent / 100.0);
        let start = std::time::Instant::now();
        while start.elapsed() < extra {
            std::hint::spin_loop();
        }
        work + start.elapsed()
    }
}
