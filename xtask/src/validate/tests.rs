//! The verdict rules on made-up calibrations.

use chanbench_schema::CalibrationRecord;

use super::judge::*;

fn calibration(matrix: Vec<f64>, plain: Vec<f64>) -> Calibration {
    with_standalone(matrix, plain, Vec::new())
}

fn with_standalone(matrix: Vec<f64>, plain: Vec<f64>, standalone: Vec<f64>) -> Calibration {
    use chanbench_schema::{Capacity, CellKey, Params, Payload, SCHEMA, Workload};
    let params = Params::new(Capacity::Bounded(1), Payload::sized("u64", 8), 2);
    let mut c = Calibration {
        record: CalibrationRecord {
            schema: SCHEMA,
            key: CellKey::new(Workload::PingPong, "x", params),
            messages_per_run: 1000,
            rounds: matrix.len(),
            matrix_ns_per_msg: 0.0,
            plain_ns_per_msg: 0.0,
            ratio_median: 0.0,
            ratio_p25: 0.0,
            ratio_p75: 0.0,
            matrix_runs_ns: matrix,
            plain_runs_ns: plain,
            standalone_runs_ns: standalone,
        },
        judgement: None,
        in_process: None,
        standalone_ns_per_msg: None,
    };
    c.pool();
    c
}

/// The verdict `validate` stores for `c`.
fn judged(c: &Calibration, tolerance: f64) -> Judgement {
    let mut c = c.clone();
    c.judge(tolerance);
    c.judgement.unwrap()
}

/// `n` values around `centre`, spread by `spread` (a fraction), deterministic.
fn runs(n: usize, centre: f64, spread: f64) -> Vec<f64> {
    (0..n)
        .map(|i| centre * (1.0 + spread * ((i * 7 % 11) as f64 / 10.0 - 0.5)))
        .collect()
}

#[test]
fn an_unbiased_cell_passes_and_a_biased_one_fails() {
    let ok = calibration(runs(21, 100.0, 0.1), runs(21, 99.0, 0.1));
    assert_eq!(
        judged(&ok, 0.15).verdict,
        Verdict::Ok,
        "{:?}",
        judged(&ok, 0.15)
    );
    let biased = calibration(runs(21, 130.0, 0.1), runs(21, 100.0, 0.1));
    let j = judged(&biased, 0.15);
    assert_eq!(j.verdict, Verdict::Biased, "{j:?}");
    assert!(j.lower > 1.15, "{j:?}");
}

#[test]
fn a_cell_too_noisy_to_tell_is_inconclusive_not_passed() {
    // Per-round ratios scattered from 0.55x to 2.35x (no gap: one regime) around a median
    // of 1.3.
    let matrix = vec![55.0, 75.0, 95.0, 115.0, 130.0, 150.0, 175.0, 200.0, 235.0];
    let plain = vec![100.0; 9];
    let j = judged(&calibration(matrix, plain), 0.15);
    assert_eq!(j.verdict, Verdict::Inconclusive, "{j:?}");
    assert!(j.lower < 1.0 && j.upper > 1.0, "{j:?}");
}

#[test]
fn bimodal_cells_compare_regimes_and_how_often_each_side_lands_in_them() {
    // Both sides slow (parked) in about a third of the runs, fast alike otherwise.
    let alike = |offset: usize| -> Vec<f64> {
        (0..30)
            .map(|i| {
                if (i + offset) % 3 == 0 {
                    50_000.0
                } else {
                    700.0 + (i % 5) as f64
                }
            })
            .collect()
    };
    let j = judged(&calibration(alike(0), alike(1)), 0.15);
    let b = j.bimodal.clone().expect("two regimes");
    assert_eq!((b.matrix_slow, b.reference_slow), (10, 10));
    assert_eq!(j.verdict, Verdict::Ok, "{j:?}");
    // The harness parks in every run where the plain loop never does: a bias, whatever the
    // speed within a regime.
    let j = judged(&calibration(vec![50_000.0; 30], vec![700.0; 30]), 0.15);
    assert_eq!(j.verdict, Verdict::Biased, "{j:?}");
}

#[test]
fn the_verdict_is_against_the_standalone_program_with_the_in_process_loop_beside_it() {
    // The routine agrees with the in-process loop, but the process as a whole is 30% slower
    // than a fresh one: the bias the in-process twin cannot see.
    let mut c = with_standalone(
        runs(21, 130.0, 0.1),
        runs(21, 129.0, 0.1),
        runs(21, 100.0, 0.1),
    );
    c.judge(0.10);
    let (verdict, beside) = (c.judgement.clone().unwrap(), c.in_process.clone().unwrap());
    assert_eq!(verdict.verdict, Verdict::Biased, "{verdict:?}");
    assert!((verdict.ratio - 1.3).abs() < 0.05, "{verdict:?}");
    assert_eq!(beside.verdict, Verdict::Ok, "{beside:?}");
    assert!(c.standalone_ns_per_msg.unwrap() > 95.0 && c.standalone_ns_per_msg.unwrap() < 105.0);
    // Without standalone runs (a record from before it existed) the plain loop is the
    // reference, as it was.
    let mut old = calibration(runs(21, 130.0, 0.1), runs(21, 129.0, 0.1));
    old.judge(0.10);
    assert_eq!(old.judgement.unwrap().verdict, Verdict::Ok);
    assert!(old.in_process.is_none());
}

#[test]
fn sync_cells_are_held_to_ten_percent_and_async_cells_to_fifteen() {
    use chanbench_schema::{Capacity, CellKey, Params, Payload, Workload};
    let sync = calibration(runs(5, 100.0, 0.0), runs(5, 100.0, 0.0));
    assert_eq!(sync.tolerance(None), 0.10);
    assert_eq!(sync.tolerance(Some(0.2)), 0.2);
    let mut params = Params::new(Capacity::Unbounded, Payload::sized("u64", 8), 2);
    params.runtime = Some(chanbench_schema::Runtime::CurrentThread);
    let mut asynchronous = sync.clone();
    asynchronous.record.key = CellKey::new(Workload::AsyncSpsc, "x", params);
    assert_eq!(asynchronous.tolerance(None), 0.15);
    // 12% off: biased for a sync cell, within an async cell's tolerance.
    let (m, s) = (runs(21, 112.0, 0.02), runs(21, 100.0, 0.02));
    assert_eq!(judge(&m, &s, sync.tolerance(None)).verdict, Verdict::Biased);
    assert_eq!(
        judge(&m, &s, asynchronous.tolerance(None)).verdict,
        Verdict::Ok
    );
}

#[test]
fn a_gap_lies_with_the_process_when_the_in_process_loop_agrees_with_the_matrix() {
    let (matrix, fresh) = (runs(21, 130.0, 0.05), runs(21, 100.0, 0.05));
    let verdict = judge(&matrix, &fresh, 0.10);
    assert_eq!(verdict.verdict, Verdict::Biased);
    // The loop in the bench process reads like the matrix: the process's gap.
    let beside = judge(&matrix, &runs(21, 129.0, 0.05), 0.10);
    assert_eq!(Gap::of(&verdict, &beside), Some(Gap::Process));
    // It reads like the standalone program: the routine's.
    let beside = judge(&matrix, &runs(21, 101.0, 0.05), 0.10);
    assert_eq!(Gap::of(&verdict, &beside), Some(Gap::Routine));
    // No gap to explain.
    let ok = judge(&matrix, &runs(21, 128.0, 0.05), 0.10);
    assert_eq!(Gap::of(&ok, &beside), None);
}

#[test]
fn a_cell_with_no_ratio_is_inconclusive_and_its_judgement_survives_json() {
    // CI, 2026-12-06: every matrix run fast, every standalone run slow, three of each. The
    // regime most runs fell into holds no standalone run, so there is no ratio there, and 3
    // against 0 is no significant difference in the slow share.
    let j = judge(&[18.27, 18.05, 18.44], &[53.09, 65.27, 98.34], 0.15);
    assert!(j.bimodal.is_some() && j.ratio.is_nan(), "{j:?}");
    assert_eq!(j.verdict, Verdict::Inconclusive);
    let text = serde_json::to_string(&j).unwrap();
    assert!(text.contains("\"ratio\":null"), "{text}");
    let back: Judgement = serde_json::from_str(&text).unwrap();
    assert!(back.ratio.is_nan() && back.lower.is_nan());
    assert_eq!(back.verdict, Verdict::Inconclusive);
    // One round: no interval, so a ratio outside the tolerance is no claim either.
    assert_eq!(
        judge(&[150.0], &[100.0], 0.15).verdict,
        Verdict::Inconclusive
    );
}
