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
pub mod cost;
pub mod profile;
pub mod protocol;
pub mod record;
pub mod workload;

pub use allocator::MallocThresholds;
pub use cell::{Capacity, CellKey, Params, Payload, Status};
pub use cost::{Cost, Percentiles};
pub use profile::ProfileName;
pub use record::{
    CalibrationRecord, CellRecord, ConformanceRecord, KnobCalibration, KnobRecord, PairedRecord,
    Record, ZeroCostRecord,
};
pub use workload::{Floor, FloorRule, Kind, Latency, Pacing, Unit, Workload, WorkloadFacts};

/// Version of the records and result files; bump it when a field changes meaning or shape.
///
/// 1: untyped parameters (a `params` string), cost stored as loose JSON.
/// 2: typed parameters ([`Params`]), [`Status`], [`Workload`] and [`Cost`].
pub const SCHEMA: u32 = 2;

/// A file or record written with another schema version than this build reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{what} has schema version {found}; this build of chanbench reads version {SCHEMA}{hint}",
    hint = if *found < SCHEMA {
        "; migrate it with `cargo xtask migrate`"
    } else {
        "; update chanbench to read it"
    }
)]
pub struct SchemaMismatch {
    /// What was read (a file, a record).
    pub what: String,
    /// The version it was written with.
    pub found: u32,
}

/// Checks that `found`, the version `what` was written with, is [`SCHEMA`].
pub fn check_schema(what: impl std::fmt::Display, found: u32) -> Result<(), SchemaMismatch> {
    if found == SCHEMA {
        Ok(())
    } else {
        Err(SchemaMismatch {
            what: what.to_string(),
            found,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_version_is_refused_naming_both() {
        assert!(check_schema("x", SCHEMA).is_ok());
        let old = check_schema("results/a/one-core.json", 1)
            .unwrap_err()
            .to_string();
        assert!(
            old.contains("one-core.json") && old.contains("version 1") && old.contains("version 2"),
            "{old}"
        );
        assert!(old.contains("migrate"), "{old}");
        let new = check_schema("a record", SCHEMA + 1)
            .unwrap_err()
            .to_string();
        assert!(new.contains(&format!("version {}", SCHEMA + 1)), "{new}");
        assert!(new.contains("update chanbench"), "{new}");
    }
}
