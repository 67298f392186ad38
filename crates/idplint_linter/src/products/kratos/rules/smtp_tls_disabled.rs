//! `kratos/smtp-tls-disabled`: `courier.smtp.connection_uri` with `skip_ssl_verify=true` (no
//! certificate check, honoured for `smtp://` and `smtps://` since 0.8) or, on `smtp://`,
//! `disable_starttls=true` (mail and the SMTP password go in clear text), in a production
//! config. The URI carries credentials: the message names the parameter, never the URI. The
//! `COURIER_SMTP_CONNECTION_URI` variable of a production Kratos container counts too.

use super::{production_config, production_env_keys};
use crate::products::kratos::url::Url;
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;

kratos_rule!(
    SmtpTlsDisabled,
    "kratos/smtp-tls-disabled",
    KratosConfig,
    KratosEnvSet
);

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.unit.kind == UnitKind::KratosEnvSet {
        for variable in production_env_keys(ctx) {
            if variable.key != "courier.smtp.connection_uri"
                || Url::parse(variable.value).is_some_and(|u| u.is_loopback())
            {
                continue;
            }
            let entry = variable.entry;
            for finding in findings(variable.value) {
                out.push(
                    ctx.diagnostic(entry.name_range, finding.message())
                        .with_help(finding.help()),
                );
            }
        }
        return;
    }
    let Some((_, root)) = production_config(ctx) else {
        return;
    };
    let Some(entry) = root
        .get_path(&["courier", "smtp"])
        .and_then(|n| n.get("connection_uri"))
    else {
        return;
    };
    let Some(uri) = entry.value.as_str() else {
        return;
    };
    // A mail server on this machine is not reached over any network.
    if Url::parse(uri).is_some_and(|u| u.is_loopback()) {
        return;
    }
    for finding in findings(uri) {
        out.push(
            ctx.diagnostic(entry.key.range, finding.message())
                .with_help(finding.help()),
        );
    }
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Finding {
    SkipVerify,
    Cleartext,
}

impl Finding {
    pub(crate) fn message(&self) -> &'static str {
        match self {
            Finding::SkipVerify => {
                "`courier.smtp.connection_uri` sets `skip_ssl_verify=true`: Kratos does not check the mail server's certificate, so anyone on the path can read mail (recovery codes, login links) and the SMTP password"
            }
            Finding::Cleartext => {
                "`courier.smtp.connection_uri` sets `disable_starttls=true` on `smtp://`: mail (recovery codes, login links) and the SMTP password travel in clear text"
            }
        }
    }

    pub(crate) fn help(&self) -> &'static str {
        match self {
            Finding::SkipVerify => {
                "Remove `skip_ssl_verify`; for a private CA add it to the container's trust store, and use `server_name=` (0.10+) when the certificate names another host"
            }
            Finding::Cleartext => {
                "Remove `disable_starttls` (STARTTLS is then mandatory) or use `smtps://` for implicit TLS"
            }
        }
    }
}

/// What the query of an SMTP URI turns off. Go's `strconv.ParseBool` decides what is true.
pub(crate) fn findings(uri: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    let Some((before, query)) = uri.split_once('?') else {
        return found;
    };
    let plain_smtp = before.trim().to_ascii_lowercase().starts_with("smtp://");
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let truthy = matches!(value, "1" | "t" | "T" | "TRUE" | "true" | "True");
        match key {
            "skip_ssl_verify" if truthy => found.push(Finding::SkipVerify),
            "disable_starttls" if truthy && plain_smtp => found.push(Finding::Cleartext),
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_flags() {
        assert_eq!(
            findings("smtps://u:p@mail:465/?skip_ssl_verify=true"),
            vec![Finding::SkipVerify]
        );
        assert_eq!(
            findings("smtp://u:p@mail:25/?disable_starttls=true&skip_ssl_verify=false"),
            vec![Finding::Cleartext]
        );
        assert!(findings("smtps://u:p@mail:465/?disable_starttls=true").is_empty());
        assert!(findings("smtp://u:p@mail:587/").is_empty());
    }
}
