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

/// The 2026–2030 study extends the main one: on its first day every stage has the servers,
/// hours and service factors the main study's history has on its last day (noon), and the
/// values per vehicle are those of 2025 — from one source, not copied.
#[test]
fn the_2030_study_starts_from_the_end_2025_state() {
    use borderflow::engine::MINUTES_PER_DAY;
    let root = env!("CARGO_MANIFEST_DIR");
    let main = borderflow::scenario::load(format!("{root}/scenarios/lang-son.toml").as_ref())
        .unwrap_or_else(|e| panic!("{}", e.report()));
    let next = borderflow::scenario::load(format!("{root}/scenarios/lang-son-2030.toml").as_ref())
        .unwrap_or_else(|e| panic!("{}", e.report()));
    assert_eq!(main.gates, next.gates);
    assert_eq!(main.stages, next.stages);
    assert_eq!(main.values, next.values);
    let history = Plan::new(&main, main.variant_index("as-happened").unwrap());
    let start = Plan::new(&next, next.variant_index("baseline").unwrap());
    // 31 Dec 2025 and 1 Jan 2026 are a Wednesday and a Thursday: both working days
    let last = main.days - 1;
    for s in 0..main.stages.len() {
        let noon = |d: usize| (d as f64 + 0.5) * MINUTES_PER_DAY;
        assert_eq!(
            history.schedules[s].at(noon(last)),
            start.schedules[s].at(noon(0)),
            "servers of stage {} at {}",
            main.stages[s].id,
            main.gates[main.stages[s].gate].id
        );
        let scale = |p: &Plan, d: usize| p.service_scale[s].get(d).copied().unwrap_or(1.0);
        assert_eq!(
            scale(&history, last),
            scale(&start, 0),
            "stage {}",
            main.stages[s].id
        );
    }
    for i in 0..main.demand.len() {
        let v = |p: &Plan, d: usize| p.value_scale[i].get(d).copied().unwrap_or(1.0);
        assert_eq!(v(&history, last), v(&start, 0), "value scale of stream {i}");
        assert!(v(&start, 0) > 1.2, "2025 prices carry on");
    }
    assert_eq!(
        history.yard_cap.iter().map(|y| y[last]).collect::<Vec<_>>(),
        start.yard_cap.iter().map(|y| y[0]).collect::<Vec<_>>()
    );
}

#[test]
fn an_extending_file_may_not_repeat_what_it_extends() {
    let dir = crate::common::scratch("transfers", "extends");
    std::fs::create_dir_all(&dir).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    std::fs::copy(
        format!("{root}/scenarios/lang-son.toml"),
        dir.join("lang-son.toml"),
    )
    .unwrap();
    let file = dir.join("next.toml");
    std::fs::write(
        &file,
        "[scenario]\nname = \"n\"\nextends = \"lang-son.toml\"\nstart = \"2026-01-01\"\nend = \"2026-12-31\"\n[[classes]]\nid = \"x\"\n",
    )
    .unwrap();
    let err = borderflow::scenario::load(&file).unwrap_err().report();
    assert!(
        err.contains("`classes` comes from the extended file"),
        "{err}"
    );
    std::fs::write(
        &file,
        "[scenario]\nname = \"n\"\nextends = \"missing.toml\"\nstart = \"2026-01-01\"\nend = \"2026-12-31\"\n",
    )
    .unwrap();
    let err = borderflow::scenario::load(&file).unwrap_err().report();
    assert!(
        err.contains("cannot read") && err.contains("missing.toml"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A basis-B target on some gates without export and import figures: P(total) is reported,
/// the directions are absent, and the run folder's charts can be drawn again.
#[test]
fn a_basis_b_gate_target_runs_and_redraws() {
    let dir = crate::common::scratch("transfers", "basis-b");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("b.toml");
    let src = single_stage(
        10,
        100.0,
        "servers = 10\nservice = { dist = \"constant\", value = 1 }",
        "",
        "[target]\nyear = 2025\nbasis = \"B\"\ngates = [\"g\"]\ntotal_musd = 0.5\n",
    );
    std::fs::write(&file, src).unwrap();
    let out = dir.join("run");
    let run = crate::common::bin()
        .args(["run", "-q", "--json", "-n", "2", "--out"])
        .arg(&out)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let v = &summary["variants"][0];
    // 10 days × 100 vehicles × 1,000 USD = 1 M USD ≥ 0.5 on basis B at gate g
    assert_eq!(v["p_target"]["total"]["p"], 1.0);
    assert!(v["p_target"].get("export").is_none());
    assert_eq!(summary["target"]["basis"], "B");
    assert!(v["target_turnover_musd"]["total"]["mean"].as_f64().unwrap() > 0.9);
    let plot = crate::common::bin().arg("plot").arg(&out).output().unwrap();
    assert!(
        plot.status.success(),
        "{}",
        String::from_utf8_lossy(&plot.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
