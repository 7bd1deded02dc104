//! Architecture rules and engine behaviour seen through the public API.

use borderflow::engine::schedule::DayPlan;
use borderflow::engine::{CapacitySchedule, EventQueue};

#[test]
fn engine_knows_nothing_of_the_model() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/engine");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap().to_lowercase();
        for word in [
            "crate::model",
            "crate::scenario",
            "crate::report",
            "truck",
            "gate",
            "customs",
            "vehicle",
        ] {
            assert!(!text.contains(word), "{} mentions `{word}`", path.display());
        }
    }
}

#[test]
fn events_leave_in_time_then_scheduling_order_and_cancel() {
    let mut q = EventQueue::new();
    let keys: Vec<_> = (0..6)
        .map(|i| q.schedule(if i % 2 == 0 { 2.0 } else { 1.0 }, i).unwrap())
        .collect();
    assert!(q.cancel(keys[3]));
    let order: Vec<i32> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
    assert_eq!(order, vec![1, 5, 0, 2, 4]);
    assert!(
        q.schedule(0.5, 9).is_err(),
        "the past is an error, not a panic"
    );
}

#[test]
fn a_weekly_pattern_with_a_dated_closure() {
    // open 08:00–16:00 Mon–Fri with 3 servers; day 0 is a Monday; closed on day 2 (a holiday)
    let s = CapacitySchedule::from_days(14, |d| {
        if d % 7 >= 5 || d == 2 {
            DayPlan::closed()
        } else {
            DayPlan {
                servers: 3,
                open: 480.0,
                close: 960.0,
            }
        }
    });
    assert_eq!(s.at(1440.0 + 600.0), 3);
    assert_eq!(s.at(2.0 * 1440.0 + 600.0), 0, "holiday");
    assert_eq!(s.at(5.0 * 1440.0 + 600.0), 0, "Saturday");
    assert_eq!(s.server_minutes(0.0, 14.0 * 1440.0), 9.0 * 3.0 * 480.0);
}
