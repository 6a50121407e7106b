//! The core checks: every implementation, under every flavor it has.

use std::time::{Duration, Instant};

use crate::{Channel, Make, RecvError, RecvTimeoutError, TryRecvError, TrySendError};

use super::{limits::*, payloads::*, watchdog::*};

/// One producer's messages arrive in the order sent, none lost or duplicated, then disconnection.
pub fn fifo_single_producer<C: Channel, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<u64>();
    let producer = spawn_watched("producer", move || {
        for i in 0..COUNT as u64 {
            tx.send(i)
                .expect("fifo_single_producer: send failed while the receiver was alive");
        }
    });
    let mut expected = 0u64;
    while let Ok(v) = rx.recv() {
        assert_eq!(
            v, expected,
            "fifo_single_producer: expected message {expected}, got {v}"
        );
        expected += 1;
    }
    producer.join();
    assert_eq!(
        expected, COUNT as u64,
        "fifo_single_producer: {COUNT} messages sent, {expected} received before disconnection"
    );
}

/// Several producers: each producer's messages arrive in its order, all of them exactly once.
pub fn mpsc_per_producer_fifo<C: Channel, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<Tagged>();
    let producers = spawn_producers("mpsc_per_producer_fifo", tx, COUNT);
    let mut next = [0usize; PRODUCERS];
    while let Ok((p, seq)) = rx.recv() {
        assert_eq!(
            seq, next[p],
            "mpsc_per_producer_fifo: producer {p} sent {} next, but {seq} arrived",
            next[p]
        );
        next[p] += 1;
    }
    producers.into_iter().for_each(Watched::join);
    for (p, n) in next.iter().enumerate() {
        assert_eq!(
            *n, COUNT,
            "mpsc_per_producer_fifo: producer {p} sent {COUNT}, {n} arrived"
        );
    }
}

/// Every payload kind (zero-sized, `u64`, `Box`, `String`, a 4 KiB array) arrives intact.
pub fn payload_kinds<C: Channel, M: Make<C>>(m: M) {
    fn one_kind<C: Channel, M: Make<C>, P: Payload>(m: M) {
        let (tx, rx) = m.make::<P>();
        let producer = spawn_watched(P::KIND, move || {
            for i in 0..PAYLOAD_COUNT {
                tx.send(P::make(i)).expect("payload_kinds: send failed");
            }
        });
        let mut i = 0;
        while let Ok(v) = rx.recv() {
            assert!(
                v == P::make(i),
                "payload_kinds: {} message {i} arrived as {v:?}",
                P::KIND
            );
            i += 1;
        }
        producer.join();
        assert_eq!(
            i,
            PAYLOAD_COUNT,
            "payload_kinds: {} sent {PAYLOAD_COUNT}, got {i}",
            P::KIND
        );
    }
    one_kind::<C, M, ()>(m);
    one_kind::<C, M, u64>(m);
    one_kind::<C, M, Box<u64>>(m);
    one_kind::<C, M, String>(m);
    one_kind::<C, M, Large>(m);
}

/// Messages queued when every sender drops are still delivered, then every receive method
/// reports disconnection (and does not block).
pub fn pending_delivered_after_senders_drop<C: Channel, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<u64>();
    let pending = m.capacity().unwrap_or(8).min(8) as u64;
    let tx2 = tx.clone();
    for i in 0..pending {
        tx.send(i)
            .expect("pending_delivered_after_senders_drop: send failed");
    }
    drop((tx, tx2));
    for i in 0..pending {
        assert_eq!(
            rx.recv(),
            Ok(i),
            "pending_delivered_after_senders_drop: queued message {i} was not delivered"
        );
    }
    assert_eq!(
        rx.recv(),
        Err(RecvError),
        "pending_delivered_after_senders_drop: recv"
    );
    assert_eq!(
        rx.try_recv(),
        Err(TryRecvError::Disconnected),
        "pending_delivered_after_senders_drop: try_recv"
    );
    assert_eq!(
        rx.recv_timeout(HANG_LIMIT * 2),
        Err(RecvTimeoutError::Disconnected),
        "pending_delivered_after_senders_drop: recv_timeout"
    );
}

/// Sending after every receiver dropped fails, `try_send` says disconnected (not full) and hands
/// the message back, and each failed message is dropped exactly once.
pub fn send_after_receiver_drop_fails<C: Channel, M: Make<C>>(m: M) {
    let tally = DropTally::new(2);
    let (tx, rx) = m.make::<Counted>();
    drop(rx);
    assert!(
        tx.send(tally.message(0)).is_err(),
        "send_after_receiver_drop_fails: send succeeded with no receiver"
    );
    match tx.try_send(tally.message(1)) {
        Err(TrySendError::Disconnected(msg)) => assert_eq!(msg.id, 1),
        Err(TrySendError::Full(_)) => {
            panic!("send_after_receiver_drop_fails: try_send said Full, expected Disconnected")
        }
        Ok(()) => panic!("send_after_receiver_drop_fails: try_send succeeded with no receiver"),
    }
    drop(tx);
    tally.assert_each_dropped_once("send_after_receiver_drop_fails");
}

/// A receiver blocked in `recv` is woken when the last sender drops.
pub fn blocked_receiver_woken_by_disconnect<C: Channel, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<u64>();
    let receiver = spawn_watched("blocked receiver", move || rx.recv());
    drop(tx);
    assert_eq!(
        receiver.join(),
        Err(RecvError),
        "blocked_receiver_woken_by_disconnect"
    );
}

/// `recv_timeout` on an empty, connected channel times out, no earlier than asked.
pub fn recv_timeout_times_out<C: Channel, M: Make<C>>(m: M) {
    let (_tx, rx) = m.make::<u64>();
    let timeout = Duration::from_millis(20);
    let start = Instant::now();
    assert_eq!(
        rx.recv_timeout(timeout),
        Err(RecvTimeoutError::Timeout),
        "recv_timeout_times_out"
    );
    let waited = start.elapsed();
    assert!(
        waited >= timeout,
        "recv_timeout_times_out: returned after {waited:?}, before {timeout:?}"
    );
    assert_eq!(
        rx.try_recv(),
        Err(TryRecvError::Empty),
        "recv_timeout_times_out: try_recv"
    );
}

/// `recv_timeout` with a long timeout returns as soon as a message arrives.
pub fn recv_timeout_returns_on_message<C: Channel, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<u64>();
    // The timeout exceeds the watchdog's limit: only the message arriving can end the wait in time.
    let receiver = spawn_watched("waiting receiver", move || rx.recv_timeout(HANG_LIMIT * 2));
    tx.send(42)
        .expect("recv_timeout_returns_on_message: send failed");
    assert_eq!(receiver.join(), Ok(42), "recv_timeout_returns_on_message");
}

/// Every message is dropped exactly once: received ones, ones still queued when the channel goes
/// away, and ones whose send failed.
pub fn drops_exactly_once<C: Channel, M: Make<C>>(m: M) {
    let n = if cfg!(miri) { 20 } else { 1_000 };
    let tally = DropTally::new(n);
    let (tx, rx) = m.make::<Counted>();
    let messages: Vec<Counted> = (0..n).map(|i| tally.message(i)).collect();
    let producer = spawn_watched("producer", move || {
        for msg in messages {
            // Once the receiver is gone sends fail; each failed message must still be dropped once.
            let _ = tx.send(msg);
        }
    });
    for _ in 0..n / 2 {
        rx.recv()
            .expect("drops_exactly_once: recv failed while the producer was running");
    }
    drop(rx);
    producer.join();
    tally.assert_each_dropped_once("drops_exactly_once");
}
