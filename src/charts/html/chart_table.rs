//! The numbers each chart of a run's report draws, as a table for the `<details>` under it.

use super::{Table, num, p, thousands};
use crate::charts::data::{ChartData, Quantiles};

/// The numbers a chart draws, as a table (for the `<details>` under it).
pub(super) fn chart_table(d: &ChartData, name: &str) -> Option<Table> {
    let k = |x: f64| thousands(x);
    match name {
        "turnover-distribution" => {
            let t = d.target.as_ref()?;
            Some(Table {
                caption: format!("Turnover in {} per variant, million USD", t.year),
                header: [
                    "variant",
                    "replications",
                    "total: mean",
                    "total: 5 %",
                    "total: median",
                    "total: 95 %",
                    "exports: median",
                    "imports: median",
                    "P(total target) [95 %]",
                ]
                .map(String::from)
                .to_vec(),
                rows: (d.variants.iter())
                    .map(|v| {
                        let q = Quantiles::of(&v.target_year_musd[0]);
                        vec![
                            v.name.clone(),
                            v.target_year_musd[0].len().to_string(),
                            k(q.mean),
                            k(q.p5),
                            k(q.p50),
                            k(q.p95),
                            k(Quantiles::of(&v.target_year_musd[1]).p50),
                            k(Quantiles::of(&v.target_year_musd[2]).p50),
                            p(v.p_target.map(|x| x[0])),
                        ]
                    })
                    .collect(),
            })
        }
        "turnover-by-year" => {
            let mut header = vec!["variant".to_string()];
            header.extend(d.years.iter().map(|y| format!("{y}: median [5–95 %]")));
            let mut rows: Vec<Vec<String>> = (d.variants.iter())
                .map(|v| {
                    let mut r = vec![v.name.clone()];
                    r.extend(
                        (v.years.iter())
                            .map(|q| format!("{} [{}–{}]", k(q.p50), k(q.p5), k(q.p95))),
                    );
                    r
                })
                .collect();
            if !d.observed_turnover.is_empty() {
                let mut r = vec!["observed".to_string()];
                r.extend(d.years.iter().map(|y| {
                    (d.observed_turnover.iter())
                        .find(|o| o.year == *y)
                        .map_or("–".to_string(), |o| k(o.musd))
                }));
                rows.push(r);
            }
            Some(Table {
                caption: "Basis-A turnover per year, million USD".to_string(),
                header,
                rows,
            })
        }
        "variant-comparison" => Some(Table {
            caption: "P(total target) and the paired difference to the baseline".to_string(),
            header: [
                "variant",
                "P(total target) [95 % Wilson]",
                "minus baseline, million USD [95 % t]",
            ]
            .map(String::from)
            .to_vec(),
            rows: (d.variants.iter())
                .map(|v| {
                    vec![
                        v.name.clone(),
                        p(v.p_target.map(|x| x[0])),
                        v.vs_baseline.map_or("–".to_string(), |iv| {
                            format!("{} [{}, {}]", k(iv.value), k(iv.lo), k(iv.hi))
                        }),
                    ]
                })
                .collect(),
        }),
        "cleared-per-day" | "queue-per-day" => {
            let cleared = name == "cleared-per-day";
            let mut rows = Vec::new();
            for v in d.variants.iter().filter(|v| v.daily.is_some()) {
                let daily = v.daily.as_ref()?;
                for (g, gate) in d.gates.iter().enumerate() {
                    if !gate.traffic {
                        continue;
                    }
                    let band = if cleared {
                        &daily.cleared[g]
                    } else {
                        &daily.queue[g]
                    };
                    for (y, year) in d.years.iter().enumerate() {
                        let (from, to) = year_days(d, y);
                        if to <= from || to > band.mean.len() {
                            continue;
                        }
                        let days = &band.mean[from..to];
                        let mean = days.iter().sum::<f64>() / days.len() as f64;
                        let peak = days.iter().copied().fold(0.0, f64::max);
                        rows.push(vec![
                            v.name.clone(),
                            gate.name.clone(),
                            year.to_string(),
                            gate.unit.clone(),
                            k(mean),
                            k(peak),
                        ]);
                    }
                }
            }
            Some(Table {
                caption: if cleared {
                    "Cleared per day: yearly mean and highest day (mean over replications)"
                        .to_string()
                } else {
                    "Waiting at the end of the day: yearly mean and highest day (mean over replications)"
                        .to_string()
                },
                header: [
                    "variant",
                    "gate",
                    "year",
                    "counted",
                    "mean per day",
                    "highest day",
                ]
                .map(String::from)
                .to_vec(),
                rows,
            })
        }
        "time-per-stage" => {
            let mut rows = Vec::new();
            for v in &d.variants {
                for (g, gt) in v.gate_time.iter().enumerate() {
                    if !d.gates[g].traffic {
                        continue;
                    }
                    for (k, &(s, minutes)) in gt.stages.iter().enumerate() {
                        let ci = gt.stage_ci.get(k).copied().flatten();
                        rows.push(vec![
                            v.name.clone(),
                            d.gates[g].name.clone(),
                            d.stages[s].label().to_string(),
                            format!(
                                "{}{}",
                                num(minutes / 60.0, 2),
                                ci.map_or(String::new(), |[lo, hi]| format!(
                                    " [{}, {}]",
                                    num(lo / 60.0, 2),
                                    num(hi / 60.0, 2)
                                ))
                            ),
                        ]);
                    }
                    let total = gt.stages.iter().map(|x| x.1).sum::<f64>() + gt.other;
                    rows.push(vec![
                        v.name.clone(),
                        d.gates[g].name.clone(),
                        "road, yard, moving".to_string(),
                        num(gt.other / 60.0, 2),
                    ]);
                    rows.push(vec![
                        v.name.clone(),
                        d.gates[g].name.clone(),
                        "total time at the gate [95 %]".to_string(),
                        format!(
                            "{}{}",
                            num(total / 60.0, 2),
                            gt.total_ci.map_or(String::new(), |[lo, hi]| format!(
                                " [{}, {}]",
                                num(lo / 60.0, 2),
                                num(hi / 60.0, 2)
                            ))
                        ),
                    ]);
                }
            }
            Some(Table {
                caption: format!(
                    "Hours per vehicle{}",
                    d.stage_time_year
                        .map_or(String::new(), |y| format!(" in {y}"))
                ),
                header: ["variant", "gate", "stage", "hours per vehicle [95 %]"]
                    .map(String::from)
                    .to_vec(),
                rows,
            })
        }
        "stage-utilisation" => {
            let mut header = vec!["variant".to_string(), "gate · stage".to_string()];
            header.extend(d.years.iter().map(|y| format!("{y}")));
            let mut rows = Vec::new();
            for v in d.variants.iter().filter(|v| v.daily.is_some()) {
                for (s, st) in d.stages.iter().enumerate() {
                    if !d.gates.get(st.gate).is_some_and(|g| g.traffic) {
                        continue;
                    }
                    let mut r = vec![
                        v.name.clone(),
                        format!("{} · {}", d.gates[st.gate].name, st.label()),
                    ];
                    for y in &d.years {
                        let prefix = format!("{y:04}-");
                        let vals: Vec<f64> = (d.months.iter().zip(&v.utilisation[s]))
                            .filter(|(m, _)| m.starts_with(&prefix))
                            .filter_map(|(_, u)| *u)
                            .collect();
                        r.push(if vals.is_empty() {
                            "closed".to_string()
                        } else {
                            format!(
                                "{:.0} %",
                                vals.iter().sum::<f64>() / vals.len() as f64 * 100.0
                            )
                        });
                    }
                    rows.push(r);
                }
            }
            Some(Table {
                caption: "Utilisation per year: mean of the open months".to_string(),
                header,
                rows,
            })
        }
        _ => None,
    }
}

/// Day range `[from, to)` of year index `y` of the horizon.
fn year_days(d: &ChartData, y: usize) -> (usize, usize) {
    let year = d.years[y];
    let starts = |yr: i32| {
        (d.months.iter().zip(&d.month_start_days))
            .find(|(m, _)| m.starts_with(&format!("{yr:04}-")))
            .map(|(_, &day)| day)
    };
    let from = starts(year).unwrap_or(0);
    let to = starts(year + 1).unwrap_or(d.days);
    (from, to)
}
