//! The border model's mechanisms, each isolated in a small scenario.

use crate::common::{model, one, single_stage};

#[test]
fn closing_time_lets_service_finish_and_starts_nothing_new() {
    // 1 server open 08:00–12:00, constant 50-min service, a queue that never empties:
    // starts at 08:00, 08:50, 09:40, 10:30, 11:20 (ends 12:10, after closing) → 5 per day.
    let src = single_stage(
        10,
        200.0,
        "servers = 1\nhours = [8, 12]\nservice = { dist = \"constant\", value = 50 }",
        "",
        "",
    );
    let rec = one(&model(&src), 1, 0);
    assert_eq!(rec.stages[0].served, 50, "5 services per day for 10 days");
    for day in rec.daily.iter().take(9) {
        assert_eq!(day.cleared, 5);
    }
}

#[test]
fn a_full_yard_blocks_arrivals_onto_the_road() {
    let src = single_stage(
        3,
        500.0,
        "servers = 1\nservice = { dist = \"constant\", value = 10 }",
        "yard_capacity = 5",
        "",
    );
    let m = model(&src.replace("steps = [\"s\"]", "steps = [\"s\"]\nyard_steps = 1"));
    let rec = one(&m, 1, 0);
    let g = &rec.gates[0];
    assert!(
        g.max_road_queue > 100.0,
        "overloaded: the road queue grows ({})",
        g.max_road_queue
    );
    // the yard holds 5: one in service and at most 4 waiting inside, the rest on the road
    assert!(
        g.max_queue - g.max_road_queue <= 5.0,
        "{} vs {}",
        g.max_queue,
        g.max_road_queue
    );
}

#[test]
fn monthly_seasonality_shapes_arrivals() {
    let src = single_stage(
        59,
        100.0,
        "servers = 1000\nservice = { dist = \"constant\", value = 1 }",
        "",
        "",
    )
    .replace(
        "[[classes]]",
        "[demand]\nimport_month_factor = [1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n[[classes]]",
    );
    let rec = one(&model(&src), 5, 0);
    let jan: u32 = rec.daily[..31].iter().map(|d| d.cleared).sum();
    let feb: u32 = rec.daily[31..59].iter().map(|d| d.cleared).sum();
    let (jan_rate, feb_rate) = (jan as f64 / 31.0, feb as f64 / 28.0);
    // Poisson counts: sd of a daily mean over 28 days ≈ sqrt(300/28) ≈ 3.3; 5 sd margin
    assert!(
        (jan_rate - 100.0).abs() < 5.0 * (100.0f64 / 31.0).sqrt(),
        "{jan_rate}"
    );
    assert!(
        (feb_rate - 300.0).abs() < 5.0 * (300.0f64 / 28.0).sqrt(),
        "{feb_rate}"
    );
}

#[test]
fn hourly_profile_puts_arrivals_in_open_hours() {
    // stage open only 10:00–11:00 with ample servers and 1-minute service: with every arrival
    // inside that hour nobody waits; with a flat profile most do.
    let mut profile = vec!["0"; 24];
    profile[10] = "1";
    let body = "servers = 500\nhours = [10, 11]\nservice = { dist = \"constant\", value = 1 }";
    let peaked = single_stage(
        5,
        200.0,
        body,
        &format!("hour_profile = [{}]", profile.join(", ")),
        "",
    );
    let flat = single_stage(5, 200.0, body, "", "");
    let p = one(&model(&peaked), 2, 0).stages[0].p_wait.unwrap();
    let f = one(&model(&flat), 2, 0).stages[0].p_wait.unwrap();
    assert!(p < 0.01, "peaked profile: P(wait) = {p}");
    assert!(f > 0.9, "flat profile: P(wait) = {f}");
}

#[test]
fn perishable_cargo_spoils_while_waiting_and_is_not_turnover() {
    let src = r#"
[scenario]
name = "spoil"
start = "2025-01-01"
end = "2025-01-20"
[[classes]]
id = "fruit"
shelf_life_days = { dist = "constant", value = 2 }
[[classes]]
id = "steel"
[[values]]
direction = "export"
class = "fruit"
value_usd = { dist = "constant", value = 30000 }
declared_here_share = 1.0
[[values]]
direction = "export"
class = "steel"
value_usd = { dist = "constant", value = 50000 }
declared_here_share = 1.0
[[gates]]
id = "g"
demand = [{ direction = "export", class = "fruit", per_day = 50 }, { direction = "export", class = "steel", per_day = 50 }]
[[gates.stages]]
id = "s"
servers = 1
clearance = true
service = { dist = "constant", value = 60 }
[[gates.routes]]
direction = "export"
steps = ["s"]
"#;
    let rec = one(&model(src), 9, 0);
    let y = &rec.years[0];
    assert!(
        y.spoiled > 300,
        "most fruit spoils in a queue that grows by ~76/day ({})",
        y.spoiled
    );
    assert_eq!(
        y.spoiled_usd,
        y.spoiled as f64 * 30000.0,
        "only fruit spoils"
    );
    // everything cleared is counted once, spoiled value never
    let cleared_value = y.turnover_a_usd[0];
    assert!(cleared_value > 0.0);
    // services started = cleared, plus at most the one still in progress at the horizon
    assert!(rec.stages[0].served - y.cleared <= 1);
}

/// Gate `a` (1 server) diverts above 20 waiting: half to gate `b`, half out of the province.
const DIVERT: &str = r#"
[scenario]
name = "divert"
start = "2025-01-01"
end = "2025-01-10"
[[classes]]
id = "c"
[[values]]
direction = "export"
class = "c"
value_usd = { dist = "constant", value = 1 }
declared_here_share = 1.0
[[gates]]
id = "a"
diversion = { threshold = 20, share = 1.0, to = "b", leave_share = 0.5 }
demand = [{ direction = "export", class = "c", per_day = 300 }]
[[gates.stages]]
id = "s"
servers = 1
clearance = true
service = { dist = "constant", value = 10 }
[[gates.routes]]
direction = "export"
steps = ["s"]
[[gates]]
id = "b"
[[gates.stages]]
id = "s"
servers = 50
clearance = true
service = { dist = "constant", value = 10 }
[[gates.routes]]
direction = "export"
steps = ["s"]
"#;

#[test]
fn congestion_diverts_to_another_gate_or_out_of_the_province() {
    let src = DIVERT;
    let rec = one(&model(src), 4, 0);
    let y = &rec.years[0];
    assert!(
        y.redirected > 100 && y.left_province > 100,
        "{} redirected, {} left",
        y.redirected,
        y.left_province
    );
    assert_eq!(
        rec.gates[1].cleared, y.redirected,
        "gate b has no own demand: it clears exactly the redirected"
    );
    let ratio = y.redirected as f64 / (y.redirected + y.left_province) as f64;
    assert!((ratio - 0.5).abs() < 0.1, "leave_share 0.5: {ratio}");
    assert!(
        rec.gates[0].max_queue <= 30.0,
        "the queue is held near the threshold"
    );
}

#[test]
fn an_uncertain_diversion_threshold_moves_where_the_queue_is_held() {
    let base = DIVERT;
    let doubled = format!(
        "{base}[[uncertain]]\nname = \"t\"\nkind = \"diversion_threshold\"\ngates = [\"a\"]\nfactor = {{ dist = \"constant\", value = 2 }}\n"
    );
    let held = |s: &str| one(&model(s), 4, 0).gates[0].max_queue;
    let (q1, q2) = (held(base), held(&doubled));
    assert!(
        q1 <= 30.0 && q2 > 35.0 && q2 <= 50.0,
        "threshold 20 holds {q1}, threshold 40 holds {q2}"
    );
}

#[test]
fn same_seed_same_bits_different_seed_different_result() {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/examples/peer-gate.toml"
    ))
    .unwrap();
    let m = model(&src);
    let a = one(&m, 11, 3);
    let b = one(&m, 11, 3);
    assert_eq!(a, b);
    assert_eq!(
        a.gates[0].time_in_system_mean.unwrap().to_bits(),
        b.gates[0].time_in_system_mean.unwrap().to_bits()
    );
    assert_ne!(a, one(&m, 12, 3));
    assert_ne!(a, one(&m, 11, 4));
}

#[test]
fn monthly_busy_time_adds_up_to_the_stage_total() {
    // 70 days from 1 January: three months (31 + 28 + 11 days), no warm-up
    let src = crate::common::single_stage(
        70,
        200.0,
        "servers = 3\nservice = { dist = \"exponential\", mean = 15 }",
        "",
        "",
    );
    let model = crate::common::model(&src);
    assert_eq!(model.month_starts(), vec![0, 31, 59]);
    let r = crate::common::one(&model, 11, 0);
    assert_eq!(r.busy_by_month.len(), 3);
    let total: f64 = r.busy_by_month.iter().sum();
    let busy = r.stages[0].busy_minutes;
    assert!((total - busy).abs() < 1e-6 * busy, "{total} vs {busy}");
    // ~200 × 15 = 3,000 server-minutes a day: each month's share follows its length
    for (m, days) in [31.0, 28.0, 11.0].iter().enumerate() {
        let per_day = r.busy_by_month[m] / days;
        assert!(
            (per_day / 3000.0 - 1.0).abs() < 0.1,
            "month {m}: {per_day} per day"
        );
    }
}

#[test]
fn an_uncertain_service_factor_applies_only_to_its_directions() {
    // exports and imports share one stage (10-min service, servers to spare); an uncertain
    // factor of 3 on exports only makes the mean service time (30 + 10) / 2 = 20 min
    let src = two_directions(
        "servers = 50\nservice = { dist = \"constant\", value = 10 }",
        "[[uncertain]]\nname = \"slow_exports\"\nkind = \"service\"\ngates = [\"g\"]\nstages = [\"s\"]\ndirections = [\"export\"]\nfactor = { dist = \"constant\", value = 3 }\n",
    );
    let rec = one(&model(&src), 2, 0);
    let st = &rec.stages[0];
    let mean = st.busy_minutes / st.served as f64;
    // ~2,000 vehicles: the export share's sd ≈ 0.011, so the mean's sd ≈ 0.22 min; 5 sd
    assert!((mean - 20.0).abs() < 1.1, "mean service {mean} min");
}

/// One gate, exports and imports of 100 trucks/day each through one stage (`stage`: its
/// servers and service); `extra` is appended.
fn two_directions(stage: &str, extra: &str) -> String {
    single_stage(10, 100.0, stage, "", "")
    .replace(
        "demand = [{ direction = \"import\", class = \"c\", per_day = 100 }]",
        "demand = [{ direction = \"import\", class = \"c\", per_day = 100 }, { direction = \"export\", class = \"c\", per_day = 100 }]",
    )
    .replace(
        "[[gates.routes]]",
        "[[gates.routes]]\ndirection = \"export\"\nsteps = [\"s\"]\n[[gates.routes]]",
    )
    .replace(
        "[[values]]",
        "[[values]]\ndirection = \"export\"\nclass = \"c\"\nvalue_usd = { dist = \"constant\", value = 1000 }\ndeclared_here_share = 1.0\n[[values]]",
    ) + extra
}

/// The slow stage of the direction tests: one server, 20 min (72 a day), so vehicles pile up.
const SLOW: &str = "servers = 1\nservice = { dist = \"constant\", value = 20 }";

#[test]
fn a_queue_figure_with_a_direction_counts_that_direction_in_the_gate() {
    let figure = "[[observed]]\nname = \"export stock\"\nfigure = \"queue\"\ndirection = \"export\"\ndate = \"2025-01-05\"\nvalue = 100\nfactor = 2\nsource = \"test\"\n";
    let rec = one(&model(&two_directions(SLOW, figure)), 5, 0);
    for d in &rec.daily {
        // everyone in the gate waits except the one in service
        let inside = d.in_gate[0] + d.in_gate[1];
        assert!(inside >= d.queue && inside <= d.queue + 1, "{d:?}");
    }
    let last = rec.daily.last().unwrap();
    assert!(last.in_gate[0] > 100 && last.in_gate[1] > 100, "{last:?}");
    // without such a figure (or [response]) the counts are not recorded
    let plain = one(&model(&two_directions(SLOW, "")), 5, 0);
    assert!(plain.daily.iter().all(|d| d.in_gate == [0, 0]));
}

#[test]
fn a_figure_that_counts_both_directions_refuses_a_direction() {
    let figure = "[[observed]]\nname = \"cleared\"\nfigure = \"daily_cleared\"\ndirection = \"export\"\nfrom = \"2025-01-02\"\nto = \"2025-01-05\"\nvalue = 100\ntolerance = 0.1\nsource = \"test\"\n";
    let err = borderflow::scenario::parse(&two_directions(SLOW, figure), "t.toml".as_ref())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("counts both directions: remove `direction`"),
        "{err}"
    );
}

#[test]
fn a_weekdays_change_closes_a_stage_on_the_other_days_from_its_date() {
    // 1 Jan 2025 is a Wednesday; from Monday 6 Jan the stage works Monday to Friday only
    let src = single_stage(
        21,
        100.0,
        "servers = 10\nservice = { dist = \"constant\", value = 1 }",
        "",
        "",
    ) + "[[changes]]\nkind = \"weekdays\"\nfrom = \"2025-01-06\"\ngates = [\"g\"]\nstages = [\"s\"]\nweekdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\n";
    let rec = one(&model(&src), 3, 0);
    let cleared: Vec<u32> = rec.daily.iter().map(|d| d.cleared).collect();
    // Sat 4 and Sun 5 Jan still open; Sat 11, Sun 12, Sat 18, Sun 19 closed
    assert!(cleared[3] > 50 && cleared[4] > 50, "{cleared:?}");
    for d in [10, 11, 17, 18] {
        assert_eq!(cleared[d], 0, "day {d}: {cleared:?}");
    }
    // Monday clears the weekend's arrivals too
    assert!(cleared[12] > 250, "{cleared:?}");
}
