//! The options one lint run uses for one file, resolved from the command line and
//! `idplint.toml` (see `settings`).

use crate::version::{Product, ProductVersion};
use idplint_diagnostics::Severity;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// `--target` / `[target]`: what the files must run on.
    pub targets: BTreeMap<Product, ProductVersion>,
    /// `--current` / `[current]`: what the files are written for (else detected from them).
    pub currents: BTreeMap<Product, ProductVersion>,
    /// Versions the caller read from the package manifest nearest to the file (`go.mod`,
    /// `package.json`, ...): the SDK the source code is built against. They rank below
    /// `currents`, and only source-code units use them.
    pub manifest_versions: BTreeMap<Product, ProductVersion>,
    /// Rule ids or prefixes (`kratos/`, `keycloak/proxy-option-removed`); empty selects all.
    pub select: Vec<String>,
    /// Rule ids or prefixes never reported.
    pub ignore: Vec<String>,
    /// Per-rule severity overrides.
    pub severity: BTreeMap<String, Severity>,
    /// The same file as it was at the comparison base (`check --base REF`), for rules that
    /// judge a change rather than a state (`serverless/apikey-replacement`). `None`: no base
    /// was asked for, or the file is new. Per file, so callers set it on each file's options.
    pub base_text: Option<String>,
}

impl LintOptions {
    pub fn is_enabled(&self, id: &str) -> bool {
        let selected =
            self.select.is_empty() || self.select.iter().any(|s| matches_selector(s, id));
        selected && !self.ignore.iter().any(|s| matches_selector(s, id))
    }
}

/// `ALL`, an exact id, a product (`kratos` or `kratos/`), or an id prefix ending in `-` or `/`.
pub fn matches_selector(selector: &str, id: &str) -> bool {
    let selector = selector.trim();
    selector.eq_ignore_ascii_case("all")
        || selector == id
        || id
            .strip_prefix(selector.trim_end_matches('/'))
            .is_some_and(|rest| rest.starts_with('/'))
        || (selector.ends_with(['/', '-']) && id.starts_with(selector))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors() {
        assert!(matches_selector(
            "kratos",
            "kratos/courier-message-ttl-removed"
        ));
        assert!(matches_selector(
            "kratos/",
            "kratos/courier-message-ttl-removed"
        ));
        assert!(!matches_selector(
            "keycloak",
            "keycloak-wildfly/h2-in-cluster"
        ));
        assert!(matches_selector(
            "keycloak/proxy-",
            "keycloak/proxy-option-removed"
        ));
        assert!(!matches_selector(
            "keycloak/proxy",
            "keycloak/proxy-option-removed"
        ));
    }
}
