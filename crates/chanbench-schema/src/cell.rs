//! A cell: its key (workload, implementation, typed parameters) and its status.
//!
//! The parameter string criterion files a cell under (`cap=1024/u64`, `pool-batch-64/grain=fine`)
//! is derived from the typed [`Params`] by one function, [`Params::label`], so readers never
//! parse it back: they read the fields.

use std::{fmt, time::Duration};

use serde::{Deserialize, Serialize};

use crate::{
    strategy::Strategy,
    vocabulary::{Envelope, Grain, PeersIn, Runtime, Share, Socket},
    workload::{Kind, Workload},
};

/// A channel's capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capacity {
    /// `bounded(n)`.
    Bounded(usize),
    /// `unbounded()`.
    Unbounded,
    /// The cell has no channel (the floor's atomic, the strategies without a channel).
    None,
}

impl fmt::Display for Capacity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Capacity::Bounded(n) => write!(f, "{n}"),
            Capacity::Unbounded => f.write_str("unbounded"),
            Capacity::None => f.write_str("none"),
        }
    }
}

/// What one message carries.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Payload {
    /// Its label: `u64`, `zst`, `inline-1KiB`, `vec-64KiB-cloned`, `instant`, `owned-272B` ...
    pub label: String,
    /// Bytes it carries beyond the message itself, where that is its point (the payload sweep);
    /// `None` where a size means nothing (a job's item, a timestamp).
    pub bytes: Option<u64>,
}

impl Payload {
    /// A payload labelled `label` of `bytes` bytes.
    pub fn sized(label: impl Into<String>, bytes: u64) -> Self {
        Self {
            label: label.into(),
            bytes: Some(bytes),
        }
    }

    /// A payload whose size is not its point.
    pub fn opaque(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            bytes: None,
        }
    }
}

/// A cell's typed parameters. Fields a workload does not use are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Params {
    /// The channel's capacity.
    pub capacity: Capacity,
    /// The payload.
    pub payload: Payload,
    /// Threads the cell runs on (`None`: stored by schema 1, which did not keep it).
    pub threads: Option<usize>,
    /// The strategy: `merged` / `select` (fan-in), the distribute, receive, sources, service
    /// and transport strategies, the zero-cost side (`seq`, `spsc`).
    pub strategy: Option<Strategy>,
    /// Producers (mpsc, mpmc).
    pub producers: Option<usize>,
    /// Consumers (mpmc).
    pub consumers: Option<usize>,
    /// Sources (fan-in, sources).
    pub sources: Option<usize>,
    /// The distribute job's grain.
    pub grain: Option<Grain>,
    /// The receive workload's gap between messages, ns.
    pub gap_ns: Option<u64>,
    /// Messages per burst.
    pub burst: Option<u64>,
    /// The burst workload's pause between bursts, ns.
    pub pause_ns: Option<u64>,
    /// The service message's envelope.
    pub envelope: Option<Envelope>,
    /// The tokio runtime flavour of an async cell: `current-thread` or `multi-thread`
    /// (absent from runs before the async cells).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Runtime>,
    /// Peers sending to the receiving node (transport; absent from runs before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peers: Option<usize>,
    /// The socket kind of a transport cell whose peers do not use TCP: `unix` (absent: TCP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub socket: Option<Socket>,
    /// Where a transport cell's peers run when not as threads of the bench process: `process`
    /// (absent: threads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peers_in: Option<PeersIn>,
    /// The offered load of an `offered-load` cell, percent of the channel's own saturation rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_percent: Option<u32>,
    /// Busy hog threads beside a `background-load` cell's roles (0: its unloaded twin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hogs: Option<usize>,
    /// Whose shares a `fairness` cell counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<Share>,
}

impl Params {
    /// Parameters of a cell with this capacity and payload, every other field unset.
    pub fn new(capacity: Capacity, payload: Payload, threads: usize) -> Self {
        Self {
            capacity,
            payload,
            threads: Some(threads),
            strategy: None,
            producers: None,
            consumers: None,
            sources: None,
            grain: None,
            gap_ns: None,
            burst: None,
            pause_ns: None,
            envelope: None,
            runtime: None,
            peers: None,
            socket: None,
            peers_in: None,
            load_percent: None,
            hogs: None,
            share: None,
        }
    }

    /// Sets the strategy.
    pub fn strategy(mut self, strategy: impl Into<Strategy>) -> Self {
        self.strategy = Some(strategy.into());
        self
    }

    /// The criterion parameter string of a cell of `workload` with these parameters: channel
    /// cells start with their capacity and payload (`cap=1024/u64/merged/sources=4`), strategy
    /// cells with their strategy (`pool-batch-64/grain=fine`), baselines with their side, if
    /// any (`seq/cap=1024/u64`).
    pub fn label(&self, workload: Workload) -> String {
        let kind = workload.facts().kind;
        // Behaviour cells are channels' cells, and read as such.
        let channel = matches!(kind, Kind::Channel | Kind::Behaviour);
        let mut parts: Vec<String> = Vec::new();
        if !channel {
            parts.extend(self.strategy.map(|s| s.to_string()));
        }
        if kind != Kind::Strategy {
            if self.capacity != Capacity::None {
                parts.push(format!("cap={}", self.capacity));
            }
            parts.push(self.payload.label.clone());
        }
        if channel {
            parts.extend(self.strategy.map(|s| s.to_string()));
        }
        // A transport cell's frame size is its point (`thread-per-stream/frame-1KiB/peers=4`);
        // other strategy cells' payloads are named by their other parameters.
        if kind == Kind::Strategy && self.peers.is_some() {
            parts.push(self.payload.label.clone());
        }
        let duration = |ns: u64| format!("{:?}", Duration::from_nanos(ns));
        parts.extend(self.producers.map(|n| format!("producers={n}")));
        parts.extend(self.consumers.map(|n| format!("consumers={n}")));
        parts.extend(self.grain.as_ref().map(|g| format!("grain={g}")));
        parts.extend(self.gap_ns.map(|g| format!("gap={}", duration(g))));
        parts.extend(self.sources.map(|n| format!("sources={n}")));
        parts.extend(self.peers.map(|n| format!("peers={n}")));
        parts.extend(self.socket.as_ref().map(|s| format!("socket={s}")));
        parts.extend(self.peers_in.as_ref().map(|p| format!("peers-in={p}")));
        parts.extend(self.burst.map(|n| format!("burst={n}")));
        parts.extend(self.pause_ns.map(|p| format!("pause={}", duration(p))));
        parts.extend(self.envelope.map(|e| e.name().to_owned()));
        parts.extend(self.runtime.as_ref().map(|r| format!("rt={r}")));
        parts.extend(self.share.map(|s| format!("share={s}")));
        parts.extend(self.load_percent.map(|p| format!("load={p}%")));
        parts.extend(self.hogs.map(|n| format!("hogs={n}")));
        parts.join("/")
    }
}

/// Which cell: workload, implementation and typed parameters, with the parameter string derived
/// from them (private, so the two cannot disagree; a stored key whose string does not match its
/// parameters is refused on read).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "KeyFields", into = "KeyFields")]
pub struct CellKey {
    workload: Workload,
    implementation: String,
    params: Params,
    label: String,
}

/// [`CellKey`] as stored: the label beside the fields it is derived from.
#[derive(Serialize, Deserialize)]
struct KeyFields {
    workload: Workload,
    implementation: String,
    /// The criterion parameter string.
    params: String,
    /// The typed parameters.
    parameters: Params,
}

impl TryFrom<KeyFields> for CellKey {
    type Error = String;

    fn try_from(k: KeyFields) -> Result<Self, String> {
        let key = CellKey::new(k.workload, k.implementation, k.parameters);
        if key.label != k.params {
            return Err(format!(
                "cell {}/{}: its parameter string {:?} does not match its parameters ({:?})",
                key.workload, key.implementation, k.params, key.label
            ));
        }
        Ok(key)
    }
}

impl From<CellKey> for KeyFields {
    fn from(k: CellKey) -> Self {
        KeyFields {
            workload: k.workload,
            implementation: k.implementation,
            params: k.label,
            parameters: k.params,
        }
    }
}

impl CellKey {
    /// The key of `implementation`'s cell of `workload` with `params`.
    pub fn new(workload: Workload, implementation: impl Into<String>, params: Params) -> Self {
        let label = params.label(workload);
        Self {
            workload,
            implementation: implementation.into(),
            params,
            label,
        }
    }

    /// The workload.
    pub fn workload(&self) -> Workload {
        self.workload
    }

    /// The implementation id (or a baseline's or a channel-less strategy's name).
    pub fn implementation(&self) -> &str {
        &self.implementation
    }

    /// The typed parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The criterion parameter string, derived from [`CellKey::params`].
    pub fn label(&self) -> &str {
        &self.label
    }

    /// `workload/implementation/label`, criterion's benchmark id.
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.workload, self.implementation, self.label)
    }

    /// Whether `other` is the same cell (same workload, implementation and parameter string;
    /// thread counts may be unknown on one side).
    pub fn same_cell(&self, other: &CellKey) -> bool {
        self.workload == other.workload
            && self.implementation == other.implementation
            && self.label == other.label
    }
}

impl fmt::Display for CellKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}",
            self.workload, self.implementation, self.label
        )
    }
}

/// What became of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Measured.
    #[serde(rename = "ok")]
    Ok,
    /// The implementation lacks a capability the cell needs.
    #[serde(rename = "not supported")]
    NotSupported,
    /// The watchdog killed it: no progress within the cell timeout.
    #[serde(rename = "timeout")]
    Timeout,
    /// The process died inside it (a panic).
    #[serde(rename = "failed")]
    Failed,
}

impl Status {
    /// As the report prints it.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::NotSupported => "not supported",
            Status::Timeout => "timeout",
            Status::Failed => "failed",
        }
    }

    /// A fault: the cell ran and did not finish.
    pub fn is_fault(self) -> bool {
        matches!(self, Status::Timeout | Status::Failed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::{Pool, Receiver, Serve};

    fn u64() -> Payload {
        Payload::sized("u64", 8)
    }

    #[test]
    fn labels_follow_the_kind_of_workload() {
        let mut fan_in = Params::new(Capacity::Bounded(1024), u64(), 5).strategy(Serve::Merged);
        fan_in.sources = Some(4);
        assert_eq!(
            fan_in.label(Workload::FanIn),
            "cap=1024/u64/merged/sources=4"
        );
        let mut pool = Params::new(Capacity::Unbounded, Payload::opaque("items"), 3)
            .strategy(Pool { batch: 64 });
        pool.grain = Some(Grain::Fine);
        assert_eq!(pool.label(Workload::Distribute), "pool-batch-64/grain=fine");
        let mut burst = Params::new(Capacity::Unbounded, Payload::opaque("instant"), 2);
        burst.burst = Some(8);
        burst.pause_ns = Some(100_000);
        assert_eq!(
            burst.label(Workload::Burst),
            "cap=unbounded/instant/burst=8/pause=100µs"
        );
        let side =
            Params::new(Capacity::Bounded(1024), u64(), 1).strategy(Strategy::Side(Workload::Seq));
        assert_eq!(side.label(Workload::ZeroCost), "seq/cap=1024/u64");
        let atomic = Params::new(Capacity::None, u64(), 2);
        assert_eq!(atomic.label(Workload::Floor), "u64");
        // Behaviour cells read as channel cells, then their own parameter.
        let mut load = Params::new(Capacity::Bounded(1024), Payload::opaque("stamp"), 2);
        load.load_percent = Some(95);
        assert_eq!(load.label(Workload::OfferedLoad), "cap=1024/stamp/load=95%");
        let mut hogs = Params::new(Capacity::Unbounded, u64(), 3);
        hogs.producers = Some(2);
        hogs.hogs = Some(2);
        hogs.runtime = Some(Runtime::MultiThread);
        assert_eq!(
            hogs.label(Workload::AsyncBackgroundLoad),
            "cap=unbounded/u64/producers=2/rt=multi-thread/hogs=2"
        );
        let mut share = Params::new(Capacity::Bounded(1024), Payload::opaque("id"), 5)
            .strategy(crate::strategy::NativeSelect);
        share.sources = Some(4);
        share.share = Some(Share::Sources);
        assert_eq!(
            share.label(Workload::Fairness),
            "cap=1024/id/select/sources=4/share=sources"
        );
        let mut frames = Params::new(
            Capacity::Bounded(1024),
            Payload::sized("frame-1KiB", 1024),
            9,
        )
        .strategy(Receiver::ThreadPerStream);
        frames.peers = Some(4);
        assert_eq!(
            frames.label(Workload::Transport),
            "thread-per-stream/frame-1KiB/peers=4"
        );
        frames.socket = Some(Socket::Unix);
        frames.peers_in = Some(PeersIn::Process);
        assert_eq!(
            frames.label(Workload::Transport),
            "thread-per-stream/frame-1KiB/peers=4/socket=unix/peers-in=process"
        );
        let mut task = Params::new(Capacity::Bounded(1024), u64(), 2);
        task.producers = Some(1);
        task.runtime = Some(Runtime::MultiThread);
        assert_eq!(
            task.label(Workload::AsyncMpsc),
            "cap=1024/u64/producers=1/rt=multi-thread"
        );
    }

    #[test]
    fn keys_round_trip_and_a_label_that_disagrees_is_refused() {
        let key = CellKey::new(
            Workload::Spsc,
            "flume",
            Params::new(Capacity::Bounded(0), u64(), 2),
        );
        assert_eq!(key.id(), "spsc/flume/cap=0/u64");
        let json = serde_json::to_value(&key).unwrap();
        assert_eq!(json["params"], "cap=0/u64");
        assert_eq!(
            serde_json::from_value::<CellKey>(json.clone()).unwrap(),
            key
        );
        let mut forged = json;
        forged["params"] = "cap=1/u64".into();
        let err = serde_json::from_value::<CellKey>(forged)
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not match"), "{err}");
    }

    #[test]
    fn statuses_keep_their_stored_names() {
        for (s, name) in [
            (Status::Ok, "\"ok\""),
            (Status::NotSupported, "\"not supported\""),
            (Status::Timeout, "\"timeout\""),
            (Status::Failed, "\"failed\""),
        ] {
            assert_eq!(serde_json::to_string(&s).unwrap(), name);
            assert_eq!(format!("\"{s}\""), name);
        }
    }
}
