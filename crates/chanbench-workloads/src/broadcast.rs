//! The broadcast workload: a sender task sends `messages` timestamps to `subscribers`
//! subscriber tasks over a [`Broadcast`] channel; the interval spans the first send to the last
//! subscriber's last receive. The timed run sends one stamp read before the clock starts (no
//! clock read per message); the cost run stamps each message as it is sent, and every
//! subscriber records each message's send-to-receipt latency.
//!
//! Each subscriber accounts for every message: received, or reported lost by a library whose
//! slow subscribers lose the oldest ([`Lagging::DropsOldest`], tokio's); the totals are checked.
//! A library that waits for the slowest subscriber loses nothing, so its time is the pace every
//! subscriber keeps, where a dropping library's is the sender's pace with losses counted.

use std::{
    sync::{Arc, Mutex},
    time::Instant,
};

use chanbench_core::shapes::broadcast::{Broadcast, BroadcastRecvError};

use crate::{
    placement::Team,
    runtime::{self, AsyncGate, Flavor},
    workload::{Measured, latency_histogram, nanos},
};

/// **async-broadcast**: `messages` messages to each of `subscribers` subscribers, through a
/// channel of `capacity`; with `RECORD`, every subscriber's latency of every message.
pub fn fan_out<B: Broadcast, const RECORD: bool>(
    team: &Team,
    flavor: Flavor,
    capacity: usize,
    subscribers: usize,
    messages: u64,
) -> Measured {
    let (tx, first) = B::raw_broadcast::<Instant>(capacity);
    let histogram = Arc::new(Mutex::new(RECORD.then(latency_histogram)));
    let receivers: Vec<_> = std::iter::once(first)
        .chain((1..subscribers).map(|_| B::subscribe(&tx)))
        .collect();
    let gate = AsyncGate::new(subscribers + 1);
    let stamp = Instant::now();
    let mut tasks = vec![gate.task(async move {
        for _ in 0..messages {
            let sent = if RECORD { Instant::now() } else { stamp };
            if B::send(&tx, sent).await.is_err() {
                panic!("async-broadcast: every subscriber is gone");
            }
        }
        0
    })];
    for mut rx in receivers {
        let recorded = Arc::clone(&histogram);
        tasks.push(gate.task(async move {
            let mut accounted = 0u64;
            let mut mine = RECORD.then(latency_histogram);
            loop {
                match B::recv(&mut rx).await {
                    Ok(sent) => {
                        if let Some(h) = mine.as_mut() {
                            h.saturating_record(nanos(sent.elapsed()));
                        }
                        std::hint::black_box(sent);
                        accounted += 1;
                    }
                    Err(BroadcastRecvError::Lagged(lost)) => accounted += lost,
                    Err(BroadcastRecvError::Closed) => {
                        if let (Some(all), Some(mine)) =
                            (recorded.lock().expect("the histogram").as_mut(), mine)
                        {
                            all.add(mine).expect("histograms of the same bounds");
                        }
                        return accounted;
                    }
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
    let latency = histogram.lock().expect("the histogram").take();
    Measured {
        elapsed: timed.elapsed,
        messages,
        latency,
    }
}
