//! The async scenarios, generic over the implementation `C: AsyncChannel` and the flavor `M`,
//! run on a tokio runtime of either [`Flavor`] by [`runtime::run`]: tasks spawned before the
//! clock, released by one gate, timed from the first start to the last end (see
//! [`runtime`](crate::runtime)). Messages are `u64`s; every consumer counts what it received and
//! the total is checked, so a lost message panics rather than reporting a fast number.
//!
//! The sync workloads' jobs, as tasks: `spsc` / `mpsc` (producer tasks, one consumer task),
//! `mpmc`, `ping_pong` between two tasks, and the two bridges between a plain thread and a task
//! ([`thread_to_task`], [`task_to_thread`]): a blocking worker feeding an async server, and back.

use std::{hint::black_box, sync::Arc};

use chanbench_core::asynchronous::{
    AsyncChannel, AsyncMultiConsumer, AsyncReceiver, AsyncSender, Bridge, MakeAsync,
};

use crate::{
    payload::Payload,
    placement::Team,
    runtime::{self, AsyncGate, Flavor, Task},
    workload::{Measured, split},
};

fn measured(workload: &str, timed: runtime::AsyncTimed, messages: u64) -> Measured {
    assert_eq!(
        timed.received, messages,
        "{workload}: {messages} messages sent, {} received",
        timed.received
    );
    Measured {
        elapsed: timed.elapsed,
        messages,
        latency: None,
    }
}

/// Producer tasks sharing `messages` between them; consumes `tx`, so the channel disconnects
/// when they finish.
pub(crate) fn producers<C: AsyncChannel, P: Payload>(
    gate: &Arc<AsyncGate>,
    tx: AsyncSender<C, P>,
    producers: usize,
    messages: u64,
) -> Vec<Task> {
    split(messages, producers)
        .into_iter()
        .map(|n| {
            let mut tx = tx.clone();
            let source = P::source(); // Prepared here, before the gate.
            gate.task(async move {
                for i in 0..n {
                    if tx.send(P::make(&source, i)).await.is_err() {
                        panic!("async send failed: the consumer is gone");
                    }
                }
                0
            })
        })
        .collect()
}

/// A consumer task: receives until every sender is gone.
fn consumer<C: AsyncChannel, P: Payload>(
    gate: &Arc<AsyncGate>,
    mut rx: AsyncReceiver<C, P>,
) -> Task {
    gate.task(async move {
        let mut received = 0u64;
        while let Ok(msg) = rx.recv().await {
            black_box(msg);
            received += 1;
        }
        received
    })
}

/// **async-spsc** (`producers` = 1) and **async-mpsc**: producer tasks stream `messages` `P`s
/// (the matrix's: `u64`s) to one consumer task.
pub fn mpsc<C: AsyncChannel, M: MakeAsync<C>, P: Payload>(
    team: &Team,
    flavor: Flavor,
    m: M,
    producer_count: usize,
    messages: u64,
) -> Measured {
    let (tx, rx) = m.make::<P>();
    let gate = AsyncGate::new(producer_count + 1);
    let mut tasks = producers(&gate, tx, producer_count, messages);
    tasks.push(consumer(&gate, rx));
    measured(
        "async-mpsc",
        runtime::run(team, flavor, tasks, None),
        messages,
    )
}

/// **async-mpmc**: producer tasks and consumer tasks sharing one queue of `P`s (cloned
/// receivers).
pub fn mpmc<C: AsyncMultiConsumer, M: MakeAsync<C>, P: Payload>(
    team: &Team,
    flavor: Flavor,
    m: M,
    producer_count: usize,
    consumer_count: usize,
    messages: u64,
) -> Measured {
    let (tx, rx) = m.make::<P>();
    let gate = AsyncGate::new(producer_count + consumer_count);
    let mut tasks = producers(&gate, tx, producer_count, messages);
    for _ in 1..consumer_count {
        tasks.push(consumer(&gate, rx.clone()));
    }
    tasks.push(consumer(&gate, rx));
    measured(
        "async-mpmc",
        runtime::run(team, flavor, tasks, None),
        messages,
    )
}

/// **async-ping-pong**: `round_trips` round trips of a `u64` between two tasks over two
/// channels.
pub fn ping_pong<C: AsyncChannel, M: MakeAsync<C>>(
    team: &Team,
    flavor: Flavor,
    m: M,
    round_trips: u64,
) -> Measured {
    let (mut ping_tx, mut ping_rx) = m.make::<u64>();
    let (mut pong_tx, mut pong_rx) = m.make::<u64>();
    let gate = AsyncGate::new(2);
    let pinger = gate.task(async move {
        for i in 0..round_trips {
            if ping_tx.send(i).await.is_err() {
                panic!("async-ping-pong: the ponger is gone");
            }
            let back = pong_rx
                .recv()
                .await
                .expect("async-ping-pong: the ponger is gone");
            assert_eq!(back, i, "async-ping-pong: sent {i}, got {back} back");
        }
        round_trips
    });
    let ponger = gate.task(async move {
        while let Ok(msg) = ping_rx.recv().await {
            if pong_tx.send(msg).await.is_err() {
                panic!("async-ping-pong: the pinger is gone");
            }
        }
        0
    });
    let timed = runtime::run(team, flavor, vec![pinger, ponger], None);
    measured("async-ping-pong", timed, round_trips)
}

/// **thread-to-task**: a plain thread (the team's worker after the runtime's threads) sends
/// `messages` with the library's blocking send; one task receives them.
pub fn thread_to_task<C: Bridge, M: MakeAsync<C>>(
    team: &Team,
    flavor: Flavor,
    m: M,
    messages: u64,
) -> Measured {
    let (mut tx, rx) = m.make::<u64>();
    let gate = AsyncGate::new(2);
    let sender = gate.thread(move || {
        for i in 0..messages {
            if tx.blocking_send(i).is_err() {
                panic!("thread-to-task: the task is gone");
            }
        }
        0
    });
    let timed = runtime::run(team, flavor, vec![consumer(&gate, rx)], Some(sender));
    measured("thread-to-task", timed, messages)
}

/// **task-to-thread**: one task sends `messages`; a plain thread receives them with the
/// library's blocking receive.
pub fn task_to_thread<C: Bridge, M: MakeAsync<C>>(
    team: &Team,
    flavor: Flavor,
    m: M,
    messages: u64,
) -> Measured {
    let (tx, mut rx) = m.make::<u64>();
    let gate = AsyncGate::new(2);
    let receiver = gate.thread(move || {
        let mut received = 0u64;
        while let Ok(msg) = rx.blocking_recv() {
            black_box(msg);
            received += 1;
        }
        received
    });
    let tasks = producers(&gate, tx, 1, messages);
    let timed = runtime::run(team, flavor, tasks, Some(receiver));
    measured("task-to-thread", timed, messages)
}
