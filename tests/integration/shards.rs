//! `run --shard K/N` and `merge`: parts merge into the bytes of a single run.

use std::path::{Path, PathBuf};

use super::common::bin;

fn scenario() -> String {
    format!(
        "{}/tests/fixtures/crisis-2021.toml",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn run(out: &Path, extra: &[&str]) {
    let o = bin()
        .args(["run", &scenario(), "-n", "7", "-q", "--seed", "5", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn merge(parts: &[PathBuf], out: &Path) -> std::process::Output {
    bin()
        .arg("merge")
        .args(parts)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn tmp(name: &str) -> PathBuf {
    super::common::scratch("shards", name)
}

#[test]
fn shards_merge_to_the_bytes_of_a_single_run() {
    let root = tmp("bytes");
    let plain = root.join("plain");
    run(&plain, &[]);
    let expected = std::fs::read(plain.join("summary.json")).unwrap();
    for n in [1usize, 2, 3, 7] {
        let parts: Vec<PathBuf> = (0..n)
            .map(|k| {
                let dir = root.join(format!("n{n}-k{k}"));
                run(&dir, &["--shard", &format!("{k}/{n}")]);
                dir
            })
            .collect();
        let out = root.join(format!("merged-{n}"));
        let o = merge(&parts, &out);
        assert!(
            o.status.success(),
            "N = {n}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(
            std::fs::read(out.join("summary.json")).unwrap(),
            expected,
            "N = {n}: summary.json differs"
        );
        assert_eq!(
            std::fs::read(out.join("daily.csv")).unwrap(),
            std::fs::read(plain.join("daily.csv")).unwrap(),
            "N = {n}: daily.csv differs"
        );
        for chart in [
            "turnover-distribution.svg",
            "cleared-per-day.svg",
            "stage-utilisation.svg",
        ] {
            assert!(
                std::fs::read(out.join(chart)).unwrap()
                    == std::fs::read(plain.join(chart)).unwrap(),
                "N = {n}: {chart} differs"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn wrong_or_incomplete_sets_of_parts_are_refused() {
    let root = tmp("refuse");
    let parts: Vec<PathBuf> = (0..3)
        .map(|k| {
            let dir = root.join(format!("k{k}"));
            run(&dir, &["--shard", &format!("{k}/3")]);
            dir
        })
        .collect();
    let check = |parts: &[PathBuf], expect: &str| {
        let o = merge(parts, &root.join("out"));
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(expect), "expected `{expect}` in: {err}");
    };
    check(&parts[..2], "shard(s) missing: 2/3");
    check(
        &[parts[0].clone(), parts[1].clone(), parts[1].clone()],
        "shard 1/3 is given twice",
    );
    // a part of another seed
    let other = root.join("other-seed");
    let o = bin()
        .args([
            "run",
            &scenario(),
            "-n",
            "7",
            "-q",
            "--seed",
            "6",
            "--shard",
            "2/3",
            "--out",
        ])
        .arg(&other)
        .output()
        .unwrap();
    assert!(o.status.success());
    check(&[parts[0].clone(), parts[1].clone(), other], "seed differs");
    // a complete run is not a part
    let plain = root.join("plain");
    run(&plain, &[]);
    check(&[plain], "not a shard's part folder");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn the_library_merges_shards_into_the_summary_of_one_run_and_names_what_is_wrong() {
    use borderflow::montecarlo::{self, MergeError, RunOptions, ShardVariant, ShardedRun};
    use borderflow::report::{self, files};
    let model = borderflow::scenario::load(scenario().as_ref()).unwrap();
    let variants: Vec<usize> = (0..model.variants.len()).collect();
    let names: Vec<String> = model.variants.iter().map(|v| v.name.clone()).collect();
    let whole = montecarlo::run(
        &model,
        &RunOptions::fixed(5, 9, variants.clone()),
        |_, _| {},
    )
    .unwrap();
    let shards: Vec<montecarlo::RunResult> = (0..2)
        .map(|k| {
            let mut opts = RunOptions::fixed(5, 9, variants.clone());
            opts.shard = Some((k, 2));
            montecarlo::run(&model, &opts, |_, _| {}).unwrap()
        })
        .collect();
    fn views<'a>(
        shards: &'a [montecarlo::RunResult],
        names: &'a [String],
    ) -> Vec<Vec<ShardVariant<'a>>> {
        shards
            .iter()
            .map(|s| {
                s.variants
                    .iter()
                    .zip(names)
                    .map(|(v, name)| ShardVariant {
                        name,
                        reps: &v.reps,
                        daily_cleared: &v.daily_cleared,
                        daily_queue: &v.daily_queue,
                    })
                    .collect()
            })
            .collect()
    }
    let run = ShardedRun {
        variants: &names,
        replications: 5,
        seed: 9,
        inner: 1,
        common_random_numbers: true,
        threads: whole.threads,
    };
    let merged = montecarlo::merge(&model, &run, &views(&shards, &names)).unwrap();
    assert_eq!(
        files::summary_json(&report::summarize(&model, &merged)),
        files::summary_json(&report::summarize(&model, &whole)),
        "the merged summary is the single run's, byte for byte"
    );
    // one shard alone lacks replications
    let err = montecarlo::merge(&model, &run, &views(&shards[..1], &names)).unwrap_err();
    assert!(
        matches!(&err, MergeError::Replications { expected: 5, found, .. } if *found < 5),
        "{err}"
    );
    // a shard without the second variant
    let mut partial = views(&shards, &names);
    partial[1].truncate(1);
    assert_eq!(
        montecarlo::merge(&model, &run, &partial).unwrap_err(),
        MergeError::MissingVariant {
            part: 1,
            name: names[1].clone()
        }
    );
    // a run naming a variant the scenario lacks
    let unknown = vec!["no-such-variant".to_string()];
    let err = montecarlo::merge(
        &model,
        &ShardedRun {
            variants: &unknown,
            ..run.clone()
        },
        &views(&shards, &names),
    )
    .unwrap_err();
    assert_eq!(
        err,
        MergeError::UnknownVariant {
            name: "no-such-variant".into()
        }
    );
}
