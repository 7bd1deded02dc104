//! The scenario file as written: serde types that mirror the TOML, unknown keys rejected.
//! Nothing here is checked beyond types; see `validate`.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub scenario: RawHeader,
    pub target: Option<RawTarget>,
    #[serde(default)]
    pub demand: RawDemand,
    #[serde(default)]
    pub classes: Vec<RawClass>,
    #[serde(default)]
    pub values: Vec<RawValue>,
    #[serde(default)]
    pub gates: Vec<RawGate>,
    #[serde(default)]
    pub changes: Vec<RawChange>,
    #[serde(default)]
    pub variants: Vec<RawVariant>,
    #[serde(default)]
    pub uncertain: Vec<RawUncertain>,
    #[serde(default)]
    pub observed: Vec<RawObserved>,
    pub response: Option<RawResponse>,
    #[serde(default)]
    pub fit: Vec<RawFit>,
}

/// `[response]`: gate choice by predicted time and demand that responds to delay.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResponse {
    #[serde(default)]
    pub gates: Vec<String>,
    pub logit_scale_hours: Option<f64>,
    pub lag_days: f64,
    pub loss_per_day: f64,
    #[serde(default)]
    pub loss_per_day_by_class: BTreeMap<String, f64>,
    pub note: Option<String>,
}

/// A calibration multiplier fitted by `borderflow calibrate --fit` to `use = "fit"` figures.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFit {
    pub name: String,
    pub kind: String,
    pub note: Option<String>,
    pub range: Vec<f64>,
    pub value: f64,
    pub against: Vec<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub gates: Option<Vec<String>>,
    pub stages: Option<Vec<String>>,
    pub directions: Option<Vec<String>>,
    pub classes: Option<Vec<String>>,
}

/// An observed figure the model should reproduce (`borderflow calibrate`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObserved {
    pub name: String,
    pub figure: String,
    pub value: f64,
    pub source: String,
    pub gates: Option<Vec<String>>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub date: Option<String>,
    pub year: Option<i32>,
    pub direction: Option<String>,
    pub tolerance: Option<f64>,
    pub factor: Option<f64>,
    /// `"fit"` or `"check"` (default).
    #[serde(rename = "use")]
    pub usage: Option<String>,
}

/// A parameter we do not know: a multiplier drawn once per replication.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUncertain {
    pub name: String,
    pub kind: String,
    pub note: Option<String>,
    pub factor: RawDist,
    pub from: Option<String>,
    pub to: Option<String>,
    pub gates: Option<Vec<String>>,
    pub stages: Option<Vec<String>>,
    pub directions: Option<Vec<String>>,
    pub classes: Option<Vec<String>>,
    pub variants: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    pub name: String,
    pub description: Option<String>,
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub warmup_days: Option<i64>,
    pub seed: Option<u64>,
    pub replications: Option<i64>,
    /// The variant that reproduces what happened: the one `calibrate` checks by default.
    pub history: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    pub year: i32,
    pub total_musd: f64,
    pub export_musd: f64,
    pub import_musd: f64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDemand {
    #[serde(default)]
    pub growth: BTreeMap<String, f64>,
    pub growth_trend_from: Option<i32>,
    pub export_month_factor: Option<Vec<f64>>,
    pub import_month_factor: Option<Vec<f64>>,
    pub weekday_factor: Option<Vec<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClass {
    pub id: String,
    pub shelf_life_days: Option<RawDist>,
    #[serde(default)]
    pub priority: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawValue {
    pub direction: String,
    pub class: String,
    pub value_usd: RawDist,
    pub declared_here_share: f64,
}

/// A distribution, tagged by `dist`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    pub dist: String,
    pub value: Option<f64>,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub min: Option<f64>,
    pub mode: Option<f64>,
    pub max: Option<f64>,
    pub shape: Option<f64>,
    pub scale: Option<f64>,
    pub values: Option<Vec<f64>>,
    pub weights: Option<Vec<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGate {
    pub id: String,
    pub name: Option<String>,
    pub yard_capacity: Option<i64>,
    pub hour_profile: Option<Vec<f64>>,
    pub diversion: Option<RawDiversion>,
    #[serde(default)]
    pub demand: Vec<RawStream>,
    #[serde(default)]
    pub stages: Vec<RawStage>,
    #[serde(default)]
    pub routes: Vec<RawRoute>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiversion {
    pub threshold: i64,
    pub share: f64,
    pub to: Option<String>,
    #[serde(default)]
    pub leave_share: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStream {
    pub direction: String,
    pub class: String,
    pub per_day: f64,
    pub batch: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStage {
    pub id: String,
    pub servers: i64,
    pub hours: Option<Vec<f64>>,
    pub weekdays: Option<Vec<String>>,
    pub clock: Option<String>,
    pub discipline: Option<String>,
    pub service: Option<RawDist>,
    pub channels: Option<Vec<RawChannel>>,
    #[serde(default)]
    pub clearance: bool,
    pub daily_cap: Option<i64>,
    pub queue_limit: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChannel {
    pub name: String,
    pub share: f64,
    pub service: RawDist,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    pub direction: String,
    pub steps: Vec<RawStep>,
    #[serde(default)]
    pub yard_steps: Option<i64>,
}

/// A step: a bare stage id, or a table with conditions.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawStep {
    Stage(String),
    Conditional(RawStepTable),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStepTable {
    pub stage: String,
    pub classes: Option<Vec<String>>,
    pub probability: Option<f64>,
}

/// A dated change, tagged by `kind`; which value fields apply depends on the kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChange {
    pub kind: String,
    pub note: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub gates: Option<Vec<String>>,
    pub stages: Option<Vec<String>>,
    pub servers: Option<i64>,
    pub factor: Option<f64>,
    pub hours: Option<Vec<f64>>,
    pub cap: Option<i64>,
    pub capacity: Option<i64>,
    pub directions: Option<Vec<String>>,
    pub classes: Option<Vec<String>>,
    pub weekdays: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    pub name: String,
    pub description: Option<String>,
    #[serde(default)]
    pub changes: Vec<RawChange>,
}
