//! A variant's plan: the base model with the variant's dated changes resolved into per-day
//! tables (capacity schedules, service-time factors, intake caps, yard sizes, demand rates).
//! Built once per variant and shared read-only by its replications.

use super::spec::{ChangeKind, Direction, Model};
use crate::engine::CapacitySchedule;
use crate::engine::schedule::DayPlan;

/// Per-day tables of one variant.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Index of the variant in the model.
    pub variant: usize,
    /// Servers over time, per stage.
    pub schedules: Vec<CapacitySchedule>,
    /// Service-time factor per stage per day (empty: always 1).
    pub service_scale: Vec<Vec<f64>>,
    /// Intake cap per stage per day (empty: no cap; `u32::MAX`: no cap that day).
    pub daily_cap: Vec<Vec<u32>>,
    /// Yard places per gate per day (`u32::MAX`: unlimited).
    pub yard_cap: Vec<Vec<u32>>,
    /// Expected vehicles per day, per demand stream per day.
    pub rate: Vec<Vec<f64>>,
    /// Value-per-vehicle factor of `value` changes, per demand stream per day (empty: 1).
    pub value_scale: Vec<Vec<f64>>,
    /// Route index for `[gate][direction]`.
    pub route_of: Vec<[Option<usize>; 2]>,
    /// Index into `years` of each day.
    pub year_of_day: Vec<u16>,
    /// Calendar years of the horizon.
    pub years: Vec<i32>,
    /// Share of loads bypassing each transfer (`Model::transfers`), per day.
    pub bypass: Vec<Vec<f64>>,
}

impl Plan {
    /// Resolves variant `variant` of `model`.
    pub fn new(model: &Model, variant: usize) -> Plan {
        let days = model.days;
        let changes: Vec<_> = model
            .changes
            .iter()
            .chain(&model.variants[variant].changes)
            .collect();
        let dates: Vec<_> = (0..days).map(|d| model.date_of_day(d)).collect();
        let years = model.years();
        let year_of_day = dates.iter().map(|dt| (dt.year - years[0]) as u16).collect();

        let mut schedules = Vec::with_capacity(model.stages.len());
        let mut service_scale = Vec::with_capacity(model.stages.len());
        let mut daily_cap = Vec::with_capacity(model.stages.len());
        for (s, stage) in model.stages.iter().enumerate() {
            let mine: Vec<_> = changes.iter().filter(|c| c.stages.contains(&s)).collect();
            let mut scale = vec![1.0; days];
            let mut cap = vec![stage.daily_cap.unwrap_or(u32::MAX); days];
            let schedule = CapacitySchedule::from_days(days, |d| {
                let mut servers = stage.servers as i64;
                let mut hours = stage.hours;
                let mut weekdays = stage.weekdays;
                let mut factor = 1.0;
                for c in mine.iter().filter(|c| c.active(d)) {
                    match &c.kind {
                        ChangeKind::AddServers(n) => servers += *n as i64,
                        ChangeKind::SetServers(n) => servers = *n as i64,
                        ChangeKind::ScaleService(f) => scale[d] *= f,
                        ChangeKind::Hours(h) => hours = *h,
                        ChangeKind::DailyCap(c) => cap[d] = c.unwrap_or(u32::MAX),
                        ChangeKind::Capacity(f) => factor *= f,
                        ChangeKind::Weekdays(w) => weekdays = *w,
                        ChangeKind::Yard(_)
                        | ChangeKind::Demand { .. }
                        | ChangeKind::Value { .. }
                        | ChangeKind::Bypass { .. } => {}
                    }
                }
                if !weekdays[dates[d].weekday()] {
                    return DayPlan::closed();
                }
                let servers = ((servers.max(0) as f64) * factor).round() as u32;
                if hours.open <= 0.0 && hours.close >= 24.0 {
                    return DayPlan::all_day(servers);
                }
                let offset = stage.clock_offset_h * 60.0;
                DayPlan {
                    servers,
                    open: hours.open * 60.0 - offset,
                    close: hours.close * 60.0 - offset,
                }
            });
            schedules.push(schedule);
            service_scale.push(if scale.iter().all(|&x| x == 1.0) {
                Vec::new()
            } else {
                scale
            });
            daily_cap.push(if cap.iter().all(|&x| x == u32::MAX) {
                Vec::new()
            } else {
                cap
            });
        }

        let yard_cap = (0..model.gates.len())
            .map(|g| {
                let base = model.gates[g].yard_capacity.unwrap_or(u32::MAX);
                (0..days)
                    .map(|d| {
                        changes
                            .iter()
                            .filter(|c| c.active(d) && c.gates.contains(&g))
                            .fold(base, |cap, c| match c.kind {
                                ChangeKind::Yard(n) => n,
                                _ => cap,
                            })
                    })
                    .collect()
            })
            .collect();

        // demand and value changes select streams the same way: gate, direction, class
        let stream_changes = |is_kind: fn(&ChangeKind) -> Option<(f64, u8, u64)>| {
            model
                .demand
                .iter()
                .map(|st| {
                    let mine: Vec<(usize, usize, f64)> = changes
                        .iter()
                        .filter(|c| c.gates.contains(&st.gate))
                        .filter_map(|c| {
                            let (factor, directions, classes) = is_kind(&c.kind)?;
                            let dir_ok = directions & (1 << st.direction as u8) != 0;
                            let class_ok = classes == 0 || classes & (1 << st.class) != 0;
                            (dir_ok && class_ok).then_some((c.from_day, c.to_day, factor))
                        })
                        .collect();
                    mine
                })
                .collect::<Vec<_>>()
        };
        // factors in change order, multiplied onto `base` one by one
        let apply = |base: f64, mine: &[(usize, usize, f64)], d: usize| {
            mine.iter()
                .filter(|&&(from, to, _)| d >= from && d < to)
                .fold(base, |r, &(_, _, x)| r * x)
        };
        let demand_changes = stream_changes(|k| match *k {
            ChangeKind::Demand {
                factor,
                directions,
                classes,
            } => Some((factor, directions, classes)),
            _ => None,
        });
        let rate = model
            .demand
            .iter()
            .zip(&demand_changes)
            .map(|(st, mine)| {
                (0..days)
                    .map(|d| {
                        let dt = dates[d];
                        let base = st.per_day
                            * model.growth_on(dt)
                            * model.month_factor[st.direction as usize][dt.month as usize - 1]
                            * model.weekday_factor[dt.weekday()];
                        apply(base, mine, d)
                    })
                    .collect()
            })
            .collect();
        let value_scale = stream_changes(|k| match *k {
            ChangeKind::Value {
                factor,
                directions,
                classes,
            } => Some((factor, directions, classes)),
            _ => None,
        })
        .iter()
        .map(|mine| {
            if mine.is_empty() {
                Vec::new()
            } else {
                (0..days).map(|d| apply(1.0, mine, d)).collect()
            }
        })
        .collect();

        // the share of loads bypassing each transfer: its own, then the latest change's
        let bypass = model
            .transfers
            .iter()
            .map(|tr| {
                let bit = 1u8 << tr.direction as u8;
                (0..days)
                    .map(|d| {
                        changes
                            .iter()
                            .filter(|c| c.active(d) && c.gates.contains(&tr.gate))
                            .fold(tr.bypass, |share, c| match c.kind {
                                ChangeKind::Bypass {
                                    share: s,
                                    directions,
                                } if directions & bit != 0 => s,
                                _ => share,
                            })
                    })
                    .collect()
            })
            .collect();

        let mut route_of = vec![[None, None]; model.gates.len()];
        for (i, r) in model.routes.iter().enumerate() {
            route_of[r.gate][r.direction as usize] = Some(i);
        }
        Plan {
            variant,
            schedules,
            service_scale,
            daily_cap,
            yard_cap,
            rate,
            value_scale,
            route_of,
            bypass,
            year_of_day,
            years,
        }
    }

    /// Vehicles expected over the horizon, all demand streams, before uncertain multipliers.
    pub fn expected_vehicles(&self) -> f64 {
        self.rate.iter().map(|r| r.iter().sum::<f64>()).sum()
    }

    /// Route of `gate` for `direction`, if it has one.
    pub fn route(&self, gate: usize, direction: Direction) -> Option<usize> {
        self.route_of[gate][direction as usize]
    }
}
