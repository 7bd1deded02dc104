//! Setting up one replication: the per-day tables, random streams and state of every stage,
//! gate, demand stream and transfer.

use super::*;

impl<'a, const PLAIN: bool> Sim<'a, PLAIN> {
    pub(super) fn new(
        model: &'a Model,
        plan: &'a Plan,
        seed: u64,
        rep: u64,
        parameters: Vec<f64>,
    ) -> Self {
        use crate::model::spec::UncertainKind;
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
}
