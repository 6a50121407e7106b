//! What the command line offers, generated from the tables that define it (the workload table,
//! the registry), so `--help` lists exactly what they hold.

use std::{fmt::Debug, str::FromStr};

use chanbench_schema::{ProfileName, Runtime, Workload};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

/// Parses a `T` by the names of `offered` (each with its help), the only values clap accepts.
fn named<T>(offered: impl IntoIterator<Item = PossibleValue>) -> impl TypedValueParser<Value = T>
where
    T: FromStr + Clone + Send + Sync + 'static,
    T::Err: Debug,
{
    PossibleValuesParser::new(offered).map(|name| {
        name.parse::<T>()
            .expect("every offered name parses: both come from one table")
    })
}

/// Parses a workload by name, offering every row of the workload table with its summary.
pub fn workload() -> impl TypedValueParser<Value = Workload> {
    named(Workload::ALL.map(|w| PossibleValue::new(w.name()).help(w.facts().summary)))
}

/// Parses a profile by name, offering every profile with its processes per placement.
pub fn profile() -> impl TypedValueParser<Value = ProfileName> {
    named(ProfileName::ALL.map(|p| {
        let processes = match p.processes() {
            1 => "one process per placement".to_owned(),
            n => format!("{n} processes per placement"),
        };
        PossibleValue::new(p.name()).help(processes)
    }))
}

/// Parses a tokio runtime flavour by name, offering every one.
pub fn runtime() -> impl TypedValueParser<Value = Runtime> {
    named(Runtime::ALL.iter().map(|r| PossibleValue::new(r.name())))
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

    /// A command with option `--{option}` parsed by `parser`, after checking that every one of
    /// `values` is accepted by its name and read back as itself.
    fn accepts_every<T: Clone + Send + Sync + PartialEq + Debug + 'static>(
        option: &'static str,
        parser: impl TypedValueParser<Value = T>,
        values: &[(T, &str)],
    ) -> Command {
        let command = Command::new("t").arg(Arg::new("v").long(option).value_parser(parser));
        for (value, name) in values {
            let matches = command
                .clone()
                .try_get_matches_from(["t", &format!("--{option}"), name])
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(matches.get_one::<T>("v"), Some(value));
        }
        command
    }

    #[test]
    fn every_workload_of_the_table_is_offered_and_parsed() {
        let all: Vec<_> = Workload::ALL.iter().map(|w| (*w, w.name())).collect();
        let command = accepts_every("workload", workload(), &all);
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
        let all: Vec<_> = ProfileName::ALL.iter().map(|p| (*p, p.name())).collect();
        accepts_every("profile", profile(), &all);
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
