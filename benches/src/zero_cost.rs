//! The zero-cost check: crossbeam-channel measured directly and through the trait, same run.
//!
//! The direct versions mirror `chanbench_workloads::workload::{seq, mpsc}` line for line, with
//! crossbeam's own types and calls instead of `Sender<C, T>` / `Receiver<C, T>`. With
//! `fault_fixtures.rs` (deliberately broken channels built on std's, for xtask's tests), it is
//! one of the two places outside an adapter that name a channel library.

use std::hint::black_box;

use chanbench_core::Cap;
use chanbench_crossbeam::Crossbeam;
use chanbench_schema::{Capacity, Params, SCHEMA, Strategy, Workload, ZeroCostRecord};
use chanbench_workloads::{
    matrix::{Cell, Matrix},
    payload::Payload,
    placement::{Role, Team},
    workload::{self, Batched, Measured},
};

const CAPACITY: usize = 1024;

/// `capacity` is a run-time value, as the generic `seq` reads it from its flavor, so the two
/// loops are compiled alike. (Folding it to a constant was measured to change nothing here:
/// trait / direct 1.000-1.007 either way; the 1.05 on another host did not reproduce.)
fn direct_seq(team: &Team, capacity: usize, messages: u64) -> Measured {
    let batch = capacity.min(256) as u64;
    let (tx, rx) = crossbeam_channel::bounded::<Batched<u64>>(capacity);
    let role: Role<u64> = Box::new(move || {
        let mut sent = 0;
        let mut received = 0;
        while sent < messages {
            let n = batch.min(messages - sent);
            for i in sent..sent + n {
                if tx.send(Batched(i)).is_err() {
                    panic!("seq: send failed with the receiver alive");
                }
            }
            // `try_recv`: every message is queued by now, so a miss is a lost message (counted
            // as one, not waited for), and a message left over after the last batch is a
            // duplicate; either makes the count differ from `messages`.
            for _ in 0..n {
                if let Ok(msg) = rx.try_recv() {
                    black_box(msg);
                    received += 1;
                }
            }
            sent += n;
        }
        while rx.try_recv().is_ok() {
            received += 1;
        }
        received
    });
    let timed = team.run(vec![role]);
    assert_eq!(timed.results.iter().sum::<u64>(), messages);
    Measured {
        elapsed: timed.elapsed,
        messages,
        latency: None,
    }
}

fn direct_spsc(team: &Team, messages: u64) -> Measured {
    let (tx, rx) = crossbeam_channel::bounded::<u64>(CAPACITY);
    let producer: Role<u64> = Box::new(move || {
        for i in 0..messages {
            if tx.send(i).is_err() {
                panic!("send failed: the consumer is gone");
            }
        }
        0
    });
    let consumer: Role<u64> = Box::new(move || {
        let mut received = 0u64;
        while let Ok(msg) = rx.recv() {
            black_box(msg);
            received += 1;
        }
        received
    });
    let timed = team.run(vec![producer, consumer]);
    assert_eq!(timed.results.iter().sum::<u64>(), messages);
    Measured {
        elapsed: timed.elapsed,
        messages,
        latency: None,
    }
}

/// Adds the four zero-cost cells: `seq` and `spsc` at capacity 1024, direct and through the
/// trait, adjacent so they are measured back to back.
pub fn add_cells(matrix: &mut Matrix) {
    let cell = |implementation: &'static str, side: Workload, threads, run| {
        let params = Params::new(Capacity::Bounded(CAPACITY), u64::describe(), threads)
            .strategy(Strategy::Side(side));
        Cell::new(Workload::ZeroCost, implementation, params, &[], run)
    };
    matrix.add(cell(
        "crossbeam-direct",
        Workload::Seq,
        1,
        Box::new(|team, _, n| direct_seq(team, std::hint::black_box(CAPACITY), n)),
    ));
    matrix.add(cell(
        "crossbeam-trait",
        Workload::Seq,
        1,
        Box::new(|team, _, n| workload::seq::<Crossbeam, Cap, u64>(team, Cap(CAPACITY), n)),
    ));
    matrix.add(cell(
        "crossbeam-direct",
        Workload::Spsc,
        2,
        Box::new(|team, _, n| direct_spsc(team, n)),
    ));
    matrix.add(cell(
        "crossbeam-trait",
        Workload::Spsc,
        2,
        Box::new(|team, _, n| workload::spsc::<Crossbeam, Cap, u64>(team, Cap(CAPACITY), n)),
    ));
}

/// An interleaved A/B comparison of crossbeam called directly and through the trait.
///
/// Criterion measures the two cells one after the other, so drift on a shared machine (another
/// tenant, frequency, cache state) lands on one side only. Here each round runs both, alternating
/// which goes first, and the answer is the median of the per-round ratios.
/// Runs `rounds` interleaved pairs of `workload` (`seq` or `spsc`), `messages` each.
///
/// # Panics
///
/// If `workload` is neither.
pub fn paired(team: &Team, workload: Workload, rounds: usize, messages: u64) -> ZeroCostRecord {
    let direct = |n| match workload {
        Workload::Seq => direct_seq(team, std::hint::black_box(CAPACITY), n),
        Workload::Spsc => direct_spsc(team, n),
        other => panic!("the zero-cost check has no {other} side"),
    };
    let through_trait = |n| match workload {
        Workload::Seq => workload::seq::<Crossbeam, Cap, u64>(team, Cap(CAPACITY), n),
        Workload::Spsc => workload::spsc::<Crossbeam, Cap, u64>(team, Cap(CAPACITY), n),
        other => panic!("the zero-cost check has no {other} side"),
    };
    let per_msg = |m: Measured| m.elapsed.as_secs_f64() * 1e9 / m.messages as f64;
    let rounds_of = crate::interleave(
        rounds,
        || per_msg(through_trait(messages)),
        || per_msg(direct(messages)),
    );
    let (trait_median, direct_median, ratio_median, ratio_p25, ratio_p75) = rounds_of.summary();
    ZeroCostRecord {
        schema: SCHEMA,
        workload,
        rounds,
        messages_per_run: messages,
        direct_median_ns_per_msg: direct_median,
        trait_median_ns_per_msg: trait_median,
        ratio_median,
        ratio_p25,
        ratio_p75,
    }
}
