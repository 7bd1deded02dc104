//! Observed versus simulated: the calibration table (pure functions of per-replication figures).

use std::fmt::Write;

use serde::Serialize;

use crate::model::Model;
use crate::model::record::RepRecord;
use crate::model::spec::{Figure, Observed, Tolerance};
use crate::stats::Stat;

/// The simulated value of an observed figure in one replication.
pub fn simulated(model: &Model, obs: &Observed, rec: &RepRecord) -> f64 {
    let ng = model.gates.len();
    match &obs.figure {
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
        Figure::Queue { gates, day } => gates
            .iter()
            .map(|&g| rec.daily[day * ng + g].queue as f64)
            .sum(),
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
                simulated: s,
            }
        })
        .collect()
}

/// The table as Markdown.
pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::from(
        "| figure | observed | simulated mean | 90% band | rel. error | tolerance | within | source |\n|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {:.1} | {:.1} | {:.1} – {:.1} | {:+.1}% | {} | {} | {} |",
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
