//! The engine and model against queueing theory, through scenario files and the public API.
//! Fixed seeds, 20 replications each; each check asserts that the analytic value lies in the
//! 99 % Student-t interval of the replication means (the reported 95 % interval widened by
//! t₀.₉₉₅/t₀.₉₇₅ with 19 degrees of freedom), so that the two dozen checks here do not fail by
//! chance on a correct engine.

use borderflow::montecarlo::{self, RunOptions};
use borderflow::report::summarize;
use borderflow::report::summary::StageOut;
use borderflow::stats::Stat;
use borderflow::stats::queueing::{erlang_c, mmck_blocking, pollaczek_khinchine};

use crate::common::{model, single_stage};

/// Per-stage summaries of `reps` replications of scenario text `src`.
fn stages(src: &str, reps: usize, seed: u64) -> Vec<StageOut> {
    let m = model(src);
    let run = montecarlo::run(&m, &RunOptions::fixed(reps, seed, vec![0]), |_, _| {}).unwrap();
    summarize(&m, &run).variants.remove(0).stages
}

fn assert_in(s: &Stat, value: f64, what: &str) {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    let t = StudentsT::new(0.0, 1.0, 19.0).unwrap();
    let widen = t.inverse_cdf(0.995) / t.inverse_cdf(0.975);
    let [lo95, hi95] = s.ci95.expect("at least 2 replications");
    let half = 0.5 * (hi95 - lo95) * widen;
    let (lo, hi) = (s.mean - half, s.mean + half);
    assert!(
        lo <= value && value <= hi,
        "{what}: theory {value:.4} outside the 99% CI [{lo:.4}, {hi:.4}] (mean {:.4})",
        s.mean
    );
}

/// One stage with Poisson arrivals (`lambda` per minute) and the given service, warm-up 1 day.
fn one_stage(lambda: f64, days: u32, stage: &str) -> String {
    single_stage(days, lambda * 1440.0, stage, "", "warmup_days = 1")
}

fn check_mmc(lambda: f64, c: u32, days: u32, seed: u64) {
    let st = &stages(
        &one_stage(
            lambda,
            days,
            &format!("servers = {c}\nservice = {{ dist = \"exponential\", mean = 1.0 }}"),
        ),
        20,
        seed,
    )[0];
    let th = erlang_c(lambda, 1.0, c).unwrap();
    let what = format!("M/M/{c} at rho {}", lambda / c as f64);
    assert_in(&st.wait_min, th.wq, &format!("{what}: Wq"));
    assert_in(&st.p_wait, th.p_wait, &format!("{what}: P(wait)"));
    assert_in(&st.mean_queue, th.lq, &format!("{what}: Lq"));
}

#[test]
fn mm1_at_three_loads() {
    check_mmc(0.5, 1, 6, 11);
    check_mmc(0.8, 1, 12, 12);
    check_mmc(0.95, 1, 40, 13);
}

#[test]
fn mmc_at_three_loads() {
    check_mmc(2.5, 5, 4, 7);
    check_mmc(4.0, 5, 8, 8);
    check_mmc(4.75, 5, 15, 7);
}

#[test]
fn md1_and_mg1_match_pollaczek_khinchine() {
    let lambda = 0.7;
    for (service, var, name) in [
        ("{ dist = \"constant\", value = 1.0 }", 0.0, "M/D/1"),
        (
            "{ dist = \"lognormal\", mean = 1.0, sd = 1.5 }",
            2.25,
            "M/G/1 lognormal",
        ),
        (
            "{ dist = \"gamma\", shape = 2.0, scale = 0.5 }",
            0.5,
            "M/G/1 gamma",
        ),
    ] {
        let st = &stages(
            &one_stage(lambda, 12, &format!("servers = 1\nservice = {service}")),
            20,
            21,
        )[0];
        assert_in(
            &st.wait_min,
            pollaczek_khinchine(lambda, 1.0, var).unwrap(),
            name,
        );
    }
}

/// Share of arrivals turned away, per replication, of a one-stage scenario.
fn blocking_shares(src: &str, seed: u64) -> Stat {
    let m = model(src);
    let run = montecarlo::run(&m, &RunOptions::fixed(20, seed, vec![0]), |_, _| {}).unwrap();
    let shares: Vec<f64> = run.variants[0]
        .reps
        .iter()
        .map(|r| r.stages[0].blocked as f64 / r.stages[0].arrivals as f64)
        .collect();
    Stat::of(&shares)
}

#[test]
fn mmck_blocking_probability() {
    // c = 2, K = 5 (3 waiting places), λ = 2, μ = 1
    let src = one_stage(
        2.0,
        6,
        "servers = 2\nqueue_limit = 3\nservice = { dist = \"exponential\", mean = 1.0 }",
    );
    assert_in(
        &blocking_shares(&src, 31),
        mmck_blocking(2.0, 1.0, 2, 5).unwrap(),
        "M/M/2/5 blocking",
    );
}

#[test]
fn erlang_b_blocking_with_no_waiting_room() {
    let src = one_stage(
        2.0,
        6,
        "servers = 2\nqueue_limit = 0\nservice = { dist = \"exponential\", mean = 1.0 }",
    );
    assert_in(
        &blocking_shares(&src, 3),
        borderflow::stats::queueing::erlang_b(2.0, 2),
        "Erlang B",
    );
}

fn network(steps: &str, stage_defs: &str, lambda: f64, days: u32) -> String {
    format!(
        r#"
[scenario]
name = "net"
start = "2025-01-01"
end = "{end}"
warmup_days = 1
[[classes]]
id = "c"
[[values]]
direction = "import"
class = "c"
value_usd = {{ dist = "constant", value = 1 }}
declared_here_share = 1.0
[[gates]]
id = "g"
demand = [{{ direction = "import", class = "c", per_day = {per_day} }}]
{stage_defs}
[[gates.routes]]
direction = "import"
steps = {steps}
"#,
        end = borderflow::model::Date::new(2025, 1, 1)
            .unwrap()
            .plus_days(days as i64 - 1),
        per_day = lambda * 1440.0
    )
}

#[test]
fn tandem_network_per_node_waits_and_throughput() {
    // λ = 1 through M/M/1 (μ = 1.25) then M/M/1 (μ = 1.5): by Burke's theorem both are M/M/1
    let defs = r#"
[[gates.stages]]
id = "a"
servers = 1
service = { dist = "exponential", mean = 0.8 }
[[gates.stages]]
id = "b"
servers = 1
service = { dist = "exponential", mean = 0.6666666666666666 }
"#;
    let st = stages(&network(r#"["a", "b"]"#, defs, 1.0, 10), 20, 41);
    assert_in(
        &st[0].wait_min,
        erlang_c(1.0, 1.25, 1).unwrap().wq,
        "tandem node a",
    );
    assert_in(
        &st[1].wait_min,
        erlang_c(1.0, 1.5, 1).unwrap().wq,
        "tandem node b",
    );
    assert_in(
        &st[1].arrivals_per_min,
        1.0,
        "tandem throughput into node b",
    );
}

#[test]
fn branching_network_per_node_waits_and_rates() {
    // λ = 1.5 into M/M/2 (μ = 1); 30 % go on to M/M/1 (μ = 1): λ_b = 0.45
    let defs = r#"
[[gates.stages]]
id = "a"
servers = 2
service = { dist = "exponential", mean = 1.0 }
[[gates.stages]]
id = "b"
servers = 1
service = { dist = "exponential", mean = 1.0 }
"#;
    let st = stages(
        &network(
            r#"["a", { stage = "b", probability = 0.3 }]"#,
            defs,
            1.5,
            10,
        ),
        20,
        51,
    );
    assert_in(
        &st[0].wait_min,
        erlang_c(1.5, 1.0, 2).unwrap().wq,
        "branch node a",
    );
    assert_in(&st[1].arrivals_per_min, 0.45, "branch rate into b");
    assert_in(
        &st[1].wait_min,
        erlang_c(0.45, 1.0, 1).unwrap().wq,
        "branch node b",
    );
}

#[test]
fn a_queue_open_12_hours_matches_the_fluid_bound() {
    // 3 servers open 08:00–20:00, constant 10-minute service: at most 3 × 72 = 216 starts a
    // day (none while closed). Overloaded (1,000/day) it serves exactly that; underloaded
    // (150/day) it serves everything that arrived before the last day.
    let body = "servers = 3\nhours = [8, 20]\nservice = { dist = \"constant\", value = 10 }";
    let over = crate::common::one(&model(&single_stage(10, 1000.0, body, "", "")), 1, 0);
    assert_eq!(over.stages[0].served, 2160);
    assert!(over.daily.iter().all(|d| d.cleared == 216));
    let under = crate::common::one(&model(&single_stage(10, 150.0, body, "", "")), 1, 0);
    let arrived = under.years[0].arrivals;
    assert!(under.stages[0].served <= arrived && arrived - under.stages[0].served < 150);
    assert!(under.daily.iter().all(|d| d.cleared <= 216));
}
