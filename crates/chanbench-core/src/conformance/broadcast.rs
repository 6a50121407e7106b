//! The broadcast checks: every [`Broadcast`](crate::shapes::broadcast::Broadcast), on both
//! tokio runtime flavours (feature `async-conformance`).

use crate::{
    TrySendError,
    shapes::broadcast::{Broadcast, BroadcastRecvError, Lagging},
};

use super::runtime::Runtime;

/// Subscribers in the delivery checks, the first one included.
const SUBSCRIBERS: usize = 3;
/// Messages in the two-task delivery check.
const STREAM: u64 = if cfg!(miri) { 50 } else { 5_000 };

/// Every subscriber receives every message, in order, then hears the sender is gone.
pub fn broadcast_every_subscriber_gets_every_message<B: Broadcast>(rt: Runtime) {
    rt.block_on(async {
        let (tx, first) = B::raw_broadcast::<u64>(16);
        let mut subscribers = vec![first];
        for _ in 1..SUBSCRIBERS {
            subscribers.push(B::subscribe(&tx));
        }
        for i in 0..10 {
            assert!(
                B::try_send(&tx, i).is_ok(),
                "broadcast_every_subscriber_gets_every_message: send {i} refused below capacity"
            );
        }
        drop(tx);
        for (s, rx) in subscribers.iter_mut().enumerate() {
            for i in 0..10 {
                assert_eq!(
                    B::recv(rx).await,
                    Ok(i),
                    "broadcast_every_subscriber_gets_every_message: subscriber {s}, message {i}"
                );
            }
            assert_eq!(
                B::recv(rx).await,
                Err(BroadcastRecvError::Closed),
                "broadcast_every_subscriber_gets_every_message: subscriber {s} after the sender"
            );
        }
    });
}

/// A sender task and subscriber tasks: each subscriber accounts for every message, received in
/// order or reported lost (the libraries that drop the oldest report how many).
pub fn broadcast_subscriber_tasks_account_for_every_message<B: Broadcast>(rt: Runtime) {
    rt.block_on(async {
        let (tx, first) = B::raw_broadcast::<u64>(64);
        let mut subscribers = vec![first];
        for _ in 1..SUBSCRIBERS {
            subscribers.push(B::subscribe(&tx));
        }
        let tasks: Vec<_> = subscribers
            .into_iter()
            .map(|mut rx| {
                tokio::spawn(async move {
                    let (mut next, mut lost) = (0u64, 0u64);
                    loop {
                        match B::recv(&mut rx).await {
                            Ok(v) => {
                                assert!(v >= next, "a message out of order: {v} after {next}");
                                next = v + 1;
                            }
                            Err(BroadcastRecvError::Lagged(n)) => {
                                assert_eq!(B::LAGGING, Lagging::DropsOldest, "lagged");
                                lost += n;
                            }
                            Err(BroadcastRecvError::Closed) => return (next, lost),
                        }
                    }
                })
            })
            .collect();
        for i in 0..STREAM {
            B::send(&tx, i)
                .await
                .expect("broadcast_subscriber_tasks_account_for_every_message: no subscriber");
        }
        drop(tx);
        for (s, task) in tasks.into_iter().enumerate() {
            let (next, lost) = task.await.expect("a subscriber task panicked");
            assert_eq!(
                next, STREAM,
                "broadcast_subscriber_tasks_account_for_every_message: subscriber {s} ended at \
                 {next} of {STREAM} ({lost} reported lost)"
            );
        }
    });
}

/// A subscriber `capacity` behind: the library does what its `LAGGING` says.
pub fn broadcast_lagging_follows_the_declared_rule<B: Broadcast>(rt: Runtime) {
    rt.block_on(async {
        let (tx, mut slow) = B::raw_broadcast::<u64>(4);
        for i in 0..4 {
            assert!(
                B::try_send(&tx, i).is_ok(),
                "send {i} refused below capacity"
            );
        }
        match B::LAGGING {
            Lagging::DropsOldest => {
                for i in 4..7 {
                    assert!(
                        B::try_send(&tx, i).is_ok(),
                        "send {i} refused: it drops the oldest"
                    );
                }
                assert_eq!(
                    B::recv(&mut slow).await,
                    Err(BroadcastRecvError::Lagged(3)),
                    "broadcast_lagging_follows_the_declared_rule: the slow subscriber's loss"
                );
                for i in 3..7 {
                    assert_eq!(B::recv(&mut slow).await, Ok(i), "the newest kept, {i}");
                }
            }
            Lagging::WaitsForSlowest => {
                assert!(
                    matches!(B::try_send(&tx, 4), Err(TrySendError::Full(4))),
                    "broadcast_lagging_follows_the_declared_rule: a send past the slowest"
                );
                assert_eq!(B::recv(&mut slow).await, Ok(0));
                assert!(
                    B::try_send(&tx, 4).is_ok(),
                    "no room after the slowest received"
                );
                for i in 1..5 {
                    assert_eq!(B::recv(&mut slow).await, Ok(i), "message {i}");
                }
            }
        }
    });
}

/// A subscriber receives what is sent after it subscribed, not before.
pub fn broadcast_late_subscriber_starts_at_its_subscription<B: Broadcast>(rt: Runtime) {
    rt.block_on(async {
        let (tx, mut early) = B::raw_broadcast::<u64>(8);
        assert!(B::try_send(&tx, 1).is_ok());
        let mut late = B::subscribe(&tx);
        assert!(B::try_send(&tx, 2).is_ok());
        assert_eq!(B::recv(&mut early).await, Ok(1));
        assert_eq!(B::recv(&mut early).await, Ok(2));
        assert_eq!(
            B::recv(&mut late).await,
            Ok(2),
            "broadcast_late_subscriber_starts_at_its_subscription"
        );
    });
}
