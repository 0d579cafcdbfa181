// SPDX-License-Identifier: GPL-2.0

//! Every error path of the parser, on variants of a real file: the error
//! names the file and the line, and says what is wrong.

mod common;

use irqdefer_report::results::scenario::parse_str;
use irqdefer_report::results::ParseError;

fn real() -> String {
    common::text("threadirqs.txt")
}

/// Lines of the real file (1-based access through `line`).
fn lines() -> Vec<String> {
    real().lines().map(String::from).collect()
}

fn join(l: &[String]) -> String {
    l.join("\n") + "\n"
}

/// 1-based number of the first line equal to `s`.
fn find(l: &[String], s: &str) -> usize {
    l.iter().position(|x| x == s).expect(s) + 1
}

fn err(text: &str) -> ParseError {
    parse_str("bad.txt", text).expect_err("must fail")
}

fn expect(text: &str, line: usize, needle: &str) {
    let e = err(text);
    assert_eq!(e.file, "bad.txt");
    assert_eq!(e.line, line, "{e}");
    assert!(e.msg.contains(needle), "`{}` lacks `{needle}`", e.msg);
    assert!(e.to_string().starts_with(&format!("bad.txt:{line}: ")));
}

/// Replaces line `n` (1-based).
fn with_line(n: usize, new: &str) -> String {
    let mut l = lines();
    l[n - 1] = new.to_string();
    join(&l)
}

#[test]
fn the_real_file_parses() {
    assert_eq!(parse_str("ok", &real()).unwrap().cells.len(), 96);
}

#[test]
fn empty_file() {
    expect("", 1, "empty file");
}

#[test]
fn bad_header() {
    expect(&with_line(1, "irqdefer-result 1"), 1, "bad header");
    expect(&with_line(1, "meta kernel 6.12"), 1, "bad header");
    expect(&with_line(1, "irqdefer-results"), 1, "bad header");
    expect(
        &with_line(1, "irqdefer-results one"),
        1,
        "not a valid number",
    );
}

#[test]
fn unknown_version() {
    expect(
        &with_line(1, "irqdefer-results 3"),
        1,
        "unsupported results version 3",
    );
    // Version 1 had no `meta capture` and no registry: refused, not
    // misread.
    expect(
        &with_line(1, "irqdefer-results 1"),
        1,
        "unsupported results version 1 (this tool reads version 2)",
    );
}

#[test]
fn header_says_what_it_holds() {
    let n = find(&lines(), "meta capture scenario");
    expect(
        &with_line(n, "meta capture bench"),
        n,
        "a bench capture: render it with `irqdefer-report bench RESULTS...`",
    );
    expect(
        &with_line(n, "meta capture demo"),
        n,
        "meta capture: `demo` is not scenario|bench",
    );
    let mut l = lines();
    l.remove(n - 1);
    let c1 = find(&l, "cell 1 96 hardirq single idle");
    expect(&join(&l), c1, "`meta capture` missing");
}

#[test]
fn truncated_inside_a_cell() {
    let l = lines();
    let cut = find(&l, "cell 5 96 threaded single idle") + 30;
    let text = join(&l[..cut]);
    expect(&text, cut, "file ends inside cell 5");
    assert!(err(&text).msg.contains("missing `endcell 5`"));
}

#[test]
fn truncated_without_end() {
    let l = lines();
    let n = l.len();
    expect(&join(&l[..n - 1]), n - 1, "without `end N`");
}

#[test]
fn endcell_index_mismatch() {
    // The bug of an earlier capture: `endcell 0` instead of `endcell 1`.
    let l = lines();
    let n = find(&l, "endcell 1");
    expect(
        &with_line(n, "endcell 0"),
        n,
        "`endcell 0` does not match open cell 1",
    );
}

#[test]
fn missing_endcell() {
    let mut l = lines();
    let n = find(&l, "endcell 3");
    l.remove(n - 1);
    // Reported where the next cell begins.
    expect(&join(&l), n, "missing `endcell 3`");
    // Or at `end`, for the last cell.
    let mut l = lines();
    let n = find(&l, "endcell 96");
    l.remove(n - 1);
    expect(&join(&l), n, "`end` while cell 96");
}

#[test]
fn non_numeric_values() {
    let l = lines();
    let n = find(&l, "snapshot after hardirq executed 50");
    expect(
        &with_line(n, "snapshot after hardirq executed 5O"),
        n,
        "snapshot executed: `5O` is not a valid number",
    );
    let n = find(&l, "uptime before 1.94");
    expect(&with_line(n, "uptime before 1,94"), n, "not a valid number");
    expect(&with_line(n, "uptime before -1"), n, "not a valid time");
    let n = find(&l, "cell 1 96 hardirq single idle");
    expect(
        &with_line(n, "cell one 96 hardirq single idle"),
        n,
        "cell index",
    );
    expect(
        &with_line(n, "cell 1 96 hardirq fast idle"),
        n,
        "rate `fast`",
    );
    expect(&with_line(n, "cell 1 96 hardirq 0 idle"), n, "rate `0`");
    expect(
        &with_line(n, "cell 1 96 hardirq single lazy"),
        n,
        "load `lazy`",
    );
    let n = l
        .iter()
        .position(|x| x.starts_with("softirqs before"))
        .unwrap()
        + 1;
    expect(&with_line(n, "softirqs before HI: 0 x"), n, "softirqs HI");
    let n = l
        .iter()
        .position(|x| x.starts_with("interrupts before"))
        .unwrap()
        + 1;
    expect(
        &with_line(n, "interrupts before 24: irq_sim"),
        n,
        "without per-CPU counts",
    );
    let n = find(&l, "meta vcpus 2");
    expect(&with_line(n, "meta vcpus two"), n, "meta vcpus");
    let n = find(&l, "snapshot after hardirq hist_12 28");
    expect(
        &with_line(n, "snapshot after hardirq hist_x 28"),
        n,
        "histogram bucket",
    );
}

#[test]
fn cell_without_snapshot_lines() {
    let l = lines();
    let end = find(&l, "endcell 2");
    let keep: Vec<String> = l
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            !(*i < end && s.starts_with("snapshot after hardirq")) || *i < find(&l, "endcell 1")
        })
        .map(|(_, s)| s.clone())
        .collect();
    let removed = l.len() - keep.len();
    assert!(removed > 20);
    expect(
        &join(&keep),
        end - removed,
        "cell 2 has no `snapshot after` lines",
    );

    let keep: Vec<String> = l
        .iter()
        .filter(|s| !s.starts_with("snapshot before hardirq"))
        .cloned()
        .collect();
    let e = err(&join(&keep));
    assert!(
        e.msg.contains("cell 1 has no `snapshot before` lines"),
        "{e}"
    );
}

#[test]
fn snapshot_missing_a_required_key() {
    let mut l = lines();
    let n = find(&l, "snapshot after hardirq lat_p99 113111");
    l.remove(n - 1);
    let end = find(&l, "endcell 1");
    expect(&join(&l), end, "lacks `lat_p99`");
}

#[test]
fn count_mismatch() {
    let l = lines();
    let n = l.len();
    expect(
        &with_line(n, "end 95"),
        n,
        "count mismatch: `end 95` but the file has 96 cells",
    );
    let c2 = find(&l, "cell 2 96 hardirq 100 idle");
    expect(
        &with_line(c2, "cell 2 97 hardirq 100 idle"),
        c2,
        "count mismatch",
    );
    expect(
        &with_line(c2, "cell 3 96 hardirq 100 idle"),
        c2,
        "out of sequence",
    );
    expect(
        &with_line(c2, "cell 2 1 hardirq 100 idle"),
        c2,
        "beyond count",
    );
    // A whole cell dropped: the next is out of sequence.
    let mut l2 = l.clone();
    let e2 = find(&l2, "endcell 2");
    l2.drain(c2 - 1..e2);
    expect(&join(&l2), c2, "cell 3 out of sequence: expected cell 2");
}

#[test]
fn structure_errors() {
    let l = lines();
    let n = l.len();
    // Unknown records, records out of place.
    let u1 = find(&l, "uptime before 1.94");
    expect(
        &with_line(u1, "metadata kernel x"),
        u1,
        "unknown record `metadata`",
    );
    let mut extra = l.clone();
    extra.push("meta kernel again".into());
    expect(&join(&extra), n + 1, "after `end`");
    let c2 = find(&l, "cell 2 96 hardirq 100 idle");
    let mut m = l.clone();
    m.insert(c2 - 1, "meta late 1".into());
    expect(&join(&m), c2, "`meta` after the first cell");
    let mut m = l.clone();
    m.insert(c2 - 1, "uptime before 3.0".into());
    expect(&join(&m), c2, "`uptime` outside a cell");
    let k = find(&l, "meta boot threadirqs");
    expect(
        &with_line(k, "meta kernel again"),
        k,
        "duplicate `meta kernel`",
    );
    // A snapshot of another path.
    let s = find(&l, "snapshot after hardirq executed 50");
    expect(
        &with_line(s, "snapshot after tasklet executed 50"),
        s,
        "snapshot of path `tasklet` in a cell of path `hardirq`",
    );
    expect(
        &with_line(s, "snapshot during hardirq executed 50"),
        s,
        "phase `during`",
    );
    expect(
        &with_line(s, "snapshot after hardirq irq 24"),
        s,
        "duplicate snapshot key `irq`",
    );
    // Uptimes.
    let u = find(&l, "uptime stop 3.35");
    expect(
        &with_line(u, "uptime stop 1.00"),
        find(&l, "endcell 1"),
        "out of order",
    );
    let mut m = l.clone();
    m.remove(u - 1);
    expect(&join(&m), find(&l, "endcell 1") - 1, "no `uptime stop`");
    // Required meta.
    let mut m = l.clone();
    m.remove(find(&l, "meta accel tcg") - 1);
    expect(
        &join(&m),
        find(&m, "cell 1 96 hardirq single idle"),
        "`meta accel` missing",
    );
}

#[test]
fn errors_never_panic_on_prefixes() {
    // Every prefix of a real file (cut at any line) parses or fails cleanly.
    let l = lines();
    for cut in (0..l.len()).step_by(293) {
        let _ = parse_str("prefix", &join(&l[..cut]));
    }
    // Also garbage.
    for junk in [
        "\u{0}\u{1}",
        "irqdefer-results 1\ncell",
        "irqdefer-results 1\nend x",
    ] {
        assert!(parse_str("junk", junk).is_err());
    }
}

/// The module's registry in the header: one `meta path.<name>` record per
/// path, as `snapshot` has them (docs/capture-format.md). The paths come from it: a
/// cell of another path, a path's record twice, or a record without its
/// rule is an error; fields this reader does not know are kept.
#[test]
fn registry_meta_lines() {
    let l = lines();
    let r = parse_str("ok", &real()).unwrap();
    let reg = &r.header.registry;
    assert_eq!(reg.names()[..3], ["hardirq", "threaded", "tasklet"]);
    let t = reg.get("tasklet").unwrap();
    assert_eq!(
        (
            t.mechanism.as_str(),
            t.softirq.as_str(),
            t.context.name.as_str()
        ),
        ("tasklet_schedule()", "TASKLET", "softirq")
    );
    assert_eq!(t.trace, "irq:tasklet_entry");
    assert!(!t.may_sleep && t.atomic);
    assert_eq!(reg.baseline().unwrap().name, "hardirq");

    let n = l
        .iter()
        .position(|x| x.starts_with("meta path.tasklet "))
        .unwrap()
        + 1;
    let line = l[n - 1].clone();
    let mut m = l.clone();
    m.insert(n, line.clone());
    expect(&join(&m), n + 1, "duplicate `meta path.tasklet`");
    expect(
        &with_line(n, &line.replace("context=softirq", "context=moon")),
        n,
        "meta path.tasklet: `context=moon` is not a context",
    );
    expect(
        &with_line(n, &line.replace(" may_sleep=0", "")),
        n,
        "meta path.tasklet: no `may_sleep=` field",
    );
    let mut m = l.clone();
    m.insert(n, format!("{line} future=1"));
    m.remove(n - 1);
    let r = parse_str("ok", &join(&m)).expect("unknown fields are kept");
    assert_eq!(
        r.header.registry.get("tasklet").unwrap().fields["future"],
        "1"
    );
    // Without the registry, the paths are unknown.
    let m: Vec<String> = l
        .iter()
        .filter(|x| !x.starts_with("meta path."))
        .cloned()
        .collect();
    expect(
        &join(&m),
        find(&m, "cell 1 96 hardirq single idle"),
        "the module's registry is missing",
    );
    // A cell of a path the registry does not list.
    let m: Vec<String> = l
        .iter()
        .filter(|x| !x.starts_with("meta path.kthread "))
        .cloned()
        .collect();
    let c = m
        .iter()
        .position(|x| x.ends_with(" kthread single idle"))
        .unwrap()
        + 1;
    expect(
        &join(&m),
        c,
        "path `kthread` is not in the module's registry",
    );
}

/// `guard_skipped`: the ticks the starvation guard held back in a cell.
/// Once per cell, a number; the main table marks the cell's runs/s and
/// says why.
#[test]
fn guard_skipped_is_read_once_and_marked() {
    let mut l = lines();
    let end = find(&l, "endcell 1");
    l.insert(end - 1, "guard_skipped 37".into());
    let r = parse_str("ok.txt", &join(&l)).unwrap();
    let c = r.cells.iter().find(|c| c.index == 1).unwrap();
    assert_eq!(c.guard_skipped, 37);
    assert!(r
        .cells
        .iter()
        .filter(|c| c.index != 1)
        .all(|c| c.guard_skipped == 0));

    let rep = irqdefer_report::figures::Report::of(&[r]);
    let b = &rep.boots[0];
    let f = b.cells.iter().find(|c| c.index == 1).unwrap();
    let rate = match f.rate_hz {
        Some(hz) => irqdefer_report::results::scenario::Rate::Hz(hz),
        None => irqdefer_report::results::scenario::Rate::Single,
    };
    let load = b.loads()[0];
    let t = irqdefer_report::tables::main_table(b, load, rate);
    let row = t.rows.iter().find(|r| r.cells[0].text == f.path).unwrap();
    assert!(row.cells[4].bad, "runs/s not marked");
    assert!(t
        .notes
        .iter()
        .any(|n| n.contains("starvation guard held") && n.contains(&format!("{} (37)", f.path))));

    l.insert(end - 1, "guard_skipped 1".into());
    expect(&join(&l), end + 1, "duplicate `guard_skipped`");
    let mut l = lines();
    l.insert(end - 1, "guard_skipped x".into());
    expect(&join(&l), end, "guard_skipped");
}

/// The registry's facts (docs/capture-format.md, "The registry"): every
/// field the tool reads is required. A capture of a module before them is
/// refused, at the line of the first path that lacks one, naming the path
/// and the fields, never read by guessing from the mechanism's text.
#[test]
fn registry_facts_are_required() {
    let l = lines();
    let at = |prefix: &str| l.iter().position(|x| x.starts_with(prefix)).expect(prefix) + 1;
    let n = at("meta path.tasklet ");
    let line = l[n - 1].clone();
    for field in [
        "bound=1",
        "executor=tasklet",
        "sched=-",
        "sched_rt=-",
        "merges=1",
        "top_threadable=1",
        "context_rt=softirq",
        "may_sleep_rt=0",
    ] {
        let key = field.split('=').next().unwrap();
        assert!(line.contains(&format!(" {field}")), "{field}");
        let text = with_line(n, &line.replace(&format!(" {field}"), ""));
        expect(
            &text,
            n,
            &format!(
                "meta path.tasklet: no `{key}=` field: the capture predates the registry's \
                 facts this tool reads (docs/capture-format.md); re-capture it with the \
                 current module"
            ),
        );
    }
    // A registry as the module published it before the facts: the first
    // path's line, with every missing field named.
    let mut m = l.clone();
    for x in m.iter_mut().filter(|x| x.starts_with("meta path.")) {
        let keep: Vec<&str> = x
            .split(' ')
            .filter(|f| {
                ![
                    "context_rt=",
                    "may_sleep_rt=",
                    "executor=",
                    "sched=",
                    "sched_rt=",
                    "bound=",
                    "merges=",
                    "top_threadable=",
                ]
                .iter()
                .any(|k| f.starts_with(k))
            })
            .collect();
        *x = keep.join(" ");
    }
    expect(
        &join(&m),
        at("meta path.hardirq "),
        "meta path.hardirq: no `context_rt=`, `may_sleep_rt=`, `executor=`, `sched=`, \
         `sched_rt=`, `bound=`, `merges=`, `top_threadable=` fields: the capture predates \
         the registry's facts",
    );
    // Present but not of their form.
    for (from, to, why) in [
        (" bound=1", " bound=yes", "`bound=yes` is not 0 or 1"),
        (
            " sched=-",
            " sched=fifo",
            "`sched=fifo` is not fifoN, other or -",
        ),
        (" executor=tasklet", " executor=", "`executor=` is empty"),
        (
            " context_rt=softirq",
            " context_rt=moon",
            "`context_rt=moon` is not a context",
        ),
    ] {
        expect(
            &with_line(n, &line.replace(from, to)),
            n,
            &format!("meta path.tasklet: {why}"),
        );
    }
}

/// A bench capture is held to the same registry.
#[test]
fn bench_registry_facts_are_required() {
    use irqdefer_report::results::bench;
    let text = common::text("bench-smoke4.txt");
    assert!(bench::parse_str("ok", &text).is_ok());
    let l: Vec<String> = text.lines().map(String::from).collect();
    let n = l
        .iter()
        .position(|x| x.starts_with("meta path.wq_unbound "))
        .unwrap();
    let mut m = l.clone();
    m[n] = m[n].replace(" bound=0", "");
    let e = bench::parse_str("bad.txt", &join(&m)).expect_err("must fail");
    assert_eq!(e.line, n + 1, "{e}");
    assert!(
        e.msg
            .starts_with("meta path.wq_unbound: no `bound=` field: the capture predates"),
        "{e}"
    );
}
