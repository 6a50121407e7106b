//! The ring workloads: `spsc` and `ping-pong` over an SPSC [`Ring`], the same jobs as the
//! channels' (`workload.rs`), so a ring's cells sit beside the channels' in the same tables.
//!
//! A ring never blocks: each side waits with the one policy of `chanbench_core::shapes::ring`
//! (spin, then yield). The roles start after the team's start gate, on threads that exist, and
//! the consumer counts what it received, as every workload does.

use std::{hint::black_box, time::Instant};

use chanbench_core::shapes::ring::{Ring, ring};
use hdrhistogram::Histogram;

use crate::{
    payload::Payload,
    placement::{Role, Team},
    workload::{Measured, latency_histogram, nanos},
};

/// **spsc** over a ring of `capacity`: one producer pushes `messages` payloads, one consumer
/// pops them; the interval spans the producer's first push to the consumer's last pop.
pub fn spsc<R: Ring, P: Payload>(team: &Team, capacity: usize, messages: u64) -> Measured {
    let (mut p, mut c) = ring::<R, P>(capacity);
    let source = P::source();
    let producer: Role<u64> = Box::new(move || {
        for i in 0..messages {
            p.push_waiting(P::make(&source, i));
        }
        0
    });
    let consumer: Role<u64> = Box::new(move || {
        for _ in 0..messages {
            black_box(c.pop_waiting());
        }
        // A ring has no disconnection: anything left over is a message too many.
        messages + c.pop().map_or(0, |_| 1)
    });
    let timed = team.run(vec![producer, consumer]);
    let received = timed.results[1];
    assert_eq!(
        received, messages,
        "ring spsc: {messages} pushed, {received} popped"
    );
    Measured {
        elapsed: timed.elapsed,
        messages,
        latency: None,
    }
}

/// **ping-pong** over two rings of `capacity`: the pinger pushes a payload and waits for its
/// echo, `round_trips` times. With `RECORD` (the cost run), each round trip's time is recorded.
pub fn ping_pong<R: Ring, P: Payload, const RECORD: bool>(
    team: &Team,
    capacity: usize,
    round_trips: u64,
) -> Measured {
    let (mut ping_p, mut ping_c) = ring::<R, P>(capacity);
    let (mut pong_p, mut pong_c) = ring::<R, P>(capacity);
    let source = P::source();
    let mut histogram = RECORD.then(latency_histogram);
    let pinger: Role<(u64, Option<Histogram<u64>>)> = Box::new(move || {
        for i in 0..round_trips {
            let start = RECORD.then(Instant::now);
            ping_p.push_waiting(P::make(&source, i));
            black_box(pong_c.pop_waiting());
            if let (Some(h), Some(start)) = (histogram.as_mut(), start) {
                h.saturating_record(nanos(start.elapsed()));
            }
        }
        (round_trips, histogram)
    });
    let ponger: Role<(u64, Option<Histogram<u64>>)> = Box::new(move || {
        for _ in 0..round_trips {
            let msg = ping_c.pop_waiting();
            pong_p.push_waiting(msg);
        }
        (round_trips + ping_c.pop().map_or(0, |_| 1), None)
    });
    let mut timed = team.run(vec![pinger, ponger]);
    let echoed = timed.results[1].0;
    assert_eq!(
        echoed, round_trips,
        "ring ping-pong: {round_trips} sent, {echoed} echoed"
    );
    Measured {
        elapsed: timed.elapsed,
        messages: round_trips,
        latency: timed.results[0].1.take(),
    }
}
