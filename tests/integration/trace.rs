//! `run --trace`: one replication's vehicles stage by stage, its Time Release Study table, and
//! the per-year stage and gate records behind the time-per-stage chart.

use borderflow::model::{Plan, TraceOutcome, simulate, simulate_traced};
use borderflow::scenario;

use super::common::{bin, scratch};

fn load(path: &str) -> borderflow::model::Model {
    scenario::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .expect("shipped scenario loads")
}

/// `borderflow run scenarios/lang-son.toml -n 1 --quiet` into `out`, traced to `trace` over
/// `window`, with `extra` arguments.
fn run_lang_son_traced(
    out: &std::path::Path,
    trace: &std::path::Path,
    window: &str,
    extra: &[&str],
) -> std::process::Output {
    bin()
        .args(["run", "scenarios/lang-son.toml", "-n", "1", "--quiet"])
        .args(extra)
        .arg("--out")
        .arg(out)
        .arg("--trace")
        .arg(trace)
        .args(["--trace-window", window])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// Tracing watches the simulation without changing it: the record is the same bit for bit,
/// every row lies in the window with its times in order, and the bound is kept.
#[test]
fn tracing_changes_nothing_and_keeps_to_its_window_and_bound() {
    let model = load("scenarios/lang-son.toml");
    let v = model.variant_index("as-happened").unwrap();
    let plan = Plan::new(&model, v);
    let day = 1_440.0;
    let window = (1_500.0 * day, 1_502.0 * day);
    let (record, trace) = simulate_traced(&model, &plan, 2021, 0, window, usize::MAX);
    assert_eq!(record, simulate(&model, &plan, 2021, 0));
    assert!(!trace.truncated);
    assert!(trace.rows.len() > 1_000, "{} rows", trace.rows.len());
    for r in &trace.rows {
        assert!(r.queue_enter >= window.0 && r.queue_enter < window.1);
        match (r.outcome, r.start) {
            (TraceOutcome::Served, Some(s)) => assert!(r.queue_enter <= s && s <= r.end),
            (TraceOutcome::Served, None) => panic!("a served row without a start"),
            (_, start) => assert!(start.is_none() && r.queue_enter <= r.end),
        }
    }
    // each vehicle visits a stage once: (vehicle, stage) is unique
    let mut keys: Vec<(u64, usize)> = trace.rows.iter().map(|r| (r.vehicle, r.stage)).collect();
    keys.sort_unstable();
    let n = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), n, "a vehicle-stage row twice");
    let (_, cut) = simulate_traced(&model, &plan, 2021, 0, window, 50);
    assert!(cut.truncated);
    assert_eq!(cut.rows.len(), 50);
}

/// The per-year stage and gate records add up to the horizon's (no warm-up in lang-son).
#[test]
fn per_year_records_add_up_to_the_horizon() {
    let model = load("scenarios/lang-son.toml");
    assert_eq!(model.warmup_days, 0);
    let rec = simulate(&model, &Plan::new(&model, 0), 2021, 0);
    for (s, st) in rec.stages.iter().enumerate() {
        let served: u64 = rec.years.iter().map(|y| y.stages[s].served).sum();
        let busy: f64 = rec.years.iter().map(|y| y.stages[s].busy_min).sum();
        assert_eq!(served, st.served, "stage {s}");
        assert!(
            (busy - st.busy_minutes).abs() <= 1e-6 * st.busy_minutes.max(1.0),
            "stage {s}: {busy} vs {}",
            st.busy_minutes
        );
        let wait: f64 = rec.years.iter().map(|y| y.stages[s].wait_min).sum();
        let mean = st.wait_mean.unwrap_or(0.0) * st.served as f64;
        assert!((wait - mean).abs() <= 1e-6 * mean.max(1.0), "stage {s}");
    }
    for (g, gate) in rec.gates.iter().enumerate() {
        let departed: u64 = rec.years.iter().map(|y| y.gates[g].departed).sum();
        assert_eq!(departed, gate.departed, "gate {g}");
    }
}

/// The CLI writes the documented columns for the window asked, and the report shows the Time
/// Release Study table computed from the same rows.
#[test]
fn run_trace_writes_the_csv_and_the_release_table() {
    let dir = scratch("trace", "cli");
    let csv = dir.with_extension("csv");
    let o = run_lang_son_traced(
        &dir,
        &csv,
        "2025-03-03..2025-03-04",
        &["--variant", "as-happened", "--variant", "baseline"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "vehicle,gate,class,direction,stage,queue_enter,start,end,outcome,wait_min,service_min"
    );
    // rows of the history variant (traced by default), queue entries inside the two days
    let mut hn_waits: Vec<f64> = Vec::new();
    let mut rows = 0;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 11, "{line}");
        assert!(
            f[5].starts_with("2025-03-03") || f[5].starts_with("2025-03-04"),
            "{line}"
        );
        if f[8] == "served" {
            let (wait, service): (f64, f64) = (f[9].parse().unwrap(), f[10].parse().unwrap());
            assert!(wait >= 0.0 && service >= 0.0, "{line}");
            if f[1] == "huu_nghi" && f[4] == "vn_customs" {
                hn_waits.push(wait);
            }
        }
        rows += 1;
    }
    assert!(rows > 1_000 && hn_waits.len() > 100, "{rows} rows");
    let charts: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("charts.json")).unwrap()).unwrap();
    let trs = &charts["time_release"];
    assert_eq!(trs["variant"], "as-happened");
    assert_eq!(trs["window"][0], "2025-03-03");
    let hn = trs["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["gate"] == "Hữu Nghị" && r["stage"] == "VN customs")
        .expect("a row for Hữu Nghị's Vietnamese customs");
    assert_eq!(hn["vehicles"].as_u64().unwrap() as usize, hn_waits.len());
    let mean_h = hn_waits.iter().sum::<f64>() / hn_waits.len() as f64 / 60.0;
    // the CSV rounds minutes to 0.01
    assert!((hn["wait"]["mean_h"].as_f64().unwrap() - mean_h).abs() < 1e-3);
    let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(page.contains("Time Release Study: waiting and service per gate and stage"));
    // the calibration rows (some without a band) and the table survive `plot`, byte for byte
    assert!(
        page.contains("yes (mean only)"),
        "per-day figures have their mean only"
    );
    let o = bin().arg("plot").arg(&dir).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(dir.join("report.html")).unwrap(),
        page
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&csv);
}

/// A window outside the horizon, or written wrongly, is refused before anything is run or
/// written, with what to change.
#[test]
fn a_bad_trace_window_is_refused_before_running() {
    for (window, says) in [
        (
            "2019-01-01..2019-01-02",
            "outside the horizon 2021-01-01..2025-12-31",
        ),
        (
            "2025-03-04..2025-03-03",
            "the last date is before the first",
        ),
        ("2025-03-03", "FROM..TO"),
    ] {
        let dir = scratch("trace", "bad");
        let o = run_lang_son_traced(&dir, "/dev/null".as_ref(), window, &[]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{window}: {err}");
        assert!(
            err.contains("--trace-window") && err.contains(says),
            "{window}: {err}"
        );
        assert!(!dir.exists(), "nothing written for {window}");
    }
}
