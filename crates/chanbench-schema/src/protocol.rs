//! The lines a bench process prints on stderr for xtask, which watches them: a cell starts, a
//! cell finishes (its record is on disk before this line), a note for the user, an error. Both
//! sides use [`Line`], so the protocol is written once.
//!
//! ```text
//! cell spsc/flume/cap=1024/u64 {"workload":"spsc",...}
//!   cost spsc/flume/cap=1024/u64: 50000 msgs, wall 61.2 ns/msg, ...
//! chanbench: profile default, seed 42, ...
//! plan {"cells":431,"measuring_s":28.0,"cost_s":17.2}
//! error: ...
//! ```
//! Anything else (criterion's own output, a panic's message) is [`Line::Other`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::cell::CellKey;

/// What a process is about to measure, before it starts: its cells and the time its profile
/// gives them, for `cargo xtask bench --list`'s estimate. Setup, criterion's analysis and a
/// behaviour family's observation come on top.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Cells the process measures.
    pub cells: u64,
    /// Warm-up and measurement time of those cells, by the profile, in seconds.
    pub measuring_s: f64,
    /// The cost runs' target time, in seconds (the first process of a placement runs them).
    pub cost_s: f64,
}

/// One line of a bench process's stderr.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// A cell is about to run; the watchdog's clock starts.
    Start(Box<CellKey>),
    /// The cell `id` finished and its record is written; `summary` is its cost line.
    Finished {
        /// `workload/implementation/params`.
        id: String,
        /// Its cost, in words.
        summary: String,
    },
    /// Something for the user (the profile and seed, the zero-cost ratio, the total).
    Note(String),
    /// What the process will measure, printed before the first cell.
    Plan(Plan),
    /// The process is about to exit with this error.
    Error(String),
    /// Not part of the protocol.
    Other(String),
}

const START: &str = "cell ";
const FINISHED: &str = "  cost ";
const NOTE: &str = "chanbench: ";
const PLAN: &str = "plan ";
const ERROR: &str = "error: ";

impl Line {
    /// Reads a line; a `cell` line whose key does not parse is [`Line::Other`], never a panic.
    pub fn parse(line: &str) -> Line {
        if let Some(rest) = line.strip_prefix(START) {
            // `cell <id> <key as JSON>`: the id for people, the key for xtask.
            if let Some((_, json)) = rest.split_once(' ') {
                if let Ok(key) = serde_json::from_str(json) {
                    return Line::Start(Box::new(key));
                }
            }
        } else if let Some(rest) = line.strip_prefix(FINISHED) {
            if let Some((id, summary)) = rest.split_once(": ") {
                return Line::Finished {
                    id: id.to_owned(),
                    summary: summary.to_owned(),
                };
            }
        } else if let Some(note) = line.strip_prefix(NOTE) {
            return Line::Note(note.to_owned());
        } else if let Some(plan) = line.strip_prefix(PLAN) {
            if let Ok(plan) = serde_json::from_str(plan) {
                return Line::Plan(plan);
            }
        } else if let Some(error) = line.strip_prefix(ERROR) {
            return Line::Error(error.to_owned());
        }
        Line::Other(line.to_owned())
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Line::Start(key) => {
                let json = serde_json::to_string(key).map_err(|_| fmt::Error)?;
                write!(f, "{START}{} {json}", key.id())
            }
            Line::Finished { id, summary } => write!(f, "{FINISHED}{id}: {summary}"),
            Line::Note(note) => write!(f, "{NOTE}{note}"),
            Line::Plan(plan) => {
                let json = serde_json::to_string(plan).map_err(|_| fmt::Error)?;
                write!(f, "{PLAN}{json}")
            }
            Line::Error(error) => write!(f, "{ERROR}{error}"),
            Line::Other(line) => f.write_str(line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Capacity, Params, Payload, Workload};

    #[test]
    fn every_line_reads_back_as_written() {
        let mut params = Params::new(Capacity::Unbounded, Payload::opaque("instant"), 2);
        params.burst = Some(8);
        params.pause_ns = Some(1_000_000);
        let key = CellKey::new(Workload::Burst, "kanal", params);
        for line in [
            Line::Start(Box::new(key.clone())),
            Line::Finished {
                id: key.id(),
                summary: "10 msgs, wall 1.0 ns/msg".into(),
            },
            Line::Note("profile smoke, seed 1".into()),
            Line::Plan(Plan {
                cells: 431,
                measuring_s: 28.5,
                cost_s: 17.25,
            }),
            Line::Error("CHANBENCH_SEED: expected a whole number".into()),
            Line::Other("Benchmarking spsc/flume: Warming up".into()),
        ] {
            assert_eq!(Line::parse(&line.to_string()), line, "{line}");
        }
        let start = Line::Start(Box::new(key.clone())).to_string();
        assert!(start.starts_with("cell burst/kanal/cap=unbounded/instant/burst=8/pause=1ms {"));
    }

    #[test]
    fn a_broken_start_line_is_not_a_start() {
        assert!(matches!(
            Line::parse("cell spsc/x/cap=1/u64 {not json"),
            Line::Other(_)
        ));
        assert!(matches!(Line::parse("cell"), Line::Other(_)));
        assert!(matches!(Line::parse("plan {\"cells\":1}"), Line::Other(_)));
    }
}
