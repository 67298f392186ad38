//! The migration as `keycloak.conf` or env-file text.

use super::{Emit, MigratedOption, Migration, MigrationFinding, env_name};
use idplint_diagnostics::TextRange;

// Rendering

/// The options as `keycloak.conf` or env-file text, grouped build-time first, each preceded by
/// a comment naming its mapping and legacy line; findings follow as comments.
pub fn render(
    migration: &Migration,
    emit: Emit,
    source_label: &str,
    row_of: &dyn Fn(TextRange) -> u32,
) -> String {
    let mut text = String::new();
    let what = match emit {
        Emit::Conf => "keycloak.conf",
        Emit::Env => "environment",
    };
    text.push_str(&format!(
        "# {what} for Keycloak {}, migrated by `idplint migrate keycloak-wildfly` from {source_label}.\n",
        migration.target
    ));
    text.push_str("# Each option names its mapping (M-..., see docs/keycloak-wildfly-migration.md) and the legacy line.\n");
    for (build_time, heading) in [
        (
            true,
            "Build options: `kc.sh build` bakes these in; images started with `start --optimized` must be rebuilt.",
        ),
        (false, "Runtime options."),
    ] {
        let options: Vec<&MigratedOption> = migration
            .options
            .iter()
            .filter(|o| o.build_time == build_time)
            .collect();
        if options.is_empty() {
            continue;
        }
        text.push_str(&format!("\n# {heading}\n"));
        for option in options {
            let line = option
                .from
                .map(|range| format!(" (line {})", row_of(range)))
                .unwrap_or_default();
            text.push_str(&format!("# {}{line}\n", option.mapping));
            match emit {
                Emit::Conf => text.push_str(&format!("{}={}\n", option.key, option.value)),
                Emit::Env => text.push_str(&format!(
                    "{}={}\n",
                    env_name(&option.key),
                    env_value(&option.value)
                )),
            }
        }
    }
    for (blocking, heading) in [
        (true, "Needs a decision before the first start:"),
        (false, "Notes (not carried over, or changed meaning):"),
    ] {
        let findings: Vec<&MigrationFinding> = migration
            .findings
            .iter()
            .filter(|f| f.blocking == blocking)
            .collect();
        if findings.is_empty() {
            continue;
        }
        text.push_str(&format!("\n# {heading}\n"));
        for finding in findings {
            let line = finding
                .at
                .map(|range| format!(" line {}:", row_of(range)))
                .unwrap_or_default();
            text.push_str(&format!(
                "# - [{}]{line} {}\n",
                finding.mapping, finding.message
            ));
        }
    }
    text
}

/// `${VAR:default}` (Quarkus) as `${VAR:-default}` (Compose env-file interpolation).
pub(super) fn env_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(open) = rest.find("${") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        out.push_str("${");
        out.push_str(&after[..name_len]);
        let tail = &after[name_len..];
        if let Some(default) = tail.strip_prefix(':')
            && !default.starts_with('-')
        {
            out.push_str(":-");
            rest = default;
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}
