//! The behaviour families catch what they are for: the fixture that leaks one allocation per
//! message shows it in its footprint, and the one that always serves its first consumer reads
//! below the bound stated here beforehand. The adapters' own figures are printed, not asserted
//! (on 2 cores the scheduler has a say, and crossbeam documents its select as not perfectly
//! fair). Its own binary: the counting allocator is its global allocator.

use benches::fault_fixtures::{LEAKED_PER_MESSAGE, Leaks, Unfair};
use chanbench_core::{Cap, Unbound};
use chanbench_crossbeam::Crossbeam;
use chanbench_schema::{Observation, Shares, Workload};
use chanbench_workloads::{
    alloc::CountingAlloc,
    behaviour::{fairness, memory, offered_load},
    matrix::Extent,
    placement::{Cores, Team},
};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// One test at a time: the allocator's counts are the process's.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ONE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Jain's index an unfair channel must read below with two consumers (fair is 1, one consumer
/// taking everything 0.5), and the share of the fair share its least-served consumer must read
/// below: stated before measuring.
const UNFAIR_JAIN_BELOW: f64 = 0.75;
const UNFAIR_LEAST_SHARE_BELOW: f64 = 0.1;

#[test]
fn a_channel_that_leaks_one_allocation_per_message_shows_it_in_its_footprint() {
    let _one = serial();
    let leaky = memory::footprint::<Leaks, Unbound>(Unbound, Extent::Brief);
    let sound = memory::footprint::<Crossbeam, Unbound>(Unbound, Extent::Brief);
    println!("fixture-leaks {leaky:?}\ncrossbeam {sound:?}");
    let retained =
        |f: &chanbench_schema::Footprint| f.retained.as_ref().expect("unbounded").clone();
    let (leaked, kept) = (retained(&leaky), retained(&sound));
    let burst = leaked.burst as f64;
    assert!(
        leaked.heap_bytes >= burst * LEAKED_PER_MESSAGE as f64,
        "the leak of {LEAKED_PER_MESSAGE} B a message is in what the burst left: {leaked:?}"
    );
    assert!(
        kept.heap_bytes < burst,
        "a sound channel keeps less than a byte a message after its burst: {kept:?}"
    );
    let at_1000 = |f: &chanbench_schema::Footprint| f.queued[0].heap_bytes_per_msg;
    assert!(
        at_1000(&leaky) >= at_1000(&sound) + LEAKED_PER_MESSAGE as f64,
        "queued: {} B/msg leaky, {} B/msg crossbeam",
        at_1000(&leaky),
        at_1000(&sound)
    );
    assert_eq!(
        leaky.queued.iter().map(|q| q.messages).collect::<Vec<_>>(),
        [1_000, 100_000]
    );
    assert!(sound.empty_heap_bytes > 0.0, "{sound:?}");
}

#[test]
fn a_bounded_channel_has_no_burst_and_no_queue_longer_than_its_capacity() {
    let _one = serial();
    let f = memory::footprint::<Crossbeam, Cap>(Cap(1024), Extent::Brief);
    assert!(f.retained.is_none(), "{f:?}");
    assert_eq!(
        f.queued.len(),
        1,
        "1,000 fit in 1024, 100,000 do not: {f:?}"
    );
    // Its slots are allocated up front: at least 8 bytes for each of the 1024.
    assert!(f.empty_heap_bytes >= 8.0 * 1024.0, "{f:?}");
    let rendezvous = memory::footprint::<Crossbeam, Cap>(Cap(0), Extent::Brief);
    assert!(rendezvous.queued.is_empty() && rendezvous.retained.is_none());
}

fn two_consumers(team: &Team, shares: impl Fn(&Team) -> Shares) -> Shares {
    let s = shares(team);
    assert_eq!(s.counts.len(), 2, "{s:?}");
    assert_eq!(s.counts.iter().sum::<u64>(), 20_000, "{s:?}");
    s
}

#[test]
fn the_unfair_fixture_reads_below_the_bound_stated_beforehand() {
    let _one = serial();
    let team = Team::new(&Cores::allowed().unwrap(), 4).unwrap();
    let unfair = two_consumers(&team, |t| {
        fairness::consumers::<Unfair, Cap, true>(t, Cap(1024), 2, 2, 20_000).shares
    });
    let crossbeam = two_consumers(&team, |t| {
        fairness::consumers::<Crossbeam, Cap, true>(t, Cap(1024), 2, 2, 20_000).shares
    });
    println!(
        "jain: fixture-unfair {:?}, crossbeam {:?}",
        unfair.jain(),
        crossbeam.jain()
    );
    let jain = unfair.jain().expect("messages were counted");
    assert!(jain < UNFAIR_JAIN_BELOW, "{unfair:?}: Jain {jain}");
    let (least, _) = unfair.min_max_of_fair().unwrap();
    assert!(least < UNFAIR_LEAST_SHARE_BELOW, "{unfair:?}");
    assert!(
        unfair.longest_send_ns.is_some(),
        "the producers timed their sends"
    );
}

#[test]
fn producers_and_sources_are_counted_one_share_each() {
    let _one = serial();
    let team = Team::new(&Cores::allowed().unwrap(), 5).unwrap();
    let p = fairness::producers::<Crossbeam, Cap, false>(&team, Cap(1024), 3, 5_000);
    assert_eq!(p.shares.counts.len(), 3);
    assert_eq!(p.shares.counts.iter().sum::<u64>(), 5_000);
    assert_eq!(
        p.shares.longest_send_ns, None,
        "a timed run reads no clocks"
    );
    let s = fairness::sources::<Crossbeam, Cap, true>(&team, Cap(1024), 4, 5_000);
    assert_eq!(s.shares.counts.len(), 4);
    assert_eq!(s.shares.counts.iter().sum::<u64>(), 5_000);
    println!("producers {:?}, sources {:?}", p.shares, s.shares);
}

#[test]
fn the_hogs_work_only_while_a_cell_asks_them_to() {
    let _one = serial();
    let team = Team::new(&Cores::allowed().unwrap(), 2).unwrap();
    let hogs = team.hogs();
    assert_eq!(hogs.count(), Cores::allowed().unwrap().len());
    let parked = hogs.batches();
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(hogs.batches(), parked, "parked hogs do nothing");
    let worked = hogs.busy(|| {
        // Bounded: a hog that never starts fails the test instead of hanging it.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while hogs.batches() == parked && std::time::Instant::now() < deadline {
            std::thread::yield_now();
        }
        hogs.batches() - parked
    });
    assert!(worked > 0, "busy hogs did no work");
}

#[test]
fn every_behaviour_cell_observes_what_its_family_stands_for() {
    let _one = serial();
    let cores = Cores::allowed().unwrap();
    let shape = chanbench_workloads::matrix::Shape::new(cores.len(), 1);
    let matrix = benches::matrix!(shape, true);
    let team = Team::new(&cores, matrix.team_size()).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for cell in &matrix.cells {
        let workload = cell.workload();
        assert_eq!(cell.observe.is_some(), workload.observes(), "{cell:?}");
        let Some(observe) = &cell.observe else {
            continue;
        };
        let observed = observe(&team, Extent::Brief);
        let fits = match (&observed, workload) {
            (Observation::OfferedLoad(l), Workload::OfferedLoad | Workload::AsyncOfferedLoad) => {
                l.messages > 0
                    && l.latency.samples == l.messages - l.messages / offered_load::WARM_UP_PART
                    && l.target_per_s < l.saturation_per_s
            }
            (Observation::Fairness(s), Workload::Fairness | Workload::AsyncFairness) => {
                s.counts.iter().sum::<u64>() > 0
            }
            (Observation::Memory(f), Workload::Memory | Workload::AsyncMemory) => {
                f.empty_heap_bytes > 0.0
            }
            _ => false,
        };
        assert!(fits, "{cell:?}: {observed:?}");
        seen.insert(workload);
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        [
            Workload::OfferedLoad,
            Workload::Fairness,
            Workload::Memory,
            Workload::AsyncOfferedLoad,
            Workload::AsyncFairness,
            Workload::AsyncMemory
        ]
    );
}
