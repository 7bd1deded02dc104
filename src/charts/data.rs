//! What the charts draw: one serialisable record built from a run's results.
//!
//! A run writes it as `charts.json`; `borderflow plot RUN_DIR` reads it back (floats round-trip
//! exactly), so the charts drawn after the run and those redrawn later come from the same
//! numbers and are byte-identical.

use serde::{Deserialize, Serialize};

use crate::engine::MINUTES_PER_DAY;
use crate::model::record::RepRecord;
use crate::model::spec::Figure;
use crate::model::{Model, Plan};
use crate::montecarlo::{RunResult, VariantResult};
use crate::report::Summary;
use crate::stats::{Stat, percentile_sorted};

/// z for a central 90 % normal band (mean ± 1.645 sd).
const Z_90: f64 = 1.644_853_626_951_472_2;

/// Everything the charts and `report.html` need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartData {
    /// Scenario name.
    pub scenario: String,
    /// Scenario name for people (`[scenario] title`), e.g. `Lạng Sơn`.
    #[serde(default)]
    pub title: String,
    /// What the scenario is for (`[scenario] description`).
    #[serde(default)]
    pub description: String,
    /// Scenario file as given to `run`.
    pub scenario_file: String,
    /// FNV-1a hash of the scenario file's bytes, hex.
    pub scenario_hash: String,
    /// Master seed.
    pub seed: u64,
    /// Replications per variant (the most any variant ran).
    pub replications: usize,
    /// Wall time of the run, **seconds** (0 when unknown).
    #[serde(default)]
    pub wall_s: f64,
    /// Why the run stopped (`fixed`, `precision`, `max_replications`).
    pub stopping: String,
    /// Widest 95 % half-width of P(total target) over variants, if there is a target.
    pub worst_half_width: Option<f64>,
    /// borderflow version that made the run.
    pub borderflow_version: String,
    /// Command line that made the run.
    pub command_line: Vec<String>,
    /// First simulated date, `YYYY-MM-DD`.
    pub start: String,
    /// Simulated days.
    pub days: usize,
    /// Calendar years of the horizon.
    pub years: Vec<i32>,
    /// Months of the horizon, `YYYY-MM`.
    pub months: Vec<String>,
    /// First day index of each month in `months`.
    pub month_start_days: Vec<usize>,
    /// The turnover target, if any.
    pub target: Option<TargetLine>,
    /// Observed basis-A turnover (total, both directions) from the scenario's `[[observed]]`.
    pub observed_turnover: Vec<ObservedPoint>,
    /// Gates, in scenario order.
    pub gates: Vec<GateInfo>,
    /// Stages, in scenario order.
    pub stages: Vec<StageInfo>,
    /// Variants, in the order run.
    pub variants: Vec<VariantData>,
    /// The Time Release Study table of `run --trace`, if the run traced a replication.
    #[serde(default)]
    pub time_release: Option<crate::report::trace::TimeRelease>,
    /// The parameters drawn per replication (`[[uncertain]]`), in file order.
    #[serde(default)]
    pub uncertain: Vec<UncertainInfo>,
    /// Observed against simulated for the history variant, if it was run and the file has
    /// `[[observed]]` figures.
    #[serde(default)]
    pub calibration: Option<CalibrationInfo>,
    /// The year `GateTime` describes (the target year, else the last).
    #[serde(default)]
    pub stage_time_year: Option<i32>,
}

/// One `[[uncertain]]` parameter, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UncertainInfo {
    /// Name.
    pub name: String,
    /// What it multiplies (`demand`, `service`, ...).
    pub kind: String,
    /// Its distribution, e.g. `triangular 0.8–1.25, mode 1`.
    pub distribution: String,
    /// Where and when it applies, e.g. `2023-01-01 to 2025-01-01; Hữu Nghị; export`.
    pub applies: String,
    /// Source and reasoning from the file.
    pub note: String,
}

/// The calibration table of one run: observed figures against the history variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationInfo {
    /// The variant compared (`[scenario] history`, else the first variant).
    pub variant: String,
    /// The file names it as the variant that reproduces history.
    #[serde(default)]
    pub history: bool,
    /// One row per `[[observed]]` figure, in file order.
    pub rows: Vec<CalibrationRow>,
    /// Figures a run's records cannot give (per-day figures by direction).
    #[serde(default)]
    pub left_out: Vec<String>,
}

/// One observed figure against the simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationRow {
    /// What it is.
    pub name: String,
    /// `fit` (parameters were fitted to it) or `check` (none was).
    pub usage: String,
    /// Observed value.
    pub observed: f64,
    /// Simulated mean over replications (`NaN`, written `null`, if it cannot be computed).
    #[serde(deserialize_with = "number_or_nan")]
    pub mean: f64,
    /// 5th and 95th percentiles over replications (`None`: a per-day figure, whose
    /// replications a run does not keep).
    pub band: Option<[f64; 2]>,
    /// (mean − observed) / observed.
    #[serde(deserialize_with = "number_or_nan")]
    pub relative_error: f64,
    /// The acceptance rule, e.g. `±15%`.
    pub tolerance: String,
    /// The mean lies within the tolerance.
    pub within: bool,
    /// The verdict would not change with more replications.
    pub decided: bool,
    /// Where the observed number comes from.
    pub source: String,
}

/// The target (million USD).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetLine {
    /// Target year.
    pub year: i32,
    /// Total (exports + imports), million USD.
    pub total_musd: f64,
    /// Exports, million USD (`None`: no export target).
    pub export_musd: Option<f64>,
    /// Imports, million USD (`None`: no import target).
    pub import_musd: Option<f64>,
    /// Basis B (all goods crossing) rather than A (declared at Lạng Sơn customs).
    #[serde(default)]
    pub basis_b: bool,
    /// Display names of the gates counted (empty: all).
    #[serde(default)]
    pub gates: Vec<String>,
}

/// An observed yearly figure, million USD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedPoint {
    /// Calendar year.
    pub year: i32,
    /// Observed turnover, million USD.
    pub musd: f64,
    /// Where the figure comes from.
    pub source: String,
}

/// A gate's id and display name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateInfo {
    /// Gate id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Vehicles pass it in some variant (false: no modelled demand reaches it).
    #[serde(default = "yes")]
    pub traffic: bool,
    /// What it counts: `trucks`, or `wagons` at a rail gate.
    #[serde(default = "vehicles")]
    pub unit: String,
}

fn yes() -> bool {
    true
}

fn vehicles() -> String {
    "vehicles".to_string()
}

/// A stage: its gate (index into `gates`) and id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageInfo {
    /// Index into `gates`.
    pub gate: usize,
    /// Stage id.
    pub id: String,
    /// Stage name for people (the file's `name`, else made from the id).
    #[serde(default)]
    pub name: String,
}

impl StageInfo {
    /// The name to show.
    pub fn label(&self) -> &str {
        if self.name.is_empty() {
            &self.id
        } else {
            &self.name
        }
    }
}

/// A proportion with its Wilson 95 % interval (all `NaN`, written `null`, where there is no
/// such target: a direction without a target figure).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The estimate.
    #[serde(deserialize_with = "number_or_nan")]
    pub value: f64,
    /// Lower end of the 95 % interval.
    #[serde(deserialize_with = "number_or_nan")]
    pub lo: f64,
    /// Upper end of the 95 % interval.
    #[serde(deserialize_with = "number_or_nan")]
    pub hi: f64,
}

/// A number, or `null` (how JSON writes `NaN`) read back as `NaN`.
fn number_or_nan<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// Quantiles of one figure over replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Quantiles {
    /// Mean.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Quantiles {
    /// Quantiles of `values` (type 7); zeros for an empty input.
    pub fn of(values: &[f64]) -> Quantiles {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        let mean = if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        };
        let q = |p| percentile_sorted(&v, p);
        Quantiles {
            mean,
            p5: q(0.05),
            p25: q(0.25),
            p50: q(0.5),
            p75: q(0.75),
            p95: q(0.95),
        }
    }
}

/// A daily series over replications: mean and a 90 % band (mean ± 1.645 sd, at least 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyBand {
    /// Mean per day.
    pub mean: Vec<f64>,
    /// Lower end of the band per day.
    pub lo: Vec<f64>,
    /// Upper end of the band per day.
    pub hi: Vec<f64>,
}

/// A focus variant's daily series per gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantDaily {
    /// Vehicles cleared per day, per gate.
    pub cleared: Vec<DailyBand>,
    /// Vehicles waiting (yard and road) at the end of each day, per gate.
    pub queue: Vec<DailyBand>,
    /// Holding-yard capacity per gate per day, vehicles (`None`: no yard limit).
    pub yard_capacity: Vec<Vec<Option<u32>>>,
}

/// Where an average vehicle's time at a gate goes, **minutes per vehicle departed**.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateTime {
    /// Per stage of the gate (index into `ChartData::stages`): wait + service, minutes.
    pub stages: Vec<(usize, f64)>,
    /// The rest of the mean time in system: road queue, yard, moving between stages.
    pub other: f64,
    /// 95 % interval (Student t over replications) of the mean time in system, minutes:
    /// the stages plus `other`.
    #[serde(default)]
    pub total_ci: Option<[f64; 2]>,
    /// 95 % interval (Student t) of each stage's mean in `stages`, minutes, in the same order.
    #[serde(default)]
    pub stage_ci: Vec<Option<[f64; 2]>>,
}

/// One variant's share of the charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantData {
    /// Variant name.
    pub name: String,
    /// Index of the variant in the scenario: its colour everywhere.
    pub colour: usize,
    /// P(target reached) `[total, export, import]`, if there is a target.
    pub p_target: Option<[Interval; 3]>,
    /// Target-year basis-A turnover per replication `[total, export, import]`, million USD.
    pub target_year_musd: [Vec<f64>; 3],
    /// Basis-A total turnover per year (as `ChartData::years`), million USD.
    pub years: Vec<Quantiles>,
    /// What the variant is (`description` in the file).
    #[serde(default)]
    pub description: String,
    /// Days (from the start) on which the variant's own changes begin, in order.
    #[serde(default)]
    pub change_days: Vec<usize>,
    /// Paired difference of target-year total turnover to the baseline, million USD
    /// (mean and Student-t 95 % interval); `None` for the baseline or without a target.
    pub vs_baseline: Option<Interval>,
    /// Daily series per gate, kept for the focus variants only (the first variant run and
    /// the one with the highest mean target-year turnover), to keep `charts.json` small.
    pub daily: Option<VariantDaily>,
    /// Time per stage per gate.
    pub gate_time: Vec<GateTime>,
    /// Utilisation per stage and month: `utilisation[stage][month]`, 0..1 (`None`: closed).
    pub utilisation: Vec<Vec<Option<f64>>>,
}

/// Most variants, gates or stages a chart record may hold (each is a row or panel of a chart).
pub const MAX_CHART_ROWS: usize = 10_000;

impl ChartData {
    /// Checks that the record's parts agree (as `build` makes them), so that drawing never
    /// indexes out of bounds: `charts.json` is input like any other. Says what disagrees.
    pub fn check(&self) -> Result<(), String> {
        let (ng, ns, nm, ny) = (
            self.gates.len(),
            self.stages.len(),
            self.months.len(),
            self.years.len(),
        );
        let fail = |what: String| Err(what);
        // chart sizes grow with these counts (u32 pixels): bound them so sizes stay exact; the
        // pixel budget of each chart is checked when it is drawn
        for (what, n) in [
            ("variants", self.variants.len()),
            ("gates", ng),
            ("stages", ns),
        ] {
            if n > MAX_CHART_ROWS {
                return fail(format!(
                    "{n} {what}, more than the {MAX_CHART_ROWS} that charts can show"
                ));
            }
        }
        if self.month_start_days.len() != nm {
            return fail(format!(
                "month_start_days has {} entries for {nm} months",
                self.month_start_days.len()
            ));
        }
        if let Some((m, month)) = (self.months.iter().enumerate()).find(|(_, m)| !is_month(m)) {
            let shown: String = month.chars().take(20).collect();
            return fail(format!(
                "months[{m}] is {shown:?}{}, not a month written YYYY-MM",
                if shown.len() < month.len() {
                    " (cut)"
                } else {
                    ""
                }
            ));
        }
        for (s, st) in self.stages.iter().enumerate() {
            if st.gate >= ng {
                return fail(format!(
                    "stages[{s}].gate is {} but there are {ng} gates",
                    st.gate
                ));
            }
        }
        for v in &self.variants {
            let at = |what: String| Err(format!("variant `{}`: {what}", v.name));
            if v.years.len() != ny {
                return at(format!(
                    "years has {} entries for {ny} years",
                    v.years.len()
                ));
            }
            if v.gate_time.len() != ng {
                return at(format!(
                    "gate_time has {} entries for {ng} gates",
                    v.gate_time.len()
                ));
            }
            for (g, gt) in v.gate_time.iter().enumerate() {
                if let Some(&(s, _)) = gt.stages.iter().find(|(s, _)| *s >= ns) {
                    return at(format!(
                        "gate_time[{g}] names stage {s} but there are {ns} stages"
                    ));
                }
            }
            if v.utilisation.len() != ns || v.utilisation.iter().any(|r| r.len() != nm) {
                return at(format!("utilisation is not {ns} stages × {nm} months"));
            }
            if let Some(daily) = &v.daily {
                let bands_ok = |b: &[DailyBand]| {
                    b.len() == ng
                        && b.iter().all(|b| {
                            b.mean.len() == self.days
                                && b.lo.len() == self.days
                                && b.hi.len() == self.days
                        })
                };
                if !bands_ok(&daily.cleared)
                    || !bands_ok(&daily.queue)
                    || daily.yard_capacity.len() != ng
                    || daily.yard_capacity.iter().any(|y| y.len() != self.days)
                {
                    return at(format!(
                        "daily series are not {ng} gates × {} days",
                        self.days
                    ));
                }
            }
        }
        Ok(())
    }

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

    /// The gates some vehicle passes, in order (the gate charts leave out the others).
    pub fn gates_with_traffic(&self) -> Vec<usize> {
        (0..self.gates.len())
            .filter(|&g| self.gates[g].traffic)
            .collect()
    }

    /// The stages of those gates, in order.
    pub fn stages_with_traffic(&self) -> Vec<usize> {
        (0..self.stages.len())
            .filter(|&s| {
                self.gates
                    .get(self.stages[s].gate)
                    .is_some_and(|g| g.traffic)
            })
            .collect()
    }

    /// The scenario's name for people (`title`, else `scenario`).
    pub fn display_name(&self) -> &str {
        if self.title.is_empty() {
            &self.scenario
        } else {
            &self.title
        }
    }

    /// Year index of the target year, if the horizon covers it.
    pub fn target_year_index(&self) -> Option<usize> {
        let t = self.target.as_ref()?;
        self.years.iter().position(|&y| y == t.year)
    }
}

/// True for `YYYY-MM` with a month 01–12, as `build` writes `months` (the charts label
/// years with its first four characters).
fn is_month(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && (b[..4].iter().chain(&b[5..])).all(u8::is_ascii_digit)
        && matches!(
            &s[5..],
            "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"
        )
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
