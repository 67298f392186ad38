//! The command line (DESIGN.md §5). Parsing only; the commands live in their own modules.

use clap::{Args, Parser, Subcommand, ValueEnum};
use idplint_diagnostics::Severity;
use idplint_linter::{Product, ProductVersion};
use idplint_output::{ColorChoice, OutputFormat};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "idplint",
    version,
    about = "Lint and fix identity-provider configuration (Ory Kratos, Keycloak).",
    after_help = "Exit codes: 0 nothing at or above --fail-on, 1 findings (or changes with `fix --check`/`--diff`), 2 usage, configuration or I/O errors."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Report problems in configuration files.
    Check(CheckArgs),
    /// Apply fixes (safe ones; unsafe ones too with --unsafe-fixes), then report what is left.
    Fix(FixArgs),
    /// Upgrade to a release: fix with the target's unsafe fixes, bump version markers (Kratos
    /// `version:`, image tags) and print the ordered upgrade plan (backup, migrate, deploy).
    Upgrade(UpgradeArgs),
    /// Translate a legacy configuration into the options of a newer product, e.g. a Keycloak
    /// WildFly `standalone-ha.xml` into `keycloak.conf`.
    #[command(subcommand)]
    Migrate(MigrateCommand),
    /// List every rule.
    Rules(RulesArgs),
    /// Print the documentation of one rule.
    Explain(ExplainArgs),
    /// Run the language server on standard input and output (for editors; see docs/editors.md).
    Lsp,
    /// Print a shell completion script, e.g. `idplint completions bash > ~/.local/share/bash-completion/completions/idplint`.
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one page per command into a directory.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `idplint.1` and `idplint-<command>.1` into this directory instead of printing
    /// `idplint.1`.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Compare each file with its version at this git revision (`git show REF:<path>`), for
    /// rules about changes (Serverless API keys that a deploy would replace). A file missing
    /// at REF is new and has no base.
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Also apply unsafe fixes (they need the target version, delete content, or need review).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff of the fixes instead of writing them; exit 1 if there are any.
    #[arg(long, conflicts_with = "check")]
    pub diff: bool,
    /// Write nothing; exit 1 if fixes would change a file (or findings remain).
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// A Keycloak WildFly `standalone*.xml` / `domain.xml` (Keycloak 10-19) as Quarkus options
    /// for the target release. The options go to standard output (or --output); what needs a
    /// decision is listed at the end and on standard error. Exit 1 when something blocks the
    /// first start (a missing hostname, a literal password left out, an embedded H2 database).
    KeycloakWildfly(MigrateWildflyArgs),
}

#[derive(Debug, Args)]
pub struct MigrateWildflyArgs {
    /// The legacy server configuration.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The Quarkus release to write options for, e.g. `26.4.0`. Default: the newest release
    /// idplint knows.
    #[arg(long, value_name = "VERSION", value_parser = parse_version)]
    pub to: Option<ProductVersion>,
    /// `conf` writes `keycloak.conf` lines, `env` writes `KC_*` variables.
    #[arg(long, value_enum, default_value_t = EmitArg::Conf)]
    pub emit: EmitArg,
    /// Write the options to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EmitArg {
    Conf,
    Env,
}

fn parse_version(text: &str) -> Result<ProductVersion, String> {
    ProductVersion::parse(text).ok_or_else(|| format!("`{text}` is not a version (e.g. 26.4.0)"))
}

#[derive(Debug, Args)]
pub struct UpgradeArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The release to upgrade to, e.g. `kratos=v1.3.1` or `keycloak=26.4.0` (repeatable).
    #[arg(long, required = true, value_name = "PRODUCT=VERSION", value_parser = parse_product_version)]
    pub to: Vec<(Product, ProductVersion)>,
    /// Print a unified diff of the changes instead of writing them; exit 1 if there are any.
    #[arg(long, conflicts_with = "check")]
    pub diff: bool,
    /// Write nothing; exit 1 if the upgrade would change a file (or findings remain).
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Files or directories to lint (`-` reads standard input). Default: `.`
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The version a product must run on, e.g. `kratos=v1.3.1` (repeatable).
    #[arg(long, value_name = "PRODUCT=VERSION", value_parser = parse_product_version)]
    pub target: Vec<(Product, ProductVersion)>,
    /// The version the files are written for, e.g. `kratos=v0.10.1` (repeatable).
    #[arg(long, value_name = "PRODUCT=VERSION", value_parser = parse_product_version)]
    pub current: Vec<(Product, ProductVersion)>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Write the report (or, with `fix --diff`, the diff) to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Only these rules: ids, products (`kratos`) or prefixes (`keycloak/proxy-`), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "ID,..")]
    pub select: Vec<String>,
    /// Never these rules (added to the config's `ignore`), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "ID,..")]
    pub ignore: Vec<String>,
    /// Use this idplint.toml for every file instead of the nearest one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The file name to assume for standard input (decides the format and the settings).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Exit 0 even when there are findings (errors of the tool itself still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// The lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// When to colour the text output (`NO_COLOR`, `CLICOLOR_FORCE` and `FORCE_COLOR` are honoured in `auto`).
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Human-readable, with source snippets.
    Text,
    /// An array of findings (Ruff-compatible field names).
    Json,
    /// SARIF 2.1.0, for code-scanning uploads.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// JUnit XML.
    Junit,
}

impl From<FormatArg> for OutputFormat {
    fn from(value: FormatArg) -> Self {
        match value {
            FormatArg::Text => OutputFormat::Text,
            FormatArg::Json => OutputFormat::Json,
            FormatArg::Sarif => OutputFormat::Sarif,
            FormatArg::Github => OutputFormat::Github,
            FormatArg::Gitlab => OutputFormat::Gitlab,
            FormatArg::Junit => OutputFormat::Junit,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

impl From<FailOn> for Severity {
    fn from(value: FailOn) -> Self {
        match value {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

impl From<ColorArg> for ColorChoice {
    fn from(value: ColorArg) -> Self {
        match value {
            ColorArg::Auto => ColorChoice::Auto,
            ColorArg::Always => ColorChoice::Always,
            ColorArg::Never => ColorChoice::Never,
        }
    }
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Only the rules of this product (kratos, keycloak, keycloak-wildfly, serverless, idplint).
    #[arg(long, value_name = "PRODUCT")]
    pub product: Option<String>,
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id, e.g. `kratos/courier-message-ttl-removed`.
    #[arg(value_name = "ID")]
    pub id: String,
}

const PRODUCTS: &str = "kratos, keycloak, keycloak-wildfly, serverless";

/// `kratos=v1.3.1` → (Kratos, v1.3.1), with errors that say what to write.
pub fn parse_product_version(text: &str) -> Result<(Product, ProductVersion), String> {
    let Some((product, version)) = text.split_once('=') else {
        return Err(format!(
            "expected PRODUCT=VERSION, e.g. `kratos=v1.3.1` or `keycloak=26.4` (products: {PRODUCTS})"
        ));
    };
    let product_id = Product::parse(product).ok_or_else(|| {
        format!(
            "`{}` is not a product; use one of {PRODUCTS}",
            product.trim()
        )
    })?;
    let parsed = ProductVersion::parse(version).ok_or_else(|| {
        format!(
            "`{}` is not a version of {product_id}; write a release number such as `v1.3.1` or `26.4`",
            version.trim()
        )
    })?;
    Ok((product_id, parsed))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn product_versions() {
        assert!(parse_product_version("kratos=v1.3.1").is_ok());
        assert!(parse_product_version("Keycloak=26").is_ok());
        let error = parse_product_version("kratos").unwrap_err();
        assert!(error.contains("PRODUCT=VERSION"), "{error}");
        let error = parse_product_version("hydra=v2").unwrap_err();
        assert!(error.contains("not a product"), "{error}");
        let error = parse_product_version("kratos=latest").unwrap_err();
        assert!(error.contains("not a version"), "{error}");
    }

    #[test]
    fn definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
