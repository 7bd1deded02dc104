//! Capacity that follows a schedule: a piecewise-constant number of servers over time.
//!
//! A schedule is a list of change points `(time in minutes, servers from then on)` built once
//! per model (opening hours, weekly pattern, dated closures and dated changes all reduce to
//! change points) and shared read-only by every replication. The model walks it with one
//! event per change point.

use super::{EngineError, MINUTES_PER_DAY};

/// One day's plan: `servers` are available from `open` to `close` (minutes after midnight,
/// `0 ≤ open ≤ close ≤ 1440`) and none outside.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayPlan {
    /// Servers while open.
    pub servers: u32,
    /// Opening time, minutes after midnight.
    pub open: f64,
    /// Closing time, minutes after midnight.
    pub close: f64,
}

impl DayPlan {
    /// Open all day with `servers`.
    pub fn all_day(servers: u32) -> Self {
        Self {
            servers,
            open: 0.0,
            close: MINUTES_PER_DAY,
        }
    }
    /// Closed all day.
    pub fn closed() -> Self {
        Self {
            servers: 0,
            open: 0.0,
            close: 0.0,
        }
    }
}

/// Piecewise-constant capacity: `initial` servers until the first change point.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacitySchedule {
    initial: u32,
    changes: Vec<(f64, u32)>,
}

impl CapacitySchedule {
    /// A constant capacity.
    pub fn constant(servers: u32) -> Self {
        Self {
            initial: servers,
            changes: Vec::new(),
        }
    }

    /// From explicit change points, strictly increasing in time.
    pub fn from_changes(initial: u32, changes: Vec<(f64, u32)>) -> Result<Self, EngineError> {
        for (i, w) in changes.windows(2).enumerate() {
            if w[1].0 <= w[0].0 {
                return Err(EngineError::UnorderedSchedule(i + 1));
            }
        }
        for &(t, _) in &changes {
            super::time::check_time(t)?;
        }
        Ok(Self { initial, changes })
    }

    /// From one [`DayPlan`] per day for `days` days (day 0 starts at t = 0). Consecutive equal
    /// capacities are merged, so a 24/7 plan yields no change points at all.
    pub fn from_days(days: usize, mut plan: impl FnMut(usize) -> DayPlan) -> Self {
        let mut changes: Vec<(f64, u32)> = Vec::new();
        let mut initial = None;
        let mut current = u32::MAX;
        let mut push = |t: f64, c: u32, changes: &mut Vec<(f64, u32)>| {
            if initial.is_none() {
                initial = Some(c);
                current = c;
            } else if c != current {
                changes.push((t, c));
                current = c;
            }
        };
        for d in 0..days {
            let p = plan(d);
            let base = d as f64 * MINUTES_PER_DAY;
            let open = p.open.clamp(0.0, MINUTES_PER_DAY);
            let close = p.close.clamp(open, MINUTES_PER_DAY);
            if p.servers == 0 || close <= open {
                push(base, 0, &mut changes);
                continue;
            }
            push(base, if open <= 0.0 { p.servers } else { 0 }, &mut changes);
            if open > 0.0 {
                push(base + open, p.servers, &mut changes);
            }
            if close < MINUTES_PER_DAY {
                push(base + close, 0, &mut changes);
            }
        }
        Self {
            initial: initial.unwrap_or(0),
            changes,
        }
    }

    /// Servers at time 0.
    pub fn initial(&self) -> u32 {
        self.initial
    }

    /// The change points `(time, servers)`.
    pub fn changes(&self) -> &[(f64, u32)] {
        &self.changes
    }

    /// Servers available at time `t` (minutes).
    pub fn at(&self, t: f64) -> u32 {
        let i = self.changes.partition_point(|&(ct, _)| ct <= t);
        if i == 0 {
            self.initial
        } else {
            self.changes[i - 1].1
        }
    }

    /// Server-minutes available in `[from, to)`.
    pub fn server_minutes(&self, from: f64, to: f64) -> f64 {
        let mut total = 0.0;
        let mut t = from;
        let mut cap = self.at(from);
        let start = self.changes.partition_point(|&(ct, _)| ct <= from);
        for &(ct, c) in &self.changes[start..] {
            if ct >= to {
                break;
            }
            total += cap as f64 * (ct - t);
            t = ct;
            cap = c;
        }
        total + cap as f64 * (to - t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_hours_become_change_points() {
        // open 07:00-20:00 with 3 servers on weekdays 0..2, closed on day 2
        let s = CapacitySchedule::from_days(3, |d| {
            if d == 2 {
                DayPlan::closed()
            } else {
                DayPlan {
                    servers: 3,
                    open: 420.0,
                    close: 1200.0,
                }
            }
        });
        assert_eq!(s.initial(), 0);
        assert_eq!(s.at(419.9), 0);
        assert_eq!(s.at(420.0), 3);
        assert_eq!(s.at(1199.0), 3);
        assert_eq!(s.at(1200.0), 0);
        assert_eq!(s.at(1440.0 + 500.0), 3);
        assert_eq!(s.at(2.0 * 1440.0 + 500.0), 0);
        assert_eq!(s.server_minutes(0.0, 3.0 * 1440.0), 2.0 * 3.0 * 780.0);
    }

    #[test]
    fn all_day_plans_merge_into_a_constant() {
        let s = CapacitySchedule::from_days(10, |_| DayPlan::all_day(4));
        assert_eq!(s.initial(), 4);
        assert!(s.changes().is_empty());
    }

    #[test]
    fn unordered_change_points_are_rejected() {
        assert!(CapacitySchedule::from_changes(1, vec![(5.0, 2), (5.0, 3)]).is_err());
        assert!(CapacitySchedule::from_changes(1, vec![(f64::NAN, 2)]).is_err());
    }
}
