//! The engine and model against queueing theory (fixed seeds, tolerances from the intervals).

use borderflow::model::Plan;
use borderflow::montecarlo::{self, RunOptions};
use borderflow::report::summarize;

use crate::common::{model, single_stage};

/// Erlang C: (P(wait), mean wait Wq) for M/M/c.
fn erlang_c(lambda: f64, mu: f64, c: u32) -> (f64, f64) {
    let a = lambda / mu;
    let rho = a / c as f64;
    let (mut term, mut sum) = (1.0, 1.0);
    for k in 1..c {
        term *= a / k as f64;
        sum += term;
    }
    let last = term * a / c as f64 / (1.0 - rho);
    let p = last / (sum + last);
    (p, p / (c as f64 * mu - lambda))
}

/// Runs an M/M/c scenario through the full scenario → model → Monte Carlo path and checks the
/// mean wait and P(wait) against Erlang C within the reported 95 % intervals.
fn check_mmc(lambda_per_min: f64, c: u32, days: u32, reps: usize) {
    let src = single_stage(
        days,
        lambda_per_min * 1440.0,
        &format!("servers = {c}\nservice = {{ dist = \"exponential\", mean = 1.0 }}"),
        "",
        "warmup_days = 1",
    );
    let m = model(&src);
    let run = montecarlo::run(&m, &RunOptions::fixed(reps, 7, vec![0]), |_, _| {}).unwrap();
    let s = summarize(&m, &run);
    let st = &s.variants[0].stages[0];
    let (p, wq) = erlang_c(lambda_per_min, 1.0, c);
    let [lo, hi] = st.wait_min.ci95.unwrap();
    assert!(
        lo <= wq && wq <= hi,
        "rho {}: Wq {wq} outside [{lo}, {hi}]",
        lambda_per_min / c as f64
    );
    let [lo, hi] = st.p_wait.ci95.unwrap();
    assert!(
        lo <= p && p <= hi,
        "rho {}: P(wait) {p} outside [{lo}, {hi}]",
        lambda_per_min / c as f64
    );
}

#[test]
fn mmc_rho_0_5() {
    check_mmc(2.5, 5, 4, 20);
}

#[test]
fn mmc_rho_0_95() {
    check_mmc(4.75, 5, 15, 20);
}

#[test]
fn erlang_b_blocking_with_no_waiting_room() {
    // M/M/2/2: a = 2 → B = (a²/2) / (1 + a + a²/2) = 0.4
    let src = single_stage(
        10,
        2.0 * 1440.0,
        "servers = 2\nqueue_limit = 0\nservice = { dist = \"exponential\", mean = 1.0 }",
        "",
        "",
    );
    let m = model(&src);
    let plan = Plan::new(&m, 0);
    let shares: Vec<f64> = (0..20)
        .map(|r| {
            let rec = borderflow::model::simulate(&m, &plan, 3, r);
            rec.stages[0].blocked as f64 / rec.stages[0].arrivals as f64
        })
        .collect();
    let s = borderflow::stats::Stat::of(&shares);
    let [lo, hi] = s.ci95.unwrap();
    assert!(
        lo <= 0.4 && 0.4 <= hi,
        "blocking {} not within [{lo}, {hi}]",
        s.mean
    );
}
