//! Native Kratos rules: production and security checks a data `change:` cannot express, and
//! the environment-variable checks. One rule per file; metadata, docs and examples live in
//! `rules/kratos/production.yaml` and `rules/kratos/env.yaml` with `native: true`.
//!
//! Most production checks only make sense for a config that runs in production. A config is
//! treated as a development one, and those checks stay quiet, when
//! - it sets `dev: true`, or the same file starts a Kratos container with `--dev`, or it is
//!   the `kratos.config` of Helm values that set `kratos.development: true`; or
//! - its public base URL (or, without one, its default return URL; without either, every
//!   browser-facing URL it has) is on this machine (`localhost`, `127.0.0.1`) or on a
//!   single-label host only a Compose or Kubernetes network resolves (`http://kratos:4433`):
//!   the Ory quickstarts run exactly like that, with `--dev` on the command line of a Compose
//!   file we cannot see from the config.
//!
//! Checks about keys a config leaves *unset* (no secrets, no UI URL, no sender address) only
//! run on self-contained configs, whose DSN is written out: a config whose `dsn` is absent or
//! filled in later (`${DB_PASSWORD}`, `env://DSN`) is completed from the environment, where
//! Kratos reads every other key too.

/// The boilerplate of a native rule: `ID`, `factory` and a `Rule` impl that calls the
/// file's `fn check(ctx, meta, out)`.
macro_rules! kratos_rule {
    ($name:ident, $id:literal, $kind:ident $(, $also:ident)*) => {
        pub const ID: &str = $id;

        pub fn factory(meta: std::sync::Arc<crate::rule::RuleMeta>) -> Box<dyn crate::rule::Rule> {
            Box::new($name { meta })
        }

        struct $name {
            meta: std::sync::Arc<crate::rule::RuleMeta>,
        }

        impl crate::rule::Rule for $name {
            fn meta(&self) -> &crate::rule::RuleMeta {
                &self.meta
            }

            fn unit_kind(&self) -> crate::unit::UnitKind {
                crate::unit::UnitKind::$kind
            }

            fn checks_unit(&self, kind: crate::unit::UnitKind) -> bool {
                kind == crate::unit::UnitKind::$kind $(|| kind == crate::unit::UnitKind::$also)*
            }

            fn check(
                &self,
                ctx: &crate::rule::RuleContext<'_>,
                out: &mut Vec<idplint_diagnostics::Diagnostic>,
            ) {
                check(ctx, out)
            }
        }
    };
}

mod bcrypt_cost;
mod cookie_conflict;
mod cors_wildcard;
mod default_from_address;
mod fallback_ui_url;
mod ineffective_return_url;
mod insecure_url;
mod invalid_env_value;
mod invalid_secret;
mod leak_sensitive_values;
pub mod migration_image_mismatch;
mod missing_migration_step;
mod placeholder_secret;
mod plaintext_credential;
mod private_ip_ranges;
mod secrets_missing;
mod smtp_tls_disabled;
mod sqlite_dsn;
mod unknown_env_variable;
mod version_marker_mismatch;

use super::catalog::Release;
use super::env::{Lookup, lookup};
use super::url::{Url, is_reference};
use crate::rule::{NativeRuleFactory, RuleContext};
use crate::unit::{EnvEntry, EnvSet, TreeUnit, UnitContent, ValueKind};
use idplint_diagnostics::{Diagnostic, Severity};
use idplint_syntax::{Node, NodeKind};

pub fn all() -> Vec<(&'static str, NativeRuleFactory)> {
    vec![
        (invalid_secret::ID, invalid_secret::factory),
        (placeholder_secret::ID, placeholder_secret::factory),
        (plaintext_credential::ID, plaintext_credential::factory),
        (secrets_missing::ID, secrets_missing::factory),
        (sqlite_dsn::ID, sqlite_dsn::factory),
        (bcrypt_cost::ID, bcrypt_cost::factory),
        (leak_sensitive_values::ID, leak_sensitive_values::factory),
        (smtp_tls_disabled::ID, smtp_tls_disabled::factory),
        (insecure_url::ID, insecure_url::factory),
        (cors_wildcard::ID, cors_wildcard::factory),
        (ineffective_return_url::ID, ineffective_return_url::factory),
        (cookie_conflict::ID, cookie_conflict::factory),
        (fallback_ui_url::ID, fallback_ui_url::factory),
        (default_from_address::ID, default_from_address::factory),
        (private_ip_ranges::ID, private_ip_ranges::factory),
        (unknown_env_variable::ID, unknown_env_variable::factory),
        (invalid_env_value::ID, invalid_env_value::factory),
        (
            migration_image_mismatch::ID,
            migration_image_mismatch::factory,
        ),
        (missing_migration_step::ID, missing_migration_step::factory),
        (
            version_marker_mismatch::ID,
            version_marker_mismatch::factory,
        ),
    ]
}

/// A diagnostic at another severity than the rule's default (for findings that make Kratos
/// refuse the config, in rules whose other findings are warnings).
pub(super) fn at_severity(mut diagnostic: Diagnostic, severity: Severity) -> Diagnostic {
    diagnostic.severity = severity;
    diagnostic
}

/// The release the variables of an env-set unit are checked against (target, else current),
/// and how to name it in messages ("Kratos v1.1.0", "any Kratos release").
pub(super) fn env_versions(ctx: &RuleContext<'_>) -> (Option<Release>, String) {
    let version = ctx.versions.checked();
    (
        version.map(Release::of),
        version.map_or_else(
            || "any Kratos release".to_string(),
            |v| format!("Kratos {v}"),
        ),
    )
}

/// A Kratos variable with a value in the file (wholly, or around `${VAR}` references), with
/// the config key it sets.
pub(super) struct EnvKey<'a> {
    pub entry: &'a EnvEntry,
    pub value: &'a str,
    /// Whether the whole value is written in the file; false when part of it comes from
    /// elsewhere (`smtps://mailer:${SMTP_PASSWORD}@...`).
    pub literal: bool,
    /// The key path as addressed: `dsn`, `secrets.cookie`, `...providers[0].client_secret`.
    pub key: String,
}

/// The variables of a `KratosEnvSet` unit with the keys they set, when the process
/// runs in production; empty for a development one (`--dev` in its command, `DEV=true`, or a
/// public base URL on this machine or a one-label network name, as for config files).
pub(super) fn production_env_keys<'a>(ctx: &'a RuleContext<'_>) -> Vec<EnvKey<'a>> {
    let UnitContent::Env(set) = &ctx.unit.content else {
        return Vec::new();
    };
    // Six rules ask; the key lookups and the walk of the file for `--dev` happen once per unit.
    struct ProductionKeys(Vec<(usize, String)>);
    let found = ctx.memo.get_or_compute(|| {
        let (release, _) = env_versions(ctx);
        let keys: Vec<(usize, String)> = set
            .entries
            .iter()
            .enumerate()
            .filter(|(_, entry)| entry.value.is_some())
            .filter_map(|(index, entry)| match lookup(&entry.name, release) {
                Lookup::Key(resolved) => Some((index, resolved.display)),
                _ => None,
            })
            .collect();
        let dev = env_is_dev(ctx, set, &keys);
        ProductionKeys(if dev { Vec::new() } else { keys })
    });
    found
        .0
        .iter()
        .filter_map(|(index, key)| {
            let entry = set.entries.get(*index)?;
            let value = entry.value.as_deref()?;
            Some(EnvKey {
                entry,
                value,
                literal: entry.value_kind == ValueKind::Literal && !is_reference(value),
                key: key.clone(),
            })
        })
        .collect()
}

fn env_is_dev(ctx: &RuleContext<'_>, set: &EnvSet, keys: &[(usize, String)]) -> bool {
    let value_of = |wanted: &str| {
        keys.iter()
            .filter(|(_, key)| key == wanted)
            .filter_map(|(index, _)| set.entries.get(*index))
            .find(|entry| entry.value_kind == ValueKind::Literal)
            .and_then(|entry| entry.value.as_deref())
            .filter(|value| !is_reference(value))
    };
    let dev_variable = value_of("dev").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let local = value_of("serve.public.base_url")
        .or_else(|| value_of("selfservice.default_browser_return_url"))
        .and_then(Url::parse)
        .is_some_and(|url| url.is_internal());
    dev_variable || local || file_starts_kratos_with_dev(ctx)
}

/// The config tree of a `KratosConfig` unit.
pub(super) fn config<'a>(ctx: &'a RuleContext<'_>) -> Option<(&'a TreeUnit, &'a Node)> {
    match &ctx.unit.content {
        UnitContent::Tree(tree) => tree.root().map(|root| (tree, root)),
        _ => None,
    }
}

/// The config tree, but only when the config looks like a production one (see the module
/// docs); `None` for development configs.
pub(super) fn production_config<'a>(ctx: &'a RuleContext<'_>) -> Option<(&'a TreeUnit, &'a Node)> {
    let (tree, root) = config(ctx)?;
    if is_dev(ctx, root) || is_local(root) {
        return None;
    }
    Some((tree, root))
}

/// Whether Kratos runs this config in development mode (`dev: true`, `--dev`, Helm
/// `kratos.development: true`).
pub(super) fn is_dev(ctx: &RuleContext<'_>, root: &Node) -> bool {
    // Every production check asks; the answer needs a walk of the whole host file.
    struct DevMode(bool);
    ctx.memo
        .get_or_compute(|| DevMode(find_dev_mode(ctx, root)))
        .0
}

fn find_dev_mode(ctx: &RuleContext<'_>, root: &Node) -> bool {
    if root
        .get("dev")
        .is_some_and(|e| e.value.as_bool() == Some(true))
    {
        return true;
    }
    let Some(doc) = ctx.file.tree() else {
        return false;
    };
    // Only units parsed from the host text itself share its ranges (Helm values); embedded
    // units have their own coordinates.
    let host_coordinates = matches!(&ctx.unit.content, UnitContent::Tree(t) if t.map.is_none());
    let mut dev = false;
    for host_root in &doc.roots {
        host_root.walk(&mut |node: &Node| {
            if dev {
                return;
            }
            // Helm values: the mapping holding this unit as `config:` says `development: true`.
            if node
                .get("config")
                .is_some_and(|e| host_coordinates && e.value.range == root.range)
                && node
                    .get("development")
                    .is_some_and(|e| e.value.as_bool() == Some(true))
            {
                dev = true;
            }
            dev |= starts_kratos_with_dev(node);
        });
    }
    dev
}

/// Whether `node` is a container (Compose service, pod-spec container, ECS definition) that
/// runs a Kratos image with `--dev` on its command line.
fn starts_kratos_with_dev(node: &Node) -> bool {
    let runs_kratos = node
        .get("image")
        .and_then(|e| e.value.as_str())
        .is_some_and(|image| image.to_ascii_lowercase().contains("kratos"));
    runs_kratos
        && ["command", "args", "entrypoint"].iter().any(|key| {
            node.get(key).is_some_and(|e| {
                let mut found = false;
                e.value.walk(&mut |n: &Node| {
                    found |= n
                        .as_str()
                        .is_some_and(|s| s.split_whitespace().any(|w| w == "--dev"));
                });
                found
            })
        })
}

/// Whether the file starts any Kratos container with `--dev`: then it describes a development
/// setup, migration jobs and helpers included.
fn file_starts_kratos_with_dev(ctx: &RuleContext<'_>) -> bool {
    let Some(doc) = ctx.file.tree() else {
        return false;
    };
    let mut dev = false;
    for root in &doc.roots {
        root.walk(&mut |node: &Node| dev = dev || starts_kratos_with_dev(node));
    }
    dev
}

/// Whether the browser-facing URLs point at this machine or an internal host: a local setup.
fn is_local(root: &Node) -> bool {
    let main = root
        .get_path(&["serve", "public", "base_url"])
        .and_then(literal)
        .or_else(|| {
            root.get_path(&["selfservice", "default_browser_return_url"])
                .and_then(literal)
        });
    if let Some(url) = main {
        return Url::parse(url).is_some_and(|u| u.is_internal());
    }
    // A partial config (a test profile, an overlay): judge by whatever URLs it has.
    let urls: Vec<Url<'_>> = browser_urls(root)
        .into_iter()
        .filter_map(|(_, node)| literal(node).and_then(Url::parse))
        .collect();
    !urls.is_empty() && urls.iter().all(Url::is_internal)
}

/// Whether the config stands on its own: its DSN is written out. Otherwise it is completed
/// from the environment, and a key it leaves unset may well be set there.
pub(super) fn is_self_contained(root: &Node) -> bool {
    root.get("dsn")
        .and_then(|e| e.value.as_str())
        .is_some_and(|dsn| !dsn.trim().is_empty() && !is_reference(dsn))
}

/// A string scalar's value when it is written in the file (not a `${VAR}` or template).
pub(super) fn literal(node: &Node) -> Option<&str> {
    let value = node.as_str()?;
    if node.is_null() || is_reference(value) {
        return None;
    }
    Some(value)
}

/// Visit every string item of the list at `path` with its display path (`secrets.cookie[0]`).
pub(super) fn for_each_item<'a>(
    root: &'a Node,
    path: &[&str],
    visit: &mut dyn FnMut(String, &'a Node),
) {
    let Some(items) = root.get_path(path).and_then(Node::as_sequence) else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        if item.as_scalar().is_some() {
            visit(format!("{}[{i}]", path.join(".")), item);
        }
    }
}

/// Every browser-facing URL of the config, with its display path: the public base URL, the
/// default and per-flow return URLs, the allowed return URLs and the flows' UI URLs.
pub(super) fn browser_urls(root: &Node) -> Vec<(String, &Node)> {
    let mut urls: Vec<(String, &Node)> = Vec::new();
    fn push<'a>(urls: &mut Vec<(String, &'a Node)>, path: String, node: &'a Node) {
        if node.as_scalar().is_some() {
            urls.push((path, node));
        }
    }
    if let Some(node) = root.get_path(&["serve", "public", "base_url"]) {
        push(&mut urls, "serve.public.base_url".into(), node);
    }
    let Some(selfservice) = root.get("selfservice").map(|e| &e.value) else {
        return urls;
    };
    if let Some(entry) = selfservice.get("default_browser_return_url") {
        push(
            &mut urls,
            "selfservice.default_browser_return_url".into(),
            &entry.value,
        );
    }
    for key in ["allowed_return_urls", "whitelisted_return_urls"] {
        if let Some(items) = selfservice.get(key).and_then(|e| e.value.as_sequence()) {
            for (i, item) in items.iter().enumerate() {
                push(&mut urls, format!("selfservice.{key}[{i}]"), item);
            }
        }
    }
    for flow in selfservice
        .get("flows")
        .and_then(|e| e.value.as_mapping())
        .unwrap_or(&[])
    {
        let name = flow.key_str();
        if let Some(entry) = flow.value.get("ui_url") {
            push(
                &mut urls,
                format!("selfservice.flows.{name}.ui_url"),
                &entry.value,
            );
        }
        let Some(after) = flow.value.get("after").map(|e| &e.value) else {
            continue;
        };
        for entry in after.as_mapping().unwrap_or(&[]) {
            if entry.key_str() == "default_browser_return_url" {
                push(
                    &mut urls,
                    format!("selfservice.flows.{name}.after.default_browser_return_url"),
                    &entry.value,
                );
            } else if let NodeKind::Mapping(_) = &entry.value.kind
                && let Some(inner) = entry.value.get("default_browser_return_url")
            {
                push(
                    &mut urls,
                    format!(
                        "selfservice.flows.{name}.after.{}.default_browser_return_url",
                        entry.key_str()
                    ),
                    &inner.value,
                );
            }
        }
    }
    urls
}
