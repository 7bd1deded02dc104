//! One replication of one variant: the event loop of the border model.
//!
//! Vehicles live in a slab (`Vec` + free list) and are referred to by `u32` handles; events
//! are a small `Copy` enum handled by one `match`; service ends start the next waiting
//! vehicle directly. Nothing is allocated per event once the tables have grown. A variant
//! that uses none of the optional features runs in a copy compiled without their checks
//! ([`is_plain`]).

use super::dist::{Dist, unit};
use super::plan::Plan;
use super::record::{
    DayRecord, GateRecord, GateYearRecord, RepRecord, StageRecord, StageYearRecord, TransferRecord,
    YearRecord,
};
use super::spec::{Model, Response, Service, Stage, Transfer, ValueSpec};
use crate::engine::rng::{self, StreamRng};
use crate::engine::{
    Arrival, Buffer, Discipline, EventKey, EventQueue, MINUTES_PER_DAY, Matcher, ServerPool,
};
use crate::stats::{Histogram, MeanSum, Occupancy, TimeWeighted};
use rand_distr::{Distribution, Exp1};

mod fork;
mod trace;
pub use fork::{ForkStats, simulate_variants};
use trace::Tracer;
pub use trace::{Trace, TraceOutcome, TraceRow};

/// Purposes of random streams (the third coordinate of [`rng::stream`]).
pub mod purpose {
    /// Arrival times of one demand stream.
    pub const ARRIVALS: u64 = 1;
    /// Attributes (value, declaration, channel, shelf life) of one stream's vehicles.
    pub const ATTRIBUTES: u64 = 2;
    /// Service times of one stage.
    pub const SERVICE: u64 = 3;
    /// Routing and diversion choices at one gate.
    pub const ROUTING: u64 = 4;
    /// Draws of uncertain parameters (one per replication).
    pub const PARAMETERS: u64 = 5;
    /// Response to delay of one demand stream: whether an arrival still comes, and its gate.
    pub const RESPONSE: u64 = 6;
    /// The uniform design of a Sobol analysis (rows of its two matrices).
    pub const SOBOL_DESIGN: u64 = 7;
    /// Bootstrap resamples of a decision command's intervals.
    pub const BOOTSTRAP: u64 = 8;
    /// Empty vehicles arriving at a transfer (one stream per transfer).
    pub const EMPTIES: u64 = 9;
    /// Per-load draws of a transfer: bypass, return of the freed vehicle, its return time.
    pub const TRANSFER: u64 = 10;
}

#[derive(Debug, Clone, Copy)]
enum Ev {
    /// The next arrival of demand stream `.0`.
    Arrival(u32),
    /// A stage ends its service of a vehicle.
    End {
        /// Stage index.
        stage: u32,
        /// Vehicle slot.
        vehicle: u32,
    },
    /// Stage `.0` reaches the next change point of its capacity schedule (servers open or close).
    Capacity(u32),
    /// Midnight: daily records, caps and the `[response]` update.
    Day,
    /// Vehicle `.0` reaches the end of its shelf life.
    Spoil(u32),
    /// The warm-up ends: statistics restart.
    Warmup,
    /// The next empty vehicle from outside arrives at transfer `.0`.
    Empty(u32),
    /// A freed vehicle arrives at transfer `.0` as an empty (a return trip).
    Returned(u32),
    /// An empty vehicle's patience at transfer `.0` ends (those expired leave).
    Patience(u32),
}

// Vehicle flags (`Vehicle::flags`, one bit each).
/// The load is declared here, so its value counts in basis A (drawn at arrival).
const BASIS_A: u16 = 1;
/// Gone (spoiled while waiting): skipped when it reaches the head of a queue (lazy deletion).
const DEAD: u16 = 2;
/// Holds a place in its gate's holding yard.
const HOLDS_YARD: u16 = 4;
/// Waits on the road for a yard place (the yard was full when it arrived).
const ON_ROAD: u16 = 8;
/// Waits in a stage's queue (not in service, not between stages).
const IN_QUEUE: u16 = 16;
/// Was sent to another gate once (by a diversion); it is not redirected again.
const REDIRECTED: u16 = 32;
/// Cleared by Vietnamese customs: its value is turnover, and it no longer spoils.
const CLEARED: u16 = 64;
/// Counted in its gate's vehicles for the predicted time of `[response]`.
const COUNTED: u16 = 128;
/// Waits at a transfer for an empty vehicle of the other fleet.
const WAIT_MATCH: u16 = 256;

#[derive(Debug, Clone, Copy)]
struct Vehicle {
    arrival: f64,
    /// When it joined its current stage's queue, **minutes**.
    enter: f64,
    /// When its current or last service started, **minutes**.
    start: f64,
    value: f64,
    spoil: Option<EventKey>,
    route: u32,
    step: u16,
    class: u8,
    flags: u16,
    channel_u: f32,
    gate: u16,
    /// Direction (`Direction as u8`).
    dir: u8,
}

/// One stage's state, with references to its model and plan, so that a start or an end
/// reaches everything through one record.
#[derive(Clone)]
struct StageState<'a> {
    spec: &'a Stage,
    /// Intake cap per day (empty: none).
    daily_cap: &'a [u32],
    /// Service-time factor per day (empty: 1).
    scale: &'a [f64],
    /// Uncertain service-time multipliers of this draw, for exports and for imports.
    mult: [Multipliers; 2],
    pool: ServerPool,
    next_change: usize,
    started_today: u32,
    rng: StreamRng,
    /// The service distribution when it does not depend on the vehicle (no channels), and
    /// the next service time drawn from it ahead of need, **minutes**: the draw (a logarithm,
    /// an exponential, a square root) then runs beside the work that follows instead of
    /// delaying the end event's key. The stage's stream is drawn in the same order either way.
    single: Option<&'a Dist>,
    next_service: f64,
    wait: MeanSum,
    wait_hist: Histogram,
    waited: u64,
    blocked: u64,
    arrivals: u64,
    /// Servers busy.
    busy: Occupancy<false>,
    capacity: TimeWeighted,
    /// Vehicles waiting in the line.
    queue: Occupancy<false>,
}

impl StageState<'_> {
    /// True when the day's intake cap (if any) leaves room for another start on day `day`.
    #[inline]
    fn cap_allows(&self, day: usize) -> bool {
        self.daily_cap.is_empty() || self.started_today < self.daily_cap[day]
    }
}

#[derive(Clone)]
struct GateState {
    yard: Buffer,
    /// Vehicles waiting at the gate (in its lines and on the road before its yard).
    queue: Occupancy<true>,
    /// Vehicles on the road, waiting for a place in the yard.
    road: Occupancy<true>,
    cleared: u64,
    cleared_today: u32,
    departed: u64,
    tis: MeanSum,
    tis_hist: Histogram,
    rng: StreamRng,
}

/// Smoothing weight of one day in a gate's recent clearance rate (a 7-day exponential mean,
/// as a dispatcher reads the week's daily reports) [E].
const RATE_SMOOTHING: f64 = 1.0 / 7.0;

/// The state of `[response]`: predicted times per gate and direction, and per demand stream
/// the day's gate-choice probabilities and the share of demand that still comes.
#[derive(Clone)]
struct ResponseState {
    /// θ after uncertain multipliers, **days**.
    theta_days: f64,
    /// Weight of one day in the lagged delay: 1 − exp(−1 / lag).
    lag_weight: f64,
    /// Loss of demand per day of delay, per class, after uncertain multipliers.
    loss: Vec<f64>,
    /// Recent departures per day, per gate and direction (`None` before the first day ends).
    rate: Vec<[Option<f64>; 2]>,
    /// Alternatives of each demand stream: the streams of the same direction and class at the
    /// choice gates (itself included), or itself alone.
    alternatives: Vec<Vec<u32>>,
    /// Probability that a truck of the stream keeps its own gate today: its gate's logit share
    /// over its declared share, at most 1 (only as many trucks move as the shares require).
    stay: Vec<f64>,
    /// Where the others go: cumulative shares over `alternatives` of each gate's logit share in
    /// excess of its declared share, per stream, for today.
    excess: Vec<Vec<f64>>,
    /// Lagged predicted delay per stream, **days**.
    delay: Vec<f64>,
    /// Share of each stream's demand that still comes today.
    keep: Vec<f64>,
    /// Per stream: two uniforms per arrival event (keep, gate), always drawn, so that the
    /// variants' streams stay aligned (common random numbers).
    rng: Vec<StreamRng>,
}

impl ResponseState {
    fn new(
        model: &Model,
        resp: &Response,
        parameters: &[f64],
        variant: usize,
        seed: u64,
        rep: u64,
    ) -> Self {
        use super::spec::UncertainKind;
        let (mut theta_h, mut lag, mut loss) =
            (resp.logit_scale_h, resp.lag_days, resp.loss_per_day.clone());
        for (u, &f) in model.uncertain.iter().zip(parameters) {
            if !u.in_variant(variant) {
                continue;
            }
            match u.kind {
                UncertainKind::LogitScale => theta_h *= f,
                UncertainKind::ResponseLag => lag *= f,
                UncertainKind::DelayLoss => {
                    for (k, x) in loss.iter_mut().enumerate() {
                        if u.classes == 0 || u.classes & (1 << k) != 0 {
                            *x = (*x * f).clamp(0.0, 0.999);
                        }
                    }
                }
                _ => {}
            }
        }
        let n = model.demand.len();
        let alternatives: Vec<Vec<u32>> = model
            .demand
            .iter()
            .enumerate()
            .map(|(i, st)| {
                if !resp.choice_gates.contains(&st.gate) {
                    return vec![i as u32];
                }
                model
                    .demand
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| {
                        o.direction == st.direction
                            && o.class == st.class
                            && resp.choice_gates.contains(&o.gate)
                    })
                    .map(|(j, _)| j as u32)
                    .collect()
            })
            .collect();
        ResponseState {
            theta_days: theta_h / 24.0,
            lag_weight: 1.0 - (-1.0 / lag.max(1e-9)).exp(),
            loss,
            rate: vec![[None; 2]; model.gates.len()],
            stay: vec![1.0; n],
            excess: alternatives.iter().map(|a| vec![1.0; a.len()]).collect(),
            alternatives,
            delay: vec![0.0; n],
            keep: vec![1.0; n],
            rng: (0..n)
                .map(|i| rng::stream(seed, rep, purpose::RESPONSE, i as u64))
                .collect(),
        }
    }

    /// Predicted time in gate `g` for direction `dir`, **days**: vehicles in the gate over its
    /// recent departures per day (at least one a day).
    fn predicted(&self, in_gate: &[[u32; 2]], g: usize, dir: usize) -> f64 {
        in_gate[g][dir] as f64 / self.rate[g][dir].unwrap_or(0.0).max(1.0)
    }

    /// The day's update, from the daily reports: clearance rates, predicted times, choice
    /// probabilities (weights: each stream's declared demand `weight(j)` of the day,
    /// **vehicles/day**) and the lagged delay. `ended`: a day has ended (its departures
    /// count); false at the start, where the declared demand stands in for the recent
    /// clearance rate (an empty border has no history to report).
    fn refresh(
        &mut self,
        model: &Model,
        in_gate: &[[u32; 2]],
        departed_today: &[[u32; 2]],
        class_of: impl Fn(usize) -> usize,
        weight: impl Fn(usize) -> f64,
        ended: bool,
    ) {
        if !ended {
            for (j, st) in model.demand.iter().enumerate() {
                let r = &mut self.rate[st.gate][st.direction as usize];
                *r = Some(r.unwrap_or(0.0) + weight(j));
            }
        } else {
            for (rate, today) in self.rate.iter_mut().zip(departed_today) {
                for dir in 0..2 {
                    let x = today[dir] as f64;
                    rate[dir] = Some(match rate[dir] {
                        Some(r) => r + RATE_SMOOTHING * (x - r),
                        None => x,
                    });
                }
            }
        }
        let theta = self.theta_days;
        // predicted time at each stream's gate and direction, days
        let times: Vec<f64> = model
            .demand
            .iter()
            .map(|st| self.predicted(in_gate, st.gate, st.direction as usize))
            .collect();
        let at = |j: u32| times[j as usize];
        for i in 0..self.alternatives.len() {
            let alts = &self.alternatives[i];
            // the expected predicted time over the choice: the logit's log-sum, relative to the
            // shortest, so that exp never overflows
            self.stay[i] = 1.0;
            let expected = if alts.len() == 1 {
                at(alts[0])
            } else {
                let shortest = alts.iter().map(|&j| at(j)).fold(f64::INFINITY, f64::min);
                let w: Vec<f64> = alts.iter().map(|&j| weight(j as usize)).collect();
                let x: Vec<f64> = alts
                    .iter()
                    .zip(&w)
                    .map(|(&j, w)| w * (-(at(j) - shortest) / theta).exp())
                    .collect();
                let (total_w, total) = (w.iter().sum::<f64>(), x.iter().sum::<f64>());
                if total > 0.0 && total_w > 0.0 {
                    // logit share p and declared share q of each alternative: a truck keeps
                    // its gate with probability min(1, p/q); the rest go where p > q, in
                    // proportion to p − q, so that each gate receives exactly its logit share
                    let own = alts.iter().position(|&j| j as usize == i).unwrap_or(0);
                    let (p_own, q_own) = (x[own] / total, w[own] / total_w);
                    self.stay[i] = if q_own > 0.0 {
                        (p_own / q_own).min(1.0)
                    } else {
                        0.0
                    };
                    let mut acc = 0.0;
                    for (k, (x, w)) in x.iter().zip(&w).enumerate() {
                        acc += (x / total - w / total_w).max(0.0);
                        self.excess[i][k] = acc;
                    }
                    if acc > 0.0 {
                        self.excess[i].iter_mut().for_each(|c| *c /= acc);
                    } else {
                        self.stay[i] = 1.0;
                    }
                    shortest - theta * (total / total_w).ln()
                } else {
                    // no alternative has demand today: arrivals keep their own gate
                    at(i as u32)
                }
            };
            self.delay[i] += self.lag_weight * (expected - self.delay[i]);
            self.keep[i] = (1.0 - self.loss[class_of(i)]).powf(self.delay[i]);
        }
    }
}

/// One transfer between the two fleets: the matcher of loads (vehicle slots) and empties
/// (their arrival times, **minutes**), its streams and its statistics.
#[derive(Clone)]
struct TransferState<'a> {
    spec: &'a Transfer,
    matcher: Matcher<u32, f64>,
    /// Empty-vehicle arrivals from outside.
    empties_rng: StreamRng,
    /// Per-load draws: bypass, return, return time.
    rng: StreamRng,
    /// Empties from outside per minute while arriving, per day.
    empties_per_min_by_day: Vec<f64>,
    /// Uncertain multiplier of the bypass share of this draw.
    bypass_mult: f64,
    /// Index of the opposite direction's transfer at the same gate, if any.
    opposite: Option<u32>,
    loads: u64,
    bypassed: u64,
    matched: u64,
    load_wait: MeanSum,
    loads_waiting: Occupancy<false>,
    empties_arrived: u64,
    empties_refused: u64,
    empties_waiting: Occupancy<false>,
    /// `empties_waiting`'s integral at the start of the current year, **vehicle-minutes**.
    empties_area_at_year_start: f64,
    empties_by_year: Vec<f64>,
}

/// One demand stream: what its arrivals need, gathered in one record.
#[derive(Clone)]
struct StreamState<'a> {
    arrivals: StreamRng,
    attributes: StreamRng,
    gate: usize,
    class: usize,
    /// Vehicles per arrival event (≥ 1).
    batch: u32,
    /// Route index, or `None` when the gate has no route for the direction (validated away).
    route: Option<u32>,
    value: Option<&'a ValueSpec>,
    shelf: Option<&'a Dist>,
    /// Uncertain value multipliers of this draw.
    value_mult: Multipliers,
    /// Arrival events per minute, per day, before the hour profile.
    per_min_by_day: Vec<f64>,
    /// Arrival intensity per hour of day (the gate's profile).
    profile: &'a [f64; 24],
    /// End of the hour the last arrival was placed in (the hour is `[hour_end − 60,
    /// hour_end)`), **minutes**, and its intensity, **arrival events/minute**: most arrivals
    /// fall in the same hour and skip the calendar arithmetic.
    hour_end: f64,
    hour_per_min: f64,
}

/// The clock of the event being handled, with what the handlers need to know about the day.
#[derive(Debug, Clone, Copy)]
struct Now {
    /// Time, **minutes**.
    t: f64,
    /// Day index since the start.
    day: usize,
    /// Past the warm-up: statistics are recorded.
    recording: bool,
}

/// Starts vehicle `v`'s service at stage `st` (index `s`): busy servers, the wait statistics,
/// the service time and its end event. A function of the parts it touches rather than a method,
/// so that callers already holding the stage and the vehicle do not look them up again.
#[inline(always)]
fn start_service<const PLAIN: bool>(
    st: &mut StageState,
    veh: &mut Vehicle,
    v: u32,
    s: usize,
    now: Now,
    q: &mut EventQueue<Ev>,
) {
    let t = now.t;
    let wait = t - veh.enter;
    veh.start = t;
    st.pool.start();
    if !PLAIN {
        // read only by spoilage and intake caps, which a plain model has none of
        veh.flags &= !IN_QUEUE;
        st.started_today += 1;
    }
    st.busy.inc(t);
    if now.recording {
        st.wait.add(wait);
        st.wait_hist.add(wait);
        if wait > 0.0 {
            st.waited += 1;
        }
    }
    let mut dur = match (st.single, &st.spec.service) {
        (Some(dist), _) => std::mem::replace(&mut st.next_service, dist.sample(&mut st.rng)),
        (None, Service::Channels(chs)) => {
            let u = veh.channel_u as f64;
            let i = chs
                .iter()
                .position(|c| u < c.cum_share)
                .unwrap_or(chs.len() - 1);
            chs[i].service.sample(&mut st.rng)
        }
        (None, Service::Single(dist)) => dist.sample(&mut st.rng),
    };
    if !PLAIN && !st.scale.is_empty() {
        dur *= st.scale[now.day];
    }
    if !PLAIN && !st.mult[veh.dir as usize].is_empty() {
        dur *= multiplier(&st.mult[veh.dir as usize], now.day);
    }
    q.schedule(
        t + dur,
        Ev::End {
            stage: s as u32,
            vehicle: v,
        },
    )
    .expect("service times are finite and ≥ 0");
}

/// Runs replication `rep` of the plan's variant with master seed `seed` (parameter draw `rep`).
pub fn simulate(model: &Model, plan: &Plan, seed: u64, rep: u64) -> RepRecord {
    simulate_draw(model, plan, seed, rep, rep)
}

/// Runs replication `rep` with the uncertain parameters of draw `draw`: replications that share
/// a draw share what we do not know and differ only in day-to-day randomness.
pub fn simulate_draw(model: &Model, plan: &Plan, seed: u64, rep: u64, draw: u64) -> RepRecord {
    simulate_with(model, plan, seed, rep, parameter_draw(model, seed, draw))
}

/// Runs replication `rep` (its day-to-day random streams) with the given values of the
/// uncertain parameters, in scenario order (as [`parameter_draw`] returns them): how the
/// sensitivity designs set each parameter where they want it.
pub fn simulate_with(
    model: &Model,
    plan: &Plan,
    seed: u64,
    rep: u64,
    parameters: Vec<f64>,
) -> RepRecord {
    debug_assert_eq!(parameters.len(), model.uncertain.len());
    if is_plain(model, plan) {
        Sim::<true>::new(model, plan, seed, rep, parameters).run()
    } else {
        Sim::<false>::new(model, plan, seed, rep, parameters).run()
    }
}

/// Runs replication `rep` of the plan's variant like [`simulate`] and also returns, for each
/// vehicle that joined a stage's queue in `[from_min, to_min)` (**minutes** since the start),
/// a row per stage visited, up to `max_rows` rows. The record is the same as `simulate`'s.
pub fn simulate_traced(
    model: &Model,
    plan: &Plan,
    seed: u64,
    rep: u64,
    (from_min, to_min): (f64, f64),
    max_rows: usize,
) -> (RepRecord, Trace) {
    fn go<const P: bool>(mut sim: Sim<'_, P>, tracer: Tracer) -> (RepRecord, Trace) {
        sim.trace = Some(Box::new(tracer));
        sim.start();
        sim.run_until(sim.horizon);
        let tr = sim.trace.take().expect("set above");
        let trace = Trace {
            rows: tr.rows,
            truncated: tr.truncated,
        };
        (sim.finish(), trace)
    }
    let parameters = parameter_draw(model, seed, rep);
    let tracer = Tracer::new(from_min, to_min, max_rows);
    if is_plain(model, plan) {
        go(Sim::<true>::new(model, plan, seed, rep, parameters), tracer)
    } else {
        go(
            Sim::<false>::new(model, plan, seed, rep, parameters),
            tracer,
        )
    }
}

/// True when the variant uses none of the features that the event handlers otherwise check
/// on every vehicle: diversion, holding yards, steps for some classes or with a probability,
/// perishable loads, queue limits, priority lines, intake caps and service-time factors
/// (dated or uncertain). Such a model runs in a copy of the simulation compiled without those
/// checks (`Sim<true>`); it draws the same random numbers and gives the same results.
///
/// Every field of a gate, route, step, class and stage is named below (no `..`): a new field
/// does not compile here until someone decides whether the plain copy may ignore it.
pub fn is_plain(model: &Model, plan: &Plan) -> bool {
    use super::spec::{CargoClass, Gate, Route, Step, UncertainKind};
    let gate_plain = |g: &Gate| {
        let Gate {
            id: _,
            name: _,
            yard_capacity: _, // read only by routes with yard steps (checked below)
            hour_profile: _,  // arrival times: both copies
            diversion,
        } = g;
        diversion.is_none()
    };
    let step_plain = |s: &Step| {
        let Step {
            stage: _,
            classes,
            probability,
        } = s;
        *classes == 0 && *probability >= 1.0
    };
    let route_plain = |r: &Route| {
        let Route {
            gate: _,
            direction: _,
            steps,
            yard_steps,
        } = r;
        *yard_steps == 0 && steps.iter().all(step_plain)
    };
    let class_plain = |c: &CargoClass| {
        let CargoClass {
            id: _,
            shelf_life_days,
            priority: _, // read only by priority lines (checked below)
        } = c;
        shelf_life_days.is_none()
    };
    let stage_plain = |s: &Stage| {
        let Stage {
            id: _,
            name: _,
            gate: _,
            servers: _,        // the schedule: both copies
            hours: _,          // the schedule: both copies
            weekdays: _,       // the schedule: both copies
            clock_offset_h: _, // the schedule: both copies
            discipline,
            service: _, // drawn the same way in both copies
            clearance: _,
            daily_cap: _, // in the plan's daily caps (checked below)
            queue_limit,
        } = s;
        queue_limit.is_none() && *discipline == Discipline::Fifo
    };
    let fitted = model.fit.iter().map(|f| &f.multiplier);
    model.transfers.is_empty()
        && model.gates.iter().all(gate_plain)
        && !model.counts_in_gate()
        && plan.value_scale.iter().all(|v| v.is_empty())
        && model.routes.iter().all(route_plain)
        && model.classes.iter().all(class_plain)
        && model.stages.iter().all(stage_plain)
        && plan.daily_cap.iter().all(|c| c.is_empty())
        && plan.service_scale.iter().all(|f| f.is_empty())
        && model.uncertain.iter().chain(fitted).all(|u| {
            u.kind != UncertainKind::Service || u.stages.is_empty() || !u.in_variant(plan.variant)
        })
}

/// The uncertain parameters of draw `draw`, in scenario order (the same for every variant).
pub fn parameter_draw(model: &Model, seed: u64, draw: u64) -> Vec<f64> {
    model
        .uncertain
        .iter()
        .enumerate()
        .map(|(k, u)| {
            u.factor
                .sample(&mut rng::stream(seed, draw, purpose::PARAMETERS, k as u64))
        })
        .collect()
}

/// Multipliers that apply on days `from..to`: `(from, to, factor)`.
type Multipliers = Vec<(usize, usize, f64)>;

#[inline]
fn multiplier(list: &Multipliers, day: usize) -> f64 {
    let mut m = 1.0;
    for &(from, to, f) in list {
        if day >= from && day < to {
            m *= f;
        }
    }
    m
}

/// The demand-growth multipliers active on `day`: each factor^(years from its start,
/// compounding to its end, then held).
fn growth(list: &[(usize, usize, f64)], day: usize) -> f64 {
    list.iter()
        .filter(|&&(from, _, _)| day >= from)
        .map(|&(from, to, f)| f.powf((day.min(to) - from) as f64 / 365.25))
        .product()
}

/// One replication in progress. `PLAIN`: the model is [plain](is_plain), so the checks for
/// the features it does not use are compiled out.
#[derive(Clone)]
struct Sim<'a, const PLAIN: bool> {
    model: &'a Model,
    plan: &'a Plan,
    q: EventQueue<Ev>,
    vehicles: Vec<Vehicle>,
    free: Vec<u32>,
    stages: Vec<StageState<'a>>,
    gates: Vec<GateState>,
    streams: Vec<StreamState<'a>>,
    years: Vec<YearRecord>,
    /// Time in system of the vehicles that departed in the current year (the histogram is
    /// reused year after year, so memory does not grow with the horizon).
    year_tis: Histogram,
    daily: Vec<DayRecord>,
    day: usize,
    horizon: f64,
    warmup_end: f64,
    recording: bool,
    events: u64,
    rep: u64,
    parameters: Vec<f64>,
    /// Diversion threshold per gate after uncertain multipliers (`u32::MAX`: none).
    thresholds: Vec<u32>,
    /// Gate choice and demand response, if the model has `[response]`.
    response: Option<Box<ResponseState>>,
    /// Vehicles in each gate (waiting or in service), per direction; counted only in the
    /// general copy of the simulation (see [`is_plain`]).
    in_gate: Vec<[u32; 2]>,
    /// Vehicles that left each gate today after their route, per direction.
    departed_today: Vec<[u32; 2]>,
    /// The day records carry `in_gate` (else zeros, as in the plain copy).
    records_in_gate: bool,
    /// Index in `years` of the current day.
    year: usize,
    /// Some stage splits its service into inspection channels (vehicles draw a channel).
    has_channels: bool,
    /// First day of each month (`Model::month_starts`) and the next month's index in it.
    month_starts: Vec<usize>,
    next_month: usize,
    /// Busy server-minutes per stage before the last warm-up reset, **minutes**.
    busy_before_warmup: Vec<f64>,
    /// Cumulative busy server-minutes per stage at the last month boundary, **minutes**.
    busy_at_month_start: Vec<f64>,
    busy_by_month: Vec<f64>,
    /// Transfers between the two fleets (`Model::transfers`).
    transfers: Vec<TransferState<'a>>,
    /// The transfer before each stage, for exports and for imports.
    transfer_at: Vec<[Option<u32>; 2]>,
    /// Start of the current year, **minutes**.
    year_start: f64,
    /// Per stage at the start of the current year: waiting summed (**minutes**, after
    /// warm-up), vehicles started, busy server-minutes.
    stage_at_year_start: Vec<(f64, u64, f64)>,
    /// Rows of `run --trace`, when this replication is traced.
    trace: Option<Box<Tracer>>,
}

impl<'a, const PLAIN: bool> Sim<'a, PLAIN> {
    fn new(model: &'a Model, plan: &'a Plan, seed: u64, rep: u64, parameters: Vec<f64>) -> Self {
        use super::spec::UncertainKind;
        let mut demand_mult = vec![Multipliers::new(); model.demand.len()];
        let mut value_mult = vec![Multipliers::new(); model.demand.len()];
        let mut service_mult = vec![[Multipliers::new(), Multipliers::new()]; model.stages.len()];
        let mut growth_mult: Vec<Vec<(usize, usize, f64)>> = vec![Vec::new(); model.demand.len()];
        let mut supply_mult = vec![1.0; model.transfers.len()];
        let mut bypass_mult = vec![1.0; model.transfers.len()];
        let mut thresholds: Vec<u32> = model
            .gates
            .iter()
            .map(|g| g.diversion.as_ref().map_or(u32::MAX, |d| d.threshold))
            .collect();
        // the [[fit]] multipliers after the uncertain ones: always their `value`
        let fitted = model.fit.iter().map(|f| (&f.multiplier, f.value));
        let multipliers = model.uncertain.iter().zip(parameters.iter().copied());
        for (u, f) in multipliers.chain(fitted) {
            if !u.in_variant(plan.variant) {
                continue;
            }
            match u.kind {
                UncertainKind::DiversionThreshold => {
                    for &g in &u.gates {
                        if thresholds[g] != u32::MAX {
                            thresholds[g] = (thresholds[g] as f64 * f).round() as u32;
                        }
                    }
                }
                UncertainKind::Service => u.stages.iter().for_each(|&s| {
                    for (dir, list) in service_mult[s].iter_mut().enumerate() {
                        if u.directions & (1 << dir) != 0 {
                            list.push((u.from_day, u.to_day, f));
                        }
                    }
                }),
                UncertainKind::DemandGrowth => {
                    for (i, st) in model.demand.iter().enumerate() {
                        if u.selects(st.gate, st.direction, st.class) {
                            growth_mult[i].push((u.from_day, u.to_day, f));
                        }
                    }
                }
                kind @ (UncertainKind::EmptySupply | UncertainKind::Bypass) => {
                    for (k, tr) in model.transfers.iter().enumerate() {
                        if u.gates.contains(&tr.gate)
                            && u.directions & (1 << tr.direction as u8) != 0
                        {
                            if kind == UncertainKind::EmptySupply {
                                supply_mult[k] *= f;
                            } else {
                                bypass_mult[k] *= f;
                            }
                        }
                    }
                }
                // read by the response state
                UncertainKind::LogitScale
                | UncertainKind::ResponseLag
                | UncertainKind::DelayLoss => {}
                kind @ (UncertainKind::Demand | UncertainKind::Value) => {
                    for (i, st) in model.demand.iter().enumerate() {
                        if u.selects(st.gate, st.direction, st.class) {
                            let list = if kind == UncertainKind::Demand {
                                &mut demand_mult[i]
                            } else {
                                &mut value_mult[i]
                            };
                            list.push((u.from_day, u.to_day, f));
                        }
                    }
                }
            }
        }
        let stages = model
            .stages
            .iter()
            .zip(service_mult)
            .enumerate()
            .map(|(i, (st, mult))| {
                let cap0 = plan.schedules[i].initial();
                let mut rng = rng::stream(seed, rep, purpose::SERVICE, i as u64);
                let single = match &st.service {
                    Service::Single(d) => Some(d),
                    Service::Channels(_) => None,
                };
                let next_service = single.map_or(0.0, |d| d.sample(&mut rng));
                StageState {
                    spec: st,
                    daily_cap: &plan.daily_cap[i],
                    scale: &plan.service_scale[i],
                    mult,
                    pool: ServerPool::new(cap0, st.discipline),
                    next_change: 0,
                    started_today: 0,
                    rng,
                    single,
                    next_service,
                    wait: MeanSum::new(),
                    wait_hist: Histogram::new(),
                    waited: 0,
                    blocked: 0,
                    arrivals: 0,
                    busy: Occupancy::new(0.0),
                    capacity: TimeWeighted::new(0.0, cap0 as f64),
                    queue: Occupancy::new(0.0),
                }
            })
            .collect();
        let gates = (0..model.gates.len())
            .map(|g| GateState {
                yard: Buffer::new(plan.yard_cap[g].first().copied().unwrap_or(u32::MAX)),
                queue: Occupancy::new(0.0),
                road: Occupancy::new(0.0),
                cleared: 0,
                cleared_today: 0,
                departed: 0,
                tis: MeanSum::new(),
                tis_hist: Histogram::new(),
                rng: rng::stream(seed, rep, purpose::ROUTING, g as u64),
            })
            .collect();
        let streams = model
            .demand
            .iter()
            .zip(value_mult)
            .enumerate()
            .map(|(i, (st, value_mult))| {
                // vehicles/day × uncertain demand multipliers / 1440 / batch
                let batch = st.batch.max(1);
                let per_min_by_day = plan.rate[i]
                    .iter()
                    .enumerate()
                    .map(|(d, r)| {
                        r * multiplier(&demand_mult[i], d) * growth(&growth_mult[i], d)
                            / MINUTES_PER_DAY
                            / batch as f64
                    })
                    .collect();
                StreamState {
                    arrivals: rng::stream(seed, rep, purpose::ARRIVALS, i as u64),
                    attributes: rng::stream(seed, rep, purpose::ATTRIBUTES, i as u64),
                    gate: st.gate,
                    class: st.class,
                    batch,
                    route: plan.route(st.gate, st.direction).map(|r| r as u32),
                    value: model.values[st.direction as usize][st.class].as_ref(),
                    shelf: model.classes[st.class].shelf_life_days.as_ref(),
                    value_mult,
                    per_min_by_day,
                    profile: &model.gates[st.gate].hour_profile,
                    hour_end: 0.0,
                    hour_per_min: 0.0,
                }
            })
            .collect();
        let streams: Vec<StreamState> = streams;
        let transfers = model
            .transfers
            .iter()
            .enumerate()
            .map(|(k, tr)| {
                // empties from outside: per load of the day's demand, over the open hours
                let open_min = (tr.hours.close - tr.hours.open) * 60.0;
                let empties_per_min_by_day = (0..model.days)
                    .map(|d| {
                        let loads: f64 = (streams.iter())
                            .zip(&model.demand)
                            .filter(|(_, ds)| ds.gate == tr.gate && ds.direction == tr.direction)
                            .map(|(st, _)| st.per_min_by_day[d] * st.batch as f64 * MINUTES_PER_DAY)
                            .sum();
                        loads * tr.empties_per_load * supply_mult[k] / open_min
                    })
                    .collect();
                TransferState {
                    spec: tr,
                    matcher: Matcher::new(None, tr.places),
                    empties_rng: rng::stream(seed, rep, purpose::EMPTIES, k as u64),
                    rng: rng::stream(seed, rep, purpose::TRANSFER, k as u64),
                    empties_per_min_by_day,
                    bypass_mult: bypass_mult[k],
                    opposite: (model.transfers.iter())
                        .position(|o| o.gate == tr.gate && o.direction != tr.direction)
                        .map(|o| o as u32),
                    loads: 0,
                    bypassed: 0,
                    matched: 0,
                    load_wait: MeanSum::new(),
                    loads_waiting: Occupancy::new(0.0),
                    empties_arrived: 0,
                    empties_refused: 0,
                    empties_waiting: Occupancy::new(0.0),
                    empties_area_at_year_start: 0.0,
                    empties_by_year: Vec::new(),
                }
            })
            .collect();
        let mut transfer_at = vec![[None, None]; model.stages.len()];
        for (k, tr) in model.transfers.iter().enumerate() {
            transfer_at[tr.stage][tr.direction as usize] = Some(k as u32);
        }
        let years = plan
            .years
            .iter()
            .map(|&year| YearRecord {
                year,
                turnover_a_by_gate_usd: vec![0.0; model.gates.len()],
                turnover_by_gate_usd: vec![[[0.0; 2]; 2]; model.gates.len()],
                gates: vec![GateYearRecord::default(); model.gates.len()],
                ..Default::default()
            })
            .collect();
        let horizon = model.days as f64 * MINUTES_PER_DAY;
        let warmup_end = model.warmup_days as f64 * MINUTES_PER_DAY;
        Sim {
            model,
            plan,
            q: EventQueue::with_capacity(4096),
            vehicles: Vec::with_capacity(4096),
            free: Vec::with_capacity(4096),
            stages,
            gates,
            streams,
            year_tis: Histogram::new(),
            years,
            daily: Vec::with_capacity(model.days * model.gates.len()),
            day: 0,
            horizon,
            warmup_end,
            recording: model.warmup_days == 0,
            events: 0,
            rep,
            thresholds,
            response: model.response.as_ref().map(|r| {
                Box::new(ResponseState::new(
                    model,
                    r,
                    &parameters,
                    plan.variant,
                    seed,
                    rep,
                ))
            }),
            in_gate: vec![[0; 2]; model.gates.len()],
            departed_today: vec![[0; 2]; model.gates.len()],
            records_in_gate: model.counts_in_gate(),
            parameters,
            year: plan.year_of_day.first().map_or(0, |&y| y as usize),
            has_channels: model
                .stages
                .iter()
                .any(|st| matches!(st.service, Service::Channels(_))),
            month_starts: model.month_starts(),
            next_month: 1,
            busy_before_warmup: vec![0.0; model.stages.len()],
            busy_at_month_start: vec![0.0; model.stages.len()],
            busy_by_month: Vec::new(),
            transfers,
            transfer_at,
            year_start: 0.0,
            stage_at_year_start: vec![(0.0, 0, 0.0); model.stages.len()],
            trace: None,
        }
    }

    /// Closes the month that ends at `t`: its busy server-minutes per stage.
    fn close_month(&mut self, t: f64) {
        for (s, st) in self.stages.iter().enumerate() {
            let total = self.busy_before_warmup[s] + st.busy.integral(t);
            self.busy_by_month.push(total - self.busy_at_month_start[s]);
            self.busy_at_month_start[s] = total;
        }
    }

    fn run(mut self) -> RepRecord {
        self.start();
        self.run_until(self.horizon);
        self.finish()
    }

    /// Schedules the first events: capacity changes, arrivals, empties, midnight, warm-up.
    fn start(&mut self) {
        for s in 0..self.stages.len() {
            self.schedule_next_change(s);
        }
        if !PLAIN {
            self.refresh_response(false);
        }
        for s in 0..self.streams.len() {
            self.schedule_next_arrival(s as u32, 0.0);
        }
        for k in 0..self.transfers.len() {
            self.schedule_next_empty(k, 0.0);
        }
        if self.model.days > 1 {
            self.push(MINUTES_PER_DAY, Ev::Day);
        }
        if !self.recording && self.warmup_end < self.horizon {
            self.push(self.warmup_end, Ev::Warmup);
        }
    }

    /// Handles every event before `until` (**minutes**, at most the horizon).
    fn run_until(&mut self, until: f64) {
        while let Some((t, ev)) = self.q.pop_before(until) {
            match ev {
                Ev::Arrival(s) => self.on_arrival(s, t),
                Ev::End { stage, vehicle } => self.on_end(stage as usize, vehicle, t),
                Ev::Capacity(s) => self.on_capacity(s as usize, t),
                Ev::Day => self.on_day(t),
                Ev::Spoil(v) => self.on_spoil(v, t),
                Ev::Warmup => self.on_warmup(t),
                Ev::Empty(k) => {
                    self.empty_arrives(k as usize, t);
                    self.schedule_next_empty(k as usize, t);
                }
                Ev::Returned(k) => self.empty_arrives(k as usize, t),
                Ev::Patience(k) => {
                    let tr = &mut self.transfers[k as usize];
                    tr.matcher.purge(t);
                    tr.empties_waiting.set(t, tr.matcher.len().1 as u32);
                }
            }
        }
    }

    #[inline]
    fn push(&mut self, t: f64, ev: Ev) -> EventKey {
        self.q
            .schedule(t, ev)
            .expect("model schedules only finite, future times")
    }

    // ---------------------------------------------------------------- arrivals

    /// Next arrival of stream `s` after `t`, by inverting the cumulative hourly intensity.
    #[inline(always)]
    fn schedule_next_arrival(&mut self, s: u32, t: f64) {
        let horizon = self.horizon;
        let st = &mut self.streams[s as usize];
        let mut need: f64 = Exp1.sample(&mut st.arrivals);
        let mut now = t;
        loop {
            if now >= horizon {
                return;
            }
            if !(now >= st.hour_end - 60.0 && now < st.hour_end) {
                // hours since the start (now ≥ 0, so truncation is floor; through i64, which
                // x86 converts to in one instruction)
                let hours = (now / 60.0) as i64 as usize;
                let (day, hour) = (hours / 24, hours % 24);
                let rates = &st.per_min_by_day;
                st.hour_end = (hours + 1) as f64 * 60.0;
                st.hour_per_min = rates[day.min(rates.len() - 1)] * st.profile[hour];
            }
            let per_min = st.hour_per_min;
            let room = per_min * (st.hour_end - now);
            if per_min > 0.0 && need <= room {
                let at = now + need / per_min;
                if at < horizon {
                    self.q
                        .schedule_source(at, Ev::Arrival(s))
                        .expect("arrival times are finite and ≥ now");
                }
                return;
            }
            need -= room;
            now = st.hour_end;
        }
    }

    #[inline(always)]
    fn on_arrival(&mut self, s: u32, t: f64) {
        let st = &self.streams[s as usize];
        let (gate, class, batch, shelf) = (st.gate, st.class, st.batch, st.shelf);
        // read only by direction-selective service factors and the in-gate counts (general copy)
        let dir = if PLAIN {
            0
        } else {
            self.model.demand[s as usize].direction as u8
        };
        let value = st
            .value
            .expect("validated: every demand stream has a value");
        let mut route = st.route.expect("validated: route exists");
        let mut value_mult = multiplier(&st.value_mult, self.day);
        let mut gate = gate;
        if !PLAIN {
            if let Some(scale) = self.plan.value_scale[s as usize].get(self.day) {
                value_mult *= scale;
            }
            if let Some(r) = &mut self.response {
                let i = s as usize;
                let (u_keep, u_gate) = (unit(&mut r.rng[i]), unit(&mut r.rng[i]));
                if u_keep >= r.keep[i] {
                    // trade lost to sustained delay: this load is not sent
                    self.years[self.year].left_province += batch as u64;
                    self.schedule_next_arrival(s, t);
                    return;
                }
                let stay = r.stay[i];
                if u_gate >= stay {
                    // the same uniform, rescaled to [0, 1), picks among the gates in excess
                    let v = (u_gate - stay) / (1.0 - stay);
                    let excess = &r.excess[i];
                    let k = excess
                        .iter()
                        .position(|&c| v < c)
                        .unwrap_or(excess.len() - 1);
                    let j = r.alternatives[i][k] as usize;
                    if j != i {
                        gate = self.streams[j].gate;
                        route = self.streams[j].route.expect("validated: route exists");
                        self.years[self.year].redirected += batch as u64;
                    }
                }
            }
        }
        for _ in 0..batch {
            let attr = &mut self.streams[s as usize].attributes;
            let v_usd = value.value_usd.sample(attr) * value_mult;
            // a draw only for what is uncertain: a share of 1 (or 0) needs none
            let share = value.declared_here_share;
            let basis_a = share >= 1.0 || (share > 0.0 && unit(attr) < share);
            let channel_u = if self.has_channels {
                unit(attr) as f32
            } else {
                0.0
            };
            let shelf_min = shelf.map(|d| d.sample(attr) * MINUTES_PER_DAY);
            let v = self.alloc(Vehicle {
                arrival: t,
                enter: t,
                start: t,
                value: v_usd,
                spoil: None,
                route,
                step: 0,
                class: class as u8,
                flags: if basis_a { BASIS_A } else { 0 },
                channel_u,
                gate: gate as u16,
                dir,
            });
            if !PLAIN && let Some(m) = shelf_min {
                let key = self
                    .q
                    .schedule_timeout(t + m, Ev::Spoil(v))
                    .expect("shelf lives are finite and ≥ 0");
                self.vehicles[v as usize].spoil = Some(key);
            }
            self.years[self.year].arrivals += 1;
            self.events += 1;
            self.enter_gate(v, gate, t);
        }
        self.schedule_next_arrival(s, t);
    }

    fn alloc(&mut self, v: Vehicle) -> u32 {
        let slot = match self.free.pop() {
            Some(i) => {
                self.vehicles[i as usize] = v;
                i
            }
            None => {
                self.vehicles.push(v);
                (self.vehicles.len() - 1) as u32
            }
        };
        if let Some(tr) = &mut self.trace {
            tr.born(slot);
        }
        slot
    }

    /// Adds vehicle `v`'s visit to stage `s`, ended at `t` with `outcome`, to the trace.
    #[cold]
    fn trace_row(&mut self, v: u32, s: usize, t: f64, outcome: TraceOutcome) {
        let veh = self.vehicles[v as usize];
        let dir = self.model.routes[veh.route as usize].direction as usize;
        if let Some(tr) = &mut self.trace {
            let row = TraceRow {
                vehicle: tr.vehicle(v),
                gate: veh.gate as usize,
                class: veh.class as usize,
                direction: dir,
                stage: s,
                queue_enter: veh.enter,
                start: (outcome == TraceOutcome::Served).then_some(veh.start),
                end: t,
                outcome,
            };
            tr.push(row);
        }
    }

    fn release(&mut self, v: u32) {
        if !PLAIN && let Some(key) = self.vehicles[v as usize].spoil.take() {
            self.q.cancel_pending(key);
        }
        if !PLAIN {
            self.uncount(v, false);
        }
        self.free.push(v);
    }

    #[inline]
    fn enter_gate(&mut self, v: u32, g: usize, t: f64) {
        if !PLAIN && let Some(div) = &self.model.gates[g].diversion {
            let gs = &mut self.gates[g];
            if gs.queue.count() > self.thresholds[g] && unit(&mut gs.rng) < div.share {
                let y = self.year;
                let dir = self.model.routes[self.vehicles[v as usize].route as usize].direction;
                let redirect = div.to_gate.filter(|_| {
                    self.vehicles[v as usize].flags & REDIRECTED == 0
                        && unit(&mut self.gates[g].rng) >= div.leave_share
                });
                match redirect.and_then(|to| self.plan.route(to, dir).map(|r| (to, r))) {
                    Some((to, r)) => {
                        self.years[y].redirected += 1;
                        let veh = &mut self.vehicles[v as usize];
                        veh.flags |= REDIRECTED;
                        veh.gate = to as u16;
                        veh.route = r as u32;
                        return self.enter_gate(v, to, t);
                    }
                    None => {
                        self.years[y].left_province += 1;
                        self.release(v);
                        return;
                    }
                }
            }
        }
        if !PLAIN {
            let veh = &mut self.vehicles[v as usize];
            self.in_gate[g][veh.dir as usize] += 1;
            veh.flags |= COUNTED;
        }
        if !PLAIN && self.model.routes[self.vehicles[v as usize].route as usize].yard_steps > 0 {
            if self.gates[g].yard.arrive(v) {
                self.vehicles[v as usize].flags |= HOLDS_YARD;
            } else {
                self.vehicles[v as usize].flags |= ON_ROAD;
                let gs = &mut self.gates[g];
                gs.queue.inc(t);
                let road = gs.yard.blocked.len() as u32;
                gs.road.set(t, road);
                return;
            }
        }
        self.advance(v, 0, t);
    }

    // ---------------------------------------------------------------- routing

    /// Moves vehicle `v` on by `by` steps (1 after a service, 0 on entering), then to the
    /// first applicable step from there, or out of the system.
    #[inline(always)]
    fn advance(&mut self, v: u32, by: u16, t: f64) {
        let model = self.model;
        let veh = &self.vehicles[v as usize];
        let (mut step, class) = ((veh.step + by) as usize, veh.class);
        let route = &model.routes[veh.route as usize];
        let mut holds_yard = !PLAIN && veh.flags & HOLDS_YARD != 0;
        if holds_yard && step >= route.yard_steps {
            self.leave_yard(v, t);
            holds_yard = false;
        }
        let steps = &route.steps[..];
        while !PLAIN && let Some(s) = steps.get(step) {
            let class_ok = s.classes == 0 || s.classes & (1 << class) != 0;
            if class_ok
                && (s.probability >= 1.0 || unit(&mut self.gates[route.gate].rng) < s.probability)
            {
                break;
            }
            step += 1;
        }
        if !PLAIN || by != 0 {
            self.vehicles[v as usize].step = step as u16;
        }
        if holds_yard && step >= route.yard_steps {
            self.leave_yard(v, t);
        }
        match steps.get(step) {
            Some(s) => {
                if !PLAIN && let Some(k) = self.transfer_at[s.stage][route.direction as usize] {
                    return self.meet(v, k as usize, t);
                }
                self.join(v, s.stage, t)
            }
            None => self.depart(v, t),
        }
    }

    // ---------------------------------------------------------------- transfers

    /// Load `v` reaches transfer `k`: it crosses without it (bypass), or is matched with a
    /// waiting empty vehicle and goes on to the transfer stage, or waits for one.
    fn meet(&mut self, v: u32, k: usize, t: f64) {
        let day = self.day;
        let tr = &mut self.transfers[k];
        tr.loads += 1;
        let bypass = (self.plan.bypass[k][day] * tr.bypass_mult).min(1.0);
        if bypass > 0.0 && unit(&mut tr.rng) < bypass {
            tr.bypassed += 1;
            return self.advance(v, 1, t);
        }
        match tr.matcher.arrive_a(v, t, f64::INFINITY) {
            Arrival::Matched(_) => {
                tr.matched += 1;
                tr.load_wait.add(0.0);
                tr.empties_waiting.set(t, tr.matcher.len().1 as u32);
                let stage = tr.spec.stage;
                self.join(v, stage, t)
            }
            Arrival::Queued => {
                tr.loads_waiting.inc(t);
                let veh = &mut self.vehicles[v as usize];
                veh.flags |= WAIT_MATCH;
                veh.enter = t;
                self.gates[veh.gate as usize].queue.inc(t);
            }
            Arrival::Refused => unreachable!("loads wait without limit"),
        }
    }

    /// An empty vehicle arrives at transfer `k`: it takes the oldest waiting load to the
    /// transfer stage, or waits (until its patience ends, if there is a place).
    fn empty_arrives(&mut self, k: usize, t: f64) {
        let tr = &mut self.transfers[k];
        tr.empties_arrived += 1;
        let deadline = t + tr.spec.patience_h * 60.0;
        loop {
            let tr = &mut self.transfers[k];
            match tr.matcher.arrive_b(t, t, deadline) {
                Arrival::Matched(v) => {
                    tr.loads_waiting.dec(t);
                    let veh = &mut self.vehicles[v as usize];
                    veh.flags &= !WAIT_MATCH;
                    if veh.flags & DEAD != 0 {
                        // spoiled while waiting: the empty looks for the next load
                        self.free.push(v);
                        continue;
                    }
                    tr.matched += 1;
                    tr.load_wait.add(t - veh.enter);
                    self.gates[veh.gate as usize].queue.dec(t);
                    let stage = tr.spec.stage;
                    return self.join(v, stage, t);
                }
                Arrival::Queued => {
                    tr.empties_waiting.set(t, tr.matcher.len().1 as u32);
                    self.q
                        .schedule_timeout(deadline, Ev::Patience(k as u32))
                        .expect("patience is finite and > 0");
                    return;
                }
                Arrival::Refused => {
                    tr.empties_refused += 1;
                    return;
                }
            }
        }
    }

    /// Schedules transfer `k`'s next empty from outside after `t`: a Poisson stream at the
    /// day's rate within the transfer's hours (the open window lies within one day).
    fn schedule_next_empty(&mut self, k: usize, t: f64) {
        let (horizon, days) = (self.horizon, self.model.days);
        let tr = &mut self.transfers[k];
        let offset = tr.spec.clock_offset_h * 60.0;
        let (open, close) = (tr.spec.hours.open * 60.0, tr.spec.hours.close * 60.0);
        let mut need: f64 = Exp1.sample(&mut tr.empties_rng);
        let mut day = (t / MINUTES_PER_DAY) as usize;
        let mut now = t;
        while day < days {
            let day0 = day as f64 * MINUTES_PER_DAY;
            let (from, to) = (day0 + open - offset, day0 + close - offset);
            let per_min = tr.empties_per_min_by_day[day];
            let start = now.max(from);
            if start < to && per_min > 0.0 {
                let room = per_min * (to - start);
                if need <= room {
                    let at = start + need / per_min;
                    if at < horizon {
                        self.q
                            .schedule(at, Ev::Empty(k as u32))
                            .expect("arrival times are finite and ≥ now");
                    }
                    return;
                }
                need -= room;
            }
            day += 1;
            now = day as f64 * MINUTES_PER_DAY;
        }
    }

    fn leave_yard(&mut self, v: u32, t: f64) {
        self.vehicles[v as usize].flags &= !HOLDS_YARD;
        let g = self.vehicles[v as usize].gate as usize;
        self.gates[g].yard.leave();
        self.admit_from_road(g, t);
    }

    fn admit_from_road(&mut self, g: usize, t: f64) {
        while let Some(next) = self.gates[g].yard.admit_next() {
            let gs = &mut self.gates[g];
            let road = gs.yard.blocked.len() as u32;
            gs.road.set(t, road);
            let veh = &mut self.vehicles[next as usize];
            if veh.flags & DEAD != 0 {
                // spoiled while on the road: its place is given back at once
                gs.yard.leave();
                self.free.push(next);
                continue;
            }
            veh.flags = (veh.flags & !ON_ROAD) | HOLDS_YARD;
            gs.queue.dec(t);
            self.advance(next, 0, t);
        }
    }

    /// The clock of the current event, with the day and whether statistics are recorded.
    #[inline(always)]
    fn now(&self, t: f64) -> Now {
        Now {
            t,
            day: self.day,
            recording: self.recording,
        }
    }

    /// Vehicle `v` joins stage `s`: it starts at once if a server is free and nobody waits,
    /// else it queues (or, at a full line, is turned away).
    #[inline(always)]
    fn join(&mut self, v: u32, s: usize, t: f64) {
        let now = self.now(t);
        let veh = &mut self.vehicles[v as usize];
        veh.enter = t;
        let st = &mut self.stages[s];
        st.arrivals += 1;
        if st.pool.can_start() && st.queue.count() == 0 && (PLAIN || st.cap_allows(now.day)) {
            start_service::<PLAIN>(st, veh, v, s, now, &mut self.q);
            self.events += 1;
            return;
        }
        let g = st.spec.gate;
        if !PLAIN
            && let Some(limit) = st.spec.queue_limit
            && st.queue.count() >= limit
        {
            st.blocked += 1;
            if self.trace.is_some() {
                self.trace_row(v, s, t, TraceOutcome::Blocked);
            }
            self.release(v);
            return;
        }
        let prio = if PLAIN {
            0
        } else {
            self.model.classes[veh.class as usize].priority
        };
        if !PLAIN {
            veh.flags |= IN_QUEUE;
        }
        st.pool.queue.push(v, prio);
        st.queue.inc(t);
        self.gates[g].queue.inc(t);
    }

    /// Starts waiting vehicles at stage `s` while servers (and the day's cap) allow.
    #[inline(always)]
    fn try_start(&mut self, s: usize, t: f64) {
        let now = self.now(t);
        let st = &mut self.stages[s];
        while st.pool.can_start() && st.queue.count() > 0 && (PLAIN || st.cap_allows(now.day)) {
            let Some(v) = st.pool.queue.pop() else {
                break;
            };
            let veh = &mut self.vehicles[v as usize];
            if !PLAIN && veh.flags & DEAD != 0 {
                self.free.push(v);
                continue;
            }
            st.queue.dec(t);
            self.gates[st.spec.gate].queue.dec(t);
            start_service::<PLAIN>(st, veh, v, s, now, &mut self.q);
            self.events += 1;
        }
    }

    #[inline(always)]
    fn on_end(&mut self, s: usize, v: u32, t: f64) {
        self.events += 1;
        if self.trace.is_some() {
            self.trace_row(v, s, t, TraceOutcome::Served);
        }
        let st = &mut self.stages[s];
        st.pool.finish();
        st.busy.dec(t);
        if st.spec.clearance {
            self.clear(v);
        }
        self.try_start(s, t);
        if !PLAIN && !self.transfers.is_empty() {
            self.freed(s, v, t);
        }
        self.advance(v, 1, t);
    }

    /// After transfer stage `s`, the vehicle that brought load `v` is free: it may come back
    /// empty for the opposite direction's transfer at the gate (a return trip).
    fn freed(&mut self, s: usize, v: u32, t: f64) {
        let dir = self.model.routes[self.vehicles[v as usize].route as usize].direction;
        let Some(k) = self.transfer_at[s][dir as usize] else {
            return;
        };
        let tr = &mut self.transfers[k as usize];
        let Some(back) = tr.opposite else {
            return;
        };
        let share = self.model.transfers[back as usize].return_share;
        if share > 0.0 && unit(&mut tr.rng) < share {
            let after = self.model.transfers[back as usize]
                .return_min
                .sample(&mut tr.rng);
            if t + after < self.horizon {
                self.push(t + after, Ev::Returned(back));
            }
        }
    }

    /// Vietnamese customs clearance: the load's value counts as turnover of this year.
    #[inline]
    fn clear(&mut self, v: u32) {
        let veh = &mut self.vehicles[v as usize];
        if veh.flags & CLEARED != 0 {
            return;
        }
        veh.flags |= CLEARED;
        if !PLAIN && let Some(key) = veh.spoil.take() {
            self.q.cancel_pending(key);
        }
        let dir = self.model.routes[veh.route as usize].direction as usize;
        let (value, basis_a, g) = (veh.value, veh.flags & BASIS_A != 0, veh.gate as usize);
        let y = self.year;
        let yr = &mut self.years[y];
        yr.cleared += 1;
        yr.cleared_by_direction[dir] += 1;
        yr.turnover_b_usd[dir] += value;
        yr.turnover_by_gate_usd[g][1][dir] += value;
        if basis_a {
            yr.turnover_a_usd[dir] += value;
            yr.turnover_a_by_gate_usd[g] += value;
            yr.turnover_by_gate_usd[g][0][dir] += value;
        }
        let gs = &mut self.gates[g];
        gs.cleared += 1;
        gs.cleared_today += 1;
    }

    #[inline(always)]
    fn depart(&mut self, v: u32, t: f64) {
        let veh = self.vehicles[v as usize];
        let gs = &mut self.gates[veh.gate as usize];
        gs.departed += 1;
        if veh.arrival >= self.warmup_end {
            gs.tis.add(t - veh.arrival);
            gs.tis_hist.add(t - veh.arrival);
            self.year_tis.add(t - veh.arrival);
            let gy = &mut self.years[self.year].gates[veh.gate as usize];
            gy.departed += 1;
            gy.time_in_system_min += t - veh.arrival;
        }
        if !PLAIN {
            self.uncount(v, true);
        }
        self.release(v);
    }

    /// Takes vehicle `v` out of its gate's count (once), and counts it as a departure of the
    /// day if it `departed`.
    fn uncount(&mut self, v: u32, departed: bool) {
        let veh = &mut self.vehicles[v as usize];
        if veh.flags & COUNTED == 0 {
            return;
        }
        veh.flags &= !COUNTED;
        let (g, dir) = (veh.gate as usize, veh.dir as usize);
        self.in_gate[g][dir] -= 1;
        if departed {
            self.departed_today[g][dir] += 1;
        }
    }

    /// The daily reports reach the dispatchers: see [`ResponseState::refresh`].
    fn refresh_response(&mut self, ended: bool) {
        let Some(mut r) = self.response.take() else {
            return;
        };
        let (d, model, streams) = (self.day, self.model, &self.streams);
        r.refresh(
            model,
            &self.in_gate,
            &self.departed_today,
            |i| model.demand[i].class,
            |j| {
                let st = &streams[j];
                st.per_min_by_day.get(d).copied().unwrap_or(0.0) * st.batch as f64 * MINUTES_PER_DAY
            },
            ended,
        );
        self.response = Some(r);
    }

    // ---------------------------------------------------------------- calendar

    fn schedule_next_change(&mut self, s: usize) {
        let changes = self.plan.schedules[s].changes();
        if let Some(&(t, _)) = changes.get(self.stages[s].next_change)
            && t < self.horizon
        {
            self.push(t, Ev::Capacity(s as u32));
        }
    }

    fn on_capacity(&mut self, s: usize, t: f64) {
        let (_, cap) = self.plan.schedules[s].changes()[self.stages[s].next_change];
        let st = &mut self.stages[s];
        st.next_change += 1;
        st.pool.capacity = cap;
        st.capacity.set(t, cap as f64);
        self.schedule_next_change(s);
        self.try_start(s, t);
    }

    fn on_day(&mut self, t: f64) {
        for (gs, in_gate) in self.gates.iter_mut().zip(&self.in_gate) {
            self.daily.push(DayRecord {
                cleared: gs.cleared_today,
                queue: gs.queue.count(),
                in_gate: if self.records_in_gate {
                    *in_gate
                } else {
                    [0; 2]
                },
            });
            gs.cleared_today = 0;
        }
        self.day += 1;
        let d = self.day;
        let previous = self.year;
        self.year = self.plan.year_of_day[d] as usize;
        if self.year != previous {
            self.close_year(previous, t);
        }
        if self.month_starts.get(self.next_month) == Some(&d) {
            self.next_month += 1;
            self.close_month(t);
        }
        for g in 0..self.gates.len() {
            let cap = self.plan.yard_cap[g][d];
            if cap != self.gates[g].yard.capacity {
                self.gates[g].yard.capacity = cap;
                self.admit_from_road(g, t);
            }
        }
        if !PLAIN {
            self.refresh_response(true);
            self.departed_today.iter_mut().for_each(|x| *x = [0; 2]);
        }
        for s in 0..self.stages.len() {
            self.stages[s].started_today = 0;
            if !self.stages[s].daily_cap.is_empty() {
                self.try_start(s, t);
            }
        }
        if d + 1 < self.model.days {
            self.push(t + MINUTES_PER_DAY, Ev::Day);
        }
    }

    fn on_spoil(&mut self, v: u32, t: f64) {
        let veh = self.vehicles[v as usize];
        self.vehicles[v as usize].spoil = None;
        if veh.flags & (ON_ROAD | IN_QUEUE | WAIT_MATCH) == 0 {
            return; // in service or between stages: it goes on
        }
        let y = self.year;
        self.years[y].spoiled += 1;
        self.years[y].spoiled_usd += veh.value;
        let g = veh.gate as usize;
        self.uncount(v, false);
        self.vehicles[v as usize].flags |= DEAD;
        self.gates[g].queue.dec(t);
        if veh.flags & IN_QUEUE != 0 {
            let s = self.model.routes[veh.route as usize].steps[veh.step as usize].stage;
            self.stages[s].queue.dec(t);
            if self.trace.is_some() {
                self.trace_row(v, s, t, TraceOutcome::Spoiled);
            }
        }
        if veh.flags & HOLDS_YARD != 0 {
            self.vehicles[v as usize].flags &= !HOLDS_YARD;
            self.gates[g].yard.leave();
            self.admit_from_road(g, t);
        }
        // the slot is freed when the dead vehicle is popped from its line
    }

    fn on_warmup(&mut self, t: f64) {
        self.recording = true;
        for at in &mut self.stage_at_year_start {
            // waiting restarts from nothing, busy time goes on (through busy_before_warmup)
            (at.0, at.1) = (0.0, 0);
        }
        for (st, before) in self.stages.iter_mut().zip(&mut self.busy_before_warmup) {
            *before += st.busy.integral(t);
            st.wait = MeanSum::new();
            st.wait_hist = Histogram::new();
            st.waited = 0;
            st.blocked = 0;
            st.arrivals = 0;
            st.busy.reset(t);
            st.capacity.reset(t);
            st.queue.reset(t);
        }
        for gs in &mut self.gates {
            gs.queue.reset(t);
            gs.road.reset(t);
        }
    }

    /// Records the median time in system of year `y` (index into `years`), which has ended
    /// at `t` (**minutes**), and the empties waiting at each transfer over it.
    fn close_year(&mut self, y: usize, t: f64) {
        let span = t - self.year_start;
        for tr in &mut self.transfers {
            let area = tr.empties_waiting.integral(t);
            tr.empties_by_year
                .push((area - tr.empties_area_at_year_start) / span.max(1e-9));
            tr.empties_area_at_year_start = area;
        }
        self.year_start = t;
        let mut stages = Vec::with_capacity(self.stages.len());
        for (s, st) in self.stages.iter().enumerate() {
            let now = (
                st.wait.sum(),
                st.wait.count(),
                self.busy_before_warmup[s] + st.busy.integral(t),
            );
            let before = std::mem::replace(&mut self.stage_at_year_start[s], now);
            stages.push(StageYearRecord {
                served: now.1 - before.1,
                wait_min: now.0 - before.0,
                busy_min: now.2 - before.2,
            });
        }
        self.years[y].stages = stages;
        self.years[y].time_in_system_p50_min = self.year_tis.quantile(0.5);
        self.years[y].time_in_system_p95_min = self.year_tis.quantile(0.95);
        self.year_tis.clear();
    }

    fn finish(mut self) -> RepRecord {
        let end = self.horizon;
        self.close_year(self.year, end);
        // the last day's record
        while self.daily.len() < self.model.days * self.gates.len() {
            for (gs, in_gate) in self.gates.iter_mut().zip(&self.in_gate) {
                self.daily.push(DayRecord {
                    cleared: gs.cleared_today,
                    queue: gs.queue.count(),
                    in_gate: if self.records_in_gate {
                        *in_gate
                    } else {
                        [0; 2]
                    },
                });
                gs.cleared_today = 0;
            }
        }
        while self.busy_by_month.len() < self.month_starts.len() * self.stages.len() {
            self.close_month(end);
        }
        let span = end - self.warmup_end.min(end);
        let stages = self
            .stages
            .iter()
            .enumerate()
            .map(|(i, st)| {
                let served = st.wait.count();
                let avail = self.plan.schedules[i].server_minutes(self.warmup_end.min(end), end);
                let busy = st.busy.integral(end);
                StageRecord {
                    served,
                    wait_mean: (served > 0).then(|| st.wait.mean()),
                    wait_p95: st.wait_hist.quantile(0.95),
                    p_wait: (served > 0).then(|| st.waited as f64 / served as f64),
                    utilization: (avail > 0.0).then(|| (busy / avail).min(1.0)),
                    mean_queue: st.queue.mean(end),
                    mean_busy: st.busy.mean(end),
                    arrival_rate: if span > 0.0 {
                        st.arrivals as f64 / span
                    } else {
                        0.0
                    },
                    blocked: st.blocked,
                    arrivals: st.arrivals,
                    busy_minutes: busy,
                }
            })
            .collect();
        let gates = self
            .gates
            .iter()
            .map(|gs| GateRecord {
                cleared: gs.cleared,
                time_in_system_mean: (gs.tis.count() > 0).then(|| gs.tis.mean()),
                time_in_system_p95: gs.tis_hist.quantile(0.95),
                max_queue: gs.queue.max() as f64,
                max_road_queue: gs.road.max() as f64,
                mean_queue: gs.queue.mean(end),
                departed: gs.departed,
            })
            .collect();
        let in_system = (self.vehicles.len() - self.free.len()) as u64;
        let span_all = end.max(1e-9);
        let transfers = self
            .transfers
            .iter()
            .map(|tr| TransferRecord {
                loads: tr.loads,
                bypassed: tr.bypassed,
                matched: tr.matched,
                load_wait_mean_min: (tr.load_wait.count() > 0).then(|| tr.load_wait.mean()),
                loads_waiting_mean: tr.loads_waiting.integral(end) / span_all,
                empties_arrived: tr.empties_arrived,
                empties_refused: tr.empties_refused,
                empties_reneged: tr.matcher.reneged().1,
                empties_waiting_mean: tr.empties_waiting.integral(end) / span_all,
                empties_waiting_by_year: tr.empties_by_year.clone(),
            })
            .collect();
        RepRecord {
            transfers,
            replication: self.rep,
            years: self.years,
            gates,
            stages,
            daily: self.daily,
            events: self.events,
            in_system_at_end: in_system,
            parameters: self.parameters,
            busy_by_month: self.busy_by_month,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;
    use std::path::Path;

    fn load(path: &str) -> Model {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        scenario::load(&path).expect("shipped scenario loads")
    }

    /// The copy compiled without feature checks must be the same simulation: same random
    /// numbers, same records, bit for bit.
    #[test]
    fn plain_models_give_identical_records_in_both_copies() {
        for path in [
            "scenarios/examples/peer-gate.toml",
            "scenarios/examples/mmc.toml",
        ] {
            let model = load(path);
            let plan = Plan::new(&model, 0);
            assert!(is_plain(&model, &plan), "{path} should be plain");
            for rep in 0..2 {
                let fast =
                    Sim::<true>::new(&model, &plan, 7, rep, parameter_draw(&model, 7, rep)).run();
                let general =
                    Sim::<false>::new(&model, &plan, 7, rep, parameter_draw(&model, 7, rep)).run();
                assert!(fast.events > 10_000, "{path}: {} events", fast.events);
                assert_eq!(fast, general, "{path} replication {rep}");
                // declared_here_share = 1: every load counts in basis A, without a draw
                for y in &fast.years {
                    assert!(y.cleared > 0);
                    assert_eq!(y.turnover_a_usd, y.turnover_b_usd, "{path}");
                }
            }
        }
    }

    #[test]
    fn any_feature_that_needs_a_check_makes_a_model_general() {
        for path in ["scenarios/lang-son.toml", "tests/fixtures/crisis-2021.toml"] {
            let model = load(path);
            for v in 0..model.variants.len() {
                assert!(
                    !is_plain(&model, &Plan::new(&model, v)),
                    "{path} variant {v}"
                );
            }
        }
        let base = load("scenarios/examples/peer-gate.toml");
        type Edit = (&'static str, fn(&mut Model));
        use crate::model::spec::{
            Change, ChangeKind, Diversion, Response, Uncertain, UncertainKind,
        };
        let edits: [Edit; 12] = [
            ("diversion", |m| {
                m.gates[0].diversion = Some(Diversion {
                    threshold: 10,
                    share: 0.5,
                    to_gate: None,
                    leave_share: 1.0,
                })
            }),
            ("gate choice and delay response", |m| {
                m.response = Some(Response {
                    choice_gates: vec![0],
                    logit_scale_h: 12.0,
                    lag_days: 14.0,
                    loss_per_day: vec![0.01],
                })
            }),
            ("dated value factor", |m| {
                let c = Change {
                    from_day: 0,
                    to_day: m.days,
                    gates: vec![0],
                    stages: vec![],
                    kind: ChangeKind::Value {
                        factor: 2.0,
                        directions: 3,
                        classes: 0,
                    },
                };
                m.changes.push(c)
            }),
            ("dated service factor", |m| {
                let c = Change {
                    from_day: 0,
                    to_day: m.days,
                    gates: vec![0],
                    stages: vec![0],
                    kind: ChangeKind::ScaleService(2.0),
                };
                m.changes.push(c)
            }),
            ("holding yard", |m| m.routes[0].yard_steps = 1),
            ("step for some classes", |m| {
                m.routes[0].steps[1].classes = 1
            }),
            ("uncertain service factor", |m| {
                let u = Uncertain {
                    name: "u".into(),
                    note: String::new(),
                    kind: UncertainKind::Service,
                    factor: Dist::Constant(1.5),
                    from_day: 0,
                    to_day: m.days,
                    gates: vec![0],
                    stages: vec![0],
                    directions: 3,
                    classes: 0,
                    variants: vec![],
                };
                m.uncertain.push(u)
            }),
            ("queue limit", |m| m.stages[1].queue_limit = Some(10)),
            ("priority line", |m| {
                m.stages[0].discipline = Discipline::Priority
            }),
            ("daily cap", |m| m.stages[2].daily_cap = Some(500)),
            ("shelf life", |m| {
                m.classes[0].shelf_life_days = Some(Dist::Constant(2.0))
            }),
            ("step with a probability", |m| {
                m.routes[0].steps[1].probability = 0.5
            }),
        ];
        assert!(is_plain(&base, &Plan::new(&base, 0)));
        for (what, edit) in edits {
            let mut model = base.clone();
            edit(&mut model);
            assert!(!is_plain(&model, &Plan::new(&model, 0)), "{what}");
        }
    }
}
