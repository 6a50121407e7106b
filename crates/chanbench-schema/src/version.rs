//! The schema version of records and result files, and the check every reader makes first.

/// Version of the records and result files; bump it when a field changes meaning or shape.
///
/// 1: untyped parameters (a `params` string), cost stored as loose JSON.
/// 2: typed parameters ([`Params`](crate::Params)), [`Status`](crate::Status), [`Workload`](crate::Workload)
/// and [`Cost`](crate::Cost).
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
