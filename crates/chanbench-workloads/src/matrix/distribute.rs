//! The `distribute` family: a job of independent items spread over the cores, by a pool over a
//! multi-consumer channel (per item or in batches) or without a channel (sequential, rayon, two
//! static splits, a locked queue).

use std::time::Duration;

use chanbench_core::MultiConsumer;
use chanbench_schema::{Capacity, Params, Payload as Described, Pool, Split};

use super::{Capability, Cell, Make, Matrix, Workload::Distribute, capacity_of, is_large};
use crate::{
    placement::Team,
    strategy::distribute::{self, BATCH},
};

/// The pools, per item and in batches of [`BATCH`], per grain of the sweep.
pub(super) fn multi_consumer<C: MultiConsumer, M: Make<C>>(
    x: &mut Matrix,
    m: M,
    needs: &'static [Capability],
) {
    if !is_large(m) {
        return;
    }
    for (grain, rounds) in x.sweep.grains.clone() {
        for batch in [1, BATCH] {
            let mut params = Params::new(capacity_of(m), job_items(rounds), x.shape.cores + 1)
                .strategy(Pool { batch });
            params.grain = Some(grain);
            x.add(Cell::new(
                Distribute,
                C::ID,
                params,
                needs,
                Box::new(move |team, _, n| {
                    let job = |team: &Team, items, rounds| {
                        distribute::pool::<C, M>(team, m, batch, items, rounds)
                    };
                    distribute::run_jobs(team, "pool", n, rounds, &job)
                }),
            ));
        }
    }
}

/// The strategies without a channel, under their own names, per grain of the sweep.
pub(super) fn channel_less(x: &mut Matrix) {
    type JobFn = fn(&Team, u64, u32) -> (Duration, distribute::Outcome);
    let cores = x.shape.cores;
    // (split, job, threads it runs on, whether it spawns them per job)
    let strategies: [(Split, JobFn, usize, bool); 5] = [
        (Split::Sequential, distribute::sequential, 1, false),
        (Split::Rayon, distribute::rayon, cores, false),
        (Split::TeamSplit, distribute::team_split, cores, false),
        (Split::ScopeSplit, distribute::scope_split, cores, true),
        // A dispatcher and a worker per core.
        (Split::MutexQueue, distribute::mutex_queue, cores + 1, false),
    ];
    for (grain, rounds) in x.sweep.grains.clone() {
        for (split, job, threads, spawns_threads) in strategies {
            let name = split.name();
            let mut params =
                Params::new(Capacity::None, job_items(rounds), threads).strategy(split);
            params.grain = Some(grain);
            let cell = Cell::new(
                Distribute,
                name,
                params,
                &[],
                Box::new(move |team, _, n| distribute::run_jobs(team, name, n, rounds, &job)),
            );
            x.add(cell.spawning_threads(spawns_threads));
        }
    }
}

/// A job's item: `rounds` hash rounds of work, no payload size to speak of.
fn job_items(rounds: u32) -> Described {
    Described::opaque(format!("items-of-{rounds}-rounds"))
}
