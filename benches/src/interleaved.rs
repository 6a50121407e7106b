//! The paired design of the zero-cost check and the calibration: two routines run back to back,
//! round after round, each going first in turn.

use statrs::statistics::{Data, Median, OrderStatistics};

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
