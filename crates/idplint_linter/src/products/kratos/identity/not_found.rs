//! `kratos/identity-schema-not-found` (a cross-file rule): `identity.schemas[].url` (or the
//! pre-v0.9 `identity.default_schema_url`) points at a `file://` schema that is not among the
//! files of the run. Kratos refuses to start when it cannot load an identity schema.
//!
//! Decisions, because the repository rarely looks like the container:
//! - `file://` URLs are matched by file name: `file:///etc/config/kratos/identity.schema.json`
//!   is found by `kratos/identity.schema.json` in the repository, or by a ConfigMap key
//!   `identity.schema.json`, since volume mounts change the directories. A relative URL is
//!   tried against the config's own directory first.
//! - The rule only speaks when the run contains at least one identity schema: checking a lone
//!   `kratos.yml` (or a directory without schemas) says nothing about files that live
//!   elsewhere. Once schemas are part of the run, one that is named but absent is worth a
//!   warning.
//! - `http(s)://`, `base64://` and templated URLs are not checked.

use super::{schema_name, tree_and_root};
use crate::products::kratos::config_keys::is_templated;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleContext, RuleMeta};
use crate::source::{normalise_path as normalise, parent_dir};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use idplint_syntax::Node;
use std::collections::BTreeSet;
use std::sync::Arc;

pub const ID: &str = "kratos/identity-schema-not-found";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    Box::new(NotFound { meta })
}

struct NotFound {
    meta: Arc<RuleMeta>,
}

impl Rule for NotFound {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        UnitKind::KratosConfig
    }

    /// Per-unit: nothing; the rule needs the whole run.
    fn check(&self, _ctx: &RuleContext<'_>, _out: &mut Vec<Diagnostic>) {}

    fn check_project(&self, ctx: &ProjectContext<'_>, out: &mut Vec<ProjectDiagnostic>) {
        let schemas: Vec<String> = ctx
            .units
            .iter()
            .filter(|u| u.unit.kind == UnitKind::KratosIdentitySchema)
            .map(|u| schema_name(u.unit, u.file))
            .collect();
        if schemas.is_empty() {
            return;
        }
        let known: BTreeSet<String> = ctx
            .paths
            .iter()
            .map(|p| base_name(p).to_ascii_lowercase())
            .chain(schemas.iter().map(|s| s.to_ascii_lowercase()))
            .collect();
        let paths: BTreeSet<String> = ctx.paths.iter().map(|p| normalise(p)).collect();
        for (index, project_unit) in ctx.units.iter().enumerate() {
            if project_unit.unit.kind != UnitKind::KratosConfig {
                continue;
            }
            let Some((_, root)) = tree_and_root(project_unit.unit) else {
                continue;
            };
            let mut urls: Vec<(String, &Node)> = Vec::new();
            if let Some(items) = root
                .get_path(&["identity", "schemas"])
                .and_then(Node::as_sequence)
            {
                for (i, item) in items.iter().enumerate() {
                    if let Some(url) = item.get("url") {
                        urls.push((format!("identity.schemas[{i}].url"), &url.value));
                    }
                }
            }
            if let Some(url) = root.get_path(&["identity", "default_schema_url"]) {
                urls.push(("identity.default_schema_url".to_string(), url));
            }
            let config_dir = parent_dir(project_unit.file.path);
            for (place, node) in urls {
                let Some(url) = node.as_str().filter(|_| !is_templated(node)) else {
                    continue;
                };
                let Some(path) = url.strip_prefix("file://") else {
                    continue;
                };
                let name = base_name(path);
                if name.is_empty() {
                    continue;
                }
                let relative_hit = !path.starts_with('/')
                    && paths.contains(&normalise(&format!("{config_dir}/{path}")));
                if relative_hit || known.contains(&name.to_ascii_lowercase()) {
                    continue;
                }
                let listed = schemas
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut finding = ctx.diagnostic(
                    index,
                    node.range,
                    format!(
                        "`{place}` names `{name}`, which is not among the files checked (identity schemas found: {listed})"
                    ),
                );
                let near = crate::suggest::closest(name, schemas.iter().map(String::as_str));
                finding.diagnostic = finding.diagnostic.with_help(match near {
                    Some(near) => format!(
                        "Did you mean `{near}`? Kratos refuses to start when it cannot read an identity schema"
                    ),
                    None => "Kratos refuses to start when it cannot read an identity schema; check the path and how the file is mounted (volume, ConfigMap key). URLs are matched by file name because mount paths differ from repository paths".to_string(),
                });
                out.push(finding);
            }
        }
    }
}

fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            normalise("deploy/./kratos/../kratos/identity.schema.json"),
            "deploy/kratos/identity.schema.json"
        );
        assert_eq!(
            base_name("/etc/config/kratos/identity.schema.json"),
            "identity.schema.json"
        );
        assert_eq!(parent_dir("deploy/kratos.yml"), "deploy");
        assert_eq!(parent_dir("kratos.yml"), ".");
    }
}
