//! Helpers shared by the integration tests.

use borderflow::model::{Model, Plan, RepRecord, simulate};
use borderflow::scenario;

/// Parses scenario text (panics with the problems if invalid).
pub fn model(src: &str) -> Model {
    scenario::parse(src, "test.toml".as_ref()).unwrap_or_else(|e| panic!("{e}"))
}

/// One replication of variant 0.
pub fn one(model: &Model, seed: u64, rep: u64) -> RepRecord {
    simulate(model, &Plan::new(model, 0), seed, rep)
}

/// A one-gate, one-stage scenario: `per_day` arrivals, the given stage body and extra text.
pub fn single_stage(days: u32, per_day: f64, stage: &str, extra_gate: &str, extra: &str) -> String {
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
