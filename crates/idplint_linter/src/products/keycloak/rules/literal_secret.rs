//! `keycloak/literal-secret`: a credential Keycloak reads (database password, bootstrap admin
//! password, keystore passwords, ...) written as a literal value instead of a reference to a
//! secret store. The finding names the variable and where it is, never the value.

use super::env_set;
use crate::products::keycloak::values::{describe_source, is_keycloak_secret, literal_default};
use crate::rule::{Rule, RuleContext, RuleMeta};
use crate::unit::{EnvEntry, EnvSource, UnitKind, ValueKind};
use idplint_diagnostics::TextRange;
use idplint_diagnostics::{Diagnostic, Severity};
use std::sync::Arc;

pub const ID: &str = "keycloak/literal-secret";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    Box::new(LiteralSecret { meta })
}

struct LiteralSecret {
    meta: Arc<RuleMeta>,
}

impl Rule for LiteralSecret {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        UnitKind::KeycloakEnvSet
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(set) = env_set(ctx) else { return };
        for entry in &set.entries {
            if entry.value_kind == ValueKind::Reference {
                self.check_default(ctx, entry, out);
                continue;
            }
            if entry.value_kind != ValueKind::Literal
                || entry.value.as_deref().is_none_or(|v| v.trim().is_empty())
                || !is_keycloak_secret(entry)
            {
                continue;
            }
            let location = describe_source(entry.source);
            let (severity, help) = match entry.source {
                // A .env file is Compose's way to keep values out of the Compose file; it only
                // needs to stay out of version control.
                EnvSource::DotEnv => (
                    Severity::Info,
                    "Keep this file out of version control (list it in .gitignore), or use Docker secrets",
                ),
                EnvSource::ComposeList | EnvSource::ComposeMap => (
                    self.meta.severity,
                    "Reference it instead (`${KC_DB_PASSWORD}` from an untracked .env file) or use Compose `secrets`",
                ),
                EnvSource::KubernetesEnv => (
                    self.meta.severity,
                    "Store it in a Secret and use `valueFrom.secretKeyRef`",
                ),
                EnvSource::EcsEnvironment => (
                    self.meta.severity,
                    "Move it to the container's `secrets` list (`valueFrom` an SSM parameter or Secrets Manager ARN)",
                ),
                EnvSource::ConfFile => (
                    self.meta.severity,
                    "Write `${ENV_VAR}` and pass the value through the environment, or use the config keystore (`config-keystore`)",
                ),
                EnvSource::CommandLine => (
                    self.meta.severity,
                    "Command-line arguments are visible to every user in process listings: pass it through the environment from a secret store",
                ),
                EnvSource::OperatorOption => (
                    self.meta.severity,
                    "Give the option a `secret:` (`name` and `key` of a Kubernetes Secret) instead of a `value`",
                ),
                EnvSource::DockerfileEnv => (
                    self.meta.severity,
                    "`ENV` values are stored in the image, readable by anyone who can pull it (`docker image inspect`): pass the value where the container is deployed, or use a build secret (`RUN --mount=type=secret`) if the build needs it",
                ),
                EnvSource::EcsSecret => continue,
            };
            let what = if entry.source == EnvSource::CommandLine {
                "is given on"
            } else {
                "has a literal value in"
            };
            let message = format!(
                "`{}` {what} {location}; the secret is stored in plain text",
                entry.name
            );
            let range = entry.value_range.unwrap_or(entry.name_range);
            out.push(
                Diagnostic::new(self.meta.id.clone(), severity, message, range)
                    .with_label(
                        entry.name_range,
                        format!("`{}` is a credential", entry.name),
                    )
                    .with_help(help),
            );
        }
    }
}

impl LiteralSecret {
    /// keycloak.conf `${ENV:default}`, Compose `${VAR:-default}`: the variable is a reference,
    /// but the default is written in the file and used whenever the variable is unset.
    fn check_default(&self, ctx: &RuleContext<'_>, entry: &EnvEntry, out: &mut Vec<Diagnostic>) {
        if !is_keycloak_secret(entry) {
            return;
        }
        let Some(value) = entry.value.as_deref() else {
            return;
        };
        let Some(default) = literal_default(value, entry.source) else {
            return;
        };
        let value_range = entry.value_range.unwrap_or(entry.name_range);
        // Point at the default itself when the value is written exactly as decoded.
        let range = match value_range.slice(ctx.file.text) {
            Some(written) if entry.editable && written == value => TextRange::from_usize(
                value_range.start as usize + default.start,
                value_range.start as usize + default.end,
            ),
            _ => value_range,
        };
        out.push(
            Diagnostic::new(
                self.meta.id.clone(),
                self.meta.severity,
                format!(
                    "`{}` in {} falls back to a literal default when its variable is unset; the secret is stored in plain text",
                    entry.name,
                    describe_source(entry.source)
                ),
                range,
            )
            .with_label(entry.name_range, format!("`{}` is a credential", entry.name))
            .with_help(if entry.source == EnvSource::ConfFile {
                "Drop the default (`${KC_DB_PASSWORD}`) so a missing variable fails the start instead of using a password from the file"
            } else {
                "Drop the default, or require the variable (`${KC_DB_PASSWORD:?set it in .env}`), so a missing value stops Compose instead of using a password from the file"
            }),
        );
    }
}
