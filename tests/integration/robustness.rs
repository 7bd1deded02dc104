//! What `validate` accepts runs; no silently wrong figure; runs never mix or destroy files.

use std::path::{Path, PathBuf};
use std::process::Command;

use borderflow::montecarlo::{RunResult, Stopping, VariantResult};
use borderflow::report::files::first_non_finite;
use borderflow::stats::CountSum;

use super::common::bin;

fn tmp(name: &str) -> PathBuf {
    super::common::scratch("robust", name)
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
            rule: borderflow::montecarlo::StopRule::Fixed,
            precision: None,
            worst_half_width: None,
        },
        inner: 1,
        common_random_numbers: true,
        interrupted: false,
        fork: Default::default(),
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

/// Files whose bytes a resumed run must share with an uninterrupted one.
const RESULT_FILES: [&str; 3] = ["summary.json", "replications.csv", "daily.csv"];

/// Spawns `run` and reads its stderr until a line starting with `prefix`.
fn spawn_until(args: &[std::ffi::OsString], prefix: &str) -> (std::process::Child, String) {
    let mut child = bin()
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let err = super::common::read_until(&mut stderr, prefix);
    // keep draining stderr so the child never blocks on a full pipe
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    child.stderr = None;
    (child, err)
}

/// No temporary file, lock or checkpoint left in a complete run folder.
fn assert_clean(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.contains(".tmp-")
                && name != ".borderflow.lock"
                && !name.starts_with("checkpoint"),
            "{} holds {name}",
            dir.display()
        );
    }
}

/// Issue 18 item 4: a run killed with SIGKILL at random moments (a checkpoint after every
/// chunk) resumes, from another working folder and with the scenario file gone, to the bytes
/// of an uninterrupted run. The kill comes after the first progress line (by then the first
/// checkpoint is saved) plus a pseudo-random delay of 0–3 s, so it lands anywhere: mid
/// replication, mid checkpoint, mid final write, or after the end. The test passes or fails on
/// the files only, never on where the kill landed.
#[test]
fn a_run_killed_at_random_moments_resumes_to_the_uninterrupted_bytes() {
    let dir = tmp("sigkill");
    let file = super::common::long_peer_gate(&dir.join("scenario.toml"));
    let whole = dir.join("whole");
    let common = ["-n", "24", "--threads", "1", "--seed", "9"];
    let o = bin()
        .arg("run")
        .arg(&file)
        .args(common)
        .arg("--quiet")
        .arg("--out")
        .arg(&whole)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for trial in 0..3 {
        let cut = dir.join(format!("cut{trial}"));
        let file = super::common::long_peer_gate(&dir.join(format!("moved{trial}.toml")));
        let mut args: Vec<std::ffi::OsString> = vec!["run".into(), file.clone().into()];
        args.extend(common.iter().map(|&a| a.into()));
        args.extend(["--checkpoint-every".into(), "0".into(), "--out".into()]);
        args.push(cut.clone().into());
        let (mut child, err) = spawn_until(&args, "progress: 4/24 ");
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let delay = (state >> 33) % 3000;
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        let saved = std::fs::read(cut.join("checkpoint.json")).map_or(0, |b| {
            serde_json::from_slice::<serde_json::Value>(&b).unwrap()[0]["reps"]
                .as_array()
                .unwrap()
                .len()
        });
        eprintln!(
            "trial {trial}: killed {delay} ms after the first progress line: {status}, checkpoint of {saved} replications"
        );
        // the scenario is moved away and the resume runs from another folder: the checkpoint
        // carries its own copy
        std::fs::remove_file(&file).unwrap();
        if !status.success() {
            assert!(
                cut.join("checkpoint.json").is_file(),
                "trial {trial}: killed after the first checkpoint, yet none is there: {err}"
            );
            let o = bin()
                .current_dir(&elsewhere)
                .args(["run", "--quiet", "--threads", "1", "--resume"])
                .arg(std::fs::canonicalize(&cut).unwrap())
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "trial {trial}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        for name in RESULT_FILES {
            assert!(
                std::fs::read(whole.join(name)).unwrap() == std::fs::read(cut.join(name)).unwrap(),
                "trial {trial}: {name} differs from the uninterrupted run's"
            );
        }
        assert_clean(&cut);
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(cut.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["partial"], false);
        let command = manifest["command_line"].to_string();
        assert!(
            command.contains("--checkpoint-every") && !command.contains("--resume"),
            "the manifest records the command that started the run: {command}"
        );
        assert_eq!(manifest["scenario_file"], file.display().to_string());
    }
}

/// Issue 18 item 5: with `--json`, an interrupted run prints its partial summary on stdout; a
/// second interrupt quits at once, says so, and leaves no temporary file or lock behind.
#[test]
fn interrupts_print_the_partial_summary_and_a_second_one_quits_cleanly() {
    let dir = tmp("interrupts");
    let file = super::common::long_peer_gate(&dir.join("scenario.toml"));
    let cut = dir.join("json");
    let mut args: Vec<std::ffi::OsString> = vec![file.clone().into()];
    args.extend(["-n", "48", "--threads", "1", "--json", "--out"].map(Into::into));
    args.insert(0, "run".into());
    args.push(cut.clone().into());
    let (child, _) = spawn_until(&args, "progress: 4/48 ");
    let kill = |sig: &str, pid: u32| {
        assert!(
            Command::new("kill")
                .args([sig, &pid.to_string()])
                .status()
                .unwrap()
                .success()
        )
    };
    kill("-INT", child.id());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130));
    let printed: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not the summary JSON ({e})"));
    assert_eq!(printed["partial"], true);
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cut.join("summary.json")).unwrap()).unwrap();
    assert_eq!(printed, saved);

    // two interrupts: the second one may find the first one's save done (exit 130 either
    // way); what must hold is a folder without stray files, and resumable if it says so
    let cut = dir.join("twice");
    args[8] = cut.clone().into();
    let (child, _) = spawn_until(&args, "progress: 4/48 ");
    let pid = child.id();
    kill("-INT", pid);
    kill("-INT", pid);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130));
    for e in std::fs::read_dir(&cut).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.contains(".tmp-") && name != ".borderflow.lock",
            "a second interrupt left {name}"
        );
    }
    if cut.join("manifest.json").is_file() {
        let o = bin()
            .args(["run", "--quiet", "--resume"])
            .arg(&cut)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

/// Issue 18 item 5: a huge number in a message is printed in e-notation, never as hundreds of
/// digits (every `got …` of an f64 field goes through `scenario::validate::num`).
#[test]
fn huge_numbers_in_messages_are_printed_in_e_notation() {
    let dir = tmp("huge-numbers");
    let base = std::fs::read_to_string(fixture_scenario(&dir)).unwrap();
    for (from, to) in [
        ("per_day = 100", "per_day = 1e300"),
        ("total_musd = 10", "total_musd = -1e300"),
    ] {
        assert!(base.contains(from), "{from}");
        let err = borderflow::scenario::parse(&base.replace(from, to), "huge.toml".as_ref())
            .unwrap_err()
            .report();
        let longest_number = err
            .split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        assert!(err.contains("e300") && longest_number < 20, "{to}: {err}");
    }
}
