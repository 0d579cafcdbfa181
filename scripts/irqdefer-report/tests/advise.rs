// SPDX-License-Identifier: GPL-2.0

//! `advise` on the real captures: constraints some paths meet, one none
//! meets, and the must-sleep constraint against the registry's rules.

mod common;

use common::{bin, data};
use irqdefer_report::advise::{Advice, Constraints};
use irqdefer_report::load;
use irqdefer_report::results::scenario::parse_file;

fn advise(files: &[&str], k: &Constraints) -> Result<Advice, String> {
    let files: Vec<_> = files.iter().map(|f| data(f)).collect();
    Advice::of(&load(&files).unwrap(), k)
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = bin().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn constraints_some_paths_meet() {
    let k = Constraints {
        p99: Some(1_000_000),
        sleep: true,
        model: Some("full".into()),
        ..Constraints::default()
    };
    let a = advise(&["full.txt", "rt.txt"], &k).unwrap();
    assert_eq!(a.file, data("full.txt").display().to_string());
    assert!(!a.fits.is_empty());
    let reg = parse_file(&data("full.txt")).unwrap().header.registry;
    for v in &a.fits {
        // The rule allows sleeping, every run could, the bound holds.
        assert!(reg.get(&v.path).unwrap().may_sleep, "{}", v.path);
        assert!(v.evidence.iter().all(|e| e.may_sleep.starts_with("yes")));
        assert!(v.worst_p99.unwrap() <= 1_000_000);
        assert_eq!(v.evidence.len(), 2, "idle and busy");
    }
    // Ranked by the worst p99.
    let p99: Vec<u64> = a.fits.iter().map(|v| v.worst_p99.unwrap()).collect();
    assert!(p99.windows(2).all(|w| w[0] <= w[1]), "{p99:?}");
    // Every other path is rejected with a reason.
    assert_eq!(a.fits.len() + a.rejected.len(), reg.paths.len());
    assert!(a.rejected.iter().all(|v| !v.reasons.is_empty()));

    let (code, out, _) = run(&[
        "advise",
        "--p99",
        "1ms",
        "--sleep",
        "--model",
        "full",
        &data("full.txt").display().to_string(),
        &data("rt.txt").display().to_string(),
    ]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains(&format!("-- {} paths fit --", a.fits.len())),
        "{out}"
    );
    assert!(out.contains(&format!("1 {}", a.fits[0].path)));
}

#[test]
fn must_sleep_rejects_softirq_and_hardirq_paths_by_their_rule() {
    for (file, rt) in [
        ("full.txt", false),
        ("rt.txt", true),
        ("threadirqs.txt", false),
    ] {
        let k = Constraints {
            sleep: true,
            ..Constraints::default()
        };
        let a = advise(&[file], &k).unwrap();
        let reg = parse_file(&data(file)).unwrap().header.registry;
        let mut atomic = 0;
        for p in &reg.paths {
            let ctx = &p.context_on(rt).name;
            if ctx != "softirq" && ctx != "hardirq" {
                continue;
            }
            atomic += 1;
            let v = a
                .rejected
                .iter()
                .find(|v| v.path == p.name)
                .unwrap_or_else(|| panic!("{file}: {} fits", p.name));
            let r = &v.reasons[0];
            assert_eq!(r.constraint, "sleep");
            assert!(
                r.why.starts_with("may not sleep: the registry's rule on"),
                "{}",
                r.why
            );
            assert!(r.why.contains(&format!("={ctx} ")), "{}", r.why);
            assert!(r.why.ends_with("may_sleep=0") || r.why.ends_with("may_sleep_rt=0"));
        }
        assert!(atomic >= 2, "{file}");
    }
}

#[test]
fn a_constraint_nothing_meets_exits_2() {
    let k = Constraints {
        p99: Some(1_000),
        ..Constraints::default()
    };
    let a = advise(&["normal.txt"], &k).unwrap();
    assert!(a.fits.is_empty());
    assert!(a
        .rejected
        .iter()
        .all(|v| v.reasons.iter().any(|r| r.constraint == "p99")));
    let (code, out, err) = run(&[
        "advise",
        "--p99",
        "100us",
        "--sleep",
        &data("rt.txt").display().to_string(),
    ]);
    assert_eq!(code, Some(2));
    assert!(out.contains("-- No path fits --"), "{out}");
    assert!(out.contains("may not sleep: the registry's rule on PREEMPT_RT is context_rt=softirq"));
    assert!(err.contains("no path fits"));
    let (code, out, _) = run(&[
        "advise",
        "--format",
        "json",
        "--p99",
        "1us",
        &data("rt.txt").display().to_string(),
    ]);
    assert_eq!(code, Some(2));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["fits"].as_array().unwrap().len(), 0);
}

#[test]
fn the_fifo_hog_uses_the_captures_hog_cells() {
    let k = Constraints {
        fifo_hog: Some(0),
        ..Constraints::default()
    };
    let a = advise(&["rt.txt"], &k).unwrap();
    assert!(
        a.cells.iter().any(|c| c == "fifo51 hog 1000 Hz"),
        "{:?}",
        a.cells
    );
    // What starved is rejected, what ran fits; the hardirq path runs.
    assert!(a.fits.iter().any(|v| v.path == "hardirq"));
    assert!(a
        .rejected
        .iter()
        .flat_map(|v| &v.reasons)
        .any(|r| r.constraint == "fifo_hog" && r.why.starts_with("starved under the FIFO 51 hog")));
    // A capture without hog cells cannot answer.
    let e = advise(&["normal.txt"], &k).unwrap_err();
    assert!(e.contains("no real-time hog cells"), "{e}");
    let (code, _, err) = run(&[
        "advise",
        "--fifo-hog=49",
        &data("normal.txt").display().to_string(),
    ]);
    assert_eq!(code, Some(1));
    assert!(err.contains("no real-time hog cells"), "{err}");
}

/// On 7.3 `rt` (the sample capture) the forced IRQ threads ran off the
/// hog's CPU: a path that fits only so says it.
#[test]
fn a_path_that_fits_by_moving_off_says_so() {
    let sample =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/report/rt.txt");
    let sample = sample.display().to_string();
    // The paths the note names.
    let moved = |out: &str| -> String {
        let note = out.split("Moved off:").nth(1).expect("a moved-off note");
        note.split("took place on another CPU")
            .next()
            .unwrap()
            .to_string()
    };
    let (code, out, err) = run(&["advise", "--fifo-hog=51", "--sleep", &sample]);
    assert_eq!(code, Some(0), "{err}");
    let note = moved(&out);
    assert!(note.contains(" threaded,"), "{note}");
    assert!(!note.contains("kthread"), "{note}");
    // A path that ran on the hog's CPU is not named: hardirq may not sleep,
    // so ask without --sleep.
    let (code, out, _) = run(&["advise", "--fifo-hog=51", &sample]);
    assert_eq!(code, Some(0));
    let note = moved(&out);
    assert!(note.contains("hardirq_forced"), "{note}");
    assert!(
        !note.replace("hardirq_forced", "").contains("hardirq"),
        "{note}"
    );
}

#[test]
fn models_and_rates() {
    let k = Constraints::default();
    let e = advise(&["full.txt", "rt.txt"], &k).unwrap_err();
    assert!(e.contains("choose one with --model"), "{e}");
    let k = Constraints {
        model: Some("voluntary".into()),
        ..Constraints::default()
    };
    assert!(advise(&["full.txt", "rt.txt"], &k)
        .unwrap_err()
        .contains("no capture of model `voluntary`"));
    // A rate the capture lacks: the next above.
    let k = Constraints {
        rate: Some(5000),
        same_cpu: true,
        ..Constraints::default()
    };
    let a = advise(&["threadirqs.txt"], &k).unwrap();
    assert_eq!(a.rate, "10000 Hz");
    assert!(a.rate_note.is_some());
    assert!(a
        .rejected
        .iter()
        .flat_map(|v| &v.reasons)
        .all(|r| r.constraint == "same_cpu"));
    let k = Constraints {
        rate: Some(50_000),
        ..Constraints::default()
    };
    assert!(advise(&["threadirqs.txt"], &k)
        .unwrap_err()
        .contains("no rate of 50000 Hz or above"));
}
