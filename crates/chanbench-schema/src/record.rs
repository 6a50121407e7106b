//! The records the bench processes write, one JSON object per line, as each finishes (so an
//! interrupted run keeps what it measured): cells, the zero-cost comparison, calibrations.

use serde::{Deserialize, Serialize};

use crate::{
    SCHEMA, SchemaMismatch,
    cell::{CellKey, Status},
    check_schema,
    cost::Cost,
    observation::Observation,
    profile::ProfileName,
    workload::Workload,
};

/// Any record of a bench's JSON Lines output, told apart by its `record` field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "record")]
pub enum Record {
    /// A matrix cell.
    #[serde(rename = "cell")]
    Cell(CellRecord),
    /// The interleaved zero-cost comparison.
    #[serde(rename = "zero-cost-paired")]
    ZeroCost(ZeroCostRecord),
    /// A calibration of a cell against its plain twin (`cargo xtask validate`).
    #[serde(rename = "calibration")]
    Calibration(CalibrationRecord),
    /// One cell of a paired comparison of several builds (`cargo xtask ab`).
    #[serde(rename = "paired")]
    Paired(PairedRecord),
    /// The conformance suite's verdict on one build, before it is measured.
    #[serde(rename = "conformance")]
    Conformance(ConformanceRecord),
    /// The work knob's calibration of one cell, shared by every process of a comparison.
    #[serde(rename = "knob")]
    Knob(KnobRecord),
}

impl Record {
    /// The schema version it was written with.
    pub fn schema(&self) -> u32 {
        match self {
            Record::Cell(r) => r.schema,
            Record::ZeroCost(r) => r.schema,
            Record::Calibration(r) => r.schema,
            Record::Paired(r) => r.schema,
            Record::Conformance(r) => r.schema,
            Record::Knob(r) => r.schema,
        }
    }

    /// Parses one line, checking its schema version first (a record of another version is
    /// refused naming both, not misread). `what` names the line in errors (`file:line`).
    pub fn parse(line: &str, what: &str) -> Result<Record, RecordError> {
        #[derive(Deserialize)]
        struct Version {
            schema: Option<u32>,
        }
        let version: Version = serde_json::from_str(line).map_err(|e| RecordError::Json {
            what: what.to_owned(),
            error: e.to_string(),
        })?;
        // Schema 1 wrote no version on its zero-cost records.
        check_schema(what, version.schema.unwrap_or(1))?;
        serde_json::from_str(line).map_err(|e| RecordError::Json {
            what: what.to_owned(),
            error: e.to_string(),
        })
    }
}

/// A record line that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// Written by another schema version.
    #[error(transparent)]
    Schema(#[from] SchemaMismatch),
    /// Not a record of this schema.
    #[error("{what}: not a chanbench record: {error}")]
    Json {
        /// The line.
        what: String,
        /// What is wrong.
        error: String,
    },
}

/// What was measured about one cell, or why it was not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellRecord {
    /// [`SCHEMA`].
    pub schema: u32,
    /// Which cell.
    #[serde(flatten)]
    pub key: CellKey,
    /// `ok` or `not supported` (faults are recorded by xtask, which saw the process die).
    pub status: Status,
    /// For `not supported`: the capabilities the implementation lacks.
    pub missing: Vec<String>,
    /// Cores each of the cell's threads was pinned to.
    pub thread_cores: Vec<usize>,
    /// Threads per allowed core (above 1: oversubscribed).
    pub threads_per_core: f64,
    /// The profile.
    pub profile: ProfileName,
    /// The cost run; `None` when not supported, or not measured in this process.
    pub cost: Option<Cost>,
    /// A behaviour family's observation, made in every process that runs the cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observation: Option<Box<Observation>>,
}

impl CellRecord {
    /// A record of this [`SCHEMA`].
    pub fn new(key: CellKey, status: Status, profile: ProfileName) -> Self {
        Self {
            schema: SCHEMA,
            key,
            status,
            missing: Vec::new(),
            thread_cores: Vec::new(),
            threads_per_core: 0.0,
            profile,
            cost: None,
            observation: None,
        }
    }
}

/// crossbeam through the trait against crossbeam called directly, in interleaved rounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZeroCostRecord {
    /// [`SCHEMA`].
    #[serde(default = "schema_1")]
    pub schema: u32,
    /// The side measured: `seq` or `spsc`.
    pub workload: Workload,
    /// Rounds, each one direct run and one trait run.
    pub rounds: usize,
    /// Messages in every run.
    pub messages_per_run: u64,
    /// Median of the direct runs, ns per message.
    pub direct_median_ns_per_msg: f64,
    /// Median of the trait runs, ns per message.
    pub trait_median_ns_per_msg: f64,
    /// Median over rounds of (trait ns per message) / (direct ns per message).
    pub ratio_median: f64,
    /// 25th percentile of the per-round ratios.
    pub ratio_p25: f64,
    /// 75th percentile of the per-round ratios.
    pub ratio_p75: f64,
}

fn schema_1() -> u32 {
    1
}

/// One cell's calibration: its timed routine against its plain twin in the same process and
/// against the standalone program (a fresh process per round, sharing nothing with the harness),
/// interleaved, ns per message (ping-pong: per round trip).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationRecord {
    /// [`SCHEMA`].
    pub schema: u32,
    /// Which cell.
    #[serde(flatten)]
    pub key: CellKey,
    /// Messages (round trips) in every run.
    pub messages_per_run: u64,
    /// Rounds, each one matrix run, one plain run and (when it ran) one standalone run, in an
    /// order that changes from round to round.
    pub rounds: usize,
    /// Median over rounds of the matrix's timed routine, ns per message.
    pub matrix_ns_per_msg: f64,
    /// Median over rounds of the plain loop, ns per message.
    pub plain_ns_per_msg: f64,
    /// Median over rounds of matrix / plain.
    pub ratio_median: f64,
    /// 25th percentile of the per-round ratios.
    pub ratio_p25: f64,
    /// 75th percentile of the per-round ratios.
    pub ratio_p75: f64,
    /// Every matrix run, ns per message, in round order.
    pub matrix_runs_ns: Vec<f64>,
    /// Every plain run, ns per message, in round order.
    pub plain_runs_ns: Vec<f64>,
    /// Every standalone run (one fresh process each), ns per message, in round order; empty when
    /// the standalone program was not run (records written before it existed).
    #[serde(default)]
    pub standalone_runs_ns: Vec<f64>,
}

/// One configuration measured for every arm of a paired comparison, in interleaved rounds inside
/// one process: each round runs every arm once, in an order that rotates and reverses from round
/// to round, so drift and the process's state fall on all arms alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedRecord {
    /// [`SCHEMA`].
    pub schema: u32,
    /// The configuration, keyed under the first arm's implementation id.
    #[serde(flatten)]
    pub key: CellKey,
    /// The arms' names, in the order of `times_ns`.
    pub arms: Vec<String>,
    /// Messages (in the workload's unit) in every run.
    pub messages_per_run: u64,
    /// Per arm, every round's time, ns per unit, in round order.
    pub times_ns: Vec<Vec<f64>>,
    /// The work knob's units per message on the knob's arm (`None`: no knob), and the ratio to
    /// the first arm its calibration measured.
    pub knob: Option<KnobCalibration>,
}

/// How much extra work the test knob adds per message, and what it measured while calibrating.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KnobCalibration {
    /// The percentage asked for.
    pub percent: f64,
    /// Units of work (hash rounds) added after every receive.
    pub units: u32,
    /// The knob arm over the first arm, median over the calibration's last pairs.
    pub calibrated_ratio: f64,
}

/// The work knob's calibration of one configuration on one placement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnobRecord {
    /// [`SCHEMA`].
    pub schema: u32,
    /// The configuration, keyed as its paired records are.
    #[serde(flatten)]
    pub key: CellKey,
    /// The calibration.
    pub knob: KnobCalibration,
}

/// The conformance suite's verdict on one build of an implementation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConformanceRecord {
    /// [`SCHEMA`].
    pub schema: u32,
    /// The arm's name.
    pub arm: String,
    /// Checks run.
    pub checks: usize,
    /// The failing checks: name and message.
    pub failures: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Capacity, Params, Payload};

    fn cell() -> CellRecord {
        let params = Params::new(Capacity::Bounded(1024), Payload::sized("u64", 8), 2);
        CellRecord::new(
            CellKey::new(Workload::Spsc, "flume", params),
            Status::Ok,
            ProfileName::Smoke,
        )
    }

    #[test]
    fn records_round_trip_through_one_line() {
        let record = Record::Cell(cell());
        let line = serde_json::to_string(&record).unwrap();
        assert!(line.starts_with("{\"record\":\"cell\""), "{line}");
        assert!(!line.contains('\n'));
        assert_eq!(Record::parse(&line, "costs.jsonl:1").unwrap(), record);
    }

    #[test]
    fn a_record_of_another_version_is_refused_by_its_version_not_its_fields() {
        let mut value = serde_json::to_value(Record::Cell(cell())).unwrap();
        value["schema"] = 1.into();
        let err = Record::parse(&value.to_string(), "costs.jsonl:3").unwrap_err();
        assert!(matches!(err, RecordError::Schema(_)), "{err}");
        let text = err.to_string();
        assert!(
            text.contains("costs.jsonl:3") && text.contains("version 1"),
            "{text}"
        );
        let err = Record::parse("{\"schema\": 2, \"record\": \"nonsense\"}", "x:1").unwrap_err();
        assert!(matches!(err, RecordError::Json { .. }), "{err}");
    }
}
