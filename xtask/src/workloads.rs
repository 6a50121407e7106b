//! `cargo xtask workloads [--json]`: the workload table (`chanbench_schema::workload`), for
//! people and for scripts (CI reads the workload names and latency kinds from it).

use anyhow::{Context, Result};
use chanbench_schema::{FloorRule, Kind, Latency, Pacing, Workload};
use serde::Serialize;

/// `cargo xtask workloads` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON (one object per workload) instead of a table.
    #[arg(long)]
    json: bool,
}

/// One row, as printed.
#[derive(Debug, Serialize)]
struct Row {
    name: &'static str,
    kind: Kind,
    unit: &'static str,
    floor: Option<&'static str>,
    latency: Latency,
    pacing: Pacing,
    /// Its cells run on a tokio runtime (their parameters name the flavour).
    r#async: bool,
    /// The sync workload doing the same job, for an async one.
    sync_twin: Option<&'static str>,
    summary: &'static str,
}

/// Runs `cargo xtask workloads`.
pub fn run(args: Args) -> Result<()> {
    let rows: Vec<Row> = Workload::ALL
        .into_iter()
        .map(|w| {
            let f = w.facts();
            Row {
                name: f.name,
                kind: f.kind,
                unit: f.unit.name(),
                floor: match f.floor {
                    FloorRule::Against(floor) => Some(floor.id()),
                    FloorRule::None(_) => None,
                },
                latency: f.latency,
                pacing: f.pacing,
                r#async: w.is_async(),
                sync_twin: w.sync_twin().map(Workload::name),
                summary: f.summary,
            }
        })
        .collect();
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).context("serializing the table")?
        );
        return Ok(());
    }
    // The first column as wide as the longest name.
    let w = rows.iter().map(|r| r.name.len()).max().unwrap_or(8);
    println!(
        "{:<w$} {:<9} {:<11} {:<17} {:<11} {:<10} summary",
        "workload", "kind", "per", "floor", "latency", "pacing"
    );
    // Each enum by its serde name, the one the JSON and the stored results use.
    let name = |v: &dyn erased_serde_name::Name| v.name();
    for r in rows {
        println!(
            "{:<w$} {:<9} {:<11} {:<17} {:<11} {:<10} {}",
            r.name,
            name(&r.kind),
            r.unit,
            r.floor.unwrap_or("none"),
            name(&r.latency),
            name(&r.pacing),
            r.summary
        );
    }
    Ok(())
}

mod erased_serde_name {
    /// A value's serde name (for the unit-only enums of the table).
    pub trait Name {
        fn name(&self) -> String;
    }

    impl<T: serde::Serialize> Name for T {
        fn name(&self) -> String {
            match serde_json::to_value(self) {
                Ok(serde_json::Value::String(s)) => s,
                _ => String::new(),
            }
        }
    }
}
