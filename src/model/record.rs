//! What one replication reports: flat per-year, per-gate, per-stage and per-day records.
//! The model only emits these; statistics over replications live in `stats` and `montecarlo`.

/// One calendar year of one replication.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct YearRecord {
    /// Calendar year.
    pub year: i32,
    /// Basis A (declared at Lạng Sơn) turnover, **USD**, `[export, import]`.
    pub turnover_a_usd: [f64; 2],
    /// Basis B (all goods crossing) turnover, **USD**, `[export, import]`.
    pub turnover_b_usd: [f64; 2],
    /// Basis A turnover per gate (both directions), **USD**, in gate order.
    #[serde(default)]
    pub turnover_a_by_gate_usd: Vec<f64>,
    /// Turnover per gate, `[basis A, basis B][export, import]`, **USD**, in gate order.
    #[serde(default)]
    pub turnover_by_gate_usd: Vec<[[f64; 2]; 2]>,
    /// Vehicles whose Vietnamese customs clearance completed this year.
    pub cleared: u64,
    /// The same, per direction: `[export, import]`.
    #[serde(default)]
    pub cleared_by_direction: [u64; 2],
    /// Value lost to spoilage, **USD** (basis B).
    pub spoiled_usd: f64,
    /// Vehicles whose cargo spoiled while waiting.
    pub spoiled: u64,
    /// Vehicles that gave up on a congested gate and left the province.
    pub left_province: u64,
    /// Vehicles sent on to another gate of the province.
    pub redirected: u64,
    /// Vehicles that arrived.
    pub arrivals: u64,
    /// Median time from arrival to departure of vehicles departing this year, **minutes**.
    pub time_in_system_p50_min: Option<f64>,
    /// 95th percentile of the same, **minutes**.
    #[serde(default)]
    pub time_in_system_p95_min: Option<f64>,
    /// Per stage (in `Model::stages` order), what it did this year.
    #[serde(default)]
    pub stages: Vec<StageYearRecord>,
    /// Per gate, the vehicles that left it this year.
    #[serde(default)]
    pub gates: Vec<GateYearRecord>,
}

/// The vehicles that left one gate in one calendar year (arrived after warm-up).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GateYearRecord {
    /// Vehicles that left.
    pub departed: u64,
    /// Their time from arrival to departure summed, **minutes**.
    pub time_in_system_min: f64,
}

/// One stage over one calendar year: waiting recorded after warm-up, busy time throughout.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StageYearRecord {
    /// Vehicles that started service this year.
    pub served: u64,
    /// Their waiting summed, **minutes**.
    pub wait_min: f64,
    /// Busy server-minutes this year, **minutes**.
    pub busy_min: f64,
}

/// One gate over the horizon (after warm-up for times and queues).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GateRecord {
    /// Vehicles cleared by Vietnamese customs over the whole horizon.
    pub cleared: u64,
    /// Mean time from arrival to departure, **minutes** (`None` if none departed).
    pub time_in_system_mean: Option<f64>,
    /// 95th percentile of time in system, **minutes**.
    pub time_in_system_p95: Option<f64>,
    /// Most vehicles waiting at once (road + yard queues).
    pub max_queue: f64,
    /// Most vehicles waiting on the road at once (yard full).
    pub max_road_queue: f64,
    /// Time-average vehicles waiting.
    pub mean_queue: f64,
    /// Vehicles that departed.
    pub departed: u64,
}

/// One stage over the horizon (after warm-up).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StageRecord {
    /// Services started.
    pub served: u64,
    /// Mean wait before service, **minutes** (`None` if none served).
    pub wait_mean: Option<f64>,
    /// 95th percentile of the wait, **minutes**.
    pub wait_p95: Option<f64>,
    /// Share of served vehicles that waited at all.
    pub p_wait: Option<f64>,
    /// Busy server-time / available server-time (0..1).
    pub utilization: Option<f64>,
    /// Time-average vehicles waiting.
    pub mean_queue: f64,
    /// Time-average vehicles in service.
    pub mean_busy: f64,
    /// Arrivals per minute (including blocked ones).
    pub arrival_rate: f64,
    /// Arrivals turned away because the queue was full.
    pub blocked: u64,
    /// Arrivals.
    pub arrivals: u64,
    /// Server-minutes spent serving (after warm-up), **minutes**.
    #[serde(default)]
    pub busy_minutes: f64,
}

/// A gate's day: vehicles cleared that day and waiting at midnight.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DayRecord {
    /// Cleared by Vietnamese customs that day.
    pub cleared: u32,
    /// Waiting (road + queues) at the end of the day.
    pub queue: u32,
    /// Vehicles in the gate (waiting or in service) at the end of the day, export and
    /// import; counted only where the model needs them (`[response]`, a `queue` figure with
    /// a direction), else 0.
    pub in_gate: [u32; 2],
}

/// Everything one replication of one variant reports.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RepRecord {
    /// Replication index.
    pub replication: u64,
    /// Per calendar year.
    pub years: Vec<YearRecord>,
    /// Per gate.
    pub gates: Vec<GateRecord>,
    /// Per stage.
    pub stages: Vec<StageRecord>,
    /// Per day, then per gate: `daily[day * gates + gate]`.
    pub daily: Vec<DayRecord>,
    /// Counted events: arrivals + service starts + service ends.
    pub events: u64,
    /// Vehicles still in the system at the horizon.
    pub in_system_at_end: u64,
    /// The uncertain parameters drawn for this replication, in scenario order.
    pub parameters: Vec<f64>,
    /// Server-minutes spent serving per calendar month and stage (warm-up included):
    /// `busy_by_month[month * stages + stage]`, months as in `Model::month_starts`.
    #[serde(default)]
    pub busy_by_month: Vec<f64>,
    /// Per transfer (`Model::transfers`), over the whole horizon.
    #[serde(default)]
    pub transfers: Vec<TransferRecord>,
}

/// One transfer between the two fleets over the whole horizon (warm-up included).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TransferRecord {
    /// Loads that reached the transfer.
    pub loads: u64,
    /// Loads that crossed without it (two-way transport, direct trucking).
    pub bypassed: u64,
    /// Loads matched with an empty vehicle.
    pub matched: u64,
    /// Mean wait of a matched load for an empty vehicle, **minutes** (`None`: none matched).
    pub load_wait_mean_min: Option<f64>,
    /// Time-average loads waiting for an empty vehicle.
    pub loads_waiting_mean: f64,
    /// Empty vehicles that arrived (from outside and as returns).
    pub empties_arrived: u64,
    /// Empty vehicles turned away: no waiting place.
    pub empties_refused: u64,
    /// Empty vehicles that left unmatched after their patience.
    pub empties_reneged: u64,
    /// Time-average empty vehicles waiting.
    pub empties_waiting_mean: f64,
    /// Time-average empty vehicles waiting in each calendar year, in year order.
    pub empties_waiting_by_year: Vec<f64>,
}

/// A figure and its split by direction: the total, the export part and the import part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Split<T> {
    /// Both directions together.
    pub total: T,
    /// Việt Nam → China.
    pub export: T,
    /// China → Việt Nam.
    pub import: T,
}

impl<T: Copy> Split<T> {
    /// The total (`None`) or one direction's part.
    pub fn part(&self, direction: Option<super::spec::Direction>) -> T {
        match direction {
            None => self.total,
            Some(super::spec::Direction::Export) => self.export,
            Some(super::spec::Direction::Import) => self.import,
        }
    }
}

impl RepRecord {
    /// Basis-A turnover in year index `y`, **million USD**.
    pub fn turnover_a_musd(&self, y: usize) -> Split<f64> {
        let t = self.years[y].turnover_a_usd;
        Split {
            total: (t[0] + t[1]) / 1e6,
            export: t[0] / 1e6,
            import: t[1] / 1e6,
        }
    }

    /// The turnover a target counts in year index `y` (its basis, its gates), **million USD**.
    pub fn target_turnover_musd(&self, target: &super::spec::Target, y: usize) -> Split<f64> {
        if !target.basis_b && target.gates.is_empty() {
            return self.turnover_a_musd(y);
        }
        let yr = &self.years[y];
        let basis = usize::from(target.basis_b);
        let [e, i] = if target.gates.is_empty() {
            if target.basis_b {
                yr.turnover_b_usd
            } else {
                yr.turnover_a_usd
            }
        } else {
            target.gates.iter().fold([0.0, 0.0], |acc, &g| {
                let t = yr
                    .turnover_by_gate_usd
                    .get(g)
                    .map_or([0.0; 2], |x| x[basis]);
                [acc[0] + t[0], acc[1] + t[1]]
            })
        };
        Split {
            total: (e + i) / 1e6,
            export: e / 1e6,
            import: i / 1e6,
        }
    }

    /// Whether the target is reached in year index `y`; a direction without a target counts
    /// as not reached (its P is reported as none, see `report::summary`).
    pub fn reached(&self, target: &super::spec::Target, y: usize) -> Split<bool> {
        let a = self.target_turnover_musd(target, y);
        Split {
            total: a.total >= target.total_musd,
            export: target.export_musd.is_some_and(|t| a.export >= t),
            import: target.import_musd.is_some_and(|t| a.import >= t),
        }
    }
}
