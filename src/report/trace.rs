//! `run --trace`: one replication's vehicle-stage rows as CSV, and the Time Release Study
//! table made from them (World Customs Organization, *Guide to Measure the Time Required
//! for the Release of Goods*, version 3, 2018: mean, median and 90th percentile of each
//! stage's waiting and service).

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use crate::engine::MINUTES_PER_DAY;
use crate::model::{Model, Trace, TraceOutcome};
use crate::stats::percentile_sorted;

/// The columns of the trace file, in order, with what each holds (for `--help` and docs).
pub const TRACE_COLUMNS: [(&str, &str); 11] = [
    (
        "vehicle",
        "the vehicle's number in the replication, in order of arrival (0 first)",
    ),
    ("gate", "gate id"),
    ("class", "cargo class id"),
    ("direction", "export or import"),
    ("stage", "stage id"),
    (
        "queue_enter",
        "when it joined the stage's queue, YYYY-MM-DD HH:MM:SS (model time, Hà Nội)",
    ),
    ("start", "when its service started (empty if it never did)"),
    ("end", "when it left the stage"),
    (
        "outcome",
        "served, blocked (turned away at a full line) or spoiled (its load spoiled while it waited)",
    ),
    (
        "wait_min",
        "start − queue_enter, minutes (empty if never started)",
    ),
    (
        "service_min",
        "end − start, minutes (empty if never started)",
    ),
];

/// Minutes since the horizon's start as `YYYY-MM-DD HH:MM:SS` (rounded to the second).
pub fn timestamp(model: &Model, minutes: f64) -> String {
    let secs = (minutes * 60.0).round().max(0.0) as u64;
    let day = secs / 86_400;
    let rest = secs % 86_400;
    let date = model.start.plus_days(day as i64);
    format!(
        "{date} {:02}:{:02}:{:02}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// The trace as CSV: a header of [`TRACE_COLUMNS`], then one row per vehicle-stage, in order
/// of queue entry.
pub fn trace_csv(model: &Model, trace: &Trace) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = TRACE_COLUMNS.iter().map(|c| c.0).collect();
    // csv writes into memory: it cannot fail
    let _ = w.write_record(&header);
    let mut rows: Vec<&crate::model::TraceRow> = trace.rows.iter().collect();
    rows.sort_by(|a, b| {
        (a.queue_enter.total_cmp(&b.queue_enter))
            .then(a.vehicle.cmp(&b.vehicle))
            .then(a.stage.cmp(&b.stage))
    });
    for r in rows {
        let dir = if r.direction == 0 { "export" } else { "import" };
        let (start, wait, service) = match r.start {
            Some(s) => (
                timestamp(model, s),
                format!("{:.2}", s - r.queue_enter),
                format!("{:.2}", r.end - s),
            ),
            None => (String::new(), String::new(), String::new()),
        };
        let _ = w.write_record([
            r.vehicle.to_string().as_str(),
            &model.gates[r.gate].id,
            &model.classes[r.class].id,
            dir,
            &model.stages[r.stage].id,
            &timestamp(model, r.queue_enter),
            &start,
            &timestamp(model, r.end),
            r.outcome.as_str(),
            &wait,
            &service,
        ]);
    }
    w.into_inner().unwrap_or_default()
}

/// Mean, median and 90th percentile, **hours**.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Mean, hours.
    pub mean_h: f64,
    /// Median, hours.
    pub median_h: f64,
    /// 90th percentile, hours.
    pub p90_h: f64,
}

impl Spread {
    fn of_minutes(mut v: Vec<f64>) -> Spread {
        v.sort_by(f64::total_cmp);
        let mean = if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        };
        Spread {
            mean_h: mean / 60.0,
            median_h: percentile_sorted(&v, 0.5) / 60.0,
            p90_h: percentile_sorted(&v, 0.9) / 60.0,
        }
    }
}

/// One gate's stage in the Time Release Study table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseRow {
    /// Gate display name.
    pub gate: String,
    /// Stage display name.
    pub stage: String,
    /// Vehicles served whose queue entry lies in the window.
    pub vehicles: u64,
    /// Vehicles that left the stage's queue unserved (blocked or spoiled).
    pub lost: u64,
    /// Waiting: queue entry to service start.
    pub wait: Spread,
    /// Service: start to end.
    pub service: Spread,
}

/// The Time Release Study table of one traced replication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeRelease {
    /// The variant traced.
    pub variant: String,
    /// The replication traced (0: the first of the run, same random numbers).
    pub replication: u64,
    /// First and last day of the window, `YYYY-MM-DD`.
    pub window: [String; 2],
    /// Per gate and stage, in scenario order (stages no vehicle joined are left out).
    pub rows: Vec<ReleaseRow>,
}

/// Builds the Time Release Study table from a trace.
pub fn time_release(
    model: &Model,
    trace: &Trace,
    variant: &str,
    replication: u64,
    window: [String; 2],
) -> TimeRelease {
    let ns = model.stages.len();
    let mut wait = vec![Vec::new(); ns];
    let mut service = vec![Vec::new(); ns];
    let mut lost = vec![0u64; ns];
    for r in &trace.rows {
        match (r.outcome, r.start) {
            (TraceOutcome::Served, Some(s)) => {
                wait[r.stage].push(s - r.queue_enter);
                service[r.stage].push(r.end - s);
            }
            _ => lost[r.stage] += 1,
        }
    }
    let used: Vec<usize> = (0..ns)
        .filter(|&s| !wait[s].is_empty() || lost[s] > 0)
        .collect();
    let rows = used
        .into_iter()
        .map(|s| ReleaseRow {
            gate: model.gates[model.stages[s].gate].name.clone(),
            stage: model.stages[s].display_name().to_string(),
            vehicles: wait[s].len() as u64,
            lost: lost[s],
            wait: Spread::of_minutes(std::mem::take(&mut wait[s])),
            service: Spread::of_minutes(std::mem::take(&mut service[s])),
        })
        .collect();
    TimeRelease {
        variant: variant.to_string(),
        replication,
        window,
        rows,
    }
}

/// The window `FROM..TO` (dates, both included) as `[from, to)` **minutes** since the start,
/// checked against the horizon.
pub fn parse_window(model: &Model, text: &str) -> Result<(f64, f64, [String; 2]), String> {
    let Some((a, b)) = text.split_once("..") else {
        return Err(format!(
            "--trace-window is FROM..TO with dates written YYYY-MM-DD, both included (e.g. 2025-03-01..2025-03-07), got `{text}`"
        ));
    };
    let date = |s: &str, what: &str| {
        s.trim()
            .parse::<crate::model::Date>()
            .map_err(|e| format!("--trace-window: the {what} date `{s}` {e}"))
    };
    let (from, to) = (date(a, "first")?, date(b, "last")?);
    let end = model.start.plus_days(model.days as i64 - 1);
    let (d0, d1) = (model.start.days_until(from), model.start.days_until(to));
    if d1 < d0 {
        return Err(format!(
            "--trace-window {text}: the last date is before the first; write FROM..TO"
        ));
    }
    if d0 < 0 || d1 >= model.days as i64 {
        return Err(format!(
            "--trace-window {text} is outside the horizon {}..{end}; pick dates inside it",
            model.start
        ));
    }
    Ok((
        d0 as f64 * MINUTES_PER_DAY,
        (d1 + 1) as f64 * MINUTES_PER_DAY,
        [from.to_string(), to.to_string()],
    ))
}

/// The table as plain text rows for the report: gate, stage, vehicles, then wait and service
/// mean / median / p90 in hours.
pub fn release_cells(t: &TimeRelease) -> Vec<Vec<String>> {
    t.rows
        .iter()
        .map(|r| {
            let mut cells = vec![
                r.gate.clone(),
                r.stage.clone(),
                r.vehicles.to_string(),
                r.lost.to_string(),
            ];
            for s in [r.wait, r.service] {
                for x in [s.mean_h, s.median_h, s.p90_h] {
                    let mut c = String::new();
                    let _ = write!(c, "{x:.2}");
                    cells.push(c);
                }
            }
            cells
        })
        .collect()
}
