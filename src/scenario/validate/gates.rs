//! `[[gates]]` with their stages, routes and demand streams.

use super::*;
use crate::engine::Discipline;

/// Gates, stages, routes and demand streams, as the model holds them.
type Network = (Vec<Gate>, Vec<Stage>, Vec<Route>, Vec<DemandStream>);

impl<'r> Validator<'r> {
    /// `[[gates]]`: unique ids, yards, hour profiles, diversion rules; per gate its stages
    /// (servers, hours, clock, discipline, service or channels), routes (one per direction,
    /// steps that name its stages) and demand streams (a route and a value for each). Sets the
    /// lookups' gate and stage indexes.
    pub(super) fn gates(&mut self) -> Network {
        let raw = self.raw;
        let Validator { c, l, .. } = self;
        if raw.gates.is_empty() {
            c.err(
                root("gates"),
                "the gate list is empty: add at least one [[gates]] table",
            );
        }
        let mut gate_ix: HashMap<&str, usize> = HashMap::new();
        let mut seen = HashSet::new();
        for (g, rg) in raw.gates.iter().enumerate() {
            once(
                c,
                &mut seen,
                root("gates").index(g).key("id"),
                "gate",
                rg.id.as_str(),
            );
            gate_ix.entry(rg.id.as_str()).or_insert(g);
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
                        format!(
                            "yard capacity must be ≥ 1 vehicle (omit it for unlimited), got {n}"
                        ),
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
                        c.err(p.key("to"), unknown("gate", t, gate_ix.keys()));
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

            let ix = stages_of(c, g, rg, &gp, &mut stages);
            routes.extend(routes_of(c, l, g, rg, &gp, yard.is_some(), &ix));
            demand.extend(demand_of(c, l, raw, g, rg, &gp));
            stage_ix.push(ix);
        }

        l.stage_gate = stages.iter().map(|s| s.gate).collect();
        l.gate_ix = gate_ix;
        l.stage_ix = stage_ix;
        (gates, stages, routes, demand)
    }
}

/// The stages of gate `g` (appended to `stages`): servers, hours, weekdays, clock, discipline,
/// service or risk channels, caps. Returns the gate's stage id → global stage index.
fn stages_of(
    c: &mut Ctx,
    g: usize,
    rg: &RawGate,
    gp: &FieldPath,
    stages: &mut Vec<Stage>,
) -> HashMap<String, usize> {
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
            name: match &rs.name {
                Some(n) if !n.trim().is_empty() => n.trim().to_string(),
                Some(_) => {
                    c.err(
                        sp.key("name"),
                        "a stage's `name` is shown in charts: give some text, or leave it out to use the id",
                    );
                    rs.id.clone()
                }
                None => crate::model::spec::stage_name_from_id(&rs.id),
            },
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

    ix
}

/// The routes of gate `g`: one per direction, steps that name its stages (`ix`), at most as
/// many yard steps as steps (`has_yard`: the default is then 1).
fn routes_of(
    c: &mut Ctx,
    l: &Lookups,
    g: usize,
    rg: &RawGate,
    gp: &FieldPath,
    has_yard: bool,
    ix: &HashMap<String, usize>,
) -> Vec<Route> {
    let mut routes = Vec::new();
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
                    let m = l.class_mask(c, sp.key("classes"), &t.classes);
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
                            format!("stage `{name}` is routed to itself: remove the repeated step"),
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
        let default_yard = if has_yard { 1 } else { 0 };
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

    routes
}

/// The demand streams of gate `g`: known classes, rates and batches within their ceilings, a
/// route and a value for each.
fn demand_of(
    c: &mut Ctx,
    l: &Lookups,
    raw: &RawScenario,
    g: usize,
    rg: &RawGate,
    gp: &FieldPath,
) -> Vec<DemandStream> {
    let mut demand = Vec::new();
    for (di, rd) in rg.demand.iter().enumerate() {
        let p = gp.key("demand").index(di);
        let dir = direction(c, p.key("direction"), &rd.direction);
        let k = l.class_of(c, p.key("class"), &rd.class);
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
                c.err(
                    p.key("direction"),
                    format!(
                        "gate `{}` has no {} route: add [[gates.routes]] with direction = \"{}\"",
                        rg.id,
                        dir.as_str(),
                        dir.as_str()
                    ),
                );
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
    demand
}
