//! Just enough URL reading for the production checks: scheme, host, port and path of the
//! absolute URLs Kratos configs hold (`base_url`, `ui_url`, return URLs, CORS origins). Not a
//! general URL parser: anything unusual gives `None` and the caller reports nothing.

/// The parts of an absolute `scheme://host[:port][/path]` URL, host lower-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url<'a> {
    pub scheme: String,
    pub host: String,
    pub port: Option<&'a str>,
    pub path: &'a str,
}

impl<'a> Url<'a> {
    /// Parse `text`; `None` when it has no `scheme://` or no host.
    pub fn parse(text: &'a str) -> Option<Self> {
        let text = text.trim();
        let (scheme, rest) = text.split_once("://")?;
        if scheme.is_empty()
            || !scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        {
            return None;
        }
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(authority_end);
        // Userinfo (`user:pass@host`) is not part of the host.
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port) = if let Some(after) = host_port.strip_prefix('[') {
            // IPv6 literal: `[::1]:4433`.
            let (host, tail) = after.split_once(']')?;
            (host, tail.strip_prefix(':'))
        } else {
            match host_port.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (host_port, None),
            }
        };
        if host.is_empty() {
            return None;
        }
        Some(Self {
            scheme: scheme.to_ascii_lowercase(),
            host: host.to_ascii_lowercase(),
            port,
            path,
        })
    }

    /// Whether the host is this machine: browsers treat these as secure contexts even over
    /// plain HTTP, and only local development setups point Kratos at them.
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(&self.host)
    }

    /// Whether browsers on the internet cannot reach this host: this machine, or a single-label
    /// name (`kratos`, `kratos-ui`) that only resolves inside a Compose or Kubernetes network.
    /// Production URLs that browsers follow are never like that; local setups are.
    pub fn is_internal(&self) -> bool {
        self.is_loopback()
            || (!self.host.contains('.') && !self.host.contains(':') && self.host != "*")
    }
}

pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "::1"
        || host.starts_with("127.")
        || host == "0.0.0.0"
}

/// Whether a config value is not written in the file but filled in later (`${VAR}`, `$VAR`,
/// `{{ .Values.x }}`, `env://VAR`): such values say nothing about the deployed one.
pub fn is_reference(value: &str) -> bool {
    value.contains("${")
        || value.contains("$(")
        || value.contains("{{")
        || value.starts_with("env://")
        || (value.starts_with('$')
            && value
                .as_bytes()
                .get(1)
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_'))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parts() {
        let url = Url::parse("https://User:pw@Auth.Example.com:4433/self-service?x=1").unwrap();
        assert_eq!(url.scheme, "https");
        assert_eq!(url.host, "auth.example.com");
        assert_eq!(url.port, Some("4433"));
        assert_eq!(url.path, "/self-service?x=1");
        let url = Url::parse("http://[::1]:4455/").unwrap();
        assert!(url.is_loopback());
        assert!(Url::parse("http://127.0.0.1:4455").unwrap().is_loopback());
        assert!(!Url::parse("http://app.example.com").unwrap().is_loopback());
        assert!(Url::parse("http://kratos:4433/").unwrap().is_internal());
        assert!(
            !Url::parse("https://auth.example.com/")
                .unwrap()
                .is_internal()
        );
        assert!(Url::parse("/dashboard").is_none());
        assert!(Url::parse("https://").is_none());
    }

    #[test]
    fn references() {
        assert!(is_reference("${KRATOS_SECRET}"));
        assert!(is_reference("$SECRET"));
        assert!(is_reference("{{ .Values.secret }}"));
        assert!(is_reference("env://SECRETS_COOKIE"));
        assert!(!is_reference("$3cr3t-value-with-a-dollar"));
    }
}
