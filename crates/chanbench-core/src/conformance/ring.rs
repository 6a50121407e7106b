//! The ring checks: every [`Ring`](crate::shapes::ring::Ring), at capacities 1, 4 and 64.
//!
//! A ring never waits, so nothing here relies on a wake-up: the two-thread check's sides wait
//! with the rings' own policy (spin, then yield), under the watchdog.

use crate::shapes::ring::{Ring, ring};

use super::{limits::*, payloads::*, watchdog::*};

/// Capacities every ring check runs at.
const CAPACITIES: [usize; 3] = [1, 4, 64];

/// On one thread, around the ring several times: what goes in comes out, oldest first.
pub fn ring_fifo<R: Ring>() {
    for cap in CAPACITIES {
        let (mut p, mut c) = ring::<R, u64>(cap);
        let mut next = 0u64;
        for round in 0..3 * cap as u64 {
            for i in 0..cap as u64 {
                assert_eq!(
                    p.push(round * 1_000 + i),
                    Ok(()),
                    "ring_fifo: capacity {cap}, round {round}: push {i} found the ring full"
                );
            }
            for i in 0..cap as u64 {
                let expected = round * 1_000 + i;
                assert_eq!(
                    c.pop(),
                    Some(expected),
                    "ring_fifo: capacity {cap}: expected {expected}"
                );
                next += 1;
            }
            assert_eq!(
                c.pop(),
                None,
                "ring_fifo: capacity {cap}: not empty after {next}"
            );
        }
    }
}

/// A full ring refuses a push and hands the message back; it keeps every unread message (a
/// ring that overwrites the oldest loses it), and one pop makes room for exactly one.
pub fn ring_full_hands_back_and_keeps_the_unread<R: Ring>() {
    for cap in CAPACITIES {
        let (mut p, mut c) = ring::<R, String>(cap);
        for i in 0..cap {
            assert!(
                p.push(i.to_string()).is_ok(),
                "capacity {cap}: push {i} refused"
            );
        }
        assert_eq!(
            p.push("late".to_owned()),
            Err("late".to_owned()),
            "ring_full_hands_back_and_keeps_the_unread: capacity {cap}: a full ring took a push"
        );
        assert_eq!(
            c.pop().as_deref(),
            Some("0"),
            "ring_full_hands_back_and_keeps_the_unread: capacity {cap}: the oldest unread is gone"
        );
        assert!(
            p.push("next".to_owned()).is_ok(),
            "capacity {cap}: no room after a pop"
        );
        assert!(
            p.push("over".to_owned()).is_err(),
            "capacity {cap}: room for two after a pop"
        );
        for i in 1..cap {
            assert_eq!(c.pop(), Some(i.to_string()), "capacity {cap}: message {i}");
        }
        assert_eq!(c.pop().as_deref(), Some("next"), "capacity {cap}");
        assert_eq!(c.pop(), None, "capacity {cap}: empty at the end");
    }
}

/// A producer and a consumer on two threads, waiting with the rings' policy: every message
/// arrives once, in order.
pub fn ring_two_threads_in_order<R: Ring>() {
    for cap in CAPACITIES {
        let (mut p, mut c) = ring::<R, u64>(cap);
        let producer = spawn_watched("ring producer", move || {
            for i in 0..COUNT as u64 {
                p.push_waiting(i);
            }
        });
        for expected in 0..COUNT as u64 {
            let v = c.pop_waiting();
            assert_eq!(
                v, expected,
                "ring_two_threads_in_order: capacity {cap}: expected {expected}, got {v}"
            );
        }
        producer.join();
        assert_eq!(
            c.pop(),
            None,
            "ring_two_threads_in_order: capacity {cap}: a message more"
        );
    }
}

/// Messages popped and messages still in the ring when both halves drop are each dropped once.
pub fn ring_drops_exactly_once<R: Ring>() {
    let n = 64;
    let tally = DropTally::new(n);
    let (mut p, mut c) = ring::<R, Counted>(n);
    for i in 0..n {
        assert!(
            p.push(tally.message(i)).is_ok(),
            "ring_drops_exactly_once: push {i}"
        );
    }
    for _ in 0..n / 2 {
        drop(c.pop().expect("ring_drops_exactly_once: a pushed message"));
    }
    drop(p);
    drop(c);
    tally.assert_each_dropped_once("ring_drops_exactly_once");
}
