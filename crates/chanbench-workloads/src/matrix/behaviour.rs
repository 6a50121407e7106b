//! The behaviour families' cells, which run on request (`--workload`, the full profile):
//!
//! | workload | flavors | cells | observation |
//! |---|---|---|---|
//! | `offered-load` | 1024, unbounded | one producer, one consumer, per load of the sweep | saturation rate, achieved rate, latency from the due time, CPU |
//! | `fairness` | 1024 | `share=consumers` (mpmc shape), `share=producers` (mpsc shape), `share=sources` (4, native select) | messages per role, longest send |
//! | `background-load` | 1024, unbounded | `spsc` and `mpsc` of `u64`, with one hog per allowed core and without | none: the times are the finding |
//! | `memory` | 0, 1, 1024, unbounded | one channel created and dropped (timed) | heap and resident bytes: empty, queued, after a burst |
//!
//! Their async twins (`async-offered-load` ...) are registered in `async_behaviour.rs`.

use std::sync::OnceLock;

use chanbench_core::{MultiConsumer, Select};
use chanbench_schema::{Capacity, NativeSelect, Observation, Payload as Described, Share};

use super::{
    Capability, Cell, Channel, Extent, Make, Matrix, Mode, Observer, Runner, Workload, by_mode,
    capacity_of, is_large, params_of,
};
use crate::{
    behaviour::{fairness, memory, offered_load},
    placement::Team,
    workload,
};

/// Messages a fairness observation counts.
fn counted(extent: Extent) -> u64 {
    match extent {
        Extent::Full => 200_000,
        Extent::Brief => 2_000,
    }
}

/// A fairness cell's runner and observer, from its job: `(team, mode, messages)`, the cost mode
/// timing each send. The timed and cost runs keep the time; the observation, the shares.
pub(super) fn fairness_runs(
    job: impl Fn(&Team, Mode, u64) -> fairness::Shared + Copy + 'static,
) -> (Runner, Observer) {
    (
        Box::new(move |team, mode, n| job(team, mode, n).measured),
        Box::new(move |team, extent| {
            Observation::Fairness(job(team, Mode::Cost, counted(extent)).shares)
        }),
    )
}

/// Parameters of a behaviour cell of flavor `m` on `threads` threads carrying `payload`.
fn params<C: Channel, M: Make<C>>(m: M, threads: usize, payload: &str) -> chanbench_schema::Params {
    chanbench_schema::Params::new(capacity_of(m), Described::opaque(payload), threads)
}

/// Every flavor: its memory; the large ones: offered load and background load; capacity 1024:
/// the producers' shares.
pub(super) fn flavor<C: Channel, M: Make<C>>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    x.add(
        Cell::new(
            Workload::Memory,
            C::ID,
            params_of::<C, M, u64>(m, 1),
            needs,
            Box::new(move |team, _, n| memory::lifecycle::<C, M>(team, m, n)),
        )
        .observed(Box::new(move |_, extent| {
            Observation::Memory(memory::footprint::<C, M>(m, extent))
        })),
    );
    if !is_large(m) {
        return;
    }
    for percent in x.sweep.loads.clone() {
        offered(x, m, needs, percent);
    }
    background(x, m, needs);
    if capacity_of(m) == Capacity::Bounded(1024) {
        let producers = x.shape.mpsc_producers;
        let mut p = params(m, producers + 1, "id");
        p.producers = Some(producers);
        p.share = Some(Share::Producers);
        let (run, observe) = fairness_runs(move |team, mode, n| {
            by_mode!(mode, |COST| fairness::producers::<C, M, COST>(
                team, m, producers, n
            ))
        });
        x.add(Cell::new(Workload::Fairness, C::ID, p, needs, run).observed(observe));
    }
}

/// An `offered-load` cell at `percent` of the channel's saturation rate. Its timed runs pace at
/// the rate measured before the first of them in this process; its observation measures it
/// again just before.
fn offered<C: Channel, M: Make<C>>(
    x: &mut Matrix,
    m: M,
    needs: &'static [Capability],
    percent: u32,
) {
    let mut p = params(m, 2, "stamp");
    p.load_percent = Some(percent);
    let extent = x.sweep.extent;
    let saturation = OnceLock::new();
    x.add(
        Cell::new(
            Workload::OfferedLoad,
            C::ID,
            p,
            needs,
            Box::new(move |team, mode, n| {
                let run = offered_load::threads::<C, M>(team, m);
                let rate = *saturation.get_or_init(|| offered_load::saturation(&run, extent));
                offered_load::paced(run, rate, percent, n, mode == Mode::Cost)
            }),
        )
        .observed(Box::new(move |team, extent| {
            offered_load::observe(offered_load::threads::<C, M>(team, m), percent, extent)
        })),
    );
}

/// `spsc` and `mpsc` of `u64`, with one busy hog per allowed core and without.
fn background<C: Channel, M: Make<C>>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    let producers = x.shape.mpsc_producers;
    for hogs in [0, x.shape.cores] {
        for producers in [1, producers] {
            let mut p = params_of::<C, M, u64>(m, producers + 1);
            p.producers = (producers > 1).then_some(producers);
            p.hogs = Some(hogs);
            x.add(Cell::new(
                Workload::BackgroundLoad,
                C::ID,
                p,
                needs,
                Box::new(move |team, _, n| {
                    let run = || workload::mpsc::<C, M, u64>(team, m, producers, n);
                    if hogs == 0 {
                        run()
                    } else {
                        team.hogs().busy(run)
                    }
                }),
            ));
        }
    }
}

/// The consumers' shares, under capacity 1024 with the `mpmc` shape.
pub(super) fn multi_consumer<C: MultiConsumer, M: Make<C>>(
    x: &mut Matrix,
    m: M,
    needs: &'static [Capability],
) {
    if capacity_of(m) != Capacity::Bounded(1024) {
        return;
    }
    let (producers, consumers) = (x.shape.mpmc_producers, x.shape.mpmc_consumers);
    let mut p = params(m, producers + consumers, "id");
    p.producers = Some(producers);
    p.consumers = Some(consumers);
    p.share = Some(Share::Consumers);
    let (run, observe) = fairness_runs(move |team, mode, n| {
        by_mode!(mode, |COST| fairness::consumers::<C, M, COST>(
            team, m, producers, consumers, n
        ))
    });
    x.add(Cell::new(Workload::Fairness, C::ID, p, needs, run).observed(observe));
}

/// The sources' shares under native select, capacity 1024, as many sources as `fan-in`.
pub(super) fn select<C: Select, M: Make<C>>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    if capacity_of(m) != Capacity::Bounded(1024) {
        return;
    }
    let sources = x.shape.fan_in_sources;
    let mut p = params(m, sources + 1, "id").strategy(NativeSelect);
    p.sources = Some(sources);
    p.share = Some(Share::Sources);
    let (run, observe) = fairness_runs(move |team, mode, n| {
        by_mode!(mode, |COST| fairness::sources::<C, M, COST>(
            team, m, sources, n
        ))
    });
    x.add(Cell::new(Workload::Fairness, C::ID, p, needs, run).observed(observe));
}
