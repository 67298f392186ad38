//! `kratos/code-login-without-identifier` (a cross-file rule): the config signs people in with
//! one-time codes (`selfservice.methods.code.passwordless_enabled` or `mfa_enabled`), the
//! target is v1.3 or later, and none of the identity schemas of the run marks a trait with
//! `credentials.code.identifier: true` (research K-130b-02 / K-ID-03). From v1.3 Kratos only
//! sends login codes to such traits: users are locked out unless
//! `selfservice.methods.code.config.missing_credential_fallback_enabled` is set.
//!
//! Like `kratos/identity-schema-not-found`, it needs the schemas in the run; with none there
//! is nothing to judge.

use super::{extension_uses, is_true, tree_and_root};
use crate::products::kratos::catalog::Release;
use crate::products::kratos::config_keys::Target;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::{Diagnostic, Severity};
use std::sync::Arc;

pub const ID: &str = "kratos/code-login-without-identifier";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    Box::new(CodeLogin { meta })
}

struct CodeLogin {
    meta: Arc<RuleMeta>,
}

const FROM: Release = Release(1, 3, 0);

impl Rule for CodeLogin {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        UnitKind::KratosConfig
    }

    /// Per-unit: nothing; the rule needs the config and the schemas.
    fn check(&self, _ctx: &RuleContext<'_>, _out: &mut Vec<Diagnostic>) {}

    fn check_project(&self, ctx: &ProjectContext<'_>, out: &mut Vec<ProjectDiagnostic>) {
        let schemas: Vec<_> = ctx
            .units
            .iter()
            .filter(|u| u.unit.kind == UnitKind::KratosIdentitySchema)
            .filter_map(|u| tree_and_root(u.unit))
            .collect();
        if schemas.is_empty() {
            return;
        }
        let marked = schemas.iter().any(|(_, root)| {
            extension_uses(root)
                .iter()
                .any(|u| is_true(&u.entry.value, &["credentials", "code", "identifier"]))
        });
        if marked {
            return;
        }
        for (index, project_unit) in ctx.units.iter().enumerate() {
            if project_unit.unit.kind != UnitKind::KratosConfig {
                continue;
            }
            let (Some((_, root)), Some(target)) = (
                tree_and_root(project_unit.unit),
                Target::of(project_unit.versions),
            ) else {
                continue;
            };
            if target.release < FROM {
                continue;
            }
            let Some(code) = root
                .get_path(&["selfservice", "methods"])
                .and_then(|m| m.get("code"))
            else {
                continue;
            };
            let login = ["passwordless_enabled", "mfa_enabled"]
                .into_iter()
                .find(|key| is_true(&code.value, &[key]));
            let Some(login) = login else {
                continue;
            };
            if is_true(
                &code.value,
                &["config", "missing_credential_fallback_enabled"],
            ) {
                continue;
            }
            let at = code
                .value
                .get(login)
                .map_or(code.key.range, |e| e.key.range);
            let mut finding = ctx.diagnostic(
                index,
                at,
                format!(
                    "`selfservice.methods.code.{login}` is on, but no identity schema in the run marks a trait with `credentials.code.identifier: true`; {} sends login codes only to such traits",
                    target.describe(project_unit.versions)
                ),
            );
            if target.assumed {
                finding.diagnostic.severity = Severity::Warning;
            }
            finding.diagnostic = finding.diagnostic.with_help(
                "Mark the address trait with `\"credentials\": {\"code\": {\"identifier\": true, \"via\": \"email\"}}`, or set `selfservice.methods.code.config.missing_credential_fallback_enabled: true` while identities are migrated",
            );
            out.push(finding);
        }
    }
}
