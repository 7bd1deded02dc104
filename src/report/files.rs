//! The bytes of a run's result files (`summary.json`, `replications.csv`, `daily.csv`): pure
//! functions of the results. Writing them is [`crate::run_folder`]'s.

use super::summary::Summary;
use crate::model::Model;
use crate::montecarlo::RunResult;

/// The first figure of a run's records that is not a finite number (`inf`, `NaN`), named
/// for a message; `None` when every figure can be written. A figure that cannot be
/// represented is an error, never a 0 or a dropped value in the summary.
pub fn first_non_finite(model: &Model, run: &RunResult) -> Option<String> {
    let bad = |x: f64| !x.is_finite();
    for vr in &run.variants {
        let name = &model.variants[vr.variant].name;
        for r in &vr.reps {
            let at = |what: String, x: f64| {
                format!(
                    "{what} = {x} in replication {} of variant `{name}`",
                    r.replication
                )
            };
            for yr in &r.years {
                let year = yr.year;
                for (d, dir) in ["export", "import"].iter().enumerate() {
                    if bad(yr.turnover_a_usd[d]) {
                        return Some(at(
                            format!("basis-A {dir} turnover (USD) of {year}"),
                            yr.turnover_a_usd[d],
                        ));
                    }
                    if bad(yr.turnover_b_usd[d]) {
                        return Some(at(
                            format!("basis-B {dir} turnover (USD) of {year}"),
                            yr.turnover_b_usd[d],
                        ));
                    }
                }
                if bad(yr.spoiled_usd) {
                    return Some(at(format!("value spoiled (USD) in {year}"), yr.spoiled_usd));
                }
                if let Some(x) = yr.time_in_system_p50_min.filter(|x| bad(*x)) {
                    return Some(at(format!("median time in system (min) in {year}"), x));
                }
            }
            for (g, gr) in r.gates.iter().enumerate() {
                let gate = &model.gates[g].id;
                for (what, x) in [
                    ("mean time in system (min)", gr.time_in_system_mean),
                    ("p95 time in system (min)", gr.time_in_system_p95),
                    ("max queue", Some(gr.max_queue)),
                    ("max road queue", Some(gr.max_road_queue)),
                    ("mean queue", Some(gr.mean_queue)),
                ] {
                    if let Some(x) = x.filter(|x| bad(*x)) {
                        return Some(at(format!("{what} of gate `{gate}`"), x));
                    }
                }
            }
            for (s, sr) in r.stages.iter().enumerate() {
                let stage = &model.stages[s].id;
                for (what, x) in [
                    ("mean wait (min)", sr.wait_mean),
                    ("p95 wait (min)", sr.wait_p95),
                    ("utilisation", sr.utilization),
                    ("mean queue", Some(sr.mean_queue)),
                    ("mean busy servers", Some(sr.mean_busy)),
                    ("arrival rate", Some(sr.arrival_rate)),
                    ("busy server-minutes", Some(sr.busy_minutes)),
                ] {
                    if let Some(x) = x.filter(|x| bad(*x)) {
                        return Some(at(format!("{what} of stage `{stage}`"), x));
                    }
                }
            }
            if let Some(&x) = r.busy_by_month.iter().find(|x| bad(**x)) {
                return Some(at("busy server-minutes of a month".into(), x));
            }
            if let Some(&x) = r.parameters.iter().find(|x| bad(**x)) {
                return Some(at("an uncertain parameter's draw".into(), x));
            }
        }
    }
    None
}

/// `summary.json` bytes (pretty, newline-terminated).
pub fn summary_json(summary: &Summary) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(summary).expect("summary serialises");
    v.push(b'\n');
    v
}

/// `replications.csv`: one row per variant × replication × year.
pub fn replications_csv(model: &Model, run: &RunResult) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "variant",
        "replication",
        "year",
        "turnover_total_musd",
        "turnover_export_musd",
        "turnover_import_musd",
        "turnover_basis_b_musd",
        "trucks_arrived",
        "trucks_cleared",
        "value_spoiled_musd",
        "trucks_spoiled",
        "trucks_left_province",
        "trucks_redirected",
    ])
    .expect("in-memory csv");
    for vr in &run.variants {
        let name = &model.variants[vr.variant].name;
        for r in &vr.reps {
            for (y, yr) in r.years.iter().enumerate() {
                let a = r.turnover_a_musd(y);
                let b = (yr.turnover_b_usd[0] + yr.turnover_b_usd[1]) / 1e6;
                w.write_record([
                    name.clone(),
                    r.replication.to_string(),
                    yr.year.to_string(),
                    format!("{:.6}", a.total),
                    format!("{:.6}", a.export),
                    format!("{:.6}", a.import),
                    format!("{b:.6}"),
                    yr.arrivals.to_string(),
                    yr.cleared.to_string(),
                    format!("{:.6}", yr.spoiled_usd / 1e6),
                    yr.spoiled.to_string(),
                    yr.left_province.to_string(),
                    yr.redirected.to_string(),
                ])
                .expect("in-memory csv");
            }
        }
    }
    w.into_inner().expect("in-memory csv")
}

/// `daily.csv`: one row per variant × gate × day (mean and sd over replications).
pub fn daily_csv(model: &Model, run: &RunResult) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "variant",
        "gate",
        "day",
        "date",
        "cleared_mean",
        "cleared_sd",
        "queue_mean",
        "queue_sd",
    ])
    .expect("in-memory csv");
    let ng = model.gates.len();
    for vr in &run.variants {
        let name = &model.variants[vr.variant].name;
        for (g, gate) in model.gates.iter().enumerate() {
            for d in 0..model.days {
                let c = &vr.daily_cleared[d * ng + g];
                let q = &vr.daily_queue[d * ng + g];
                w.write_record([
                    name.clone(),
                    gate.id.clone(),
                    d.to_string(),
                    model.date_of_day(d).to_string(),
                    format!("{:.3}", c.mean()),
                    format!("{:.3}", c.sd().unwrap_or(0.0)),
                    format!("{:.3}", q.mean()),
                    format!("{:.3}", q.sd().unwrap_or(0.0)),
                ])
                .expect("in-memory csv");
            }
        }
    }
    w.into_inner().expect("in-memory csv")
}
