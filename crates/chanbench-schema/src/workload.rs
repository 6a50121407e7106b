//! The table of workloads: every fact about a workload that more than one place needs, in one
//! row each. The matrix registers cells under a [`Workload`], the profiles read its [`Pacing`],
//! the report its [`Kind`], [`Unit`], [`Floor`] and [`Latency`], compare and CI its name. A
//! workload missing from the table is a compile error (every `match` here is exhaustive); an
//! unknown name read from a file or a command line is a clear error ([`UnknownWorkload`]).
//!
//! Adding a workload: its module in `chanbench-workloads`, one variant and one row here, its
//! cells in the matrix and its test (see ARCHITECTURE.md).

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// A workload: the criterion group of its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Workload {
    /// One thread sends then receives: the raw cost of the operations.
    Seq,
    /// One producer, one consumer, streaming.
    Spsc,
    /// Several producers, one consumer.
    Mpsc,
    /// Several producers, several consumers.
    Mpmc,
    /// Several sources into one receiver: one shared channel, or native select.
    FanIn,
    /// A message there and back.
    PingPong,
    /// Bursts of messages with pauses between them: the cost of waking a parked receiver.
    Burst,
    /// The hardware floor: no channel at all.
    Floor,
    /// crossbeam-channel called directly beside the same code through the trait.
    ZeroCost,
    /// Strategy family: one job of items spread over the cores.
    Distribute,
    /// Strategy family: blocking versus polling receivers at a paced rate.
    Receive,
    /// Strategy family: receiving from many sources.
    Sources,
    /// Strategy family: a client and a server, on one thread or two, or a direct call.
    Service,
    /// Strategy family: one node receiving from N−1 peers over loopback TCP.
    Transport,
    /// Async: one producer task, one consumer task, on a tokio runtime.
    AsyncSpsc,
    /// Async: producer tasks from the cores, one consumer task.
    AsyncMpsc,
    /// Async: producer and consumer tasks from the cores.
    AsyncMpmc,
    /// Async: a message there and back between two tasks.
    AsyncPingPong,
    /// Async, a shape beyond the channel: a request and its reply over a new oneshot each.
    AsyncOneshot,
    /// Async, a shape beyond the channel: every message to every subscriber.
    AsyncBroadcast,
    /// Lifecycle: a channel created and dropped, both halves, on one thread.
    CreateDrop,
    /// Lifecycle: a receiver blocked in `recv` learns that its last sender is gone.
    SenderGone,
    /// Lifecycle: a sender blocked in `send` on a full channel learns that its receiver is gone.
    ReceiverGone,
    /// Lifecycle, async: `create-drop` of an async channel.
    AsyncCreateDrop,
    /// Lifecycle, async: a task waiting in `recv` learns that its last sender is gone.
    AsyncSenderGone,
    /// Lifecycle, async: a task waiting in `send` learns that its receiver is gone.
    AsyncReceiverGone,
    /// Async bridge: a plain thread's blocking sends into a task.
    ThreadToTask,
    /// Async bridge: a task's sends into a plain thread's blocking receives.
    TaskToThread,
    /// Behaviour: latency at fixed fractions of the channel's own saturation rate, from each
    /// message's intended send time.
    OfferedLoad,
    /// Behaviour: each consumer's, producer's or selected source's share under saturation.
    Fairness,
    /// Behaviour: the same streaming cells with busy hog threads on the roles' cores, and
    /// without.
    BackgroundLoad,
    /// Behaviour: bytes of an empty channel, per queued message and after a drained burst.
    Memory,
    /// Behaviour, async: `offered-load` between two tasks.
    AsyncOfferedLoad,
    /// Behaviour, async: `fairness` of consumer and producer tasks.
    AsyncFairness,
    /// Behaviour, async: `background-load` of the async streaming cells.
    AsyncBackgroundLoad,
    /// Behaviour, async: `memory` of an async channel.
    AsyncMemory,
}

/// What a workload's cells are, which decides where the report shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Channel implementations on the same job: ranked against each other.
    Channel,
    /// A strategy family: its own section, channel-less strategies beside the channels.
    Strategy,
    /// A baseline (the floor, the zero-cost pair): not an implementation's cell.
    Baseline,
    /// Channel implementations observed beyond their speed (latency at an offered load,
    /// fairness, background load, memory): each family its own section, from every process's
    /// observation; never in the speed rankings.
    Behaviour,
}

/// What one iteration of a cell is: the unit its times are per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// One message sent and received.
    Message,
    /// One message there and one back.
    RoundTrip,
    /// One item of a job done.
    Item,
    /// One request served and answered.
    Request,
    /// One frame read from a socket and handled.
    Frame,
    /// One empty channel created and dropped.
    NewChannel,
    /// One blocked side woken by the other side's drop (a wake-up, timed by design).
    Notice,
}

impl Unit {
    /// Every unit, in the order the report explains them.
    pub const ALL: [Unit; 7] = [
        Unit::Message,
        Unit::RoundTrip,
        Unit::Item,
        Unit::Request,
        Unit::Frame,
        Unit::NewChannel,
        Unit::Notice,
    ];

    /// What one unit is, after its short form: `/round trip` is "one there and back".
    pub fn meaning(self) -> &'static str {
        match self {
            Unit::Message => "one message sent and received",
            Unit::RoundTrip => "one there and back",
            Unit::Item => "one item of a job",
            Unit::Request => "one request answered",
            Unit::Frame => "one frame read from a socket and handled",
            Unit::NewChannel => "one empty channel created and dropped",
            Unit::Notice => "one blocked side woken by the other side's drop (a wake-up, timed)",
        }
    }

    /// The unit after "per": `message`, `round trip`, `item`, `request`.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Message => "message",
            Unit::RoundTrip => "round trip",
            Unit::Item => "item",
            Unit::Request => "request",
            Unit::Frame => "frame",
            Unit::NewChannel => "channel",
            Unit::Notice => "notice",
        }
    }

    /// The short form after a time: `/msg`, `/round trip`, `/item`, `/request`.
    pub fn per(self) -> &'static str {
        match self {
            Unit::Message => "/msg",
            Unit::RoundTrip => "/round trip",
            Unit::Item => "/item",
            Unit::Request => "/request",
            Unit::Frame => "/frame",
            Unit::NewChannel => "/channel",
            Unit::Notice => "/notice",
        }
    }
}

/// A hardware-floor baseline: what the machine does without any channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Floor {
    /// An atomic flag bounced between two threads: the floor of a round trip.
    AtomicPingPong,
    /// A lock-free single-producer ring of spinning slots: the floor of streaming.
    SpscRing,
}

impl Floor {
    /// Every floor baseline.
    pub const ALL: [Floor; 2] = [Floor::AtomicPingPong, Floor::SpscRing];

    /// The baseline's implementation id in the `floor` workload.
    pub fn id(self) -> &'static str {
        match self {
            Floor::AtomicPingPong => "atomic-ping-pong",
            Floor::SpscRing => "spsc-ring",
        }
    }

    /// The unit of the baseline's own time.
    pub fn unit(self) -> Unit {
        match self {
            Floor::AtomicPingPong => Unit::RoundTrip,
            Floor::SpscRing => Unit::Message,
        }
    }

    /// The baseline whose implementation id is `id`.
    pub fn with_id(id: &str) -> Option<Floor> {
        Self::ALL.into_iter().find(|f| f.id() == id)
    }
}

/// What a workload is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloorRule {
    /// "× floor" is its time over this baseline's on the same placement.
    Against(Floor),
    /// No floor applies, and why.
    None(&'static str),
}

/// What the cost run's latency percentiles measure, where a workload records them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Latency {
    /// Nothing recorded.
    None,
    /// From a message's send to its receipt.
    OneWay,
    /// From a request's send to its answer's receipt.
    RoundTrip,
    /// From a message's intended send time on an open-loop schedule to its receipt: a sender
    /// that falls behind its schedule adds its lateness (coordinated omission corrected).
    Intended,
    /// From one side's drop to the blocked other side's wake: a wake-up, timed by design.
    Notice,
}

impl Latency {
    /// The axis label of a latency chart.
    pub fn axis(self) -> &'static str {
        match self {
            Latency::None => "ns",
            Latency::OneWay => "ns (one way: send to receipt)",
            Latency::RoundTrip => "ns (round trip: send to answer)",
            Latency::Intended => "ns (intended send to receipt)",
            Latency::Notice => "ns (a drop to the blocked side's wake)",
        }
    }
}

/// How a workload's messages are paced, which decides how long criterion measures it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pacing {
    /// As fast as they go: the profile's measurement time.
    Saturated,
    /// Bursts with pauses outside the measured interval: a tenth of it (the pauses multiply
    /// the wall time).
    Bursts,
    /// A message every 100 us or more, only latency measured: the paced minimum.
    Paced,
    /// Roles sharing their cores with busy threads: at least 60 ms per sample (ten times the
    /// default profile's measurement), so that each sample spans many scheduler slices rather
    /// than one thread's luck in one slice.
    Shared,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkloadFacts {
    /// The name: criterion group, command-line value, folder of its criterion files.
    pub name: &'static str,
    /// Where its cells belong.
    pub kind: Kind,
    /// What its times are per.
    pub unit: Unit,
    /// What it is measured against.
    pub floor: FloorRule,
    /// What its latency percentiles measure; a workload may record them in some cells only.
    pub latency: Latency,
    /// How its messages are paced.
    pub pacing: Pacing,
    /// One line for the report and `--help`.
    pub summary: &'static str,
}

impl Workload {
    /// Every workload, in the order the report shows them.
    pub const ALL: [Workload; 36] = [
        Workload::Seq,
        Workload::Spsc,
        Workload::Mpsc,
        Workload::Mpmc,
        Workload::FanIn,
        Workload::PingPong,
        Workload::Burst,
        Workload::AsyncSpsc,
        Workload::AsyncMpsc,
        Workload::AsyncMpmc,
        Workload::AsyncPingPong,
        Workload::ThreadToTask,
        Workload::TaskToThread,
        Workload::AsyncOneshot,
        Workload::AsyncBroadcast,
        Workload::CreateDrop,
        Workload::SenderGone,
        Workload::ReceiverGone,
        Workload::AsyncCreateDrop,
        Workload::AsyncSenderGone,
        Workload::AsyncReceiverGone,
        Workload::Distribute,
        Workload::Receive,
        Workload::Sources,
        Workload::Service,
        Workload::Transport,
        Workload::OfferedLoad,
        Workload::Fairness,
        Workload::BackgroundLoad,
        Workload::Memory,
        Workload::AsyncOfferedLoad,
        Workload::AsyncFairness,
        Workload::AsyncBackgroundLoad,
        Workload::AsyncMemory,
        Workload::Floor,
        Workload::ZeroCost,
    ];

    /// Its row of the table. One line per workload, kept a table on purpose.
    #[rustfmt::skip]
    pub const fn facts(self) -> WorkloadFacts {
        use {Kind::*, Latency as L, Pacing::*, Unit::*};
        const STREAMING: FloorRule = FloorRule::Against(Floor::SpscRing);
        const ROUND_TRIP: FloorRule = FloorRule::Against(Floor::AtomicPingPong);
        const fn row(name: &'static str, kind: Kind, unit: Unit, floor: FloorRule, latency: Latency, pacing: Pacing, summary: &'static str) -> WorkloadFacts {
            WorkloadFacts { name, kind, unit, floor, latency, pacing, summary }
        }
        let none = FloorRule::None;
        match self {
            Workload::Seq =>        row("seq",        Channel,  Message,   none("one thread: no transfer between cores"), L::None,      Saturated, "one thread sends, then receives"),
            Workload::Spsc =>       row("spsc",       Channel,  Message,   STREAMING,                                     L::None,      Saturated, "one producer, one consumer"),
            Workload::Mpsc =>       row("mpsc",       Channel,  Message,   STREAMING,                                     L::None,      Saturated, "producers from the cores, one consumer"),
            Workload::Mpmc =>       row("mpmc",       Channel,  Message,   STREAMING,                                     L::None,      Saturated, "producers and consumers from the cores"),
            Workload::FanIn =>      row("fan-in",     Channel,  Message,   STREAMING,                                     L::OneWay,    Saturated, "four sources into one receiver: merged or select"),
            Workload::PingPong =>   row("ping-pong",  Channel,  RoundTrip, ROUND_TRIP,                                    L::RoundTrip, Saturated, "a message there and back"),
            Workload::Burst =>      row("burst",      Channel,  Message,   STREAMING,                                     L::OneWay,    Bursts,    "bursts of 8 with pauses: waking a parked receiver"),
            Workload::Distribute => row("distribute", Strategy, Item,      none("work per item, not a transfer"),         L::None,      Saturated, "one job of items over the cores"),
            Workload::Receive =>    row("receive",    Strategy, Message,   none("paced: the time is latency"),            L::OneWay,    Paced,     "blocking versus polling receivers at a paced rate"),
            Workload::Sources =>    row("sources",    Strategy, Message,   none("many senders: no two-thread floor"),     L::OneWay,    Saturated, "thread per source, select, round-robin, merged"),
            Workload::Service =>    row("service",    Strategy, Request,   none("a request's handling dominates"),        L::RoundTrip, Saturated, "client and server on one thread, two, or a direct call"),
            Workload::Transport =>  row("transport",  Strategy, Frame,     none("frames cross sockets: no in-process floor"), L::OneWay, Saturated, "N-1 peers over loopback TCP: thread per stream, polling, epoll, tokio"),
            Workload::Floor =>      row("floor",      Baseline, Message,   none("it is the floor"),                       L::None,      Saturated, "the hardware floor: no channel"),
            Workload::ZeroCost =>   row("zero-cost",  Baseline, Message,   none("a check of the trait, not a channel"),   L::None,      Saturated, "crossbeam directly and through the trait"),
            Workload::AsyncSpsc =>  row("async-spsc", Channel,  Message,   STREAMING,                                     L::None,      Saturated, "tasks: one producer, one consumer"),
            Workload::AsyncMpsc =>  row("async-mpsc", Channel,  Message,   STREAMING,                                     L::None,      Saturated, "tasks: producers from the cores, one consumer"),
            Workload::AsyncMpmc =>  row("async-mpmc", Channel,  Message,   STREAMING,                                     L::None,      Saturated, "tasks: producers and consumers from the cores"),
            Workload::AsyncPingPong => row("async-ping-pong", Channel, RoundTrip, ROUND_TRIP,                          L::None,      Saturated, "tasks: a message there and back"),
            Workload::AsyncOneshot => row("async-oneshot", Channel, Request, none("a new channel per request, not a transfer"), L::None, Saturated, "tasks: a request and its reply over a new oneshot each (or a bounded(1) channel used once)"),
            Workload::AsyncBroadcast => row("async-broadcast", Channel, Message, none("each message is copied to every subscriber"), L::OneWay, Saturated, "tasks: one sender, every message to 1, 2 and twice as many subscribers as cores"),
            Workload::CreateDrop => row("create-drop", Channel, NewChannel, none("no transfer: a channel's creation is the work"), L::None, Saturated, "a channel created and dropped, both halves, on one thread"),
            Workload::SenderGone => row("sender-gone", Channel, Notice, none("a wake-up, not a transfer"), L::Notice, Paced, "a receiver blocked in recv, woken by its last sender's drop"),
            Workload::ReceiverGone => row("receiver-gone", Channel, Notice, none("a wake-up, not a transfer"), L::Notice, Paced, "a sender blocked on a full channel, woken by its receiver's drop"),
            Workload::AsyncCreateDrop => row("async-create-drop", Channel, NewChannel, none("no transfer: a channel's creation is the work"), L::None, Saturated, "async channels: created and dropped, both halves, in one task"),
            Workload::AsyncSenderGone => row("async-sender-gone", Channel, Notice, none("a wake-up, not a transfer"), L::Notice, Paced, "tasks: a task waiting in recv, woken by its last sender's drop"),
            Workload::AsyncReceiverGone => row("async-receiver-gone", Channel, Notice, none("a wake-up, not a transfer"), L::Notice, Paced, "tasks: a task waiting on a full channel, woken by its receiver's drop"),
            Workload::ThreadToTask => row("thread-to-task", Channel, Message,  STREAMING,                                  L::None,      Saturated, "a plain thread's blocking sends into a task"),
            Workload::TaskToThread => row("task-to-thread", Channel, Message,  STREAMING,                                  L::None,      Saturated, "a task's sends into a plain thread's blocking receives"),
            Workload::OfferedLoad => row("offered-load", Behaviour, Message, none("paced: the time is the schedule's"),  L::Intended,  Paced,     "latency at 10-95% of the channel's own saturation rate, from intended send times"),
            Workload::Fairness =>   row("fairness",   Behaviour, Message,  none("a share, not a speed"),                 L::None,      Saturated, "each consumer's, producer's or selected source's share under saturation"),
            Workload::BackgroundLoad => row("background-load", Behaviour, Message, none("compared with itself unloaded"), L::None,   Shared,    "spsc and mpsc with a busy hog thread on each role's core, and without"),
            Workload::Memory =>     row("memory",     Behaviour, NewChannel, none("bytes, not a transfer"),                L::None,      Saturated, "bytes of an empty channel, per queued message, and after a drained burst"),
            Workload::AsyncOfferedLoad => row("async-offered-load", Behaviour, Message, none("paced: the time is the schedule's"), L::Intended, Paced, "tasks: latency at 10-95% of the channel's own saturation rate, from intended send times"),
            Workload::AsyncFairness => row("async-fairness", Behaviour, Message, none("a share, not a speed"),             L::None,      Saturated, "tasks: each consumer's or producer's share under saturation"),
            Workload::AsyncBackgroundLoad => row("async-background-load", Behaviour, Message, none("compared with itself unloaded"), L::None, Shared, "tasks: async-spsc and async-mpsc with a busy hog thread on each allowed core, and without"),
            Workload::AsyncMemory => row("async-memory", Behaviour, NewChannel, none("bytes, not a transfer"),          L::None,      Saturated, "async channels: bytes empty, per queued message, and after a drained burst"),
        }
    }

    /// Whether its cells run async implementations on a tokio runtime (their parameters name
    /// the runtime flavour).
    pub fn is_async(self) -> bool {
        matches!(
            self,
            Workload::AsyncSpsc
                | Workload::AsyncMpsc
                | Workload::AsyncMpmc
                | Workload::AsyncPingPong
                | Workload::ThreadToTask
                | Workload::TaskToThread
                | Workload::AsyncOneshot
                | Workload::AsyncBroadcast
                | Workload::AsyncCreateDrop
                | Workload::AsyncSenderGone
                | Workload::AsyncReceiverGone
                | Workload::AsyncOfferedLoad
                | Workload::AsyncFairness
                | Workload::AsyncBackgroundLoad
                | Workload::AsyncMemory
        )
    }

    /// The sync workload doing the same job, which an async workload's cells are compared with
    /// for a library that has both halves (`async-spsc` and `spsc`).
    pub fn sync_twin(self) -> Option<Workload> {
        match self {
            Workload::AsyncSpsc => Some(Workload::Spsc),
            Workload::AsyncMpsc => Some(Workload::Mpsc),
            Workload::AsyncMpmc => Some(Workload::Mpmc),
            Workload::AsyncPingPong => Some(Workload::PingPong),
            _ => None,
        }
    }

    /// Whether its cells run only when asked for by name (`--workload`) or in the full profile:
    /// the behaviour families, the oneshots, the broadcasts and the lifecycle family, which the
    /// default run's time budget leaves out.
    pub fn on_request(self) -> bool {
        self.facts().kind == Kind::Behaviour
            || matches!(
                self,
                Workload::AsyncOneshot
                    | Workload::AsyncBroadcast
                    | Workload::CreateDrop
                    | Workload::SenderGone
                    | Workload::ReceiverGone
                    | Workload::AsyncCreateDrop
                    | Workload::AsyncSenderGone
                    | Workload::AsyncReceiverGone
            )
    }

    /// Whether each process that runs one of its cells stores an
    /// [`Observation`](crate::Observation) of it beside the times: what its findings are drawn
    /// from.
    pub fn observes(self) -> bool {
        matches!(
            self,
            Workload::OfferedLoad
                | Workload::Fairness
                | Workload::Memory
                | Workload::AsyncOfferedLoad
                | Workload::AsyncFairness
                | Workload::AsyncMemory
        )
    }

    /// The workload's name.
    pub fn name(self) -> &'static str {
        self.facts().name
    }

    /// Every workload's name, in table order.
    pub fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|w| w.name()).collect()
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A workload name that is not in the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown workload {0:?}; the workloads are {names}", names = Workload::names().join(", "))]
pub struct UnknownWorkload(pub String);

impl FromStr for Workload {
    type Err = UnknownWorkload;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|w| w.name() == s)
            .ok_or_else(|| UnknownWorkload(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_serde_and_unknown_ones_are_errors() {
        for w in Workload::ALL {
            assert_eq!(w.name().parse::<Workload>(), Ok(w));
            let json = serde_json::to_string(&w).unwrap();
            assert_eq!(
                json,
                format!("\"{}\"", w.name()),
                "serde and the table agree"
            );
            assert_eq!(serde_json::from_str::<Workload>(&json).unwrap(), w);
        }
        let err = "spcs".parse::<Workload>().unwrap_err().to_string();
        assert!(
            err.contains("\"spcs\"") && err.contains("ping-pong"),
            "{err}"
        );
        assert!(serde_json::from_str::<Workload>("\"spcs\"").is_err());
    }

    #[test]
    fn the_table_lists_every_variant_once() {
        let mut names = Workload::names();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Workload::ALL.len());
    }
}
