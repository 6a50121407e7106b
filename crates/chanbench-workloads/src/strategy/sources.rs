//! **sources**: one handler serving many sources, each source a producer thread streaming stamped
//! messages. The handler is reached by:
//! - **thread-per-source**: each source has its own channel and a forwarding thread blocked on it,
//!   which passes each message into one channel the handler reads;
//! - **select**: each source has its own channel; the handler waits on all of them with the
//!   implementation's native select;
//! - **round-robin**: each source has its own channel; the handler polls them in turn with
//!   `try_recv` and yields after a sweep that found nothing;
//! - **merged**: every source sends into one shared channel.
//!
//! The measured interval is wall time, first source starting to the handler's last message, so
//! time per message is the inverse of throughput. With `RECORD`, each message's latency from its
//! send to the handler is recorded.

use std::{hint::black_box, thread, time::Instant};

use chanbench_schema::{NativeSelect, Strategy};

use chanbench_core::{Channel, Make, Receiver, RecvError, Select, Sender, TryRecvError};
use hdrhistogram::Histogram;

use crate::{
    placement::{Role, Team},
    workload::{Measured, latency_histogram, nanos, split},
};

/// How the handler is reached over any channel; native select is [`serve_select`], for channels
/// that have it.
pub use chanbench_schema::Serve;

/// The ways [`serve`] reaches the handler.
pub const SERVES: [Serve; 3] = [Serve::ThreadPerSource, Serve::RoundRobin, Serve::Merged];

/// The source counts measured.
pub const SOURCE_COUNTS: [usize; 4] = [1, 4, 16, 64];

/// Threads a cell needs: a source (and for thread-per-source a forwarder) per source, and the
/// handler.
pub const fn threads(sources: usize, serve: Serve) -> usize {
    match serve {
        Serve::ThreadPerSource => 2 * sources + 1,
        Serve::RoundRobin | Serve::Merged => sources + 1,
    }
}

type Handled = (u64, Option<Histogram<u64>>);

fn source<C: Channel, const RECORD: bool>(tx: Sender<C, Instant>, messages: u64) -> Role<Handled> {
    Box::new(move || {
        let stamp = Instant::now();
        for _ in 0..messages {
            let msg = if RECORD { Instant::now() } else { stamp };
            if tx.send(msg).is_err() {
                panic!("sources: the handler is gone");
            }
        }
        (0, None)
    })
}

/// The handler's bookkeeping: count, and with `RECORD` the latency of each message.
struct Handler<const RECORD: bool> {
    handled: u64,
    histogram: Option<Histogram<u64>>,
}

impl<const RECORD: bool> Handler<RECORD> {
    fn new() -> Self {
        Self {
            handled: 0,
            histogram: RECORD.then(latency_histogram),
        }
    }

    #[inline]
    fn handle(&mut self, sent: Instant) {
        self.handled += 1;
        if let Some(h) = self.histogram.as_mut() {
            h.saturating_record(nanos(sent.elapsed()));
        } else {
            black_box(sent);
        }
    }

    fn done(self) -> Handled {
        (self.handled, self.histogram)
    }
}

/// The handler of one channel: handles until every sender is gone.
fn drain<C: Channel, const RECORD: bool>(rx: Receiver<C, Instant>) -> Role<Handled> {
    Box::new(move || {
        let mut h = Handler::<RECORD>::new();
        while let Ok(sent) = rx.recv() {
            h.handle(sent);
        }
        h.done()
    })
}

fn finish(team: &Team, serve: Strategy, roles: Vec<Role<Handled>>, messages: u64) -> Measured {
    let mut timed = team.run(roles);
    let (handled, histogram) = timed.results.pop().expect("the handler is the last role");
    assert_eq!(
        handled, messages,
        "sources {serve}: {messages} sent, {handled} handled"
    );
    Measured {
        elapsed: timed.elapsed,
        messages,
        latency: histogram,
    }
}

/// Thread-per-source, round-robin or merged, over any channel; `messages` shared by `sources`.
pub fn serve<C: Channel, M: Make<C>, const RECORD: bool>(
    team: &Team,
    m: M,
    serve: Serve,
    sources: usize,
    messages: u64,
) -> Measured {
    let shares = split(messages, sources);
    let mut roles: Vec<Role<Handled>> = Vec::with_capacity(threads(sources, serve));
    let handler: Role<Handled> = match serve {
        Serve::Merged => {
            let (tx, rx) = m.make::<Instant>();
            roles.extend(shares.iter().map(|&n| source::<C, RECORD>(tx.clone(), n)));
            drop(tx);
            drain::<C, RECORD>(rx)
        }
        Serve::ThreadPerSource => {
            let (merged_tx, merged_rx) = m.make::<Instant>();
            let mut forwarders: Vec<Role<Handled>> = Vec::with_capacity(sources);
            for &n in &shares {
                let (tx, rx) = m.make::<Instant>();
                roles.push(source::<C, RECORD>(tx, n));
                let out = merged_tx.clone();
                forwarders.push(Box::new(move || {
                    while let Ok(msg) = rx.recv() {
                        if out.send(msg).is_err() {
                            panic!("sources: the handler is gone");
                        }
                    }
                    (0, None)
                }));
            }
            drop(merged_tx);
            roles.extend(forwarders);
            drain::<C, RECORD>(merged_rx)
        }
        Serve::RoundRobin => {
            let mut receivers: Vec<Receiver<C, Instant>> = Vec::with_capacity(sources);
            for &n in &shares {
                let (tx, rx) = m.make::<Instant>();
                roles.push(source::<C, RECORD>(tx, n));
                receivers.push(rx);
            }
            Box::new(move || {
                let mut h = Handler::<RECORD>::new();
                while !receivers.is_empty() {
                    let mut found = false;
                    let mut i = 0;
                    while i < receivers.len() {
                        match receivers[i].try_recv() {
                            Ok(sent) => {
                                h.handle(sent);
                                found = true;
                                i += 1;
                            }
                            Err(TryRecvError::Empty) => i += 1,
                            Err(TryRecvError::Disconnected) => {
                                receivers.swap_remove(i);
                            }
                        }
                    }
                    if !found {
                        thread::yield_now();
                    }
                }
                h.done()
            })
        }
    };
    roles.push(handler);
    finish(team, Strategy::Serve(serve), roles, messages)
}

/// Native select over one channel per source.
pub fn serve_select<C: Select, M: Make<C>, const RECORD: bool>(
    team: &Team,
    m: M,
    sources: usize,
    messages: u64,
) -> Measured {
    let mut roles: Vec<Role<Handled>> = Vec::with_capacity(sources + 1);
    let mut receivers: Vec<Receiver<C, Instant>> = Vec::with_capacity(sources);
    for n in split(messages, sources) {
        let (tx, rx) = m.make::<Instant>();
        roles.push(source::<C, RECORD>(tx, n));
        receivers.push(rx);
    }
    roles.push(Box::new(move || {
        let mut h = Handler::<RECORD>::new();
        while !receivers.is_empty() {
            match chanbench_core::select(&receivers) {
                (_, Ok(sent)) => h.handle(sent),
                (index, Err(RecvError)) => {
                    // A disconnected channel can still hold messages: flume 0.12's selector
                    // reports a disconnection when its `try_recv` found the channel empty and
                    // the senders were gone by the time it checked (`RecvSelection::poll`), so
                    // messages sent in between would be lost. CI lost a source's 100 so under
                    // load. What is left is taken before the channel is let go.
                    while let Ok(sent) = receivers[index].try_recv() {
                        h.handle(sent);
                    }
                    receivers.swap_remove(index);
                }
            }
        }
        h.done()
    }));
    finish(team, Strategy::Select(NativeSelect), roles, messages)
}
