//! What the command line offers, generated from the tables that define it (the workload table,
//! the registry), so `--help` lists exactly what they hold.

use chanbench_schema::{ProfileName, Workload};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

/// Parses a workload by name, offering every row of the workload table with its summary.
pub fn workload() -> impl TypedValueParser<Value = Workload> {
    PossibleValuesParser::new(
        Workload::ALL.map(|w| PossibleValue::new(w.name()).help(w.facts().summary)),
    )
    .map(|name| {
        name.parse::<Workload>()
            .expect("every possible value is a workload's name")
    })
}

/// Parses a profile by name, offering every profile with its processes per placement.
pub fn profile() -> impl TypedValueParser<Value = ProfileName> {
    PossibleValuesParser::new(ProfileName::ALL.map(|p| {
        let processes = match p.processes() {
            1 => "one process per placement".to_owned(),
            n => format!("{n} processes per placement"),
        };
        PossibleValue::new(p.name()).help(processes)
    }))
    .map(|name| {
        name.parse::<ProfileName>()
            .expect("every possible value is a profile's name")
    })
}

/// The long help of an `--impl` option: `what`, then every registered id, sync and async.
pub fn implementations(what: &str) -> String {
    let sync: Vec<&str> = chanbench_registry::implementations()
        .iter()
        .map(|i| i.id)
        .collect();
    let asynchronous: Vec<&str> = chanbench_registry::async_implementations()
        .iter()
        .map(|i| i.id)
        .collect();
    format!(
        "{what}\n\nRegistered: {}; async: {}",
        sync.join(", "),
        asynchronous.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use clap::{Arg, Command};

    use super::*;

    #[test]
    fn every_workload_of_the_table_is_offered_and_parsed() {
        let command =
            Command::new("t").arg(Arg::new("w").long("workload").value_parser(workload()));
        for w in Workload::ALL {
            let matches = command
                .clone()
                .try_get_matches_from(["t", "--workload", w.name()])
                .unwrap_or_else(|e| panic!("{}: {e}", w.name()));
            assert_eq!(matches.get_one::<Workload>("w"), Some(&w));
        }
        let err = command
            .try_get_matches_from(["t", "--workload", "nope"])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("async-ping-pong") && err.contains("transport"),
            "{err}"
        );
    }

    #[test]
    fn every_profile_is_offered_and_parsed() {
        let command = Command::new("t").arg(Arg::new("p").long("profile").value_parser(profile()));
        for p in ProfileName::ALL {
            let matches = command
                .clone()
                .try_get_matches_from(["t", "--profile", p.name()])
                .unwrap_or_else(|e| panic!("{}: {e}", p.name()));
            assert_eq!(matches.get_one::<ProfileName>("p"), Some(&p));
        }
    }

    #[test]
    fn the_impl_help_lists_every_registered_id() {
        let help = implementations("Implementations.");
        for id in chanbench_registry::implementations()
            .iter()
            .map(|i| i.id)
            .chain(
                chanbench_registry::async_implementations()
                    .iter()
                    .map(|i| i.id),
            )
        {
            assert!(help.contains(id), "{id}: {help}");
        }
    }
}
