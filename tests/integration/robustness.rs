//! What `validate` accepts runs; no silently wrong figure; runs never mix or destroy files.

use std::path::{Path, PathBuf};
use std::process::Command;

use borderflow::montecarlo::{RunResult, Stopping, VariantResult};
use borderflow::report::files::first_non_finite;
use borderflow::stats::CountSum;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_borderflow"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("borderflow-robust-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// The valid one-gate base of the invalid fixtures, written to `dir/scenario.toml`.
fn fixture_scenario(dir: &Path) -> PathBuf {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/invalid/nan-rate.toml"
    ))
    .unwrap()
    .replace("per_day = nan", "per_day = 100");
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("scenario.toml");
    std::fs::write(&path, src).unwrap();
    path
}

#[test]
fn a_non_finite_figure_is_named_not_written() {
    let dir = tmp("nonfinite");
    let m = borderflow::scenario::load(&fixture_scenario(&dir)).unwrap();
    let mut rep = borderflow::model::simulate(&m, &borderflow::model::Plan::new(&m, 0), 1, 0);
    let cells = m.days * m.gates.len();
    let run = |rep: borderflow::model::RepRecord| RunResult {
        seed: 1,
        replications: 1,
        threads: 1,
        variants: vec![VariantResult {
            variant: 0,
            reps: vec![rep],
            daily_cleared: vec![CountSum::default(); cells],
            daily_queue: vec![CountSum::default(); cells],
        }],
        events: 0,
        stopping: Stopping {
            rule: "fixed".into(),
            precision: None,
            worst_half_width: None,
        },
        inner: 1,
        common_random_numbers: true,
        interrupted: false,
    };
    assert_eq!(first_non_finite(&m, &run(rep.clone())), None);
    rep.years[0].turnover_a_usd[1] = f64::INFINITY;
    let msg = first_non_finite(&m, &run(rep)).expect("inf is found");
    assert_eq!(
        msg,
        "basis-A import turnover (USD) of 2025 = inf in replication 0 of variant `baseline`"
    );
}

#[test]
fn summary_mean_turnover_agrees_with_replications_csv() {
    let dir = tmp("agree");
    let file = fixture_scenario(&dir);
    let out = dir.join("run");
    let o = bin()
        .args(["run", "-q", "-n", "5", "--seed", "3", "--out"])
        .arg(&out)
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let mut rows = csv::Reader::from_path(out.join("replications.csv")).unwrap();
    // (variant, year) → turnover totals of the replications
    let mut sums: std::collections::BTreeMap<(String, i64), Vec<f64>> = Default::default();
    for r in rows.records() {
        let r = r.unwrap();
        let x: f64 = r[3].parse().unwrap();
        assert!(x.is_finite(), "{r:?}");
        sums.entry((r[0].to_string(), r[2].parse().unwrap()))
            .or_default()
            .push(x);
    }
    let mut compared = 0;
    for v in summary["variants"].as_array().unwrap() {
        for y in v["years"].as_array().unwrap() {
            let key = (
                v["name"].as_str().unwrap().to_string(),
                y["year"].as_i64().unwrap(),
            );
            let xs = &sums[&key];
            assert_eq!(xs.len(), 5);
            let mean = xs.iter().sum::<f64>() / xs.len() as f64;
            let reported = y["turnover_musd"]["total"]["mean"].as_f64().unwrap();
            // the CSV rounds to 1e-6 M USD
            assert!(
                (mean - reported).abs() <= 1e-6 * (1.0 + mean.abs()),
                "{key:?}: CSV mean {mean}, summary {reported}"
            );
            assert!(reported > 0.0);
            compared += 1;
        }
    }
    assert_eq!(compared, sums.len());
    assert!(compared >= 2);
}

/// Waits (polling, up to 60 s) until `path` exists.
fn wait_for(path: &Path) {
    let t0 = std::time::Instant::now();
    while !path.exists() {
        assert!(
            t0.elapsed().as_secs() < 60,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn a_second_run_into_a_locked_output_folder_is_refused() {
    let out = tmp("locked");
    let peer = format!(
        "{}/scenarios/examples/peer-gate.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    // long enough to still be simulating when the second run starts; killed at the end
    let mut first = bin()
        .args([
            "run",
            &peer,
            "-q",
            "-n",
            "1000000",
            "--threads",
            "1",
            "--out",
        ])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&out.join(".borderflow.lock"));
    let second = bin()
        .args(["run", &peer, "-q", "-n", "2", "--force", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let first_still_running = first.try_wait().unwrap().is_none();
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(first_still_running, "the first run ended too early");
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{err}");
    assert!(
        err.contains("is in use by another borderflow run (PID"),
        "{err}"
    );
    assert!(!out.join("summary.json").exists(), "the second run wrote");
}

#[test]
fn a_stale_lock_of_a_dead_process_is_taken_over_and_released() {
    let dir = tmp("stale");
    let file = fixture_scenario(&dir);
    let out = dir.join("run");
    std::fs::create_dir_all(&out).unwrap();
    let mut gone = Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    std::fs::write(
        out.join(".borderflow.lock"),
        format!("pid={pid}\nstarted=1\n"),
    )
    .unwrap();
    let o = bin()
        .args(["run", "-q", "-n", "2", "--out"])
        .arg(&out)
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("summary.json").exists());
    assert!(!out.join(".borderflow.lock").exists(), "lock not released");
}

#[test]
fn merge_refuses_an_output_that_is_one_of_its_parts() {
    let dir = tmp("merge-self");
    let file = fixture_scenario(&dir);
    let parts: Vec<PathBuf> = (0..2).map(|k| dir.join(format!("part{k}"))).collect();
    for (k, p) in parts.iter().enumerate() {
        let o = bin()
            .args([
                "run",
                "-q",
                "-n",
                "4",
                "--shard",
                &format!("{k}/2"),
                "--out",
            ])
            .arg(p)
            .arg(&file)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let before = std::fs::read(parts[0].join("part.json")).unwrap();
    // the same folder written differently: with a trailing `/.`
    let o = bin()
        .arg("merge")
        .args(&parts)
        .arg("--out")
        .arg(parts[0].join("."))
        .arg("--force")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("is one of the parts being merged"), "{err}");
    assert_eq!(std::fs::read(parts[0].join("part.json")).unwrap(), before);
    assert!(!parts[0].join("summary.json").exists());
}

#[test]
fn an_unsafe_scenario_name_is_refused_before_anything_is_written() {
    let dir = tmp("name");
    let src = std::fs::read_to_string(fixture_scenario(&dir))
        .unwrap()
        .replace("name = \"fixture\"", "name = \"../../escaped\"");
    let file = dir.join("escape.toml");
    std::fs::write(&file, src).unwrap();
    let o = bin()
        .current_dir(&dir)
        .args(["run", "-q", "-n", "1"])
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("names the output folder"), "{err}");
    assert!(!dir.join("output").exists());
    assert!(!dir.join("../escaped").exists());
}

#[test]
fn plot_refuses_chart_data_whose_gates_and_stages_disagree() {
    let dir = tmp("plot");
    let file = fixture_scenario(&dir);
    let out = dir.join("run");
    let o = bin()
        .args(["run", "-q", "-n", "2", "--out"])
        .arg(&out)
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // the run's own charts.json redraws
    let o = bin().arg("plot").arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // a stage of a gate that does not exist
    let path = out.join("charts.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    v["stages"][0]["gate"] = serde_json::json!(7);
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
    let o = bin().arg("plot").arg(&out).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("stages[0].gate is 7 but there are 1 gates"),
        "{err}"
    );
}

#[test]
fn a_run_removes_stray_temp_files_and_writes_its_manifest_last() {
    let dir = tmp("stray");
    let scenario = fixture_scenario(&dir.join("in"));
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    // what a killed run leaves: temporary files of write_atomic, and an old result
    for name in [".summary.json.tmp-4242424", ".daily.csv.tmp-17"] {
        std::fs::write(out.join(name), b"half").unwrap();
    }
    std::fs::write(out.join("notes.tmp-1"), b"a user's file").unwrap();
    let o = bin()
        .arg("run")
        .arg(&scenario)
        .args(["-n", "2", "--quiet", "--force", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with('.') && n.contains(".tmp-")),
        "{names:?}"
    );
    assert!(
        names.contains(&"notes.tmp-1".to_string()),
        "only ours go: {names:?}"
    );
    // the manifest is the commit record: nothing in the folder is newer
    let modified = |n: &str| std::fs::metadata(out.join(n)).unwrap().modified().unwrap();
    let manifest = modified("manifest.json");
    for n in [
        "summary.json",
        "replications.csv",
        "daily.csv",
        "charts.json",
        "report.html",
    ] {
        assert!(modified(n) <= manifest, "{n} written after manifest.json");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
