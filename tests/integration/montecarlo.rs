//! Monte Carlo: stopping rules, common random numbers, parameter draws.

use borderflow::montecarlo::{self, RunOptions, StopRule};
use borderflow::report::summarize;

use crate::common::model;

/// A 10-day one-stage scenario with a target, two variants and an uncertain value per truck.
fn scenario(value_spread: f64) -> String {
    format!(
        r#"
[scenario]
name = "mc"
start = "2025-01-01"
end = "2025-01-10"
[target]
year = 2025
total_musd = 5
export_musd = 5
import_musd = 0.001
[[classes]]
id = "c"
[[values]]
direction = "export"
class = "c"
value_usd = {{ dist = "constant", value = 10000 }}
declared_here_share = 1.0
[[gates]]
id = "g"
demand = [{{ direction = "export", class = "c", per_day = 100 }}]
[[gates.stages]]
id = "s"
servers = 3
clearance = true
service = {{ dist = "exponential", mean = 25 }}
[[gates.routes]]
direction = "export"
steps = ["s"]
[[variants]]
name = "baseline"
[[variants]]
name = "more"
[[variants.changes]]
kind = "add_servers"
stages = ["s"]
servers = 2
[[uncertain]]
name = "value"
kind = "value"
factor = {{ dist = "uniform", min = {lo}, max = {hi} }}
"#,
        lo = 1.0 - value_spread,
        hi = 1.0 + value_spread
    )
}

#[test]
fn precision_stops_by_itself_and_says_why() {
    // ~1,000 trucks × USD 10k ≈ 10 M ≫ 5 M target: P = 1, whose Wilson half-width
    // z²/(2(n + z²)) falls below 0.05 at n = 35, i.e. at the ninth look (every 4).
    let m = model(&scenario(0.0));
    let mut opts = RunOptions::fixed(1000, 1, vec![0, 1]);
    opts.precision = Some(0.05);
    let run = montecarlo::run(&m, &opts, |_, _| {}).unwrap();
    assert_eq!(run.stopping.rule, StopRule::Precision);
    assert_eq!(run.replications, 36);
    assert!(run.stopping.worst_half_width.unwrap() <= 0.05);
    opts.replications = 16;
    let capped = montecarlo::run(&m, &opts, |_, _| {}).unwrap();
    assert_eq!(capped.stopping.rule, StopRule::MaxReplications);
    assert_eq!(capped.replications, 16);
}

/// Each variant stops on its own: one far above the target stops at the first look where
/// n/n replications give a half-width ≤ 0.10 (16), one near it runs on until its own interval
/// is that narrow; the counts and records do not depend on the threads.
#[test]
fn each_variant_stops_when_its_own_interval_is_narrow_enough() {
    // "half" sends half the trucks: ~5 M USD × value U(0.7, 1.3) against a 5 M target
    let src = scenario(0.3).replace(
        "[[uncertain]]",
        "[[variants]]\nname = \"half\"\n[[variants.changes]]\nkind = \"demand\"\ngates = [\"g\"]\nfactor = 0.5\n[[uncertain]]",
    );
    let m = model(&src);
    let (baseline, half) = (0, m.variant_index("half").unwrap());
    let mut opts = RunOptions::fixed(400, 9, vec![baseline, half]);
    opts.precision = Some(0.10);
    let one = montecarlo::run(
        &m,
        &RunOptions {
            threads: Some(1),
            ..opts.clone()
        },
        |_, _| {},
    )
    .unwrap();
    let two = montecarlo::run(
        &m,
        &RunOptions {
            threads: Some(2),
            ..opts
        },
        |_, _| {},
    )
    .unwrap();
    assert_eq!(one.stopping.rule, StopRule::Precision);
    let counts: Vec<usize> = one.variants.iter().map(|v| v.reps.len()).collect();
    assert_eq!(counts[0], 16, "P = 1 needs 16 replications for ±0.10");
    assert!(counts[1] > 48, "a P near one half needs ~96: {counts:?}");
    assert_eq!(counts[1] % 4, 0, "the rule looks every 4 replications");
    for v in &one.variants {
        assert!(montecarlo::half_width(&m, v).unwrap() <= 0.10);
    }
    assert_eq!(
        one.replications, counts[1],
        "the top-level count is the largest"
    );
    for (a, b) in one.variants.iter().zip(&two.variants) {
        assert_eq!(a.reps, b.reps, "the same replications whatever the threads");
    }
    // the summary says how many each ran; the paired difference uses the common ones
    let s = summarize(&m, &one);
    assert_eq!(s.variants[0].replications, 16);
    assert_eq!(s.variants[1].replications, counts[1]);
    assert!(s.variants[1].vs_baseline.is_some());
}

/// The coverage of the interval the precision rule stops with, on a toy where P is known:
/// Bernoulli(p) replications, looked at every 4 as `run` does, stopped the first time the
/// Wilson 95 % half-width is ≤ h. Over 4,000 seeded runs per (p, h), the share of stopped
/// intervals that contain p must not fall below the stated 95 % by more than 3 standard
/// errors of such a share (3 × √(0.95 × 0.05 / 4000) = 0.010): ≥ 0.94. Measured: 0.948
/// (p = 0.5, h = 0.10) to 0.983 (p near 0 or 1, where n/n intervals are conservative).
#[test]
fn the_stopping_rule_covers_at_its_stated_rate() {
    use borderflow::model::dist::unit;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;
    let runs = 4000;
    for &h in &[0.10, 0.05] {
        for &p in &[0.02, 0.2, 0.5, 0.8, 0.95, 0.99] {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64((p * 1e4) as u64 + (h * 1e6) as u64);
            let mut covered = 0;
            let mut total_n = 0u64;
            for _ in 0..runs {
                let (mut hits, mut n) = (0u64, 0u64);
                loop {
                    for _ in 0..montecarlo::CHUNK {
                        hits += u64::from(unit(&mut rng) < p);
                        n += 1;
                    }
                    if montecarlo::precise_enough(hits, n, h) {
                        break;
                    }
                }
                let [lo, hi] = borderflow::stats::wilson_interval(hits, n);
                covered += u32::from(lo <= p && p <= hi);
                total_n += n;
            }
            let coverage = covered as f64 / runs as f64;
            // shown with --nocapture (docs/performance.md quotes it)
            eprintln!(
                "stopping rule h = {h}, p = {p}: coverage {coverage:.3}, mean n {:.1}",
                total_n as f64 / runs as f64
            );
            assert!(
                coverage >= 0.94,
                "p = {p}, h = {h}: coverage {coverage:.3} (mean n {:.0})",
                total_n as f64 / runs as f64
            );
        }
    }
}

#[test]
fn variants_share_arrivals_under_common_random_numbers() {
    let m = model(&scenario(0.1));
    let crn = montecarlo::run(&m, &RunOptions::fixed(8, 3, vec![0, 1]), |_, _| {}).unwrap();
    for (a, b) in crn.variants[0].reps.iter().zip(&crn.variants[1].reps) {
        assert_eq!(a.years[0].arrivals, b.years[0].arrivals);
        assert_eq!(
            a.parameters, b.parameters,
            "one parameter draw for every variant"
        );
    }
    let mut opts = RunOptions::fixed(8, 3, vec![0, 1]);
    opts.common_random_numbers = false;
    let ind = montecarlo::run(&m, &opts, |_, _| {}).unwrap();
    let same = ind.variants[0]
        .reps
        .iter()
        .zip(&ind.variants[1].reps)
        .filter(|(a, b)| a.years[0].arrivals == b.years[0].arrivals)
        .count();
    assert!(
        same < 3,
        "independent streams: arrivals differ ({same} of 8 equal)"
    );
    // the paired difference is reported against the baseline
    let s = summarize(&m, &crn);
    assert!(s.variants[1].vs_baseline.is_some());
    assert!(s.common_random_numbers);
}

#[test]
fn inner_replications_share_a_parameter_draw_and_split_the_variance() {
    let m = model(&scenario(0.3));
    let mut opts = RunOptions::fixed(40, 5, vec![0]);
    opts.inner = 4;
    let run = montecarlo::run(&m, &opts, |_, _| {}).unwrap();
    let reps = &run.variants[0].reps;
    assert!(
        reps[0..4]
            .iter()
            .all(|r| r.parameters == reps[0].parameters)
    );
    assert_ne!(reps[3].parameters, reps[4].parameters);
    assert_ne!(
        reps[0].years[0].arrivals, reps[1].years[0].arrivals,
        "day-to-day randomness still differs"
    );
    let u = summarize(&m, &run).variants[0].uncertainty.clone().unwrap();
    assert_eq!(u.parameter_draws, 10);
    // value ±30 % dwarfs the Poisson noise of ~1,000 trucks (±3 %)
    assert!(
        u.turnover_variance_share_parameters.unwrap() > 0.8,
        "{:?}",
        u.turnover_variance_share_parameters
    );
    assert!(u.p_target_total_by_draw.is_some());
}
