//! The validated, immutable description of a border model (built by `scenario`, shared
//! read-only by every replication and thread).

use super::calendar::Date;
use super::dist::Dist;
use crate::engine::Discipline;

/// Direction of trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Việt Nam → China.
    Export = 0,
    /// China → Việt Nam.
    Import = 1,
}

impl Direction {
    /// Both directions, export first.
    pub const ALL: [Direction; 2] = [Direction::Export, Direction::Import];
    /// `"export"` or `"import"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Export => "export",
            Direction::Import => "import",
        }
    }
}

/// A turnover target of one year (million USD), on basis A or B, for all gates or some.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Year the target applies to.
    pub year: i32,
    /// Total import–export turnover, million USD.
    pub total_musd: f64,
    /// Exports, million USD (`None`: no export target).
    pub export_musd: Option<f64>,
    /// Imports, million USD (`None`: no import target).
    pub import_musd: Option<f64>,
    /// Turnover basis B (all goods crossing) instead of basis A (declared here).
    pub basis_b: bool,
    /// Gates whose turnover counts (empty: all).
    pub gates: Vec<usize>,
}

/// A cargo class (fresh fruit, machinery, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct CargoClass {
    /// Identifier used in the scenario file.
    pub id: String,
    /// Shelf life in **days** for perishable cargo; `None` for durable cargo.
    pub shelf_life_days: Option<Dist>,
    /// Queue priority where a stage serves by priority (0 = first).
    pub priority: u8,
}

/// Value of a vehicle's load, per (direction, class).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueSpec {
    /// Declared value of one vehicle's load, **USD** (basis B: all goods crossing).
    pub value_usd: Dist,
    /// Probability that the load is declared at Lạng Sơn customs (counts in basis A).
    pub declared_here_share: f64,
}

/// When more than `threshold` vehicles wait at a gate, a share of newcomers goes elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Diversion {
    /// Vehicles waiting (road + yard + stage queues) above which diversion starts.
    pub threshold: u32,
    /// Share of arrivals diverted while above the threshold.
    pub share: f64,
    /// Gate that takes diverted vehicles; `None` = all leave the province.
    pub to_gate: Option<usize>,
    /// Of the diverted, the share that leaves the province instead of going to `to_gate`.
    pub leave_share: f64,
}

/// How dispatchers and trade respond to border delay (replaces hand-set diversion thresholds).
///
/// The *predicted time* of a gate and direction is what a dispatcher reads in the daily
/// reports: vehicles in the gate over its recent clearance rate (Little's law), **days**.
/// - Gate choice: a truck of a (direction, class) offered at several of `choice_gates` goes to
///   gate *j* with probability ∝ wⱼ · exp(−Wⱼ / θ), where wⱼ is the gate's declared demand of
///   that day (the alternative-specific constant: at equal predicted times the declared shares
///   hold) and Wⱼ its predicted time.
/// - Trade that responds to delay: the expected predicted time over the choice (the logit's
///   log-sum), smoothed with time constant `lag_days`, removes a share `loss_per_day` of
///   demand per day of delay: demand × (1 − loss)^delay.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// Gates among which a truck's dispatcher chooses (empty: each truck keeps its gate).
    pub choice_gates: Vec<usize>,
    /// Logit scale θ, **hours** (> 0): a gate whose predicted time is θ longer keeps 1/e of
    /// its declared share relative to the others.
    pub logit_scale_h: f64,
    /// Time constant of the demand's reaction to delay, **days** (> 0).
    pub lag_days: f64,
    /// Share of demand lost per day of (lagged) predicted delay, per class index (0 ≤ x < 1).
    pub loss_per_day: Vec<f64>,
}

/// A border gate (or rail station).
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    /// Identifier, e.g. `huu_nghi`.
    pub id: String,
    /// Display name with diacritics, e.g. `Hữu Nghị`.
    pub name: String,
    /// Holding-yard places (vehicles); `None` = unlimited.
    pub yard_capacity: Option<u32>,
    /// Relative arrival intensity per hour of day (Hà Nội time), mean 1.
    pub hour_profile: [f64; 24],
    /// Diversion rule, if any.
    pub diversion: Option<Diversion>,
}

/// How long a stage's service takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Service {
    /// One distribution, minutes.
    Single(Dist),
    /// Risk channels (green / yellow / red): cumulative shares and a distribution each.
    Channels(Vec<Channel>),
}

impl Service {
    /// Mean service time over the channels' shares, **minutes**.
    pub fn mean(&self) -> f64 {
        match self {
            Service::Single(dist) => dist.mean(),
            Service::Channels(chs) => {
                let mut prev = 0.0;
                chs.iter()
                    .map(|c| {
                        let share = c.cum_share - prev;
                        prev = c.cum_share;
                        share * c.service.mean()
                    })
                    .sum()
            }
        }
    }
}

/// One risk channel of a stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    /// Name, e.g. `green`.
    pub name: String,
    /// Cumulative share up to and including this channel.
    pub cum_share: f64,
    /// Service time, minutes.
    pub service: Dist,
}

/// Opening hours of a stage in its own clock: `open ≤ t < close`, hours after midnight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hours {
    /// Opening hour (0–24).
    pub open: f64,
    /// Closing hour (0–24, > open).
    pub close: f64,
}

/// A stage of a gate: a pool of servers.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// Identifier, unique within its gate (e.g. `vn_customs`).
    pub id: String,
    /// Name for people (e.g. `Vietnamese customs`); the file's `name`, else made from the id.
    pub name: String,
    /// Index of the gate it belongs to.
    pub gate: usize,
    /// Servers (lanes, officers, bays) while open.
    pub servers: u32,
    /// Opening hours in the stage's clock.
    pub hours: Hours,
    /// Open on Monday … Sunday.
    pub weekdays: [bool; 7],
    /// Stage clock minus Hà Nội clock, **hours** (Beijing = +1).
    pub clock_offset_h: f64,
    /// Queue order.
    pub discipline: Discipline,
    /// Service time.
    pub service: Service,
    /// Completing this stage is Vietnamese customs clearance: turnover is counted here.
    pub clearance: bool,
    /// Most services this stage starts per day (an intake cap), if any.
    pub daily_cap: Option<u32>,
    /// Most vehicles waiting; arrivals beyond it are turned away (blocked), if set.
    pub queue_limit: Option<u32>,
}

/// A step of a route: visit `stage` if the vehicle's class is in `classes` (empty = all),
/// with probability `probability`.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Stage index.
    pub stage: usize,
    /// Bitmask of class indices this step applies to (0 = every class).
    pub classes: u64,
    /// Probability the step applies to an eligible vehicle.
    pub probability: f64,
}

/// The sequence of stages of one gate for one direction.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Gate index.
    pub gate: usize,
    /// Direction.
    pub direction: Direction,
    /// Steps in order.
    pub steps: Vec<Step>,
    /// A vehicle holds a yard place from arrival until it finishes this many steps (0 = no yard).
    pub yard_steps: usize,
}

/// Base demand of one (gate, direction, class).
#[derive(Debug, Clone, PartialEq)]
pub struct DemandStream {
    /// Gate index.
    pub gate: usize,
    /// Direction.
    pub direction: Direction,
    /// Class index.
    pub class: usize,
    /// Vehicles per day in the reference year (growth index 1), **vehicles/day**.
    pub per_day: f64,
    /// Vehicles arriving together (wagons per train); 1 for trucks.
    pub batch: u32,
}

/// Loads of one direction at one gate change vehicles before stage `stage`: each load waits
/// for an empty vehicle of the other fleet (the two queues are matched one to one, see
/// [`crate::engine::Matcher`]); the vehicle that brought it is freed after the stage and may
/// come back as an empty for the opposite direction's transfer (a return trip).
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    /// Gate index.
    pub gate: usize,
    /// Direction of the loads.
    pub direction: Direction,
    /// The stage where the load changes vehicles (a step of the route).
    pub stage: usize,
    /// Empty vehicles of the other fleet arriving from outside per load of the day's demand
    /// at this gate and direction (a ratio), during `hours`.
    pub empties_per_load: f64,
    /// When empties arrive, in the transfer's clock.
    pub hours: Hours,
    /// Transfer clock minus Hà Nội clock, **hours**.
    pub clock_offset_h: f64,
    /// An empty leaves after waiting this long unmatched, **hours**.
    pub patience_h: f64,
    /// Places for waiting empties (`None`: unlimited); an empty finding them full leaves.
    pub places: Option<u32>,
    /// Of the vehicles freed by the opposite direction's transfer at this gate, the share
    /// that comes back as empties here.
    pub return_share: f64,
    /// Time from being freed to arriving here empty, **minutes**.
    pub return_min: Dist,
    /// Share of loads that cross without the transfer (0–1), until a `transfer_bypass`
    /// change.
    pub bypass: f64,
}

/// What a dated change does.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeKind {
    /// Add (or remove, if negative) servers.
    AddServers(i32),
    /// Set the number of servers.
    SetServers(u32),
    /// Multiply service times.
    ScaleService(f64),
    /// New opening hours.
    Hours(Hours),
    /// New intake cap (`None` removes it).
    DailyCap(Option<u32>),
    /// New yard capacity (vehicles).
    Yard(u32),
    /// Multiply demand of the selected directions (bitmask) and classes (bitmask, 0 = all).
    Demand {
        /// Multiplier.
        factor: f64,
        /// Directions it applies to, a bitmask (1 = export, 2 = import).
        directions: u8,
        /// Classes it applies to, a bitmask by class index (0 = all).
        classes: u64,
    },
    /// Multiply servers (0 = closed, 0.4 = pre-registered trucks only).
    Capacity(f64),
    /// Days of the week the stage opens (Monday first), replacing its `weekdays`.
    Weekdays([bool; 7]),
    /// Share of loads of the selected directions (bitmask) that cross without the transfer
    /// between fleets (two-way transport, direct trucking), replacing the transfer's `bypass`.
    Bypass {
        /// Share, 0–1.
        share: f64,
        /// Directions it applies to, a bitmask (1 = export, 2 = import).
        directions: u8,
    },
    /// Multiply the value per vehicle of the selected directions (bitmask) and classes
    /// (bitmask, 0 = all): prices and the mix of goods by year.
    Value {
        /// Multiplier.
        factor: f64,
        /// Directions it applies to, a bitmask (1 = export, 2 = import).
        directions: u8,
        /// Classes it applies to, a bitmask by class index (0 = all).
        classes: u64,
    },
}

/// A dated change to the model: history, a disruption or an intervention of a variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// First day it applies (0 = start of the horizon).
    pub from_day: usize,
    /// First day it no longer applies (exclusive); `usize::MAX` = until the end.
    pub to_day: usize,
    /// Gates it applies to.
    pub gates: Vec<usize>,
    /// Stages it applies to (empty for gate-level changes such as yard and demand).
    pub stages: Vec<usize>,
    /// What it does.
    pub kind: ChangeKind,
}

impl Change {
    /// True on day `d`.
    #[inline]
    pub fn active(&self, d: usize) -> bool {
        d >= self.from_day && d < self.to_day
    }
}

/// A named package of changes applied on top of the base model.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Name, e.g. `programme-23`.
    pub name: String,
    /// One line for people.
    pub description: String,
    /// Its changes, applied after the base model's.
    pub changes: Vec<Change>,
    /// What it costs, if the file says (`None`: cost unknown, never free).
    pub cost: Option<Cost>,
    /// For a package: the variants it combines (indices); empty for a variant of the file.
    pub members: Vec<usize>,
}

/// What an improvement costs, **million USD**.
#[derive(Debug, Clone, PartialEq)]
pub struct Cost {
    /// Investment, once, **million USD**.
    pub investment_musd: f64,
    /// Running cost per year, **million USD/year**.
    pub yearly_musd: f64,
    /// Where the numbers come from.
    pub source: String,
}

impl Cost {
    /// Investment plus `years` of running cost, **million USD** (undiscounted).
    pub fn over(&self, years: f64) -> f64 {
        self.investment_musd + self.yearly_musd * years
    }
}

/// What an uncertain parameter multiplies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UncertainKind {
    /// Arrival rates of the selected demand streams.
    Demand,
    /// Values of the selected vehicles' loads.
    Value,
    /// Service times of the selected stages.
    Service,
    /// Diversion thresholds (vehicles waiting) of the selected gates, for the whole horizon.
    DiversionThreshold,
    /// The gate-choice logit scale θ of `[response]`.
    LogitScale,
    /// The reaction time constant of `[response]`.
    ResponseLag,
    /// The loss of demand per day of delay of `[response]`, for the selected classes.
    DelayLoss,
    /// Demand growth: the selected streams' rates × factor^(years since `from`), compounding
    /// to `to` (then held): an uncertain yearly growth rate relative to the `growth` index.
    DemandGrowth,
    /// Empty vehicles of the other fleet arriving at the selected gates' transfers, per load.
    EmptySupply,
    /// The share of loads that bypass the transfer at the selected gates (capped at 1).
    Bypass,
}

impl UncertainKind {
    /// The word the scenario file uses for it (`kind = "..."`).
    pub fn as_str(self) -> &'static str {
        match self {
            UncertainKind::Demand => "demand",
            UncertainKind::Value => "value",
            UncertainKind::Service => "service",
            UncertainKind::DiversionThreshold => "diversion_threshold",
            UncertainKind::LogitScale => "logit_scale",
            UncertainKind::ResponseLag => "response_lag",
            UncertainKind::DelayLoss => "delay_loss",
            UncertainKind::DemandGrowth => "demand_growth",
            UncertainKind::EmptySupply => "empty_supply",
            UncertainKind::Bypass => "transfer_bypass",
        }
    }
}

/// A parameter we do not know (epistemic uncertainty): a multiplier drawn once per parameter
/// draw, shared by every variant, applied on days `from_day..to_day` to the selected elements.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertain {
    /// Name used in reports.
    pub name: String,
    /// Its source and reasoning (the file's `note`; empty if none).
    pub note: String,
    /// What it multiplies.
    pub kind: UncertainKind,
    /// The multiplier's distribution.
    pub factor: Dist,
    /// First day it applies.
    pub from_day: usize,
    /// First day it no longer applies (`usize::MAX`: to the end).
    pub to_day: usize,
    /// Gates (all if the file lists none).
    pub gates: Vec<usize>,
    /// Stages (service kind).
    pub stages: Vec<usize>,
    /// Direction bitmask (bit 0 export, bit 1 import).
    pub directions: u8,
    /// Class bitmask (0 = all).
    pub classes: u64,
    /// Variants it applies to (empty = all).
    pub variants: Vec<usize>,
}

impl Uncertain {
    /// True if it applies in variant `v`.
    pub fn in_variant(&self, v: usize) -> bool {
        self.variants.is_empty() || self.variants.contains(&v)
    }
    /// True if it applies to demand or values of (`gate`, `direction`, `class`).
    pub fn selects(&self, gate: usize, direction: Direction, class: usize) -> bool {
        self.gates.contains(&gate)
            && self.directions & (1 << direction as u8) != 0
            && (self.classes == 0 || self.classes & (1 << class) != 0)
    }
}

/// Which simulated figure an observation is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    /// Mean vehicles cleared per day over days `from_day..=to_day` at `gates`.
    DailyCleared {
        /// Gate indices.
        gates: Vec<usize>,
        /// First day index.
        from_day: usize,
        /// Last day index, inclusive.
        to_day: usize,
    },
    /// Basis-A turnover of year index `year`, **million USD** (total, or one direction).
    TurnoverA {
        /// Year index.
        year: usize,
        /// One direction, or `None` for the total.
        direction: Option<Direction>,
    },
    /// Median time in system of vehicles departing in year index `year`, **hours**.
    MedianTimeInSystemH {
        /// Year index.
        year: usize,
    },
    /// Vehicles waiting at `gates` at the end of day `day`. With a direction: vehicles of that direction in the gates (waiting or in service), the
    /// "export stock" of the daily reports.
    Queue {
        /// Gate indices.
        gates: Vec<usize>,
        /// Day index.
        day: usize,
        /// One direction (vehicles in the gates), or `None` (vehicles waiting).
        direction: Option<Direction>,
    },
    /// Exports / (exports + imports) among the vehicles cleared in year index `year`.
    ExportShare {
        /// Year index.
        year: usize,
    },
    /// Basis-B turnover of year index `year`, **million USD** (total, or one direction).
    TurnoverB {
        /// Year index.
        year: usize,
        /// One direction, or `None` for the total.
        direction: Option<Direction>,
    },
}

impl Figure {
    /// True if the figure reads the per-direction vehicle counts of the gates.
    pub fn needs_in_gate_counts(&self) -> bool {
        matches!(
            self,
            Figure::Queue {
                direction: Some(_),
                ..
            }
        )
    }
}

/// How close the simulated mean must be to the observed value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    /// Within ± this share of the observed value.
    Relative(f64),
    /// Within a factor: observed / f ≤ simulated ≤ observed · f.
    Factor(f64),
}

impl Tolerance {
    /// True when `simulated` is close enough to `observed`.
    pub fn accepts(self, observed: f64, simulated: f64) -> bool {
        let (lo, hi) = self.bounds(observed);
        simulated >= lo && simulated <= hi
    }

    /// The accepted range `(low, high)` of a simulated value against `observed`.
    pub fn bounds(self, observed: f64) -> (f64, f64) {
        match self {
            Tolerance::Relative(r) => {
                (observed - r * observed.abs(), observed + r * observed.abs())
            }
            Tolerance::Factor(f) => (observed / f, observed * f),
        }
    }
}

/// What an observed figure may be used for: fitting parameters to it, or only checking the
/// model against it. A figure nobody marked is a check, so it can never be fitted to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ObservedUse {
    /// `use = "fit"`: `[[fit]]` parameters may be fitted to it.
    Fit,
    /// `use = "check"` (the default): no parameter may be fitted to it.
    #[default]
    Check,
}

impl ObservedUse {
    /// `"fit"` or `"check"`, as written in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            ObservedUse::Fit => "fit",
            ObservedUse::Check => "check",
        }
    }
}

/// An observed figure with its source, for calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// What it is, for people.
    pub name: String,
    /// The simulated figure it is compared with.
    pub figure: Figure,
    /// The observed value (units of the figure).
    pub value: f64,
    /// Where the number comes from.
    pub source: String,
    /// How close the simulation must come.
    pub tolerance: Tolerance,
    /// Fit target or check.
    pub usage: ObservedUse,
}

/// A calibration multiplier (`[[fit]]`): applied in every run with `value`, like an
/// uncertain parameter that is always the same number; `borderflow calibrate --fit` searches
/// it in `range` against the observed figures `against` (each one with `use = "fit"`).
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// What it multiplies and where (its `factor` is the constant `value`, `variants` empty:
    /// it applies in every variant).
    pub multiplier: Uncertain,
    /// The multiplier the scenario runs with.
    pub value: f64,
    /// The interval searched, `(lo, hi)` with `0 < lo < hi`.
    pub range: (f64, f64),
    /// Indices in `Model::observed` of the figures it is fitted to.
    pub against: Vec<usize>,
}

impl Fit {
    /// Runs with multiplier `value` from now on.
    pub fn set_value(&mut self, value: f64) {
        self.value = value;
        self.multiplier.factor = Dist::Constant(value);
    }
}

/// A complete, validated border model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Scenario name.
    pub name: String,
    /// Name for people (`[scenario] title`, else `name`), e.g. `Lạng Sơn`.
    pub title: String,
    /// What the scenario is for (`[scenario] description`; empty if the file says nothing).
    pub description: String,
    /// The question the study answers, if the file says (`[scenario] question`).
    pub question: Option<String>,
    /// First simulated day.
    pub start: Date,
    /// Simulated days.
    pub days: usize,
    /// Days dropped from waiting-time and utilisation statistics.
    pub warmup_days: usize,
    /// Default master seed.
    pub seed: u64,
    /// Default replications.
    pub replications: usize,
    /// Default precision rule of `run`: the 95 % half-width of every variant's P(total
    /// target) to reach (`None`: a fixed number of replications).
    pub precision: Option<f64>,
    /// Default time budget of a run with a precision rule, **seconds**.
    pub time_budget_s: Option<f64>,
    /// Index of the variant that reproduces what happened (`[scenario] history`): the one
    /// `calibrate` checks by default.
    pub history: Option<usize>,
    /// Turnover target.
    pub target: Option<Target>,
    /// Cargo classes.
    pub classes: Vec<CargoClass>,
    /// Values, indexed `[direction][class]`.
    pub values: [Vec<Option<ValueSpec>>; 2],
    /// Gates.
    pub gates: Vec<Gate>,
    /// Stages of all gates.
    pub stages: Vec<Stage>,
    /// Routes.
    pub routes: Vec<Route>,
    /// Demand streams.
    pub demand: Vec<DemandStream>,
    /// Demand index by calendar year (reference year = 1): `(year, index)`, sorted.
    pub growth: Vec<(i32, f64)>,
    /// From this calendar year on, demand grows as a trend rather than in steps each 1 January
    /// (see [`Model::growth_on`]); `None`: steps every year.
    pub growth_trend_from: Option<i32>,
    /// Monthly demand factors, `[direction][month 0..12]`.
    pub month_factor: [[f64; 12]; 2],
    /// Weekday demand factors, Monday first.
    pub weekday_factor: [f64; 7],
    /// Dated changes of the base model (history, disruptions).
    pub changes: Vec<Change>,
    /// Variants (at least one).
    pub variants: Vec<Variant>,
    /// Parameters drawn once per replication (parameter draw).
    pub uncertain: Vec<Uncertain>,
    /// How dispatchers and trade respond to delay, if modelled.
    pub response: Option<Response>,
    /// Observed figures for calibration.
    pub observed: Vec<Observed>,
    /// Transfers of loads between the two fleets (`[[transfers]]`).
    pub transfers: Vec<Transfer>,
    /// Calibration multipliers, applied in every run after the uncertain parameters.
    pub fit: Vec<Fit>,
    /// What `borderflow optimise` combines (`[decisions]`), if the file says.
    pub decisions: Option<Decisions>,
}

/// `[decisions]`: the improvements whose combinations `borderflow optimise` compares.
#[derive(Debug, Clone, PartialEq)]
pub struct Decisions {
    /// Indices of the variants that are improvements.
    pub improvements: Vec<usize>,
    /// Years of running cost counted in a cost: investment + yearly × this, **million USD**.
    pub cost_years: f64,
}

impl Model {
    /// The date of simulated day `d`.
    pub fn date_of_day(&self, d: usize) -> Date {
        self.start.plus_days(d as i64)
    }

    /// Calendar years the horizon touches, in order.
    pub fn years(&self) -> Vec<i32> {
        let first = self.start.year;
        let last = self.date_of_day(self.days.saturating_sub(1)).year;
        (first..=last).collect()
    }

    /// Index of the target year among [`years`](Self::years), if there is a target and the
    /// horizon covers its year.
    pub fn target_year_index(&self) -> Option<usize> {
        let t = self.target.as_ref()?;
        usize::try_from(t.year - self.start.year)
            .ok()
            .filter(|&i| i < self.years().len())
    }

    /// Demand growth index of a year: the entry for that year, else the nearest year's.
    pub fn growth_index(&self, year: i32) -> f64 {
        if self.growth.is_empty() {
            return 1.0;
        }
        match self.growth.binary_search_by_key(&year, |&(y, _)| y) {
            Ok(i) => self.growth[i].1,
            Err(0) => self.growth[0].1,
            Err(i) if i >= self.growth.len() => self.growth[self.growth.len() - 1].1,
            Err(i) => {
                // linear between the neighbouring listed years
                let (y0, g0) = self.growth[i - 1];
                let (y1, g1) = self.growth[i];
                g0 + (g1 - g0) * (year - y0) as f64 / (y1 - y0) as f64
            }
        }
    }

    /// Demand growth index on `date`. Before [`growth_trend_from`](Self::growth_trend_from)
    /// (or without it) the year's index, a step each 1 January. From that year on a trend:
    /// linear between the mid-points of consecutive years (each year's index on its 1 July),
    /// the nearest segment's slope continued before the first and after the last mid-point of
    /// the horizon, so that each year's mean stays its index (exactly where the pieces are
    /// collinear, else to within an eighth of the second difference). Never below 0.
    pub fn growth_on(&self, date: Date) -> f64 {
        let year = date.year;
        let Some(from) = self.growth_trend_from.filter(|&from| year >= from) else {
            return self.growth_index(year);
        };
        let last = self.date_of_day(self.days.saturating_sub(1)).year;
        if last <= from {
            return self.growth_index(year);
        }
        let jan1 = Date::new(year, 1, 1).expect("1 January exists");
        let next = Date::new(year + 1, 1, 1).expect("1 January exists");
        // the date's noon as a fractional year; a year's mid-point is at year + 0.5
        let t = year as f64 + (jan1.days_until(date) as f64 + 0.5) / jan1.days_until(next) as f64;
        let a = ((t - 0.5).floor() as i32).clamp(from, last - 1);
        let (g0, g1) = (self.growth_index(a), self.growth_index(a + 1));
        (g0 + (g1 - g0) * (t - (a as f64 + 0.5))).max(0.0)
    }

    /// First day index of each calendar month the horizon touches (the first is 0).
    pub fn month_starts(&self) -> Vec<usize> {
        (0..self.days)
            .filter(|&d| d == 0 || self.date_of_day(d).day == 1)
            .collect()
    }

    /// True if a replication must count the vehicles in each gate per direction: for the
    /// predicted times of `[response]`, or for a `queue` figure with a direction.
    pub fn counts_in_gate(&self) -> bool {
        self.response.is_some()
            || self
                .observed
                .iter()
                .any(|o| o.figure.needs_in_gate_counts())
    }

    /// Index of a variant by name.
    pub fn variant_index(&self, name: &str) -> Option<usize> {
        self.variants.iter().position(|v| v.name == name)
    }
}

impl Stage {
    /// The name shown in charts and tables.
    pub fn display_name(&self) -> &str {
        &self.name
    }
}

/// A stage name made from its id when the file gives none: `vn_plant_quarantine` →
/// `VN plant quarantine`.
pub fn stage_name_from_id(id: &str) -> String {
    let words: Vec<String> = id
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "vn" | "cn" => w.to_uppercase(),
            w => w.to_string(),
        })
        .collect();
    if words.is_empty() {
        id.to_string()
    } else {
        words.join(" ")
    }
}
