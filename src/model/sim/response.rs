//! Gate choice and the demand's response to delay (`[response]`): what the dispatchers read
//! in the daily reports, and the share of each stream's trucks that still comes, and where.

use super::*;

/// Smoothing weight of one day in a gate's recent clearance rate (a 7-day exponential mean,
/// as a dispatcher reads the week's daily reports) [E].
const RATE_SMOOTHING: f64 = 1.0 / 7.0;

/// The state of `[response]`: predicted times per gate and direction, and per demand stream
/// the day's gate-choice probabilities and the share of demand that still comes.
#[derive(Clone)]
pub(super) struct ResponseState {
    /// θ after uncertain multipliers, **days**.
    pub(super) theta_days: f64,
    /// Weight of one day in the lagged delay: 1 − exp(−1 / lag).
    pub(super) lag_weight: f64,
    /// Loss of demand per day of delay, per class, after uncertain multipliers.
    pub(super) loss: Vec<f64>,
    /// Recent departures per day, per gate and direction (`None` before the first day ends).
    pub(super) rate: Vec<[Option<f64>; 2]>,
    /// Alternatives of each demand stream: the streams of the same direction and class at the
    /// choice gates (itself included), or itself alone.
    pub(super) alternatives: Vec<Vec<u32>>,
    /// Probability that a truck of the stream keeps its own gate today: its gate's logit share
    /// over its declared share, at most 1 (only as many trucks move as the shares require).
    pub(super) stay: Vec<f64>,
    /// Where the others go: cumulative shares over `alternatives` of each gate's logit share in
    /// excess of its declared share, per stream, for today.
    pub(super) excess: Vec<Vec<f64>>,
    /// Lagged predicted delay per stream, **days**.
    pub(super) delay: Vec<f64>,
    /// Share of each stream's demand that still comes today.
    pub(super) keep: Vec<f64>,
    /// Per stream: two uniforms per arrival event (keep, gate), always drawn, so that the
    /// variants' streams stay aligned (common random numbers).
    pub(super) rng: Vec<StreamRng>,
}

impl ResponseState {
    pub(super) fn new(
        model: &Model,
        resp: &Response,
        parameters: &[f64],
        variant: usize,
        seed: u64,
        rep: u64,
    ) -> Self {
        use crate::model::spec::UncertainKind;
        let (mut theta_h, mut lag, mut loss) =
            (resp.logit_scale_h, resp.lag_days, resp.loss_per_day.clone());
        for (u, &f) in model.uncertain.iter().zip(parameters) {
            if !u.in_variant(variant) {
                continue;
            }
            match u.kind {
                UncertainKind::LogitScale => theta_h *= f,
                UncertainKind::ResponseLag => lag *= f,
                UncertainKind::DelayLoss => {
                    for (k, x) in loss.iter_mut().enumerate() {
                        if u.classes == 0 || u.classes & (1 << k) != 0 {
                            *x = (*x * f).clamp(0.0, 0.999);
                        }
                    }
                }
                _ => {}
            }
        }
        let n = model.demand.len();
        let alternatives: Vec<Vec<u32>> = model
            .demand
            .iter()
            .enumerate()
            .map(|(i, st)| {
                if !resp.choice_gates.contains(&st.gate) {
                    return vec![i as u32];
                }
                model
                    .demand
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| {
                        o.direction == st.direction
                            && o.class == st.class
                            && resp.choice_gates.contains(&o.gate)
                    })
                    .map(|(j, _)| j as u32)
                    .collect()
            })
            .collect();
        ResponseState {
            theta_days: theta_h / 24.0,
            lag_weight: 1.0 - (-1.0 / lag.max(1e-9)).exp(),
            loss,
            rate: vec![[None; 2]; model.gates.len()],
            stay: vec![1.0; n],
            excess: alternatives.iter().map(|a| vec![1.0; a.len()]).collect(),
            alternatives,
            delay: vec![0.0; n],
            keep: vec![1.0; n],
            rng: (0..n)
                .map(|i| rng::stream(seed, rep, purpose::RESPONSE, i as u64))
                .collect(),
        }
    }

    /// Predicted time in gate `g` for direction `dir`, **days**: vehicles in the gate over its
    /// recent departures per day (at least one a day).
    pub(super) fn predicted(&self, in_gate: &[[u32; 2]], g: usize, dir: usize) -> f64 {
        in_gate[g][dir] as f64 / self.rate[g][dir].unwrap_or(0.0).max(1.0)
    }

    /// The day's update, from the daily reports: clearance rates, predicted times, choice
    /// probabilities (weights: each stream's declared demand `weight(j)` of the day,
    /// **vehicles/day**) and the lagged delay. `ended`: a day has ended (its departures
    /// count); false at the start, where the declared demand stands in for the recent
    /// clearance rate (an empty border has no history to report).
    pub(super) fn refresh(
        &mut self,
        model: &Model,
        in_gate: &[[u32; 2]],
        departed_today: &[[u32; 2]],
        class_of: impl Fn(usize) -> usize,
        weight: impl Fn(usize) -> f64,
        ended: bool,
    ) {
        if !ended {
            for (j, st) in model.demand.iter().enumerate() {
                let r = &mut self.rate[st.gate][st.direction as usize];
                *r = Some(r.unwrap_or(0.0) + weight(j));
            }
        } else {
            for (rate, today) in self.rate.iter_mut().zip(departed_today) {
                for dir in 0..2 {
                    let x = today[dir] as f64;
                    rate[dir] = Some(match rate[dir] {
                        Some(r) => r + RATE_SMOOTHING * (x - r),
                        None => x,
                    });
                }
            }
        }
        let theta = self.theta_days;
        // predicted time at each stream's gate and direction, days
        let times: Vec<f64> = model
            .demand
            .iter()
            .map(|st| self.predicted(in_gate, st.gate, st.direction as usize))
            .collect();
        let at = |j: u32| times[j as usize];
        for i in 0..self.alternatives.len() {
            let alts = &self.alternatives[i];
            // the expected predicted time over the choice: the logit's log-sum, relative to the
            // shortest, so that exp never overflows
            self.stay[i] = 1.0;
            let expected = if alts.len() == 1 {
                at(alts[0])
            } else {
                let shortest = alts.iter().map(|&j| at(j)).fold(f64::INFINITY, f64::min);
                let w: Vec<f64> = alts.iter().map(|&j| weight(j as usize)).collect();
                let x: Vec<f64> = alts
                    .iter()
                    .zip(&w)
                    .map(|(&j, w)| w * (-(at(j) - shortest) / theta).exp())
                    .collect();
                let (total_w, total) = (w.iter().sum::<f64>(), x.iter().sum::<f64>());
                if total > 0.0 && total_w > 0.0 {
                    // logit share p and declared share q of each alternative: a truck keeps
                    // its gate with probability min(1, p/q); the rest go where p > q, in
                    // proportion to p − q, so that each gate receives exactly its logit share
                    let own = alts.iter().position(|&j| j as usize == i).unwrap_or(0);
                    let (p_own, q_own) = (x[own] / total, w[own] / total_w);
                    self.stay[i] = if q_own > 0.0 {
                        (p_own / q_own).min(1.0)
                    } else {
                        0.0
                    };
                    let mut acc = 0.0;
                    for (k, (x, w)) in x.iter().zip(&w).enumerate() {
                        acc += (x / total - w / total_w).max(0.0);
                        self.excess[i][k] = acc;
                    }
                    if acc > 0.0 {
                        self.excess[i].iter_mut().for_each(|c| *c /= acc);
                    } else {
                        self.stay[i] = 1.0;
                    }
                    shortest - theta * (total / total_w).ln()
                } else {
                    // no alternative has demand today: arrivals keep their own gate
                    at(i as u32)
                }
            };
            self.delay[i] += self.lag_weight * (expected - self.delay[i]);
            self.keep[i] = (1.0 - self.loss[class_of(i)]).powf(self.delay[i]);
        }
    }
}

impl<'a, const PLAIN: bool> Sim<'a, PLAIN> {
    /// The daily reports reach the dispatchers: see [`ResponseState::refresh`].
    pub(super) fn refresh_response(&mut self, ended: bool) {
        let Some(mut r) = self.response.take() else {
            return;
        };
        let (d, model, streams) = (self.day, self.model, &self.streams);
        r.refresh(
            model,
            &self.in_gate,
            &self.departed_today,
            |i| model.demand[i].class,
            |j| {
                let st = &streams[j];
                st.per_min_by_day.get(d).copied().unwrap_or(0.0) * st.batch as f64 * MINUTES_PER_DAY
            },
            ended,
        );
        self.response = Some(r);
    }
}
