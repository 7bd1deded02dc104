//! The summary object of the output contract (`summary.json`, `--json`), built from run
//! results by pure functions.

use serde::Serialize;

use crate::model::Model;
use crate::model::record::RepRecord;
use crate::montecarlo::{RunResult, Stopping, VariantResult};
use crate::stats::{Stat, Tally, mser5, wilson_interval};

const USD_PER_MUSD: f64 = 1e6;

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Master seed used.
    pub seed: u64,
    /// Replications per variant.
    pub replications: usize,
    /// The target, if the scenario has one.
    pub target: Option<TargetOut>,
    /// Why the run stopped (fixed count, precision reached, the ceiling, or interrupted).
    pub stopping: Stopping,
    /// True when the run was interrupted: the figures cover the complete replications only,
    /// and `borderflow run --resume DIR` continues it.
    pub partial: bool,
    /// Replication i of every variant shared random streams (paired comparisons are valid).
    pub common_random_numbers: bool,
    /// Replications per draw of the uncertain parameters.
    pub replications_per_parameter_draw: usize,
    /// Names of the uncertain parameters (drawn once per parameter draw).
    pub uncertain_parameters: Vec<String>,
    /// Per variant.
    pub variants: Vec<VariantOut>,
}

/// How much of the spread comes from what we do not know (parameters) rather than from
/// day-to-day randomness. Needs at least 2 replications per parameter draw.
#[derive(Debug, Clone, Serialize)]
pub struct UncertaintyOut {
    /// Parameter draws.
    pub parameter_draws: usize,
    /// P(total target) within each parameter draw, summarised over draws.
    pub p_target_total_by_draw: Option<Stat>,
    /// Share of the variance of target-year total turnover due to the parameters (one-way
    /// random-effects ANOVA), 0..1.
    pub turnover_variance_share_parameters: Option<f64>,
}

/// The target (million USD).
#[derive(Debug, Clone, Serialize)]
pub struct TargetOut {
    /// Target year.
    pub year: i32,
    /// Total (exports + imports), million USD.
    pub total_musd: f64,
    /// Exports, million USD (absent: no export target).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export_musd: Option<f64>,
    /// Imports, million USD (absent: no import target).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_musd: Option<f64>,
    /// `A` (declared at Lạng Sơn customs: the default, left out) or `B` (all goods crossing).
    #[serde(skip_serializing_if = "is_basis_a")]
    pub basis: String,
    /// Gate ids whose turnover counts (left out when empty: all gates).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gates: Vec<String>,
}

fn is_basis_a(basis: &str) -> bool {
    basis == "A"
}

/// A proportion with its Wilson 95 % interval.
#[derive(Debug, Clone, Serialize)]
pub struct Proportion {
    /// Share of replications.
    pub p: f64,
    /// Wilson 95 % interval `[low, high]`.
    pub ci95: [f64; 2],
}

/// P(target reached) for total, export and import.
#[derive(Debug, Clone, Serialize)]
pub struct PTarget {
    /// P(total turnover ≥ its target).
    pub total: Proportion,
    /// P(exports ≥ their target); absent when the target has no export figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export: Option<Proportion>,
    /// P(imports ≥ their target); absent when the target has no import figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import: Option<Proportion>,
}

/// Turnover STATs, million USD.
#[derive(Debug, Clone, Serialize)]
pub struct Turnover {
    /// Exports plus imports.
    pub total: Stat,
    /// Exports.
    pub export: Stat,
    /// Imports.
    pub import: Stat,
}

/// One year of a variant.
#[derive(Debug, Clone, Serialize)]
pub struct YearOut {
    /// Calendar year.
    pub year: i32,
    /// Basis A: declared at Lạng Sơn customs, million USD.
    pub turnover_musd: Turnover,
    /// Basis B: all goods crossing the province's gates, million USD.
    pub turnover_basis_b_musd: Turnover,
    /// Vehicles cleared by customs in the year.
    pub trucks_cleared: Stat,
    /// Value of perishable loads that spoiled while waiting, million USD.
    pub value_spoiled_musd: Stat,
    /// Vehicles diverted by a gate's `diversion` rule.
    pub trucks_diverted: Stat,
    /// Vehicles not sent (trade lost to delay) or diverted out of the province.
    pub trucks_left_province: Stat,
    /// Vehicles sent to another gate than declared (gate choice or diversion).
    pub trucks_redirected: Stat,
    /// Median arrival-to-departure time of vehicles departing this year, minutes.
    pub time_in_system_p50_min: Stat,
}

/// One gate of a variant.
#[derive(Debug, Clone, Serialize)]
pub struct GateOut {
    /// Gate id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Vehicles cleared over the horizon.
    pub trucks_cleared: Stat,
    /// Mean arrival-to-departure time, minutes.
    pub time_in_system_min: Stat,
    /// 95th percentile of the arrival-to-departure time, minutes.
    pub time_in_system_p95_min: Stat,
    /// Most vehicles waiting at once (road + yard + stage queues).
    pub max_queue: Stat,
    /// Most vehicles waiting on the road at once (yard full).
    pub max_road_queue: Stat,
}

/// One stage of a variant.
#[derive(Debug, Clone, Serialize)]
pub struct StageOut {
    /// Gate id.
    pub gate: String,
    /// Stage id.
    pub stage: String,
    /// Services completed.
    pub served: Stat,
    /// Mean wait in the queue, minutes.
    pub wait_min: Stat,
    /// 95th percentile of the wait, minutes.
    pub wait_p95_min: Stat,
    /// Share of vehicles that waited at all.
    pub p_wait: Stat,
    /// Busy servers over open servers, time-weighted.
    pub utilization: Stat,
    /// Mean vehicles waiting, time-weighted.
    pub mean_queue: Stat,
    /// Arrivals per minute.
    pub arrivals_per_min: Stat,
    /// Arrivals turned away by a full queue (`queue_limit`).
    pub blocked: Stat,
}

/// Paired difference to the baseline variant (common random numbers), million USD.
#[derive(Debug, Clone, Serialize)]
pub struct VsBaseline {
    /// The baseline variant's name.
    pub baseline: String,
    /// Target-year total turnover minus the baseline's, paired by replication, million USD.
    pub turnover_total_musd: Stat,
    /// Reached-target indicator minus the baseline's, paired by replication.
    pub p_target_total: Stat,
}

/// One variant.
#[derive(Debug, Clone, Serialize)]
pub struct VariantOut {
    /// Variant name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Replications this variant ran (with a precision rule each variant stops on its own;
    /// the top-level `replications` is the most any ran).
    pub replications: usize,
    /// P(target) in the target year, if the scenario has a target.
    pub p_target: Option<PTarget>,
    /// The turnover the target counts in its year, when it is not the basis-A total of all
    /// gates (`years[].turnover_musd`): a basis-B or per-gate target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_turnover_musd: Option<Turnover>,
    /// Per calendar year of the horizon.
    pub years: Vec<YearOut>,
    /// Per gate.
    pub gates: Vec<GateOut>,
    /// Per stage.
    pub stages: Vec<StageOut>,
    /// Paired difference to the `baseline` variant (absent for the baseline itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vs_baseline: Option<VsBaseline>,
    /// Parameter versus day-to-day uncertainty (present when the scenario has uncertain parameters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<UncertaintyOut>,
    /// MSER-5 check on the daily number of vehicles waiting (all gates, mean over
    /// replications): the warm-up it suggests, in days.
    pub mser5_warmup_days: Option<usize>,
}

fn uncertainty(model: &Model, vr: &VariantResult, inner: usize) -> Option<UncertaintyOut> {
    if model.uncertain.is_empty() {
        return None;
    }
    let groups: Vec<&[RepRecord]> = vr.reps.chunks(inner.max(1)).collect();
    let ty = model.target_year_index();
    let nested = inner >= 2 && groups.len() >= 2;
    let p_by_draw = match (nested, ty) {
        (true, Some(y)) => Some(Stat::of(
            &groups
                .iter()
                .map(|g| {
                    g.iter().filter(|r| reached(model, r, y).total).count() as f64 / g.len() as f64
                })
                .collect::<Vec<_>>(),
        )),
        _ => None,
    };
    let share = match (nested, ty) {
        (true, Some(y)) => {
            // one-way random effects on complete groups of size k
            let k = inner as f64;
            let full: Vec<&[RepRecord]> = groups
                .iter()
                .copied()
                .filter(|g| g.len() == inner)
                .collect();
            let means: Vec<f64> = full
                .iter()
                .map(|g| g.iter().map(|r| target_total(model, r, y)).sum::<f64>() / k)
                .collect();
            let mut within = Tally::new();
            let mut ss_within = 0.0;
            for (g, m) in full.iter().zip(&means) {
                for r in g.iter() {
                    let x = target_total(model, r, y);
                    within.add(x);
                    ss_within += (x - m).powi(2);
                }
            }
            let a = full.len() as f64;
            let ms_within = ss_within / (a * (k - 1.0));
            let mut between = Tally::new();
            means.iter().for_each(|&m| between.add(m));
            let ms_between = between.variance().unwrap_or(0.0) * k;
            let var_param = ((ms_between - ms_within) / k).max(0.0);
            let total = var_param + ms_within;
            (total > 0.0).then(|| var_param / total)
        }
        _ => None,
    };
    Some(UncertaintyOut {
        parameter_draws: groups.len(),
        p_target_total_by_draw: p_by_draw,
        turnover_variance_share_parameters: share,
    })
}

fn mser5_days(model: &Model, vr: &VariantResult) -> Option<usize> {
    let ng = model.gates.len();
    let series: Vec<f64> = (0..model.days)
        .map(|d| (0..ng).map(|g| vr.daily_queue[d * ng + g].mean()).sum())
        .collect();
    mser5(&series)
}

/// The total turnover the target counts (its basis and gates; basis A without a target),
/// **million USD**.
fn target_total(model: &Model, r: &RepRecord, y: usize) -> f64 {
    match &model.target {
        Some(t) => r.target_turnover_musd(t, y).total,
        None => r.turnover_a_musd(y).total,
    }
}

fn stat(reps: &[RepRecord], f: impl Fn(&RepRecord) -> Option<f64>) -> Stat {
    let v: Vec<f64> = reps.iter().filter_map(f).collect();
    Stat::of(&v)
}

fn proportion(hits: impl Iterator<Item = bool>) -> Proportion {
    let (mut k, mut n) = (0u64, 0u64);
    for h in hits {
        n += 1;
        k += h as u64;
    }
    Proportion {
        p: if n > 0 { k as f64 / n as f64 } else { 0.0 },
        ci95: wilson_interval(k, n),
    }
}

/// Whether replication `r` reaches the target in year index `y`.
pub fn reached(model: &Model, r: &RepRecord, y: usize) -> crate::model::record::Split<bool> {
    r.reached(
        model.target.as_ref().expect("caller checks for a target"),
        y,
    )
}

fn variant_out(
    model: &Model,
    vr: &VariantResult,
    baseline: Option<&VariantResult>,
    inner: usize,
) -> VariantOut {
    let reps = &vr.reps;
    let v = &model.variants[vr.variant];
    let ty = model.target_year_index();
    let p_target = ty.map(|y| PTarget {
        total: proportion(reps.iter().map(|r| reached(model, r, y).total)),
        export: (model.target.as_ref())
            .and_then(|t| t.export_musd)
            .map(|_| proportion(reps.iter().map(|r| reached(model, r, y).export))),
        import: (model.target.as_ref())
            .and_then(|t| t.import_musd)
            .map(|_| proportion(reps.iter().map(|r| reached(model, r, y).import))),
    });
    let years = model
        .years()
        .iter()
        .enumerate()
        .map(|(y, &year)| {
            let b = |r: &RepRecord, i: usize| -> f64 {
                let t = r.years[y].turnover_b_usd;
                match i {
                    0 => (t[0] + t[1]) / USD_PER_MUSD,
                    1 => t[0] / USD_PER_MUSD,
                    _ => t[1] / USD_PER_MUSD,
                }
            };
            YearOut {
                year,
                turnover_musd: Turnover {
                    total: stat(reps, |r| Some(r.turnover_a_musd(y).total)),
                    export: stat(reps, |r| Some(r.turnover_a_musd(y).export)),
                    import: stat(reps, |r| Some(r.turnover_a_musd(y).import)),
                },
                turnover_basis_b_musd: Turnover {
                    total: stat(reps, |r| Some(b(r, 0))),
                    export: stat(reps, |r| Some(b(r, 1))),
                    import: stat(reps, |r| Some(b(r, 2))),
                },
                trucks_cleared: stat(reps, |r| Some(r.years[y].cleared as f64)),
                value_spoiled_musd: stat(reps, |r| Some(r.years[y].spoiled_usd / USD_PER_MUSD)),
                trucks_diverted: stat(reps, |r| {
                    Some((r.years[y].left_province + r.years[y].redirected) as f64)
                }),
                trucks_left_province: stat(reps, |r| Some(r.years[y].left_province as f64)),
                trucks_redirected: stat(reps, |r| Some(r.years[y].redirected as f64)),
                time_in_system_p50_min: stat(reps, |r| r.years[y].time_in_system_p50_min),
            }
        })
        .collect();
    let gates = model
        .gates
        .iter()
        .enumerate()
        .map(|(g, gate)| GateOut {
            id: gate.id.clone(),
            name: gate.name.clone(),
            trucks_cleared: stat(reps, |r| Some(r.gates[g].cleared as f64)),
            time_in_system_min: stat(reps, |r| r.gates[g].time_in_system_mean),
            time_in_system_p95_min: stat(reps, |r| r.gates[g].time_in_system_p95),
            max_queue: stat(reps, |r| Some(r.gates[g].max_queue)),
            max_road_queue: stat(reps, |r| Some(r.gates[g].max_road_queue)),
        })
        .collect();
    let stages = model
        .stages
        .iter()
        .enumerate()
        .map(|(s, st)| StageOut {
            gate: model.gates[st.gate].id.clone(),
            stage: st.id.clone(),
            served: stat(reps, |r| Some(r.stages[s].served as f64)),
            wait_min: stat(reps, |r| r.stages[s].wait_mean),
            wait_p95_min: stat(reps, |r| r.stages[s].wait_p95),
            p_wait: stat(reps, |r| r.stages[s].p_wait),
            utilization: stat(reps, |r| r.stages[s].utilization),
            mean_queue: stat(reps, |r| Some(r.stages[s].mean_queue)),
            arrivals_per_min: stat(reps, |r| Some(r.stages[s].arrival_rate)),
            blocked: stat(reps, |r| Some(r.stages[s].blocked as f64)),
        })
        .collect();
    let vs_baseline = match (baseline, ty) {
        (Some(b), Some(y)) if b.variant != vr.variant => {
            let diff: Vec<f64> = reps
                .iter()
                .zip(&b.reps)
                .map(|(r, br)| target_total(model, r, y) - target_total(model, br, y))
                .collect();
            let hit: Vec<f64> = reps
                .iter()
                .zip(&b.reps)
                .map(|(r, br)| {
                    reached(model, r, y).total as u8 as f64
                        - reached(model, br, y).total as u8 as f64
                })
                .collect();
            Some(VsBaseline {
                baseline: model.variants[b.variant].name.clone(),
                turnover_total_musd: Stat::of(&diff),
                p_target_total: Stat::of(&hit),
            })
        }
        _ => None,
    };
    let target_turnover_musd = match (&model.target, ty) {
        (Some(t), Some(y)) if t.basis_b || !t.gates.is_empty() => Some(Turnover {
            total: stat(reps, |r| Some(r.target_turnover_musd(t, y).total)),
            export: stat(reps, |r| Some(r.target_turnover_musd(t, y).export)),
            import: stat(reps, |r| Some(r.target_turnover_musd(t, y).import)),
        }),
        _ => None,
    };
    VariantOut {
        name: v.name.clone(),
        description: v.description.clone(),
        replications: reps.len(),
        p_target,
        target_turnover_musd,
        years,
        gates,
        stages,
        vs_baseline,
        uncertainty: uncertainty(model, vr, inner),
        mser5_warmup_days: mser5_days(model, vr),
    }
}

/// Builds the summary of a run.
pub fn summarize(model: &Model, run: &RunResult) -> Summary {
    let baseline = run
        .variants
        .iter()
        .find(|v| model.variants[v.variant].name == "baseline");
    Summary {
        scenario: model.name.clone(),
        seed: run.seed,
        replications: run.replications,
        target: model.target.as_ref().map(|t| TargetOut {
            year: t.year,
            total_musd: t.total_musd,
            export_musd: t.export_musd,
            import_musd: t.import_musd,
            basis: if t.basis_b { "B" } else { "A" }.to_string(),
            gates: t.gates.iter().map(|&g| model.gates[g].id.clone()).collect(),
        }),
        stopping: run.stopping.clone(),
        partial: run.interrupted,
        common_random_numbers: run.common_random_numbers,
        replications_per_parameter_draw: run.inner,
        uncertain_parameters: model.uncertain.iter().map(|u| u.name.clone()).collect(),
        variants: run
            .variants
            .iter()
            .map(|vr| variant_out(model, vr, baseline, run.inner))
            .collect(),
    }
}
