//! The publish shape: a client publishing a burst of messages over one connection of its own, as
//! a small messaging library's benchmark does.

use std::time::Duration;

use hdrhistogram::Histogram;

use super::frame::FrameError;
use crate::workload::Measured;

/// Messages a client publishes over one connection in the publish shape (the small
/// messaging library's own benchmark in our design notes).
pub const PUBLISH: u64 = 1024;

/// **publish**: a client publishing [`PUBLISH`] messages to a server over one connection, as
/// many times as it takes to cover `messages`. Each publish is one run of `once` (a fresh
/// connection, made before its clock starts); their times add up. A timed run's time is scaled
/// to `messages`; a cost run reports what it sent.
///
/// # Errors
///
/// The first publish's error.
pub fn publish<const RECORD: bool>(
    messages: u64,
    mut once: impl FnMut() -> Result<Measured, FrameError>,
) -> Result<Measured, FrameError> {
    let publishes = messages.div_ceil(PUBLISH).max(1);
    let mut elapsed = Duration::ZERO;
    let mut sent = 0;
    let mut latency: Option<Histogram<u64>> = None;
    for _ in 0..publishes {
        let m = once()?;
        elapsed += m.elapsed;
        sent += m.messages;
        if let Some(h) = m.latency {
            match latency.as_mut() {
                Some(all) => all.add(&h).expect("latency histograms share their bounds"),
                None => latency = Some(h),
            }
        }
    }
    Ok(if RECORD {
        Measured {
            elapsed,
            messages: sent,
            latency,
        }
    } else {
        Measured {
            elapsed: elapsed.mul_f64(messages as f64 / sent as f64),
            messages,
            latency,
        }
    })
}
