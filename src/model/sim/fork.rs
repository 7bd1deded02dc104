//! Variants that share their history: one replication of several variants, with the days
//! they have in common simulated once.
//!
//! With common random numbers, replication `r` of two variants draws the same random numbers
//! and follows the same path until the first day on which their inputs differ (a change, an
//! uncertain parameter that only one of them has). [`simulate_variants`] runs the first
//! variant, copies its state at a midnight shortly before each other variant's first
//! differing day, gives the copy that variant's tables and runs it on: a tree of variants.
//!
//! The records are bit-identical to running each variant from the start
//! ([`super::simulate_draw`]), because a copy is used only when everything it carries was
//! computed from inputs both variants share:
//! - every per-day table (servers, service factors, intake caps, yards, demand, values,
//!   bypass shares, the draw's multipliers) is equal on the days before the fork;
//! - a pending arrival or empty vehicle was placed by reading the demand of each day up to
//!   its time: those days must be equal too;
//! - a pending capacity change is the schedule's next point: where the two schedules' next
//!   points differ, the copy's is replaced by the variant's own, unless another pending event
//!   falls at exactly that time (the order of simultaneous events would then differ).
//!
//! Otherwise the variant runs from the start ([`ForkStats::refused`]).

use super::*;
use crate::engine::CapacitySchedule;

/// How the variants of one replication were simulated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ForkStats {
    /// Variants continued from another variant's state.
    pub forked: u32,
    /// Variants whose copy could not be used (see the module notes): run from the start.
    pub refused: u32,
    /// Pending capacity changes of a copy replaced by the variant's own.
    pub replaced: u32,
    /// Days simulated over all variants (a variant continued from day `d` adds `days − d`).
    pub days_simulated: u64,
    /// Events simulated over all variants (a continued variant adds only those after its
    /// copy; its record counts the copied ones too).
    pub events_simulated: u64,
}

impl std::ops::AddAssign for ForkStats {
    fn add_assign(&mut self, o: ForkStats) {
        self.forked += o.forked;
        self.refused += o.refused;
        self.replaced += o.replaced;
        self.days_simulated += o.days_simulated;
        self.events_simulated += o.events_simulated;
    }
}

/// Days before the first differing day at which the copy is made: an arrival pending at the
/// copy was placed by reading the demand up to its own time, which on a quiet stream (a rail
/// line, a gate closed at weekends) can be days ahead; from this far back it almost never
/// reaches a differing day, so the copy can be used. Fourteen days cost under 1 % of a
/// five-year variant.
const MARGIN_DAYS: usize = 14;

/// Replication `rep` with the uncertain parameters of draw `draw` of every plan, in plan
/// order: the records [`simulate_draw`] gives for each plan, with the history the plans share
/// simulated once.
pub fn simulate_variants(
    model: &Model,
    plans: &[&Plan],
    seed: u64,
    rep: u64,
    draw: u64,
) -> (Vec<RepRecord>, ForkStats) {
    let parameters = parameter_draw(model, seed, draw);
    let mut out: Vec<Option<RepRecord>> = plans.iter().map(|_| None).collect();
    let mut stats = ForkStats::default();
    // the plain and the general copy of the simulation keep different state: one tree each
    for plain in [true, false] {
        let group: Vec<usize> = (0..plans.len())
            .filter(|&i| is_plain(model, plans[i]) == plain)
            .collect();
        if group.is_empty() {
            continue;
        }
        let mine: Vec<&Plan> = group.iter().map(|&i| plans[i]).collect();
        let records = if plain {
            tree::<true>(model, &mine, seed, rep, &parameters, &mut stats)
        } else {
            tree::<false>(model, &mine, seed, rep, &parameters, &mut stats)
        };
        for (&i, rec) in group.iter().zip(records) {
            out[i] = Some(rec);
        }
    }
    let records = out
        .into_iter()
        .map(|r| r.expect("every plan is simulated"))
        .collect();
    (records, stats)
}

/// The records of `plans` (one copy of the simulation), each variant continued from the
/// earlier one it shares the most days with.
fn tree<const PLAIN: bool>(
    model: &Model,
    plans: &[&Plan],
    seed: u64,
    rep: u64,
    parameters: &[f64],
    stats: &mut ForkStats,
) -> Vec<RepRecord> {
    let mut fresh: Vec<Option<Sim<PLAIN>>> = plans
        .iter()
        .map(|p| Some(Sim::new(model, p, seed, rep, parameters.to_vec())))
        .collect();
    // parent and fork day of each variant: the earlier variant it shares most days with
    let mut parent: Vec<Option<(usize, usize)>> = vec![None; plans.len()];
    for j in 1..plans.len() {
        let b = fresh[j].as_ref().expect("not run yet");
        let best = (0..j)
            .map(|i| (shared_days(fresh[i].as_ref().expect("not run yet"), b), i))
            .fold(None, |best: Option<(usize, usize)>, (d, i)| match best {
                Some((bd, _)) if bd >= d => best,
                _ => Some((d, i)),
            });
        if let Some((d, i)) = best
            && d > MARGIN_DAYS
        {
            parent[j] = Some((i, d - MARGIN_DAYS));
        }
    }
    let mut out: Vec<Option<RepRecord>> = plans.iter().map(|_| None).collect();
    let mut tree = Tree {
        parent: &parent,
        fresh: &mut fresh,
        out: &mut out,
        stats,
        days: model.days,
    };
    for (root, p) in parent.iter().enumerate() {
        if p.is_none() {
            let mut sim = tree.fresh[root].take().expect("each variant runs once");
            sim.start();
            tree.run(root, sim, 0);
        }
    }
    out.into_iter()
        .map(|r| r.expect("every variant is a root or a child"))
        .collect()
}

/// The variants of one replication and where each continues from.
struct Tree<'t, 'a, const PLAIN: bool> {
    parent: &'t [Option<(usize, usize)>],
    fresh: &'t mut [Option<Sim<'a, PLAIN>>],
    out: &'t mut [Option<RepRecord>],
    stats: &'t mut ForkStats,
    days: usize,
}

impl<'a, const PLAIN: bool> Tree<'_, 'a, PLAIN> {
    /// Runs variant `i` from day `from` to the end, copying its state for its children.
    fn run(&mut self, i: usize, mut sim: Sim<'a, PLAIN>, from: usize) {
        let copied_events = sim.events;
        let mut children: Vec<(usize, usize)> = (self.parent.iter().enumerate())
            .filter_map(|(j, p)| p.filter(|&(pi, _)| pi == i).map(|(_, day)| (day, j)))
            .collect();
        children.sort_unstable();
        let mut copies = Vec::with_capacity(children.len());
        for &(day, j) in &children {
            sim.run_until(day as f64 * MINUTES_PER_DAY);
            copies.push((j, day, sim.clone()));
        }
        sim.run_until(sim.horizon);
        self.stats.days_simulated += (self.days - from) as u64;
        self.stats.events_simulated += sim.events - copied_events;
        self.out[i] = Some(sim.finish());
        for (j, day, copy) in copies {
            let own = self.fresh[j].take().expect("each variant runs once");
            match copy.adopt(own, day) {
                Ok((sim, replaced)) => {
                    self.stats.forked += 1;
                    self.stats.replaced += replaced;
                    self.run(j, sim, day);
                }
                Err(own) => {
                    let mut own = *own;
                    self.stats.refused += 1;
                    own.start();
                    self.run(j, own, 0);
                }
            }
        }
    }
}

/// Exact equality of two floats (`0.0` and `-0.0` differ).
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits()
}

/// The first day before `limit` on which `differs` holds, or `limit`.
fn first_day(limit: usize, differs: impl Fn(usize) -> bool) -> usize {
    (0..limit).find(|&d| differs(d)).unwrap_or(limit)
}

/// Days from the start on which every input of `a` and `b` is equal: the first day on which a
/// per-day table differs (0 if a whole-horizon setting differs; the horizon if none does).
fn shared_days<const PLAIN: bool>(a: &Sim<PLAIN>, b: &Sim<PLAIN>) -> usize {
    let days = a.model.days;
    let response_same = match (&a.response, &b.response) {
        (Some(x), Some(y)) => {
            same(x.theta_days, y.theta_days)
                && same(x.lag_weight, y.lag_weight)
                && x.loss.len() == y.loss.len()
                && x.loss.iter().zip(&y.loss).all(|(p, q)| same(*p, *q))
        }
        (None, None) => true,
        _ => false,
    };
    let bypass_same = (a.transfers.iter())
        .zip(&b.transfers)
        .all(|(x, y)| same(x.bypass_mult, y.bypass_mult));
    if a.thresholds != b.thresholds || !response_same || !bypass_same {
        return 0;
    }
    let (pa, pb) = (a.plan, b.plan);
    let mut d = days;
    for (s, (x, y)) in a.stages.iter().zip(&b.stages).enumerate() {
        d = d.min(schedule_diff(&pa.schedules[s], &pb.schedules[s], days));
        d = first_day(d, |i| {
            !same(
                x.scale.get(i).copied().unwrap_or(1.0),
                y.scale.get(i).copied().unwrap_or(1.0),
            ) || x.daily_cap.get(i).copied().unwrap_or(u32::MAX)
                != y.daily_cap.get(i).copied().unwrap_or(u32::MAX)
        });
        for dir in 0..2 {
            if x.mult[dir] != y.mult[dir] {
                d = first_day(d, |i| {
                    !same(multiplier(&x.mult[dir], i), multiplier(&y.mult[dir], i))
                });
            }
        }
    }
    for (x, y) in pa.yard_cap.iter().zip(&pb.yard_cap) {
        d = first_day(d, |i| x[i] != y[i]);
    }
    for (s, (x, y)) in a.streams.iter().zip(&b.streams).enumerate() {
        d = first_day(d, |i| !same(x.per_min_by_day[i], y.per_min_by_day[i]));
        let (vx, vy) = (&pa.value_scale[s], &pb.value_scale[s]);
        d = first_day(d, |i| {
            !same(
                vx.get(i).copied().unwrap_or(1.0),
                vy.get(i).copied().unwrap_or(1.0),
            )
        });
        if x.value_mult != y.value_mult {
            d = first_day(d, |i| {
                !same(multiplier(&x.value_mult, i), multiplier(&y.value_mult, i))
            });
        }
    }
    for (k, (x, y)) in a.transfers.iter().zip(&b.transfers).enumerate() {
        d = first_day(d, |i| {
            !same(x.empties_per_min_by_day[i], y.empties_per_min_by_day[i])
                || !same(pa.bypass[k][i], pb.bypass[k][i])
        });
    }
    d
}

/// The first day on which two capacity schedules differ (`days` if they never do).
fn schedule_diff(a: &CapacitySchedule, b: &CapacitySchedule, days: usize) -> usize {
    if a.initial() != b.initial() {
        return 0;
    }
    let (ca, cb) = (a.changes(), b.changes());
    let k = (0..ca.len().max(cb.len())).find(|&k| ca.get(k) != cb.get(k));
    let Some(k) = k else {
        return days;
    };
    let t = match (ca.get(k), cb.get(k)) {
        (Some(x), Some(y)) => x.0.min(y.0),
        (Some(x), None) | (None, Some(x)) => x.0,
        (None, None) => unreachable!("k is where the lists differ"),
    };
    ((t / MINUTES_PER_DAY) as usize).min(days)
}

impl<'a, const PLAIN: bool> Sim<'a, PLAIN> {
    /// This state, paused at the midnight that starts day `day` (every event before it
    /// handled), continued as the variant of `own` (a fresh simulation of the same
    /// replication): its tables replace ours. `Err(own)` when the state carries something
    /// computed from inputs the variants do not share (see the module notes).
    fn adopt(mut self, own: Self, day: usize) -> Result<(Self, u32), Box<Self>> {
        let days = self.model.days;
        let pending: Vec<(EventKey, f64, Ev)> = self.q.pending().collect();
        let read_to =
            |t: Option<f64>| t.map_or(days, |t| ((t / MINUTES_PER_DAY) as usize + 1).min(days));
        let differ = |x: &[f64], y: &[f64], to: usize| {
            x[..to].iter().zip(&y[..to]).any(|(p, q)| !same(*p, *q))
        };
        // a pending arrival or empty vehicle read the day rates up to its time
        for (s, (x, y)) in self.streams.iter().zip(&own.streams).enumerate() {
            let at = pending.iter().find_map(|&(_, t, ev)| match ev {
                Ev::Arrival(i) if i as usize == s => Some(t),
                _ => None,
            });
            if differ(&x.per_min_by_day, &y.per_min_by_day, read_to(at)) {
                return Err(Box::new(own));
            }
        }
        for (k, (x, y)) in self.transfers.iter().zip(&own.transfers).enumerate() {
            let at = pending.iter().find_map(|&(_, t, ev)| match ev {
                Ev::Empty(i) if i as usize == k => Some(t),
                _ => None,
            });
            if differ(
                &x.empties_per_min_by_day,
                &y.empties_per_min_by_day,
                read_to(at),
            ) {
                return Err(Box::new(own));
            }
        }
        // a pending capacity change is the schedule's next point: where the variant's differs,
        // it replaces ours
        let mut replace = Vec::new();
        for s in 0..self.stages.len() {
            let i = self.stages[s].next_change;
            let (ca, cb) = (
                self.plan.schedules[s].changes(),
                own.plan.schedules[s].changes(),
            );
            if ca.get(..i) != cb.get(..i) {
                return Err(Box::new(own));
            }
            let next = |c: &[(f64, u32)]| c.get(i).map(|x| x.0).filter(|&t| t < self.horizon);
            let (ta, tb) = (next(ca), next(cb));
            if ta == tb {
                continue;
            }
            if let Some(t) = tb {
                let tie =
                    pending.iter().any(|p| p.1 == t) || replace.iter().any(|&(_, x)| x == Some(t));
                if t < day as f64 * MINUTES_PER_DAY || tie {
                    return Err(Box::new(own));
                }
            }
            replace.push((s, tb));
        }
        let replaced = replace.len() as u32;
        for (s, tb) in replace {
            let ours = pending
                .iter()
                .find(|&&(_, _, ev)| matches!(ev, Ev::Capacity(x) if x as usize == s));
            if let Some(&(key, _, _)) = ours {
                self.q.cancel_pending(key);
            }
            if let Some(t) = tb {
                self.push(t, Ev::Capacity(s as u32));
            }
        }
        // the variant's own tables
        self.plan = own.plan;
        self.thresholds = own.thresholds;
        for (x, y) in self.stages.iter_mut().zip(own.stages) {
            x.daily_cap = y.daily_cap;
            x.scale = y.scale;
            x.mult = y.mult;
        }
        for (x, y) in self.streams.iter_mut().zip(own.streams) {
            x.per_min_by_day = y.per_min_by_day;
            x.value_mult = y.value_mult;
            x.route = y.route;
        }
        for (x, y) in self.transfers.iter_mut().zip(own.transfers) {
            x.empties_per_min_by_day = y.empties_per_min_by_day;
            x.bypass_mult = y.bypass_mult;
        }
        Ok((self, replaced))
    }
}
