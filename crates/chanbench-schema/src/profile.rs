//! The profiles' names and process counts, shared by the bench (which owns their timings) and
//! xtask (which runs that many processes per placement by default).

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// How long and how carefully to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileName {
    /// Every workload and implementation, minimal time: seconds. For CI.
    Smoke,
    /// Short measurements of the full matrix.
    Quick,
    /// The full matrix, a few minutes per placement on 2 cores.
    Default,
    /// Long measurements.
    Full,
}

impl ProfileName {
    /// Every profile, fastest first.
    pub const ALL: [ProfileName; 4] = [
        ProfileName::Smoke,
        ProfileName::Quick,
        ProfileName::Default,
        ProfileName::Full,
    ];

    /// The name: `smoke`, `quick`, `default`, `full`.
    pub fn name(self) -> &'static str {
        match self {
            ProfileName::Smoke => "smoke",
            ProfileName::Quick => "quick",
            ProfileName::Default => "default",
            ProfileName::Full => "full",
        }
    }

    /// Processes per placement `cargo xtask bench` runs when `--repeat` is not given: the
    /// process is the unit of replication.
    pub fn processes(self) -> u32 {
        match self {
            ProfileName::Smoke => 1,
            ProfileName::Quick => 3,
            ProfileName::Default | ProfileName::Full => 5,
        }
    }
}

impl fmt::Display for ProfileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A profile name that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown profile {0:?}; expected one of smoke, quick, default, full")]
pub struct UnknownProfile(pub String);

impl FromStr for ProfileName {
    type Err = UnknownProfile;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| UnknownProfile(s.to_owned()))
    }
}
