//! The bounded checks: `bounded` flavors only.

use crate::{Bounded, Make, Rendezvous, TrySendError};

use super::watchdog::*;

/// `try_send` succeeds exactly `capacity` times on an empty channel, then reports `Full` and
/// hands the message back; one `recv` makes room for exactly one more. Capacity 0 is always full
/// while no receiver waits. Checked at the flavor's capacity and at 1, 2 and 64.
pub fn capacity_try_send_full<C: Bounded, M: Make<C>>(m: M) {
    let flavor_cap = m
        .capacity()
        .expect("capacity_try_send_full runs on bounded flavors");
    for cap in [flavor_cap, 1, 2, 64] {
        let (tx, rx) = crate::bounded::<C, usize>(cap);
        for i in 0..cap {
            assert!(
                tx.try_send(i).is_ok(),
                "capacity_try_send_full: try_send #{i} failed below capacity {cap}"
            );
        }
        match tx.try_send(cap) {
            Err(TrySendError::Full(v)) => {
                assert_eq!(v, cap, "capacity_try_send_full: wrong message")
            }
            other => panic!(
                "capacity_try_send_full: try_send at capacity {cap} gave {other:?}, expected Full"
            ),
        }
        if cap > 0 {
            assert_eq!(rx.recv(), Ok(0), "capacity_try_send_full: first message");
            assert!(
                tx.try_send(cap).is_ok(),
                "capacity_try_send_full: no room after one recv"
            );
            assert!(
                tx.try_send(cap + 1).is_err_and(|e| e.is_full()),
                "capacity_try_send_full: room for two after one recv at capacity {cap}"
            );
        }
    }
}

/// A sender blocked on a full channel is woken when the receiver drops, and its send fails.
pub fn blocked_sender_woken_by_disconnect<C: Bounded, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<u64>();
    for i in 0..m.capacity().unwrap_or(0) as u64 {
        tx.try_send(i)
            .expect("blocked_sender_woken_by_disconnect: filling to capacity failed");
    }
    let sender = spawn_watched("blocked sender", move || tx.send(99).is_err());
    drop(rx);
    assert!(
        sender.join(),
        "blocked_sender_woken_by_disconnect: send succeeded after receiver drop"
    );
}

/// Capacity 0: a `send` completes by handing the message to a waiting receiver, and nothing is
/// left buffered afterwards.
pub fn rendezvous_handoff<C: Rendezvous, M: Make<C>>(m: M) {
    assert_eq!(
        m.capacity(),
        Some(0),
        "rendezvous_handoff runs on the capacity-0 flavor"
    );
    let (tx, rx) = m.make::<u64>();
    assert!(
        tx.try_send(0).is_err_and(|e| e.is_full()),
        "rendezvous_handoff: buffered a message"
    );
    let receiver = spawn_watched("receiver", move || {
        let got = rx.recv();
        (got, rx)
    });
    tx.send(1)
        .expect("rendezvous_handoff: send failed with a receiver waiting");
    let (got, rx) = receiver.join();
    assert_eq!(
        got,
        Ok(1),
        "rendezvous_handoff: the receiver did not get the message"
    );
    assert!(
        tx.try_send(2).is_err_and(|e| e.is_full()),
        "rendezvous_handoff: buffered a message"
    );
    drop(rx);
}
