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
        Figure::TurnoverA { year, direction } => rec.turnover_a_musd(*year).part(*direction),
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

/// Whether an interval of the mean `ci` lies wholly inside or wholly outside the accepted
/// range `(lo, hi)`.
fn decided((lo, hi): (f64, f64), ci: Option<[f64; 2]>) -> bool {
    match ci {
        Some([a, b]) if a.is_finite() && b.is_finite() => {
            let inside = a >= lo && b <= hi;
            let outside = b < lo || a > hi;
            inside || outside
        }
        _ => false,
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
    /// Whether more replications would keep the verdict: the 95 % interval of the simulated
    /// mean lies wholly inside or wholly outside the tolerance (false: an edge is inside it,
    /// or there is no interval).
    pub decided: bool,
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
        .map(|(o, v)| rows_of(o, v))
        .collect()
}

/// The acceptance rule for people: `±15%` or `×/÷1.5`.
pub fn tolerance_text(t: Tolerance) -> String {
    match t {
        Tolerance::Relative(r) => format!("±{:.0}%", r * 100.0),
        Tolerance::Factor(f) => format!("×/÷{f}"),
    }
}

/// One row: observed figure `o` against its per-replication values `v`.
pub fn rows_of(o: &crate::model::spec::Observed, v: &[f64]) -> Row {
    let s = Stat::of(v);
    Row {
        name: o.name.clone(),
        source: o.source.clone(),
        observed: o.value,
        relative_error: (s.mean - o.value) / o.value,
        tolerance: tolerance_text(o.tolerance),
        within: o.tolerance.accepts(o.value, s.mean),
        decided: decided(o.tolerance.bounds(o.value), s.ci95),
        usage: o.usage.as_str(),
        simulated: s,
    }
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
            match (r.within, r.decided) {
                (true, true) => "yes",
                (true, false) => "yes (edge)",
                (false, true) => "**no**",
                (false, false) => "**no** (edge)",
            },
            r.source
        );
    }
    out
}

/// The full report: the fit table, the check table, how many verdicts are undecided (an edge
/// of the tolerance inside the 95 % interval of the simulated mean: "(edge)" in the tables)
/// and the last line `checks passed: K of N`.
pub fn report(rows: &[Row]) -> String {
    let (passed, checks) = checks_passed(rows);
    let edge = rows.iter().filter(|r| !r.decided).count();
    let undecided = if edge == 0 {
        String::from(
            "every verdict is decided: no tolerance edge lies inside the 95 % interval of a simulated mean\n",
        )
    } else {
        format!(
            "undecided: {edge} of {} figures (\"(edge)\": a tolerance edge lies inside the 95 % interval of the simulated mean; more replications settle them)\n",
            rows.len()
        )
    };
    format!(
        "## Fit (figures parameters were fitted to)\n\n{}\n## Check (figures no parameter was fitted to)\n\n{}\n{undecided}checks passed: {passed} of {checks}\n",
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

/// The fitted values as Markdown, each with a line to paste into its `[[fit]]` table.
pub fn fitted_markdown(fitted: &[crate::montecarlo::fit::Fitted]) -> String {
    let mut out = String::from(
        "## Fitted parameters (the scenario file is not changed; the tables below use these values)\n\n",
    );
    for f in fitted {
        out.push_str(&format!(
            "[[fit]] `{}` (range {} – {}, against {}): {} → {} (squared relative error {:.3e} → {:.3e}, {} evaluations); paste into its table:\n\n    value = {}\n\n",
            f.name,
            f.range.0,
            f.range.1,
            f.against
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            f.file_value,
            paste_value(f.value),
            f.objective_at_file_value,
            f.objective,
            f.evaluations,
            paste_value(f.value),
        ));
    }
    out
}

/// A multiplier to 4 significant digits, as TOML (always with a decimal point).
fn paste_value(x: f64) -> String {
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') { s } else { format!("{s}.0") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verdict_is_decided_only_when_the_interval_of_the_mean_clears_every_edge() {
        let range = Tolerance::Factor(2.0).bounds(100.0);
        assert_eq!(range, (50.0, 200.0));
        assert!(decided(range, Some([60.0, 190.0])), "wholly inside");
        assert!(decided(range, Some([10.0, 40.0])), "wholly below");
        assert!(decided(range, Some([210.0, 300.0])), "wholly above");
        assert!(
            !decided(range, Some([40.0, 60.0])),
            "straddles the low edge"
        );
        assert!(
            !decided(range, Some([190.0, 210.0])),
            "straddles the high edge"
        );
        assert!(!decided(range, Some([40.0, 210.0])), "covers both edges");
        assert!(!decided(range, None), "no interval (one replication)");
        assert!(!decided(range, Some([f64::NAN, 1.0])), "no finite interval");
        let r = Tolerance::Relative(0.15).bounds(-200.0);
        assert_eq!(
            r,
            (-230.0, -170.0),
            "a relative tolerance is symmetric about a negative value too"
        );
    }
}
