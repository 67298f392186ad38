//! The lint entry point and the fix loop. The CLI, the language server and the tests all come
//! through here with `(path, text)` pairs; nothing below touches the filesystem.

use crate::options::LintOptions;
use crate::products;
use crate::registry::{Registry, builtin};
use crate::rule::{ProjectContext, ProjectDiagnostic, ProjectUnit, RuleContext, UnitMemo};
use crate::source::{FileFormat, ParsedFile, sniff_format};
use crate::unit::{DetectedVersion, TreeUnit, Unit, UnitContent};
use crate::version::{Product, ProductVersion, Versions, image_version};
use idplint_diagnostics::{
    Applicability, Diagnostic, Edit, LineIndex, Severity, TextRange, apply_edits,
};
use idplint_syntax::{Node, NodeKind};
use std::collections::{BTreeMap, BTreeSet};

/// Files larger than this are reported, not parsed: no real identity-provider config comes
/// near it, and it bounds memory and time on hostile input.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The result of linting one file.
#[derive(Clone, Debug, Default)]
pub struct FileReport {
    /// Sorted by position, in host-file coordinates.
    pub diagnostics: Vec<Diagnostic>,
    /// Host ranges of secret values; renderers must mask them.
    pub secrets: Vec<TextRange>,
    /// Whether the file failed to parse (it must then never be written).
    pub parse_failed: bool,
    /// Whether idplint reads this kind of file at all.
    pub recognised: bool,
    /// A one-line description of each unit found ("Kratos config (kratos.yml)").
    pub units: Vec<String>,
}

/// Lint one file's text. `path` decides the format (and is used in messages only).
pub fn lint(registry: &Registry, path: &str, text: &str, options: &LintOptions) -> FileReport {
    let Some(format) = sniff_format(path, text) else {
        return FileReport::default();
    };
    lint_as(registry, path, text, format, options)
}

/// Lint one file's text as `format`.
pub fn lint_as(
    registry: &Registry,
    path: &str,
    text: &str,
    format: FileFormat,
    options: &LintOptions,
) -> FileReport {
    let mut stages = [prepare(path, text, format, options)];
    // The run is this one file: its units share versions and cross-file rules see it alone.
    inherit_run_versions(&mut stages, options);
    let [stage] = stages;
    match stage {
        Prepared::Done(report) => report,
        Prepared::Ready(mut file) => {
            run_unit_rules(registry, &mut file, options);
            run_project_rules(registry, &mut [&mut *file], &[path], &|id: &str| {
                options.is_enabled(id)
            });
            finish(*file, options)
        }
    }
}

/// Lint the files of one run together: each file exactly as [`lint`] would, plus the
/// cross-file ("project") rules over the units of all of them (a config naming an identity
/// schema that is not among the files). Reports come back in the order of `files`.
///
/// The run is all of `files` instead of one file:
/// - project rules see every unit of the run;
/// - a unit without any version of its own (an identity schema, a `.env` file without an
///   image) takes the version the rest of the run agrees on, when exactly one version of its
///   product was found in the run and the command line or `idplint.toml` set none (for a
///   single file, the versions found in that file).
///
/// Nothing here touches the filesystem: callers pass `(path, text)` pairs.
pub fn lint_files(
    registry: &Registry,
    files: &[(&str, &str)],
    options: &LintOptions,
) -> Vec<FileReport> {
    let files: Vec<(&str, &str, &LintOptions)> = files
        .iter()
        .map(|(path, text)| (*path, *text, options))
        .collect();
    lint_files_each(registry, &files)
}

/// [`lint_files`] where each file brings its own options (its `idplint.toml`'s `select`,
/// `ignore`, `per-file-ignores` and severities), so one run can span files with different
/// settings. Versions are a property of the run: the `targets` and `currents` of the first
/// file apply to all of them, so callers group files by those first. A cross-file rule runs
/// when any file enables it; its findings are then filtered by the options of the file they
/// land in.
pub fn lint_files_each(
    registry: &Registry,
    files: &[(&str, &str, &LintOptions)],
) -> Vec<FileReport> {
    let stages = lint_run(registry, files, &|_| true);
    stages
        .into_iter()
        .zip(files)
        .map(|(stage, (_, _, options))| match stage {
            Prepared::Done(report) => report,
            Prepared::Ready(file) => finish(*file, options),
        })
        .collect()
}

/// Lint one file as part of a run with `context`, the files around it, and report on that
/// file only: the context files take part in cross-file rules and in the release the run
/// agrees on, but their own rules do not run. What the language server does on every edit.
pub fn lint_in_context(
    registry: &Registry,
    path: &str,
    text: &str,
    options: &LintOptions,
    context: &[(&str, &str)],
) -> FileReport {
    let mut files: Vec<(&str, &str, &LintOptions)> = vec![(path, text, options)];
    files.extend(context.iter().map(|(path, text)| (*path, *text, options)));
    let stage = lint_run(registry, &files, &|index| index == 0)
        .into_iter()
        .next();
    match stage {
        Some(Prepared::Ready(file)) => finish(*file, options),
        Some(Prepared::Done(report)) => report,
        None => FileReport::default(),
    }
}

/// Prepare every file, agree on versions, run the unit rules of the files `unit_rules_on`
/// accepts (by index), then the cross-file rules over all of them.
fn lint_run<'a>(
    registry: &Registry,
    files: &[(&'a str, &'a str, &LintOptions)],
    unit_rules_on: &dyn Fn(usize) -> bool,
) -> Vec<Prepared<'a>> {
    let Some((_, _, run_options)) = files.first() else {
        return Vec::new();
    };
    let mut stages: Vec<Prepared<'a>> = files
        .iter()
        .map(|(path, text, options)| match sniff_format(path, text) {
            Some(format) => prepare(path, text, format, options),
            None => Prepared::Done(FileReport::default()),
        })
        .collect();
    inherit_run_versions(&mut stages, run_options);
    for (index, (stage, (_, _, options))) in stages.iter_mut().zip(files).enumerate() {
        if let Prepared::Ready(file) = stage
            && unit_rules_on(index)
        {
            run_unit_rules(registry, file, options);
        }
    }
    let paths: Vec<&str> = files.iter().map(|(path, _, _)| *path).collect();
    let mut ready: Vec<&mut ReadyFile<'_>> = stages
        .iter_mut()
        .filter_map(|stage| match stage {
            Prepared::Ready(file) => Some(&mut **file),
            Prepared::Done(_) => None,
        })
        .collect();
    let enabled = |id: &str| files.iter().any(|(_, _, options)| options.is_enabled(id));
    run_project_rules(registry, &mut ready, &paths, &enabled);
    stages
}

/// A file after parsing, unit extraction and version resolution, before any rule ran.
struct ReadyFile<'a> {
    file: ParsedFile<'a>,
    units: Vec<Unit>,
    versions: Vec<Versions>,
    /// Findings so far, in host coordinates.
    diagnostics: Vec<Diagnostic>,
    report: FileReport,
}

enum Prepared<'a> {
    /// Nothing more to do (not read, too large, does not parse).
    Done(FileReport),
    Ready(Box<ReadyFile<'a>>),
}

fn prepare<'a>(
    path: &'a str,
    text: &'a str,
    format: FileFormat,
    options: &LintOptions,
) -> Prepared<'a> {
    let mut report = FileReport {
        recognised: true,
        ..FileReport::default()
    };
    if text.len() > MAX_FILE_BYTES {
        report.parse_failed = true;
        report.diagnostics.push(Diagnostic::new(
            builtin::FILE_TOO_LARGE,
            Severity::Error,
            format!(
                "File is {} MiB, larger than the {} MiB idplint reads; it was not checked",
                text.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            TextRange::empty(0),
        ));
        return Prepared::Done(report);
    }
    let file = match ParsedFile::parse(path, text, format) {
        Ok(file) => file,
        Err(error) => {
            report.parse_failed = true;
            let mut diagnostic = parse_error_diagnostic(text, &error);
            // A template can be valid Terraform and still not JSON once masked (a `%{ else }`
            // branch leaves two items): say so once, as information, not as a broken file.
            if crate::source::is_terraform_template(path) {
                diagnostic.severity = Severity::Info;
                diagnostic.message = format!(
                    "this Terraform template is not JSON even with its `${{...}}` and `%{{...}}` sequences masked ({}); it was not checked",
                    error.message
                );
            }
            report.diagnostics.push(diagnostic);
            return Prepared::Done(report);
        }
    };
    let mut units = Vec::new();
    for module in products::all() {
        module.extract_units(&file, &mut units);
    }
    let file_versions = file_level_versions(&file);
    let versions = units
        .iter()
        .map(|unit| resolve_versions(unit.kind.product(), unit, &file_versions, options))
        .collect();
    for unit in &units {
        report.units.push(unit.label.clone());
        report.secrets.extend(unit.secrets.iter().copied());
    }
    Prepared::Ready(Box::new(ReadyFile {
        file,
        units,
        versions,
        diagnostics: Vec::new(),
        report,
    }))
}

/// The releases the units of one file are checked for (units without one add nothing), as
/// `lint_files` sees them before a run agrees on a version. The CLI's `fix`, which works file
/// by file, uses them to give a file the release its run agrees on, as `check` does.
pub fn checked_versions(
    path: &str,
    text: &str,
    options: &LintOptions,
) -> Vec<(Product, ProductVersion)> {
    let Some(format) = crate::source::sniff_format(path, text) else {
        return Vec::new();
    };
    match prepare(path, text, format, options) {
        Prepared::Done(_) => Vec::new(),
        Prepared::Ready(file) => file
            .units
            .iter()
            .zip(&file.versions)
            .filter_map(|(unit, versions)| Some((unit.kind.product(), versions.checked()?.clone())))
            .collect(),
    }
}

/// The one release per product that all of `versions` agree on, for products `options` does
/// not pin: what `lint_files` gives units without a version of their own.
pub fn agreed_versions(
    versions: impl IntoIterator<Item = (Product, ProductVersion)>,
    options: &LintOptions,
) -> BTreeMap<Product, ProductVersion> {
    let mut seen: BTreeMap<Product, BTreeSet<ProductVersion>> = BTreeMap::new();
    for (product, version) in versions {
        seen.entry(product).or_default().insert(version);
    }
    seen.into_iter()
        .filter(|(product, _)| {
            !options.targets.contains_key(product) && !options.currents.contains_key(product)
        })
        .filter_map(|(product, versions)| {
            (versions.len() == 1)
                .then(|| versions.into_iter().next())
                .flatten()
                .map(|v| (product, v))
        })
        .collect()
}

/// Units without a version take the one version of their product the run agrees on.
fn inherit_run_versions(stages: &mut [Prepared<'_>], options: &LintOptions) {
    for product in Product::ALL {
        if options.targets.contains_key(&product) || options.currents.contains_key(&product) {
            continue;
        }
        let mut seen = BTreeSet::new();
        for stage in stages.iter() {
            let Prepared::Ready(file) = stage else {
                continue;
            };
            for (unit, versions) in file.units.iter().zip(&file.versions) {
                if unit.kind.product() == product
                    && let Some(version) = versions.checked()
                {
                    seen.insert(version.clone());
                }
            }
        }
        let Some(version) = seen.first().filter(|_| seen.len() == 1).cloned() else {
            continue;
        };
        for stage in stages.iter_mut() {
            let Prepared::Ready(file) = stage else {
                continue;
            };
            let ReadyFile {
                units, versions, ..
            } = &mut **file;
            for (unit, versions) in units.iter().zip(versions.iter_mut()) {
                if unit.kind.product() == product && !versions.is_known() {
                    *versions = Versions {
                        current: Some(version.clone()),
                        target: Some(version.clone()),
                    };
                }
            }
        }
    }
}

fn run_unit_rules(registry: &Registry, ready: &mut ReadyFile<'_>, options: &LintOptions) {
    let mut unknown_reported = BTreeSet::new();
    for (unit, versions) in ready.units.iter().zip(&ready.versions) {
        let product = unit.kind.product();
        // Only worth saying when some rule for this kind of unit depends on a version.
        let version_keyed = registry
            .rules()
            .iter()
            .any(|r| r.checks_unit(unit.kind) && r.meta().release.is_some());
        if !versions.is_known() && version_keyed && unknown_reported.insert(product) {
            ready
                .diagnostics
                .push(version_unknown_diagnostic(product, unit, &ready.file));
        }
        let memo = UnitMemo::default();
        for rule in registry.rules() {
            if !rule.checks_unit(unit.kind) || !options.is_enabled(&rule.meta().id) {
                continue;
            }
            let ctx = RuleContext {
                file: &ready.file,
                unit,
                versions,
                meta: rule.meta(),
                memo: &memo,
                base: options.base_text.as_deref(),
            };
            let mut found = Vec::new();
            rule.check(&ctx, &mut found);
            ready
                .diagnostics
                .extend(found.into_iter().map(|d| unit_to_host(unit, d)));
        }
    }
}

/// Run every cross-file rule once over the units of `files`.
fn run_project_rules(
    registry: &Registry,
    files: &mut [&mut ReadyFile<'_>],
    paths: &[&str],
    enabled: &dyn Fn(&str) -> bool,
) {
    let mut found: Vec<(usize, Diagnostic)> = Vec::new();
    {
        let mut units = Vec::new();
        let parsed: Vec<&ParsedFile<'_>> = files.iter().map(|f| &f.file).collect();
        // Which file each unit of the run came from.
        let mut owners = Vec::new();
        for (index, file) in files.iter().enumerate() {
            for (unit, versions) in file.units.iter().zip(&file.versions) {
                units.push(ProjectUnit {
                    file: &file.file,
                    unit,
                    versions,
                });
                owners.push(index);
            }
        }
        for rule in registry.rules() {
            if !enabled(&rule.meta().id) {
                continue;
            }
            let ctx = ProjectContext {
                paths,
                files: &parsed,
                units: &units,
                meta: rule.meta(),
            };
            let mut out = Vec::new();
            rule.check_project(&ctx, &mut out);
            for ProjectDiagnostic { unit, diagnostic } in out {
                // A rule naming a unit that does not exist is a bug in the rule; drop it
                // rather than misplace it.
                if let (Some(owner), Some(project_unit)) = (owners.get(unit), units.get(unit)) {
                    found.push((*owner, unit_to_host(project_unit.unit, diagnostic)));
                } else if let Some(file) = unit
                    .checked_sub(units.len())
                    .filter(|file| *file < parsed.len())
                {
                    found.push((file, diagnostic));
                }
            }
        }
    }
    for (owner, diagnostic) in found {
        if let Some(file) = files.get_mut(owner) {
            file.diagnostics.push(diagnostic);
        }
    }
}

/// Map a diagnostic in a unit's coordinates to its host file.
fn unit_to_host(unit: &Unit, diagnostic: Diagnostic) -> Diagnostic {
    match &unit.content {
        UnitContent::Tree(TreeUnit { map: Some(map), .. }) => map.diagnostic_to_host(diagnostic),
        _ => diagnostic,
    }
}

/// Selection, suppressions and severity overrides; sorted, deduplicated findings.
fn finish(ready: ReadyFile<'_>, options: &LintOptions) -> FileReport {
    let ReadyFile {
        file,
        mut diagnostics,
        mut report,
        ..
    } = ready;
    diagnostics.retain(|d| options.is_enabled(&d.code));
    let report_unused = options.is_enabled(builtin::UNUSED_SUPPRESSION);
    let mut diagnostics = crate::suppression::apply(
        file.text,
        file.format,
        &file.line_index,
        diagnostics,
        report_unused,
    );
    for diagnostic in &mut diagnostics {
        if let Some(severity) = options.severity.get(&diagnostic.code) {
            diagnostic.severity = *severity;
        }
    }
    diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, &a.code).cmp(&(b.range.start, b.range.end, &b.code))
    });
    diagnostics.dedup_by(|a, b| a.code == b.code && a.range == b.range && a.message == b.message);
    report.secrets.sort();
    report.secrets.dedup();
    report.diagnostics = diagnostics;
    report
}

fn parse_error_diagnostic(text: &str, error: &idplint_syntax::ParseError) -> Diagnostic {
    let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
    let start = error.range.start.min(len);
    let end = error.range.end.clamp(start, len);
    Diagnostic::new(
        builtin::PARSE_ERROR,
        Severity::Error,
        format!(
            "{}; the file was not checked further and will not be rewritten",
            error.message
        ),
        TextRange::new(start, end),
    )
}

/// The parse-error diagnostic for bytes that are not UTF-8, at the first bad byte.
pub fn invalid_utf8_diagnostic(bytes: &[u8]) -> Diagnostic {
    let at = std::str::from_utf8(bytes)
        .err()
        .map_or(0, |e| e.valid_up_to());
    Diagnostic::new(
        builtin::PARSE_ERROR,
        Severity::Error,
        format!(
            "File is not valid UTF-8 (first invalid byte at offset {at}); re-save it as UTF-8. It was not checked and will not be rewritten"
        ),
        TextRange::from_usize(at, at),
    )
}

fn version_unknown_diagnostic(product: Product, unit: &Unit, file: &ParsedFile<'_>) -> Diagnostic {
    let _ = file;
    let name = match product {
        Product::Kratos => "Ory Kratos",
        Product::Keycloak => "Keycloak",
        Product::KeycloakWildfly => "Keycloak (WildFly)",
        Product::Serverless => "Serverless Framework",
        Product::Idplint => "idplint",
    };
    let example = match product {
        Product::Kratos => "kratos=v1.3.1",
        Product::Keycloak => "keycloak=26.4",
        Product::KeycloakWildfly => "keycloak-wildfly=16.1.1",
        Product::Serverless => "serverless=4",
        Product::Idplint => "",
    };
    let at = unit_anchor(unit);
    Diagnostic::new(
        builtin::VERSION_UNKNOWN,
        Severity::Info,
        format!("No {name} version is known for {}; version-keyed rules were skipped", unit.label),
        TextRange::empty(at),
    )
    .with_help(format!(
        "Pass `--target {example}` (and `--current` for upgrades), or add `[target]` to idplint.toml"
    ))
}

/// Where to anchor file-level notes about a unit: its first entry, in host coordinates.
fn unit_anchor(unit: &Unit) -> u32 {
    match &unit.content {
        UnitContent::Tree(tree) => {
            let start = tree.root().map_or(0, |r| r.range.start);
            tree.map.as_ref().map_or(start, |m| m.to_host(start))
        }
        UnitContent::Env(env) => env.entries.first().map_or(0, |e| e.item_range.start),
        UnitContent::Xml | UnitContent::Code(_) => 0,
    }
}

/// Versions found anywhere in the file, per product: image tags (`image: oryd/kratos:v1.1.0`).
fn file_level_versions(file: &ParsedFile<'_>) -> BTreeMap<Product, DetectedVersion> {
    let mut found = BTreeMap::new();
    let Some(doc) = file.tree() else {
        return found;
    };
    for root in &doc.roots {
        root.walk(&mut |node: &Node| {
            let NodeKind::Mapping(entries) = &node.kind else {
                return;
            };
            for entry in entries {
                if entry.key_str() != "image" {
                    continue;
                }
                let Some(image) = entry.value.as_str() else {
                    continue;
                };
                if let Some((product, version, _)) = image_version(image) {
                    found.entry(product).or_insert(DetectedVersion {
                        version,
                        range: entry.value.range,
                        what: format!("the image `{image}`"),
                    });
                }
            }
        });
    }
    found
}

/// CLI/config beat the unit's own marker, which beats (for source code) the SDK version of the
/// nearest package manifest, which beats an image elsewhere in the file. The target defaults
/// to the current version.
pub fn resolve_versions(
    product: Product,
    unit: &Unit,
    file_versions: &BTreeMap<Product, DetectedVersion>,
    options: &LintOptions,
) -> Versions {
    let current = options
        .currents
        .get(&product)
        .cloned()
        .or_else(|| unit.detected_version.as_ref().map(|d| d.version.clone()))
        .or_else(|| {
            matches!(unit.content, UnitContent::Code(_))
                .then(|| options.manifest_versions.get(&product).cloned())
                .flatten()
        })
        .or_else(|| file_versions.get(&product).map(|d| d.version.clone()));
    let target = options
        .targets
        .get(&product)
        .cloned()
        .or_else(|| current.clone());
    Versions { current, target }
}

/// The outcome of `fix` on one file.
#[derive(Clone, Debug)]
pub struct FixReport {
    /// The new text, when anything changed and verification passed.
    pub fixed: Option<String>,
    /// How many fixes of each rule were applied.
    pub applied: BTreeMap<String, usize>,
    /// What is left after fixing (of the fixed text when it changed).
    pub remaining: FileReport,
    /// Why nothing was written although fixes were available.
    pub failure: Option<String>,
}

/// Passes before the loop gives up; real configs converge in two or three.
const MAX_FIX_PASSES: usize = 20;

/// Apply fixes at or above `minimum` until nothing applicable is left, then verify.
pub fn fix(
    registry: &Registry,
    path: &str,
    text: &str,
    options: &LintOptions,
    minimum: Applicability,
) -> FixReport {
    let original = lint(registry, path, text, options);
    if original.parse_failed {
        return FixReport {
            fixed: None,
            applied: BTreeMap::new(),
            remaining: original,
            failure: None,
        };
    }
    let mut current = text.to_string();
    let mut report = original.clone();
    let mut applied: BTreeMap<String, usize> = BTreeMap::new();
    let mut passes = 0;
    loop {
        let fixes: Vec<(&str, &[Edit])> = report
            .diagnostics
            .iter()
            .filter_map(|d| {
                d.fix
                    .as_ref()
                    .filter(|f| {
                        f.applicability >= minimum && f.applicability > Applicability::DisplayOnly
                    })
                    .filter(|f| !f.edits.is_empty())
                    .map(|f| (d.code.as_str(), f.edits.as_slice()))
            })
            .collect();
        if fixes.is_empty() {
            break;
        }
        passes += 1;
        if passes > MAX_FIX_PASSES {
            let codes: BTreeSet<&str> = fixes.iter().map(|(c, _)| *c).collect();
            return FixReport {
                fixed: None,
                applied: BTreeMap::new(),
                remaining: original,
                failure: Some(format!(
                    "fixes did not converge after {MAX_FIX_PASSES} passes (rules: {}); nothing was written. Please report this as a bug",
                    codes.into_iter().collect::<Vec<_>>().join(", ")
                )),
            };
        }
        let (next, used) = apply_non_overlapping(&current, &fixes);
        if used.is_empty() {
            break;
        }
        for code in used {
            *applied.entry(code.to_string()).or_default() += 1;
        }
        current = next;
        report = lint(registry, path, &current, options);
        if report.parse_failed {
            let codes: Vec<&String> = applied.keys().collect();
            return FixReport {
                fixed: None,
                applied: BTreeMap::new(),
                remaining: original,
                failure: Some(format!(
                    "fixes from {codes:?} produced a file that no longer parses; nothing was written. Please report this as a bug"
                )),
            };
        }
    }
    if current == text {
        return FixReport {
            fixed: None,
            applied,
            remaining: report,
            failure: None,
        };
    }
    // Verification: the fixed file may not report anything the original did not.
    let before: BTreeSet<&str> = original
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    let gained: BTreeSet<&str> = report
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .filter(|c| !before.contains(c))
        .collect();
    if !gained.is_empty() {
        return FixReport {
            fixed: None,
            applied: BTreeMap::new(),
            remaining: original,
            failure: Some(format!(
                "fixing would introduce new findings ({}); nothing was written. Please report this as a bug",
                gained.into_iter().collect::<Vec<_>>().join(", ")
            )),
        };
    }
    FixReport {
        fixed: Some(current),
        applied,
        remaining: report,
        failure: None,
    }
}

/// Apply whole fixes in order of their first edit, skipping any fix that touches or overlaps
/// one already taken this pass (it gets another chance on the next pass).
fn apply_non_overlapping<'a>(text: &str, fixes: &[(&'a str, &[Edit])]) -> (String, Vec<&'a str>) {
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&i| fixes[i].1.first().map(|e| (e.range.start, e.range.end)));
    let mut taken: Vec<TextRange> = Vec::new();
    let mut edits: Vec<Edit> = Vec::new();
    let mut used = Vec::new();
    for i in order {
        let (code, fix_edits) = fixes[i];
        let clashes = fix_edits.iter().any(|e| {
            taken
                .iter()
                .any(|t| e.range.overlaps(*t) || e.range.start == t.end || e.range.end == t.start)
        });
        if clashes {
            continue;
        }
        taken.extend(fix_edits.iter().map(|e| e.range));
        edits.extend(fix_edits.iter().cloned());
        used.push(code);
    }
    match apply_edits(text, &edits) {
        Some(next) => (next, used),
        None => (text.to_string(), Vec::new()),
    }
}

/// Convenience for tests and the LSP: a line index of `text`.
pub fn line_index(text: &str) -> LineIndex {
    LineIndex::new(text)
}
