//! One described job, as `cargo xtask choose` measures it: producers, consumers, the message,
//! the capacity and, for tasks, the runtime flavour. xtask builds it from the command line or a
//! TOML file and hands it to the `choose` bench as JSON; the bench registers the job's cells for
//! every implementation that can run it.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::{
    cell::{Capacity, Params, Payload},
    vocabulary::{Examples, Runtime, UnknownName, vocabulary},
    workload::Workload,
};

vocabulary!(
    /// A job's message size: payload sizes are compiled in, so a job picks one of these.
    JobSize, "message size" {
        /// 8 bytes: a `u64` inline, a `Box<[u8; 8]>` on the heap.
        B8 => "8B",
        /// 64 bytes: a cache line.
        B64 => "64B",
        /// 256 bytes.
        B256 => "256B",
        /// 1 KiB.
        K1 => "1KiB",
        /// 4 KiB: a page.
        K4 => "4KiB",
    }
);

impl JobSize {
    /// Its size in bytes.
    pub fn bytes(self) -> usize {
        match self {
            JobSize::B8 => 8,
            JobSize::B64 => 64,
            JobSize::B256 => 256,
            JobSize::K1 => 1024,
            JobSize::K4 => 4096,
        }
    }

    /// The size named `text`: its name (`256B`, `1KiB`) or its bytes (`256`, `1024`).
    pub fn parse(text: &str) -> Result<Self, UnknownName> {
        let text = text.trim();
        if let Some(size) = JobSize::ALL
            .iter()
            .find(|s| text.parse::<usize>().is_ok_and(|n| n == s.bytes()))
        {
            return Ok(*size);
        }
        text.parse()
    }
}

vocabulary!(
    /// Where a job's message keeps its bytes.
    Storage, "storage" {
        /// In the message: the channel moves every byte.
        Inline => "inline",
        /// Behind a `Box`: one allocation per message, a pointer through the channel.
        Heap => "heap",
    }
);

/// The most threads or tasks a job may ask for on each side: beyond it, a job measures the
/// scheduler more than the channel.
pub const MAX_SIDE: usize = 256;

/// One described job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    /// Producer threads (tasks, with a runtime).
    pub producers: usize,
    /// Consumer threads (tasks) sharing one receiver.
    pub consumers: usize,
    /// The message's size.
    pub size: JobSize,
    /// Inline or on the heap.
    pub storage: Storage,
    /// Bounded at a capacity, or unbounded.
    pub capacity: Capacity,
    /// The tokio runtime flavour for tasks; `None`: plain threads and the sync implementations.
    pub runtime: Option<Runtime>,
}

/// A job that cannot be measured, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// A side with no threads.
    #[error("a job needs at least one {0}")]
    Empty(&'static str),
    /// A side beyond [`MAX_SIDE`].
    #[error("{count} {side} is more than the {MAX_SIDE} a job may ask for")]
    TooMany {
        /// Which side.
        side: &'static str,
        /// How many were asked for.
        count: usize,
    },
    /// A capacity that is neither bounded nor unbounded.
    #[error("a job's channel is bounded or unbounded")]
    NoChannel,
}

impl Job {
    /// Checks the job describes something measurable.
    pub fn check(&self) -> Result<(), JobError> {
        for (side, count) in [("producers", self.producers), ("consumers", self.consumers)] {
            if count == 0 {
                return Err(JobError::Empty(side.trim_end_matches('s')));
            }
            if count > MAX_SIDE {
                return Err(JobError::TooMany { side, count });
            }
        }
        if self.capacity == Capacity::None {
            return Err(JobError::NoChannel);
        }
        Ok(())
    }

    /// The workload its cells are filed under: `spsc`, `mpsc` or `mpmc`, or their async twins,
    /// so a job's cells compare with the matrix's cells of the same shape.
    pub fn workload(&self) -> Workload {
        match (self.runtime.is_some(), self.producers, self.consumers) {
            (false, 1, 1) => Workload::Spsc,
            (false, _, 1) => Workload::Mpsc,
            (false, _, _) => Workload::Mpmc,
            (true, 1, 1) => Workload::AsyncSpsc,
            (true, _, 1) => Workload::AsyncMpsc,
            (true, _, _) => Workload::AsyncMpmc,
        }
    }

    /// The message as cells state it: an 8-byte inline message is the matrix's `u64`.
    pub fn payload(&self) -> Payload {
        let bytes = self.size.bytes() as u64;
        match (self.storage, self.size) {
            (Storage::Inline, JobSize::B8) => Payload::sized("u64", bytes),
            (Storage::Inline, size) => Payload::sized(format!("inline-{size}"), bytes),
            (Storage::Heap, size) => Payload::sized(format!("box-{size}"), bytes),
        }
    }

    /// Its cells' parameters, given the threads a cell of it runs on.
    pub fn params(&self, threads: usize) -> Params {
        let mut params = Params::new(self.capacity, self.payload(), threads);
        match self.workload() {
            Workload::Spsc | Workload::AsyncSpsc => {}
            Workload::Mpsc | Workload::AsyncMpsc => params.producers = Some(self.producers),
            _ => {
                params.producers = Some(self.producers);
                params.consumers = Some(self.consumers);
            }
        }
        params.runtime = self.runtime;
        params
    }
}

impl fmt::Display for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let capacity = match self.capacity {
            Capacity::Bounded(n) => format!("bounded at {n}"),
            Capacity::Unbounded | Capacity::None => "unbounded".to_owned(),
        };
        let on = match self.runtime {
            Some(runtime) => format!("tasks on tokio's {runtime} runtime"),
            None => "threads".to_owned(),
        };
        write!(
            f,
            "{}, {}, {}-byte messages ({}), {capacity}, {on}",
            plural(self.producers, "producer"),
            plural(self.consumers, "consumer"),
            self.size.bytes(),
            match self.storage {
                Storage::Inline => "inline",
                Storage::Heap => "on the heap",
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        Job {
            producers: 4,
            consumers: 1,
            size: JobSize::B256,
            storage: Storage::Inline,
            capacity: Capacity::Bounded(100),
            runtime: None,
        }
    }

    #[test]
    fn sizes_parse_by_name_or_bytes() {
        for size in JobSize::ALL {
            assert_eq!(JobSize::parse(size.name()), Ok(*size));
            assert_eq!(JobSize::parse(&size.bytes().to_string()), Ok(*size));
        }
        let err = JobSize::parse("300").unwrap_err().to_string();
        assert!(err.contains("256B") && err.contains("4KiB"), "{err}");
    }

    #[test]
    fn a_job_is_filed_under_the_matrix_workload_of_its_shape() {
        let mut j = job();
        assert_eq!(j.workload(), Workload::Mpsc);
        assert_eq!(j.params(5).producers, Some(4));
        assert_eq!(j.params(5).consumers, None);
        j.consumers = 2;
        assert_eq!(j.workload(), Workload::Mpmc);
        assert_eq!(j.params(6).consumers, Some(2));
        j.producers = 1;
        j.consumers = 1;
        j.runtime = Some(Runtime::MultiThread);
        assert_eq!(j.workload(), Workload::AsyncSpsc);
        assert_eq!(j.params(2).producers, None);
        assert_eq!(j.params(2).runtime, Some(Runtime::MultiThread));
    }

    #[test]
    fn an_eight_byte_inline_message_is_the_matrix_u64() {
        let mut j = job();
        j.size = JobSize::B8;
        assert_eq!(j.payload().label, "u64");
        j.storage = Storage::Heap;
        assert_eq!(j.payload().label, "box-8B");
        j.size = JobSize::K1;
        j.storage = Storage::Inline;
        assert_eq!(j.payload().label, "inline-1KiB");
    }

    #[test]
    fn jobs_that_measure_nothing_are_refused() {
        let mut j = job();
        assert_eq!(j.check(), Ok(()));
        j.consumers = 0;
        assert_eq!(j.check(), Err(JobError::Empty("consumer")));
        j.consumers = MAX_SIDE + 1;
        assert!(matches!(j.check(), Err(JobError::TooMany { .. })));
        j.consumers = 1;
        j.capacity = Capacity::None;
        assert_eq!(j.check(), Err(JobError::NoChannel));
    }

    #[test]
    fn a_job_reads_as_a_sentence_and_round_trips_as_json() {
        assert_eq!(
            job().to_string(),
            "4 producers, 1 consumer, 256-byte messages (inline), bounded at 100, threads"
        );
        let text = serde_json::to_string(&job()).unwrap();
        assert_eq!(serde_json::from_str::<Job>(&text).unwrap(), job());
    }
}
