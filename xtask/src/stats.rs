//! The statistics of the report and the comparison: Welch's t-test on log times, with the
//! Student t distribution and the summaries taken from statrs.
//!
//! Times are compared as ratios, so the test runs on their logarithms: the difference of the mean
//! logs is the log of the ratio of geometric means, and its confidence interval turns back into
//! an interval on the ratio.

use statrs::{
    distribution::{ContinuousCDF, StudentsT},
    statistics::{Data, Median, Statistics},
};

use crate::results::Samples;

/// `new / base`, from two sets of positive values (times).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    /// Ratio of the geometric means, new over base.
    pub ratio: f64,
    /// Lower bound of its 95% confidence interval.
    pub lower: f64,
    /// Upper bound of its 95% confidence interval.
    pub upper: f64,
    /// Two-sided p-value of Welch's t-test on the logs: the chance of a difference at least this
    /// large if both sets came from one distribution.
    pub p: f64,
}

/// Welch's t-test on the logs of `base` and `new`. `None` unless each has two or more positive,
/// finite values.
pub fn welch_log(base: &[f64], new: &[f64]) -> Option<Difference> {
    let logs = |v: &[f64]| -> Option<Vec<f64>> {
        (v.len() >= 2 && v.iter().all(|x| x.is_finite() && *x > 0.0))
            .then(|| v.iter().map(|x| x.ln()).collect())
    };
    let (b, n) = (logs(base)?, logs(new)?);
    let (nb, nn) = (b.len() as f64, n.len() as f64);
    let (vb, vn) = (b.iter().variance() / nb, n.iter().variance() / nn);
    let d = n.iter().mean() - b.iter().mean();
    let se = (vb + vn).sqrt();
    if se == 0.0 || !se.is_finite() {
        // No spread at all: the difference is exact.
        let p = if d == 0.0 { 1.0 } else { 0.0 };
        return Some(Difference {
            ratio: d.exp(),
            lower: d.exp(),
            upper: d.exp(),
            p,
        });
    }
    // Welch–Satterthwaite degrees of freedom.
    let df = (vb + vn).powi(2) / (vb.powi(2) / (nb - 1.0) + vn.powi(2) / (nn - 1.0));
    let t = StudentsT::new(0.0, 1.0, df).ok()?;
    let p = 2.0 * (1.0 - t.cdf((d / se).abs()));
    let q = t.inverse_cdf(0.975);
    Some(Difference {
        ratio: d.exp(),
        lower: (d - q * se).exp(),
        upper: (d + q * se).exp(),
        p: p.clamp(0.0, 1.0),
    })
}

/// Relative spread of repeated measurements of one thing, `max / min - 1`: the largest difference
/// between two of them. `None` for fewer than two.
pub fn spread(values: &[f64]) -> Option<f64> {
    (values.len() >= 2).then(|| {
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        max / min - 1.0
    })
}

/// The median.
pub fn median(values: &[f64]) -> f64 {
    Data::new(values.to_vec()).median()
}

/// The geometric mean (`NaN` when empty).
pub fn geometric_mean(values: &[f64]) -> f64 {
    values.iter().geometric_mean()
}

/// Criterion's samples as ns per message, one value per sample.
pub fn per_message(samples: &Samples) -> Vec<f64> {
    samples
        .iter_pairs()
        .filter(|(iters, _)| *iters > 0.0)
        .map(|(iters, ns)| ns / iters)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welch_finds_a_clear_shift_and_not_a_null_one() {
        let base = [100.0, 101.0, 99.0, 100.5, 99.5];
        let slower: Vec<f64> = base.iter().map(|x| x * 1.10).collect();
        let d = welch_log(&base, &slower).unwrap();
        assert!((d.ratio - 1.10).abs() < 1e-9, "{d:?}");
        assert!(d.lower < 1.10 && d.upper > 1.10 && d.lower > 1.0, "{d:?}");
        assert!(d.p < 0.001, "{d:?}");

        let same = [99.8, 100.7, 99.2, 100.1, 100.2];
        let d = welch_log(&base, &same).unwrap();
        assert!(d.p > 0.5 && d.lower < 1.0 && d.upper > 1.0, "{d:?}");
    }

    #[test]
    fn welch_matches_a_textbook_value() {
        // Two groups with log means 0 and 1, variances 1 and 4, n = 10 each (values chosen so the
        // sample moments are exact): t = 1 / sqrt(0.1 + 0.4) = 1.414, df = 13.24, and integrating
        // the t density numerically gives a two-sided p of 0.1804.
        let exp = |v: &[f64]| v.iter().map(|x| x.exp()).collect::<Vec<_>>();
        let a = [-1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0];
        let b = [-1.0, 3.0, -1.0, 3.0, -1.0, 3.0, -1.0, 3.0, -1.0, 3.0];
        // Sample variance (n - 1) of a is 10/9; scale to exactly 1 and 4.
        let s = (9.0f64 / 10.0).sqrt();
        let a: Vec<f64> = a.iter().map(|x| x * s).collect();
        let b: Vec<f64> = b.iter().map(|x| (x - 1.0) * s + 1.0).collect();
        let d = welch_log(&exp(&a), &exp(&b)).unwrap();
        assert!((d.ratio - 1f64.exp()).abs() < 1e-9, "{d:?}");
        assert!((d.p - 0.1804).abs() < 0.001, "{d:?}");
    }

    #[test]
    fn too_few_or_bad_values_give_no_test() {
        assert!(welch_log(&[1.0], &[1.0, 2.0]).is_none());
        assert!(welch_log(&[1.0, 0.0], &[1.0, 2.0]).is_none());
        assert!(welch_log(&[1.0, f64::NAN], &[1.0, 2.0]).is_none());
        let d = welch_log(&[5.0, 5.0], &[5.0, 5.0]).unwrap();
        assert_eq!((d.ratio, d.p), (1.0, 1.0));
    }

    #[test]
    fn spread_and_summaries() {
        assert_eq!(spread(&[100.0]), None);
        assert!((spread(&[100.0, 104.0, 102.0]).unwrap() - 0.04).abs() < 1e-12);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert!((geometric_mean(&[1.0, 100.0]) - 10.0).abs() < 1e-9);
        let samples = Samples {
            iters: vec![10.0, 20.0],
            times_ns: vec![100.0, 400.0],
        };
        assert_eq!(per_message(&samples), [10.0, 20.0]);
    }
}
