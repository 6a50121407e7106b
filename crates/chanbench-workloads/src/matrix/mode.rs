//! Timed runs or the cost run, and the one place a run's mode becomes the jobs' const generic.

/// Timed runs (criterion) or the cost run (also records latencies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// For criterion: nothing recorded beyond the elapsed time.
    Timed,
    /// The fixed-size cost run: latency histograms where the workload has them.
    Cost,
}

/// Evaluates `$body` with the const `$cost` set for `$mode` (`false` timed, `true` cost), so a
/// cell's runner names its job once: `by_mode!(mode, |COST| job::<C, M, COST>(team, m, n))`.
macro_rules! by_mode {
    ($mode:expr, |$cost:ident| $body:expr) => {
        match $mode {
            $crate::matrix::Mode::Timed => {
                const $cost: bool = false;
                $body
            }
            $crate::matrix::Mode::Cost => {
                const $cost: bool = true;
                $body
            }
        }
    };
}
pub(crate) use by_mode;

#[cfg(test)]
mod tests {
    use super::*;

    fn records<const COST: bool>() -> bool {
        COST
    }

    #[test]
    fn the_cost_run_and_only_it_records() {
        assert!(!by_mode!(Mode::Timed, |COST| records::<COST>()));
        assert!(by_mode!(Mode::Cost, |COST| records::<COST>()));
    }
}
