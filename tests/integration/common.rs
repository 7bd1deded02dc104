//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use borderflow::model::{Model, Plan, RepRecord, simulate};
use borderflow::scenario;

/// The `borderflow` binary built for these tests.
pub(crate) fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_borderflow"))
}

/// A fresh scratch path in the temp folder for test `name` of module `area` (removed if it
/// exists, not created): unique per process, so parallel tests and runs never share one.
pub(crate) fn scratch(area: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("borderflow-{area}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// The 300-day peer gate stretched to two years, written to `path`: a few seconds per 16
/// replications on one thread, so a run of 48 or 64 can be interrupted mid-run.
pub(crate) fn long_peer_gate(path: &Path) -> PathBuf {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/examples/peer-gate.toml"
    ))
    .unwrap()
    .replace("end = \"2025-01-30\"", "end = \"2026-12-31\"");
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, src).unwrap();
    path.to_path_buf()
}

/// Parses scenario text (panics with the problems if invalid).
pub(crate) fn model(src: &str) -> Model {
    scenario::parse(src, "test.toml".as_ref()).unwrap_or_else(|e| panic!("{e}"))
}

/// One replication of variant 0.
pub(crate) fn one(model: &Model, seed: u64, rep: u64) -> RepRecord {
    simulate(model, &Plan::new(model, 0), seed, rep)
}

/// A one-gate, one-stage scenario: `per_day` arrivals, the given stage body and extra text.
pub(crate) fn single_stage(
    days: u32,
    per_day: f64,
    stage: &str,
    extra_gate: &str,
    extra: &str,
) -> String {
    format!(
        r#"
[scenario]
name = "t"
start = "2025-01-01"
end = "{end}"
{extra}
[[classes]]
id = "c"
[[values]]
direction = "import"
class = "c"
value_usd = {{ dist = "constant", value = 1000 }}
declared_here_share = 1.0
[[gates]]
id = "g"
demand = [{{ direction = "import", class = "c", per_day = {per_day} }}]
{extra_gate}
[[gates.stages]]
id = "s"
clearance = true
{stage}
[[gates.routes]]
direction = "import"
steps = ["s"]
"#,
        end = borderflow::model::Date::new(2025, 1, 1)
            .unwrap()
            .plus_days(days as i64 - 1)
    )
}

/// Reads `stderr` line by line up to and including the first line that starts with `prefix`
/// and returns what it read (an event to wait for, never a sleep); panics if the stream ends
/// first.
pub(crate) fn read_until(stderr: &mut impl std::io::BufRead, prefix: &str) -> String {
    let mut err = String::new();
    loop {
        let mut line = String::new();
        let n = stderr.read_line(&mut line).unwrap();
        assert!(n > 0, "the run ended before a line `{prefix}…`: {err}");
        err.push_str(&line);
        if line.starts_with(prefix) {
            return err;
        }
    }
}
