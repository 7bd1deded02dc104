//! Observed versus simulated: the calibration table (pure functions of per-replication figures).

use std::fmt::Write;

use serde::Serialize;

use crate::model::Model;
use crate::model::record::RepRecord;
use crate::model::spec::{Figure, ObservedUse, Tolerance};
use crate::stats::Stat;

/// The simulated value of an observed figure in one replication.
pub fn simulated(model: &Model, figure: &Figure, rec: &RepRecord) -> f64 {
    let ng = model.gates.len();
    match figure {
        Figure::DailyCleared {
            gates,
            from_day,
            to_day,
        } => {
            let total: u64 = (*from_day..=*to_day)
                .flat_map(|d| {
                    gates
                        .iter()
                        .map(move |&g| rec.daily[d * ng + g].cleared as u64)
                })
                .sum();
            total as f64 / (to_day - from_day + 1) as f64
        }
        Figure::TurnoverA { year, direction } => {
            let a = rec.turnover_a_musd(*year);
            match direction {
                None => a[0],
                Some(d) => a[1 + *d as usize],
            }
        }
        Figure::MedianTimeInSystemH { year } => {
            rec.years[*year].time_in_system_p50_min.unwrap_or(f64::NAN) / 60.0
        }
        Figure::Queue {
            gates,
            day,
            direction,
        } => gates
            .iter()
            .map(|&g| {
                let d = &rec.daily[day * ng + g];
                match direction {
                    None => d.queue as f64,
                    Some(dir) => d.in_gate[*dir as usize] as f64,
                }
            })
            .sum(),
        Figure::ExportShare { year } => {
            let [export, import] = rec.years[*year].cleared_by_direction;
            if export + import == 0 {
                f64::NAN
            } else {
                export as f64 / (export + import) as f64
            }
        }
        Figure::TurnoverB { year, direction } => {
            let b = rec.years[*year].turnover_b_usd;
            match direction {
                None => (b[0] + b[1]) / 1e6,
                Some(d) => b[*d as usize] / 1e6,
            }
        }
    }
}

/// One row of the calibration table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// What it is.
    pub name: String,
    /// Where the observed number comes from.
    pub source: String,
    /// Observed value.
    pub observed: f64,
    /// Simulated, over replications.
    pub simulated: Stat,
    /// (simulated mean − observed) / observed.
    pub relative_error: f64,
    /// The acceptance rule, e.g. `±15%` or `×/÷1.5`.
    pub tolerance: String,
    /// Whether the simulated mean is within the tolerance.
    pub within: bool,
    /// `"fit"` (parameters were fitted to it) or `"check"` (none was).
    #[serde(rename = "use")]
    pub usage: &'static str,
}

/// Builds the table from per-replication values `values[figure][replication]`.
pub fn rows(model: &Model, values: &[Vec<f64>]) -> Vec<Row> {
    model
        .observed
        .iter()
        .zip(values)
        .map(|(o, v)| {
            let s = Stat::of(v);
            Row {
                name: o.name.clone(),
                source: o.source.clone(),
                observed: o.value,
                relative_error: (s.mean - o.value) / o.value,
                tolerance: match o.tolerance {
                    Tolerance::Relative(r) => format!("±{:.0}%", r * 100.0),
                    Tolerance::Factor(f) => format!("×/÷{f}"),
                },
                within: o.tolerance.accepts(o.value, s.mean),
                usage: o.usage.as_str(),
                simulated: s,
            }
        })
        .collect()
}

/// The rows of one use (`"fit"` or `"check"`) as a Markdown table.
pub fn markdown(rows: &[Row], usage: ObservedUse) -> String {
    let mut out = String::from(
        "| figure | observed | simulated mean | 90% band | rel. error | tolerance | within | source |\n|---|---|---|---|---|---|---|---|\n",
    );
    let rows: Vec<&Row> = rows.iter().filter(|r| r.usage == usage.as_str()).collect();
    if rows.is_empty() {
        return match usage {
            ObservedUse::Fit => "(none: no [[observed]] figure has use = \"fit\")\n".into(),
            ObservedUse::Check => "(none: every [[observed]] figure has use = \"fit\")\n".into(),
        };
    }
    for r in rows {
        // one decimal, or three for small figures (shares, hours)
        let d = if r.observed.abs() >= 10.0 { 1 } else { 3 };
        let _ = writeln!(
            out,
            "| {} | {:.d$} | {:.d$} | {:.d$} – {:.d$} | {:+.1}% | {} | {} | {} |",
            r.name,
            r.observed,
            r.simulated.mean,
            r.simulated.p5,
            r.simulated.p95,
            r.relative_error * 100.0,
            r.tolerance,
            if r.within { "yes" } else { "**no**" },
            r.source
        );
    }
    out
}

/// The full report: the fit table, the check table and the last line `checks passed: K of N`.
pub fn report(rows: &[Row]) -> String {
    let (passed, checks) = checks_passed(rows);
    format!(
        "## Fit (figures parameters were fitted to)\n\n{}\n## Check (figures no parameter was fitted to)\n\n{}\nchecks passed: {passed} of {checks}\n",
        markdown(rows, ObservedUse::Fit),
        markdown(rows, ObservedUse::Check),
    )
}

/// Checks within tolerance and checks in all: `(K, N)`.
pub fn checks_passed(rows: &[Row]) -> (usize, usize) {
    let checks = rows
        .iter()
        .filter(|r| r.usage == ObservedUse::Check.as_str());
    let n = checks.clone().count();
    (checks.filter(|r| r.within).count(), n)
}
