//! `idplint check` and `idplint fix`: discover, read, lint (or fix) in parallel, render, and
//! decide the exit code.
//!
//! Exit codes: 2 when the tool could not do its job (bad arguments or settings, unreadable
//! paths, failed writes) — this wins over everything; otherwise 0 with `--exit-zero`;
//! otherwise 1 when a finding at or above `--fail-on` is reported, when `fix` could not
//! apply available fixes because verification failed (the reason is printed; the file is left
//! untouched), or when `fix --check`/`--diff` would change a file; else 0.

use crate::cli::CommonArgs;
use crate::config::{Overrides, Resolver};
use crate::discover::{self, Input};
use crate::read::{self, Loaded};
use crate::{Failure, Streams};
use idplint_diagnostics::{Severity, TextRange};
use idplint_linter::products::kratos::sdk;
use idplint_linter::source::{FileFormat, sniff_format};
use idplint_linter::{
    FileReport, LintOptions, Registry, options::matches_selector, registry::builtin,
};
use idplint_output::text::TextOptions;
use idplint_output::{ColorChoice, FileResult, OutputFormat, RuleIndex, Summary};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::sync::Arc;

/// What `fix` does with the fixed text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixMode {
    /// Write it (files) or print it (standard input).
    Write,
    /// Print a unified diff.
    Diff,
    /// Only say which files would change.
    Check,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Check,
    Fix(FixMode),
}

/// The result for one input.
#[derive(Debug, Default)]
struct Outcome {
    display: String,
    /// The text the report's ranges refer to (emptied when there is nothing to show).
    text: String,
    report: FileReport,
    /// Not a file idplint reads: left out of the results.
    skipped: bool,
    /// Reading or writing failed (exit code 2).
    error: Option<String>,
    /// Fixes were available but verification refused them.
    fix_failure: Option<String>,
    /// Fixes applied (or, with --diff/--check, that would be).
    applied: usize,
    /// Fixes changed (or, with --diff/--check, would change) the text.
    changed: bool,
    /// The original and the fixed text (kept for --diff and standard input only).
    change: Option<Change>,
    stdin: bool,
    /// Named on the command line (so skipping it deserves a warning).
    explicit: bool,
    /// Standard input exactly as read, echoed by `fix` when there is nothing else to print.
    stdin_bytes: Option<Vec<u8>>,
    /// `upgrade`: the versions of the markers bumped in this file.
    bumped_from: Vec<(idplint_linter::Product, idplint_linter::ProductVersion)>,
    /// `upgrade`: the file starts Keycloak with `--optimized`.
    optimized: bool,
    /// `upgrade`: the Kubernetes workloads running Kratos in this file (for the plan).
    workloads: Vec<crate::workloads::Workload>,
    /// `check`: the text and options of a file read but not yet linted; files are linted
    /// together afterwards so cross-file rules see the whole run.
    pending: Option<(String, LintOptions)>,
}

pub fn run(
    registry: &Registry,
    common: &CommonArgs,
    mode: Mode,
    unsafe_fixes: bool,
    streams: &mut Streams,
) -> Result<u8, Failure> {
    run_with(registry, common, mode, unsafe_fixes, None, None, streams)
}

/// `idplint check`, with `--base REF` when given.
pub fn check(
    registry: &Registry,
    common: &CommonArgs,
    base: Option<&str>,
    streams: &mut Streams,
) -> Result<u8, Failure> {
    run_with(registry, common, Mode::Check, false, None, base, streams)
}

/// What `idplint upgrade` adds to `fix`: the versions to bump markers to, and what the run
/// found out for the plan.
#[derive(Debug, Default)]
pub struct UpgradeRun {
    pub to: Vec<(idplint_linter::Product, idplint_linter::ProductVersion)>,
    /// Versions the markers had before the bump, over all files.
    pub from: Vec<(idplint_linter::Product, idplint_linter::ProductVersion)>,
    /// Some file starts Keycloak with `--optimized` (the image must be rebuilt).
    pub optimized: bool,
    /// Files whose text changed (or would).
    pub changed: Vec<String>,
    /// Kubernetes workloads running Kratos, over all files, in file then source order.
    pub workloads: Vec<crate::workloads::Workload>,
    /// With `--format json`, the findings array, printed with the plan.
    pub findings_json: Option<Vec<u8>>,
}

pub fn run_with(
    registry: &Registry,
    common: &CommonArgs,
    mode: Mode,
    unsafe_fixes: bool,
    mut upgrade: Option<&mut UpgradeRun>,
    base: Option<&str>,
    streams: &mut Streams,
) -> Result<u8, Failure> {
    let bump_to = upgrade.as_ref().map(|u| u.to.clone());
    let bump_to = bump_to.as_deref();
    validate_selectors(registry, &common.select, "--select")?;
    validate_selectors(registry, &common.ignore, "--ignore")?;
    let cwd = std::env::current_dir()
        .map_err(|error| Failure::new(format!("cannot read the current directory: {error}")))?;
    if let Some(reference) = base {
        idplint_server::git::verify_reference(reference, &cwd).map_err(Failure::new)?;
    }
    let overrides = Overrides {
        select: non_empty(&common.select),
        ignore: non_empty(&common.ignore),
        targets: common.target.clone(),
        currents: common.current.clone(),
        unsafe_fixes,
    };
    let resolver =
        Arc::new(Resolver::new(common.config.as_deref(), &cwd, overrides).map_err(Failure::new)?);
    if common.stdin_filename.is_some() && !common.paths.is_empty() && !has_stdin(&common.paths) {
        streams.warn(
            "--stdin-filename only names standard input; pass `-` as a PATH to read it (ignored)",
        );
    }
    let discovery = discover::discover(
        &common.paths,
        common.stdin_filename.as_deref(),
        &cwd,
        &resolver,
    )
    .map_err(Failure::new)?;
    // Settings are needed per file before linting; read them all now so a broken
    // idplint.toml stops the run before anything is written.
    for input in &discovery.inputs {
        let _ = resolver.options_for(&input.path);
    }
    let config_errors = resolver.errors();
    if !config_errors.is_empty() {
        return Err(Failure::new(config_errors.join("\n")));
    }
    for loaded in resolver.loaded() {
        let Some(file) = &loaded.file else { continue };
        for (key, selectors) in [
            ("select", &loaded.settings.base.select),
            ("ignore", &loaded.settings.base.ignore),
        ] {
            for selector in selectors {
                if let Err(message) = check_selector(registry, selector) {
                    streams.warn(&format!("{}: {key}: {message}", file.display()));
                }
            }
        }
    }

    let any_stdin = discovery.inputs.iter().any(|i| i.stdin);
    let (stdin_inputs, file_inputs): (Vec<Input>, Vec<Input>) =
        discovery.inputs.into_iter().partition(|i| i.stdin);
    // `check` lints the files together, and a file without a version of its own takes the
    // one release the others agree on; `fix` works file by file, so it learns that release
    // first (one extra parse per file) to fix what `check` reports.
    let agreed = match mode {
        // One file agrees with itself: the engine already shares its versions among its units.
        Mode::Fix(_) if file_inputs.len() > 1 => Some(agreed_versions(&resolver, &file_inputs)),
        Mode::Fix(_) => None,
        Mode::Check => None,
    };
    let pass = Pass {
        mode,
        bump_to,
        base,
        agreed: agreed.as_ref(),
    };
    let mut outcomes: Vec<Outcome> = file_inputs
        .into_par_iter()
        .map(|input| {
            let loaded = read::file(&input.path);
            process(registry, &resolver, &input, loaded, None, pass)
        })
        .collect();
    for input in stdin_inputs {
        if input.excluded {
            if mode == Mode::Fix(FixMode::Write) {
                match read::stdin() {
                    Ok((_, bytes)) => streams.out_bytes(&bytes),
                    Err(error) => {
                        return Err(Failure::new(format!("cannot read standard input: {error}")));
                    }
                }
            }
            continue;
        }
        let (loaded, bytes) = match read::stdin() {
            Ok((loaded, bytes)) => (Ok(loaded), Some(bytes)),
            Err(error) => (Err(error), None),
        };
        outcomes.push(process(
            registry,
            &resolver,
            &input,
            loaded,
            bytes,
            Pass { base: None, ..pass },
        ));
    }
    outcomes.sort_by(|a, b| a.display.cmp(&b.display));
    lint_runs(registry, &mut outcomes);

    let mut tool_error = !discovery.errors.is_empty();
    for error in &discovery.errors {
        streams.error(error);
    }
    for outcome in &outcomes {
        if let Some(error) = &outcome.error {
            tool_error = true;
            streams.error(error);
        }
        if let Some(failure) = &outcome.fix_failure {
            streams.error(&format!(
                "{}: fixes not applied: {failure}",
                outcome.display
            ));
        }
        if outcome.skipped && outcome.error.is_none() && outcome.explicit && !outcome.stdin {
            streams.warn(&format!(
                "{}: not a file idplint reads (YAML, JSON, XML, .env, .conf, .properties or a Dockerfile); skipped",
                outcome.display
            ));
        }
    }
    let linted: Vec<&Outcome> = outcomes.iter().filter(|o| !o.skipped).collect();
    if linted.is_empty() && !tool_error && !any_stdin {
        streams.warn(
            "no files to check: idplint reads YAML, JSON, XML, .env, .conf and .properties files and Dockerfiles (check the paths, .gitignore and `exclude`)",
        );
    }

    // Standard input being fixed: the text goes to stdout, everything else to stderr.
    let stdin_fixed = mode == Mode::Fix(FixMode::Write) && any_stdin;
    if stdin_fixed {
        for outcome in outcomes.iter().filter(|o| o.stdin) {
            let bytes: &[u8] = match (&outcome.change, &outcome.stdin_bytes) {
                (Some(change), _) => change.after.as_bytes(),
                (None, Some(bytes)) => bytes,
                (None, None) => &[],
            };
            streams.out_bytes(bytes);
        }
    }

    let format: OutputFormat = common.format.into();
    let results: Vec<FileResult<'_>> = linted
        .iter()
        .map(|o| FileResult {
            path: &o.display,
            text: &o.text,
            report: &o.report,
        })
        .collect();
    let summary = Summary::of(&results);
    let rules = RuleIndex::new(registry.metas());
    let applied: usize = outcomes.iter().map(|o| o.applied).sum();
    let changed: Vec<&Outcome> = outcomes.iter().filter(|o| o.changed).collect();
    if let Some(upgrade) = upgrade.as_deref_mut() {
        for outcome in &outcomes {
            upgrade.from.extend(outcome.bumped_from.iter().cloned());
            upgrade.optimized |= outcome.optimized;
            upgrade.workloads.extend(outcome.workloads.iter().cloned());
        }
        upgrade.changed = changed.iter().map(|o| o.display.clone()).collect();
    }

    if mode == Mode::Fix(FixMode::Diff) {
        let mut output = Vec::new();
        for outcome in &changed {
            if let Some(change) = &outcome.change {
                let before = mask(&change.before, &change.before_secrets);
                let after = mask(&change.after, &change.after_secrets);
                let diff = similar::TextDiff::from_lines(before.as_str(), after.as_str());
                let patch = diff
                    .unified_diff()
                    .context_radius(3)
                    .header(&outcome.display, &outcome.display)
                    .to_string();
                output.extend_from_slice(patch.as_bytes());
            }
        }
        emit(&output, common.output_file.as_deref(), false, streams)?;
        if !changed.is_empty() {
            streams.note(&format!(
                "Would fix {} in {}; run `idplint fix` to apply.",
                plural(applied, "problem", "problems"),
                plural(changed.len(), "file", "files")
            ));
        }
    } else {
        let to_stderr = stdin_fixed;
        let is_terminal = if common.output_file.is_some() {
            false
        } else if to_stderr {
            std::io::stderr().is_terminal()
        } else {
            std::io::stdout().is_terminal()
        };
        let color = ColorChoice::from(common.color)
            .should_color(is_terminal, |name| std::env::var(name).ok());
        let text_options = TextOptions {
            color,
            summary: true,
            unsafe_fixes,
        };
        let mut buffer = Vec::new();
        idplint_output::render(
            format,
            &mut buffer,
            &results,
            &rules,
            &text_options,
            env!("CARGO_PKG_VERSION"),
        )
        .map_err(|error| Failure::new(format!("cannot render the report: {error}")))?;
        match upgrade {
            // `upgrade --format json` prints one document: the findings and the plan.
            Some(upgrade) if format == OutputFormat::Json => upgrade.findings_json = Some(buffer),
            _ => emit(&buffer, common.output_file.as_deref(), to_stderr, streams)?,
        }
        match mode {
            Mode::Fix(FixMode::Write) if format == OutputFormat::Text && applied > 0 => {
                streams.note(&format!(
                    "Fixed {} in {}.",
                    plural(applied, "problem", "problems"),
                    plural(changed.len(), "file", "files")
                ));
            }
            Mode::Fix(FixMode::Check) => {
                for outcome in &changed {
                    streams.note(&format!(
                        "Would fix {} in {}",
                        plural(outcome.applied, "problem", "problems"),
                        outcome.display
                    ));
                }
                if !changed.is_empty() {
                    streams.note(&format!(
                        "{} would be changed; run `idplint fix` to apply.",
                        plural(changed.len(), "file", "files")
                    ));
                }
            }
            _ => {}
        }
    }

    let fail_on = Severity::from(common.fail_on);
    let fix_failed = outcomes.iter().any(|o| o.fix_failure.is_some());
    let code = if tool_error {
        2
    } else if common.exit_zero {
        0
    } else {
        let findings = summary.at_least(fail_on) > 0;
        let fails = match mode {
            Mode::Check | Mode::Fix(FixMode::Write) => findings || fix_failed,
            Mode::Fix(FixMode::Check) => findings || fix_failed || !changed.is_empty(),
            Mode::Fix(FixMode::Diff) => fix_failed || !changed.is_empty(),
        };
        u8::from(fails)
    };
    Ok(code)
}

/// Send the report to `--output-file` when given (replacing it), else to standard output (or
/// standard error while standard output carries fixed text).
pub fn emit(
    bytes: &[u8],
    output_file: Option<&std::path::Path>,
    to_stderr: bool,
    streams: &mut Streams,
) -> Result<(), Failure> {
    match output_file {
        Some(path) => std::fs::write(path, bytes).map_err(|error| {
            Failure::new(format!(
                "cannot write the report to {}: {error}",
                path.display()
            ))
        }),
        None if to_stderr => {
            streams.err_bytes(bytes);
            Ok(())
        }
        None => {
            streams.out_bytes(bytes);
            Ok(())
        }
    }
}

/// Lint every pending file (`check`) as part of a run, so cross-file rules (an identity schema
/// named by a config but missing from the files) see all of them. Files that resolve to the
/// same `--target`/`--current`/`[target]` versions form one run (usually all of them); each
/// keeps its own `select`/`ignore`/`per-file-ignores`. The runs are independent and linted in
/// parallel. `fix` stays per file: its fixes are verified by re-linting that file alone, so
/// they never depend on other files; it only takes the run's agreed release first
/// (`agreed_versions`).
fn lint_runs(registry: &Registry, outcomes: &mut [Outcome]) {
    type VersionKey = (
        std::collections::BTreeMap<idplint_linter::Product, idplint_linter::ProductVersion>,
        std::collections::BTreeMap<idplint_linter::Product, idplint_linter::ProductVersion>,
    );
    let mut runs: Vec<(VersionKey, Vec<usize>)> = Vec::new();
    for (index, outcome) in outcomes.iter().enumerate() {
        let Some((_, options)) = &outcome.pending else {
            continue;
        };
        let key = (options.targets.clone(), options.currents.clone());
        match runs.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(index),
            None => runs.push((key, vec![index])),
        }
    }
    let reports: Vec<(usize, FileReport)> = runs
        .par_iter()
        .flat_map_iter(|(_, members)| {
            let files: Vec<(&str, &str, &LintOptions)> = members
                .iter()
                .filter_map(|&i| {
                    let outcome = &outcomes[i];
                    let (text, options) = outcome.pending.as_ref()?;
                    Some((outcome.display.as_str(), text.as_str(), options))
                })
                .collect();
            let reports = idplint_linter::lint_files_each(registry, &files);
            members.clone().into_iter().zip(reports)
        })
        .collect();
    for (index, report) in reports {
        if let Some(outcome) = outcomes.get_mut(index)
            && let Some((text, _)) = outcome.pending.take()
        {
            outcome.text = keep_if_needed(text, &report);
            outcome.report = report;
        }
    }
}

/// What a run does with each input: check or fix, the `upgrade` version bumps, the
/// `check --base` revision.
#[derive(Clone, Copy)]
struct Pass<'a> {
    mode: Mode,
    bump_to: Option<&'a [(idplint_linter::Product, idplint_linter::ProductVersion)]>,
    base: Option<&'a str>,
    /// `fix`: the release per product the files of the run agree on.
    agreed: Option<&'a Agreed>,
}

type Agreed = std::collections::BTreeMap<idplint_linter::Product, idplint_linter::ProductVersion>;

/// The one release per product that the files agree on, counting only files whose settings do
/// not pin that product (what `engine::lint_files` does for a run).
fn agreed_versions(resolver: &Resolver, inputs: &[Input]) -> Agreed {
    let found: Vec<(idplint_linter::Product, idplint_linter::ProductVersion)> = inputs
        .par_iter()
        .filter(|input| !input.excluded)
        .flat_map_iter(|input| {
            let options = resolver.options_for(&input.path).lint;
            let text = match read::file(&input.path) {
                Ok(Loaded::Text(text)) => text,
                _ => return Vec::new(),
            };
            idplint_linter::checked_versions(&input.display, &text, &options)
                .into_iter()
                .filter(|(product, _)| {
                    !options.targets.contains_key(product)
                        && !options.currents.contains_key(product)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    idplint_linter::agreed_versions(found, &idplint_linter::LintOptions::default())
}

/// Read, lint or fix one input.
fn process(
    registry: &Registry,
    resolver: &Resolver,
    input: &Input,
    loaded: std::io::Result<Loaded>,
    stdin_bytes: Option<Vec<u8>>,
    pass: Pass<'_>,
) -> Outcome {
    let Pass {
        mode,
        bump_to,
        base,
        agreed,
    } = pass;
    let mut outcome = Outcome {
        display: input.display.clone(),
        stdin: input.stdin,
        explicit: input.explicit,
        stdin_bytes,
        ..Outcome::default()
    };
    let what = if input.stdin {
        "standard input".to_string()
    } else {
        input.display.clone()
    };
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(error) => {
            outcome.skipped = true;
            outcome.error = Some(format!("cannot read {what}: {error}"));
            return outcome;
        }
    };
    let text = match loaded {
        // Files recognised only by content are not worth reporting when they cannot even
        // be read as text: they are almost always binaries or unrelated documents.
        Loaded::TooLarge(_) | Loaded::NotUtf8(_) if !input.by_name => {
            outcome.skipped = true;
            return outcome;
        }
        Loaded::TooLarge(size) => {
            outcome.report = read::too_large_report(size);
            return outcome;
        }
        Loaded::NotUtf8(bytes) => {
            outcome.report = read::not_utf8_report(&bytes);
            // Lossy text keeps every byte offset up to the first invalid byte, which is
            // where the diagnostic points.
            outcome.text = String::from_utf8_lossy(&bytes).into_owned();
            return outcome;
        }
        Loaded::Text(text) => text,
    };
    let Some(format) = sniff_format(&input.display, &text) else {
        outcome.skipped = true;
        if input.stdin {
            outcome.error = Some(
                "cannot tell the format of standard input; pass --stdin-filename with the file's name (e.g. --stdin-filename kratos.yml)"
                    .to_string(),
            );
        }
        return outcome;
    };
    // Source code is only read when it may call the Kratos SDK, so a repository walk neither
    // counts nor parses the rest.
    if let FileFormat::Code(language) = format
        && !sdk::may_import_sdk(language, &text)
    {
        outcome.skipped = true;
        return outcome;
    }
    let options = resolver.options_for(&input.path);
    let path = input.display.as_str();
    let fix_mode = match mode {
        Mode::Check => {
            let mut lint = options.lint;
            if let Some(reference) = base
                && !input.stdin
                && idplint_linter::products::wants_base(path, &text)
            {
                lint.base_text = idplint_server::git::show(reference, &input.path);
            }
            outcome.pending = Some((text, lint));
            return outcome;
        }
        Mode::Fix(fix_mode) => fix_mode,
    };
    let mut lint = options.lint;
    for (product, version) in agreed.into_iter().flatten() {
        if !lint.targets.contains_key(product) && !lint.currents.contains_key(product) {
            lint.currents.insert(*product, version.clone());
        }
    }
    let mut fixed = idplint_linter::fix(registry, path, &text, &lint, options.minimum_fix);
    // `upgrade`: once the fixes are in (and only if they were accepted), bump the version
    // markers, and report on the bumped text.
    // Version markers live in configs and manifests, never in source code.
    if let Some(to) = bump_to.filter(|_| !matches!(format, FileFormat::Code(_)))
        && fixed.failure.is_none()
    {
        let base = fixed.fixed.as_deref().unwrap_or(&text);
        outcome.optimized = base.contains("--optimized");
        outcome.workloads = crate::workloads::find(&outcome.display, base);
        let bumps = crate::bump::find(base, to);
        if !bumps.is_empty() {
            let bumped = crate::bump::apply(base, &bumps);
            outcome.bumped_from = bumps.iter().map(|b| (b.product, b.from.clone())).collect();
            *fixed
                .applied
                .entry("idplint/version-bump".to_string())
                .or_default() += bumps.len();
            fixed.remaining = idplint_linter::lint_as(registry, path, &bumped, format, &lint);
            fixed.fixed = Some(bumped);
        }
    }
    outcome.fix_failure = fixed.failure;
    let Some(new_text) = fixed.fixed else {
        outcome.report = fixed.remaining;
        outcome.text = keep_if_needed(text, &outcome.report);
        return outcome;
    };
    outcome.applied = fixed.applied.values().sum();
    outcome.changed = true;
    let remaining = fixed.remaining;
    match fix_mode {
        FixMode::Write if !input.stdin => {
            match crate::write::atomically(&input.path, path, text.as_bytes(), new_text.as_bytes())
            {
                Ok(()) => {
                    outcome.report = remaining;
                    outcome.text = keep_if_needed(new_text, &outcome.report);
                }
                Err(error) => {
                    outcome.error = Some(error);
                    outcome.applied = 0;
                    outcome.changed = false;
                    // Nothing was written: report against the file as it is.
                    outcome.report = idplint_linter::lint_as(registry, path, &text, format, &lint);
                    outcome.text = keep_if_needed(text, &outcome.report);
                }
            }
        }
        FixMode::Write => {
            // Standard input: the fixed text is printed, and the report refers to it.
            outcome.report = remaining;
            outcome.text = keep_if_needed(new_text.clone(), &outcome.report);
            outcome.change = Some(Change {
                before: text,
                before_secrets: Vec::new(),
                after: new_text,
                after_secrets: Vec::new(),
            });
        }
        FixMode::Diff => {
            // Only the diff is printed; its secrets are masked on both sides.
            let before_secrets =
                idplint_linter::lint_as(registry, path, &text, format, &lint).secrets;
            outcome.change = Some(Change {
                before: text,
                before_secrets,
                after: new_text,
                after_secrets: remaining.secrets,
            });
        }
        FixMode::Check => {
            outcome.report = idplint_linter::lint_as(registry, path, &text, format, &lint);
            outcome.text = keep_if_needed(text, &outcome.report);
        }
    }
    outcome
}

/// A file's text before and after fixing, with the secret ranges of each.
#[derive(Debug)]
struct Change {
    before: String,
    before_secrets: Vec<TextRange>,
    after: String,
    after_secrets: Vec<TextRange>,
}

/// `text` with every secret range replaced by `****`, for diffs: a diff shows file content,
/// and secret values must not reach a terminal or a CI log. (The diff is then not an exact
/// patch on lines that hold a secret; `idplint fix` applies the real change.)
fn mask(text: &str, secrets: &[TextRange]) -> String {
    let mut ranges: Vec<TextRange> = secrets.to_vec();
    ranges.sort();
    let mut out = String::with_capacity(text.len());
    let mut last = 0usize;
    for range in ranges {
        let (start, end) = (range.start as usize, range.end as usize);
        if start < last
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&text[last..start]);
        out.push_str(idplint_diagnostics::REDACTED);
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

/// Drop texts that no snippet will show, so a large run does not keep every file in memory.
fn keep_if_needed(text: String, report: &FileReport) -> String {
    if report.diagnostics.is_empty() {
        String::new()
    } else {
        text
    }
}

fn has_stdin(paths: &[std::path::PathBuf]) -> bool {
    paths.iter().any(|p| p.as_os_str() == "-")
}

fn non_empty(selectors: &[String]) -> Vec<String> {
    selectors
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn validate_selectors(
    registry: &Registry,
    selectors: &[String],
    flag: &str,
) -> Result<(), Failure> {
    for selector in non_empty(selectors) {
        check_selector(registry, &selector)
            .map_err(|message| Failure::new(format!("{flag}: {message}")))?;
    }
    Ok(())
}

/// A selector must name something: `ALL`, a product, a rule id, or an id prefix.
pub fn check_selector(registry: &Registry, selector: &str) -> Result<(), String> {
    let selector = selector.trim();
    let product = selector.trim_end_matches('/');
    if selector.eq_ignore_ascii_case("all")
        || idplint_linter::Product::parse(product).is_some()
        || product == "idplint"
    {
        return Ok(());
    }
    let builtins = [
        builtin::PARSE_ERROR,
        builtin::UNUSED_SUPPRESSION,
        builtin::VERSION_UNKNOWN,
        builtin::FILE_TOO_LARGE,
    ];
    let metas = registry.metas();
    let mut ids = metas.iter().map(|m| m.id.as_str()).chain(builtins);
    if ids.any(|id| matches_selector(selector, id)) {
        return Ok(());
    }
    let suggestion = idplint_linter::suggest::closest(
        selector,
        metas.iter().map(|m| m.id.as_str()).chain(builtins),
    )
    .map(|id| format!(" Did you mean `{id}`?"))
    .unwrap_or_default();
    Err(format!(
        "`{selector}` matches no rule.{suggestion} Run `idplint rules` to list rule ids"
    ))
}

fn plural(count: usize, singular: &str, plural: &str) -> String {
    if count == 1 {
        format!("{count} {singular}")
    } else {
        format!("{count} {plural}")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn masks_secrets_for_diffs() {
        let text = "a=1\nKC_DB_PASSWORD=hunter22\nb=é\n";
        let start = text.find("hunter22").unwrap();
        let secret = TextRange::from_usize(start, start + 8);
        assert_eq!(mask(text, &[secret]), "a=1\nKC_DB_PASSWORD=****\nb=é\n");
        // Out-of-bounds or mid-character ranges are skipped rather than trusted.
        let bad = TextRange::from_usize(text.len() - 2, text.len() + 5);
        assert_eq!(mask(text, &[bad]), text);
    }

    #[test]
    fn selectors_must_name_something() {
        let Ok(registry) = idplint_linter::registry() else {
            return;
        };
        assert!(check_selector(registry, "kratos").is_ok());
        assert!(check_selector(registry, "ALL").is_ok());
        assert!(check_selector(registry, "idplint/unused-suppression").is_ok());
        assert!(check_selector(registry, "idplint/").is_ok());
        let error = check_selector(registry, "idplint/unused-supression").unwrap_err();
        assert!(
            error.contains("Did you mean `idplint/unused-suppression`"),
            "{error}"
        );
        assert!(check_selector(registry, "hydra").is_err());
    }
}
