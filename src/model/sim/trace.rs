//! One replication's vehicles stage by stage, for analysts (`run --trace`): a row per
//! vehicle per stage whose queue it joined inside a window of time.

/// How a vehicle's visit to a stage ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceOutcome {
    /// Served to the end.
    Served,
    /// Turned away at a full line (`queue_limit`).
    Blocked,
    /// Its load spoiled while it waited; it left.
    Spoiled,
}

impl TraceOutcome {
    /// The word written in the trace file.
    pub fn as_str(self) -> &'static str {
        match self {
            TraceOutcome::Served => "served",
            TraceOutcome::Blocked => "blocked",
            TraceOutcome::Spoiled => "spoiled",
        }
    }
}

/// One vehicle at one stage; times in **minutes** since the horizon's start.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceRow {
    /// The vehicle's number in its replication, in order of arrival (0 first).
    pub vehicle: u64,
    /// Gate index (`Model::gates`).
    pub gate: usize,
    /// Cargo class index (`Model::classes`).
    pub class: usize,
    /// Direction (`Direction as usize`: 0 export, 1 import).
    pub direction: usize,
    /// Stage index (`Model::stages`).
    pub stage: usize,
    /// When it joined the stage's queue, **minutes**.
    pub queue_enter: f64,
    /// When its service started, **minutes** (`None`: it never started).
    pub start: Option<f64>,
    /// When it left the stage, **minutes**.
    pub end: f64,
    /// How the visit ended.
    pub outcome: TraceOutcome,
}

/// What a traced replication gives: its rows, or how many it would have had once the bound
/// was passed.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// Rows in order of leaving the stage (a vehicle still at a stage at the horizon has no
    /// row for it).
    pub rows: Vec<TraceRow>,
    /// True when the window held more rows than the bound: `rows` stops at the bound.
    pub truncated: bool,
}

/// Collects rows during one replication.
#[derive(Debug, Clone)]
pub(super) struct Tracer {
    /// Window `[from, to)` of queue-joining times, **minutes**.
    from: f64,
    to: f64,
    max_rows: usize,
    /// Vehicle number of each vehicle slot.
    serial: Vec<u64>,
    next: u64,
    pub(super) rows: Vec<TraceRow>,
    pub(super) truncated: bool,
}

impl Tracer {
    pub(super) fn new(from: f64, to: f64, max_rows: usize) -> Self {
        Tracer {
            from,
            to,
            max_rows,
            serial: Vec::new(),
            next: 0,
            rows: Vec::new(),
            truncated: false,
        }
    }

    /// A vehicle arrived in slot `v`: it gets the next number.
    pub(super) fn born(&mut self, v: u32) {
        let v = v as usize;
        if self.serial.len() <= v {
            self.serial.resize(v + 1, 0);
        }
        self.serial[v] = self.next;
        self.next += 1;
    }

    /// The vehicle number of slot `v`.
    pub(super) fn vehicle(&self, v: u32) -> u64 {
        self.serial.get(v as usize).copied().unwrap_or(u64::MAX)
    }

    /// Keeps `row` if it joined its queue inside the window and the bound allows.
    pub(super) fn push(&mut self, row: TraceRow) {
        if row.queue_enter < self.from || row.queue_enter >= self.to {
            return;
        }
        if self.rows.len() >= self.max_rows {
            self.truncated = true;
            return;
        }
        self.rows.push(row);
    }
}
