//! **receive**: how a receiver waits. A sender paces messages at a fixed gap (a message rate,
//! sleeping until each message is due) and stamps each with the time it was sent; the receiver
//! blocks in `recv`, or polls `try_recv` and spins, yields or sleeps between polls (the real-time
//! loop pattern).
//!
//! The measured interval is the sum of each message's latency, from its send to its receipt, so
//! criterion's time per message is the **mean latency**; the gaps between messages are not in
//! it. The sender starts its schedule at a random offset, up to the gap or the receiver's sleep,
//! whichever is longer: the receiver starts polling at the barrier, so without it a short run
//! (criterion's samples are 1 to 10 messages here) would always meet the receiver's polls at the
//! same phase and report a latency the steady state never has. The cost run adds the latency percentiles and the CPU time per message: all threads, the
//! sleeping sender's small share included, which is the same for every receiver.

use std::{
    hash::{BuildHasher, RandomState},
    thread,
    time::{Duration, Instant},
};

use chanbench_core::{Channel, Make, TryRecvError};
use hdrhistogram::Histogram;

use crate::{
    placement::{Role, Team},
    workload::{Measured, latency_histogram, nanos},
};

pub use chanbench_schema::Wait;

/// The receivers compared.
pub const WAITS: [Wait; 5] = [
    Wait::Block,
    Wait::Spin,
    Wait::Yield,
    Wait::Sleep(Duration::from_micros(50)),
    Wait::Sleep(Duration::from_millis(1)),
];

/// The gaps between messages: 10 000 and 1 000 messages per second.
pub const GAPS: [Duration; 2] = [Duration::from_micros(100), Duration::from_millis(1)];

type Received = (u64, Duration, Option<Histogram<u64>>);

/// A fraction in `[0, 1)` that differs from call to call: std's randomly keyed hasher, for a
/// start phase (not for statistics).
fn unit_random() -> f64 {
    (RandomState::new().hash_one(0u8) >> 11) as f64 / (1u64 << 53) as f64
}

/// Sends `messages` stamped messages `gap` apart, receives them waiting as `wait` says, and
/// returns the summed latency. With `RECORD`, each latency goes into a histogram.
pub fn receive<C: Channel, M: Make<C>, const RECORD: bool>(
    team: &Team,
    m: M,
    wait: Wait,
    gap: Duration,
    messages: u64,
) -> Measured {
    let (tx, rx) = m.make::<Instant>();
    let phase = match wait {
        Wait::Sleep(interval) => interval.max(gap),
        Wait::Block | Wait::Spin | Wait::Yield => gap,
    }
    .mul_f64(unit_random());
    let sender: Role<Received> = Box::new(move || {
        let start = Instant::now() + phase;
        for i in 0..messages {
            // Sleep until the message is due; a late sender sends at once, so the rate holds on
            // average without drifting.
            let due = start + gap.saturating_mul(u32::try_from(i).unwrap_or(u32::MAX));
            let now = Instant::now();
            if due > now {
                thread::sleep(due - now);
            }
            if tx.send(Instant::now()).is_err() {
                panic!("receive: the receiver is gone");
            }
        }
        (0, Duration::ZERO, None)
    });
    let mut histogram = RECORD.then(latency_histogram);
    let receiver: Role<Received> = Box::new(move || {
        let mut latency = Duration::ZERO;
        let mut received = 0u64;
        let mut take = |sent: Instant| {
            let l = sent.elapsed();
            latency += l;
            received += 1;
            if let Some(h) = histogram.as_mut() {
                h.saturating_record(nanos(l));
            }
        };
        match wait {
            Wait::Block => {
                while let Ok(sent) = rx.recv() {
                    take(sent);
                }
            }
            Wait::Spin | Wait::Yield | Wait::Sleep(_) => loop {
                match rx.try_recv() {
                    Ok(sent) => take(sent),
                    Err(TryRecvError::Empty) => match wait {
                        Wait::Spin => std::hint::spin_loop(),
                        Wait::Yield => thread::yield_now(),
                        Wait::Sleep(d) => thread::sleep(d),
                        Wait::Block => unreachable!("blocking receivers do not poll"),
                    },
                    Err(TryRecvError::Disconnected) => break,
                }
            },
        }
        (received, latency, histogram)
    });
    let mut timed = team.run(vec![sender, receiver]);
    let (received, latency, histogram) =
        std::mem::replace(&mut timed.results[1], (0, Duration::ZERO, None));
    assert_eq!(
        received, messages,
        "receive {wait}: {messages} sent, {received} received"
    );
    Measured {
        elapsed: latency.max(Duration::from_nanos(1)),
        messages,
        latency: histogram,
    }
}
