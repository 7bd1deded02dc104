//! The transfer of loads between two fleets (`[[transfers]]`): the model's matching of loads
//! and empty vehicles against the closed form of two Poisson streams, the bypass share, the
//! return trips, and located errors.

use borderflow::model::{Plan, simulate};

use crate::common::{model, single_stage};

/// Loads at `la` per minute, empties from outside at `la × ratio` per minute (all day), at
/// most `places` empties waiting and patient for ever; a transfer stage that takes no time.
fn matched_gate(la_per_min: f64, ratio: f64, places: u32, extra: &str) -> String {
    let per_day = la_per_min * 1440.0;
    let transfer = format!(
        r#"
[[transfers]]
gate = "g"
direction = "import"
stage = "s"
empties_per_load = {ratio}
patience_hours = 1000000
places = {places}
"#
    );
    single_stage(
        30,
        per_day,
        "servers = 100000\nservice = { dist = \"constant\", value = 0 }",
        "",
        &format!("{extra}\n{transfer}"),
    )
    // [[transfers]] must follow the gates in the file: move it to the end
    .replace(&transfer, "")
        + &transfer
}

/// The closed form of `engine::matching`'s test: (queue of B, wait of A in minutes).
fn closed_form(la: f64, lb: f64, k: u32) -> (f64, f64) {
    let rho = la / lb;
    let k = f64::from(k);
    let queue_b: f64 = (0..=k as usize)
        .map(|j| (k - j as f64) * (1.0 - rho) * rho.powi(j as i32))
        .sum();
    (queue_b, rho.powf(k) / (1.0 - rho) / lb)
}

#[test]
fn loads_and_empties_match_as_two_poisson_streams() {
    let (la, ratio, k) = (0.8, 1.25, 5);
    let m = model(&matched_gate(la, ratio, k, ""));
    let plan = Plan::new(&m, 0);
    let (want_queue, want_wait) = closed_form(la, la * ratio, k);
    let reps: Vec<_> = (0..30).map(|r| simulate(&m, &plan, 11, r)).collect();
    let check = |name: &str, xs: Vec<f64>, want: f64| {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        // 99.9 % interval over independent replications (t with 29 df ≈ 3.66)
        let half = 3.66 * sd / n.sqrt();
        assert!(
            (mean - want).abs() <= half,
            "{name}: simulated {mean:.4} ± {half:.4}, closed form {want:.4}"
        );
        assert!(half < 0.15 * want, "{name}: interval ±{half:.4} too wide");
    };
    check(
        "empties waiting",
        reps.iter()
            .map(|r| r.transfers[0].empties_waiting_mean)
            .collect(),
        want_queue,
    );
    check(
        "wait of a load, minutes",
        reps.iter()
            .map(|r| r.transfers[0].load_wait_mean_min.unwrap())
            .collect(),
        want_wait,
    );
    // every load was matched or still waits; nobody bypassed
    for r in &reps {
        let t = &r.transfers[0];
        assert_eq!(t.bypassed, 0);
        assert!(t.loads - t.matched < 100, "{t:?}");
        assert!(t.empties_refused > 0, "a full yard turns empties away");
    }
}

#[test]
fn a_bypass_change_lets_its_share_cross_without_the_transfer() {
    let change = r#"
[[changes]]
kind = "transfer_bypass"
from = "2025-01-16"
share = 0.3
"#;
    let m = model(&matched_gate(0.5, 1.5, 50, change));
    let r = simulate(&m, &Plan::new(&m, 0), 3, 0);
    let t = &r.transfers[0];
    // loads over days 15..30 (half of them) bypass with probability 0.3
    let eligible = t.loads as f64 / 2.0;
    let p = t.bypassed as f64 / eligible;
    let half = 3.3 * (0.3 * 0.7 / eligible).sqrt() + 0.02; // + the split's own noise
    assert!((p - 0.3).abs() < half, "bypass share {p:.3} ± {half:.3}");
    assert_eq!(t.matched + t.bypassed, t.loads);
}

#[test]
fn freed_vehicles_come_back_for_the_other_direction() {
    // exports bring vehicles that, once unloaded, all come back for imports; no empties for
    // imports from outside: imports are carried only by returning vehicles
    let src = r#"
[scenario]
name = "t"
start = "2025-01-01"
end = "2025-01-20"
[[classes]]
id = "c"
[[values]]
direction = "export"
class = "c"
value_usd = { dist = "constant", value = 1000 }
declared_here_share = 1.0
[[values]]
direction = "import"
class = "c"
value_usd = { dist = "constant", value = 1000 }
declared_here_share = 1.0
[[gates]]
id = "g"
demand = [
  { direction = "export", class = "c", per_day = 200 },
  { direction = "import", class = "c", per_day = 100 },
]
[[gates.stages]]
id = "s"
servers = 1000
clearance = true
service = { dist = "constant", value = 30 }
[[gates.routes]]
direction = "export"
steps = ["s"]
[[gates.routes]]
direction = "import"
steps = ["s"]
[[transfers]]
gate = "g"
direction = "export"
stage = "s"
empties_per_load = 2
patience_hours = 24
[[transfers]]
gate = "g"
direction = "import"
stage = "s"
empties_per_load = 0
patience_hours = 24
return_share = 1.0
return_minutes = { dist = "constant", value = 60 }
"#;
    let m = model(src);
    let r = simulate(&m, &Plan::new(&m, 0), 5, 0);
    let (exp, imp) = (&r.transfers[0], &r.transfers[1]);
    // every export transfer frees a vehicle that arrives for imports 90 minutes later (but
    // those freed in the last 90 minutes, ~13)
    assert!(exp.matched > 3000);
    assert!(
        imp.empties_arrived + 40 >= exp.matched && imp.empties_arrived <= exp.matched,
        "{} returned for {} export transfers",
        imp.empties_arrived,
        exp.matched
    );
    // twice as many returns as imports: every import is carried, the rest renege after 24 h
    assert!(imp.loads - imp.matched < 5, "{imp:?}");
    assert!(imp.empties_reneged > 1000, "{imp:?}");
    // first come, first served with a surplus: imports take the oldest empties, so every
    // empty waits nearly its 24 h and ~200/day × 1 day wait at once (less the first day)
    assert!(
        (170.0..200.0).contains(&imp.empties_waiting_mean),
        "{imp:?}"
    );
}

#[test]
fn a_transfer_on_a_stage_off_the_route_is_a_located_error() {
    let src = matched_gate(0.5, 1.5, 5, "").replace("stage = \"s\"", "stage = \"x\"");
    let err = borderflow::scenario::parse(&src, "t.toml".as_ref())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("transfers[0].stage") && err.contains("has no step `x`"),
        "{err}"
    );
}
