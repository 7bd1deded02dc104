//! Golden pins: the exact results of three runs and the first draws of the random streams.
//!
//! Speed work must leave every result byte-identical; these tests say so instead of a `cmp` by
//! hand. A change that alters results on purpose (a model fix, a new random draw) updates the
//! pins in the same commit and says why in its message. The pins hold on x86_64 Linux (the
//! platform of CI); `f64::ln`/`exp` come from the platform's libm, so another platform may
//! differ in the last bits of some draws.

use std::process::Command;

use borderflow::engine::rng::stream;
use borderflow::run_folder::fnv1a_hex;
use rand::Rng;

/// FNV-1a of `summary.json` of `run FILE -n N --seed S [--variant V]`, and the file itself.
fn summary_hash(file: &str, args: &[&str], name: &str) -> (String, String) {
    let out = std::env::temp_dir().join(format!("borderflow-golden-{}-{name}", std::process::id()));
    let o = Command::new(env!("CARGO_BIN_EXE_borderflow"))
        .arg("run")
        .arg(format!("{}/{file}", env!("CARGO_MANIFEST_DIR")))
        .args(args)
        .args(["--threads", "2", "--quiet", "--force", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(out.join("summary.json")).unwrap();
    (
        fnv1a_hex(&bytes),
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

#[test]
fn the_summaries_of_three_pinned_runs_are_unchanged() {
    for (file, args, name, pinned) in [
        (
            "scenarios/examples/peer-gate.toml",
            &["-n", "8", "--seed", "7"][..],
            "peer",
            "e4654d640ef0306f",
        ),
        (
            "tests/fixtures/crisis-2021.toml",
            &["-n", "4", "--seed", "11"][..],
            "crisis",
            "71ec8abf87ef5b7a",
        ),
        (
            "scenarios/lang-son.toml",
            &["-n", "1", "--seed", "11", "--variant", "as-happened"][..],
            "lang-son",
            "cc3ef9d7e4be9c5c",
        ),
    ] {
        let (hash, text) = summary_hash(file, args, name);
        assert_eq!(
            hash,
            pinned,
            "summary.json of `run {file} {}` changed. If the change is meant, put the new hash \
             here and say why in the commit message. The summary now:\n{}",
            args.join(" "),
            &text[..text.len().min(3000)]
        );
    }
}

#[test]
fn the_first_draws_of_the_streams_are_pinned() {
    // (seed, replication, purpose, index) → the first two u64 of the stream
    let draws: Vec<[u64; 2]> = [(1, 0, 0, 0), (2021, 3, 6, 1), (u64::MAX, 999, 2, 7)]
        .iter()
        .map(|&(s, r, p, i)| {
            let mut g = stream(s, r, p, i);
            [g.next_u64(), g.next_u64()]
        })
        .collect();
    assert_eq!(
        draws, PINNED_DRAWS,
        "the stream derivation or generator changed"
    );
}

const PINNED_DRAWS: [[u64; 2]; 3] = [
    [10_616_057_846_497_598_800, 9_100_169_430_152_426_057],
    [8_727_682_653_266_947_229, 5_796_208_013_279_677_484],
    [12_981_273_076_074_047_623, 6_328_044_958_258_269_960],
];
