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
    // ~1,000 trucks × USD 10k ≈ 10 M ≫ 5 M target: P = 1, whose Wilson half-width falls
    // below 0.05 after 37 replications, i.e. after the third batch of 16.
    let m = model(&scenario(0.0));
    let mut opts = RunOptions::fixed(1000, 1, vec![0, 1]);
    opts.precision = Some(0.05);
    let run = montecarlo::run(&m, &opts, |_, _| {}).unwrap();
    assert_eq!(run.stopping.rule, StopRule::Precision);
    assert_eq!(run.replications, 48);
    assert!(run.stopping.worst_half_width.unwrap() <= 0.05);
    opts.replications = 16;
    let capped = montecarlo::run(&m, &opts, |_, _| {}).unwrap();
    assert_eq!(capped.stopping.rule, StopRule::MaxReplications);
    assert_eq!(capped.replications, 16);
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
