//! The cheapest package of improvements whose P(target) is at least a given probability.
//!
//! Candidates are all `2^k` packages of the `k` improvements of `[decisions]`, ordered by
//! cost (investment + yearly × `cost_years`, **million USD**), then by size and name. Each is
//! judged by the feasibility check of Andradóttir & Kim (2010, "Fully sequential procedures
//! for comparing constrained systems via simulation", *Naval Research Logistics* 57:403–421)
//! on its hits `Y_r` (1 if replication `r` reaches the target): with the partial sum
//! `S_n = Σ (Y_r − q)` and the triangular continuation region `|S_n| < a − (ε/2)·n`, the package
//! is declared feasible when `S_n ≥ a − (ε/2)·n` and infeasible when `S_n ≤ −(a − (ε/2)·n)`.
//! The variance of a hit is known to be at most `σ̄² = max p(1 − p)` over the indifference zone
//! `[q − ε, q + ε]`, so `a = h²·σ̄² / (2ε)` with `h² = −2 ln(α / K)` (Bonferroni over the `K`
//! candidates, and the Brownian-motion crossing bound without Fabian's factor ½): in the
//! Brownian-motion limit each package with `p ≥ q + ε` is declared feasible, and each with
//! `p ≤ q − ε`
//! infeasible, with probability at least `1 − α / K`. Packages are checked in cost order,
//! a few at a time, and the first one declared feasible after every cheaper one was declared
//! infeasible is the answer: with probability at least `1 − α`, no cheaper package has
//! `p ≥ q + ε` and the answer has `p > q − ε`. Replications go only to the cheapest packages
//! still undecided; every package runs replication `r` with the same random streams.

use super::Estimate;
use crate::model::Model;
use crate::montecarlo::jobs::Outcome;

/// Which part of the target must be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    /// The total turnover target.
    Total,
    /// The export target.
    Export,
    /// The import target.
    Import,
    /// All three at once.
    All,
}

impl Goal {
    /// Whether an outcome reaches this goal.
    pub fn reached(self, o: &Outcome) -> bool {
        match self {
            Goal::Total => o.reached[0],
            Goal::Export => o.reached[1],
            Goal::Import => o.reached[2],
            Goal::All => o.reached.iter().all(|&r| r),
        }
    }
}

/// The procedure's settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Settings {
    /// The probability a package must reach, `q`.
    pub target_probability: f64,
    /// Indifference zone `ε`: packages within `q ± ε` may go either way.
    pub tolerance: f64,
    /// `1 − α` is the probability of a correct selection.
    pub alpha: f64,
    /// Replications added to a package at a time (the first stage too).
    pub batch: usize,
    /// Packages advanced together, cheapest first (fixed, so results never depend on threads).
    pub window: usize,
    /// Most replications one package may get; a package still undecided then ends the search
    /// without a guarantee.
    pub max_replications: usize,
    /// Most a package may cost, **million USD**.
    pub budget_musd: Option<f64>,
    /// What must be reached.
    pub goal: Goal,
}

/// The feasibility check's constants for `candidates` packages.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Boundary {
    /// Largest variance of a hit in the indifference zone, `σ̄²`.
    pub variance_bound: f64,
    /// `h² = −2 ln(α / K)`.
    pub h2: f64,
    /// Half-width of the region at the start, `a = h²·σ̄² / (2ε)`.
    pub a: f64,
    /// Replications at which the region closes, `2a / ε`.
    pub closes_at: f64,
}

impl Boundary {
    /// The constants for settings `s` and `candidates` packages.
    pub fn new(s: &Settings, candidates: usize) -> Boundary {
        let (q, e) = (s.target_probability, s.tolerance);
        let var = |p: f64| p.clamp(0.0, 1.0) * (1.0 - p.clamp(0.0, 1.0));
        let variance_bound = if (q - e..=q + e).contains(&0.5) {
            0.25
        } else {
            var(q - e).max(var(q + e))
        };
        let h2 = -2.0 * (s.alpha / candidates.max(1) as f64).ln();
        let a = h2 * variance_bound / (2.0 * e);
        Boundary {
            variance_bound,
            h2,
            a,
            closes_at: 2.0 * a / e,
        }
    }

    /// The decision after `n` replications with `hits` hits: `Some(true)` feasible,
    /// `Some(false)` infeasible, `None` continue.
    pub fn decide(&self, s: &Settings, hits: usize, n: usize) -> Option<bool> {
        let sum = hits as f64 - s.target_probability * n as f64;
        let g = self.a - 0.5 * s.tolerance * n as f64;
        if g <= 0.0 {
            return Some(sum >= 0.0);
        }
        if sum >= g {
            Some(true)
        } else if sum <= -g {
            Some(false)
        } else {
            None
        }
    }
}

/// Where a package stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not simulated.
    NotRun,
    /// Simulated, no decision yet.
    Open,
    /// Declared feasible.
    Feasible,
    /// Declared infeasible.
    Infeasible,
    /// Stopped at the replication ceiling without a decision.
    Undecided,
}

/// One package of improvements.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Candidate {
    /// Name: the members joined by `+`, or the first improvement-free variant's name.
    pub name: String,
    /// Indices of its improvements in the model's variants.
    #[serde(skip)]
    pub members: Vec<usize>,
    /// Index of its variant in the model.
    #[serde(skip)]
    pub variant: usize,
    /// Cost over the appraisal years, **million USD** (`None`: unknown).
    pub cost_musd: Option<f64>,
    /// Status.
    pub status: Status,
    /// Its outcomes so far, in replication order.
    #[serde(skip)]
    pub outcomes: Vec<Outcome>,
}

impl Candidate {
    /// Replications so far.
    pub fn replications(&self) -> usize {
        self.outcomes.len()
    }
    /// Hits of `goal` so far.
    pub fn hits(&self, goal: Goal) -> usize {
        self.outcomes.iter().filter(|o| goal.reached(o)).count()
    }
}

/// Every package of the `[decisions]` improvements, added to `model` as variants (the empty
/// package is a variant with no change), ordered cheapest first (unknown costs last). A
/// package whose members conflict is left out and reported in the second list.
pub fn candidates(model: &mut Model) -> Result<(Vec<Candidate>, Vec<String>), String> {
    let d = model
        .decisions
        .clone()
        .ok_or("the scenario has no [decisions] table: list the improvements to combine there")?;
    let k = d.improvements.len();
    let mut out = Vec::new();
    let mut conflicts = Vec::new();
    for mask in 0u32..(1 << k) {
        let members: Vec<usize> = (0..k)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| d.improvements[i])
            .collect();
        let name = if members.is_empty() {
            "no improvement".to_string()
        } else {
            (members.iter())
                .map(|&m| model.variants[m].name.as_str())
                .collect::<Vec<_>>()
                .join("+")
        };
        match model.package_of(&name, &members) {
            Ok(v) => {
                let cost_musd = v.cost.as_ref().map(|c| c.over(d.cost_years));
                let variant = model.add_variant(v);
                out.push(Candidate {
                    name,
                    members,
                    variant,
                    cost_musd,
                    status: Status::NotRun,
                    outcomes: Vec::new(),
                });
            }
            Err(e) => conflicts.push(format!("{name}: {e}")),
        }
    }
    out.sort_by(|a, b| {
        let key = |c: &Candidate| c.cost_musd.unwrap_or(f64::INFINITY);
        key(a)
            .total_cmp(&key(b))
            .then(a.members.len().cmp(&b.members.len()))
            .then(a.name.cmp(&b.name))
    });
    Ok((out, conflicts))
}

/// What the search should simulate next: `(candidate, replications to add)`, cheapest first;
/// empty when the search is over.
pub fn next_batch(cands: &[Candidate], s: &Settings, searchable: &[usize]) -> Vec<(usize, usize)> {
    let mut batch = Vec::new();
    for &i in searchable {
        match cands[i].status {
            Status::Infeasible => continue,
            Status::Feasible | Status::Undecided => break,
            Status::NotRun | Status::Open => {
                if batch.len() == s.window {
                    break;
                }
                batch.push((i, s.batch));
            }
        }
    }
    // the search ends at the first package not declared infeasible that is decided
    let first = searchable
        .iter()
        .find(|&&i| cands[i].status != Status::Infeasible);
    match first {
        Some(&i) if matches!(cands[i].status, Status::Feasible | Status::Undecided) => Vec::new(),
        _ => batch,
    }
}

/// Updates a candidate's status after new outcomes.
pub fn update(c: &mut Candidate, s: &Settings, b: &Boundary) {
    let n = c.replications();
    c.status = match b.decide(s, c.hits(s.goal), n) {
        Some(true) => Status::Feasible,
        Some(false) => Status::Infeasible,
        None if n >= s.max_replications => Status::Undecided,
        None => Status::Open,
    };
}

/// The answer: the first searchable package not declared infeasible, if it was declared
/// feasible (`Ok`), or why there is none (`Err`: no package feasible, or one undecided).
pub fn answer(cands: &[Candidate], searchable: &[usize]) -> Result<usize, Option<usize>> {
    match searchable
        .iter()
        .find(|&&i| cands[i].status != Status::Infeasible)
    {
        Some(&i) if cands[i].status == Status::Feasible => Ok(i),
        Some(&i) => Err(Some(i)),
        None => Err(None),
    }
}

/// A candidate's results for reports.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CandidateResult {
    /// Name.
    pub name: String,
    /// Cost, **million USD** (`None`: unknown).
    pub cost_musd: Option<f64>,
    /// Status.
    pub status: Status,
    /// Replications spent.
    pub replications: usize,
    /// P(goal) with its Wilson interval.
    pub p_goal: Estimate,
    /// Target-year total turnover, **million USD**.
    pub turnover: Estimate,
}

/// The candidate's results.
pub fn result_of(c: &Candidate, goal: Goal) -> CandidateResult {
    let t: Vec<f64> = c.outcomes.iter().map(|o| o.turnover_musd[0]).collect();
    CandidateResult {
        name: c.name.clone(),
        cost_musd: c.cost_musd,
        status: c.status,
        replications: c.replications(),
        p_goal: Estimate::proportion(c.hits(goal), c.replications()),
        turnover: Estimate::mean_of(&t),
    }
}

/// One gate's step of the waterfall from one package to another.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Step {
    /// Gate name.
    pub gate: String,
    /// Paired difference of the gate's target-year turnover, **million USD**.
    pub change: Estimate,
}

/// Per-gate paired differences of target-year turnover in the target's basis, `to − from`,
/// over the replications both have (each package's replication `r` shares its random
/// streams), for the gates the target counts, then the total (their sum).
pub fn waterfall(model: &Model, from: &Candidate, to: &Candidate) -> Vec<Step> {
    let n = from.replications().min(to.replications());
    let total = |c: &Candidate| -> Vec<f64> {
        c.outcomes[..n].iter().map(|o| o.turnover_musd[0]).collect()
    };
    let total = Step {
        gate: "total".into(),
        change: Estimate::paired(&total(to), &total(from)),
    };
    let counted = |g: usize| {
        (model.target.as_ref()).is_none_or(|t| t.gates.is_empty() || t.gates.contains(&g))
    };
    (model.gates.iter().enumerate())
        .filter(|&(g, _)| counted(g))
        .map(|(g, gate)| {
            let a: Vec<f64> = to.outcomes[..n].iter().map(|o| o.by_gate_musd[g]).collect();
            let b: Vec<f64> = from.outcomes[..n]
                .iter()
                .map(|o| o.by_gate_musd[g])
                .collect();
            Step {
                gate: gate.name.clone(),
                change: Estimate::paired(&a, &b),
            }
        })
        .chain(std::iter::once(total))
        .collect()
}

/// A package's name for titles: its members, or "all k improvements", or the first three and
/// how many more.
pub fn short_name(c: &Candidate, improvements: usize) -> String {
    match c.members.len() {
        0 => "no improvement".into(),
        n if n == improvements && n > 3 => format!("all {n} improvements"),
        n if n > 3 => {
            let first: Vec<&str> = c.name.split('+').take(3).collect();
            format!("{} and {} more", first.join("+"), n - 3)
        }
        _ => c.name.clone(),
    }
}

/// Simulates jobs on points and returns their outcomes in job order (the caller's thread
/// pool and progress bar).
pub type Simulate<'a> = dyn FnMut(&[crate::montecarlo::jobs::Point], &[crate::montecarlo::jobs::Job]) -> Vec<Outcome>
    + 'a;

/// Runs the search: batches of replications for the cheapest undecided packages until the
/// answer is decided (see [`answer`]). `run` simulates jobs on points and returns their
/// outcomes in job order (the caller's thread pool and progress bar).
pub fn search(
    model: &Model,
    cands: &mut [Candidate],
    s: &Settings,
    searchable: &[usize],
    boundary: &Boundary,
    run: &mut Simulate<'_>,
) {
    loop {
        let batch = next_batch(cands, s, searchable);
        if batch.is_empty() {
            return;
        }
        add_replications(model, cands, &batch, run);
        for &(i, _) in &batch {
            update(&mut cands[i], s, boundary);
        }
    }
}

/// Adds `(candidate, replications)` to candidates: each continues from its own count,
/// replication `r` with the random streams of `r` (common random numbers).
pub fn add_replications(
    model: &Model,
    cands: &mut [Candidate],
    batch: &[(usize, usize)],
    run: &mut Simulate<'_>,
) {
    use crate::montecarlo::jobs::{Job, Parameters, Point};
    if batch.is_empty() {
        return;
    }
    let points: Vec<Point> = (batch.iter())
        .map(|&(i, _)| Point::new(model, cands[i].variant))
        .collect();
    let jobs: Vec<Job> = (batch.iter().enumerate())
        .flat_map(|(p, &(i, add))| {
            let from = cands[i].replications() as u64;
            (from..from + add as u64).map(move |r| Job {
                point: p,
                replication: r,
                parameters: Parameters::Draw(r),
            })
        })
        .collect();
    let outcomes = run(&points, &jobs);
    let mut k = 0;
    for &(i, add) in batch {
        cands[i]
            .outcomes
            .extend(outcomes[k..k + add].iter().cloned());
        if cands[i].status == Status::NotRun {
            cands[i].status = Status::Open;
        }
        k += add;
    }
}
