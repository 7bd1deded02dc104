//! The shipped scenario files: they load, and they show what they are for.

use borderflow::model::{Plan, simulate};
use borderflow::scenario;

fn load(name: &str) -> borderflow::model::Model {
    let path = format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    scenario::load(path.as_ref()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_shipped_scenario_is_valid() {
    for f in [
        "lang-son.toml",
        "../tests/fixtures/crisis-2021.toml",
        "examples/mmc.toml",
        "examples/peer-gate.toml",
    ] {
        load(f);
    }
}

#[test]
fn programme_23_clears_more_than_baseline() {
    let m = load("lang-son.toml");
    let base = m.variant_index("baseline").unwrap();
    let p23 = m.variant_index("programme-23").unwrap();
    let y2025 = m.years().iter().position(|&y| y == 2025).unwrap();
    let rb = simulate(&m, &Plan::new(&m, base), 2021, 0);
    let rp = simulate(&m, &Plan::new(&m, p23), 2021, 0);
    assert!(rp.years[y2025].cleared > rb.years[y2025].cleared);
    let turnover =
        |r: &borderflow::model::RepRecord| r.years[y2025].turnover_a_usd.iter().sum::<f64>() / 1e6;
    // the same futures (common random numbers): the programme's improvements only add
    assert!(
        turnover(&rp) > turnover(&rb),
        "{} vs {}",
        turnover(&rp),
        turnover(&rb)
    );
    assert_eq!(rb.gates.len(), 6);
    // Little's law per stage, L_q = λ·W_q, on both runs. Only served vehicles have a W_q; the
    // ones that spoiled in the queue (shelf life ≤ 25 days) or still wait at the horizon add to
    // L_q alone, by at most (arrivals − served) × 25 days over the horizon (the spoiled bound the
    // queue wait; at the horizon the queues are short). Tolerance 1 % plus that slack.
    let minutes = m.days as f64 * 1440.0;
    for (rec, name) in [(&rb, "baseline"), (&rp, "programme-23")] {
        for (s, st) in rec
            .stages
            .iter()
            .enumerate()
            .filter(|(_, st)| st.served > 1000)
        {
            let lambda_w = st.served as f64 / minutes * st.wait_mean.unwrap();
            let unserved = st.arrivals.saturating_sub(st.served) as f64;
            let slack = unserved * 25.0 * 1440.0 / minutes;
            let gap = st.mean_queue - lambda_w;
            let tol = 0.01 * st.mean_queue.max(1.0);
            assert!(
                gap > -tol && gap < tol + slack,
                "{name} {}/{}: L = {} but λW = {lambda_w} ({unserved} unserved)",
                m.gates[m.stages[s].gate].id,
                m.stages[s].id,
                st.mean_queue
            );
        }
    }
    assert!(
        rb.years
            .iter()
            .all(|y| y.turnover_a_usd[0] > 0.0 && y.turnover_a_usd[1] > 0.0),
        "both directions every year"
    );
}

#[test]
fn crisis_2021_strands_thousands_of_trucks_in_late_december() {
    let m = load("../tests/fixtures/crisis-2021.toml");
    let plan = Plan::new(&m, m.variant_index("crisis").unwrap());
    let rec = simulate(&m, &plan, 1211, 0);
    let day = m.start.days_until("2021-12-20".parse().unwrap()) as usize;
    let ng = m.gates.len();
    let waiting: u32 = rec.daily[day * ng..(day + 1) * ng]
        .iter()
        .map(|d| d.queue)
        .sum();
    // observed 4,598 on 20 Dec 2021 (lang-son.md §7.1)
    assert!(
        waiting > 3000,
        "only {waiting} trucks waiting on 20 Dec 2021"
    );
    assert!(
        rec.gates
            .iter()
            .any(|g| g.time_in_system_mean.unwrap() > 3.0 * 1440.0),
        "multi-day waits"
    );
    let free = simulate(
        &m,
        &Plan::new(&m, m.variant_index("no-cap").unwrap()),
        1211,
        0,
    );
    let free_waiting: u32 = free.daily[day * ng..(day + 1) * ng]
        .iter()
        .map(|d| d.queue)
        .sum();
    assert!(
        free_waiting < waiting / 3,
        "without the cap the queue stays short ({free_waiting})"
    );
}

#[test]
fn every_invalid_fixture_gets_its_expected_message() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let src = std::fs::read_to_string(&path).unwrap();
        let expected = std::fs::read_to_string(path.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{name} has no .expected file"));
        let err = match borderflow::scenario::parse(&src, name.as_ref()) {
            Ok(_) => panic!("{name} was accepted"),
            Err(e) => e,
        };
        let report = err.report();
        let lines: Vec<&str> = expected.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(!lines.is_empty(), "{name}.expected is empty");
        for line in &lines {
            assert!(
                report.contains(line),
                "{name}: expected\n  {line}\nin\n{report}"
            );
        }
        // exactly these problems, each with the offending text underlined
        assert_eq!(
            report.matches("  × ").count(),
            lines.len(),
            "{name}:\n{report}"
        );
        assert!(report.contains('╰'), "{name}: no source snippet:\n{report}");
        checked += 1;
    }
    assert!(checked >= 18, "only {checked} fixtures");
}

#[test]
fn decomposed_vietnamese_names_are_normalised_to_nfc() {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/invalid/negative-rate.toml"
    ))
    .unwrap()
    .replace("per_day = -100", "per_day = 100");
    // "Hữu Nghị" typed with combining marks: u + horn + tilde, i + dot below
    let decomposed = src.replace("Hữu Nghị", "Hu\u{31b}\u{303}u Nghi\u{323}");
    assert_ne!(decomposed, src);
    let model = borderflow::scenario::parse(&decomposed, "nfd.toml".as_ref()).unwrap();
    assert_eq!(model.gates[0].name, "Hữu Nghị");
    assert_eq!(model.gates[0].name.chars().count(), 8);
}

#[test]
fn suspicious_but_legal_input_gets_warnings() {
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/invalid/negative-rate.toml"
    ))
    .unwrap()
    .replace("per_day = -100", "per_day = 100");
    let ok = borderflow::scenario::parse(&base, "ok.toml".as_ref()).unwrap();
    assert!(borderflow::scenario::warnings(&ok).is_empty());
    // 4 servers × 12 h / 20 min = 144 a day against 1,000 arrivals, and a 10-place yard
    let bad = base.replace("per_day = 100", "per_day = 1000").replace(
        "name = \"Hữu Nghị\"",
        "name = \"Hữu Nghị\"\nyard_capacity = 10",
    );
    let model = borderflow::scenario::parse(&bad, "bad.toml".as_ref()).unwrap();
    let w = borderflow::scenario::warnings(&model);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].contains("exceeds the capacity") && w[0].contains("144"),
        "{}",
        w[0]
    );
    assert!(w[1].contains("smaller than one hour"), "{}", w[1]);
    // a file with a gate and nothing else validates, and says that nothing will happen
    let empty = "[scenario]\nname = \"x\"\nstart = \"2025-01-01\"\nend = \"2025-01-10\"\n\
                 [[classes]]\nid = \"t\"\n[[gates]]\nid = \"g\"\n";
    let model = borderflow::scenario::parse(empty, "empty.toml".as_ref()).unwrap();
    let w = borderflow::scenario::warnings(&model);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].contains("no gate has demand"), "{}", w[0]);
    assert!(
        w[1].contains("gate `g` has no [[gates.stages]]"),
        "{}",
        w[1]
    );
}

#[test]
fn a_scenario_at_every_ceiling_runs_to_completion_with_finite_figures() {
    // what `validate` accepts runs: service times, values and factors at their ceilings
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/invalid/nan-rate.toml"
    ))
    .unwrap()
    .replace("per_day = nan", "per_day = 200")
    .replace(
        "{ dist = \"lognormal\", mean = 30000, sd = 10000 }",
        "{ dist = \"constant\", value = 1e9 }",
    )
    .replace(
        "{ dist = \"exponential\", mean = 20 }",
        "{ dist = \"exponential\", mean = 1e9 }",
    )
    .replace(
        "{ kind = \"hours\", gates = [\"huu_nghi\"], stages = [\"vn_customs\"], hours = [6, 22], from = \"2025-02-01\" }",
        "{ kind = \"scale_service\", gates = [\"huu_nghi\"], stages = [\"vn_customs\"], factor = 1000 }, { kind = \"value\", gates = [\"huu_nghi\"], factor = 1000 }",
    ) + "\n[[uncertain]]\nname = \"speed\"\nkind = \"service\"\nstages = [\"vn_customs\"]\nfactor = { dist = \"uniform\", min = 0, max = 1000 }\n\n[[uncertain]]\nname = \"value\"\nkind = \"value\"\nfactor = { dist = \"uniform\", min = 0, max = 1000 }\n";
    let m = scenario::parse(&src, "ceilings.toml".as_ref()).unwrap_or_else(|e| panic!("{e}"));
    for v in 0..m.variants.len() {
        for rep in 0..3 {
            let r = simulate(&m, &Plan::new(&m, v), 7, rep);
            for y in &r.years {
                assert!(y.turnover_a_usd.iter().all(|x| x.is_finite()), "{y:?}");
                assert!(y.turnover_b_usd.iter().all(|x| x.is_finite()), "{y:?}");
            }
        }
    }
}

#[test]
fn from_growth_trend_from_demand_rises_within_the_year_and_keeps_each_years_mean() {
    use borderflow::model::calendar::Date;
    let m = load("lang-son.toml");
    assert_eq!(m.growth_trend_from, Some(2023));
    let days_of = |year: i32| -> Vec<Date> {
        let first = Date::new(year, 1, 1).unwrap();
        (0..first.days_until(Date::new(year + 1, 1, 1).unwrap()))
            .map(|d| first.plus_days(d))
            .collect()
    };
    // before the trend: a step each 1 January, the year's index on every day
    for year in [2021, 2022] {
        for d in days_of(year) {
            assert_eq!(m.growth_on(d), m.growth_index(year), "{d}");
        }
    }
    for year in [2023, 2024, 2025] {
        let days = days_of(year);
        let values: Vec<f64> = days.iter().map(|&d| m.growth_on(d)).collect();
        // a trend: rising day by day (the indices rise from 2023 to 2025)
        assert!(values.windows(2).all(|w| w[1] > w[0]), "{year} rises");
        // each year's mean is its index: the pieces are collinear here (2024 is interpolated),
        // so exactly up to the day grid (1e-9 relative)
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let index = m.growth_index(year);
        assert!(
            (mean / index - 1.0).abs() < 1e-9,
            "{year}: mean {mean} vs index {index}"
        );
    }
    // continuous across 1 January (no step) from the trend's first year on
    for year in [2023, 2024] {
        let dec31 = Date::new(year, 12, 31).unwrap();
        let jan1 = Date::new(year + 1, 1, 1).unwrap();
        let step = m.growth_on(jan1) - m.growth_on(dec31);
        assert!(step > 0.0 && step < 0.001, "{year}: step {step}");
    }
}
