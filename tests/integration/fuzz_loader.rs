//! Fuzzing what reads input: the scenario loader, `run` on what it accepts, and `plot` on a
//! `charts.json`. Arbitrary bytes and mutated scenarios must give a model or an error, never a
//! panic or a hang; every scenario that validates must then simulate one day, one replication
//! per variant, with finite figures, and summarise and chart without a panic; a mutated
//! `charts.json` must be refused by `ChartData::check` or drawn without a panic.
//!
//! CI runs a few hundred cases of each property; for a long session:
//! `BORDERFLOW_FUZZ_CASES=40000 cargo test --release --test integration fuzz_loader::`.
//! Inputs that once crashed live in `tests/fixtures/fuzz/` (`.toml`: a scenario, `.json`: a
//! `charts.json`) and are replayed here.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use borderflow::charts::{self, ChartData};
use borderflow::model::spec::Figure;
use borderflow::model::{Model, Plan};
use borderflow::montecarlo::{self, RunOptions, RunResult};
use borderflow::report::{self, files};
use borderflow::scenario;
use proptest::prelude::*;
use serde_json::{Value, json};

const BASE: &str = include_str!("../fixtures/invalid/negative-rate.toml");
const LANG_SON: &str = include_str!("../../scenarios/lang-son.toml");
/// Valid, one day long, every feature active on that day: many of its mutations validate and run.
const ONE_DAY: &str = include_str!("../fixtures/fuzz-one-day.toml");

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

/// Longest one case may take, **seconds**. proptest cannot interrupt a case, so a watchdog
/// thread turns a hang into a failure: it saves the input and aborts the process.
const HANG_S: u64 = 120;

/// The case each test thread is running: since when, and its input (file extension, bytes).
type Running = HashMap<ThreadId, (Instant, &'static str, Vec<u8>)>;

fn running() -> MutexGuard<'static, Running> {
    static RUNNING: OnceLock<Mutex<Running>> = OnceLock::new();
    let m = RUNNING.get_or_init(|| {
        std::thread::spawn(|| {
            loop {
                std::thread::sleep(Duration::from_secs(1));
                if let Some((_, ext, input)) =
                    (running().values()).find(|(t, ..)| t.elapsed() > Duration::from_secs(HANG_S))
                {
                    let path = std::env::temp_dir().join(format!("borderflow-fuzz-hang.{ext}"));
                    let saved = std::fs::write(&path, input).map_or_else(
                        |e| format!("could not be saved ({e})"),
                        |()| format!("is saved in {}", path.display()),
                    );
                    eprintln!(
                        "a fuzz case has run for over {HANG_S} s: a hang; its input {saved}; add it to tests/fixtures/fuzz/"
                    );
                    std::process::abort();
                }
            }
        });
        Mutex::new(HashMap::new())
    });
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f` on `input` under the watchdog.
fn watched<T>(ext: &'static str, input: &[u8], f: impl FnOnce() -> T) -> T {
    struct Done(ThreadId);
    impl Drop for Done {
        fn drop(&mut self) {
            running().remove(&self.0);
        }
    }
    let id = std::thread::current().id();
    running().insert(id, (Instant::now(), ext, input.to_vec()));
    let _done = Done(id);
    f()
}

/// Loads `src`; when it is valid, also builds every variant's plan and the warnings, and runs
/// its first day.
fn exercise(src: &str) {
    watched("toml", src.as_bytes(), || load_and_run(src));
}

fn load_and_run(src: &str) {
    match scenario::parse(src, "fuzz.toml".as_ref()) {
        Ok(model) => {
            for v in 0..model.variants.len() {
                let _ = Plan::new(&model, v);
            }
            let _ = scenario::warnings(&model);
            run_one_day(&model);
        }
        Err(e) => {
            let _ = e.report();
        }
    }
}

/// `model` cut to its first day and one replication. Sound: only the plans (built here from
/// `days`) and the observed figures' day and year indices depend on the horizon, and those
/// are clamped to it as `validate` clamps them; dated changes and multipliers that start later
/// are simply never active.
fn one_day(model: &Model) -> Model {
    let mut m = model.clone();
    m.days = 1;
    m.warmup_days = 0;
    m.replications = 1;
    for o in &mut m.observed {
        match &mut o.figure {
            Figure::DailyCleared {
                from_day, to_day, ..
            } => (*from_day, *to_day) = (0, 0),
            Figure::Queue { day, .. } => *day = 0,
            Figure::TurnoverA { year, .. }
            | Figure::TurnoverB { year, .. }
            | Figure::MedianTimeInSystemH { year }
            | Figure::ExportShare { year } => *year = 0,
        }
    }
    m
}

/// One replication of every variant of `model`, on one thread.
fn simulate(model: &Model, replications: usize) -> RunResult {
    let opts = RunOptions {
        threads: Some(1),
        ..RunOptions::fixed(
            replications,
            model.seed,
            (0..model.variants.len()).collect(),
        )
    };
    montecarlo::run(model, &opts, |_, _| {}).expect("one worker thread starts")
}

/// What `borderflow run` writes, built in memory: the manifest's fields do not matter here.
fn manifest(model: &Model, run: &RunResult) -> borderflow::run_folder::Manifest {
    borderflow::run_folder::Manifest {
        borderflow_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_file: "fuzz.toml".to_string(),
        scenario_hash: "0".to_string(),
        seed: run.seed,
        replications: run.replications,
        threads: run.threads,
        variants: model.variants.iter().map(|v| v.name.clone()).collect(),
        command_line: vec!["borderflow".into(), "run".into(), "fuzz.toml".into()],
        events: run.events,
        wall_s: 0.0,
        shard: None,
        inner: run.inner,
        common_random_numbers: run.common_random_numbers,
        warmup_days: model.warmup_days,
        requested_replications: run.replications,
        precision: None,
        partial: false,
    }
}

/// `borderflow run` on `model`'s first day, one replication, short of writing files: every
/// figure must be finite (the run refuses to write one that is not), and the summary, the CSV
/// files and the chart data must build, the last consistent with itself.
fn run_one_day(model: &Model) {
    let short = one_day(model);
    let run = simulate(&short, 1);
    if let Some(figure) = files::first_non_finite(&short, &run) {
        panic!("a valid scenario gave a figure that is not finite: {figure}");
    }
    let summary = report::summarize(&short, &run);
    let _ = report::table::render(&summary);
    let _ = files::summary_json(&summary);
    let _ = files::replications_csv(&short, &run);
    let _ = files::daily_csv(&short, &run);
    let data = ChartData::build(&short, &run, &summary, &manifest(&short, &run));
    if let Err(e) = data.check() {
        panic!("ChartData::build made chart data that check() refuses: {e}");
    }
}

/// `borderflow plot` on `bytes` as `charts.json`, short of writing files: refused by serde or
/// `ChartData::check` with an error, or drawn (every chart and the report page); data that
/// `check` accepts must draw.
fn plot(bytes: &[u8]) {
    watched("json", bytes, || draw(bytes));
}

fn draw(bytes: &[u8]) {
    let Ok(data) = serde_json::from_slice::<ChartData>(bytes) else {
        return;
    };
    if data.check().is_err() {
        return;
    }
    match charts::draw_all(&data) {
        Ok(drawn) => {
            let _ = charts::html::report_html(&data, &drawn);
        }
        Err(e) => panic!("chart data that check() accepts could not be drawn: {e}"),
    }
}

/// A real `charts.json` (as a JSON value): two replications of every variant of the one-day
/// scenario.
fn chart_base() -> &'static Value {
    static BASE: OnceLock<Value> = OnceLock::new();
    BASE.get_or_init(|| {
        let model = scenario::parse(ONE_DAY, "fuzz-one-day.toml".as_ref()).unwrap();
        let run = simulate(&model, 2);
        let summary = report::summarize(&model, &run);
        let data = ChartData::build(&model, &run, &summary, &manifest(&model, &run));
        serde_json::to_value(&data).unwrap()
    })
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Number(usize, i64),
    /// Replace the first number at or after `.0` with `BOUNDARY[.1]`.
    Boundary(usize, usize),
    /// Replace the first quoted string at or after `.0` with `WORDS[.1]`, quoted.
    Word(usize, usize),
}

/// Words of the scenario language (ids, names, kinds, dates): a quoted value replaced by one
/// of them keeps the file well-formed and moves the meaning.
const WORDS: &[&str] = &[
    "",
    "huu_nghi",
    "tan_thanh",
    "export",
    "import",
    "fruit",
    "goods",
    "vn_customs",
    "cn_customs",
    "call_forward",
    "quarantine",
    "baseline",
    "everything",
    "2025-03-02",
    "2025-03-03",
    "2025-03-04",
    "2024-12-31",
    "priority",
    "fifo",
    "cn",
    "mon",
    "sun",
    "constant",
    "exponential",
    "uniform",
    "triangular",
    "lognormal",
    "gamma",
    "empirical",
    "demand",
    "value",
    "service",
    "fit",
    "check",
    "closure",
    "capacity",
    "yard",
    "hours",
    "daily_cap",
    "diversion_threshold",
    "queue",
    "turnover_b",
];

/// Numbers at and around the edges of what validation accepts, so that mutations reach valid
/// but extreme scenarios (where a run breaks if anything does).
const BOUNDARY: &[&str] = &[
    "0",
    "1",
    "2",
    "0.5",
    "0.001",
    "1e-9",
    "7",
    "23.99",
    "24",
    "255",
    "1000",
    "4294967295",
    "100000",
    "1000000",
    "1e6",
    "1e8",
    "999999999",
    "1e9",
    "0.999999",
];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Edit::Delete(a, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, t)| Edit::Insert(a, t)),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (any::<usize>(), any::<i64>()).prop_map(|(a, n)| Edit::Number(a, n)),
        (any::<usize>(), 0..BOUNDARY.len()).prop_map(|(a, k)| Edit::Boundary(a, k)),
        (any::<usize>(), 0..WORDS.len()).prop_map(|(a, k)| Edit::Word(a, k)),
    ]
}

/// Edits that mostly keep a file well-formed (new numbers and words, the odd structural
/// change), so that mutations of a valid scenario often stay valid and get simulated.
fn value_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<usize>(), 0..BOUNDARY.len()).prop_map(|(a, k)| Edit::Boundary(a, k)),
        3 => (any::<usize>(), 0..WORDS.len()).prop_map(|(a, k)| Edit::Word(a, k)),
        1 => (any::<usize>(), -5i64..100).prop_map(|(a, n)| Edit::Number(a, n)),
        1 => edit(),
    ]
}

fn char_boundary(s: &str, at: usize) -> usize {
    let mut i = at % (s.len() + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte ranges of the contents of the `"…"` strings of `s` (a quote opens a string until the
/// next quote on the same line).
fn quoted(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open = None;
    for (i, c) in s.char_indices() {
        match c {
            '"' => match open.take() {
                Some(start) => out.push((start, i)),
                None => open = Some(i + 1),
            },
            '\n' => open = None,
            _ => {}
        }
    }
    out
}

/// Replaces the first number at or after byte `a` of `s` with `n`.
fn replace_number(s: &mut String, a: usize, n: &str) {
    let a = char_boundary(s, a);
    if let Some(off) = s[a..].find(|c: char| c.is_ascii_digit()) {
        let start = a + off;
        let end = s[start..]
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .map_or(s.len(), |e| start + e);
        s.replace_range(start..end, n);
    }
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
            Edit::Number(a, n) => replace_number(&mut s, a, &n.to_string()),
            Edit::Boundary(a, k) => replace_number(&mut s, a, BOUNDARY[k]),
            Edit::Word(a, k) => {
                let a = a % (s.len() + 1);
                let spans = quoted(&s);
                if let Some(&(start, end)) = spans.iter().find(|sp| sp.0 >= a).or(spans.first()) {
                    s.replace_range(start..end, WORDS[k]);
                }
            }
        }
    }
    s
}

/// One step of a path into a JSON value.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// The paths of every node of `v` below the root, parents before children.
fn paths(v: &Value) -> Vec<Vec<Step>> {
    fn walk(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        let children: Vec<(Step, &Value)> = match v {
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, x)| (Step::Index(i), x))
                .collect(),
            Value::Object(o) => o.iter().map(|(k, x)| (Step::Key(k.clone()), x)).collect(),
            _ => Vec::new(),
        };
        for (step, child) in children {
            at.push(step);
            out.push(at.clone());
            walk(child, at, out);
            at.pop();
        }
    }
    let mut out = Vec::new();
    walk(v, &mut Vec::new(), &mut out);
    out
}

fn node<'a>(v: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, step| match (v, step) {
        (Value::Array(a), Step::Index(i)) => a.get_mut(*i),
        (Value::Object(o), Step::Key(k)) => o.get_mut(k),
        _ => None,
    })
}

/// Values that chart data must survive in place of any of its own.
fn replacement(k: usize) -> Value {
    match k {
        0 => json!(0),
        1 => json!(-1),
        2 => json!(1),
        3 => json!(1e308),
        4 => json!(-1e308),
        5 => json!(5e-324),
        6 => json!(u64::MAX),
        7 => json!(i64::MIN),
        8 => json!(0.5),
        9 => json!(u32::MAX as u64 + 1),
        10 => json!(1e15),
        11 => json!(""),
        12 => json!("x".repeat(5000)),
        13 => json!("Hữu Nghị · ".repeat(300)),
        14 => json!("2025"),
        15 => json!("é"),
        16 => json!("-01"),
        17 => Value::Null,
        18 => json!(true),
        19 => json!([]),
        20 => json!({}),
        21 => json!([0]),
        22 => json!([1e308, -1e308, 0]),
        23 => json!(i32::MAX),
        24 => json!(i32::MIN),
        25 => json!(100_000),
        _ => json!(null),
    }
}
const REPLACEMENTS: usize = 26;

#[derive(Debug, Clone)]
enum JsonEdit {
    /// Node `.0` becomes `replacement(.1)`.
    Set(usize, usize),
    /// Node `.0`'s number becomes `.1` (a float of any size, or an integer).
    Number(usize, f64),
    /// Node `.0` is removed from its array or object.
    Remove(usize),
    /// Node `.0`, an array, keeps its first `.1 % len` elements.
    Truncate(usize, usize),
    /// Node `.0` is repeated in its array.
    Duplicate(usize),
    /// Node `.0` and the `.1`-th of its siblings swap places (or values, in an object).
    Swap(usize, usize),
}

fn json_edit() -> impl Strategy<Value = JsonEdit> {
    prop_oneof![
        3 => (any::<usize>(), 0..REPLACEMENTS).prop_map(|(a, k)| JsonEdit::Set(a, k)),
        3 => (any::<usize>(), prop_oneof![
            any::<i64>().prop_map(|n| n as f64),
            (-1000i64..1000).prop_map(|n| n as f64),
            (-308i32..=308).prop_map(|e| 10f64.powi(e)),
            (-308i32..=308).prop_map(|e| -(10f64.powi(e))),
        ]).prop_map(|(a, x)| JsonEdit::Number(a, x)),
        2 => any::<usize>().prop_map(JsonEdit::Remove),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, k)| JsonEdit::Truncate(a, k)),
        1 => any::<usize>().prop_map(JsonEdit::Duplicate),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| JsonEdit::Swap(a, b)),
    ]
}

/// Applies `edits` to a copy of `base`; each names a node by its index among all nodes (at
/// that moment), modulo their number.
fn apply_json(base: &Value, edits: &[JsonEdit]) -> Value {
    let mut v = base.clone();
    for e in edits {
        let all = paths(&v);
        if all.is_empty() {
            break;
        }
        let pick = |a: usize| all[a % all.len()].clone();
        match *e {
            JsonEdit::Set(a, k) => {
                if let Some(n) = node(&mut v, &pick(a)) {
                    *n = replacement(k);
                }
            }
            JsonEdit::Number(a, x) => {
                let path = pick(a);
                if let Some(n) = node(&mut v, &path).filter(|n| n.is_number()) {
                    *n = if x.fract() == 0.0 && x.abs() < 9e15 {
                        json!(x as i64)
                    } else {
                        json!(x)
                    };
                }
            }
            JsonEdit::Remove(a) => {
                let path = pick(a);
                let (last, parent) = path.split_last().unwrap();
                match (node(&mut v, parent), last) {
                    (Some(Value::Array(arr)), Step::Index(i)) => {
                        arr.remove(*i);
                    }
                    (Some(Value::Object(o)), Step::Key(k)) => {
                        o.remove(k);
                    }
                    _ => {}
                }
            }
            JsonEdit::Truncate(a, k) => {
                if let Some(Value::Array(arr)) = node(&mut v, &pick(a)) {
                    let keep = k % (arr.len() + 1);
                    arr.truncate(keep);
                }
            }
            JsonEdit::Duplicate(a) => {
                let path = pick(a);
                let (last, parent) = path.split_last().unwrap();
                if let (Some(Value::Array(arr)), Step::Index(i)) = (node(&mut v, parent), last) {
                    let copy = arr[*i].clone();
                    arr.insert(*i, copy);
                }
            }
            JsonEdit::Swap(a, b) => {
                let path = pick(a);
                let (last, parent) = path.split_last().unwrap();
                match (node(&mut v, parent), last) {
                    (Some(Value::Array(arr)), Step::Index(i)) => {
                        let j = b % arr.len();
                        arr.swap(*i, j);
                    }
                    (Some(Value::Object(o)), Step::Key(k)) => {
                        let keys: Vec<String> = o.keys().cloned().collect();
                        let other = keys[b % keys.len()].clone();
                        let x = o[k].clone();
                        let y = std::mem::replace(o.get_mut(&other).unwrap(), x);
                        o[k] = y;
                    }
                    _ => {}
                }
            }
        }
    }
    v
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

    #[test]
    fn mutated_one_day_scenarios_validate_or_run(edits in proptest::collection::vec(value_edit(), 1..4)) {
        exercise(&apply(ONE_DAY, &edits));
    }

    #[test]
    fn mutated_chart_data_is_refused_or_drawn(edits in proptest::collection::vec(json_edit(), 1..6)) {
        let v = apply_json(chart_base(), &edits);
        plot(&serde_json::to_vec(&v).unwrap());
    }
}

#[test]
fn the_one_day_base_validates_and_its_chart_data_draws() {
    let model = scenario::parse(ONE_DAY, "fuzz-one-day.toml".as_ref()).unwrap();
    assert_eq!(model.days, 1);
    run_one_day(&model);
    let data: ChartData = serde_json::from_value(chart_base().clone()).unwrap();
    data.check().unwrap();
    assert_eq!(charts::draw_all(&data).unwrap().len(), 7);
}

#[test]
fn past_crashes_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in entries {
        let path = e.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        match path.extension().and_then(|x| x.to_str()) {
            Some("toml") => exercise(&String::from_utf8_lossy(&bytes)),
            Some("json") => plot(&bytes),
            _ => {}
        }
    }
}
