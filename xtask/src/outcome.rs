//! How a task ended when it did not fail, and the exit status each ending maps to.

use std::process::ExitCode;

/// How a task ended when it did not fail: each maps to one exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It did its job: 0.
    Done,
    /// `compare --fail-on-regression` found a regression: 3.
    Regressed,
    /// `validate` found the harness biased on a cell: 3.
    Biased,
    /// Ctrl-C stopped `bench`; what finished is stored: 130 (the shell's code for SIGINT).
    Interrupted,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Done => ExitCode::SUCCESS,
            Outcome::Regressed | Outcome::Biased => ExitCode::from(3),
            Outcome::Interrupted => ExitCode::from(130),
        }
    }
}
