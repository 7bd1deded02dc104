//! Transfers between the two fleets: loads meet empty vehicles of the other side.

use super::*;

impl<'a, const PLAIN: bool> Sim<'a, PLAIN> {
    /// Load `v` reaches transfer `k`: it crosses without it (bypass), or is matched with a
    /// waiting empty vehicle and goes on to the transfer stage, or waits for one.
    pub(super) fn meet(&mut self, v: u32, k: usize, t: f64) {
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
    pub(super) fn empty_arrives(&mut self, k: usize, t: f64) {
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
    pub(super) fn schedule_next_empty(&mut self, k: usize, t: f64) {
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

    /// After transfer stage `s`, the vehicle that brought load `v` is free: it may come back
    /// empty for the opposite direction's transfer at the gate (a return trip).
    pub(super) fn freed(&mut self, s: usize, v: u32, t: f64) {
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
}
