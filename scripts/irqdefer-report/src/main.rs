// SPDX-License-Identifier: GPL-2.0

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use irqdefer_report::advise::{self, Advice, Constraints};
use irqdefer_report::compare::{self, Comparison, Gate};
use irqdefer_report::doc::{Doc, Format};
use irqdefer_report::figures::Report;
use irqdefer_report::results::bench as capture;
use irqdefer_report::results::scenario::Rate;
use irqdefer_report::view::Unit;
use irqdefer_report::{bench, check_rate, html, load, term};

/// Renders irqdefer's results. Scenario captures (make demo): a comparison
/// table and the textbook table, measured, on stdout; optionally an HTML
/// page with SVG plots and the figures as JSON. `bench`: the benchmarks'
/// report (make bench). `compare A B`: what changed between two captures.
/// `advise`: which paths meet your constraints, in your capture.
#[derive(Parser)]
#[command(
    version,
    about,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    scenario: ScenarioArgs,
}

#[derive(Subcommand)]
enum Command {
    /// The benchmarks' report: sanity checks, verdicts and tables as
    /// Markdown (on stdout), and the figures as JSON.
    Bench(BenchArgs),
    /// Compares two captures of one kind (scenario or bench): per path and
    /// cell, the p50 and p99 change with 95% bootstrap intervals, where the
    /// runs took place, the real-time hog's verdicts. Exit status: 0; 1
    /// when a --fail-if term passes, or on bad input.
    Compare(CompareArgs),
    /// Ranks the paths that meet constraints in a scenario capture, with
    /// the measured evidence and the registry's rule, and says why each
    /// other path fails. Exit status: 0 when a path fits; 2 when none
    /// does; 1 on bad input.
    Advise(AdviseArgs),
}

#[derive(Args)]
struct CompareArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "term")]
    format: Format,
    /// Exit 1 when a difference passes a threshold: comma-separated terms
    /// `p50|p99 >|< [+-]N% or [+-]N(ns|us|ms)`, `ksoftirqd|moved >|<
    /// [+-]Npp`, `starves` (README.md). Repeatable.
    #[arg(long, value_name = "TERMS")]
    fail_if: Vec<String>,
    /// Capture A: the reference (before).
    #[arg(value_name = "A")]
    a: PathBuf,
    /// Capture B: compared against A (after).
    #[arg(value_name = "B")]
    b: PathBuf,
}

#[derive(Args)]
struct AdviseArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "term")]
    format: Format,
    #[command(flatten)]
    constraints: Constraints,
    /// Scenario captures, one per boot; --model picks one.
    #[arg(required = true, value_name = "RESULTS")]
    results: Vec<PathBuf>,
}

#[derive(Args)]
struct ScenarioArgs {
    /// Write a self-contained HTML report here (e.g. out/report.html).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Write the aggregated figures as JSON here ("-" for stdout, which
    /// then replaces the tables).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Rate of the main tables, histograms and per-CPU plots: "single" or Hz.
    #[arg(long, default_value = "1000", value_parser = parse_rate)]
    rate: Rate,
    /// Print every table (per boot: each load and rate, the textbook
    /// table, the hog and overload tables), not the one-screen summary.
    #[arg(long)]
    full: bool,
    /// Times in the terminal: each in the unit that fits it (auto), or all
    /// as bare numbers in one unit, for scripts (the heading names it:
    /// p99_us).
    #[arg(long, value_enum, default_value = "auto")]
    unit: Unit,
    /// Scenario captures, one per boot (written by scripts/guest/scenario.sh).
    #[arg(required = true, value_name = "RESULTS")]
    results: Vec<PathBuf>,
}

#[derive(Args)]
struct BenchArgs {
    /// Write the Markdown report here (e.g. out/bench.md).
    #[arg(long, value_name = "FILE")]
    md: Option<PathBuf>,
    /// Write the figures as JSON here (e.g. out/bench.json).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Bench captures, one per boot (written by scripts/guest/bench.sh).
    #[arg(required = true, value_name = "RESULTS")]
    results: Vec<PathBuf>,
}

fn parse_rate(s: &str) -> Result<Rate, String> {
    Rate::parse(s).ok_or_else(|| format!("`{s}` is neither `single` nor a positive number of Hz"))
}

/// Writes a file, creating its directory.
fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: cannot write: {e}", path.display()))
}

fn scenario(args: &ScenarioArgs) -> Result<(), String> {
    let results = load(&args.results).map_err(|e| e.to_string())?;
    let report = Report::of(&results);
    check_rate(&report, args.rate)?;
    let json_stdout = args.json.as_deref().is_some_and(|p| p.as_os_str() == "-");
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| format!("json: {e}"))?;
        if json_stdout {
            println!("{text}");
        } else {
            write(path, &(text + "\n"))?;
        }
    }
    if let Some(path) = &args.html {
        let page = html::render(&report, args.rate)?;
        write(path, &page.html)?;
        eprintln!("wrote {} ({} plots)", path.display(), page.plots);
    }
    if json_stdout {
        return Ok(());
    }
    if args.full {
        print!("{}", term::render(&report, args.rate, args.unit));
        return Ok(());
    }
    print!("{}", term::summary(&report, args.rate, args.unit));
    println!(
        "\nEvery table (each load and rate, the textbook table measured, the real-time hog, \
         softirq overload): add --full."
    );
    if let Some(path) = &args.html {
        println!("The report with its plots: {}", path.display());
    }
    Ok(())
}

fn bench(args: &BenchArgs) -> Result<(), String> {
    let captures = args
        .results
        .iter()
        .map(|f| capture::parse_file(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let analysis = bench::analyse(&captures).map_err(|e| e.to_string())?;
    let md = bench::report::render(&analysis);
    if let Some(path) = &args.md {
        write(path, &md)?;
    }
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&analysis).map_err(|e| format!("json: {e}"))?;
        write(path, &(text + "\n"))?;
    }
    println!("{md}");
    Ok(())
}

/// Prints a document, or the figures as JSON, on stdout.
fn emit<T: serde::Serialize>(format: Format, figures: &T, doc: Doc) -> Result<(), String> {
    match format {
        Format::Term => print!("{}", doc.term()),
        Format::Md => print!("{}", doc.markdown()),
        Format::Html => print!("{}", doc.html()),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(figures).map_err(|e| format!("json: {e}"))?
        ),
    }
    Ok(())
}

fn compare(args: &CompareArgs) -> Result<ExitCode, String> {
    let gate = Gate::parse(&args.fail_if)?;
    let (a, b) = compare::load_pair(&args.a, &args.b)?;
    let mut c = Comparison::of(&a, &b);
    c.gate(&gate);
    emit(args.format, &c, c.doc()?)?;
    if c.fail_if.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "irqdefer-report: compare: {} differences pass --fail-if {}",
        c.fail_if.len(),
        args.fail_if.join(",")
    );
    Ok(ExitCode::from(1))
}

fn advise(args: &AdviseArgs) -> Result<ExitCode, String> {
    let results = load(&args.results).map_err(|e| e.to_string())?;
    let a = Advice::of(&results, &args.constraints)?;
    emit(args.format, &a, a.doc())?;
    if a.fits.is_empty() {
        eprintln!("irqdefer-report: advise: no path fits");
        return Ok(ExitCode::from(advise::NO_FIT));
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let done = match &cli.command {
        Some(Command::Bench(args)) => bench(args).map(|()| ExitCode::SUCCESS),
        Some(Command::Compare(args)) => compare(args),
        Some(Command::Advise(args)) => advise(args),
        None => scenario(&cli.scenario).map(|()| ExitCode::SUCCESS),
    };
    match done {
        Ok(code) => code,
        Err(e) => {
            eprintln!("irqdefer-report: error: {e}");
            ExitCode::from(1)
        }
    }
}
