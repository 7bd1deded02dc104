//! The `borderflow` binary: contract output, errors and exit codes.

use std::process::Command;

use super::common::bin;

fn tmp(name: &str) -> std::path::PathBuf {
    super::common::scratch("test", name)
}

fn scenario(name: &str) -> String {
    format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A small export-only model (a test fixture, not a study).
fn crisis_fixture() -> String {
    format!(
        "{}/tests/fixtures/crisis-2021.toml",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn mmc_file_matches_erlang_c_within_its_interval() {
    let out = tmp("mmc");
    let o = bin()
        .args([
            "run",
            &scenario("examples/mmc.toml"),
            "--replications",
            "20",
            "--json",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let wait = &v["variants"][0]["stages"][0]["wait_min"];
    let (lo, hi) = (
        wait["ci95"][0].as_f64().unwrap(),
        wait["ci95"][1].as_f64().unwrap(),
    );
    assert!(
        lo <= 1.5250 && 1.5250 <= hi,
        "Erlang C Wq 1.5250 outside [{lo}, {hi}]"
    );
    for f in [
        "summary.json",
        "replications.csv",
        "daily.csv",
        "manifest.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let on_disk = std::fs::read(out.join("summary.json")).unwrap();
    assert_eq!(
        on_disk, o.stdout,
        "stdout JSON and summary.json are the same object"
    );
    // a second run into the same folder is refused without --force
    let again = bin()
        .args([
            "run",
            &scenario("examples/mmc.toml"),
            "-n",
            "1",
            "-q",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn summary_has_the_contract_fields() {
    let out = tmp("contract");
    let o = bin()
        .args(["run", &crisis_fixture(), "-n", "3", "--json", "-q", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["scenario"], "crisis-2021");
    assert_eq!(v["replications"], 3);
    let var = &v["variants"][0];
    for key in ["mean", "sd", "ci95", "p5", "p50", "p95"] {
        assert!(
            var["gates"][0]["time_in_system_min"].get(key).is_some(),
            "STAT.{key}"
        );
    }
    for key in [
        "turnover_musd",
        "trucks_cleared",
        "value_spoiled_musd",
        "trucks_diverted",
    ] {
        assert!(var["years"][0].get(key).is_some(), "years[].{key}");
    }
    for key in [
        "served",
        "wait_min",
        "wait_p95_min",
        "p_wait",
        "utilization",
    ] {
        assert!(var["stages"][0].get(key).is_some(), "stages[].{key}");
    }
    assert_eq!(var["gates"][0]["name"], "Hữu Nghị");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn summary_is_identical_for_one_and_two_threads() {
    let (a, b) = (tmp("t1"), tmp("t2"));
    for (dir, t) in [(&a, "1"), (&b, "2")] {
        let o = bin()
            .args([
                "run",
                &crisis_fixture(),
                "-n",
                "6",
                "-q",
                "--threads",
                t,
                "--out",
            ])
            .arg(dir)
            .output()
            .unwrap();
        assert!(o.status.success());
    }
    assert_eq!(
        std::fs::read(a.join("summary.json")).unwrap(),
        std::fs::read(b.join("summary.json")).unwrap()
    );
    assert_eq!(
        std::fs::read(a.join("replications.csv")).unwrap(),
        std::fs::read(b.join("replications.csv")).unwrap()
    );
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

#[test]
fn validate_reports_every_mistake_with_its_line() {
    let dir = tmp("bad");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    let src = std::fs::read_to_string(scenario("examples/mmc.toml"))
        .unwrap()
        .replace("servers = 5 ", "servers = -5 ")
        .replace("mean = 1.0 }", "mean = 1.0, sd = -1 }")
        .replace("end = \"2025-01-08\"", "end = \"2024-12-01\"");
    std::fs::write(&file, &src).unwrap();
    let o = bin().arg("validate").arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("3 problem(s)"), "{err}");
    let line_of = |needle: &str| src.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert!(
        err.contains(&format!("bad.toml:{}:", line_of("servers = -5"))),
        "{err}"
    );
    assert!(
        err.contains(&format!("bad.toml:{}:", line_of("sd = -1"))),
        "{err}"
    );
    assert!(
        err.contains(&format!("bad.toml:{}:", line_of("end = "))),
        "{err}"
    );
    assert!(
        err.contains("scenario.end") && err.contains("servers") && err.contains("sd"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_keys_and_syntax_errors_name_the_place() {
    let dir = tmp("syntax");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("typo.toml");
    let src = std::fs::read_to_string(scenario("examples/mmc.toml"))
        .unwrap()
        .replace("servers = 5", "server = 5");
    std::fs::write(&file, &src).unwrap();
    let o = bin().arg("validate").arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    let line = src.lines().position(|l| l.contains("server = 5")).unwrap() + 1;
    assert!(
        err.contains(&format!("typo.toml:{line}:")) && err.contains("server"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn calibrate_prints_and_writes_the_observed_versus_simulated_table() {
    let out = tmp("calibrate");
    let o = bin()
        .args([
            "calibrate",
            &crisis_fixture(),
            "--replications",
            "3",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("| trucks waiting at HN, Tân Thanh and Chi Ma, 20 Dec 2021 | 4598.0 |"),
        "{text}"
    );
    let md = std::fs::read_to_string(out.join("calibration.md")).unwrap();
    let (body, last) = md.trim_end().rsplit_once('\n').unwrap();
    assert!(
        text.starts_with(body),
        "stdout starts with the saved tables"
    );
    assert!(
        last.starts_with("checks passed: ") && last.ends_with(" of 5"),
        "{last}"
    );
    assert_eq!(
        text.lines().last(),
        Some(last),
        "and ends with their last line"
    );
    let rows: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("calibration.json")).unwrap()).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 5);
    assert_eq!(
        rows[0]["within"], true,
        "the 20 Dec 2021 backlog is within ×/÷1.5"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_closed_stdout_pipe_is_not_a_panic() {
    use std::io::Read;
    use std::process::Stdio;
    let out = tmp("pipe");
    let mut child = bin()
        .args(["run", &crisis_fixture(), "-n", "2", "-q", "--out"])
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, like `| head -0`
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "exit {status:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.join("summary.json").is_file());
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_run_writes_charts_and_report_and_plot_redraws_identical_svgs() {
    let out = tmp("plot");
    let o = bin()
        .args(["run", &crisis_fixture(), "-n", "2", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let names = [
        "turnover-distribution",
        "turnover-by-year",
        "variant-comparison",
        "cleared-per-day",
        "queue-per-day",
        "time-per-stage",
        "stage-utilisation",
    ];
    let mut before = Vec::new();
    for n in names {
        let svg = std::fs::read(out.join(format!("{n}.svg"))).unwrap();
        assert!(out.join(format!("{n}.png")).is_file(), "{n}.png missing");
        before.push(svg);
        std::fs::remove_file(out.join(format!("{n}.svg"))).unwrap();
    }
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(report.matches("<svg").count(), names.len());
    std::fs::remove_file(out.join("report.html")).unwrap();

    let o = bin().arg("plot").arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (n, svg) in names.iter().zip(&before) {
        let again = std::fs::read(out.join(format!("{n}.svg"))).unwrap();
        assert!(again == *svg, "{n}.svg differs after `borderflow plot`");
    }
    assert_eq!(
        std::fs::read_to_string(out.join("report.html")).unwrap(),
        report
    );

    // a folder without results is refused with exit code 2 and a clear message
    let empty = tmp("plot-empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = bin().arg("plot").arg(&empty).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("charts.json"));
}

/// The peer gate over two years (a replication takes tenths of a second on one thread).
fn slow_scenario(name: &str) -> std::path::PathBuf {
    super::common::long_peer_gate(&std::env::temp_dir().join(format!(
        "borderflow-test-{}-{name}.toml",
        std::process::id()
    )))
}

/// The signal is sent when the run reports its first chunk of 4 replications on stderr (the
/// plain progress line of a non-terminal), with seven more chunks to go: the remaining work is
/// seven times the work already done, so the signal arrives mid-run on a machine of any speed.
#[test]
fn ctrl_c_saves_a_partial_run_and_resume_gives_the_uninterrupted_bytes() {
    let file = slow_scenario("resume");
    let (whole, cut) = (tmp("resume-whole"), tmp("resume-cut"));
    let common = ["-n", "32", "--threads", "1", "--seed", "5"];
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

    let mut child = bin()
        .arg("run")
        .arg(&file)
        .args(common)
        .arg("--out")
        .arg(&cut)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut err = super::common::read_until(&mut stderr, "progress: 4/32 ");
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    std::io::Read::read_to_string(&mut stderr, &mut err).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("--resume"), "{err}");
    let partial: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cut.join("summary.json")).unwrap()).unwrap();
    assert_eq!(partial["partial"], true);
    assert_eq!(partial["stopping"]["rule"], "interrupted");
    let done = partial["replications"].as_u64().unwrap();
    assert!(
        (4..32).contains(&done),
        "the signal came after the first chunk, before the last: {done}"
    );
    assert!(cut.join("checkpoint.json").is_file());

    let o = bin()
        .args(["run", "--quiet", "--resume"])
        .arg(&cut)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let a = std::fs::read(whole.join("summary.json")).unwrap();
    let b = std::fs::read(cut.join("summary.json")).unwrap();
    assert!(
        a == b,
        "resumed summary.json differs from the uninterrupted one"
    );
    assert!(!cut.join("checkpoint.json").exists());
    let o = bin().args(["run", "--resume"]).arg(&cut).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing to resume"));
}

#[test]
fn files_are_replaced_whole_never_seen_half_written() {
    use borderflow::run_folder::write_atomic;
    let dir = tmp("atomic");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("summary.json");
    let (a, b) = (vec![b'a'; 4 << 20], vec![b'b'; 3 << 20]);
    write_atomic(&path, &a).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (path, stop) = (path.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut reads = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let bytes = std::fs::read(&path).unwrap();
                let whole_a = bytes.len() == 4 << 20 && bytes.iter().all(|&x| x == b'a');
                let whole_b = bytes.len() == 3 << 20 && bytes.iter().all(|&x| x == b'b');
                assert!(
                    whole_a || whole_b,
                    "a reader saw {} mixed or truncated bytes",
                    bytes.len()
                );
                reads += 1;
            }
            reads
        })
    };
    for i in 0..20 {
        write_atomic(&path, if i % 2 == 0 { &b } else { &a }).unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(reader.join().unwrap() > 0);
    // a failed write leaves the old file as it was and no temporary file behind
    let blocked = dir.join("daily.csv");
    std::fs::create_dir_all(blocked.join("in-the-way")).unwrap();
    assert!(write_atomic(&blocked, b"new").is_err());
    assert_eq!(std::fs::read(&path).unwrap().len(), 4 << 20);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn zero_demand_and_unreachable_target_give_finite_outputs() {
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/invalid/negative-rate.toml"
    ))
    .unwrap()
    .replace("per_day = -100", "per_day = 0")
    .replace("total_musd = 10", "total_musd = 1e9");
    let file =
        std::env::temp_dir().join(format!("borderflow-test-{}-zero.toml", std::process::id()));
    std::fs::write(&file, base).unwrap();
    let out = tmp("zero");
    let o = bin()
        .arg("run")
        .arg(&file)
        .args(["-n", "3", "--json", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["variants"][0]["p_target"]["total"]["p"], 0.0);
    assert_eq!(v["variants"][0]["gates"][0]["trucks_cleared"]["mean"], 0.0);
    // every mean in the summary is a number
    fn walk(v: &serde_json::Value, path: &str) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    if k == "mean" || k == "p" {
                        assert!(x.is_number(), "{path}.{k} is {x}");
                    }
                    walk(x, &format!("{path}.{k}"));
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, path)),
            _ => {}
        }
    }
    walk(&v, "");
    for f in [
        "replications.csv",
        "daily.csv",
        "summary.json",
        "charts.json",
        "report.html",
    ] {
        let text = std::fs::read_to_string(out.join(f)).unwrap().to_lowercase();
        assert!(
            !text.contains("nan") && !text.contains("inf,"),
            "{f} holds a non-finite number"
        );
    }
    let o = bin().arg("plot").arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn threads_has_a_floor_and_a_ceiling() {
    for (cmd, value, expected) in [
        ("run", "10000", "above the ceiling of 1024"),
        ("run", "0", "at least 1 (omit it to use all cores)"),
        ("run", "-3", "whole number 1–1024"),
        ("calibrate", "100000", "above the ceiling of 1024"),
    ] {
        let o = bin()
            .args([cmd, &scenario("examples/mmc.toml"), "--threads", value])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{cmd} --threads {value}: {err}");
        assert!(err.contains(expected), "{cmd} --threads {value}: {err}");
    }
}

#[test]
fn an_endless_device_as_scenario_is_refused_without_reading_it_all() {
    if !std::path::Path::new("/dev/zero").exists() {
        eprintln!("skipped: /dev/zero does not exist on this system");
        return;
    }
    let o = bin().args(["validate", "/dev/zero"]).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("larger than 10 MiB"), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
}

#[test]
fn a_file_that_is_not_utf8_says_where_and_what_to_do() {
    let dir = tmp("latin1");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("latin1.toml");
    // "Lạng" in a legacy encoding: 0xE0 is not valid UTF-8 here
    std::fs::write(&f, b"[scenario]\nname = \"L\xE0ng\"\n").unwrap();
    let o = bin().arg("validate").arg(&f).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("latin1.toml:2:10:"), "{err}");
    assert!(err.contains("byte 20 (0xE0, line 2, column 10)"), "{err}");
    assert!(err.contains("save the file as UTF-8"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn variant_names_are_nfc_normalised_and_a_repeat_is_refused() {
    let dir = tmp("nfc-variant");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("accents.toml");
    let mmc = std::fs::read_to_string(scenario("examples/mmc.toml")).unwrap();
    // the file holds the precomposed (NFC) name
    std::fs::write(
        &f,
        format!("{mmc}\n[[variants]]\nname = \"\u{110}\u{1ed3}ng-\u{110}\u{103}ng\"\n"),
    )
    .unwrap();
    // typed with combining accents: D-stroke o + circumflex + grave, a + breve
    let decomposed = "\u{110}o\u{302}\u{300}ng-\u{110}a\u{306}ng";
    let precomposed = "\u{110}\u{1ed3}ng-\u{110}\u{103}ng";
    assert_ne!(decomposed, precomposed);
    let o = bin()
        .arg("run")
        .arg(&f)
        .args(["-n", "1", "-q", "--json", "--variant", decomposed, "--out"])
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["variants"][0]["name"], precomposed);
    assert_eq!(v["variants"].as_array().unwrap().len(), 1);
    // the same variant twice, once typed each way
    let o = bin()
        .arg("run")
        .arg(&f)
        .args([
            "-n",
            "1",
            "-q",
            "--variant",
            precomposed,
            "--variant",
            decomposed,
        ])
        .args(["--out"])
        .arg(dir.join("twice"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("--variant {precomposed} is given twice")),
        "{err}"
    );
    assert!(!dir.join("twice").exists(), "nothing is written");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_replications_and_out_are_refused_before_simulating() {
    let dir = tmp("bad-out");
    std::fs::create_dir_all(&dir).unwrap();
    let o = bin()
        .args([
            "run",
            &scenario("examples/mmc.toml"),
            "--replications",
            "-1",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("must be a positive integer"), "{err}");
    assert!(!err.contains("-- -1"), "{err}");
    // a file as --out
    let file = dir.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = bin()
        .args([
            "run",
            &scenario("examples/mmc.toml"),
            "-n",
            "1",
            "-q",
            "--out",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("is a file, not a folder"), "{err}");
    // a read-only folder (root ignores permissions: then the check cannot be made)
    use std::os::unix::fs::PermissionsExt;
    let ro = dir.join("read-only");
    std::fs::create_dir_all(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(ro.join("probe"), "x").is_ok() {
        eprintln!("skipped the read-only part: this user can write in a 0o555 folder (root)");
    } else {
        let o = bin()
            .args(["run", &scenario("examples/mmc.toml"), "-n", "1", "--out"])
            .arg(&ro)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("cannot write in the output folder"), "{err}");
        assert!(!err.contains("progress:"), "found before simulating: {err}");
    }
    let _ = std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A path that is not UTF-8 (a file name in another encoding) is a path like any other: the
/// run writes its folder there and the manifest shows the name with U+FFFD for what it
/// cannot show. It once aborted the run after the simulation, leaving a bare lock file.
#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_is_accepted() {
    use std::os::unix::ffi::OsStrExt;
    let base = tmp("not-utf8");
    std::fs::create_dir_all(&base).unwrap();
    let out = base.join(std::ffi::OsStr::from_bytes(b"run-\xfe"));
    let o = bin()
        .args(["run", &crisis_fixture(), "-n", "1", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("run-\u{FFFD}"), "{manifest}");
    assert!(!out.join(".borderflow.lock").exists());
}

/// Options that would be ignored or would quietly change what a run means are refused before
/// anything is written, each error naming the option and what to give instead.
#[test]
fn options_that_would_be_ignored_are_refused_by_name() {
    let out = tmp("ignored-options");
    for (args, says) in [
        // a ceiling without a precision rule caps nothing
        (
            vec!["--max-replications", "5", "-n", "2"],
            "--max-replications caps a run with a precision rule",
        ),
        // ... and its own range error names it
        (
            vec!["--precision", "0.1", "--max-replications", "0"],
            "--max-replications",
        ),
        // one draw of the uncertain parameters: no split of the variance, and P(target) with
        // the parameters fixed
        (vec!["--inner", "3", "-n", "2"], "at least 6 (two draws)"),
        (vec!["--inner", "3", "-n", "7"], "must be a multiple of 3"),
    ] {
        let o = bin()
            .args(["run", &crisis_fixture(), "--quiet", "--out"])
            .arg(&out)
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}

/// The decision commands check their arguments before they create the output folder, and
/// `--help` offers only what a command accepts.
#[test]
fn decision_commands_refuse_before_creating_anything() {
    let toy = scenario("examples/decisions-toy.toml");
    let out = tmp("decision-refusals");
    for (args, says) in [
        (
            vec!["sensitivity", &toy, "-n", "1"],
            "--replications must be at least 2",
        ),
        (
            vec!["sensitivity", &toy, "--sobol-rows", "1"],
            "--sobol-rows must be 0",
        ),
        (
            vec!["optimise", &toy, "--shard", "0/2"],
            "cannot be sharded",
        ),
    ] {
        let o = bin()
            .args(&args)
            .args(["--quiet", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!out.exists(), "{args:?} created {}", out.display());
    }
    let help = bin().args(["optimise", "--help"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains("--shard"));
    let help = bin().args(["merge", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--quiet"));
}

/// `borderflow validate` on `src` written as `name` in a scratch folder: its exit code and
/// stderr.
fn validate_text(name: &str, src: &str) -> (Option<i32>, String) {
    let dir = tmp(name);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(&file, src).unwrap();
    let o = bin().arg("validate").arg(&file).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A value of the wrong type is explained in a planner's words (a number without units),
/// not in Rust's (`expected f64`).
#[test]
fn a_value_of_the_wrong_type_says_what_to_write() {
    let src = std::fs::read_to_string(scenario("examples/mmc.toml"))
        .unwrap()
        .replace("mean = 1.0 }", "mean = \"1 min\" }");
    let (code, err) = validate_text("wrong-type", &src);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("\"1 min\", expected a number (e.g. 4 or 4.5, without quotes or units)"),
        "{err}"
    );
    assert!(!err.contains("f64"), "{err}");
}

/// A key a planner reaches for (`date` for a change's `from`) is answered with the field meant,
/// not with the nearest spelling (`note`).
#[test]
fn a_familiar_word_for_a_field_suggests_the_field() {
    let src = std::fs::read_to_string(crisis_fixture()).unwrap().replacen(
        "from = \"2021-12-11\"",
        "date = \"2021-12-11\"",
        1,
    );
    let (code, err) = validate_text("synonym", &src);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("unknown field `date`") && err.contains("did you mean `from`?"),
        "{err}"
    );
}
