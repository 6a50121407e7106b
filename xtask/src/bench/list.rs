//! `cargo xtask bench --list`: what a run would measure, and an estimate of how long it takes,
//! from each placement's `--list` (nothing is measured or stored).

use std::collections::BTreeSet;
use std::time::Duration;

use chanbench_schema::Workload;

use super::{Placement, process::Listed};
use crate::placement::core_list;

/// The estimate's seconds over a run: each placement's measuring time once per process, its
/// cost runs in the first process only (xtask skips them in the others).
pub fn estimate(listed: &[Listed], repeat: u32) -> Duration {
    let seconds: f64 = listed
        .iter()
        .filter_map(|l| l.plan)
        .map(|p| p.measuring_s * f64::from(repeat) + p.cost_s)
        .sum();
    Duration::from_secs_f64(seconds.max(0.0))
}

/// The report `--list` prints: per placement its cells, then the implementations and workloads
/// measured and those left for the asking, then the estimate.
pub fn describe(
    placements: &[(Placement, Vec<usize>)],
    listed: &[Listed],
    profile: &str,
    repeat: u32,
    impls_asked: bool,
) -> String {
    let mut out = format!(
        "profile {profile}, {repeat} process{} per placement; nothing is measured or stored\n",
        if repeat == 1 { "" } else { "es" }
    );
    for ((placement, cores), l) in placements.iter().zip(listed) {
        out += &format!(
            "  {} (cores {}): {} cells\n",
            placement.name(),
            core_list(cores),
            l.cells
        );
    }
    let keys = || listed.iter().flat_map(|l| &l.keys);
    // The registered ids of one family, in registry order, that cells matching `family` name.
    let family = |registered: Vec<&'static str>, of: &dyn Fn(Workload) -> bool| {
        let measured: BTreeSet<&str> = keys()
            .filter(|k| of(k.workload()))
            .map(|k| k.implementation())
            .collect();
        let mut seen: Vec<&'static str> = Vec::new();
        for id in registered {
            if measured.contains(id) && !seen.contains(&id) {
                seen.push(id);
            }
        }
        seen
    };
    let channel = |w: Workload| !matches!(w, Workload::AsyncOneshot | Workload::AsyncBroadcast);
    let sync = family(
        chanbench_registry::implementations()
            .iter()
            .map(|i| i.id)
            .collect(),
        &|w| !w.is_async(),
    );
    let asynchronous = family(
        chanbench_registry::async_implementations()
            .iter()
            .map(|i| i.id)
            .collect(),
        &|w| w.is_async() && channel(w),
    );
    let rings = family(
        chanbench_registry::rings().iter().map(|i| i.id).collect(),
        &|w| !w.is_async(),
    );
    let oneshots = family(
        chanbench_registry::oneshots()
            .iter()
            .map(|i| i.id)
            .chain(
                chanbench_registry::async_implementations()
                    .iter()
                    .map(|i| i.id),
            )
            .collect(),
        &|w| w == Workload::AsyncOneshot,
    );
    let broadcasts = family(
        chanbench_registry::broadcasts()
            .iter()
            .map(|i| i.id)
            .collect(),
        &|w| w == Workload::AsyncBroadcast,
    );
    out += &format!(
        "implementations: {} (sync); {} (async); {} (SPSC rings); {} (oneshots and bounded(1) \
         baselines); {} (broadcasts)\n",
        or_none(&sync),
        or_none(&asynchronous),
        or_none(&rings),
        or_none(&oneshots),
        or_none(&broadcasts)
    );
    let measured: BTreeSet<&str> = keys().map(|k| k.implementation()).collect();
    let left: Vec<&str> = chanbench_registry::ON_REQUEST
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !measured.contains(id))
        .collect();
    if !left.is_empty() {
        let how = if impls_asked {
            "no cells in the workloads asked for"
        } else {
            "--impl all, or name them"
        };
        out += &format!(
            "  on request, not in this run: {} ({how})\n",
            left.join(", ")
        );
    }
    let workloads: BTreeSet<Workload> = keys().map(|k| k.workload()).collect();
    out += &format!("workloads: {}\n", workloads.len());
    let behaviour: Vec<&str> = Workload::ALL
        .into_iter()
        .filter(|w| w.on_request() && !workloads.contains(w))
        .map(Workload::name)
        .collect();
    if !behaviour.is_empty() {
        out += &format!(
            "  on request, not in this run: {} (--workload, or the full profile)\n",
            behaviour.join(", ")
        );
    }
    let time = estimate(listed, repeat);
    out += &format!(
        "estimate: about {} of measuring (the profile's warm-up and measurement per cell in every \
         process, the cost runs in the first); the build, each cell's setup and analysis, and \
         the behaviour families' observations come on top\n",
        humantime::format_duration(Duration::from_secs(time.as_secs()))
    );
    out
}

fn or_none(ids: &[&str]) -> String {
    if ids.is_empty() {
        "none".to_owned()
    } else {
        ids.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use chanbench_schema::{Capacity, CellKey, Params, Payload, protocol::Plan};

    use super::*;

    /// A listing of `u64` cells of these implementations; those named `tokio-*` or ending in
    /// `-oneshot` are async, the first in `async-spsc`, the second in `async-oneshot`.
    fn listed(ids: &[&str], plan: Plan) -> Listed {
        Listed {
            cells: ids.len() as u64,
            keys: ids
                .iter()
                .map(|id| {
                    let id: &'static str = Box::leak(id.to_string().into_boxed_str());
                    let params = Params::new(Capacity::Bounded(1024), Payload::opaque("u64"), 2);
                    let workload = if id.ends_with("oneshot") {
                        Workload::AsyncOneshot
                    } else if id.starts_with("tokio") {
                        Workload::AsyncSpsc
                    } else {
                        Workload::Spsc
                    };
                    CellKey::new(workload, id, params)
                })
                .collect(),
            plan: Some(plan),
        }
    }

    #[test]
    fn the_estimate_counts_every_process_and_the_cost_runs_once() {
        let plan = Plan {
            cells: 2,
            measuring_s: 30.0,
            cost_s: 10.0,
        };
        let two = [listed(&["crossbeam"], plan), listed(&["crossbeam"], plan)];
        // Two placements of five processes: 2 x (5 x 30 + 10).
        assert_eq!(estimate(&two, 5), Duration::from_secs(320));
        assert_eq!(estimate(&two[..1], 1), Duration::from_secs(40));
    }

    #[test]
    fn the_listing_names_what_is_measured_and_what_is_left_for_the_asking() {
        let plan = Plan {
            cells: 2,
            measuring_s: 60.0,
            cost_s: 0.0,
        };
        let placements = [(Placement::OneCore, vec![0])];
        let text = describe(
            &placements,
            &[listed(&["crossbeam", "tokio-mpsc"], plan)],
            "default",
            5,
            false,
        );
        assert!(text.contains("one-core (cores 0): 2 cells"), "{text}");
        assert!(
            text.contains(
                "implementations: crossbeam (sync); tokio-mpsc (async); none (SPSC rings)"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "on request, not in this run: crossfire, crossfire-unbounded, tachyonix, rtrb"
            ),
            "{text}"
        );
        assert!(text.contains("offered-load"), "{text}");
        assert!(text.contains("estimate: about 5m of measuring"), "{text}");
        let all = describe(
            &placements,
            &[listed(
                &[
                    "crossfire",
                    "crossfire-unbounded",
                    "tachyonix",
                    "rtrb",
                    "ringbuf",
                    "crossbeam-arrayqueue",
                    "tokio-oneshot",
                    "futures-oneshot",
                    "oneshot",
                ],
                plan,
            )],
            "default",
            1,
            true,
        );
        assert!(!all.contains("--impl all"), "{all}");
        assert!(
            all.contains("rtrb, ringbuf, crossbeam-arrayqueue (SPSC rings)"),
            "{all}"
        );
        assert!(
            all.contains("tokio-oneshot, futures-oneshot, oneshot (oneshots"),
            "{all}"
        );
        assert!(
            !all.contains("on request, not in this run: crossfire"),
            "{all}"
        );
    }
}
