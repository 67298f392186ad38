//! `keycloak/command-in-one-element`: an exec-form `command`/`args` element that holds several
//! arguments (`["--verbose start"]`). Since 23.0 `kc.sh` passes its arguments through
//! unchanged instead of re-splitting them, so the server receives one unknown argument and
//! exits. The fix splits the element into one element per argument.

use super::{env_set, target};
use crate::products::keycloak::argv::{COMMANDS, is_block_element, runs_shell};
use crate::products::keycloak::catalog::catalog;
use crate::products::keycloak::text::{line_prefix, scalar_style_of};
use crate::rule::{Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use crate::version::ProductVersion;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity, TextRange};
use std::sync::Arc;

pub const ID: &str = "keycloak/command-in-one-element";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    Box::new(CommandInOneElement { meta })
}

struct CommandInOneElement {
    meta: Arc<RuleMeta>,
}

/// The release whose `kc.sh` stopped re-splitting arguments.
const BROKEN_SINCE: &str = "23.0.0";

impl Rule for CommandInOneElement {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        UnitKind::KeycloakEnvSet
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(set) = env_set(ctx) else { return };
        let Some(since) = ProductVersion::parse(BROKEN_SINCE) else {
            return;
        };
        let Some(version) = target(ctx) else { return };
        if version < &since || runs_shell(set.argv.iter().map(|(v, _)| v.as_str())) {
            return;
        }
        let text = ctx.file.text;
        for (value, range) in &set.argv {
            let words: Vec<&str> = value.split_whitespace().collect();
            let Some(first) = words.first() else { continue };
            if words.len() < 2 || !(first.starts_with('-') || COMMANDS.contains(first)) {
                continue;
            }
            // The whole line would be one argument: Keycloak does not start.
            let message = format!(
                "This element passes {} arguments to `kc.sh` as one (`{}`): since Keycloak {since} each argument must be its own element",
                words.len(),
                words
                    .iter()
                    .map(|w| truncate(w))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            let applicability = if ctx.versions.current.as_ref().is_some_and(|c| c < &since) {
                // The old `kc.sh` split the element itself: splitting it here changes nothing.
                Applicability::Safe
            } else {
                Applicability::Unsafe
            };
            let fix = split_edit(
                text,
                *range,
                &words,
                matches!(
                    ctx.file.format,
                    crate::source::FileFormat::Json | crate::source::FileFormat::Dockerfile
                ),
            )
            .map(|edit| {
                Fix::new(
                    "Give each argument its own element",
                    applicability,
                    vec![edit],
                )
            });
            out.push(
                Diagnostic::new(self.meta.id.clone(), Severity::Error, message, *range)
                    .with_fix_opt(fix),
            );
        }
    }
}

/// Show a word of the command line, with the value of a credential option masked
/// (`--db-password=****`).
fn truncate(word: &str) -> String {
    if let Some((name, _)) = word.split_once('=') {
        let option = name.trim_start_matches('-');
        let secret = catalog().lookup(option).is_some_and(|d| d.secret)
            || ["password", "secret", "credential", "token"]
                .iter()
                .any(|w| option.to_ascii_lowercase().contains(w));
        if secret {
            return format!("{name}={}", idplint_diagnostics::REDACTED);
        }
    }
    word.to_string()
}

/// Replace the element with one element per word, in the list's own style.
fn split_edit(text: &str, range: TextRange, words: &[&str], json: bool) -> Option<Edit> {
    let raw = range.slice(text)?;
    if words.iter().any(|w| w.contains(['"', '\'', '\\'])) {
        return None;
    }
    let style = scalar_style_of(raw);
    let quote = |w: &str| match style {
        '"' => format!("\"{w}\""),
        '\'' => format!("'{w}'"),
        _ if json => format!("\"{w}\""),
        _ if plain_ok(w) => w.to_string(),
        _ => format!("\"{w}\""),
    };
    let quoted: Vec<String> = words.iter().map(|w| quote(w)).collect();
    let separator = if !json && is_block_element(text, range) {
        let prefix = line_prefix(text, range.start);
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        format!("{newline}{prefix}")
    } else {
        ", ".to_string()
    };
    Some(Edit::replace(range, quoted.join(&separator)))
}

/// Whether a word can stay a plain YAML scalar.
fn plain_ok(word: &str) -> bool {
    !word.is_empty()
        && !word.starts_with([
            '*', '&', '!', '{', '[', '%', '@', '`', '|', '>', '?', '#', ',',
        ])
        && !word.contains(": ")
        && !word.contains(" #")
        && !word.ends_with(':')
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn credentials_are_masked() {
        assert_eq!(truncate("--db-password=hunter2"), "--db-password=****");
        assert_eq!(
            truncate("--spi-x-client-secret=abc"),
            "--spi-x-client-secret=****"
        );
        assert_eq!(truncate("--http-port=8080"), "--http-port=8080");
        assert_eq!(truncate("start"), "start");
    }
}
