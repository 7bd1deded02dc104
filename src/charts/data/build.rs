//! Building the chart record from a run's results (`ChartData::build`).

use super::*;
use crate::engine::MINUTES_PER_DAY;
use crate::model::record::RepRecord;
use crate::model::spec::Figure;
use crate::model::{Model, Plan};
use crate::montecarlo::{RunResult, VariantResult};
use crate::report::Summary;
use crate::stats::Stat;

/// z for a central 90 % normal band (mean ± 1.645 sd).
const Z_90: f64 = 1.644_853_626_951_472_2;

impl ChartData {
    /// Builds the chart record of a complete run.
    pub fn build(
        model: &Model,
        run: &RunResult,
        summary: &Summary,
        manifest: &crate::run_folder::Manifest,
    ) -> ChartData {
        let years = model.years();
        let target_year = model.target_year_index();
        let observed_turnover = model
            .observed
            .iter()
            .filter_map(|o| match o.figure {
                Figure::TurnoverA {
                    year,
                    direction: None,
                } => Some(ObservedPoint {
                    year: years[year],
                    musd: o.value,
                    source: o.source.clone(),
                }),
                _ => None,
            })
            .collect();
        let month_starts = model.month_starts();
        let months = month_starts
            .iter()
            .map(|&d| {
                let date = model.date_of_day(d);
                format!("{:04}-{:02}", date.year, date.month)
            })
            .collect();
        let focus = focus_variants(model, summary, target_year);
        let variants = run
            .variants
            .iter()
            .zip(&summary.variants)
            .enumerate()
            .map(|(i, (vr, vs))| {
                variant_data(
                    model,
                    vr,
                    vs,
                    target_year,
                    &month_starts,
                    focus.contains(&i),
                )
            })
            .collect();
        let stage_year = target_year.unwrap_or(years.len().saturating_sub(1));
        let traffic: Vec<bool> = (0..model.gates.len())
            .map(|g| {
                model.demand.iter().any(|d| d.gate == g && d.per_day > 0.0)
                    || (run.variants.iter())
                        .flat_map(|v| &v.reps)
                        .any(|r| r.gates.get(g).is_some_and(|x| x.departed > 0))
            })
            .collect();
        let unit_of = |g: usize| {
            let mut streams = model.demand.iter().filter(|d| d.gate == g);
            if streams.clone().next().is_some() && streams.all(|d| d.batch > 1) {
                "wagons"
            } else {
                "trucks"
            }
        };
        ChartData {
            scenario: model.name.clone(),
            title: model.title.clone(),
            description: model.description.clone(),
            uncertain: model
                .uncertain
                .iter()
                .map(|u| uncertain_info(model, u))
                .collect(),
            calibration: calibration_info(model, run),
            stage_time_year: years.get(stage_year).copied(),
            scenario_file: manifest.scenario_file.clone(),
            scenario_hash: manifest.scenario_hash.clone(),
            seed: run.seed,
            replications: run.replications,
            wall_s: manifest.wall_s,
            stopping: run.stopping.rule.to_string(),
            worst_half_width: run.stopping.worst_half_width,
            borderflow_version: manifest.borderflow_version.clone(),
            command_line: manifest.command_line.clone(),
            start: model.start.to_string(),
            days: model.days,
            years,
            months,
            month_start_days: month_starts.clone(),
            target: model.target.as_ref().map(|t| TargetLine {
                year: t.year,
                total_musd: t.total_musd,
                export_musd: t.export_musd,
                import_musd: t.import_musd,
                basis_b: t.basis_b,
                gates: t
                    .gates
                    .iter()
                    .map(|&g| model.gates[g].name.clone())
                    .collect(),
            }),
            observed_turnover,
            gates: model
                .gates
                .iter()
                .enumerate()
                .map(|(i, g)| GateInfo {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    traffic: traffic[i],
                    unit: unit_of(i).to_string(),
                })
                .collect(),
            stages: model
                .stages
                .iter()
                .map(|s| StageInfo {
                    gate: s.gate,
                    id: s.id.clone(),
                    name: s.name.clone(),
                })
                .collect(),
            variants,
            time_release: None,
        }
    }
}

/// The variants whose daily series are kept: the first one run and the one with the highest
/// mean basis-A total turnover in the target year (else the last year).
fn focus_variants(model: &Model, summary: &Summary, target_year: Option<usize>) -> Vec<usize> {
    let y = target_year.unwrap_or(model.years().len().saturating_sub(1));
    let mean = |i: usize| {
        summary.variants[i]
            .years
            .get(y)
            .map_or(0.0, |yr| yr.turnover_musd.total.mean)
    };
    let mut focus = vec![0];
    if let Some(best) =
        (1..summary.variants.len()).max_by(|&a, &b| mean(a).total_cmp(&mean(b)).then(b.cmp(&a)))
        && mean(best) > mean(0)
    {
        focus.push(best);
    }
    focus
}

/// Rounds to 0.01: daily series are drawn, not computed with, and this keeps the file small.
fn centi(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn interval_of(stat: &Stat) -> Interval {
    let [lo, hi] = stat.ci95.unwrap_or([stat.mean, stat.mean]);
    Interval {
        value: stat.mean,
        lo,
        hi,
    }
}

fn variant_data(
    model: &Model,
    vr: &VariantResult,
    vs: &crate::report::summary::VariantOut,
    target_year: Option<usize>,
    month_starts: &[usize],
    focus: bool,
) -> VariantData {
    let reps = &vr.reps;
    let plan = Plan::new(model, vr.variant);
    let ng = model.gates.len();
    let p_target = vs.p_target.as_ref().map(|p| {
        [Some(&p.total), p.export.as_ref(), p.import.as_ref()].map(|x| match x {
            Some(x) => Interval {
                value: x.p,
                lo: x.ci95[0],
                hi: x.ci95[1],
            },
            None => Interval {
                value: f64::NAN,
                lo: f64::NAN,
                hi: f64::NAN,
            },
        })
    });
    let target_year_musd = match target_year {
        Some(y) => {
            let part = |f: fn(&crate::model::record::Split<f64>) -> f64| {
                let t = model
                    .target
                    .as_ref()
                    .expect("a target year implies a target");
                reps.iter()
                    .map(|r| f(&r.target_turnover_musd(t, y)))
                    .collect()
            };
            [part(|s| s.total), part(|s| s.export), part(|s| s.import)]
        }
        None => [Vec::new(), Vec::new(), Vec::new()],
    };
    let years = (0..model.years().len())
        .map(|y| {
            Quantiles::of(
                &reps
                    .iter()
                    .map(|r| r.turnover_a_musd(y).total)
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let band = |sums: &[crate::stats::CountSum], g: usize| {
        let mut b = DailyBand {
            mean: Vec::with_capacity(model.days),
            lo: Vec::with_capacity(model.days),
            hi: Vec::with_capacity(model.days),
        };
        for d in 0..model.days {
            let c = &sums[d * ng + g];
            let (m, sd) = (c.mean(), c.sd().unwrap_or(0.0));
            b.mean.push(centi(m));
            b.lo.push(centi((m - Z_90 * sd).max(0.0)));
            b.hi.push(centi(m + Z_90 * sd));
        }
        b
    };
    let daily = focus.then(|| VariantDaily {
        cleared: (0..ng).map(|g| band(&vr.daily_cleared, g)).collect(),
        queue: (0..ng).map(|g| band(&vr.daily_queue, g)).collect(),
        yard_capacity: (0..ng)
            .map(|g| {
                (0..model.days)
                    .map(|d| {
                        let c = plan.yard_cap[g].get(d).copied().unwrap_or(u32::MAX);
                        (c != u32::MAX).then_some(c)
                    })
                    .collect()
            })
            .collect(),
    });
    let spec = &model.variants[vr.variant];
    let mut change_days: Vec<usize> = (spec.changes.iter())
        .chain((spec.members.iter()).flat_map(|&m| model.variants[m].changes.iter()))
        .map(|c| c.from_day)
        .filter(|&d| d < model.days)
        .collect();
    change_days.sort_unstable();
    change_days.dedup();
    VariantData {
        name: vs.name.clone(),
        description: spec.description.clone(),
        change_days,
        colour: vr.variant,
        p_target,
        target_year_musd,
        years,
        vs_baseline: vs
            .vs_baseline
            .as_ref()
            .map(|b| interval_of(&b.turnover_total_musd)),
        daily,
        gate_time: gate_times(
            model,
            reps,
            target_year.unwrap_or(model.years().len().saturating_sub(1)),
        ),
        utilisation: utilisation(model, &plan, reps, month_starts),
    }
}

/// Where a vehicle's time at each gate goes in year `y` (index into the horizon's years):
/// per stage, waiting plus service per vehicle that left the gate, mean over replications;
/// the rest of the time in system (road, yard, moving) as `other`, and the 95 % interval of
/// the mean time in system.
fn gate_times(model: &Model, reps: &[RepRecord], y: usize) -> Vec<GateTime> {
    let n = reps.len().max(1) as f64;
    fn year(r: &RepRecord, y: usize) -> Option<&crate::model::record::YearRecord> {
        r.years.get(y)
    }
    (0..model.gates.len())
        .map(|g| {
            let departed = |r: &RepRecord| {
                year(r, y)
                    .and_then(|yr| yr.gates.get(g))
                    .map_or(0, |x| x.departed) as f64
            };
            let mut stages: Vec<(usize, f64)> = Vec::new();
            let mut stage_ci = Vec::new();
            let mut total_stage = 0.0;
            for (s, st) in model.stages.iter().enumerate() {
                if st.gate != g {
                    continue;
                }
                let per_rep: Vec<f64> = reps
                    .iter()
                    .map(|r| {
                        let rec = year(r, y).and_then(|yr| yr.stages.get(s)).copied();
                        let used = rec.map_or(0.0, |x| x.wait_min + x.busy_min);
                        used / departed(r).max(1.0)
                    })
                    .collect();
                let minutes = per_rep.iter().sum::<f64>() / n;
                total_stage += minutes;
                stages.push((s, minutes));
                stage_ci.push(Stat::of(&per_rep).ci95);
            }
            let tis: Vec<f64> = reps
                .iter()
                .filter(|r| departed(r) > 0.0)
                .map(|r| {
                    year(r, y)
                        .and_then(|yr| yr.gates.get(g))
                        .map_or(0.0, |x| x.time_in_system_min)
                        / departed(r)
                })
                .collect();
            let stat = Stat::of(&tis);
            GateTime {
                stages,
                other: if tis.is_empty() {
                    0.0
                } else {
                    (stat.mean - total_stage).max(0.0)
                },
                total_ci: stat.ci95,
                stage_ci,
            }
        })
        .collect()
}

/// An `[[uncertain]]` parameter for people: its distribution and where it applies.
fn uncertain_info(model: &Model, u: &crate::model::spec::Uncertain) -> UncertainInfo {
    let mut applies = Vec::new();
    let date = |d: usize| model.date_of_day(d).to_string();
    match (u.from_day, u.to_day) {
        (0, usize::MAX) => applies.push("whole horizon".to_string()),
        (f, usize::MAX) => applies.push(format!("from {}", date(f))),
        (0, t) => applies.push(format!("until {}", date(t))),
        (f, t) => applies.push(format!("{} to {}", date(f), date(t))),
    }
    if !u.gates.is_empty() && u.gates.len() < model.gates.len() {
        let names: Vec<&str> = u
            .gates
            .iter()
            .map(|&g| model.gates[g].name.as_str())
            .collect();
        applies.push(names.join(", "));
    }
    if !u.stages.is_empty() {
        let mut names: Vec<&str> = u
            .stages
            .iter()
            .map(|&s| model.stages[s].name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        applies.push(names.join(", "));
    }
    match u.directions {
        1 => applies.push("exports".to_string()),
        2 => applies.push("imports".to_string()),
        _ => {}
    }
    if !u.variants.is_empty() {
        let names: Vec<&str> = u
            .variants
            .iter()
            .map(|&v| model.variants[v].name.as_str())
            .collect();
        applies.push(format!("variants {}", names.join(", ")));
    }
    UncertainInfo {
        name: u.name.clone(),
        kind: u.kind.as_str().to_string(),
        distribution: format!("× {}", u.factor.describe()),
        applies: applies.join("; "),
        note: u.note.clone(),
    }
}

/// The calibration table of the run's history variant (`[scenario] history`, else the first
/// variant, as `calibrate` does), if it was run and the file has `[[observed]]` figures. A run keeps no per-day records per replication
/// (only their sums over replications), so a per-day figure gets its mean and no band; a
/// queue by direction is left out (`borderflow calibrate` computes it).
fn calibration_info(model: &Model, run: &RunResult) -> Option<CalibrationInfo> {
    // as `calibrate`: the history variant, else the first of the file
    let h = model.history.unwrap_or(0);
    let vr = run.variants.iter().find(|v| v.variant == h)?;
    if model.observed.is_empty() || vr.reps.is_empty() {
        return None;
    }
    let ng = model.gates.len();
    let has_daily = vr.reps.iter().all(|r| r.daily.len() == model.days * ng);
    let mut rows = Vec::new();
    let mut left_out = Vec::new();
    for o in &model.observed {
        let needs_daily = matches!(o.figure, Figure::DailyCleared { .. } | Figure::Queue { .. });
        let (mean, band, decided) = if has_daily || !needs_daily {
            let values: Vec<f64> = (vr.reps.iter())
                .map(|r| crate::report::calibration::simulated(model, &o.figure, r))
                .collect();
            let row = crate::report::calibration::rows_of(o, &values);
            (
                row.simulated.mean,
                Some([row.simulated.p5, row.simulated.p95]),
                row.decided,
            )
        } else {
            let cell = |sums: &[crate::stats::CountSum], d: usize, g: usize| {
                sums.get(d * ng + g).map_or(f64::NAN, |c| c.mean())
            };
            let mean = match &o.figure {
                Figure::DailyCleared {
                    gates,
                    from_day,
                    to_day,
                } => {
                    let total: f64 = (*from_day..=*to_day)
                        .flat_map(|d| gates.iter().map(move |&g| (d, g)))
                        .map(|(d, g)| cell(&vr.daily_cleared, d, g))
                        .sum();
                    total / (to_day - from_day + 1) as f64
                }
                Figure::Queue {
                    gates,
                    day,
                    direction: None,
                } => gates.iter().map(|&g| cell(&vr.daily_queue, *day, g)).sum(),
                _ => {
                    left_out.push(o.name.clone());
                    continue;
                }
            };
            (mean, None, false)
        };
        rows.push(CalibrationRow {
            name: o.name.clone(),
            usage: o.usage.as_str().to_string(),
            observed: o.value,
            mean,
            band,
            relative_error: (mean - o.value) / o.value,
            tolerance: crate::report::calibration::tolerance_text(o.tolerance),
            within: o.tolerance.accepts(o.value, mean),
            decided,
            source: o.source.clone(),
        });
    }
    Some(CalibrationInfo {
        variant: model.variants[h].name.clone(),
        history: model.history.is_some(),
        rows,
        left_out,
    })
}

/// Busy server-minutes / available server-minutes per stage and month, mean over replications.
fn utilisation(
    model: &Model,
    plan: &Plan,
    reps: &[RepRecord],
    month_starts: &[usize],
) -> Vec<Vec<Option<f64>>> {
    let ns = model.stages.len();
    let nm = month_starts.len();
    let n = reps.len().max(1) as f64;
    (0..ns)
        .map(|s| {
            (0..nm)
                .map(|m| {
                    let from = month_starts[m] as f64 * MINUTES_PER_DAY;
                    let to = month_starts.get(m + 1).copied().unwrap_or(model.days) as f64
                        * MINUTES_PER_DAY;
                    let avail = plan.schedules[s].server_minutes(from, to);
                    let busy = reps
                        .iter()
                        .map(|r| r.busy_by_month.get(m * ns + s).copied().unwrap_or(0.0))
                        .sum::<f64>()
                        / n;
                    (avail > 0.0).then(|| (busy / avail).clamp(0.0, 1.0))
                })
                .collect()
        })
        .collect()
}
