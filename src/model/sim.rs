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
mod plain;
mod records;
mod response;
mod setup;
mod trace;
mod transfer;
pub use fork::{ForkStats, simulate_variants};
pub use plain::is_plain;
use response::ResponseState;
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
}
