//! `[response]`: gate choice by predicted time and trade that responds to sustained delay.

use crate::common::{model, one};

/// Two gates with the same declared demand (100 trucks/day each): gate `a` clears at most
/// 50/day (one server, 28.8 min), gate `b` 300/day (4.8 min). `response` is appended.
fn two_gates(response: &str) -> String {
    let gate = |id: &str, minutes: f64| {
        format!(
            r#"
[[gates]]
id = "{id}"
demand = [{{ direction = "import", class = "c", per_day = 100 }}]
[[gates.stages]]
id = "s"
clearance = true
servers = 1
service = {{ dist = "constant", value = {minutes} }}
[[gates.routes]]
direction = "import"
steps = ["s"]
"#
        )
    };
    format!(
        r#"
[scenario]
name = "two-gates"
start = "2025-01-01"
end = "2025-04-10"
[[classes]]
id = "c"
[[values]]
direction = "import"
class = "c"
value_usd = {{ dist = "constant", value = 1000 }}
declared_here_share = 1.0
{}{}
{response}
"#,
        gate("a", 28.8),
        gate("b", 4.8)
    )
}

/// Mean trucks cleared per day at gate `g` over days `from..to` (two gates).
fn cleared_per_day(rec: &borderflow::model::RepRecord, g: usize, from: usize, to: usize) -> f64 {
    (from..to)
        .map(|d| rec.daily[d * 2 + g].cleared as f64)
        .sum::<f64>()
        / (to - from) as f64
}

#[test]
fn gate_choice_moves_trucks_to_the_gate_with_the_shorter_predicted_time() {
    let fixed = one(&model(&two_gates("")), 1, 0);
    let choice = one(
        &model(&two_gates(
            "[response]\ngates = [\"a\", \"b\"]\nlogit_scale_hours = 2\nlag_days = 7\nloss_per_day = 0",
        )),
        1,
        0,
    );
    // without a choice gate a's queue grows by about 50 a day, b clears its own 100
    assert!(
        fixed.gates[0].max_queue > 2_000.0,
        "{}",
        fixed.gates[0].max_queue
    );
    let b_fixed = cleared_per_day(&fixed, 1, 50, 100);
    assert!((b_fixed - 100.0).abs() < 15.0, "{b_fixed}");
    // with it, a's predicted time sends trucks to b until a takes what it can clear: in the
    // logit equilibrium a's share is 1/4 (predicted times θ·ln 3 apart), b clears ~150/day
    let b_choice = cleared_per_day(&choice, 1, 50, 100);
    assert!(b_choice > 130.0, "b clears {b_choice}/day");
    assert!(
        choice.gates[0].max_queue < 500.0,
        "a's queue stays bounded: {}",
        choice.gates[0].max_queue
    );
    assert!(choice.years[0].redirected > 3_000);
    assert_eq!(
        choice.years[0].left_province, 0,
        "no loss per day: no trade lost"
    );
}

#[test]
fn equal_gates_keep_their_declared_shares() {
    // both gates fast: predicted times are equal in expectation, so the declared 100/100
    // split holds (the logit's constants are the declared demand)
    let src = two_gates(
        "[response]\ngates = [\"a\", \"b\"]\nlogit_scale_hours = 2\nlag_days = 7\nloss_per_day = 0",
    )
    .replace("value = 28.8", "value = 4.8");
    let rec = one(&model(&src), 3, 0);
    let (a, b) = (
        cleared_per_day(&rec, 0, 0, 100),
        cleared_per_day(&rec, 1, 0, 100),
    );
    // Poisson counts: sd of a 100-day mean of ~100/day is 1; the split itself is noisier
    // because each day's shares follow the day's predicted times: 8 trucks/day margin
    assert!(
        (a - 100.0).abs() < 8.0 && (b - 100.0).abs() < 8.0,
        "{a} / {b}"
    );
    // only as many trucks change gate as the day's shares require: a few per cent, not the
    // half that a fresh draw of every truck's gate would move
    let moved = rec.years[0].redirected as f64 / rec.years[0].arrivals as f64;
    assert!(moved < 0.10, "{moved}");
}

#[test]
fn demand_falls_with_sustained_delay_by_the_stated_loss_per_day() {
    // Every truck spends exactly 2 days in the gate (constant service, servers to spare), so
    // the predicted time (vehicles in the gate over departures per day) is 2 days and, with a
    // loss of 5 % per day of delay, a share 1 − 0.95² = 9.75 % of the demand is not sent.
    // The horizon starts on 1 Oct 2024 with an empty gate; 2025 is measured, after the start's
    // transient (the first two days have no departures to report).
    let src = crate::common::single_stage(
        365,
        1000.0,
        "servers = 20000\nservice = { dist = \"constant\", value = 2880 }",
        "",
        "",
    )
    .replace("start = \"2025-01-01\"", "start = \"2024-10-01\"")
        + "[response]\nlag_days = 1\nloss_per_day = 0.05\n";
    let rec = one(&model(&src), 7, 0);
    let y = &rec.years[1];
    assert_eq!(y.year, 2025);
    let lost = y.left_province as f64 / (y.left_province + y.arrivals) as f64;
    // binomial sd over ~365,000 offers ≈ 0.0005; the day-to-day noise of the predicted time
    // (Poisson counts of ~1,800 in the gate, sd ≈ 2 %) adds less: tolerance 0.003 (6 sd)
    assert!((lost - 0.0975).abs() < 0.003, "share lost {lost}");
    // and without delay sensitivity nothing is lost
    let none = one(
        &model(&src.replace("loss_per_day = 0.05", "loss_per_day = 0")),
        7,
        0,
    );
    assert_eq!(none.years[1].left_province, 0);
}

#[test]
fn a_choice_without_a_logit_scale_is_refused() {
    let src = two_gates("[response]\ngates = [\"a\", \"b\"]\nlag_days = 7\nloss_per_day = 0");
    let err = borderflow::scenario::parse(&src, "t.toml".as_ref())
        .unwrap_err()
        .to_string();
    assert!(err.contains("logit_scale_hours"), "{err}");
    assert!(err.contains("t.toml:"), "located: {err}");
}

#[test]
fn response_mistakes_are_located() {
    let src = two_gates(
        "[response]\ngates = [\"a\", \"x\"]\nlag_days = 0\nloss_per_day = 1.5\nloss_per_day_by_class = { d = 0.1 }",
    );
    let err = borderflow::scenario::parse(&src, "t.toml".as_ref())
        .unwrap_err()
        .to_string();
    for needle in [
        "unknown gate `x`",
        "lag_days must be > 0",
        "0 ≤ x < 1",
        "unknown class `d`",
        "at least two gates",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
}

#[test]
fn response_parameters_change_no_value() {
    // uncertain multipliers of θ, the lag and the loss act on the response only: every
    // cleared truck still carries its 1,000 USD
    let src = two_gates(
        "[response]\ngates = [\"a\", \"b\"]\nlogit_scale_hours = 2\nlag_days = 7\nloss_per_day = 0.01",
    ) + r#"
[[uncertain]]
name = "theta"
kind = "logit_scale"
factor = { dist = "constant", value = 3 }
[[uncertain]]
name = "lag"
kind = "response_lag"
factor = { dist = "constant", value = 2 }
[[uncertain]]
name = "loss"
kind = "delay_loss"
factor = { dist = "constant", value = 1.5 }
"#;
    let rec = one(&model(&src), 4, 0);
    let y = &rec.years[0];
    let turnover = y.turnover_a_usd[0] + y.turnover_a_usd[1];
    assert_eq!(turnover, y.cleared as f64 * 1000.0);
}
