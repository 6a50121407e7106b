//! The statistics of the report and the comparison: Welch's t-test on log times, with the
//! Student t distribution and the summaries taken from statrs.
//!
//! Times are compared as ratios, so the test runs on their logarithms: the difference of the mean
//! logs is the log of the ratio of geometric means, and its confidence interval turns back into
//! an interval on the ratio.

use statrs::{
    distribution::{Binomial, ContinuousCDF, Discrete, DiscreteCDF, Hypergeometric, StudentsT},
    statistics::{Data, Median, OrderStatistics, Statistics},
    stats_tests::{
        Alternative,
        mannwhitneyu::{MannWhitneyUMethod, mannwhitneyu},
    },
};

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

impl Difference {
    /// From a difference `d` of mean logs, its standard error and the t distribution's degrees
    /// of freedom: the ratio, its 95% interval and the two-sided p-value. With no spread at all
    /// the difference is exact.
    fn from_t(d: f64, se: f64, df: f64) -> Option<Self> {
        if se == 0.0 || !se.is_finite() {
            return Some(Self {
                ratio: d.exp(),
                lower: d.exp(),
                upper: d.exp(),
                p: if d == 0.0 { 1.0 } else { 0.0 },
            });
        }
        let t = StudentsT::new(0.0, 1.0, df).ok()?;
        let p = 2.0 * (1.0 - t.cdf((d / se).abs()));
        let q = t.inverse_cdf(0.975);
        Some(Self {
            ratio: d.exp(),
            lower: (d - q * se).exp(),
            upper: (d + q * se).exp(),
            p: p.clamp(0.0, 1.0),
        })
    }
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
    // Welch–Satterthwaite degrees of freedom.
    let df = (vb + vn).powi(2) / (vb.powi(2) / (nb - 1.0) + vn.powi(2) / (nn - 1.0));
    Difference::from_t(d, se, df)
}

/// A one-sample t-test on the logs of `ratios` (one per process, paired within it): the geometric
/// mean ratio, its 95% confidence interval from the spread between processes, and the two-sided
/// p-value against a ratio of 1. `None` for fewer than two positive, finite ratios.
pub fn paired_log(ratios: &[f64]) -> Option<Difference> {
    if ratios.len() < 2 || ratios.iter().any(|r| !(r.is_finite() && *r > 0.0)) {
        return None;
    }
    let logs: Vec<f64> = ratios.iter().map(|r| r.ln()).collect();
    let n = logs.len() as f64;
    let d = logs.iter().mean();
    let se = (logs.iter().variance() / n).sqrt();
    Difference::from_t(d, se, n - 1.0)
}

/// Two-sided p-value of Fisher's exact test on a 2x2 table: `a` of `n_a` against `b` of `n_b`
/// (say, slow runs of the matrix against slow runs of a plain loop). The sum of the
/// probabilities, under the hypergeometric distribution, of every table no more likely than the
/// observed one.
pub fn fisher_exact(a: u64, n_a: u64, b: u64, n_b: u64) -> f64 {
    let total = n_a + n_b;
    let successes = a + b;
    let Ok(h) = Hypergeometric::new(total, successes, n_a) else {
        return 1.0;
    };
    let observed = h.pmf(a);
    let lo = successes.saturating_sub(n_b);
    let hi = successes.min(n_a);
    (lo..=hi)
        .map(|k| h.pmf(k))
        .filter(|p| *p <= observed * (1.0 + 1e-7))
        .sum::<f64>()
        .min(1.0)
}

/// Two-sided p-value of the Mann-Whitney U test: whether one set tends to be larger than the
/// other. Rank-based, so one outlying process can neither hide a consistent shift nor fake one.
/// `None` when a side is empty or a value is not finite.
///
/// statrs' normal approximation with tie and continuity corrections (scipy's "asymptotic"
/// method); within 0.01 of the exact p for 4 to 5 values a side. statrs 0.19's exact method
/// returns the wrong tail for two-sided tests (p = 1 for fully separated samples), so it is not
/// used.
pub fn mann_whitney(base: &[f64], new: &[f64]) -> Option<f64> {
    if base.iter().chain(new).any(|x| !x.is_finite()) {
        return None;
    }
    mannwhitneyu(
        base,
        new,
        MannWhitneyUMethod::AsymptoticInclContinuityCorrection,
        Alternative::TwoSided,
    )
    .ok()
    .map(|(_, p)| p)
}

/// The Hodges-Lehmann estimate of `new / base`: the median of every ratio `new[j] / base[i]`
/// (the shift estimate that goes with the Mann-Whitney test; robust to an outlying process).
pub fn hodges_lehmann_ratio(base: &[f64], new: &[f64]) -> Option<f64> {
    let logs: Vec<f64> = new
        .iter()
        .flat_map(|n| base.iter().map(move |b| (n / b).ln()))
        .filter(|l| l.is_finite())
        .collect();
    (!logs.is_empty()).then(|| median(&logs).exp())
}

/// The typical difference between two measurements of the same thing: the median over pairs of
/// `max / min - 1`. With several processes of one run, the run-to-run noise of a cell on this
/// machine; unlike the range, one outlying process does not set it. `None` for fewer than two.
pub fn typical_spread(values: &[f64]) -> Option<f64> {
    let diffs: Vec<f64> = values
        .iter()
        .enumerate()
        .flat_map(|(i, a)| values[i + 1..].iter().map(move |b| (a / b).ln().abs()))
        .filter(|d| d.is_finite())
        .collect();
    (!diffs.is_empty()).then(|| median(&diffs).exp() - 1.0)
}

/// The distribution-free 95% interval of the median of `values`: the order statistics
/// `x(k)` and `x(n+1-k)` with the largest `k` whose binomial(n, ½) tail leaves at least 95%
/// between them (for 15 values, the 4th and 12th: 96.5%; for 5, the smallest and largest:
/// 93.8%, the best 5 values allow). `None` for fewer than two values or one not finite.
pub fn median_interval(values: &[f64]) -> Option<(f64, f64)> {
    let n = values.len();
    if n < 2 || values.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let coin = Binomial::new(0.5, n as u64).ok()?;
    // P(fewer than k values below the median) = cdf(k - 1) <= 2.5% on each side.
    let k = (1..=n / 2)
        .take_while(|k| coin.cdf(*k as u64 - 1) <= 0.025)
        .last()
        .unwrap_or(1);
    Some((sorted[k - 1], sorted[n - k]))
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

/// The `p`-th percentile (0 to 100).
pub fn percentile(values: &[f64], p: usize) -> f64 {
    Data::new(values.to_vec()).percentile(p)
}

/// The median.
pub fn median(values: &[f64]) -> f64 {
    Data::new(values.to_vec()).median()
}

/// The geometric mean (`NaN` when empty).
pub fn geometric_mean(values: &[f64]) -> f64 {
    values.iter().geometric_mean()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_interval_takes_the_order_statistics_a_binomial_allows() {
        let v: Vec<f64> = (1..=15).rev().map(f64::from).collect();
        assert_eq!(median_interval(&v), Some((4.0, 12.0)));
        assert_eq!(
            median_interval(&[3.0, 1.0, 2.0, 5.0, 4.0]),
            Some((1.0, 5.0))
        );
        let wide: Vec<f64> = (1..=100).map(f64::from).collect();
        // 100 values: the 40th and 61st (coverage 96.5%).
        assert_eq!(median_interval(&wide), Some((40.0, 61.0)));
        assert_eq!(median_interval(&[1.0]), None);
        assert_eq!(median_interval(&[1.0, f64::NAN]), None);
    }

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
    fn mann_whitney_matches_scipy_and_resists_an_outlier() {
        // scipy.stats.mannwhitneyu([19, 22, 16, 29, 24], [20, 11, 17, 12], method="asymptotic")
        // (statrs' own example): U = 17, z = 6.5 / 4.0825, two-sided p = 0.1113 (exact: 0.1111).
        let p = mann_whitney(&[19.0, 22.0, 16.0, 29.0, 24.0], &[20.0, 11.0, 17.0, 12.0]).unwrap();
        assert!((p - 0.1113).abs() < 2e-4, "{p}");
        // Fully separated, 5 against 5: exact p = 2/252 = 0.0079, the approximation 0.0122.
        let p = mann_whitney(&[1.0, 2.0, 3.0, 4.0, 5.0], &[6.0, 7.0, 8.0, 9.0, 10.0]).unwrap();
        assert!((p - 0.0122).abs() < 5e-4, "{p}");
        // Five processes a side, 10% apart, one new process disturbed by the machine (3x): the rank
        // test and the shift estimate still see the 10%; Welch's t-test, whose variance the
        // outlier inflates, does not.
        let base = [100.0, 101.0, 99.0, 100.5, 99.5];
        let new = [110.0, 111.0, 109.5, 110.5, 300.0];
        let p = mann_whitney(&base, &new).unwrap();
        assert!(p < 0.05, "{p}");
        let r = hodges_lehmann_ratio(&base, &new).unwrap();
        assert!((r - 1.10).abs() < 0.01, "{r}");
        assert!(welch_log(&base, &new).unwrap().p > 0.05);
        // Identical sets are not different.
        assert!(mann_whitney(&base, &base).unwrap() > 0.5);
        assert!(mann_whitney(&[1.0, f64::NAN], &[1.0, 2.0]).is_none());
    }

    #[test]
    fn typical_spread_is_not_set_by_one_outlier() {
        let spread = typical_spread(&[100.0, 101.0, 99.0, 135.0, 100.5]).unwrap();
        assert!(spread > 0.01 && spread < 0.03, "{spread}");
        assert_eq!(typical_spread(&[5.0]), None);
        assert!((typical_spread(&[100.0, 110.0]).unwrap() - 0.10).abs() < 1e-12);
    }

    #[test]
    fn spread_and_summaries() {
        assert_eq!(spread(&[100.0]), None);
        assert!((spread(&[100.0, 104.0, 102.0]).unwrap() - 0.04).abs() < 1e-12);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert!((geometric_mean(&[1.0, 100.0]) - 10.0).abs() < 1e-9);
    }

    #[test]
    fn fisher_exact_matches_known_tables() {
        // R: fisher.test(matrix(c(1, 9, 11, 3), 2))$p.value = 0.002759
        let p = fisher_exact(1, 10, 11, 14);
        assert!((p - 0.002759).abs() < 1e-5, "{p}");
        // Identical proportions: nothing to see.
        assert!((fisher_exact(5, 10, 5, 10) - 1.0).abs() < 1e-9);
        // 22 of 41 against 30 of 41 slow runs: not a significant difference (p ~ 0.11).
        let p = fisher_exact(22, 41, 30, 41);
        assert!(p > 0.05 && p < 0.2, "{p}");
    }

    #[test]
    fn paired_log_is_significant_only_when_processes_agree() {
        let agree = paired_log(&[1.30, 1.25, 1.35]).unwrap();
        assert!(agree.p < 0.05 && agree.lower > 1.0, "{agree:?}");
        let scattered = paired_log(&[1.05, 1.10, 1.02]).unwrap();
        assert!(scattered.p > 0.05 && scattered.lower < 1.0, "{scattered:?}");
        assert!(paired_log(&[1.2]).is_none());
    }
}
