//! Which variants may run in the copy of the simulation compiled without the checks of
//! the optional features.

use super::*;

/// True when the variant uses none of the features that the event handlers otherwise check
/// on every vehicle: diversion, holding yards, steps for some classes or with a probability,
/// perishable loads, queue limits, priority lines, intake caps and service-time factors
/// (dated or uncertain). Such a model runs in a copy of the simulation compiled without those
/// checks (`Sim<true>`); it draws the same random numbers and gives the same results.
///
/// Every field of a gate, route, step, class and stage is named below (no `..`): a new field
/// does not compile here until someone decides whether the plain copy may ignore it.
pub fn is_plain(model: &Model, plan: &Plan) -> bool {
    use crate::model::spec::{CargoClass, Gate, Route, Step, UncertainKind};
    let gate_plain = |g: &Gate| {
        let Gate {
            id: _,
            name: _,
            yard_capacity: _, // read only by routes with yard steps (checked below)
            hour_profile: _,  // arrival times: both copies
            diversion,
        } = g;
        diversion.is_none()
    };
    let step_plain = |s: &Step| {
        let Step {
            stage: _,
            classes,
            probability,
        } = s;
        *classes == 0 && *probability >= 1.0
    };
    let route_plain = |r: &Route| {
        let Route {
            gate: _,
            direction: _,
            steps,
            yard_steps,
        } = r;
        *yard_steps == 0 && steps.iter().all(step_plain)
    };
    let class_plain = |c: &CargoClass| {
        let CargoClass {
            id: _,
            shelf_life_days,
            priority: _, // read only by priority lines (checked below)
        } = c;
        shelf_life_days.is_none()
    };
    let stage_plain = |s: &Stage| {
        let Stage {
            id: _,
            name: _,
            gate: _,
            servers: _,        // the schedule: both copies
            hours: _,          // the schedule: both copies
            weekdays: _,       // the schedule: both copies
            clock_offset_h: _, // the schedule: both copies
            discipline,
            service: _, // drawn the same way in both copies
            clearance: _,
            daily_cap: _, // in the plan's daily caps (checked below)
            queue_limit,
        } = s;
        queue_limit.is_none() && *discipline == Discipline::Fifo
    };
    let fitted = model.fit.iter().map(|f| &f.multiplier);
    model.transfers.is_empty()
        && model.gates.iter().all(gate_plain)
        && !model.counts_in_gate()
        && plan.value_scale.iter().all(|v| v.is_empty())
        && model.routes.iter().all(route_plain)
        && model.classes.iter().all(class_plain)
        && model.stages.iter().all(stage_plain)
        && plan.daily_cap.iter().all(|c| c.is_empty())
        && plan.service_scale.iter().all(|f| f.is_empty())
        && model.uncertain.iter().chain(fitted).all(|u| {
            u.kind != UncertainKind::Service || u.stages.is_empty() || !u.in_variant(plan.variant)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;
    use std::path::Path;

    fn load(path: &str) -> Model {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        scenario::load(&path).expect("shipped scenario loads")
    }

    /// The copy compiled without feature checks must be the same simulation: same random
    /// numbers, same records, bit for bit.
    #[test]
    fn plain_models_give_identical_records_in_both_copies() {
        for path in [
            "scenarios/examples/peer-gate.toml",
            "scenarios/examples/mmc.toml",
        ] {
            let model = load(path);
            let plan = Plan::new(&model, 0);
            assert!(is_plain(&model, &plan), "{path} should be plain");
            for rep in 0..2 {
                let fast =
                    Sim::<true>::new(&model, &plan, 7, rep, parameter_draw(&model, 7, rep)).run();
                let general =
                    Sim::<false>::new(&model, &plan, 7, rep, parameter_draw(&model, 7, rep)).run();
                assert!(fast.events > 10_000, "{path}: {} events", fast.events);
                assert_eq!(fast, general, "{path} replication {rep}");
                // declared_here_share = 1: every load counts in basis A, without a draw
                for y in &fast.years {
                    assert!(y.cleared > 0);
                    assert_eq!(y.turnover_a_usd, y.turnover_b_usd, "{path}");
                }
            }
        }
    }

    #[test]
    fn any_feature_that_needs_a_check_makes_a_model_general() {
        for path in ["scenarios/lang-son.toml", "tests/fixtures/crisis-2021.toml"] {
            let model = load(path);
            for v in 0..model.variants.len() {
                assert!(
                    !is_plain(&model, &Plan::new(&model, v)),
                    "{path} variant {v}"
                );
            }
        }
        let base = load("scenarios/examples/peer-gate.toml");
        type Edit = (&'static str, fn(&mut Model));
        use crate::model::spec::{
            Change, ChangeKind, Diversion, Response, Uncertain, UncertainKind,
        };
        let edits: [Edit; 12] = [
            ("diversion", |m| {
                m.gates[0].diversion = Some(Diversion {
                    threshold: 10,
                    share: 0.5,
                    to_gate: None,
                    leave_share: 1.0,
                })
            }),
            ("gate choice and delay response", |m| {
                m.response = Some(Response {
                    choice_gates: vec![0],
                    logit_scale_h: 12.0,
                    lag_days: 14.0,
                    loss_per_day: vec![0.01],
                })
            }),
            ("dated value factor", |m| {
                let c = Change {
                    from_day: 0,
                    to_day: m.days,
                    gates: vec![0],
                    stages: vec![],
                    kind: ChangeKind::Value {
                        factor: 2.0,
                        directions: 3,
                        classes: 0,
                    },
                };
                m.changes.push(c)
            }),
            ("dated service factor", |m| {
                let c = Change {
                    from_day: 0,
                    to_day: m.days,
                    gates: vec![0],
                    stages: vec![0],
                    kind: ChangeKind::ScaleService(2.0),
                };
                m.changes.push(c)
            }),
            ("holding yard", |m| m.routes[0].yard_steps = 1),
            ("step for some classes", |m| {
                m.routes[0].steps[1].classes = 1
            }),
            ("uncertain service factor", |m| {
                let u = Uncertain {
                    name: "u".into(),
                    note: String::new(),
                    kind: UncertainKind::Service,
                    factor: Dist::Constant(1.5),
                    from_day: 0,
                    to_day: m.days,
                    gates: vec![0],
                    stages: vec![0],
                    directions: 3,
                    classes: 0,
                    variants: vec![],
                };
                m.uncertain.push(u)
            }),
            ("queue limit", |m| m.stages[1].queue_limit = Some(10)),
            ("priority line", |m| {
                m.stages[0].discipline = Discipline::Priority
            }),
            ("daily cap", |m| m.stages[2].daily_cap = Some(500)),
            ("shelf life", |m| {
                m.classes[0].shelf_life_days = Some(Dist::Constant(2.0))
            }),
            ("step with a probability", |m| {
                m.routes[0].steps[1].probability = 0.5
            }),
        ];
        assert!(is_plain(&base, &Plan::new(&base, 0)));
        for (what, edit) in edits {
            let mut model = base.clone();
            edit(&mut model);
            assert!(!is_plain(&model, &Plan::new(&model, 0)), "{what}");
        }
    }
}
