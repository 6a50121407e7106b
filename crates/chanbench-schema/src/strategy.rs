//! The strategy a cell runs, typed: each strategy family's ways of doing its job, stored and
//! labelled by the names they had as strings (`thread-per-source`, `pool-batch-64`,
//! `sleep=50µs`), so stored runs load and no crate spells them again.

use std::{fmt, str::FromStr, time::Duration};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{
    vocabulary::Runtime,
    vocabulary::{UnknownName, vocabulary},
    workload::Workload,
};

vocabulary!(
    /// How N sources reach one handler over channels without native select (`sources`, and
    /// `fan-in`'s `merged`).
    Serve, "serve" {
        /// A forwarding thread per source into one channel.
        ThreadPerSource => "thread-per-source",
        /// Round-robin `try_recv` over one channel per source.
        RoundRobin => "round-robin",
        /// One channel shared by every source.
        Merged => "merged",
    }
);

vocabulary!(
    /// A `distribute` strategy without a channel: registered under its own name.
    Split, "split" {
        /// One thread, no coordination.
        Sequential => "sequential",
        /// rayon's work-stealing pool.
        Rayon => "rayon",
        /// Equal static shares on the team's threads.
        TeamSplit => "team-split",
        /// Equal static shares on threads started per job (`std::thread::scope`).
        ScopeSplit => "scope-split",
        /// A dispatcher and workers around a locked queue.
        MutexQueue => "mutex-queue",
    }
);

vocabulary!(
    /// How a `service` request is answered.
    Answer, "answer" {
        /// One thread holding the state, reading one channel.
        OneThread => "one-thread",
        /// A second thread, a channel each way.
        TwoThreads => "two-threads",
        /// A direct call, no channel.
        DirectCall => "direct-call",
    }
);

vocabulary!(
    /// How a `transport` node reads its connections.
    Receiver, "transport receiver" {
        /// A blocking reader thread per connection, forwarding into one channel.
        ThreadPerStream => "thread-per-stream",
        /// One thread, non-blocking reads round-robin.
        Polling => "polling",
        /// One thread, a mio (epoll) event loop.
        Epoll => "epoll",
        /// A tokio task per connection on the `current_thread` runtime.
        TokioCurrentThread => "tokio-current-thread",
        /// A tokio task per connection on the `multi_thread` runtime.
        TokioMultiThread => "tokio-multi-thread",
        /// One thread, a `recv` in flight per connection on an io_uring.
        IoUring => "io-uring",
    }
);

impl Receiver {
    /// The tokio runtime it runs on, if it is a tokio receiver.
    pub fn runtime(self) -> Option<Runtime> {
        match self {
            Receiver::TokioCurrentThread => Some(Runtime::CurrentThread),
            Receiver::TokioMultiThread => Some(Runtime::MultiThread),
            _ => None,
        }
    }
}

/// How a `receive` consumer waits for the next message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Wait {
    /// `recv()`: the channel parks the thread and the sender wakes it.
    Block,
    /// `try_recv()` in a loop with a spin hint between polls.
    Spin,
    /// `try_recv()`, then `thread::yield_now()` when empty.
    Yield,
    /// `try_recv()`, then `thread::sleep(interval)` when empty: `sleep=50µs`.
    Sleep(Duration),
}

impl fmt::Display for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wait::Block => f.write_str("block"),
            Wait::Spin => f.write_str("spin"),
            Wait::Yield => f.write_str("yield"),
            Wait::Sleep(d) => write!(f, "sleep={d:?}"),
        }
    }
}

impl FromStr for Wait {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownName {
            what: "wait",
            found: s.to_owned(),
            expected: "block, spin, yield, sleep=<duration>".to_owned(),
        };
        match s {
            "block" => Ok(Wait::Block),
            "spin" => Ok(Wait::Spin),
            "yield" => Ok(Wait::Yield),
            _ => {
                let d = s.strip_prefix("sleep=").ok_or_else(unknown)?;
                let d = humantime::parse_duration(d).map_err(|_| unknown())?;
                Ok(Wait::Sleep(d))
            }
        }
    }
}

/// The strategy of a cell: its family's way, or the zero-cost pair's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Strategy {
    /// `sources` (and `fan-in`'s `merged`) over channels without select.
    Serve(Serve),
    /// Native select over one channel per source (`sources`, `fan-in`): `select`.
    Select,
    /// `receive`'s way of waiting.
    Wait(Wait),
    /// `distribute` through a pool of workers reading a multi-consumer channel, `batch` items
    /// per message: `pool-per-item` (1), `pool-batch-64`.
    Pool {
        /// Items per message.
        batch: u64,
    },
    /// `distribute` without a channel.
    Split(Split),
    /// `service`'s way of answering.
    Answer(Answer),
    /// `transport`'s receiver.
    Receiver(Receiver),
    /// The side of the zero-cost pair: the workload both of its cells run (`seq`, `spsc`).
    Side(Workload),
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Strategy::Serve(s) => s.fmt(f),
            Strategy::Select => f.write_str("select"),
            Strategy::Wait(w) => w.fmt(f),
            Strategy::Pool { batch: 1 } => f.write_str("pool-per-item"),
            Strategy::Pool { batch } => write!(f, "pool-batch-{batch}"),
            Strategy::Split(s) => s.fmt(f),
            Strategy::Answer(a) => a.fmt(f),
            Strategy::Receiver(r) => r.fmt(f),
            Strategy::Side(w) => w.fmt(f),
        }
    }
}

impl FromStr for Strategy {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let pool = match s {
            "pool-per-item" => Some(1),
            _ => s.strip_prefix("pool-batch-").and_then(|b| b.parse().ok()),
        };
        let found = [
            s.parse().ok().map(Strategy::Serve),
            (s == "select").then_some(Strategy::Select),
            s.parse().ok().map(Strategy::Wait),
            pool.map(|batch| Strategy::Pool { batch }),
            s.parse().ok().map(Strategy::Split),
            s.parse().ok().map(Strategy::Answer),
            s.parse().ok().map(Strategy::Receiver),
            s.parse().ok().map(Strategy::Side),
        ];
        found
            .into_iter()
            .flatten()
            .next()
            .ok_or_else(|| UnknownName {
                what: "strategy",
                found: s.to_owned(),
                expected: "a serve, select, a wait, a pool, a split, an answer, a transport \
                       receiver or a workload"
                    .to_owned(),
            })
    }
}

impl From<Serve> for Strategy {
    fn from(s: Serve) -> Self {
        Strategy::Serve(s)
    }
}

impl From<Wait> for Strategy {
    fn from(w: Wait) -> Self {
        Strategy::Wait(w)
    }
}

impl From<Split> for Strategy {
    fn from(s: Split) -> Self {
        Strategy::Split(s)
    }
}

impl From<Answer> for Strategy {
    fn from(a: Answer) -> Self {
        Strategy::Answer(a)
    }
}

impl From<Receiver> for Strategy {
    fn from(r: Receiver) -> Self {
        Strategy::Receiver(r)
    }
}

/// Stored as its name.
impl Serialize for Strategy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Read from its name.
impl<'de> Deserialize<'de> for Strategy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every strategy the bench registers, and the zero-cost sides.
    fn every() -> Vec<Strategy> {
        let mut all: Vec<Strategy> = Vec::new();
        all.extend(Serve::ALL.iter().map(|&s| Strategy::Serve(s)));
        all.push(Strategy::Select);
        all.extend(
            [Wait::Block, Wait::Spin, Wait::Yield]
                .into_iter()
                .chain([50_000, 1_000_000].map(|ns| Wait::Sleep(Duration::from_nanos(ns))))
                .map(Strategy::Wait),
        );
        all.extend([1, 64].map(|batch| Strategy::Pool { batch }));
        all.extend(Split::ALL.iter().map(|&s| Strategy::Split(s)));
        all.extend(Answer::ALL.iter().map(|&a| Strategy::Answer(a)));
        all.extend(Receiver::ALL.iter().map(|&r| Strategy::Receiver(r)));
        all.extend([Workload::Seq, Workload::Spsc].map(Strategy::Side));
        all
    }

    #[test]
    fn every_strategy_reads_back_from_its_name_as_itself() {
        for s in every() {
            let name = s.to_string();
            assert_eq!(name.parse::<Strategy>(), Ok(s), "{name} is another's name");
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<Strategy>(&json).unwrap(), s);
        }
    }

    #[test]
    fn the_names_stored_runs_hold_read_back() {
        for (name, strategy) in [
            (
                "sleep=50µs",
                Strategy::Wait(Wait::Sleep(Duration::from_micros(50))),
            ),
            (
                "sleep=1ms",
                Strategy::Wait(Wait::Sleep(Duration::from_millis(1))),
            ),
            ("pool-batch-64", Strategy::Pool { batch: 64 }),
            (
                "tokio-multi-thread",
                Strategy::Receiver(Receiver::TokioMultiThread),
            ),
            ("merged", Strategy::Serve(Serve::Merged)),
            ("seq", Strategy::Side(Workload::Seq)),
        ] {
            assert_eq!(name.parse::<Strategy>(), Ok(strategy));
        }
        for bad in ["sleep=soon", "pool-batch-", "sideways"] {
            let err = bad.parse::<Strategy>().unwrap_err();
            assert_eq!(err.found, bad);
        }
        assert!(serde_json::from_str::<Strategy>("\"sideways\"").is_err());
    }
}
