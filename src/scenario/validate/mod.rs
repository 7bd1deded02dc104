//! Raw scenario → validated [`Model`]. Every problem is collected (not just the first), each
//! with the path of its field and what to change.
//!
//! A `Validator` walks the file's sections in order (one file each: header and target,
//! demand, gates, changes and variants, uncertain and fitted multipliers, observed figures),
//! filling its `Lookups` (horizon, class, gate and stage indexes) as it goes, so that later
//! sections resolve names against earlier ones.

mod changes;
mod demand;
mod gates;
mod header;
mod observed;
mod packages;
pub use packages::MAX_IMPROVEMENTS;
mod transfers;
mod uncertain;

use std::collections::{HashMap, HashSet};

use super::error::{FieldPath, Problem};
use super::raw::*;
use crate::model::calendar::Date;
use crate::model::dist::Dist;
use crate::model::spec::*;

/// Longest horizon accepted, **days** (about 100 years).
pub const MAX_DAYS: i64 = 36_600;
/// Most servers a stage may have.
pub const MAX_SERVERS: i64 = 100_000;
/// Most vehicles per day a demand stream may have.
pub const MAX_PER_DAY: f64 = 1_000_000.0;
/// Most replications a scenario may ask for by default.
pub const MAX_REPLICATIONS: i64 = 1_000_000;
/// Ceiling on a time distribution's parameters and mean, **minutes** (about 1,900 years).
pub const MAX_MINUTES: f64 = 1e9;
/// Ceiling on a shelf-life distribution's parameters and mean, **days** (about 2.7 million
/// years; in minutes, 1.44e12).
pub const MAX_SHELF_DAYS: f64 = 1e9;
/// Ceiling on a value distribution's parameters and mean, **USD per vehicle**.
pub const MAX_VALUE_USD: f64 = 1e9;
/// Ceiling on one multiplier: a change's `factor`, an uncertain factor's parameters, a
/// `[[fit]]` range, a growth index, a month or weekday factor.
pub const MAX_FACTOR: f64 = 1000.0;
/// How far above its ceiling a distribution's largest possible draw may reach (its tail).
pub const MAX_TAIL: f64 = 1000.0;
/// Ceiling on the product of every multiplier that can apply to the same service time,
/// value or demand rate on the same day (dated changes, uncertain and fitted multipliers).
pub const MAX_COMBINED_FACTOR: f64 = 1e6;
/// Longest scenario name, characters.
pub const MAX_NAME_CHARS: usize = 100;

/// What a distribution's draws are, and the ceiling that keeps every figure built on them
/// finite: with all ceilings together, a service time is at most 1e9 · 1e3 · 1e6 = 1e18
/// minutes and a year's turnover at most ~1e8 vehicles · 1e9 · 1e3 · 1e6 USD per vehicle =
/// 1e26 USD, far below the 1.8e308 where a float becomes infinite.
#[derive(Clone, Copy)]
pub(crate) struct Scale {
    /// Unit of the draws, for messages (empty: a pure number).
    pub unit: &'static str,
    /// Ceiling on the parameters and the mean.
    pub max: f64,
    /// Why, for messages.
    pub why: &'static str,
}

const TIME: Scale = Scale {
    unit: " minutes",
    max: MAX_MINUTES,
    why: "about 1,900 years: a longer time is a unit mistake, and the simulation clock must stay finite after every factor",
};
const SHELF: Scale = Scale {
    unit: " days",
    max: MAX_SHELF_DAYS,
    why: "a longer shelf life is a unit mistake; omit `shelf_life_days` for cargo that does not spoil",
};
const VALUE: Scale = Scale {
    unit: " USD",
    max: MAX_VALUE_USD,
    why: "a billion USD per vehicle, far above any truck or train load, so that turnover sums stay finite",
};
const FACTOR: Scale = Scale {
    unit: "",
    max: MAX_FACTOR,
    why: "a multiplier above 1,000 is a unit mistake, and products of multipliers must stay finite",
};

/// `x ≤ max`, false for NaN (so `!at_most` catches NaN too).
fn at_most(x: f64, max: f64) -> bool {
    x <= max
}

/// `x` for messages: plain between 0.001 and 1e6 (1000, 2.5), else in e-notation (1e9,
/// 1e308), so that a huge number never prints as hundreds of digits.
pub fn num(x: f64) -> String {
    if x == 0.0 || (1e-3..1e6).contains(&x.abs()) || !x.is_finite() {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// Whether the scenario name is a safe path component (it names the output folder).
pub fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.chars().count() <= MAX_NAME_CHARS
        && name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
}

struct Ctx {
    problems: Vec<Problem>,
}

impl Ctx {
    fn err(&mut self, path: FieldPath, message: impl Into<String>) {
        self.problems.push(Problem {
            path,
            line_col: None,
            span: None,
            message: message.into(),
        });
    }
}

fn root(k: &str) -> FieldPath {
    FieldPath::default().key(k)
}

fn direction(c: &mut Ctx, p: FieldPath, s: &str) -> Option<Direction> {
    match s {
        "export" => Some(Direction::Export),
        "import" => Some(Direction::Import),
        other => {
            c.err(
                p,
                format!("unknown direction `{other}`: write \"export\" or \"import\""),
            );
            None
        }
    }
}

/// Validates a distribution whose draws are on `scale`: its parameters and mean at most the
/// scale's ceiling, its largest possible draw at most [`MAX_TAIL`] times that.
fn dist(c: &mut Ctx, p: FieldPath, d: &RawDist, scale: Scale) -> Option<Dist> {
    let r = dist_shape(c, p.clone(), d)?;
    let Scale { unit, max, why } = scale;
    let mut ok = true;
    for (name, x) in [
        ("value", d.value),
        ("mean", d.mean),
        ("sd", d.sd),
        ("min", d.min),
        ("mode", d.mode),
        ("max", d.max),
        ("scale", d.scale),
    ] {
        if let Some(x) = x
            && !at_most(x, max)
        {
            c.err(
                p.key(name),
                format!(
                    "`{name}` = {}{unit} is above the ceiling of {}{unit} ({why})",
                    num(x),
                    num(max)
                ),
            );
            ok = false;
        }
    }
    if let Some(v) = d.values.as_ref()
        && let Some(x) = v.iter().copied().find(|x| !at_most(*x, max))
    {
        c.err(
            p.key("values"),
            format!(
                "a value of {}{unit} is above the ceiling of {}{unit} ({why})",
                num(x),
                num(max)
            ),
        );
        ok = false;
    }
    if !ok {
        return None;
    }
    let mean = r.mean();
    if !at_most(mean, max) {
        c.err(
            p,
            format!(
                "this `{}` distribution has a mean of {mean:.3e}{unit}, above the ceiling of {}{unit} ({why})",
                d.dist,
                num(max)
            ),
        );
        return None;
    }
    let top = r.upper_bound();
    if !at_most(top, MAX_TAIL * max) {
        c.err(
            p,
            format!(
                "draws of this `{}` distribution can reach {top:.3e}{unit}, more than {MAX_TAIL} times the ceiling of {}{unit} ({why}): lower `sd` or `shape`",
                d.dist,
                num(max)
            ),
        );
        return None;
    }
    Some(r)
}

/// Validates a distribution's kind and parameters (see [`dist`] for its ceilings).
fn dist_shape(c: &mut Ctx, p: FieldPath, d: &RawDist) -> Option<Dist> {
    let need = |c: &mut Ctx, x: Option<f64>, name: &str| -> Option<f64> {
        if x.is_none() {
            c.err(
                p.key(name),
                format!("a `{}` distribution needs `{name}`", d.dist),
            );
        }
        x
    };
    let allowed: &[&str] = match d.dist.as_str() {
        "constant" => &["value"],
        "exponential" => &["mean"],
        "uniform" => &["min", "max"],
        "triangular" => &["min", "mode", "max"],
        "lognormal" => &["mean", "sd"],
        "gamma" => &["shape", "scale"],
        "empirical" => &["values", "weights"],
        other => {
            c.err(
                p.key("dist"),
                format!(
                    "unknown distribution `{other}`: use constant, exponential, uniform, triangular, lognormal, gamma or empirical"
                ),
            );
            return None;
        }
    };
    let present = [
        ("value", d.value.is_some()),
        ("mean", d.mean.is_some()),
        ("sd", d.sd.is_some()),
        ("min", d.min.is_some()),
        ("mode", d.mode.is_some()),
        ("max", d.max.is_some()),
        ("shape", d.shape.is_some()),
        ("scale", d.scale.is_some()),
        ("values", d.values.is_some()),
        ("weights", d.weights.is_some()),
    ];
    for (name, is) in present {
        if is && !allowed.contains(&name) {
            c.err(
                p.key(name),
                format!(
                    "`{name}` does not apply to a `{}` distribution (it takes {})",
                    d.dist,
                    allowed.join(", ")
                ),
            );
        }
    }
    let r = match d.dist.as_str() {
        "constant" => Dist::constant(need(c, d.value, "value")?),
        "exponential" => Dist::exponential(need(c, d.mean, "mean")?),
        "uniform" => {
            let (a, b) = (need(c, d.min, "min"), need(c, d.max, "max"));
            Dist::uniform(a?, b?)
        }
        "triangular" => {
            let (a, m, b) = (
                need(c, d.min, "min"),
                need(c, d.mode, "mode"),
                need(c, d.max, "max"),
            );
            Dist::triangular(a?, m?, b?)
        }
        "lognormal" => {
            let (m, s) = (need(c, d.mean, "mean"), need(c, d.sd, "sd"));
            Dist::lognormal(m?, s?)
        }
        "gamma" => {
            let (k, th) = (need(c, d.shape, "shape"), need(c, d.scale, "scale"));
            Dist::gamma(k?, th?)
        }
        _ => {
            let values = d.values.clone();
            let weights = d
                .weights
                .clone()
                .or_else(|| values.as_ref().map(|v| vec![1.0; v.len()]));
            if values.is_none() {
                c.err(
                    p.key("values"),
                    "an `empirical` distribution needs `values` (and optionally `weights`)",
                );
                return None;
            }
            Dist::empirical(values?, weights?)
        }
    };
    match r {
        Ok(d) => Some(d),
        Err(e) => {
            c.err(p, format!("impossible `{}` distribution: {e}", d.dist));
            None
        }
    }
}

/// The selectors a multiplier is written with (`[[uncertain]]`, `[[fit]]`).
struct Selectors<'r> {
    from: &'r Option<String>,
    to: &'r Option<String>,
    gates: &'r Option<Vec<String>>,
    stages: &'r Option<Vec<String>>,
    directions: &'r Option<Vec<String>>,
    classes: &'r Option<Vec<String>>,
}

fn date(c: &mut Ctx, p: FieldPath, s: &str) -> Option<Date> {
    match s.parse() {
        Ok(d) => Some(d),
        Err(e) => {
            c.err(p, e);
            None
        }
    }
}

fn hours(c: &mut Ctx, p: FieldPath, h: &[f64]) -> Option<Hours> {
    if h.len() != 2 {
        c.err(
            p,
            format!(
                "write opening hours as [open, close] in hours, e.g. [7, 20]; got {} numbers",
                h.len()
            ),
        );
        return None;
    }
    let (open, close) = (h[0], h[1]);
    if !(open >= 0.0 && close <= 24.0 && open < close) {
        c.err(
            p,
            format!("opening hour must be before closing hour within 0–24, got [{open}, {close}]"),
        );
        return None;
    }
    Some(Hours { open, close })
}

fn factors<const N: usize>(
    c: &mut Ctx,
    p: FieldPath,
    v: &Option<Vec<f64>>,
    what: &str,
    max: f64,
) -> [f64; N] {
    let mut out = [1.0; N];
    if let Some(v) = v {
        if v.len() != N {
            c.err(
                p,
                format!("{what} needs exactly {N} numbers, got {}", v.len()),
            );
        } else if v.iter().any(|x| !(*x >= 0.0 && *x <= max)) {
            c.err(
                p,
                format!(
                    "{what} must be numbers within 0–{} (larger ones are a unit mistake, and the products they enter must stay finite)",
                    num(max)
                ),
            );
        } else {
            out.copy_from_slice(v);
        }
    }
    out
}

/// What every section reads: the horizon and the indexes of names defined so far.
struct Lookups<'r> {
    /// First day of the horizon (a placeholder while the header is wrong).
    start: Date,
    /// Days in the horizon.
    days: usize,
    /// False when `start` or `end` is wrong: dates are then not checked against the horizon
    /// (the horizon is reported once, with no second-order errors).
    horizon_ok: bool,
    /// Class id → index.
    class_ix: HashMap<&'r str, usize>,
    /// Gate id → index.
    gate_ix: HashMap<&'r str, usize>,
    /// Per gate, stage id → global stage index.
    stage_ix: Vec<HashMap<String, usize>>,
    /// The gate of each stage.
    stage_gate: Vec<usize>,
}

impl Lookups<'_> {
    /// A date field as a day index of the horizon: `default` when absent or wrong.
    fn day_of(&self, c: &mut Ctx, p: FieldPath, s: &Option<String>, default: usize) -> usize {
        let (start, days, horizon_ok) = (self.start, self.days, self.horizon_ok);
        match s {
            None => default,
            Some(s) => match date(c, p.clone(), s) {
                None => default,
                Some(d) => {
                    let n = start.days_until(d);
                    if !horizon_ok {
                        // the horizon itself is wrong (reported once): no second-order errors
                        default
                    } else if n < 0 || n > days as i64 {
                        c.err(
                            p,
                            format!(
                                "{d} is outside the horizon {start} – {}",
                                start.plus_days(days as i64 - 1)
                            ),
                        );
                        default
                    } else {
                        n as usize
                    }
                }
            },
        }
    }

    /// A class id's index, or an "unknown class" problem at `p`.
    fn class_of(&self, c: &mut Ctx, p: FieldPath, name: &str) -> Option<usize> {
        let k = self.class_ix.get(name).copied();
        if k.is_none() {
            c.err(p, unknown("class", name, self.class_ix.keys()));
        }
        k
    }

    /// Class ids as a bitmask by class index (0: none named).
    fn class_mask(&self, c: &mut Ctx, p: FieldPath, names: &Option<Vec<String>>) -> u64 {
        let mut m = 0u64;
        for (j, n) in names.iter().flatten().enumerate() {
            match self.class_ix.get(n.as_str()) {
                Some(&k) => m |= 1 << k,
                None => c.err(p.index(j), unknown("class", n, self.class_ix.keys())),
            }
        }
        m
    }

    /// Gate ids as indices (all gates when absent).
    fn select_gates(&self, c: &mut Ctx, p: FieldPath, names: &Option<Vec<String>>) -> Vec<usize> {
        match names {
            // one stage index per gate, so its length is the number of gates
            None => (0..self.stage_ix.len()).collect(),
            Some(list) => list
                .iter()
                .enumerate()
                .filter_map(|(j, n)| {
                    let r = self.gate_ix.get(n.as_str()).copied();
                    if r.is_none() {
                        c.err(p.index(j), unknown("gate", n, self.gate_ix.keys()));
                    }
                    r
                })
                .collect(),
        }
    }

    /// Stage ids as global stage indices, in the gates `in_gates`.
    fn select_stages(
        &self,
        c: &mut Ctx,
        p: FieldPath,
        names: &[String],
        in_gates: &[usize],
    ) -> Vec<usize> {
        let mut out = Vec::new();
        for (j, n) in names.iter().enumerate() {
            let found: Vec<usize> = in_gates
                .iter()
                .filter_map(|&g| self.stage_ix.get(g)?.get(n).copied())
                .collect();
            if found.is_empty() {
                c.err(p.index(j), format!("no selected gate has a stage `{n}`"));
            }
            out.extend(found);
        }
        out
    }
}

/// The validation in progress: the file, the problems found so far, the lookups built so far.
struct Validator<'r> {
    raw: &'r RawScenario,
    c: Ctx,
    l: Lookups<'r>,
}

/// Validates a whole scenario.
pub fn validate(raw: &RawScenario) -> Result<Model, Vec<Problem>> {
    let mut v = Validator {
        raw,
        c: Ctx {
            problems: Vec::new(),
        },
        l: Lookups {
            start: Date {
                year: 2000,
                month: 1,
                day: 1,
            },
            days: 1,
            horizon_ok: false,
            class_ix: HashMap::new(),
            gate_ix: HashMap::new(),
            stage_ix: Vec::new(),
            stage_gate: Vec::new(),
        },
    };
    let (warmup, replications) = v.header();
    let (month_factor, weekday_factor, growth, growth_trend_from) = v.demand_shape();
    let classes = v.classes();
    let values = v.values(classes.len(), raw.target.is_some());
    let (gates, stages, routes, demand) = v.gates();
    // after the gates: a target may name some
    let target = v.target();
    let changes = v.changes();
    let mut variants = v.variants();
    let uncertain = v.uncertain(&variants);
    let (observed, usages) = v.observed();
    let fit = v.fit(&usages);
    let response = v.response(classes.len());
    let transfers = v.transfers(&routes);
    let history = v.history(&mut variants);
    if !v.c.problems.is_empty() {
        return Err(v.c.problems);
    }
    let h = &raw.scenario;
    let mut model = Model {
        name: h.name.clone(),
        question: h.question.clone(),
        title: match &h.title {
            Some(t) if !t.trim().is_empty() => t.trim().to_string(),
            _ => h.name.clone(),
        },
        description: h.description.clone().unwrap_or_default(),
        start: v.l.start,
        days: v.l.days,
        warmup_days: warmup.max(0) as usize,
        seed: h.seed.unwrap_or(42),
        replications: replications as usize,
        precision: h.precision,
        time_budget_s: h.time_budget_s,
        history,
        target,
        classes,
        values,
        gates,
        stages,
        routes,
        demand,
        growth,
        growth_trend_from,
        month_factor,
        weekday_factor,
        changes,
        variants,
        uncertain,
        observed,
        transfers,
        response,
        fit,
        decisions: None,
    };
    v.packages(&mut model);
    model.decisions = v.decisions(&model);
    if !v.c.problems.is_empty() {
        return Err(v.c.problems);
    }
    Ok(model)
}

/// "unknown WHAT `NAME`; known: …" with a "did you mean" for the closest known name: the one
/// message for a name that is not among those defined, whatever its category.
fn unknown<'a>(
    what: &str,
    name: &str,
    names: impl Iterator<Item = &'a (impl AsRef<str> + 'a + ?Sized)>,
) -> String {
    format!("unknown {what} `{name}`; known: {}", known(name, names))
}

/// Records `name` in `seen`; a name seen before is "WHAT `NAME` is defined twice" at `p`.
fn once<'r>(c: &mut Ctx, seen: &mut HashSet<&'r str>, p: FieldPath, what: &str, name: &'r str) {
    if !seen.insert(name) {
        c.err(p, format!("{what} `{name}` is defined twice"));
    }
}

/// Days of the week named in `names` (`mon` … `sun`), Monday first.
fn weekday_set(c: &mut Ctx, p: FieldPath, names: &[String]) -> [bool; 7] {
    let mut days = [false; 7];
    for (j, name) in names.iter().enumerate() {
        match ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .position(|d| *d == name.to_lowercase())
        {
            Some(k) => days[k] = true,
            None => c.err(
                p.index(j),
                format!("unknown weekday `{name}`: use mon, tue, wed, thu, fri, sat, sun"),
            ),
        }
    }
    days
}

/// The known names, sorted, and a "did you mean" for the closest one to `name`.
fn known<'a>(
    name: &str,
    names: impl Iterator<Item = &'a (impl AsRef<str> + 'a + ?Sized)>,
) -> String {
    let mut v: Vec<&str> = names.map(|s| s.as_ref()).collect();
    v.sort();
    let list = v.join(", ");
    match did_you_mean(name, v.iter().copied()) {
        Some(best) => format!("{list}; did you mean `{best}`?"),
        None => list,
    }
}

/// The candidate closest to `name` (Damerau–Levenshtein), if it is close enough to be a
/// likely typo: at most 2 edits, or a third of the name's length.
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|&(d, _)| d <= limit && d > 0)
        .min_by_key(|&(d, c)| (d, c.len()))
        .map(|(_, c)| c)
}
