//! **service**: a client service sends a request to a server service and waits for its response,
//! request after request. The request is a [`Message`]: a large header of scalar fields (256
//! bytes), sent **owned** (moved by value through the queues) or **boxed** (`Box<Message>`: one
//! allocation per request, a pointer through the queues). The exchange runs:
//! - **one-thread**: both services on one thread, a service loop passing the request and the
//!   response through two channels (the server polls its queue, as an event loop does);
//! - **two-threads**: the client and the server on their own threads, blocking on the channels
//!   (the echo pattern, ping-pong with a real message);
//! - **direct-call** (no channel, the baseline): the client calls the server's handler.
//!
//! Time is per request (one round trip). Every response is checked: it must answer the request's
//! sequence number and carry the server's status.

use std::{hint::black_box, time::Instant};

use chanbench_core::{Channel, Make};
use hdrhistogram::Histogram;

use crate::{
    placement::{Role, Team},
    workload::{Measured, latency_histogram, nanos},
};

/// A request's header: the scalar fields a protocol message carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Header {
    /// Request id.
    pub id: u64,
    /// Sequence number in the session.
    pub seq: u64,
    /// When it was sent, in ns.
    pub sent_ns: u64,
    /// Its deadline, in ns.
    pub deadline_ns: u64,
    /// Source address.
    pub source: u64,
    /// Destination address.
    pub destination: u64,
    /// Trace id.
    pub trace_id: u128,
    /// Span id.
    pub span_id: u64,
    /// Parent span id.
    pub parent_span_id: u64,
    /// Tenant.
    pub tenant: u64,
    /// Flags.
    pub flags: u32,
    /// Message kind.
    pub kind: u32,
    /// Priority.
    pub priority: u16,
    /// Retries so far.
    pub retries: u16,
    /// Response status (0: not answered yet).
    pub status: u32,
    /// Body length.
    pub body_len: u64,
    /// Checksum the server computes.
    pub checksum: u64,
    /// Counters.
    pub counters: [u64; 16],
}

/// The message exchanged: a header and a small body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Message {
    /// The header.
    pub header: Header,
    /// The body.
    pub body: [u64; 2],
}

/// The status a handled request carries.
pub const OK: u32 = 200;

/// How a message travels: owned or boxed.
pub trait Envelope: Send + 'static {
    /// `owned` or `boxed`.
    const KIND: chanbench_schema::Envelope;
    /// The request with sequence number `seq`.
    fn request(seq: u64) -> Self;
    /// Its message.
    fn message(&mut self) -> &mut Message;
}

impl Envelope for Message {
    const KIND: chanbench_schema::Envelope = chanbench_schema::Envelope::Owned;
    #[inline]
    fn request(seq: u64) -> Self {
        new_message(seq)
    }
    #[inline]
    fn message(&mut self) -> &mut Message {
        self
    }
}

impl Envelope for Box<Message> {
    const KIND: chanbench_schema::Envelope = chanbench_schema::Envelope::Boxed;
    #[inline]
    fn request(seq: u64) -> Self {
        Box::new(new_message(seq))
    }
    #[inline]
    fn message(&mut self) -> &mut Message {
        self
    }
}

#[inline]
fn new_message(seq: u64) -> Message {
    Message {
        header: Header {
            id: seq ^ 0x5EED,
            seq,
            sent_ns: seq * 1_000,
            deadline_ns: seq * 1_000 + 1_000_000,
            source: 1,
            destination: 2,
            trace_id: u128::from(seq) << 64 | 0xACE,
            span_id: seq + 1,
            parent_span_id: seq,
            tenant: 7,
            flags: 0b101,
            kind: 3,
            priority: 1,
            retries: 0,
            status: 0,
            body_len: 16,
            checksum: 0,
            counters: [seq; 16],
        },
        body: [seq, !seq],
    }
}

/// The server's handler: reads the header, answers in place.
#[inline]
pub fn handle(m: &mut Message) {
    let h = &mut m.header;
    std::mem::swap(&mut h.source, &mut h.destination);
    h.checksum = h.id ^ h.seq ^ (h.trace_id as u64) ^ h.counters.iter().fold(0, |a, c| a ^ c);
    h.counters[(h.seq % 16) as usize] += 1;
    h.status = OK;
}

/// The client's check of a response to request `seq`: whether it answers that request.
#[inline]
fn answers(m: &mut Message, seq: u64) -> bool {
    let h = &m.header;
    black_box(h.checksum);
    h.seq == seq && h.status == OK && h.source == 2
}

/// The two-thread client's check: a wrong answer stops the run at once, with what came back.
#[inline]
fn check(m: &mut Message, seq: u64) {
    assert!(
        answers(m, seq),
        "service: request {seq} answered with seq {} status {}",
        m.header.seq,
        m.header.status
    );
}

/// **direct-call**: one thread, the client calls the handler; no queue.
pub fn direct_call<E: Envelope>(team: &Team, requests: u64) -> Measured {
    let role: Role<u64> = Box::new(move || {
        let mut answered = 0;
        for seq in 0..requests {
            let mut r = black_box(E::request(seq));
            handle(r.message());
            answered += u64::from(answers(black_box(&mut r).message(), seq));
        }
        answered
    });
    one_role(team, role, requests)
}

/// **one-thread**: a service loop on one thread; the client sends into the request queue, the
/// server polls it, answers into the response queue, the client takes the answer.
pub fn one_thread<C: Channel, M: Make<C>, E: Envelope>(
    team: &Team,
    m: M,
    requests: u64,
) -> Measured {
    let (req_tx, req_rx) = m.make::<E>();
    let (resp_tx, resp_rx) = m.make::<E>();
    let role: Role<u64> = Box::new(move || {
        let mut answered = 0;
        for seq in 0..requests {
            if req_tx.send(E::request(seq)).is_err() {
                panic!("service: request queue closed");
            }
            if let Ok(mut r) = req_rx.try_recv() {
                handle(r.message());
                if resp_tx.send(r).is_err() {
                    panic!("service: response queue closed");
                }
            }
            // Only a response that answers this request counts: a lost, stale or unanswered
            // one leaves the count short of `requests`, which `one_role` rejects.
            if let Ok(mut r) = resp_rx.try_recv() {
                answered += u64::from(answers(r.message(), seq));
            }
        }
        answered
    });
    one_role(team, role, requests)
}

/// **two-threads**: the client and the server on their own threads; with `RECORD`, each round
/// trip's latency is recorded.
pub fn two_threads<C: Channel, M: Make<C>, E: Envelope, const RECORD: bool>(
    team: &Team,
    m: M,
    requests: u64,
) -> Measured {
    let (req_tx, req_rx) = m.make::<E>();
    let (resp_tx, resp_rx) = m.make::<E>();
    let mut histogram = RECORD.then(latency_histogram);
    let client: Role<(u64, Option<Histogram<u64>>)> = Box::new(move || {
        for seq in 0..requests {
            let start = RECORD.then(Instant::now);
            if req_tx.send(E::request(seq)).is_err() {
                panic!("service: the server is gone");
            }
            let mut r = resp_rx.recv().expect("service: the server is gone");
            check(r.message(), seq);
            if let (Some(h), Some(start)) = (histogram.as_mut(), start) {
                h.saturating_record(nanos(start.elapsed()));
            }
        }
        (requests, histogram)
    });
    let server: Role<(u64, Option<Histogram<u64>>)> = Box::new(move || {
        let mut served = 0;
        while let Ok(mut r) = req_rx.recv() {
            handle(r.message());
            if resp_tx.send(r).is_err() {
                panic!("service: the client is gone");
            }
            served += 1;
        }
        (served, None)
    });
    let mut timed = team.run(vec![client, server]);
    let served = timed.results[1].0;
    assert_eq!(
        served, requests,
        "service: {requests} requests, {served} served"
    );
    Measured {
        elapsed: timed.elapsed,
        messages: requests,
        latency: timed.results[0].1.take(),
    }
}

/// Runs a one-thread role that returns how many responses answered their request, and requires
/// them all.
fn one_role(team: &Team, role: Role<u64>, requests: u64) -> Measured {
    let timed = team.run(vec![role]);
    assert_eq!(
        timed.results[0], requests,
        "service: {requests} requests, {} answered",
        timed.results[0]
    );
    Measured {
        elapsed: timed.elapsed,
        messages: requests,
        latency: None,
    }
}
