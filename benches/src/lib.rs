//! The chanbench benchmark matrix, as a library the criterion entry point (`matrix.rs`) and the
//! tests share: profiles and cell selection, the zero-cost check, the cost-record output.

pub mod calibration;
pub mod fault_fixtures;
pub mod profile;
pub mod record;
pub mod runner;
pub mod zero_cost;

use statrs::statistics::{Data, Median, OrderStatistics};

pub use chanbench_workloads::matrix::heap_shifted;
use chanbench_workloads::{
    matrix::{Matrix, Shape},
    registered_matrix,
};

/// The whole matrix for `shape`: every registered implementation, the strategies without a
/// channel, the floor baselines and the zero-cost pair (and, for xtask's tests only, the fault
/// fixtures).
pub fn build_matrix(shape: Shape, reduced: bool) -> Matrix {
    let mut matrix = registered_matrix!(shape, reduced);
    zero_cost::add_cells(&mut matrix);
    fault_fixtures::add_cells_if_enabled(&mut matrix);
    matrix
}

/// What [`interleave`] measured: every round's `a` and `b` and their ratio `a / b`.
#[derive(Debug, Clone, Default)]
pub struct Interleaved {
    /// `a`'s value per round.
    pub a: Vec<f64>,
    /// `b`'s value per round.
    pub b: Vec<f64>,
    /// `a / b` per round.
    pub ratios: Vec<f64>,
}

impl Interleaved {
    /// Medians of `a` and of `b`, and the median and quartiles of the ratios.
    pub fn summary(&self) -> (f64, f64, f64, f64, f64) {
        let mut ratios = Data::new(self.ratios.clone());
        (
            Data::new(self.a.clone()).median(),
            Data::new(self.b.clone()).median(),
            ratios.median(),
            ratios.percentile(25),
            ratios.percentile(75),
        )
    }
}

/// Runs `rounds` rounds of `a` and `b` back to back, `a` first in even rounds and `b` first in
/// odd ones, so a drift of the machine lands on both sides alike: the paired design of the
/// zero-cost check and the calibration.
pub fn interleave(
    rounds: usize,
    mut a: impl FnMut() -> f64,
    mut b: impl FnMut() -> f64,
) -> Interleaved {
    let mut out = Interleaved::default();
    for round in 0..rounds {
        let (x, y) = if round % 2 == 0 {
            let x = a();
            (x, b())
        } else {
            let y = b();
            (a(), y)
        };
        out.a.push(x);
        out.b.push(y);
        out.ratios.push(x / y);
    }
    out
}
