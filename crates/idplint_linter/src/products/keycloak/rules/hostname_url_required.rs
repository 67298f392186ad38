//! `keycloak/hostname-url-required`: hostname v2 (25+) combinations that stop the server.
//! `hostname-admin` accepts only a full URL; once it is set, `hostname` must be a full URL
//! too, and so it must when `hostname-backchannel-dynamic=true`.

use super::{env_set, target};
use crate::products::keycloak::values::effective;
use crate::rule::{Rule, RuleContext, RuleMeta};
use crate::unit::{EnvEntry, UnitKind, ValueKind};
use crate::version::ProductVersion;
use idplint_diagnostics::{Applicability, Diagnostic, Fix};
use std::sync::Arc;

pub const ID: &str = "keycloak/hostname-url-required";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    Box::new(HostnameUrlRequired { meta })
}

struct HostnameUrlRequired {
    meta: Arc<RuleMeta>,
}

/// A literal value that is not an `http(s)://` URL.
fn literal_non_url(entry: &EnvEntry) -> Option<&str> {
    if entry.value_kind != ValueKind::Literal {
        return None;
    }
    let value = entry.value.as_deref()?.trim();
    let lower = value.to_ascii_lowercase();
    (!value.is_empty() && !lower.starts_with("http://") && !lower.starts_with("https://"))
        .then_some(value)
}

impl Rule for HostnameUrlRequired {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        UnitKind::KeycloakEnvSet
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(set) = env_set(ctx) else { return };
        let (Some(version), Some(v2)) = (target(ctx), ProductVersion::parse("25.0.0")) else {
            return;
        };
        if version < &v2 {
            return;
        }
        let admin = effective(set, "hostname-admin");
        let hostname = effective(set, "hostname");
        if let Some(admin) = admin
            && literal_non_url(admin).is_some()
        {
            out.push(self.report(
                ctx,
                admin,
                format!("`{}` must be a full URL (`https://...`) since Keycloak 25; the server does not start with a bare host name", admin.name),
            ));
        }
        let needs_url = admin.map(|a| (a, "is set")).or_else(|| {
            effective(set, "hostname-backchannel-dynamic")
                .filter(|e| {
                    e.value
                        .as_deref()
                        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
                })
                .map(|e| (e, "is true"))
        });
        if let (Some((reason, why)), Some(hostname)) = (needs_url, hostname)
            && literal_non_url(hostname).is_some()
        {
            let message = format!(
                "`{}` must be a full URL (`https://...`) because `{}` {why}; the server does not start otherwise",
                hostname.name, reason.name
            );
            out.push(
                self.report(ctx, hostname, message)
                    .with_label(reason.name_range, format!("`{}` {why} here", reason.name)),
            );
        }
    }
}

impl HostnameUrlRequired {
    /// The suggestion assumes HTTPS on the default port, which needs checking: display only.
    fn report(&self, ctx: &RuleContext<'_>, entry: &EnvEntry, message: String) -> Diagnostic {
        let mut diagnostic = ctx.diagnostic(entry.value_range.unwrap_or(entry.name_range), message);
        if let Some(host) = literal_non_url(entry) {
            let url = format!("https://{host}");
            if let Some(edit) = entry.set_value_edit(&url, ctx.file.text) {
                diagnostic = diagnostic.with_fix(Fix::new(
                    format!("Use `{url}`"),
                    Applicability::DisplayOnly,
                    vec![edit],
                ));
            }
        }
        diagnostic
    }
}
