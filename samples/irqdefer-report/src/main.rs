// SPDX-License-Identifier: GPL-2.0

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use irqdefer_report::figures::Report;
use irqdefer_report::results::bench as capture;
use irqdefer_report::results::scenario::Rate;
use irqdefer_report::{bench, check_rate, html, load, term};

/// Renders irqdefer's results. Scenario captures (make demo): a comparison
/// table and the textbook table, measured, on stdout; optionally an HTML
/// page with SVG plots and the figures as JSON. `bench`: the benchmarks'
/// report (make bench).
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
    if !json_stdout {
        print!("{}", term::render(&report, args.rate));
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let done = match &cli.command {
        Some(Command::Bench(args)) => bench(args),
        None => scenario(&cli.scenario),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("irqdefer-report: error: {e}");
            ExitCode::from(1)
        }
    }
}
