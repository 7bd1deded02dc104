//! Fitting the `[[fit]]` multipliers of a scenario to its observed figures marked
//! `use = "fit"`, and only to those.
//!
//! Fitting cannot read a check by construction: [`FitProblem::new`] copies the model without
//! its observed figures, and the figures a parameter is fitted to are [`FitTarget`]s, which
//! can only be built from an `ObservedUse::Fit` observation.
//!
//! Each parameter is searched in turn (the ones before it at their fitted values, the ones
//! after it at the file's): golden-section search on the logarithm of the multiplier over its
//! `range`, minimising the sum over its targets of the squared relative error of the mean over
//! replications. Every evaluation runs the same replications with the same seed (common
//! random numbers), so the objective is a deterministic function of the multiplier.

use crate::model::Model;
use crate::model::spec::{Figure, Observed, ObservedUse};
use crate::report::calibration::simulated;

/// Objective evaluations per parameter.
pub const EVALUATIONS: usize = 16;

/// An observed figure a parameter may be fitted to. The only constructor refuses checks.
#[derive(Debug, Clone)]
pub struct FitTarget {
    name: String,
    figure: Figure,
    value: f64,
}

impl FitTarget {
    /// The target of `o`, or `None` if `o` is a check (`use = "check"`, the default).
    pub fn new(o: &Observed) -> Option<FitTarget> {
        (o.usage == ObservedUse::Fit).then(|| FitTarget {
            name: o.name.clone(),
            figure: o.figure.clone(),
            value: o.value,
        })
    }

    /// The observed figure's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// All that fitting sees: the model without its observed figures, and the targets of each
/// `[[fit]]` parameter.
#[derive(Debug, Clone)]
pub struct FitProblem {
    model: Model,
    targets: Vec<Vec<FitTarget>>,
}

impl FitProblem {
    /// The problem of `model`'s `[[fit]]` parameters. Validation guarantees that every
    /// `against` entry has `use = "fit"`; a check would be dropped here all the same.
    pub fn new(model: &Model) -> FitProblem {
        let targets = (model.fit.iter())
            .map(|f| {
                (f.against.iter())
                    .filter_map(|&i| FitTarget::new(&model.observed[i]))
                    .collect()
            })
            .collect();
        let mut model = model.clone();
        model.observed.clear();
        for f in &mut model.fit {
            f.against.clear();
        }
        FitProblem { model, targets }
    }

    /// The targets of parameter `k`.
    pub fn targets(&self, k: usize) -> &[FitTarget] {
        &self.targets[k]
    }
}

/// How to simulate while fitting.
#[derive(Debug, Clone, Copy)]
pub struct FitOptions {
    /// Variant simulated.
    pub variant: usize,
    /// Replications per evaluation.
    pub replications: usize,
    /// Master seed (the same for every evaluation).
    pub seed: u64,
    /// Worker threads (`None` = all cores).
    pub threads: Option<usize>,
    /// Objective evaluations per parameter (at least 2).
    pub evaluations: usize,
}

/// One fitted parameter.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Fitted {
    /// Its name.
    pub name: String,
    /// The multiplier in the scenario file.
    pub file_value: f64,
    /// The multiplier found.
    pub value: f64,
    /// The interval searched.
    pub range: (f64, f64),
    /// The figures it was fitted to.
    pub against: Vec<String>,
    /// Sum of squared relative errors at the file's value (the parameters before it fitted).
    pub objective_at_file_value: f64,
    /// The same at the fitted value.
    pub objective: f64,
    /// Objective evaluations made (the file's value included).
    pub evaluations: usize,
}

/// Fits every `[[fit]]` parameter in turn; returns them in scenario order.
pub fn fit(problem: &FitProblem, opts: FitOptions) -> Result<Vec<Fitted>, String> {
    let mut model = problem.model.clone();
    let mut out = Vec::new();
    for k in 0..model.fit.len() {
        let targets = &problem.targets[k];
        let file_value = model.fit[k].value;
        let (lo, hi) = model.fit[k].range;
        let mut objective = |x: f64| -> Result<f64, String> {
            model.fit[k].set_value(x);
            squared_error(&model, targets, opts)
        };
        let at_file = objective(file_value)?;
        let (value, best) = golden_section(lo, hi, opts.evaluations.max(2), &mut objective)?;
        // the file's value stays if nothing searched is better
        let (value, best) = if at_file <= best {
            (file_value, at_file)
        } else {
            (value, best)
        };
        model.fit[k].set_value(value);
        out.push(Fitted {
            name: model.fit[k].multiplier.name.clone(),
            file_value,
            value,
            range: (lo, hi),
            against: targets.iter().map(|t| t.name.clone()).collect(),
            objective_at_file_value: at_file,
            objective: best,
            evaluations: opts.evaluations.max(2) + 1,
        });
    }
    Ok(out)
}

/// Σ ((simulated mean − observed) / observed)² over `targets`; `+∞` where a mean is not a
/// number (no vehicle counted).
fn squared_error(model: &Model, targets: &[FitTarget], opts: FitOptions) -> Result<f64, String> {
    let per_rep = super::map_replications(
        model,
        opts.variant,
        opts.replications,
        opts.seed,
        opts.threads,
        |rec| {
            (targets.iter())
                .map(|t| simulated(model, &t.figure, rec))
                .collect::<Vec<f64>>()
        },
    )
    .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let n = per_rep.len() as f64;
    let mut sum = 0.0;
    for (i, t) in targets.iter().enumerate() {
        let mean = per_rep.iter().map(|r| r[i]).sum::<f64>() / n;
        let e = (mean - t.value) / t.value;
        sum += e * e;
    }
    Ok(if sum.is_nan() { f64::INFINITY } else { sum })
}

/// Golden-section search for the minimum of `f` on `[lo, hi]` (`0 < lo < hi`), on the
/// logarithm of `x` (multipliers are relative), with `evaluations` calls of `f`. Returns the
/// best point evaluated and its value.
pub fn golden_section<E>(
    lo: f64,
    hi: f64,
    evaluations: usize,
    f: &mut impl FnMut(f64) -> Result<f64, E>,
) -> Result<(f64, f64), E> {
    let r = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (lo.ln(), hi.ln());
    let mut c = b - r * (b - a);
    let mut d = a + r * (b - a);
    let mut fc = f(c.exp())?;
    let mut fd = f(d.exp())?;
    let mut best = if fd < fc { (d, fd) } else { (c, fc) };
    for _ in 2..evaluations {
        if fc <= fd {
            b = d;
            d = c;
            fd = fc;
            c = b - r * (b - a);
            fc = f(c.exp())?;
            if fc < best.1 {
                best = (c, fc);
            }
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + r * (b - a);
            fd = f(d.exp())?;
            if fd < best.1 {
                best = (d, fd);
            }
        }
    }
    Ok((best.0.exp(), best.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_section_finds_the_minimum_of_a_parabola_in_log_space() {
        let mut calls = 0;
        let mut f = |x: f64| -> Result<f64, ()> {
            calls += 1;
            Ok((x / 1.3 - 1.0).powi(2))
        };
        let (x, fx) = golden_section(0.5, 2.0, 16, &mut f).unwrap();
        assert_eq!(calls, 16);
        assert!((x - 1.3).abs() < 2e-3, "{x}");
        assert!(fx < 1e-5);
        // a minimum at the edge is approached
        let (x, _) = golden_section(0.5, 2.0, 16, &mut |x: f64| Ok::<_, ()>(x)).unwrap();
        assert!(x < 0.502, "{x}");
    }
}
