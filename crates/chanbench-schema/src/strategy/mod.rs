//! The strategy a cell runs, typed: each strategy family's ways of doing its job, stored and
//! labelled by the names they had as strings (`thread-per-source`, `pool-batch-64`,
//! `sleep=50µs`), so stored runs load and no crate spells them again.

use std::{fmt, str::FromStr, time::Duration};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{
    vocabulary::Runtime,
    vocabulary::{Examples, UnknownName, vocabulary},
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

impl Examples for Wait {
    fn examples() -> Vec<Self> {
        let sleeps = [50_000, 1_000_000].map(|ns| Wait::Sleep(Duration::from_nanos(ns)));
        [Wait::Block, Wait::Spin, Wait::Yield]
            .into_iter()
            .chain(sleeps)
            .collect()
    }
}

impl Examples for Workload {
    fn examples() -> Vec<Self> {
        Workload::ALL.to_vec()
    }
}

/// Native select over one channel per source (`sources`, `fan-in`): `select`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NativeSelect;

impl fmt::Display for NativeSelect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("select")
    }
}

impl FromStr for NativeSelect {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        (s == "select")
            .then_some(NativeSelect)
            .ok_or_else(|| UnknownName {
                what: "select",
                found: s.to_owned(),
                expected: "select".to_owned(),
            })
    }
}

impl Examples for NativeSelect {
    fn examples() -> Vec<Self> {
        vec![NativeSelect]
    }
}

/// `distribute` through a pool of workers reading a multi-consumer channel, `batch` items per
/// message: `pool-per-item` (1), `pool-batch-64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pool {
    /// Items per message.
    pub batch: u64,
}

impl fmt::Display for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.batch {
            1 => f.write_str("pool-per-item"),
            b => write!(f, "pool-batch-{b}"),
        }
    }
}

impl FromStr for Pool {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let batch = match s {
            "pool-per-item" => Some(1),
            _ => s.strip_prefix("pool-batch-").and_then(|b| b.parse().ok()),
        };
        batch
            .filter(|&b| b > 1 || s == "pool-per-item")
            .map(|batch| Pool { batch })
            .ok_or_else(|| UnknownName {
                what: "pool",
                found: s.to_owned(),
                expected: "pool-per-item, pool-batch-<items>".to_owned(),
            })
    }
}

impl Examples for Pool {
    fn examples() -> Vec<Self> {
        vec![Pool { batch: 1 }, Pool { batch: 64 }]
    }
}

/// The table of strategy families: `Variant(Type)`, each type with `Display`, `FromStr` and
/// [`Examples`] over its names (a `vocabulary!` has all three), generating [`Strategy`], its text
/// and serde forms, and a `From` per family. A name must belong to one family: the first that reads it wins, and a test reads
/// every name back.
macro_rules! strategies {
    ($($(#[$doc:meta])* $variant:ident($ty:ty),)*) => {
        /// The strategy of a cell: its family's way, or the zero-cost pair's side.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Strategy {
            $(
                #[doc = concat!("A [`", stringify!($ty), "`].")]
                $(#[$doc])*
                $variant($ty),
            )*
        }

        impl fmt::Display for Strategy {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $(Strategy::$variant(s) => s.fmt(f),)*
                }
            }
        }

        impl FromStr for Strategy {
            type Err = UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $(if let Ok(v) = s.parse::<$ty>() {
                    return Ok(Strategy::$variant(v));
                })*
                Err(UnknownName {
                    what: "strategy",
                    found: s.to_owned(),
                    expected: [$(stringify!($variant)),*].join(", ").to_lowercase(),
                })
            }
        }

        impl Examples for Strategy {
            fn examples() -> Vec<Self> {
                let mut all = Vec::new();
                $(all.extend(<$ty as Examples>::examples().into_iter().map(Strategy::$variant));)*
                all
            }
        }

        $(impl From<$ty> for Strategy {
            fn from(v: $ty) -> Self {
                Strategy::$variant(v)
            }
        })*
    };
}

strategies! {
    /// `sources` (and `fan-in`'s `merged`) over channels without select.
    Serve(Serve),
    /// Native select (`sources`, `fan-in`).
    Select(NativeSelect),
    /// `receive`'s way of waiting.
    Wait(Wait),
    /// `distribute` through a pool over a channel.
    Pool(Pool),
    /// `distribute` without a channel.
    Split(Split),
    /// `service`'s way of answering.
    Answer(Answer),
    /// `transport`'s receiver.
    Receiver(Receiver),
    /// The side of the zero-cost pair: the workload both of its cells run (`seq`, `spsc`).
    Side(Workload),
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

    #[test]
    fn every_strategy_reads_back_from_its_name_as_itself() {
        let every = Strategy::examples();
        assert!(every.len() > 20, "{every:?}");
        for s in every {
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
            ("pool-batch-64", Strategy::Pool(Pool { batch: 64 })),
            (
                "tokio-multi-thread",
                Strategy::Receiver(Receiver::TokioMultiThread),
            ),
            ("merged", Strategy::Serve(Serve::Merged)),
            ("seq", Strategy::Side(Workload::Seq)),
        ] {
            assert_eq!(name.parse::<Strategy>(), Ok(strategy));
        }
        for bad in ["sleep=soon", "pool-batch-", "pool-batch-1", "sideways"] {
            let err = bad.parse::<Strategy>().unwrap_err();
            assert_eq!(err.found, bad);
        }
        assert!(serde_json::from_str::<Strategy>("\"sideways\"").is_err());
    }
}
