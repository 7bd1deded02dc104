//! Fuzzing the scenario loader: arbitrary bytes and mutated valid scenarios must give a model
//! or an error, never a panic or a hang.
//!
//! CI runs a few hundred cases; for a long session:
//! `BORDERFLOW_FUZZ_CASES=200000 cargo test --release --test fuzz_loader`.
//! Inputs that once crashed the loader live in `tests/fixtures/fuzz/` and are replayed here.

use borderflow::model::Plan;
use borderflow::scenario;
use proptest::prelude::*;

const BASE: &str = include_str!("fixtures/invalid/negative-rate.toml");
const LANG_SON: &str = include_str!("../scenarios/lang-son.toml");

/// Tokens that make mutations reach deep into the loader.
const TOKENS: &[&str] = &[
    "=",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\"",
    "\n",
    "[[gates]]",
    "[[gates.stages]]",
    "[[variants]]",
    "-1",
    "0",
    "1e400",
    "nan",
    "inf",
    "-inf",
    "18446744073709551616",
    "9999999999",
    "0.5",
    "\"2025-02-30\"",
    "\"1900-01-01\"",
    "\"9999-12-31\"",
    "Hữu Nghị",
    "u\u{31b}\u{303}",
    "dist = \"lognormal\"",
    "dist = \"empirical\"",
    "values = []",
    "weights = [0]",
    "kind = \"yard\"",
    "kind = \"demand\"",
    "servers = 0",
    "hours = [0, 24]",
    "batch = 0",
    "share = 2",
    "per_day = 1e6",
    "steps = []",
    "clearance = false",
    "\u{0}",
    "\u{feff}",
];

fn cases() -> u32 {
    std::env::var("BORDERFLOW_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

/// Loads `src`; when it is valid, also builds every variant's plan and the warnings.
fn exercise(src: &str) {
    match scenario::parse(src, "fuzz.toml".as_ref()) {
        Ok(model) => {
            for v in 0..model.variants.len() {
                let _ = Plan::new(&model, v);
            }
            let _ = scenario::warnings(&model);
        }
        Err(e) => {
            let _ = e.report();
        }
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Number(usize, i64),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Edit::Delete(a, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, t)| Edit::Insert(a, t)),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (any::<usize>(), any::<i64>()).prop_map(|(a, n)| Edit::Number(a, n)),
    ]
}

fn char_boundary(s: &str, at: usize) -> usize {
    let mut i = at % (s.len() + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(src: &str, edits: &[Edit]) -> String {
    let mut s = src.to_string();
    for e in edits {
        match *e {
            Edit::Delete(a, n) => {
                let a = char_boundary(&s, a);
                let b = char_boundary(&s, (a + n).min(s.len()));
                s.replace_range(a..b.max(a), "");
            }
            Edit::Insert(a, t) => {
                let a = char_boundary(&s, a);
                s.insert_str(a, TOKENS[t]);
            }
            Edit::DuplicateLine(a) => {
                let lines: Vec<&str> = s.lines().collect();
                if !lines.is_empty() {
                    let i = a % lines.len();
                    let mut out: Vec<&str> = lines.clone();
                    out.insert(i, lines[i]);
                    s = out.join("\n");
                }
            }
            Edit::SwapLines(a, b) => {
                let mut lines: Vec<&str> = s.lines().collect();
                if !lines.is_empty() {
                    let (i, j) = (a % lines.len(), b % lines.len());
                    lines.swap(i, j);
                    s = lines.join("\n");
                }
            }
            Edit::Number(a, n) => {
                // replace the first number at or after `a` with `n`
                let a = char_boundary(&s, a);
                if let Some(off) = s[a..].find(|c: char| c.is_ascii_digit()) {
                    let start = a + off;
                    let end = s[start..]
                        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                        .map_or(s.len(), |e| start + e);
                    s.replace_range(start..end, &n.to_string());
                }
            }
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        exercise(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_small_scenarios_never_panic(edits in proptest::collection::vec(edit(), 1..6)) {
        exercise(&apply(BASE, &edits));
    }

    #[test]
    fn mutated_lang_son_never_panics(edits in proptest::collection::vec(edit(), 1..4)) {
        exercise(&apply(LANG_SON, &edits));
    }
}

#[test]
fn past_crashes_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in entries {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "toml") {
            exercise(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
        }
    }
}
