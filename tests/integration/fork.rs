//! Shared history (`model::simulate_variants`): variants continued from another variant's
//! state give, byte for byte, what each gives when simulated from the start.

use borderflow::model::{Plan, simulate_draw, simulate_variants};

use crate::common::model;

/// 120 days, one gate: a 24-hour stage (servers added on day 60: the pending capacity change
/// is replaced), a stage open on weekdays 07:00–17:00 (longer hours from day 40), a busy
/// import stream and a rare export stream (its next arrival is often weeks ahead, past the
/// copy's margin, so that some copies are refused), and
/// variants that differ from the first day, from day 80 (rare stream's demand), or only by
/// an uncertain parameter of their own from day 90 (service-time multipliers make every
/// variant run in the general copy of the simulation).
const SCENARIO: &str = r#"
[scenario]
name = "fork"
start = "2025-01-01"
end = "2025-04-30"
[[classes]]
id = "c"
[[values]]
direction = "import"
class = "c"
value_usd = { dist = "uniform", min = 1000, max = 3000 }
declared_here_share = 0.8
[[values]]
direction = "export"
class = "c"
value_usd = { dist = "constant", value = 5000 }
declared_here_share = 1.0
[[gates]]
id = "g"
demand = [
  { direction = "import", class = "c", per_day = 150 },
  { direction = "export", class = "c", per_day = 0.03 },
]
[[gates.stages]]
id = "a"
servers = 2
clearance = true
service = { dist = "exponential", mean = 18 }
[[gates.stages]]
id = "b"
servers = 3
hours = [7, 17]
weekdays = ["mon", "tue", "wed", "thu", "fri"]
service = { dist = "exponential", mean = 12 }
[[gates.routes]]
direction = "import"
steps = ["a", "b"]
[[gates.routes]]
direction = "export"
steps = ["a"]
[[variants]]
name = "baseline"
[[variants]]
name = "more-servers"
[[variants.changes]]
kind = "add_servers"
stages = ["a"]
servers = 1
from = "2025-03-02"
[[variants]]
name = "longer-hours"
[[variants.changes]]
kind = "hours"
stages = ["b"]
hours = [6, 20]
from = "2025-02-10"
[[variants]]
name = "export-push"
[[variants.changes]]
kind = "demand"
gates = ["g"]
directions = ["export"]
factor = 3
from = "2025-03-22"
[[variants]]
name = "from-day-one"
[[variants.changes]]
kind = "scale_service"
stages = ["a"]
factor = 0.9
[[variants]]
name = "own-uncertainty"
[[uncertain]]
name = "level"
kind = "demand"
factor = { dist = "uniform", min = 0.9, max = 1.1 }
[[uncertain]]
name = "service-a"
kind = "service"
stages = ["a"]
factor = { dist = "uniform", min = 0.9, max = 1.1 }
[[uncertain]]
name = "own"
kind = "service"
stages = ["b"]
variants = ["own-uncertainty"]
from = "2025-04-01"
factor = { dist = "uniform", min = 0.8, max = 1.2 }
"#;

#[test]
fn continued_variants_equal_separate_runs_and_most_are_continued() {
    let m = model(SCENARIO);
    let plans: Vec<Plan> = (0..m.variants.len()).map(|v| Plan::new(&m, v)).collect();
    let refs: Vec<&Plan> = plans.iter().collect();
    let (mut forked, mut refused, mut replaced, mut days) = (0, 0, 0, 0);
    for rep in 0..8 {
        let (shared, stats) = simulate_variants(&m, &refs, 11, rep, rep);
        for (p, rec) in plans.iter().zip(&shared) {
            let alone = simulate_draw(&m, p, 11, rep, rep);
            assert_eq!(
                rec, &alone,
                "replication {rep} of `{}`",
                m.variants[p.variant].name
            );
        }
        assert_eq!(
            stats.forked + stats.refused,
            4,
            "all but the first and day one"
        );
        // the records count each variant's events from day 1; the simulated ones leave out
        // what a continued variant copied
        let counted: u64 = shared.iter().map(|r| r.events).sum();
        if stats.forked == 0 {
            assert_eq!(stats.events_simulated, counted);
        } else {
            assert!(stats.events_simulated < counted, "replication {rep}");
        }
        let first = shared[0].events;
        assert!(
            stats.events_simulated > first,
            "the root's own events and more"
        );
        forked += stats.forked;
        refused += stats.refused;
        replaced += stats.replaced;
        days += stats.days_simulated;
    }
    // every path is taken: copies used, copies refused, pending capacity changes replaced
    assert!(forked >= 24, "most copies are used: {forked} of 32");
    assert!(
        refused >= 1,
        "the rare stream's copies are refused at times"
    );
    assert!(
        replaced >= 8,
        "servers added to the 24-hour stage: {replaced}"
    );
    assert!(
        days < 8 * 6 * 120 * 85 / 100,
        "shared days are simulated once: {days} variant-days"
    );
}

/// `borderflow run` of `file` (its `variants`, 1 replication) twice: with shared history on
/// one thread and every variant from the start on two. The files scripts read are the same,
/// byte for byte.
fn run_twice_and_compare(name: &str, file: &str, variants: &[&str]) {
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = crate::common::scratch("fork", name);
    let run = |out: &str, extra: &[&str]| {
        let mut cmd = crate::common::bin();
        cmd.args(["run", "-n", "1", "--out"])
            .arg(dir.join(out))
            .arg(format!("{root}/scenarios/{file}"))
            .args(extra);
        for v in variants {
            cmd.args(["--variant", v]);
        }
        let o = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(o.status.success(), "{stderr}");
        stderr
    };
    let shared = run("shared", &["--threads", "1"]);
    assert!(
        shared.contains("shared history:"),
        "the run says what it shared: {shared}"
    );
    run("alone", &["--threads", "2", "--no-fork"]);
    for f in ["summary.json", "replications.csv", "daily.csv"] {
        let a = std::fs::read(dir.join("shared").join(f)).unwrap();
        let b = std::fs::read(dir.join("alone").join(f)).unwrap();
        assert!(
            a == b,
            "{file}: {f} differs with and without shared history"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_main_study_gives_the_same_files_with_and_without_shared_history() {
    run_twice_and_compare("lang-son", "lang-son.toml", &[]);
}

/// The 2026–2030 study adds transfers between the fleets (empty vehicles placed ahead by the
/// day's demand), a bypass share, and uncertain parameters of single variants.
#[test]
fn the_2030_study_gives_the_same_files_with_and_without_shared_history() {
    run_twice_and_compare(
        "lang-son-2030",
        "lang-son-2030.toml",
        &["baseline", "expressways", "smart-gate", "two-way"],
    );
}
