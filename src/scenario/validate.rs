//! Raw scenario → validated [`Model`]. Every problem is collected (not just the first), each
//! with the path of its field and what to change.

use std::collections::{HashMap, HashSet};

use super::error::{FieldPath, Problem};
use super::raw::*;
use crate::engine::Discipline;
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

/// Validates a whole scenario.
pub fn validate(raw: &RawScenario) -> Result<Model, Vec<Problem>> {
    let mut c = Ctx {
        problems: Vec::new(),
    };
    let c = &mut c;

    // ----- header
    let h = &raw.scenario;
    let hp = root("scenario");
    if h.name.trim().is_empty() {
        c.err(hp.key("name"), "give the scenario a name");
    } else if !safe_name(&h.name) {
        c.err(
            hp.key("name"),
            format!(
                "the name `{}` names the output folder output/<name>/, so it may hold only letters a–z and A–Z, digits, `-`, `_` and `.`, must not start with `.`, and has at most {MAX_NAME_CHARS} characters (it has {})",
                h.name.escape_debug(),
                h.name.chars().count()
            ),
        );
    }
    let start = date(c, hp.key("start"), &h.start);
    let end = date(c, hp.key("end"), &h.end);
    let mut days = 1usize;
    let mut horizon_ok = false;
    if let (Some(s), Some(e)) = (start, end) {
        let n = s.days_until(e) + 1;
        if n < 1 {
            c.err(hp.key("end"), format!("end {e} is before start {s}"));
        } else if n > MAX_DAYS {
            c.err(
                hp.key("end"),
                format!("the horizon is {n} days; the limit is {MAX_DAYS}"),
            );
        } else {
            days = n as usize;
            horizon_ok = true;
        }
    }
    let start = start.unwrap_or(Date {
        year: 2000,
        month: 1,
        day: 1,
    });
    let warmup = h.warmup_days.unwrap_or(0);
    if horizon_ok && (warmup < 0 || warmup as usize >= days) {
        c.err(
            hp.key("warmup_days"),
            format!("warm-up must be ≥ 0 and shorter than the horizon ({days} days), got {warmup}"),
        );
    }
    let replications = h.replications.unwrap_or(10);
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        c.err(
            hp.key("replications"),
            format!("replications must be 1–{MAX_REPLICATIONS}, got {replications}"),
        );
    }
    let day_of = |c: &mut Ctx, p: FieldPath, s: &Option<String>, default: usize| -> usize {
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
    };

    // ----- target
    let target = raw.target.as_ref().map(|t| {
        let tp = root("target");
        for (name, v) in [
            ("total_musd", t.total_musd),
            ("export_musd", t.export_musd),
            ("import_musd", t.import_musd),
        ] {
            if !(v.is_finite() && v > 0.0) {
                c.err(
                    tp.key(name),
                    format!(
                        "a target must be a positive number of million USD, got {}",
                        num(v)
                    ),
                );
            }
        }
        Target {
            year: t.year,
            total_musd: t.total_musd,
            export_musd: t.export_musd,
            import_musd: t.import_musd,
        }
    });

    // ----- demand shape
    let dp = root("demand");
    let month_factor = [
        factors::<12>(
            c,
            dp.key("export_month_factor"),
            &raw.demand.export_month_factor,
            "export_month_factor",
            MAX_FACTOR,
        ),
        factors::<12>(
            c,
            dp.key("import_month_factor"),
            &raw.demand.import_month_factor,
            "import_month_factor",
            MAX_FACTOR,
        ),
    ];
    let weekday_factor = factors::<7>(
        c,
        dp.key("weekday_factor"),
        &raw.demand.weekday_factor,
        "weekday_factor",
        MAX_FACTOR,
    );
    let mut growth = Vec::new();
    for (k, &v) in &raw.demand.growth {
        match k.parse::<i32>() {
            Ok(y) if (0.0..=MAX_FACTOR).contains(&v) => growth.push((y, v)),
            Ok(_) => c.err(
                dp.key("growth").key(k),
                format!(
                    "growth index must be within 0–{MAX_FACTOR} (it multiplies per_day; a larger one is a unit mistake), got {}",
                    num(v)
                ),
            ),
            Err(_) => c.err(
                dp.key("growth").key(k),
                format!("growth keys are years, e.g. 2025 = 1.0; got `{k}`"),
            ),
        }
    }
    growth.sort_by_key(|&(y, _)| y);
    let growth_trend_from = raw.demand.growth_trend_from;
    let last_year = start.plus_days(days as i64 - 1).year;
    if let Some(y) = growth_trend_from
        && !(start.year..=last_year).contains(&y)
    {
        c.err(
            dp.key("growth_trend_from"),
            format!(
                "growth_trend_from must be a year of the horizon ({}–{last_year}), got {y}",
                start.year
            ),
        );
    }

    // ----- classes
    let mut class_ix: HashMap<&str, usize> = HashMap::new();
    let mut classes = Vec::new();
    for (i, rc) in raw.classes.iter().enumerate() {
        let p = root("classes").index(i);
        if class_ix.insert(rc.id.as_str(), i).is_some() {
            c.err(p.key("id"), format!("class `{}` is defined twice", rc.id));
        }
        let shelf = rc
            .shelf_life_days
            .as_ref()
            .and_then(|d| dist(c, p.key("shelf_life_days"), d, SHELF));
        let prio = rc.priority.unwrap_or(1);
        if !(0..=255).contains(&prio) {
            c.err(
                p.key("priority"),
                format!("priority must be 0–255 (0 first), got {prio}"),
            );
        }
        classes.push(CargoClass {
            id: rc.id.clone(),
            shelf_life_days: shelf,
            priority: prio.clamp(0, 255) as u8,
        });
    }
    if classes.len() > 64 {
        c.err(root("classes"), "at most 64 cargo classes");
    }
    if classes.is_empty() {
        c.err(
            root("classes"),
            "define at least one cargo class, e.g. [[classes]] id = \"general\"",
        );
    }
    let class_mask = |c: &mut Ctx, p: FieldPath, names: &Option<Vec<String>>| -> u64 {
        let mut m = 0u64;
        for (j, n) in names.iter().flatten().enumerate() {
            match class_ix.get(n.as_str()) {
                Some(&k) => m |= 1 << k,
                None => c.err(
                    p.index(j),
                    format!("unknown class `{n}`; known: {}", known(n, class_ix.keys())),
                ),
            }
        }
        m
    };

    // ----- values
    let mut values: [Vec<Option<ValueSpec>>; 2] =
        [vec![None; classes.len()], vec![None; classes.len()]];
    for (i, rv) in raw.values.iter().enumerate() {
        let p = root("values").index(i);
        let d = direction(c, p.key("direction"), &rv.direction);
        let k = class_ix.get(rv.class.as_str()).copied();
        if k.is_none() {
            c.err(
                p.key("class"),
                format!(
                    "unknown class `{}`; known: {}",
                    rv.class,
                    known(&rv.class, class_ix.keys())
                ),
            );
        }
        let v = dist(c, p.key("value_usd"), &rv.value_usd, VALUE);
        if !(0.0..=1.0).contains(&rv.declared_here_share) {
            c.err(
                p.key("declared_here_share"),
                format!(
                    "a share must be within 0–1, got {}",
                    num(rv.declared_here_share)
                ),
            );
        }
        if let (Some(d), Some(k), Some(v)) = (d, k, v) {
            if v.mean() <= 0.0 && rv.declared_here_share > 0.0 && target.is_some() {
                c.err(p.key("value_usd"), "a value per vehicle of zero cannot count toward the turnover target: give a positive value");
            }
            if values[d as usize][k].is_some() {
                c.err(
                    p,
                    format!("value for ({}, {}) is given twice", rv.direction, rv.class),
                );
            }
            values[d as usize][k] = Some(ValueSpec {
                value_usd: v,
                declared_here_share: rv.declared_here_share,
            });
        }
    }

    // ----- gates, stages, routes, demand
    if raw.gates.is_empty() {
        c.err(
            root("gates"),
            "the gate list is empty: add at least one [[gates]] table",
        );
    }
    let mut gate_ix: HashMap<&str, usize> = HashMap::new();
    for (g, rg) in raw.gates.iter().enumerate() {
        if gate_ix.insert(rg.id.as_str(), g).is_some() {
            c.err(
                root("gates").index(g).key("id"),
                format!("gate `{}` is defined twice", rg.id),
            );
        }
    }
    let mut gates = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    let mut stage_ix: Vec<HashMap<String, usize>> = Vec::new();
    let mut routes = Vec::new();
    let mut demand = Vec::new();
    for (g, rg) in raw.gates.iter().enumerate() {
        let gp = root("gates").index(g);
        let yard = match rg.yard_capacity {
            None => None,
            Some(n) if n >= 1 && n <= u32::MAX as i64 / 2 => Some(n as u32),
            Some(n) => {
                c.err(
                    gp.key("yard_capacity"),
                    format!("yard capacity must be ≥ 1 vehicle (omit it for unlimited), got {n}"),
                );
                None
            }
        };
        let mut hour_profile = [1.0; 24];
        if let Some(hp) = &rg.hour_profile {
            let f = factors::<24>(
                c,
                gp.key("hour_profile"),
                &Some(hp.clone()),
                "hour_profile",
                1e9,
            );
            let sum: f64 = f.iter().sum();
            if sum <= 0.0 {
                c.err(gp.key("hour_profile"), "hour_profile must not be all zero");
            } else {
                hour_profile = f.map(|x| x * 24.0 / sum);
            }
        }
        let diversion = rg.diversion.as_ref().map(|d| {
            let p = gp.key("diversion");
            if d.threshold < 0 {
                c.err(p.key("threshold"), "threshold must be ≥ 0 vehicles");
            }
            if !(0.0..=1.0).contains(&d.share) {
                c.err(
                    p.key("share"),
                    format!("a share must be within 0–1, got {}", num(d.share)),
                );
            }
            let to = d.to.as_ref().and_then(|t| match gate_ix.get(t.as_str()) {
                Some(&x) if x == g => {
                    c.err(p.key("to"), "a gate cannot divert to itself");
                    None
                }
                Some(&x) => Some(x),
                None => {
                    c.err(
                        p.key("to"),
                        format!("unknown gate `{t}`; known: {}", known(t, gate_ix.keys())),
                    );
                    None
                }
            });
            let leave = d
                .leave_share
                .unwrap_or(if to.is_some() { 0.0 } else { 1.0 });
            if !(0.0..=1.0).contains(&leave) {
                c.err(
                    p.key("leave_share"),
                    format!("a share must be within 0–1, got {}", num(leave)),
                );
            }
            Diversion {
                threshold: d.threshold.max(0) as u32,
                share: d.share,
                to_gate: to,
                leave_share: leave,
            }
        });
        gates.push(Gate {
            id: rg.id.clone(),
            name: rg.name.clone().unwrap_or_else(|| rg.id.clone()),
            yard_capacity: yard,
            hour_profile,
            diversion,
        });

        let mut ix = HashMap::new();
        for (si, rs) in rg.stages.iter().enumerate() {
            let sp = gp.key("stages").index(si);
            if ix.insert(rs.id.clone(), stages.len()).is_some() {
                c.err(
                    sp.key("id"),
                    format!("stage `{}` is defined twice in gate `{}`", rs.id, rg.id),
                );
            }
            if !(0..=MAX_SERVERS).contains(&rs.servers) {
                c.err(
                    sp.key("servers"),
                    format!("servers must be 0–{MAX_SERVERS}, got {}", rs.servers),
                );
            }
            let hrs = rs
                .hours
                .as_ref()
                .and_then(|h| hours(c, sp.key("hours"), h))
                .unwrap_or(Hours {
                    open: 0.0,
                    close: 24.0,
                });
            let weekdays = rs
                .weekdays
                .as_ref()
                .map_or([true; 7], |w| weekday_set(c, sp.key("weekdays"), w));
            let clock = match rs.clock.as_deref().unwrap_or("vn") {
                "vn" => 0.0,
                "cn" => 1.0,
                other => {
                    c.err(sp.key("clock"), format!("unknown clock `{other}`: \"vn\" (Hà Nội) or \"cn\" (Beijing = Hà Nội + 1 h)"));
                    0.0
                }
            };
            let discipline = match rs.discipline.as_deref().unwrap_or("fifo") {
                "fifo" => Discipline::Fifo,
                "priority" => Discipline::Priority,
                other => {
                    c.err(
                        sp.key("discipline"),
                        format!("unknown discipline `{other}`: \"fifo\" or \"priority\""),
                    );
                    Discipline::Fifo
                }
            };
            let service = match (&rs.service, &rs.channels) {
                (Some(d), None) => dist(c, sp.key("service"), d, TIME).map(Service::Single),
                (None, Some(chs)) if !chs.is_empty() => {
                    let mut acc = 0.0;
                    let mut out = Vec::new();
                    for (j, ch) in chs.iter().enumerate() {
                        let cp = sp.key("channels").index(j);
                        if !(ch.share >= 0.0 && ch.share <= 1.0) {
                            c.err(
                                cp.key("share"),
                                format!("a share must be within 0–1, got {}", num(ch.share)),
                            );
                        }
                        acc += ch.share;
                        if let Some(d) = dist(c, cp.key("service"), &ch.service, TIME) {
                            out.push(Channel {
                                name: ch.name.clone(),
                                cum_share: acc,
                                service: d,
                            });
                        }
                    }
                    if (acc - 1.0).abs() > 1e-6 {
                        c.err(
                            sp.key("channels"),
                            format!(
                                "channel shares must sum to 1, they sum to {}",
                                (acc * 1e6).round() / 1e6
                            ),
                        );
                    }
                    (out.len() == chs.len()).then_some(Service::Channels(out))
                }
                (Some(_), Some(_)) => {
                    c.err(
                        sp.key("channels"),
                        "give either `service` or `channels`, not both",
                    );
                    None
                }
                _ => {
                    c.err(
                        sp.clone(),
                        "a stage needs a `service` distribution (minutes) or `channels`",
                    );
                    None
                }
            };
            let nonneg = |c: &mut Ctx, name: &str, v: Option<i64>| -> Option<u32> {
                match v {
                    Some(n) if n < 0 || n > u32::MAX as i64 / 2 => {
                        c.err(sp.key(name), format!("{name} must be ≥ 0, got {n}"));
                        None
                    }
                    other => other.map(|n| n as u32),
                }
            };
            let daily_cap = nonneg(c, "daily_cap", rs.daily_cap);
            let queue_limit = nonneg(c, "queue_limit", rs.queue_limit);
            stages.push(Stage {
                id: rs.id.clone(),
                gate: g,
                servers: rs.servers.clamp(0, MAX_SERVERS) as u32,
                hours: hrs,
                weekdays,
                clock_offset_h: clock,
                discipline,
                service: service.unwrap_or(Service::Single(Dist::Constant(0.0))),
                clearance: rs.clearance,
                daily_cap,
                queue_limit,
            });
        }

        let mut seen_dirs = HashSet::new();
        for (ri, rr) in rg.routes.iter().enumerate() {
            let rp = gp.key("routes").index(ri);
            let Some(dir) = direction(c, rp.key("direction"), &rr.direction) else {
                continue;
            };
            if !seen_dirs.insert(dir) {
                c.err(
                    rp.key("direction"),
                    format!("gate `{}` has two {} routes", rg.id, dir.as_str()),
                );
            }
            if rr.steps.is_empty() {
                c.err(rp.key("steps"), "a route needs at least one step");
            }
            let mut steps = Vec::new();
            for (k, st) in rr.steps.iter().enumerate() {
                let sp = rp.key("steps").index(k);
                let (name, classes, prob) = match st {
                    RawStep::Stage(s) => (s.as_str(), 0, 1.0),
                    RawStep::Conditional(t) => {
                        let m = class_mask(c, sp.key("classes"), &t.classes);
                        let p = t.probability.unwrap_or(1.0);
                        if !(p > 0.0 && p <= 1.0) {
                            c.err(
                                sp.key("probability"),
                                format!("probability must be in (0, 1], got {}", num(p)),
                            );
                        }
                        (t.stage.as_str(), m, p)
                    }
                };
                match ix.get(name) {
                    Some(&s) => {
                        if steps.last().is_some_and(|prev: &Step| prev.stage == s) {
                            c.err(
                                sp,
                                format!(
                                    "stage `{name}` is routed to itself: remove the repeated step"
                                ),
                            );
                        }
                        steps.push(Step {
                            stage: s,
                            classes,
                            probability: prob,
                        });
                    }
                    None => c.err(
                        sp,
                        format!(
                            "unknown stage `{name}` in gate `{}`; its stages: {}",
                            rg.id,
                            known(name, ix.keys())
                        ),
                    ),
                }
            }
            let default_yard = if yard.is_some() { 1 } else { 0 };
            let yard_steps = rr.yard_steps.unwrap_or(default_yard);
            if yard_steps < 0 || yard_steps as usize > steps.len() {
                c.err(
                    rp.key("yard_steps"),
                    format!("yard_steps must be 0–{} (the number of steps)", steps.len()),
                );
            }
            routes.push(Route {
                gate: g,
                direction: dir,
                steps,
                yard_steps: yard_steps.clamp(0, 1000) as usize,
            });
        }

        for (di, rd) in rg.demand.iter().enumerate() {
            let p = gp.key("demand").index(di);
            let dir = direction(c, p.key("direction"), &rd.direction);
            let k = class_ix.get(rd.class.as_str()).copied();
            if k.is_none() {
                c.err(
                    p.key("class"),
                    format!(
                        "unknown class `{}`; known: {}",
                        rd.class,
                        known(&rd.class, class_ix.keys())
                    ),
                );
            }
            if !(rd.per_day.is_finite() && rd.per_day >= 0.0 && rd.per_day <= MAX_PER_DAY) {
                c.err(
                    p.key("per_day"),
                    format!(
                        "per_day must be 0–{MAX_PER_DAY} vehicles/day, got {}",
                        num(rd.per_day)
                    ),
                );
            }
            let batch = rd.batch.unwrap_or(1);
            if !(1..=10_000).contains(&batch) {
                c.err(
                    p.key("batch"),
                    format!("batch must be 1–10000 vehicles, got {batch}"),
                );
            }
            if let (Some(dir), Some(k)) = (dir, k) {
                if !rg.routes.iter().any(|r| r.direction == dir.as_str()) {
                    c.err(p.key("direction"), format!("gate `{}` has no {} route: add [[gates.routes]] with direction = \"{}\"", rg.id, dir.as_str(), dir.as_str()));
                }
                if !raw
                    .values
                    .iter()
                    .any(|v| v.direction == dir.as_str() && v.class == rd.class)
                {
                    c.err(
                        p.key("class"),
                        format!(
                            "no [[values]] entry for direction \"{}\" and class \"{}\"",
                            dir.as_str(),
                            rd.class
                        ),
                    );
                }
                demand.push(DemandStream {
                    gate: g,
                    direction: dir,
                    class: k,
                    per_day: rd.per_day.max(0.0),
                    batch: batch.clamp(1, 10_000) as u32,
                });
            }
        }
        stage_ix.push(ix);
    }

    // ----- helpers shared by changes, uncertain parameters and observed figures
    let select_gates = |c: &mut Ctx, p: FieldPath, names: &Option<Vec<String>>| -> Vec<usize> {
        match names {
            None => (0..gates.len()).collect(),
            Some(list) => list
                .iter()
                .enumerate()
                .filter_map(|(j, n)| {
                    let r = gate_ix.get(n.as_str()).copied();
                    if r.is_none() {
                        c.err(
                            p.index(j),
                            format!("unknown gate `{n}`; known: {}", known(n, gate_ix.keys())),
                        );
                    }
                    r
                })
                .collect(),
        }
    };
    let select_stages =
        |c: &mut Ctx, p: FieldPath, names: &[String], in_gates: &[usize]| -> Vec<usize> {
            let mut out = Vec::new();
            for (j, n) in names.iter().enumerate() {
                let found: Vec<usize> = in_gates
                    .iter()
                    .filter_map(|&g| stage_ix.get(g)?.get(n).copied())
                    .collect();
                if found.is_empty() {
                    c.err(p.index(j), format!("no selected gate has a stage `{n}`"));
                }
                out.extend(found);
            }
            out
        };

    // ----- changes
    let change = |c: &mut Ctx, p: FieldPath, rc: &RawChange| -> Option<Change> {
        let from_day = day_of(c, p.key("from"), &rc.from, 0);
        let to_day = day_of(c, p.key("to"), &rc.to, usize::MAX);
        if rc.to.is_some() && to_day != usize::MAX && to_day <= from_day {
            c.err(p.key("to"), "`to` must be after `from`");
        }
        let gate_list: Vec<usize> = select_gates(c, p.key("gates"), &rc.gates);
        let stage_kinds = [
            "add_servers",
            "set_servers",
            "scale_service",
            "hours",
            "daily_cap",
            "remove_daily_cap",
            "capacity",
            "closure",
            "weekdays",
        ];
        let is_stage_kind = stage_kinds.contains(&rc.kind.as_str());
        let mut stage_list = Vec::new();
        match (&rc.stages, is_stage_kind) {
            (Some(names), true) => {
                stage_list = select_stages(c, p.key("stages"), names, &gate_list)
            }
            (None, true) if matches!(rc.kind.as_str(), "capacity" | "closure") => {
                stage_list = (0..stages.len())
                    .filter(|s| gate_list.contains(&stages[*s].gate))
                    .collect();
            }
            (None, true) => c.err(
                p.key("stages"),
                format!("a `{}` change needs `stages = [...]`", rc.kind),
            ),
            (Some(_), false) => c.err(
                p.key("stages"),
                format!(
                    "a `{}` change applies to gates, not stages: remove `stages`",
                    rc.kind
                ),
            ),
            (None, false) => {}
        }
        let needs = |c: &mut Ctx, name: &str, present: bool| {
            if !present {
                c.err(
                    p.key(name),
                    format!("a `{}` change needs `{name}`", rc.kind),
                );
            }
            present
        };
        let kind = match rc.kind.as_str() {
            "add_servers" => needs(c, "servers", rc.servers.is_some()).then(|| {
                ChangeKind::AddServers(
                    rc.servers.unwrap_or(0).clamp(-MAX_SERVERS, MAX_SERVERS) as i32
                )
            }),
            "set_servers" => {
                let n = rc.servers.unwrap_or(-1);
                if !(0..=MAX_SERVERS).contains(&n) {
                    c.err(
                        p.key("servers"),
                        format!("a `set_servers` change needs servers = 0–{MAX_SERVERS}"),
                    );
                    None
                } else {
                    Some(ChangeKind::SetServers(n as u32))
                }
            }
            "scale_service" | "capacity" | "demand" | "value" => {
                let f = rc.factor.unwrap_or(f64::NAN);
                if !(0.0..=MAX_FACTOR).contains(&f) {
                    c.err(
                        p.key("factor"),
                        format!(
                            "a `{}` change needs a factor within 0–{MAX_FACTOR}, got {}: a larger multiplier is a unit mistake, and products of factors must stay finite",
                            rc.kind,
                            num(f)
                        ),
                    );
                    None
                } else {
                    Some(match rc.kind.as_str() {
                        "scale_service" => ChangeKind::ScaleService(f),
                        "capacity" => ChangeKind::Capacity(f),
                        kind => {
                            let mut dirs = 0u8;
                            for (j, d) in rc.directions.iter().flatten().enumerate() {
                                if let Some(d) = direction(c, p.key("directions").index(j), d) {
                                    dirs |= 1 << d as u8;
                                }
                            }
                            let directions = if rc.directions.is_none() { 3 } else { dirs };
                            let classes = class_mask(c, p.key("classes"), &rc.classes);
                            if kind == "value" {
                                ChangeKind::Value {
                                    factor: f,
                                    directions,
                                    classes,
                                }
                            } else {
                                ChangeKind::Demand {
                                    factor: f,
                                    directions,
                                    classes,
                                }
                            }
                        }
                    })
                }
            }
            "closure" => Some(ChangeKind::Capacity(0.0)),
            "weekdays" => match &rc.weekdays {
                Some(w) => Some(ChangeKind::Weekdays(weekday_set(c, p.key("weekdays"), w))),
                None => {
                    needs(c, "weekdays", false);
                    None
                }
            },
            "hours" => match &rc.hours {
                Some(h) => hours(c, p.key("hours"), h).map(ChangeKind::Hours),
                None => {
                    needs(c, "hours", false);
                    None
                }
            },
            "daily_cap" => match rc.cap {
                Some(n) if n >= 0 => Some(ChangeKind::DailyCap(Some(n as u32))),
                Some(n) => {
                    c.err(
                        p.key("cap"),
                        format!("cap must be ≥ 0 vehicles/day, got {n}"),
                    );
                    None
                }
                None => {
                    needs(c, "cap", false);
                    None
                }
            },
            "remove_daily_cap" => Some(ChangeKind::DailyCap(None)),
            "yard" => match rc.capacity {
                Some(n) if n >= 1 => Some(ChangeKind::Yard(n.min(u32::MAX as i64 / 2) as u32)),
                _ => {
                    c.err(
                        p.key("capacity"),
                        "a `yard` change needs capacity ≥ 1 vehicle",
                    );
                    None
                }
            },
            other => {
                c.err(
                    p.key("kind"),
                    format!(
                        "unknown change kind `{other}`; use one of: {}, yard, demand, value",
                        stage_kinds.join(", ")
                    ),
                );
                None
            }
        };
        Some(Change {
            from_day,
            to_day,
            gates: gate_list,
            stages: stage_list,
            kind: kind?,
        })
    };
    let changes: Vec<Change> = raw
        .changes
        .iter()
        .enumerate()
        .filter_map(|(i, rc)| change(c, root("changes").index(i), rc))
        .collect();
    let mut variants = Vec::new();
    let mut names = HashSet::new();
    for (i, rv) in raw.variants.iter().enumerate() {
        let p = root("variants").index(i);
        if !names.insert(rv.name.as_str()) {
            c.err(
                p.key("name"),
                format!("variant `{}` is defined twice", rv.name),
            );
        }
        let ch = rv
            .changes
            .iter()
            .enumerate()
            .filter_map(|(j, rc)| change(c, p.key("changes").index(j), rc))
            .collect();
        variants.push(Variant {
            name: rv.name.clone(),
            description: rv.description.clone().unwrap_or_default(),
            changes: ch,
        });
    }
    // what a multiplier ([[uncertain]] or [[fit]]) applies to; `what` names it in messages
    let multiplier = |c: &mut Ctx,
                      p: &FieldPath,
                      what: &str,
                      head: (&str, Option<UncertainKind>, Option<Dist>),
                      sel: Selectors|
     -> Option<Uncertain> {
        let (name, kind, factor) = head;
        let from_day = day_of(c, p.key("from"), sel.from, 0);
        let to_day = day_of(c, p.key("to"), sel.to, usize::MAX);
        if sel.to.is_some() && to_day != usize::MAX && to_day <= from_day {
            c.err(p.key("to"), "`to` must be after `from`");
        }
        let gate_list: Vec<usize> = select_gates(c, p.key("gates"), sel.gates);
        let mut stage_list = Vec::new();
        match (kind, sel.stages) {
            (Some(UncertainKind::Service), Some(names)) => {
                stage_list = select_stages(c, p.key("stages"), names, &gate_list)
            }
            (Some(UncertainKind::Service), None) => c.err(
                p.key("stages"),
                format!("a `service` {what} needs `stages = [...]`"),
            ),
            (Some(_), Some(_)) => c.err(p.key("stages"), "only `service` parameters take `stages`"),
            _ => {}
        }
        let mut dirs = 0u8;
        for (j, d) in sel.directions.iter().flatten().enumerate() {
            if let Some(d) = direction(c, p.key("directions").index(j), d) {
                dirs |= 1 << d as u8;
            }
        }
        let classes = class_mask(c, p.key("classes"), sel.classes);
        Some(Uncertain {
            name: name.to_string(),
            kind: kind?,
            factor: factor?,
            from_day,
            to_day,
            gates: gate_list,
            stages: stage_list,
            directions: if sel.directions.is_none() { 3 } else { dirs },
            classes,
            variants: Vec::new(),
        })
    };
    let mut uncertain = Vec::new();
    let mut unames = HashSet::new();
    for (i, ru) in raw.uncertain.iter().enumerate() {
        let p = root("uncertain").index(i);
        if !unames.insert(ru.name.as_str()) {
            c.err(
                p.key("name"),
                format!("uncertain parameter `{}` is defined twice", ru.name),
            );
        }
        let kind = match ru.kind.as_str() {
            "demand" => Some(UncertainKind::Demand),
            "value" => Some(UncertainKind::Value),
            "service" => Some(UncertainKind::Service),
            "diversion_threshold" => Some(UncertainKind::DiversionThreshold),
            "logit_scale" => Some(UncertainKind::LogitScale),
            "response_lag" => Some(UncertainKind::ResponseLag),
            "delay_loss" => Some(UncertainKind::DelayLoss),
            other => {
                c.err(
                    p.key("kind"),
                    format!(
                        "unknown uncertain kind `{other}`: use demand, value, service, diversion_threshold, logit_scale, response_lag or delay_loss"
                    ),
                );
                None
            }
        };
        if matches!(
            kind,
            Some(UncertainKind::LogitScale | UncertainKind::ResponseLag | UncertainKind::DelayLoss)
        ) && raw.response.is_none()
        {
            c.err(
                p.key("kind"),
                format!(
                    "a `{}` parameter multiplies a number of [response]: add a [response] table or remove this parameter",
                    ru.kind
                ),
            );
        }
        let factor = dist(c, p.key("factor"), &ru.factor, FACTOR);
        let sel = Selectors {
            from: &ru.from,
            to: &ru.to,
            gates: &ru.gates,
            stages: &ru.stages,
            directions: &ru.directions,
            classes: &ru.classes,
        };
        let u = multiplier(c, &p, "uncertain parameter", (&ru.name, kind, factor), sel);
        let mut vlist = Vec::new();
        for (j, n) in ru.variants.iter().flatten().enumerate() {
            match variants.iter().position(|v: &Variant| &v.name == n) {
                Some(k) => vlist.push(k),
                None => c.err(
                    p.key("variants").index(j),
                    format!(
                        "unknown variant `{n}`; known: {}",
                        known(n, variants.iter().map(|v| v.name.as_str()))
                    ),
                ),
            }
        }
        if let Some(u) = u {
            uncertain.push(Uncertain {
                variants: vlist,
                ..u
            });
        }
    }
    let years = {
        let last = start.plus_days(days as i64 - 1).year;
        (start.year..=last).collect::<Vec<i32>>()
    };
    let mut observed = Vec::new();
    let mut usages = Vec::new();
    for (i, ro) in raw.observed.iter().enumerate() {
        let p = root("observed").index(i);
        let gates_sel: Vec<usize> = select_gates(c, p.key("gates"), &ro.gates);
        let year_ix = |c: &mut Ctx| -> Option<usize> {
            match ro.year {
                Some(y) => {
                    let r = years.iter().position(|&x| x == y);
                    if r.is_none() {
                        c.err(
                            p.key("year"),
                            format!(
                                "{y} is outside the horizon's years {}–{}",
                                years[0],
                                years[years.len() - 1]
                            ),
                        );
                    }
                    r
                }
                None => {
                    c.err(
                        p.key("year"),
                        format!("a `{}` figure needs `year`", ro.figure),
                    );
                    None
                }
            }
        };
        if ro.direction.is_some()
            && matches!(
                ro.figure.as_str(),
                "daily_cleared" | "time_in_system_median_h"
            )
        {
            c.err(
                p.key("direction"),
                format!(
                    "a `{}` figure counts both directions: remove `direction` (use `export_share` or a `queue` with a direction for one side)",
                    ro.figure
                ),
            );
        }
        let figure = match ro.figure.as_str() {
            "daily_cleared" => {
                if ro.from.is_none() || ro.to.is_none() {
                    c.err(
                        p.key("from"),
                        "a `daily_cleared` figure needs `from` and `to` dates",
                    );
                }
                let from_day = day_of(c, p.key("from"), &ro.from, 0);
                let to_day = day_of(c, p.key("to"), &ro.to, 0).min(days.saturating_sub(1));
                if to_day < from_day {
                    c.err(p.key("to"), "`to` must not be before `from`");
                }
                Some(Figure::DailyCleared {
                    gates: gates_sel,
                    from_day,
                    to_day,
                })
            }
            "turnover_a" => {
                let direction = ro
                    .direction
                    .as_ref()
                    .and_then(|d| direction(c, p.key("direction"), d));
                year_ix(c).map(|year| Figure::TurnoverA { year, direction })
            }
            "turnover_b" => {
                let direction = ro
                    .direction
                    .as_ref()
                    .and_then(|d| direction(c, p.key("direction"), d));
                year_ix(c).map(|year| Figure::TurnoverB { year, direction })
            }
            "export_share" => {
                if ro.direction.is_some() {
                    c.err(
                        p.key("direction"),
                        "an `export_share` figure counts both directions: remove `direction`",
                    );
                }
                if ro.value > 1.0 {
                    c.err(
                        p.key("value"),
                        format!(
                            "an `export_share` is a share within 0–1, got {}",
                            num(ro.value)
                        ),
                    );
                }
                year_ix(c).map(|year| Figure::ExportShare { year })
            }
            "time_in_system_median_h" => {
                year_ix(c).map(|year| Figure::MedianTimeInSystemH { year })
            }
            "queue" => {
                if ro.date.is_none() {
                    c.err(p.key("date"), "a `queue` figure needs `date`");
                }
                let day = day_of(c, p.key("date"), &ro.date, 0).min(days.saturating_sub(1));
                let direction = ro
                    .direction
                    .as_ref()
                    .and_then(|d| direction(c, p.key("direction"), d));
                Some(Figure::Queue {
                    gates: gates_sel,
                    day,
                    direction,
                })
            }
            other => {
                c.err(
                    p.key("figure"),
                    format!("unknown figure `{other}`: use daily_cleared, turnover_a, turnover_b, export_share, time_in_system_median_h or queue"),
                );
                None
            }
        };
        let tolerance = match (ro.tolerance, ro.factor) {
            (Some(t), None) if t > 0.0 && t.is_finite() => Some(Tolerance::Relative(t)),
            (None, Some(f)) if f > 1.0 && f.is_finite() => Some(Tolerance::Factor(f)),
            _ => {
                c.err(
                    p.key("tolerance"),
                    "give either `tolerance` (a share > 0, e.g. 0.15) or `factor` (> 1, e.g. 1.5)",
                );
                None
            }
        };
        if !(ro.value.is_finite() && ro.value > 0.0) {
            c.err(
                p.key("value"),
                format!(
                    "an observed value must be a positive number, got {}",
                    num(ro.value)
                ),
            );
        }
        let usage = match ro.usage.as_deref() {
            None | Some("check") => ObservedUse::Check,
            Some("fit") => ObservedUse::Fit,
            Some(other) => {
                let hint = did_you_mean(other, ["fit", "check"].into_iter())
                    .map_or(String::new(), |b| format!("; did you mean `{b}`?"));
                c.err(
                    p.key("use"),
                    format!(
                        "unknown use `{other}`: write \"fit\" ([[fit]] parameters may be fitted to it) or \"check\" (the default: no parameter may be fitted to it){hint}"
                    ),
                );
                ObservedUse::Check
            }
        };
        usages.push(usage);
        if let (Some(figure), Some(tolerance)) = (figure, tolerance) {
            observed.push(Observed {
                name: ro.name.clone(),
                figure,
                value: ro.value,
                source: ro.source.clone(),
                tolerance,
                usage,
            });
        }
    }

    // ----- fit: calibration multipliers, fitted only to `use = "fit"` figures
    let mut fit = Vec::new();
    let mut fnames = HashSet::new();
    for (i, rf) in raw.fit.iter().enumerate() {
        let p = root("fit").index(i);
        if !fnames.insert(rf.name.as_str()) {
            c.err(
                p.key("name"),
                format!("fit parameter `{}` is defined twice", rf.name),
            );
        }
        let kind = match rf.kind.as_str() {
            "demand" => Some(UncertainKind::Demand),
            "value" => Some(UncertainKind::Value),
            "service" => Some(UncertainKind::Service),
            other => {
                let hint = did_you_mean(other, ["demand", "value", "service"].into_iter())
                    .map_or(String::new(), |b| format!("; did you mean `{b}`?"));
                c.err(
                    p.key("kind"),
                    format!("unknown fit kind `{other}`: use demand, value or service{hint}"),
                );
                None
            }
        };
        let range = match rf.range[..] {
            [lo, hi] if 0.0 < lo && lo < hi && hi <= MAX_FACTOR => Some((lo, hi)),
            _ => {
                c.err(
                    p.key("range"),
                    format!(
                        "write the interval searched as [lo, hi] with 0 < lo < hi ≤ {MAX_FACTOR} (a larger multiplier is a unit mistake), e.g. [0.5, 2.0]; got {:?}",
                        rf.range
                    ),
                );
                None
            }
        };
        if let Some((lo, hi)) = range
            && !(lo <= rf.value && rf.value <= hi)
        {
            c.err(
                p.key("value"),
                format!(
                    "value {} is outside range [{lo}, {hi}]: the multiplier the scenario runs with must be one the fit may find",
                    rf.value
                ),
            );
        }
        if rf.against.is_empty() {
            c.err(
                p.key("against"),
                "name at least one [[observed]] figure with use = \"fit\" to fit it to",
            );
        }
        let mut against = Vec::new();
        for (j, n) in rf.against.iter().enumerate() {
            let hits: Vec<usize> = (raw.observed.iter().enumerate())
                .filter(|(_, o)| &o.name == n)
                .map(|(k, _)| k)
                .collect();
            if hits.is_empty() {
                let fits = (raw.observed.iter().zip(&usages))
                    .filter(|(_, u)| **u == ObservedUse::Fit)
                    .map(|(o, _)| o.name.as_str());
                let list = known(n, fits);
                c.err(
                    p.key("against").index(j),
                    format!(
                        "unknown observed figure `{n}`; figures with use = \"fit\": {}",
                        if list.is_empty() { "none" } else { &list }
                    ),
                );
            } else if hits.iter().any(|&k| usages[k] == ObservedUse::Check) {
                c.err(
                    p.key("against").index(j),
                    format!(
                        "`{n}` is a check, and a check cannot be fitted to: set use = \"fit\" on it or remove it from against"
                    ),
                );
            } else {
                // indices in `observed` (every entry is there when the file is valid)
                against.extend(hits);
            }
        }
        let sel = Selectors {
            from: &rf.from,
            to: &rf.to,
            gates: &rf.gates,
            stages: &rf.stages,
            directions: &rf.directions,
            classes: &rf.classes,
        };
        let factor = Some(Dist::Constant(rf.value));
        let u = multiplier(c, &p, "fit parameter", (&rf.name, kind, factor), sel);
        if let (Some(multiplier), Some(range)) = (u, range) {
            fit.push(Fit {
                multiplier,
                value: rf.value,
                range,
                against,
            });
        }
    }
    let response = raw.response.as_ref().map(|rr| {
        let p = root("response");
        let choice_gates: Vec<usize> = select_gates(c, p.key("gates"), &Some(rr.gates.clone()));
        if choice_gates.len() == 1 {
            c.err(
                p.key("gates"),
                "a choice needs at least two gates: list two or more, or none (each truck keeps its gate)",
            );
        }
        let theta = rr.logit_scale_hours.unwrap_or(f64::NAN);
        if choice_gates.len() >= 2 && !(theta.is_finite() && theta > 0.0 && theta <= 24.0 * 365.0) {
            c.err(
                p.key("logit_scale_hours"),
                "gate choice needs logit_scale_hours > 0 (at most 8,760 hours): the predicted-time difference, hours, that changes a gate's odds by a factor e",
            );
        }
        if !(rr.lag_days.is_finite() && rr.lag_days > 0.0 && rr.lag_days <= 36_600.0) {
            c.err(
                p.key("lag_days"),
                format!(
                    "lag_days must be > 0 and at most 36,600 days (how fast trade reacts to delay), got {}",
                    num(rr.lag_days)
                ),
            );
        }
        let share = |c: &mut Ctx, p: FieldPath, x: f64| {
            if !(x.is_finite() && (0.0..1.0).contains(&x)) {
                c.err(
                    p,
                    format!("a loss per day of delay is a share of demand, 0 ≤ x < 1, got {}", num(x)),
                );
            }
        };
        share(c, p.key("loss_per_day"), rr.loss_per_day);
        let mut loss_per_day = vec![rr.loss_per_day; classes.len()];
        for (name, &x) in &rr.loss_per_day_by_class {
            let q = p.key("loss_per_day_by_class").key(name);
            share(c, q.clone(), x);
            match class_ix.get(name.as_str()) {
                Some(&k) => loss_per_day[k] = x,
                None => c.err(
                    q,
                    format!("unknown class `{name}`; known: {}", known(name, class_ix.keys())),
                ),
            }
        }
        Response {
            choice_gates,
            logit_scale_h: theta,
            lag_days: rr.lag_days,
            loss_per_day,
        }
    });
    if variants.is_empty() {
        variants.push(Variant {
            name: "baseline".into(),
            description: "the model as written".into(),
            changes: Vec::new(),
        });
    }
    let history = h.history.as_ref().and_then(|name| {
        // the text is NFC already (scenario::parse), like the variants' names
        let found = variants.iter().position(|v| v.name == *name);
        if found.is_none() {
            c.err(
                hp.key("history"),
                format!(
                    "`history` names the variant that reproduces what happened (the default of `calibrate`), but there is no variant `{name}`; the variants are: {}",
                    known(name, variants.iter().map(|v| v.name.as_str()))
                ),
            );
        }
        found
    });

    if !c.problems.is_empty() {
        return Err(std::mem::take(&mut c.problems));
    }
    Ok(Model {
        name: h.name.clone(),
        start,
        days,
        warmup_days: warmup.max(0) as usize,
        seed: h.seed.unwrap_or(42),
        replications: replications as usize,
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
        response,
        fit,
    })
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
