//! The broadcast workload: a sender task sends `messages` `u64`s to `subscribers` subscriber
//! tasks over a [`Broadcast`] channel; the interval spans the first send to the last
//! subscriber's last receive.
//!
//! Each subscriber accounts for every message: received, or reported lost by a library whose
//! slow subscribers lose the oldest ([`Lagging::DropsOldest`], tokio's); the totals are checked.
//! A library that waits for the slowest subscriber loses nothing, so its time is the pace every
//! subscriber keeps, where a dropping library's is the sender's pace with losses counted.

use chanbench_core::shapes::broadcast::{Broadcast, BroadcastRecvError};

use crate::{
    placement::Team,
    runtime::{self, AsyncGate, Flavor},
    workload::Measured,
};

/// **async-broadcast**: `messages` messages to each of `subscribers` subscribers, through a
/// channel of `capacity`.
pub fn fan_out<B: Broadcast>(
    team: &Team,
    flavor: Flavor,
    capacity: usize,
    subscribers: usize,
    messages: u64,
) -> Measured {
    let (tx, first) = B::raw_broadcast::<u64>(capacity);
    let receivers: Vec<_> = std::iter::once(first)
        .chain((1..subscribers).map(|_| B::subscribe(&tx)))
        .collect();
    let gate = AsyncGate::new(subscribers + 1);
    let mut tasks = vec![gate.task(async move {
        for i in 0..messages {
            if B::send(&tx, i).await.is_err() {
                panic!("async-broadcast: every subscriber is gone");
            }
        }
        0
    })];
    for mut rx in receivers {
        tasks.push(gate.task(async move {
            let mut accounted = 0u64;
            loop {
                match B::recv(&mut rx).await {
                    Ok(msg) => {
                        std::hint::black_box(msg);
                        accounted += 1;
                    }
                    Err(BroadcastRecvError::Lagged(lost)) => accounted += lost,
                    Err(BroadcastRecvError::Closed) => return accounted,
                }
            }
        }));
    }
    let timed = runtime::run(team, flavor, tasks, None);
    let expected = messages * subscribers as u64;
    assert_eq!(
        timed.received, expected,
        "async-broadcast: {messages} messages to {subscribers} subscribers, {} accounted for",
        timed.received
    );
    Measured {
        elapsed: timed.elapsed,
        messages,
        latency: None,
    }
}
