//! `cargo xtask report RUN RUN ...`: runs from different hosts on one page, under
//! `results/hosts/`. Per channel workload, runtime and placement, each host's winner and margin
//! side by side, and whether the hosts agree (the same reproducible winner everywhere), flip (two
//! reproducible winners differ) or cannot say; each host's fingerprint above.
//!
//! Runs are told apart by the host fingerprint (`environment.json`'s `host`), or, where a run
//! from before it was recorded has none, by CPU model and kernel. They are ranked on the cells
//! they all share (workload, implementation, parameters, placement): a cell one run has and
//! another lacks (a 16-core host's `mpsc` has more producers than a 2-core one's) is counted and
//! listed under its run, never silently dropped, and never mixed into a ranking.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result, bail};
use chanbench_schema::{Runtime, Workload};
use maud::{Markup, html};

use super::{model::View, scoreboard};
use crate::{
    environment::{Environment, host_differences},
    ranking::Ranking,
    results::{CellResult, Run},
    units::document,
};

/// A measured cell, as runs of different hosts share it.
type Key = (String, Workload, String, String);

fn key(placement: &str, c: &CellResult) -> Key {
    (
        placement.to_owned(),
        c.workload(),
        c.implementation().to_owned(),
        c.label().to_owned(),
    )
}

/// How a run's host is named on the page, and what tells it apart.
pub fn fingerprint(env: &Environment) -> String {
    let machine = format!(
        "{}, {} logical cores{}, {} kernel {}",
        env.cpu_model,
        env.logical_cores,
        if env.hypervisor { ", virtual" } else { "" },
        env.os,
        env.kernel
    );
    match &env.host {
        Some(h) => format!(
            "{machine}; {} family {} model {} stepping {}, microcode {}{}",
            h.vendor,
            h.family,
            h.model,
            h.stepping,
            h.microcode,
            if h.hypervisor_vendor.is_empty() {
                String::new()
            } else {
                format!(", hypervisor {}", h.hypervisor_vendor)
            }
        ),
        None => format!("{machine}; no host fingerprint (a run from before it was recorded)"),
    }
}

/// Whether two runs come from the same host: by fingerprint where both have one, else by CPU
/// model and kernel.
pub fn same_host(a: &Environment, b: &Environment) -> bool {
    match (&a.host, &b.host) {
        (Some(x), Some(y)) => {
            host_differences((Some(x), None), (Some(y), None)).is_empty() && a.kernel == b.kernel
        }
        _ => a.cpu_model == b.cpu_model && a.kernel == b.kernel,
    }
}

/// Whether the hosts' rankings of one row agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Agreement {
    /// Every host has a reproducible winner, the same one.
    Agree(String),
    /// Two hosts have different reproducible winners.
    Flip,
    /// Not every host's winner reproduces; those that do (`sure` of them) name `winner`.
    Unsure {
        /// The winner where it reproduces, if anywhere.
        winner: Option<String>,
        /// Hosts where it reproduces.
        sure: usize,
    },
}

/// One row: a workload on threads or a runtime flavour, on one placement, ranked per run.
pub struct Row {
    /// The workload.
    pub workload: Workload,
    /// The async workload's runtime flavour.
    pub runtime: Option<Runtime>,
    /// The placement's name.
    pub placement: String,
    /// Per run, in the order given.
    pub rankings: Vec<Option<Ranking>>,
}

impl Row {
    /// Whether the hosts agree.
    pub fn agreement(&self) -> Agreement {
        let sure: Vec<&str> = self
            .rankings
            .iter()
            .flatten()
            .filter(|r| r.reproducible())
            .filter_map(|r| r.winner.as_deref())
            .collect();
        match sure.first() {
            Some(first) if sure.iter().any(|w| w != first) => Agreement::Flip,
            Some(first) if sure.len() == self.rankings.len() => {
                Agreement::Agree((*first).to_owned())
            }
            first => Agreement::Unsure {
                winner: first.map(|w| (*w).to_owned()),
                sure: sure.len(),
            },
        }
    }
}

/// The runs side by side.
pub struct Hosts<'a> {
    /// The runs, in the order given.
    pub runs: &'a [Run],
    /// The rows, over the placements every run has.
    pub rows: Vec<Row>,
    /// Per run: its measured cells not shared by every other run.
    pub unshared: Vec<Vec<Key>>,
    /// Pairs of runs (by index) from the same host.
    pub same_host: Vec<(usize, usize)>,
}

impl<'a> Hosts<'a> {
    /// Compares `runs` (at least two) on the cells they share.
    pub fn of(runs: &'a [Run]) -> Result<Self> {
        if runs.len() < 2 {
            bail!("a side-by-side page needs two runs or more");
        }
        let measured = |run: &Run| -> BTreeSet<Key> {
            run.placements
                .iter()
                .flat_map(|p| {
                    p.cells
                        .iter()
                        .filter(|c| c.time_ns().is_some())
                        .map(|c| key(&p.placement, c))
                })
                .collect()
        };
        let sets: Vec<BTreeSet<Key>> = runs.iter().map(measured).collect();
        let shared: BTreeSet<Key> = sets.iter().skip(1).fold(sets[0].clone(), |acc, s| {
            acc.intersection(s).cloned().collect()
        });
        let unshared = sets
            .iter()
            .map(|s| s.difference(&shared).cloned().collect())
            .collect();
        // Each run reduced to the shared cells, on the placements they share in the first run's
        // order, and ranked as its scoreboard ranks it.
        let placements: Vec<&str> = runs[0]
            .placements
            .iter()
            .map(|p| p.placement.as_str())
            .filter(|name| shared.iter().any(|k| k.0 == *name))
            .collect();
        let boards: Vec<Vec<scoreboard::Row>> = runs
            .iter()
            .map(|run| {
                let reduced = Run {
                    dir: run.dir.clone(),
                    environment: run.environment.clone(),
                    placements: placements
                        .iter()
                        .filter_map(|name| run.placements.iter().find(|p| p.placement == *name))
                        .map(|p| {
                            let mut p = p.clone();
                            p.cells.retain(|c| shared.contains(&key(&p.placement, c)));
                            p
                        })
                        .collect(),
                    core_to_core: None,
                };
                scoreboard::rows(&View::new(&reduced))
            })
            .collect();
        let mut rows = Vec::new();
        for board_row in &boards[0] {
            let (workload, runtime) = (board_row.workload, board_row.runtime);
            for (i, placement) in placements.iter().enumerate() {
                let rankings: Vec<Option<Ranking>> = boards
                    .iter()
                    .map(|board| {
                        let row = board
                            .iter()
                            .find(|r| r.workload == workload && r.runtime == runtime)?;
                        row.rankings.get(i)?.clone()
                    })
                    .collect();
                if rankings.iter().any(Option::is_some) {
                    rows.push(Row {
                        workload,
                        runtime,
                        placement: (*placement).to_owned(),
                        rankings,
                    });
                }
            }
        }
        let mut same = Vec::new();
        for i in 0..runs.len() {
            for j in i + 1..runs.len() {
                if same_host(&runs[i].environment, &runs[j].environment) {
                    same.push((i, j));
                }
            }
        }
        Ok(Hosts {
            runs,
            rows,
            unshared,
            same_host: same,
        })
    }

    /// The page.
    pub fn page(&self) -> Markup {
        let names: Vec<&str> = self
            .runs
            .iter()
            .map(|r| r.environment.run.as_str())
            .collect();
        let title = format!("chanbench: {} side by side", names.join(", "));
        let count =
            |a: fn(&Agreement) -> bool| self.rows.iter().filter(|r| a(&r.agreement())).count();
        let agree = count(|a| matches!(a, Agreement::Agree(_)));
        let flip = count(|a| *a == Agreement::Flip);
        let unsure = count(|a| matches!(a, Agreement::Unsure { .. }));
        document(
            &title,
            html! {
                p.verdict {
                    strong { (agree) } " of " (self.rows.len()) " rankings agree on every host (the same reproducible winner), "
                    strong { (flip) } " flip (different reproducible winners), "
                    strong { (unsure) } " cannot say (a winner that does not reproduce on some host)."
                }
                @for (i, j) in &self.same_host {
                    p.warning { (names[*i]) " and " (names[*j]) " come from the same host: this page sets hosts side by side; " code { "cargo xtask compare" } " judges two runs of one host." }
                }
                h2 { "Hosts" }
                table {
                    tr { th { "run" } th { "host" } th { "profile, processes" } th { "revision" } th { "started" } }
                    @for run in self.runs {
                        @let env = &run.environment;
                        tr { th { (env.run) } td { (fingerprint(env)) } td { (env.profile) ", " (env.request.repeat) } td { (env.git_revision.as_deref().unwrap_or("unknown")) } td { (env.started) } }
                    }
                }
                h2 { "Winners side by side" }
                p.small { "Ranked on the cells every run measured. Each entry: the winner and its margin (the runner-up's time over the winner's), coloured by how sure; click it for the verdict in words." }
                table.scoreboard {
                    tr { th { "workload" } th { "on" } th { "placement" } @for n in &names { th { (n) } } th { "hosts" } }
                    @for row in &self.rows {
                        tr {
                            th { (row.workload) span.small { " per " (row.workload.facts().unit.name()) } }
                            td.small { (row.runtime.map_or("threads".to_owned(), |r| format!("tokio {r}"))) }
                            td { (row.placement) }
                            @for r in &row.rankings { (scoreboard::entry(r.as_ref())) }
                            @match row.agreement() {
                                Agreement::Agree(w) => td.score.sure { "agree: " (w) },
                                Agreement::Flip => td.score.unsure { strong { "flip" } },
                                Agreement::Unsure { winner: Some(w), sure } => td.score.none { (w) " where sure (" (sure) " of " (names.len()) ")" },
                                Agreement::Unsure { winner: None, .. } => td.score.none { "cannot say" },
                            }
                        }
                    }
                }
                h2 { "Not compared" }
                p { "Cells a run measured that another did not (another placement, another implementation, a shape that follows the machine's cores): counted here, left out of every ranking above." }
                ul {
                    @for (run, cells) in self.runs.iter().zip(&self.unshared) {
                        li {
                            strong { (run.environment.run) } ": " (cells.len()) " cell(s) not shared"
                            @if !cells.is_empty() {
                                details {
                                    summary { "list" }
                                    ul.small { @for (p, w, i, l) in cells { li { (p) " " (w) "/" (i) "/" (l) } } }
                                }
                            }
                        }
                    }
                }
            },
        )
    }
}

/// Where the page of `runs` goes: `results/hosts/<run>+<run>....html`.
pub fn path(results: &Path, runs: &[Run]) -> PathBuf {
    let names: Vec<&str> = runs.iter().map(|r| r.environment.run.as_str()).collect();
    results
        .join("hosts")
        .join(format!("{}.html", names.join("+")))
}

/// Writes the page of `runs` under `results`; returns its path.
pub fn write(results: &Path, runs: &[Run]) -> Result<PathBuf> {
    let page = Hosts::of(runs)?.page();
    let path = path(results, runs);
    let dir = path.parent().context("the page has a folder")?;
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    fs::write(&path, page.into_string()).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}
