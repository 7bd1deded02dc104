//! What the answer hangs on: a one-at-a-time tornado and Sobol indices over the scenario's
//! `[[uncertain]]` parameters.
//!
//! *Tornado.* Every parameter at the low and the high end of its range (the ends of a bounded
//! distribution, else its 5th and 95th percentiles), the others at their medians; each end
//! is compared with the all-medians point replication by replication (common random numbers),
//! so the effect's interval is a paired Student-t interval.
//!
//! *Sobol.* First-order and total indices of the target year's total turnover, by Saltelli's
//! design (two independent `N × k` matrices `A` and `B` of uniform draws, and the `k`
//! matrices `A_B^i`: `A` with column `i` from `B`; `N·(k + 2)` replications; Saltelli et al.
//! 2010, *Comput. Phys. Commun.* 181:259–270), with `V` the variance of `f(A)` and `f(B)`
//! together: the total index by Jansen's estimator (Jansen 1999, *Comput. Phys. Commun.*
//! 117:35–43), `S_Ti = mean[(f(A) − f(A_B^i))²] / 2V`, and the first-order index by Saltelli
//! et al.'s (2010, Table 2 (b)), `S_i = mean[(f(B) − f̄)·(f(A_B^i) − f(A))] / V`, with `f`
//! centred on the mean `f̄` of `f(A)` and `f(B)` (as SALib does: uncentred, its variance grows
//! with the square of the mean, and a turnover of 7,500 ± 200 swamps it). Both are exactly 0
//! for a parameter that changes nothing (Jansen's first-order form, `1 − mean[(f(B) −
//! f(A_B^i))²] / 2V`, is not: on lang-son with N = 32 it gave −0.26 to every such parameter).
//! The uniforms are mapped to each parameter's distribution by its quantile function. Row `j`
//! of every matrix runs replication `j`, so day-to-day randomness is shared within a row: it
//! cancels in the differences, and its share of `V` is what the indices leave unexplained.
//! Intervals: percentile bootstrap over the rows (1,000 resamples).

use super::Estimate;
use crate::engine::rng;
use crate::model::Model;
use crate::model::dist::unit;
use crate::model::sim::purpose;
use crate::montecarlo::jobs::{Job, Outcome, Parameters};

/// An uncertain parameter as the analysis explores it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Parameter {
    /// Index in the model's `uncertain`.
    #[serde(skip)]
    pub index: usize,
    /// Its name in the scenario.
    pub name: String,
    /// Low end of the range explored.
    pub low: f64,
    /// Its median.
    pub central: f64,
    /// High end of the range explored.
    pub high: f64,
    /// `true`: the ends are the distribution's own; `false`: its 5th and 95th percentiles.
    pub bounded: bool,
}

/// The uncertain parameters that apply in `variant` and are not constant, in scenario order.
pub fn parameters(model: &Model, variant: usize) -> Vec<Parameter> {
    (model.uncertain.iter().enumerate())
        .filter(|(_, u)| u.in_variant(variant))
        .filter_map(|(index, u)| {
            let (low, central, high) = u.factor.sensitivity_range();
            (high > low).then(|| Parameter {
                index,
                name: u.name.clone(),
                low,
                central,
                high,
                bounded: u.factor.is_bounded(),
            })
        })
        .collect()
}

/// Every uncertain parameter of the model at its median, in scenario order.
pub fn central_values(model: &Model) -> Vec<f64> {
    (model.uncertain.iter())
        .map(|u| u.factor.sensitivity_range().1)
        .collect()
}

/// The tornado's jobs for `replications` replications of point 0: per replication, the
/// all-medians point, then each parameter low, then high.
pub fn tornado_jobs(model: &Model, params: &[Parameter], replications: usize) -> Vec<Job> {
    let central = central_values(model);
    let mut jobs = Vec::with_capacity(replications * (1 + 2 * params.len()));
    for r in 0..replications as u64 {
        let with = |k: usize, x: f64| {
            let mut v = central.clone();
            v[k] = x;
            Parameters::Fixed(v)
        };
        jobs.push(Job {
            point: 0,
            replication: r,
            parameters: Parameters::Fixed(central.clone()),
        });
        for p in params {
            for x in [p.low, p.high] {
                jobs.push(Job {
                    point: 0,
                    replication: r,
                    parameters: with(p.index, x),
                });
            }
        }
    }
    jobs
}

/// Target-year figures at one point of the tornado.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AtPoint {
    /// The parameter's value there.
    pub value: f64,
    /// Turnover, **million USD**: total, export, import.
    pub turnover: [Estimate; 3],
    /// P(target): total, export, import (Wilson intervals).
    pub p_target: [Estimate; 3],
    /// Paired difference of turnover to the all-medians point, **million USD**.
    pub effect: [Estimate; 3],
    /// Paired difference of P(total target) to the all-medians point.
    pub p_effect: Estimate,
}

/// One parameter's bar of the tornado.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TornadoRow {
    /// The parameter.
    pub parameter: Parameter,
    /// At the low end.
    pub low: AtPoint,
    /// At the high end.
    pub high: AtPoint,
    /// Distance between the two ends' effects on total turnover, **million USD** (the sort key).
    pub swing_musd: f64,
}

/// A one-at-a-time analysis.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Tornado {
    /// Replications per point.
    pub replications: usize,
    /// The all-medians point (its `effect`s are zero).
    pub central: AtPoint,
    /// One row per parameter, largest swing first.
    pub rows: Vec<TornadoRow>,
}

fn column(outcomes: &[&Outcome], i: usize) -> Vec<f64> {
    outcomes.iter().map(|o| o.turnover_musd[i]).collect()
}

fn hits(outcomes: &[&Outcome], i: usize) -> Vec<f64> {
    (outcomes.iter())
        .map(|o| if o.reached[i] { 1.0 } else { 0.0 })
        .collect()
}

fn at_point(value: f64, here: &[&Outcome], central: &[&Outcome]) -> AtPoint {
    let n = here.len();
    let est = |i| Estimate::mean_of(&column(here, i));
    let p = |i: usize| Estimate::proportion(here.iter().filter(|o| o.reached[i]).count(), n);
    let effect = |i| Estimate::paired(&column(here, i), &column(central, i));
    AtPoint {
        value,
        turnover: [est(0), est(1), est(2)],
        p_target: [p(0), p(1), p(2)],
        effect: [effect(0), effect(1), effect(2)],
        p_effect: Estimate::paired(&hits(here, 0), &hits(central, 0)),
    }
}

/// The tornado from the outcomes of [`tornado_jobs`], in job order.
pub fn tornado(params: &[Parameter], outcomes: &[Outcome], replications: usize) -> Tornado {
    let per_rep = 1 + 2 * params.len();
    let at = |slot: usize| -> Vec<&Outcome> {
        (0..replications)
            .map(|r| &outcomes[r * per_rep + slot])
            .collect()
    };
    let central = at(0);
    let mut rows: Vec<TornadoRow> = (params.iter().enumerate())
        .map(|(k, p)| {
            let low = at_point(p.low, &at(1 + 2 * k), &central);
            let high = at_point(p.high, &at(2 + 2 * k), &central);
            TornadoRow {
                parameter: p.clone(),
                swing_musd: (high.effect[0].mean - low.effect[0].mean).abs(),
                low,
                high,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.swing_musd.total_cmp(&a.swing_musd));
    Tornado {
        replications,
        central: at_point(f64::NAN, &central, &central),
        rows,
    }
}

/// The Sobol design's jobs: `rows` rows, each `A_j`, `B_j`, then `A_B^i` for each parameter
/// `i`, all running replication `j`. Parameters not analysed stay at their medians.
pub fn sobol_jobs(model: &Model, params: &[Parameter], rows: usize, seed: u64) -> Vec<Job> {
    let central = central_values(model);
    let k = params.len();
    let mut jobs = Vec::with_capacity(rows * (k + 2));
    for j in 0..rows as u64 {
        // one stream per row: row j's uniforms never depend on how many rows there are
        let mut g = rng::stream(seed, j, purpose::SOBOL_DESIGN, 0);
        let a: Vec<f64> = (0..k).map(|_| unit(&mut g)).collect();
        let b: Vec<f64> = (0..k).map(|_| unit(&mut g)).collect();
        let values = |u: &dyn Fn(usize) -> f64| {
            let mut v = central.clone();
            for (i, p) in params.iter().enumerate() {
                v[p.index] = model.uncertain[p.index].factor.quantile(u(i));
            }
            Parameters::Fixed(v)
        };
        let job = |parameters| Job {
            point: 0,
            replication: j,
            parameters,
        };
        jobs.push(job(values(&|i| a[i])));
        jobs.push(job(values(&|i| b[i])));
        for col in 0..k {
            jobs.push(job(values(&|i| if i == col { b[i] } else { a[i] })));
        }
    }
    jobs
}

/// One parameter's Sobol indices of the target year's total turnover.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SobolIndex {
    /// The parameter.
    pub parameter: String,
    /// First-order index (its share of the variance alone), with a bootstrap 95 % interval.
    pub first: Estimate,
    /// Total index (its share with all its interactions), with a bootstrap 95 % interval.
    pub total: Estimate,
}

/// A Sobol analysis.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Sobol {
    /// Rows of each matrix (`N`); replications run: `N·(k + 2)`.
    pub rows: usize,
    /// Bootstrap resamples behind the intervals.
    pub bootstrap: usize,
    /// Mean target-year total turnover over `A` and `B`, **million USD**.
    pub mean_musd: f64,
    /// Its variance over `A` and `B`, **(million USD)²**.
    pub variance: f64,
    /// Per parameter, in scenario order.
    pub indices: Vec<SobolIndex>,
    /// Sum of the first-order indices: near 1 for an additive model; below, the share of
    /// interactions and of day-to-day randomness.
    pub sum_first: f64,
}

/// First-order (Saltelli 2010) and total (Jansen 1999) indices of parameter `i` over the
/// given rows.
fn indices(y: &[f64], k: usize, rows: &[usize], i: usize) -> (f64, f64) {
    let at = |j: usize, m: usize| y[j * (k + 2) + m];
    let n = rows.len() as f64;
    let both: Vec<f64> = rows.iter().flat_map(|&j| [at(j, 0), at(j, 1)]).collect();
    let mean = both.iter().sum::<f64>() / both.len() as f64;
    let v = both.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (both.len() as f64 - 1.0);
    let (mut first, mut total) = (0.0, 0.0);
    for &j in rows {
        let ab = at(j, 2 + i);
        first += (at(j, 1) - mean) * (ab - at(j, 0));
        total += (at(j, 0) - ab).powi(2);
    }
    if v <= 0.0 {
        return (f64::NAN, f64::NAN);
    }
    (first / (n * v), total / (2.0 * n * v))
}

/// Sobol indices from the outcomes of [`sobol_jobs`], in job order; `seed` seeds the
/// bootstrap.
pub fn sobol(params: &[Parameter], outcomes: &[Outcome], rows: usize, seed: u64) -> Sobol {
    const BOOTSTRAP: usize = 1000;
    let k = params.len();
    let y: Vec<f64> = outcomes.iter().map(|o| o.turnover_musd[0]).collect();
    let all: Vec<usize> = (0..rows).collect();
    let mut g = rng::stream(seed, 0, purpose::BOOTSTRAP, 0);
    let resamples: Vec<Vec<usize>> = (0..BOOTSTRAP)
        .map(|_| {
            (0..rows)
                .map(|_| ((unit(&mut g) * rows as f64) as usize).min(rows - 1))
                .collect()
        })
        .collect();
    let percentile = |mut v: Vec<f64>, q: f64| {
        v.retain(|x| x.is_finite());
        v.sort_by(f64::total_cmp);
        crate::stats::percentile_sorted(&v, q)
    };
    let indices: Vec<SobolIndex> = (params.iter().enumerate())
        .map(|(i, p)| {
            let (first, total) = indices(&y, k, &all, i);
            let boot: Vec<(f64, f64)> = resamples.iter().map(|s| indices(&y, k, s, i)).collect();
            let f: Vec<f64> = boot.iter().map(|b| b.0).collect();
            let t: Vec<f64> = boot.iter().map(|b| b.1).collect();
            SobolIndex {
                parameter: p.name.clone(),
                first: Estimate {
                    mean: first,
                    lo: percentile(f.clone(), 0.025),
                    hi: percentile(f, 0.975),
                },
                total: Estimate {
                    mean: total,
                    lo: percentile(t.clone(), 0.025),
                    hi: percentile(t, 0.975),
                },
            }
        })
        .collect();
    let both: Vec<f64> = (0..rows)
        .flat_map(|j| [y[j * (k + 2)], y[j * (k + 2) + 1]])
        .collect();
    let mean = both.iter().sum::<f64>() / both.len().max(1) as f64;
    let variance =
        both.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (both.len() as f64 - 1.0).max(1.0);
    Sobol {
        rows,
        bootstrap: BOOTSTRAP,
        mean_musd: mean,
        variance,
        sum_first: indices.iter().map(|s| s.first.mean).sum(),
        indices,
    }
}
