//! What the charts draw: one serialisable record built from a run's results.
//!
//! A run writes it as `charts.json`; `borderflow plot RUN_DIR` reads it back (floats round-trip
//! exactly), so the charts drawn after the run and those redrawn later come from the same
//! numbers and are byte-identical.

use serde::{Deserialize, Serialize};

use crate::stats::percentile_sorted;

mod build;

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
