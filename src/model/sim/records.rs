//! What a replication writes down, and midnight: the day records (with the day's yard and
//! intake caps and the response update), month and year records, the warm-up reset and the
//! final record.

use super::*;

impl<'a, const PLAIN: bool> Sim<'a, PLAIN> {
    /// Closes the month that ends at `t`: its busy server-minutes per stage.
    pub(super) fn close_month(&mut self, t: f64) {
        for (s, st) in self.stages.iter().enumerate() {
            let total = self.busy_before_warmup[s] + st.busy.integral(t);
            self.busy_by_month.push(total - self.busy_at_month_start[s]);
            self.busy_at_month_start[s] = total;
        }
    }

    /// Writes the day just ended into `daily`, one record per gate, and starts the gates'
    /// counts of the next day.
    fn record_day(&mut self) {
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

    pub(super) fn on_day(&mut self, t: f64) {
        self.record_day();
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

    pub(super) fn on_warmup(&mut self, t: f64) {
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
    pub(super) fn close_year(&mut self, y: usize, t: f64) {
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

    pub(super) fn finish(mut self) -> RepRecord {
        let end = self.horizon;
        self.close_year(self.year, end);
        // the last day's record
        while self.daily.len() < self.model.days * self.gates.len() {
            self.record_day();
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
