//! The one typed path from the bench to the report.
//!
//! Everything the bench process tells xtask, and xtask stores under `results/`, is defined here
//! once and read back through the same types: the [workload table](workload), a cell's
//! [key and typed parameters](cell), its [cost], the other [records](record) (zero-cost,
//! calibration), the [line protocol](protocol) on the bench's stderr and the [`SCHEMA`] version,
//! which every reader checks ([`check_schema`]). Renaming a field here breaks the compilation of
//! every reader and writer, not a rendered cell.

pub mod allocator;
pub mod cell;
pub mod core_to_core;
pub mod cost;
pub mod job;
pub mod observation;
pub mod profile;
pub mod protocol;
pub mod record;
pub mod strategy;
pub mod version;
pub mod vocabulary;
pub mod workload;

pub use allocator::MallocThresholds;
pub use cell::{Capacity, CellKey, Params, Payload, Status};
pub use core_to_core::CoreToCore;
pub use cost::{Cost, Percentiles};
pub use job::{Job, JobError, JobSize, Storage};
pub use observation::{Footprint, LoadLevel, Observation, Queued, Retained, Shares};
pub use profile::ProfileName;
pub use record::{
    CalibrationRecord, CellRecord, ConformanceRecord, KnobCalibration, KnobRecord, PairedRecord,
    Record, ZeroCostRecord,
};
pub use strategy::{Answer, NativeSelect, Pool, Receiver, Serve, Split, Strategy, Wait};
pub use version::{SCHEMA, SchemaMismatch, check_schema};
pub use vocabulary::{Envelope, Grain, PeersIn, Runtime, Share, Socket};
pub use workload::{Floor, FloorRule, Kind, Latency, Pacing, Unit, Workload, WorkloadFacts};
