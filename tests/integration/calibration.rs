//! `borderflow calibrate`: fit and check figures kept apart, `--strict`, `--fit`.

use std::path::{Path, PathBuf};
use std::process::Output;

use super::common::bin;

fn tmp(name: &str) -> PathBuf {
    let d = super::common::scratch("calib", name);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// One gate, 300 imports and 100 exports a day worth USD 10,000 each, for 90 days: basis-B
/// imports about 270 M USD, basis-A turnover about 360 M USD, export share 0.25. A value
/// multiplier of the imports is fitted to `fit_value` (M USD of basis-B imports); the check
/// "turnover 2025, basis A" has the observed value `check_value`.
fn toy(fit_value: f64, check_value: f64) -> String {
    format!(
        r#"
[scenario]
name = "toy"
start = "2025-01-01"
end = "2025-03-31"
seed = 7
replications = 4

[[classes]]
id = "general"

[[values]]
direction = "import"
class = "general"
value_usd = {{ dist = "constant", value = 10000 }}
declared_here_share = 1.0

[[values]]
direction = "export"
class = "general"
value_usd = {{ dist = "constant", value = 10000 }}
declared_here_share = 1.0

[[gates]]
id = "g"
demand = [
  {{ direction = "import", class = "general", per_day = 300 }},
  {{ direction = "export", class = "general", per_day = 100 }},
]

[[gates.stages]]
id = "customs"
servers = 10
service = {{ dist = "exponential", mean = 20 }}
clearance = true

[[gates.routes]]
direction = "import"
steps = ["customs"]
[[gates.routes]]
direction = "export"
steps = ["customs"]

[[fit]]
name = "import_value"
kind = "value"
directions = ["import"]
range = [0.5, 2.0]
value = 1.0
against = ["imports 2025, basis B"]

[[observed]]
name = "imports 2025, basis B"
use = "fit"
figure = "turnover_b"
year = 2025
direction = "import"
value = {fit_value}
tolerance = 0.05
source = "toy"

[[observed]]
name = "export share 2025"
figure = "export_share"
year = 2025
value = 0.25
tolerance = 0.1
source = "toy"

[[observed]]
name = "turnover 2025, basis A"
use = "check"
figure = "turnover_a"
year = 2025
value = {check_value}
tolerance = 0.1
source = "toy"
"#
    )
}

fn calibrate(dir: &Path, src: &str, extra: &[&str]) -> Output {
    let file = dir.join("toy.toml");
    std::fs::write(&file, src).unwrap();
    bin()
        .arg("calibrate")
        .arg(&file)
        .args(["--out"])
        .arg(dir.join("out"))
        .arg("--force")
        .args(extra)
        .output()
        .unwrap()
}

fn json(path: PathBuf) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn calibrate_prints_fit_and_check_apart_and_strict_fails_on_a_failed_check() {
    let dir = tmp("strict");
    // the check "turnover 2025, basis A" is absurd (1,000,000 M USD)
    let o = calibrate(&dir, &toy(300.0, 1e6), &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    let fit_at = text
        .find("## Fit (figures parameters were fitted to)")
        .unwrap();
    let check_at = text
        .find("## Check (figures no parameter was fitted to)")
        .unwrap();
    let row = |name: &str| text.find(&format!("| {name} |")).unwrap();
    assert!(fit_at < row("imports 2025, basis B") && row("imports 2025, basis B") < check_at);
    assert!(check_at < row("export share 2025") && check_at < row("turnover 2025, basis A"));
    assert!(text.contains("| export share 2025 | 0.250 |"), "{text}");
    assert_eq!(text.lines().last(), Some("checks passed: 1 of 2"), "{text}");
    let md = std::fs::read_to_string(dir.join("out/calibration.md")).unwrap();
    assert!(md.ends_with("checks passed: 1 of 2\n"), "{md}");
    let rows = json(dir.join("out/calibration.json"));
    let uses: Vec<&str> = (rows.as_array().unwrap().iter())
        .map(|r| r["use"].as_str().unwrap())
        .collect();
    assert_eq!(uses, ["fit", "check", "check"]);

    // --strict: exit 1, naming the failed check (and not the one that passed)
    let o = calibrate(&dir, &toy(300.0, 1e6), &["--strict"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("`turnover 2025, basis A`") && !err.contains("export share"),
        "{err}"
    );
    assert!(dir.join("out/calibration.md").is_file());

    // every check within tolerance (and a fit figure out of it): --strict exits 0
    let o = calibrate(&dir, &toy(1e4, 360.0), &["--strict"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(text.lines().last(), Some("checks passed: 2 of 2"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_fitted_value_is_the_known_answer_and_ignores_checks() {
    let dir = tmp("fit");
    // the imports' basis-B turnover at the file's multiplier (1.0)
    let o = calibrate(&dir, &toy(300.0, 1.0), &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let at_one = json(dir.join("out/calibration.json"))[0]["simulated"]["mean"]
        .as_f64()
        .unwrap();
    // turnover is proportional to the multiplier (common random numbers): 1.3 × is the answer
    let observed = 1.3 * at_one;
    let mut found = Vec::new();
    for check in [1.0, 1e6] {
        let o = calibrate(&dir, &toy(observed, check), &["--fit"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        let fitted = json(dir.join("out/fit.json"));
        let value = fitted[0]["value"].as_f64().unwrap();
        assert!((value - 1.3).abs() < 0.005, "fitted {value}, expected 1.3");
        let paste = text
            .lines()
            .find(|l| l.trim_start().starts_with("value = "))
            .unwrap_or_else(|| panic!("no value line in\n{text}"))
            .trim()
            .to_string();
        assert_eq!(paste, "value = 1.300", "{text}");
        found.push((value.to_bits(), paste));
    }
    assert_eq!(
        found[0], found[1],
        "the fitted value must not depend on a check's observed value"
    );
    // the scenario file is not rewritten
    let src = std::fs::read_to_string(dir.join("toy.toml")).unwrap();
    assert!(src.contains("value = 1.0\n"));
    let _ = std::fs::remove_dir_all(&dir);
}

fn validate(dir: &Path, src: &str) -> (Option<i32>, String) {
    let file = dir.join("bad.toml");
    std::fs::write(&file, src).unwrap();
    let o = bin().arg("validate").arg(&file).output().unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// 1-based line of the first line of `src` containing `needle` after the line containing
/// `after`.
fn line_of(src: &str, after: &str, needle: &str) -> usize {
    let start = src.lines().position(|l| l.contains(after)).unwrap();
    start
        + src
            .lines()
            .skip(start)
            .position(|l| l.contains(needle))
            .unwrap()
        + 1
}

#[test]
fn a_fit_against_a_check_is_a_located_error() {
    let dir = tmp("against-check");
    let src = toy(300.0, 360.0).replace(
        r#"against = ["imports 2025, basis B"]"#,
        r#"against = ["imports 2025, basis B", "turnover 2025, basis A"]"#,
    );
    let (code, err) = validate(&dir, &src);
    assert_eq!(code, Some(2));
    let line = line_of(&src, "[[fit]]", "against = ");
    assert!(
        err.contains(&format!(
            "bad.toml:{line}:37: `fit[0].against[1]`: `turnover 2025, basis A` is a check, and a check cannot be fitted to: set use = \"fit\" on it or remove it from against"
        )),
        "{err}"
    );
    // an unknown name gets a did-you-mean among the fit figures
    let src = toy(300.0, 360.0).replace(
        r#"against = ["imports 2025, basis B"]"#,
        r#"against = ["imports 2025 basis B"]"#,
    );
    let (code, err) = validate(&dir, &src);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("did you mean `imports 2025, basis B`?"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_use_is_a_located_error() {
    let dir = tmp("use");
    let src = toy(300.0, 360.0).replace(r#"use = "check""#, r#"use = "chekc""#);
    let (code, err) = validate(&dir, &src);
    assert_eq!(code, Some(2));
    let line = line_of(&src, "turnover 2025, basis A", "use = ");
    assert!(
        err.contains(&format!(
            "bad.toml:{line}:1: `observed[2].use`: unknown use `chekc`"
        )),
        "{err}"
    );
    assert!(err.contains("did you mean `check`?"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
