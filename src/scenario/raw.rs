//! The scenario file as written: serde types that mirror the TOML, unknown keys rejected.
//! Nothing here is checked beyond types; see `validate`.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The whole file: its tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// `[scenario]`: name, horizon, seed, replications.
    pub scenario: RawHeader,
    /// `[target]`: the turnover target whose probability a run estimates (optional).
    pub target: Option<RawTarget>,
    /// `[demand]`: growth by year, month and weekday factors (optional: all 1).
    #[serde(default)]
    pub demand: RawDemand,
    /// `[[classes]]`: cargo classes.
    #[serde(default)]
    pub classes: Vec<RawClass>,
    /// `[[values]]`: value per vehicle by direction and class.
    #[serde(default)]
    pub values: Vec<RawValue>,
    /// `[[gates]]`: border gates and rail stations, with their stages and routes.
    #[serde(default)]
    pub gates: Vec<RawGate>,
    /// `[[changes]]`: dated changes in every variant (closures, crises, demand and value by year).
    #[serde(default)]
    pub changes: Vec<RawChange>,
    /// `[[variants]]`: the futures compared, each with its own dated changes.
    #[serde(default)]
    pub variants: Vec<RawVariant>,
    /// `[[uncertain]]`: parameters drawn from a distribution for each parameter draw.
    #[serde(default)]
    pub uncertain: Vec<RawUncertain>,
    /// `[[observed]]`: observed figures that `borderflow calibrate` compares with the simulation.
    #[serde(default)]
    pub observed: Vec<RawObserved>,
    /// `[response]`: how dispatchers and trade respond to border delay (optional).
    pub response: Option<RawResponse>,
    /// `[[fit]]`: calibration multipliers that `calibrate --fit` searches.
    #[serde(default)]
    pub fit: Vec<RawFit>,
    /// `[[packages]]`: named combinations of variants, run like variants.
    #[serde(default)]
    pub packages: Vec<RawPackage>,
    /// `[decisions]`: what `borderflow optimise` combines and how it counts costs (optional).
    pub decisions: Option<RawDecisions>,
    /// `[[transfers]]`: where loads change from one fleet's vehicles to the other's.
    #[serde(default)]
    pub transfers: Vec<RawTransfer>,
}

/// `[[transfers]]`: at a gate, the loads of one direction wait for an empty vehicle of the
/// other fleet before a stage (the two queues are matched one to one).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTransfer {
    /// Gate id.
    pub gate: String,
    /// `export` or `import`: the loads that change vehicles.
    pub direction: String,
    /// The stage (a step of that route) where the load changes vehicles.
    pub stage: String,
    /// Empties of the other fleet arriving from outside per load of the day's demand, ≥ 0.
    pub empties_per_load: f64,
    /// `[open, close]`: when empties arrive (default: all day).
    pub hours: Option<Vec<f64>>,
    /// `vn` (Hà Nội, default) or `cn` (Beijing = Hà Nội + 1 h), for `hours`.
    pub clock: Option<String>,
    /// An empty leaves after this long unmatched, **hours** (> 0).
    pub patience_hours: f64,
    /// Places for waiting empties (default: unlimited).
    pub places: Option<i64>,
    /// Share of the vehicles freed by the opposite direction's transfer here that come back
    /// as empties (0–1, default 0).
    pub return_share: Option<f64>,
    /// Their time from being freed to arriving, **minutes** (needed when `return_share` > 0).
    pub return_minutes: Option<RawDist>,
    /// Share of loads that cross without the transfer (0–1, default 0).
    pub bypass: Option<f64>,
    /// Free text: the source and reasoning.
    pub note: Option<String>,
}

/// `[[packages]]`: variants combined into one (the union of their changes, in date order).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPackage {
    /// Name, unique among variants and packages.
    pub name: String,
    /// What the package is (shown in the report).
    pub description: Option<String>,
    /// The variants it combines (at least one, each once).
    pub variants: Vec<String>,
}

/// `[decisions]`: the improvements `borderflow optimise` combines.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDecisions {
    /// The variants that are improvements: `optimise` tries every combination of them.
    pub improvements: Vec<String>,
    /// Years of running cost counted in a package's cost (≥ 0): cost = investment +
    /// yearly × `cost_years`, **million USD**, undiscounted.
    pub cost_years: f64,
    /// Free text: the source or reasoning.
    pub note: Option<String>,
}

/// `cost = { investment_musd, yearly_musd, source }` of a variant.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCost {
    /// Investment, once, **million USD** (≥ 0).
    pub investment_musd: f64,
    /// Running cost, **million USD per year** (≥ 0).
    pub yearly_musd: f64,
    /// Where the numbers come from (not empty).
    pub source: String,
}

/// `[response]`: gate choice by predicted time and demand that responds to delay.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResponse {
    /// Gate ids among which a truck's dispatcher chooses by predicted time (at least two, or none:
    /// every truck keeps its gate).
    #[serde(default)]
    pub gates: Vec<String>,
    /// Logit scale θ, **hours** (> 0; required with `gates`): a gate whose predicted time is θ
    /// longer keeps 1/e of its declared share relative to the others.
    pub logit_scale_hours: Option<f64>,
    /// Time constant, **days** (> 0), with which demand reacts to sustained delay.
    pub lag_days: f64,
    /// Share of demand lost per day of (lagged) predicted delay (0 ≤ x < 1): demand × (1 −
    /// loss)^delay.
    pub loss_per_day: f64,
    /// Per class id, a `loss_per_day` that replaces the general one (e.g. `{ fresh_fruit = 0.07
    /// }`).
    #[serde(default)]
    pub loss_per_day_by_class: BTreeMap<String, f64>,
    /// Free text: the source or reasoning.
    pub note: Option<String>,
}

/// `[[fit]]`: a calibration multiplier fitted by `borderflow calibrate --fit` to `use = "fit"`
/// figures.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFit {
    /// Name, unique among `[[fit]]` tables.
    pub name: String,
    /// What it multiplies: `demand`, `value` or `service`.
    pub kind: String,
    /// Free text: the source or reasoning.
    pub note: Option<String>,
    /// `[low, high]`: the multipliers `calibrate --fit` searches (0 < low < high ≤ 1,000).
    pub range: Vec<f64>,
    /// The multiplier every run applies (within `range`): paste the value `calibrate --fit` prints.
    pub value: f64,
    /// Names of `[[observed]]` figures with `use = "fit"` that the search matches (naming a check
    /// is an error).
    pub against: Vec<String>,
    /// First day it applies, `YYYY-MM-DD` (default: the horizon's start).
    pub from: Option<String>,
    /// Day it stops applying (exclusive), `YYYY-MM-DD` (default: never).
    pub to: Option<String>,
    /// Gate ids it applies to (default: all).
    pub gates: Option<Vec<String>>,
    /// Stage ids it applies to (`service` only; default: all).
    pub stages: Option<Vec<String>>,
    /// `export` and/or `import` (default: both).
    pub directions: Option<Vec<String>>,
    /// Class ids it applies to (default: all).
    pub classes: Option<Vec<String>>,
}

/// `[[observed]]`: an observed figure the model should reproduce (`borderflow calibrate`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObserved {
    /// Name, unique among `[[observed]]` tables (shown in the calibration table).
    pub name: String,
    /// What is compared: `daily_cleared` (vehicles/day, over `gates` from `from` to `to`),
    /// `turnover_a` or `turnover_b` (million USD in `year`, optional `direction`), `export_share`
    /// (exports over all vehicles cleared in `year`), `time_in_system_median_h` (hours, `year`) or
    /// `queue` (vehicles waiting at `gates` at the end of `date`; with `direction`, the vehicles of
    /// that direction in the gates, waiting or in service).
    pub figure: String,
    /// The observed value (> 0), in the figure's unit.
    pub value: f64,
    /// Where the value comes from (shown in the calibration table).
    pub source: String,
    /// Gate ids (`daily_cleared`, `queue`; default: all).
    pub gates: Option<Vec<String>>,
    /// First day, `YYYY-MM-DD` (`daily_cleared`).
    pub from: Option<String>,
    /// Last day, inclusive, `YYYY-MM-DD` (`daily_cleared`).
    pub to: Option<String>,
    /// The day, `YYYY-MM-DD` (`queue`).
    pub date: Option<String>,
    /// The calendar year (`turnover_a`, `turnover_b`, `export_share`, `time_in_system_median_h`).
    pub year: Option<i32>,
    /// `export` or `import` (`turnover_a`, `turnover_b`, `queue` only).
    pub direction: Option<String>,
    /// Accepted relative error, a share (e.g. 0.15 = ±15 %); give this or `factor`.
    pub tolerance: Option<f64>,
    /// Accepted ratio (> 1, e.g. 2 = within ×/÷2); give this or `tolerance`.
    pub factor: Option<f64>,
    /// `"fit"` (parameters were set from it) or `"check"` (the default: none was, and none may be).
    #[serde(rename = "use")]
    pub usage: Option<String>,
}

/// `[[uncertain]]`: a parameter we do not know, a multiplier drawn once per parameter draw
/// (each replication, or each group of `--inner` replications) and shared by every variant.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUncertain {
    /// Name, unique among `[[uncertain]]` tables.
    pub name: String,
    /// What it multiplies: `demand`, `value`, `service` (service times), `diversion_threshold`,
    /// `logit_scale`, `response_lag` or `delay_loss` (the last three: `[response]`).
    pub kind: String,
    /// Free text: the source of the range.
    pub note: Option<String>,
    /// The multiplier's distribution, drawn once per parameter draw and shared by every variant
    /// (e.g. `{ dist = "triangular", min = 0.9, mode = 1, max = 1.1 }`).
    pub factor: RawDist,
    /// First day it applies, `YYYY-MM-DD` (default: the horizon's start).
    pub from: Option<String>,
    /// Day it stops applying (exclusive), `YYYY-MM-DD` (default: never).
    pub to: Option<String>,
    /// Gate ids it applies to (default: all).
    pub gates: Option<Vec<String>>,
    /// Stage ids it applies to (`service`; default: all).
    pub stages: Option<Vec<String>>,
    /// `export` and/or `import` (default: both).
    pub directions: Option<Vec<String>>,
    /// Class ids it applies to (default: all).
    pub classes: Option<Vec<String>>,
    /// Variant names it applies to (default: all): for the effect of an improvement only its
    /// variants have.
    pub variants: Option<Vec<String>>,
}

/// `[scenario]`: the header: name, horizon, seed, replications or precision.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    /// Scenario name; it names the output folder: letters, digits, `-`, `_`, `.`, not starting with
    /// `.`, at most 100 characters.
    pub name: String,
    /// Name for people, shown in chart titles and the report, e.g. `Lạng Sơn` (default:
    /// `name`).
    pub title: Option<String>,
    /// One line on what the scenario is for.
    pub description: Option<String>,
    /// The question the study answers, printed first by `run` (optional).
    pub question: Option<String>,
    /// A file this study extends (relative to this one): it starts from that file's state on
    /// the day before `start` (see the module `scenario::extend`).
    pub extends: Option<String>,
    /// The variant of the extended file that is its history (default: its `history`).
    pub extends_variant: Option<String>,
    /// First simulated day, `YYYY-MM-DD`.
    pub start: String,
    /// Last simulated day, inclusive, `YYYY-MM-DD` (at most 36,600 days after `start`).
    pub end: String,
    /// Days at the start left out of the statistics (default 0).
    #[serde(default)]
    pub warmup_days: Option<i64>,
    /// Master seed of the random streams (default 42).
    pub seed: Option<u64>,
    /// Replications per variant when the command line gives none (default 10; at most
    /// 1,000,000) and `precision` is not set.
    pub replications: Option<i64>,
    /// When set, `run` without `-n` adds replications until every variant's P(total target)
    /// has a 95 % half-width of at most this (in (0, 0.5); needs a `[target]`).
    pub precision: Option<f64>,
    /// With `precision`: `run` stops after this many **seconds** even if some variant is not
    /// yet that precise (its report says how far it got).
    pub time_budget_s: Option<f64>,
    /// The variant that reproduces what happened: the one `calibrate` checks by default.
    pub history: Option<String>,
}

/// `[target]`: the turnover target of one year; P(target) is estimated against it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    /// The year whose turnover is compared with the target.
    pub year: i32,
    /// Target for exports plus imports, **million USD**.
    pub total_musd: f64,
    /// Target for exports, **million USD** (optional: no export target).
    pub export_musd: Option<f64>,
    /// Target for imports, **million USD** (optional: no import target).
    pub import_musd: Option<f64>,
    /// `A` (default: declared at this province's customs) or `B` (all goods crossing).
    pub basis: Option<String>,
    /// Gate ids whose turnover counts (default: all gates).
    pub gates: Option<Vec<String>>,
    /// Where the target comes from (free text).
    pub source: Option<String>,
}

/// `[demand]`: factors on every demand stream, by year, month and weekday.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDemand {
    /// Demand index by calendar year, e.g. `{ 2023 = 0.667, 2025 = 0.918 }`: it multiplies every
    /// `per_day`; years between listed ones are interpolated, years outside take the nearest.
    #[serde(default)]
    pub growth: BTreeMap<String, f64>,
    /// From this year on, demand grows as a trend rather than in a step each 1 January: each year's
    /// index holds on its 1 July, linear between (each year's mean stays its index).
    pub growth_trend_from: Option<i32>,
    /// 12 factors, January first, on export demand (default all 1).
    pub export_month_factor: Option<Vec<f64>>,
    /// 12 factors, January first, on import demand (default all 1).
    pub import_month_factor: Option<Vec<f64>>,
    /// 7 factors, Monday first, on all demand (default all 1).
    pub weekday_factor: Option<Vec<f64>>,
}

/// `[[classes]]`: a cargo class.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClass {
    /// Class id, e.g. `fresh_fruit`.
    pub id: String,
    /// Distribution of the shelf life, **days**: perishable cargo spoils while it waits, and its
    /// value counts as lost, not as turnover (default: durable).
    pub shelf_life_days: Option<RawDist>,
    /// Queue priority at stages with `discipline = "priority"`: 0 is served first (default 1).
    #[serde(default)]
    pub priority: Option<i64>,
}

/// `[[values]]`: the value of a vehicle's load, per direction and class.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawValue {
    /// `export` or `import`.
    pub direction: String,
    /// Class id.
    pub class: String,
    /// Distribution of the value of one vehicle's load, **USD** (basis B: all goods crossing).
    pub value_usd: RawDist,
    /// Probability that a load is declared at this province's customs and so counts in basis A
    /// (0–1).
    pub declared_here_share: f64,
}

/// A distribution, a table tagged by `dist`, e.g. `{ dist = "triangular", min = 5, mode = 10, max = 30 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    /// `constant` (`value`), `exponential` (`mean`), `uniform` (`min`, `max`), `triangular` (`min`,
    /// `mode`, `max`), `lognormal` (`mean`, `sd` of the variable itself), `gamma` (`shape`,
    /// `scale`) or `empirical` (`values`, `weights`).
    pub dist: String,
    /// The value of a `constant`.
    pub value: Option<f64>,
    /// Mean (`exponential`, `lognormal`).
    pub mean: Option<f64>,
    /// Standard deviation of the variable (`lognormal`).
    pub sd: Option<f64>,
    /// Lower end (`uniform`, `triangular`).
    pub min: Option<f64>,
    /// Most likely value (`triangular`).
    pub mode: Option<f64>,
    /// Upper end (`uniform`, `triangular`).
    pub max: Option<f64>,
    /// Shape k (`gamma`).
    pub shape: Option<f64>,
    /// Scale θ (`gamma`; mean k·θ).
    pub scale: Option<f64>,
    /// The possible values (`empirical`).
    pub values: Option<Vec<f64>>,
    /// Their relative weights, as many as `values` (`empirical`).
    pub weights: Option<Vec<f64>>,
}

/// `[[gates]]`: a border gate or rail station.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGate {
    /// Gate id, e.g. `huu_nghi`.
    pub id: String,
    /// Display name with diacritics (default: the id).
    pub name: Option<String>,
    /// Holding-yard places, **vehicles**: when the yard is full, arrivals wait on the road
    /// (default: unlimited).
    pub yard_capacity: Option<i64>,
    /// 24 relative arrival weights by hour of day (Hà Nội), mean 1 (default: uniform).
    pub hour_profile: Option<Vec<f64>>,
    /// A hand-set diversion rule (`[response]` is the behavioural alternative).
    pub diversion: Option<RawDiversion>,
    /// Demand streams: `{ direction, class, per_day, batch }`.
    #[serde(default)]
    pub demand: Vec<RawStream>,
    /// `[[gates.stages]]`: the stages of the gate.
    #[serde(default)]
    pub stages: Vec<RawStage>,
    /// `[[gates.routes]]`: the steps a vehicle takes, per direction.
    #[serde(default)]
    pub routes: Vec<RawRoute>,
}

/// `diversion` of a gate: above a queue threshold, a share of arrivals goes to another gate or leaves the province.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiversion {
    /// Vehicles waiting (road + yard + stage queues) above which diversion starts.
    pub threshold: i64,
    /// Share of arrivals diverted while above the threshold (0–1).
    pub share: f64,
    /// Gate id that takes diverted vehicles (default: all leave the province).
    pub to: Option<String>,
    /// Of the diverted, the share that leaves the province instead of going to `to` (default 0).
    #[serde(default)]
    pub leave_share: Option<f64>,
}

/// An item of a gate's `demand`: one stream of arrivals.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStream {
    /// `export` or `import`.
    pub direction: String,
    /// Class id.
    pub class: String,
    /// Mean arrivals, **vehicles/day** (before growth, month, weekday and change factors; at most
    /// 1,000,000).
    pub per_day: f64,
    /// Vehicles per arrival, e.g. wagons per train (default 1).
    pub batch: Option<i64>,
}

/// `[[gates.stages]]`: a stage of a gate (a queue with servers).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStage {
    /// Stage id, unique in its gate, e.g. `cn_customs`.
    pub id: String,
    /// Name shown in charts and tables, e.g. `Chinese customs` (default: made from the id,
    /// `cn_customs` → `CN customs`).
    pub name: Option<String>,
    /// Parallel servers (lanes, officers, bays): 1–100,000.
    pub servers: i64,
    /// `[open, close]`, hours of the day on the stage's clock, e.g. `[7, 19]` (default: always
    /// open).
    pub hours: Option<Vec<f64>>,
    /// The days it opens, e.g. `["mon", "tue", "wed", "thu", "fri"]` (default: every day).
    pub weekdays: Option<Vec<String>>,
    /// `"vn"` (Hà Nội, the default) or `"cn"` (Beijing = Hà Nội + 1 h), for `hours`.
    pub clock: Option<String>,
    /// `"fifo"` (the default) or `"priority"` (by the class `priority`, then arrival).
    pub discipline: Option<String>,
    /// Service-time distribution, **minutes** (give this or `channels`).
    pub service: Option<RawDist>,
    /// Risk channels, each `{ name, share, service }`, shares summing to 1 (instead of `service`).
    pub channels: Option<Vec<RawChannel>>,
    /// Completing this stage is customs clearance: turnover is counted here (one stage per route).
    #[serde(default)]
    pub clearance: bool,
    /// Most services started per day (an intake cap).
    pub daily_cap: Option<i64>,
    /// Most vehicles waiting; arrivals beyond it are turned away.
    pub queue_limit: Option<i64>,
}

/// An item of a stage's `channels`: a risk channel.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChannel {
    /// Channel name, e.g. `green`.
    pub name: String,
    /// Share of vehicles sent to this channel (0–1).
    pub share: f64,
    /// Service-time distribution in this channel, **minutes**.
    pub service: RawDist,
}

/// `[[gates.routes]]`: the steps of one direction through a gate.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    /// `export` or `import`.
    pub direction: String,
    /// Stage ids in order; a step may be a table `{ stage, classes, probability }` to apply only to
    /// some classes or with a probability.
    pub steps: Vec<RawStep>,
    /// A vehicle holds a yard place until it finishes this many steps (default 1 if the gate has a
    /// yard, else 0).
    #[serde(default)]
    pub yard_steps: Option<i64>,
}

/// A step: a bare stage id, or a table with conditions.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawStep {
    /// A stage id.
    Stage(String),
    /// A stage with conditions.
    Conditional(RawStepTable),
}

/// A route step written as a table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStepTable {
    /// Stage id.
    pub stage: String,
    /// Only vehicles of these class ids take this step.
    pub classes: Option<Vec<String>>,
    /// Share of the vehicles (of those classes) that take it (0–1).
    pub probability: Option<f64>,
}

/// `[[changes]]` and `[[variants.changes]]`: a dated change, tagged by `kind`; which value
/// fields apply depends on the kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChange {
    /// `add_servers` (`servers`), `set_servers` (`servers`), `scale_service` (`factor` on service
    /// times), `hours` (`hours`), `daily_cap` (`cap`), `remove_daily_cap`, `capacity` (`factor` on
    /// servers), `closure`, `weekdays` (`weekdays`), `yard` (`capacity`), `demand` (`factor`,
    /// optional `directions`, `classes`) or `value` (`factor` on the value per vehicle, optional
    /// `directions`, `classes`) or `transfer_bypass` (`share`, optional `directions`).
    pub kind: String,
    /// Free text: the source and reasoning.
    pub note: Option<String>,
    /// First day, `YYYY-MM-DD` (default: the horizon's start).
    pub from: Option<String>,
    /// Day it ends (exclusive), `YYYY-MM-DD` (default: never).
    pub to: Option<String>,
    /// Gate ids (default: all).
    pub gates: Option<Vec<String>>,
    /// Stage ids (the stage kinds; required for them except `capacity` and `closure`).
    pub stages: Option<Vec<String>>,
    /// Servers to add or set (`add_servers`, `set_servers`).
    pub servers: Option<i64>,
    /// Multiplier, 0–1,000 (`scale_service`, `capacity`, `demand`, `value`).
    pub factor: Option<f64>,
    /// `[open, close]` (`hours`).
    pub hours: Option<Vec<f64>>,
    /// Most services per day (`daily_cap`).
    pub cap: Option<i64>,
    /// Yard places, **vehicles** (`yard`).
    pub capacity: Option<i64>,
    /// `export` and/or `import` (`demand`, `value`; default: both).
    pub directions: Option<Vec<String>>,
    /// Class ids (`demand`, `value`; default: all).
    pub classes: Option<Vec<String>>,
    /// Share of loads that bypass the transfer, 0–1 (`transfer_bypass`).
    pub share: Option<f64>,
    /// The days the stages open (`weekdays`).
    pub weekdays: Option<Vec<String>>,
}

/// `[[variants]]`: one future to compare.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    /// Variant name, unique, e.g. `baseline`.
    pub name: String,
    /// What the variant is (shown in the report).
    pub description: Option<String>,
    /// `[[variants.changes]]`: its dated changes, on top of the base `[[changes]]`.
    #[serde(default)]
    pub changes: Vec<RawChange>,
    /// What it costs (optional: without it the variant is "cost unknown", never free).
    pub cost: Option<RawCost>,
}
