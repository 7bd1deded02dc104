//! The decision tools on `scenarios/examples/decisions-toy.toml`, whose answers are known in
//! closed form (see its header): packages, tornado, Sobol indices, sweeps and `optimise`.

use std::path::{Path, PathBuf};

use borderflow::decide::optimise::{self, Boundary, Goal, Settings, Status};
use borderflow::decide::sensitivity;
use borderflow::montecarlo::jobs::{Outcome, Point, run_jobs};

use super::common::{bin, model, scratch};

fn toy_path() -> String {
    format!(
        "{}/scenarios/examples/decisions-toy.toml",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn toy_src() -> String {
    std::fs::read_to_string(toy_path()).unwrap()
}

/// The toy over 30 days (target scaled to 60 M USD): the same P(target) up to ±1.3 %
/// Poisson noise in the number of trucks, at a twelfth of the cost.
fn month_toy() -> borderflow::model::Model {
    model(
        &toy_src()
            .replace("end = \"2025-12-31\"", "end = \"2025-01-30\"")
            .replace("total_musd = 730", "total_musd = 60")
            .replace("import_musd = 730", "import_musd = 60"),
    )
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn ok(o: &std::process::Output) {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

#[test]
fn a_package_is_the_union_of_its_members_and_costs_their_sum() {
    let mut m = model(&toy_src());
    let ab = m.resolve_variant("a+b").unwrap();
    let v = &m.variants[ab];
    assert_eq!(v.changes.len(), 2);
    assert_eq!(v.cost.as_ref().unwrap().investment_musd, 35.0);
    // the file's [[packages]] entry is the same package
    let file = m.variant_index("a-and-b").unwrap();
    assert_eq!(m.variants[file].changes, v.changes);
    // the same change twice is one change
    let twice = m.resolve_variant("a+a-and-b").unwrap();
    assert_eq!(m.variants[twice].changes.len(), 2);
    // an unknown member is named, with the closest name
    let e = m.resolve_variant("a+bb").unwrap_err().to_string();
    assert!(e.contains("`bb`") && e.contains("did you mean `b`"), "{e}");
}

#[test]
fn two_settings_of_one_field_on_one_day_are_a_conflict_naming_both() {
    let src = toy_src().replace(
        "[[packages]]",
        r#"[[variants]]
name = "long-day"
[[variants.changes]]
kind = "hours"
from = "2025-03-01"
gates = ["gate"]
stages = ["customs"]
hours = [6, 22]
[[variants]]
name = "short-day"
[[variants.changes]]
kind = "hours"
from = "2025-03-01"
gates = ["gate"]
stages = ["customs"]
hours = [8, 17]
[[packages]]"#,
    );
    let mut m = model(&src);
    let e = m
        .resolve_variant("long-day+short-day")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`long-day`") && e.contains("`short-day`") && e.contains("opening hours"),
        "{e}"
    );
    // in date order, a later setting supersedes an earlier one: no conflict
    let later = src.replacen("from = \"2025-03-01\"", "from = \"2025-02-01\"", 1);
    assert!(model(&later).resolve_variant("long-day+short-day").is_ok());
    // and in the file, the error is located at the package's variants
    let in_file = src.replace(
        "variants = [\"a\", \"b\"]",
        "variants = [\"long-day\", \"short-day\"]",
    );
    let err = borderflow::scenario::parse(&in_file, "t.toml".as_ref())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("packages[0].variants") && err.contains("conflict"),
        "{err}"
    );
}

#[test]
fn the_tornado_moves_turnover_as_the_closed_form_says() {
    let out = scratch("decisions", "tornado");
    let o = bin()
        .args([
            "sensitivity",
            &toy_path(),
            "-n",
            "8",
            "--sobol-rows",
            "0",
            "-q",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    ok(&o);
    let j = json(&out.join("sensitivity.json"));
    let t = &j["tornado"];
    let central = t["central"]["turnover"][0]["mean"].as_f64().unwrap();
    let rows = t["rows"].as_array().unwrap();
    // market (±10 % demand) swings more than prices (±5 % value): sorted first
    assert_eq!(rows[0]["parameter"]["name"], "market");
    assert_eq!(rows[1]["parameter"]["name"], "prices");
    let effect = |r: usize, end: &str| {
        let e = &rows[r][end]["effect"][0];
        (
            e["mean"].as_f64().unwrap(),
            e["lo"].as_f64().unwrap(),
            e["hi"].as_f64().unwrap(),
        )
    };
    // prices scale each truck's value: the paired effect is exactly ∓5 % of the central turnover
    for (end, share) in [("low", -0.05), ("high", 0.05)] {
        let (mean, _, _) = effect(1, end);
        assert!(
            (mean - share * central).abs() < 1e-6 * central,
            "{end}: {mean}"
        );
    }
    // market scales the arrival rate: ∓10 % of the central turnover within the paired interval
    for (end, share) in [("low", -0.1), ("high", 0.1)] {
        let (mean, lo, hi) = effect(0, end);
        let expected = share * central;
        assert!(
            lo <= expected && expected <= hi,
            "{end}: {mean} [{lo}, {hi}] vs {expected}"
        );
    }
    // at market's ends the target (730) is missed for sure (657) or reached for sure (803)
    assert_eq!(rows[0]["low"]["p_target"][0]["mean"], 0.0);
    assert_eq!(rows[0]["high"]["p_target"][0]["mean"], 1.0);
    for f in [
        "sensitivity.csv",
        "tornado.svg",
        "tornado.png",
        "report.html",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // the page says what each parameter is, from the scenario's notes, and boxes the verdict
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("<h2>What each parameter is</h2>"));
    assert!(page.contains("<p><code>market</code> (0.9–1.1): toy: demand level"));
    assert!(page.contains("<p class=\"answer\">Largest effect: <code>market</code>"));
    // the terminal's table is not repeated before the first chart: it is under the chart
    let first_chart = page.find("<figure").expect("a chart");
    assert!(!page[..first_chart].contains("<pre class=\"columns\">"));
    assert!(
        page[first_chart..].contains("<td>market</td>"),
        "the table under the chart"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn sobol_indices_of_the_additive_toy_are_its_variance_shares() {
    let m = model(&toy_src());
    let params = sensitivity::parameters(&m, 0);
    assert_eq!(params.len(), 2);
    let rows = 512;
    let jobs = sensitivity::sobol_jobs(&m, &params, rows, m.seed);
    let points = [Point::new(&m, 0)];
    let year = borderflow::decide::decision_year(&m);
    let outcomes: Vec<Outcome> = run_jobs(&points, &jobs, m.seed, &pool(2), |_, r| {
        Outcome::of(&m, year, &r)
    });
    let s = sensitivity::sobol(&params, &outcomes, rows, m.seed);
    // turnover ∝ m·p, m ~ U(0.9, 1.1), p ~ U(0.95, 1.05): V_m = Var(m)E[p]², V_p = Var(p)E[m]²
    let (vm, vp) = (0.2f64.powi(2) / 12.0, 0.1f64.powi(2) / 12.0);
    let v = vm + vp + vm * vp;
    for (i, share) in [(0, vm / v), (1, vp / v)] {
        let idx = &s.indices[i];
        for (what, e) in [("first-order", idx.first), ("total", idx.total)] {
            assert!(
                e.lo <= share && share <= e.hi,
                "{} {what}: {:.3} [{:.3}, {:.3}] vs {share:.3}",
                idx.parameter,
                e.mean,
                e.lo,
                e.hi
            );
        }
    }
}

/// The search of `optimise` on the month toy with master seed `seed`.
fn search(seed: u64, pool: &rayon::ThreadPool) -> (Option<String>, usize) {
    let mut m = month_toy();
    let (mut cands, conflicts) = optimise::candidates(&mut m).unwrap();
    assert!(conflicts.is_empty());
    let settings = Settings {
        target_probability: 0.9,
        tolerance: 0.05,
        alpha: 0.05,
        batch: 10,
        window: 2,
        max_replications: 2000,
        budget_musd: None,
        goal: Goal::Total,
    };
    let searchable: Vec<usize> = (0..cands.len()).collect();
    let boundary = Boundary::new(&settings, searchable.len());
    let year = borderflow::decide::decision_year(&m);
    let model = &m;
    let mut run = |points: &[Point], jobs: &[borderflow::montecarlo::jobs::Job]| {
        run_jobs(points, jobs, seed, pool, |job, r| {
            Outcome::of(points[job.point].model, year, &r)
        })
    };
    optimise::search(
        model,
        &mut cands,
        &settings,
        &searchable,
        &boundary,
        &mut run,
    );
    let spent = cands.iter().map(|c| c.replications()).sum();
    let chosen = optimise::answer(&cands, &searchable)
        .ok()
        .map(|i| cands[i].name.clone());
    // every package cheaper than the answer was declared infeasible
    if let Ok(i) = optimise::answer(&cands, &searchable) {
        let pos = searchable.iter().position(|&x| x == i).unwrap();
        assert!(
            searchable[..pos]
                .iter()
                .all(|&j| cands[j].status == Status::Infeasible)
        );
    }
    (chosen, spent)
}

#[test]
fn optimise_picks_the_known_answer_with_its_promised_probability() {
    // A+B (35 M USD, P 0.98) is the cheapest package with P ≥ 0.9 + 0.05; every cheaper one
    // has P ≤ 0.82 < 0.9 − 0.05, so a correct selection is A+B and nothing else.
    let p = pool(2);
    let seeds = 40;
    let mut correct = 0;
    for seed in 1..=seeds {
        let (chosen, spent) = search(seed, &p);
        assert!(spent > 0);
        if chosen.as_deref() == Some("a+b") {
            correct += 1;
        }
    }
    // promised: at least 1 − α = 0.95 of selections correct
    assert!(
        correct as f64 / seeds as f64 >= 0.95,
        "{correct} of {seeds} correct"
    );
    // and the search does not depend on the thread count
    assert_eq!(search(3, &pool(1)), search(3, &pool(2)));
}

#[test]
fn optimise_reports_procedure_guarantee_and_files() {
    let out = scratch("decisions", "optimise");
    let o = bin()
        .args([
            "optimise",
            &toy_path(),
            "--target-probability",
            "0.9",
            "-q",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    ok(&o);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("Which is the cheapest package"), "{text}");
    assert!(text.contains("Answer: `a+b`"), "{text}");
    assert!(text.contains("Andradóttir & Kim") && text.contains("probability at least 0.95"));
    let j = json(&out.join("optimise.json"));
    assert_eq!(j["answer"], "a+b");
    assert!(j["replications"].as_u64().unwrap() > 0);
    assert_eq!(j["waterfall"]["to"], "a+b");
    for f in [
        "optimise.csv",
        "frontier.svg",
        "waterfall.csv",
        "waterfall.svg",
        "report.html",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // the page says how to run it again, seed included; the package of no improvement has
    // one name everywhere; every simulated package is named on the frontier, the answer
    // marked; the waterfall colours rises and the total apart
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("Master seed 7."), "{page}");
    let csv = std::fs::read_to_string(out.join("optimise.csv")).unwrap();
    assert!(csv.contains("\nno improvement,0.00,"), "{csv}");
    let frontier = std::fs::read_to_string(out.join("frontier.svg")).unwrap();
    assert!(frontier.contains("a+b ← answer") && frontier.contains("\nno improvement\n"));
    let waterfall = std::fs::read_to_string(out.join("waterfall.svg")).unwrap();
    assert!(waterfall.contains("\ngate adds turnover\n") && waterfall.contains("\ntotal\n"));
    // a budget below A+B leaves no feasible package, and says what comes closest
    let o = bin()
        .args([
            "optimise",
            &toy_path(),
            "--budget",
            "30",
            "-q",
            "--force",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    ok(&o);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("No package within the budget") && text.contains("Closest"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

fn sweep(out: &Path, extra: &[&str]) -> std::process::Output {
    bin()
        .args([
            "sweep",
            &toy_path(),
            "--set",
            "variants.a.changes.0.factor=1.0..1.2:0.05",
            "--set",
            "gates.gate.stages.customs.servers=4,8",
            "--variant",
            "a",
            "-n",
            "6",
            "-q",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn sweeps_are_bit_identical_whatever_the_threads_and_grow_with_the_factor() {
    let root = scratch("decisions", "sweep");
    let (one, two) = (root.join("one"), root.join("two"));
    ok(&sweep(&one, &["--threads", "1"]));
    ok(&sweep(&two, &["--threads", "2"]));
    let csv = std::fs::read(one.join("sweep.csv")).unwrap();
    assert_eq!(csv, std::fs::read(two.join("sweep.csv")).unwrap());
    // the chart marks where the file stands on the first --set, and shows the 0.9 bar
    let svg = std::fs::read_to_string(one.join("sweep.svg")).unwrap();
    assert!(svg.contains("\nin the file: 1.06\n"), "{svg}");
    assert!(svg.contains("\n0.9: interval above it decides\n"));
    assert_eq!(
        std::fs::read(one.join("sweep.svg")).unwrap(),
        std::fs::read(two.join("sweep.svg")).unwrap()
    );
    // 5 × 2 points; with the same streams, turnover grows with A's factor at every point
    let j = json(&one.join("sweep.json"));
    let points = j["points"].as_array().unwrap();
    assert_eq!(points.len(), 10);
    let turnover = |i: usize| points[i]["turnover"][0]["mean"].as_f64().unwrap();
    for i in (0..8).step_by(2) {
        assert!(turnover(i + 2) > turnover(i), "point {i}");
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn sweep_paths_and_values_are_checked_with_did_you_mean() {
    let root = scratch("decisions", "sweep-errors");
    for (set, wanted) in [
        (
            "gates.gate.stages.custom.servers=1,2",
            "did you mean `customs`",
        ),
        ("gates.gate.stages.customs.servers=1.5", "whole number"),
        ("gates.gate.stages.customs.servers=-1", "servers must be"),
        (
            "gates.gate.stages.customs.servrs=2",
            "did you mean `servers`",
        ),
        ("variants.b.changes.0.factor=1.1", "add --variant b"),
        ("gates.gate.demand.0=1", "name a number inside it, one of: "),
        ("gates.gate.stages.customs.servers", "PATH=VALUES"),
        ("scenario.seed=1,2", "not the model"),
    ] {
        let o = bin()
            .args(["sweep", &toy_path(), "--set", set, "-q", "--out"])
            .arg(root.join("x"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{set}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(wanted), "{set}: {err}");
        assert!(
            !root.join("x").exists(),
            "{set}: nothing is created for bad input"
        );
    }
}

fn run_package(out: &Path, extra: &[&str]) {
    let o = bin()
        .args([
            "run",
            &toy_path(),
            "--variant",
            "nothing",
            "--package",
            "a+c",
            "-n",
            "6",
            "-q",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    ok(&o);
}

#[test]
fn packages_run_bit_identical_across_threads_and_shards() {
    let root = scratch("decisions", "package-shards");
    let plain = root.join("plain");
    run_package(&plain, &["--threads", "1"]);
    let two = root.join("two");
    run_package(&two, &["--threads", "2"]);
    let rows = |d: &PathBuf| std::fs::read(d.join("replications.csv")).unwrap();
    assert_eq!(rows(&plain), rows(&two));
    let parts: Vec<PathBuf> = (0..2)
        .map(|k| {
            let d = root.join(format!("part{k}"));
            run_package(&d, &["--shard", &format!("{k}/2")]);
            d
        })
        .collect();
    let merged = root.join("merged");
    let o = bin()
        .arg("merge")
        .args(&parts)
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(rows(&plain), rows(&merged));
    assert_eq!(
        std::fs::read(plain.join("summary.json")).unwrap(),
        std::fs::read(merged.join("summary.json")).unwrap()
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn sweeps_and_sensitivity_shards_merge_into_the_bytes_of_one_run() {
    let root = scratch("decisions", "decision-shards");
    let sweep_args = [
        "sweep",
        "--set",
        "variants.a.changes.0.factor=1.0..1.2:0.05",
        "--variant",
        "a",
        "-n",
        "5",
    ];
    let sens_args = ["sensitivity", "-n", "3", "--sobol-rows", "8"];
    for (name, args, files) in [
        ("sweep", &sweep_args[..], &["sweep.csv", "sweep.svg"][..]),
        (
            "sensitivity",
            &sens_args[..],
            &["sensitivity.csv", "tornado.svg", "sobol.svg"][..],
        ),
    ] {
        let command = |out: &Path, extra: &[&str]| {
            let mut c = bin();
            c.arg(args[0]).arg(toy_path()).args(&args[1..]);
            c.args(["-q", "--out"]).arg(out).args(extra);
            ok(&c.output().unwrap());
        };
        let plain = root.join(format!("{name}-plain"));
        command(&plain, &[]);
        let parts: Vec<PathBuf> = (0..3)
            .map(|k| {
                let d = root.join(format!("{name}-part{k}"));
                command(&d, &["--shard", &format!("{k}/3")]);
                assert!(d.join("decision-part.json").is_file());
                d
            })
            .collect();
        let merged = root.join(format!("{name}-merged"));
        let o = bin()
            .arg("merge")
            .args(&parts)
            .arg("--out")
            .arg(&merged)
            .output()
            .unwrap();
        ok(&o);
        for f in files {
            assert_eq!(
                std::fs::read(plain.join(f)).unwrap(),
                std::fs::read(merged.join(f)).unwrap(),
                "{name}: {f} differs"
            );
        }
        // a missing shard is named
        let o = bin()
            .arg("merge")
            .args(&parts[..2])
            .arg("--out")
            .arg(root.join(format!("{name}-incomplete")))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("shard 2/3 is missing"));
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// A point whose capacity cannot clear its demand is not shown as fine: the table counts the
/// vehicles still waiting at the end of the horizon (which `lost` does not), and the point
/// gets the overload warning `validate` gives the same numbers.
#[test]
fn an_overloaded_sweep_point_is_warned_of_and_shows_what_it_did_not_clear() {
    let out = scratch("decisions", "sweep-overload");
    let o = bin()
        .args([
            "sweep",
            &toy_path(),
            "--set",
            "gates.gate.stages.customs.servers=1,8",
        ])
        .args(["-n", "2", "--threads", "1", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        err.contains(
            "with --set gates.gate.stages.customs.servers=1: gate `gate`: expected demand exceeds"
        ),
        "{err}"
    );
    assert!(!err.contains("servers=8:"), "{err}");
    assert!(text.contains("not cleared"), "{text}");
    let j = json(&out.join("sweep.json"));
    let unfinished = |i: usize| j["points"][i]["unfinished"]["mean"].as_f64().unwrap();
    // one server: most of the year's demand is still queued; eight clear nearly all of it
    assert!(unfinished(0) > 10.0 * unfinished(1).max(1.0), "{j}");
    let _ = std::fs::remove_dir_all(&out);
}
