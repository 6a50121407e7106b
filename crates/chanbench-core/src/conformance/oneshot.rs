//! The oneshot checks: every [`Oneshot`](crate::shapes::oneshot::Oneshot), on both tokio
//! runtime flavours (feature `async-conformance`).

use crate::{
    RecvError, TryRecvError,
    shapes::oneshot::{Oneshot, oneshot},
};

use super::{payloads::*, runtime::Runtime};

/// Exchanges in the two-task check.
const EXCHANGES: u64 = if cfg!(miri) { 20 } else { 2_000 };

/// A message sent before the receiver waits, and one sent by another task while it waits, each
/// arrive; many exchanges between two tasks each deliver their own message.
pub fn oneshot_delivers<O: Oneshot>(rt: Runtime) {
    rt.block_on(async {
        let (tx, rx) = oneshot::<O, u64>();
        assert_eq!(tx.send(7), Ok(()), "oneshot_delivers: send before the wait");
        assert_eq!(
            rx.recv().await,
            Ok(7),
            "oneshot_delivers: sent before the wait"
        );
        let (requests, mut inbox) = tokio::sync::mpsc::unbounded_channel();
        let server = tokio::spawn(async move {
            let mut served = 0u64;
            while let Some((i, tx)) = inbox.recv().await {
                let tx: crate::shapes::oneshot::OneshotSender<O, u64> = tx;
                tx.send(i)
                    .expect("oneshot_delivers: the waiting receiver is gone");
                served += 1;
            }
            served
        });
        for i in 0..EXCHANGES {
            let (tx, rx) = oneshot::<O, u64>();
            requests.send((i, tx)).expect("the server task is gone");
            assert_eq!(rx.recv().await, Ok(i), "oneshot_delivers: exchange {i}");
        }
        drop(requests);
        assert_eq!(server.await.expect("the server task panicked"), EXCHANGES);
    });
}

/// After its message a receiver has nothing more to give, whatever other oneshots carry: a
/// oneshot that delivers twice (a slot reused before it is spent) fails here.
pub fn oneshot_delivers_exactly_once<O: Oneshot>(_rt: Runtime) {
    let (tx_a, mut rx_a) = oneshot::<O, u64>();
    let (tx_b, mut rx_b) = oneshot::<O, u64>();
    assert_eq!(
        rx_a.try_recv(),
        Err(TryRecvError::Empty),
        "oneshot_delivers_exactly_once: a message before any send"
    );
    assert_eq!(tx_a.send(1), Ok(()));
    assert_eq!(
        rx_a.try_recv(),
        Ok(1),
        "oneshot_delivers_exactly_once: the first exchange"
    );
    assert_eq!(tx_b.send(2), Ok(()));
    assert!(
        rx_a.try_recv().is_err(),
        "oneshot_delivers_exactly_once: a spent receiver gave a second message"
    );
    assert_eq!(
        rx_b.try_recv(),
        Ok(2),
        "oneshot_delivers_exactly_once: the second exchange"
    );
}

/// A sender dropped unsent wakes the waiting receiver with [`RecvError`]; a send to a dropped
/// receiver hands the message back.
pub fn oneshot_disconnection<O: Oneshot>(rt: Runtime) {
    rt.block_on(async {
        let (tx, rx) = oneshot::<O, u64>();
        let waiter = tokio::spawn(rx.recv());
        tokio::task::yield_now().await;
        drop(tx);
        assert_eq!(
            waiter.await.expect("the waiting task panicked"),
            Err(RecvError),
            "oneshot_disconnection: a dropped sender"
        );
        let (tx, rx) = oneshot::<O, String>();
        drop(rx);
        assert_eq!(
            tx.send("kept".to_owned()),
            Err("kept".to_owned()),
            "oneshot_disconnection: a send to a dropped receiver"
        );
    });
}

/// A message sent and never received is dropped once, with the receiver.
pub fn oneshot_drops_exactly_once<O: Oneshot>(_rt: Runtime) {
    let tally = DropTally::new(2);
    let (tx, rx) = oneshot::<O, Counted>();
    assert!(tx.send(tally.message(0)).is_ok());
    drop(rx);
    let (tx, mut rx) = oneshot::<O, Counted>();
    assert!(tx.send(tally.message(1)).is_ok());
    drop(
        rx.try_recv()
            .expect("oneshot_drops_exactly_once: the message"),
    );
    drop(rx);
    tally.assert_each_dropped_once("oneshot_drops_exactly_once");
}
