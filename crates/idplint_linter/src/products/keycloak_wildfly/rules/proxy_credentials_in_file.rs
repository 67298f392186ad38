//! `keycloak-wildfly/proxy-credentials-in-file`: a `connectionsHttpClient` `proxy-mappings`
//! entry carries a user name and password in its proxy URI (`http://user:pass@proxy:3128`).
//!
//! The credentials sit in plain text in the configuration. The finding points at the
//! property name and never prints the mapping.

use super::super::model::{self, is_enabled};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for (_, keycloak) in model::keycloak_subsystems_of(ctx.file) {
        for property in model::spis(keycloak, "connectionsHttpClient")
            .flat_map(|spi| spi.children_named("provider"))
            .filter(|provider| is_enabled(provider))
            .flat_map(|provider| provider.children_named("properties"))
            .flat_map(|props| props.children_named("property"))
            .filter(|prop| prop.attr_value("name") == Some("proxy-mappings"))
        {
            let (Some(name), Some(value)) = (property.attr("name"), property.attr_value("value"))
            else {
                continue;
            };
            let with_credentials = model::proxy_mappings_with_credentials(value);
            if with_credentials == 0 {
                continue;
            }
            out.push(
                ctx.diagnostic(
                    name.value_range,
                    format!(
                        "{with_credentials} proxy-mappings entr{} carr{} a proxy user name and password in the URI, in plain text in the file",
                        if with_credentials == 1 { "y" } else { "ies" },
                        if with_credentials == 1 { "ies" } else { "y" },
                    ),
                )
                .with_help(
                    "Read the whole mapping from the environment or a vault expression, or use a \
                     proxy that authenticates Keycloak by its network address.",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::model::proxy_mappings_with_credentials as count;

    #[test]
    fn user_info_is_found_only_in_the_proxy_authority() {
        assert_eq!(count("[\".*\\.example\\.com;http://u:p@proxy:3128\"]"), 1);
        assert_eq!(
            count("[\"a;http://u:p@one:3128\",\"b;https://v@two:8443\",\"c;NO_PROXY\"]"),
            2
        );
        assert_eq!(count("\".*;http://proxy:3128\""), 0);
        assert_eq!(count("\".*;http://proxy:3128/path@x\""), 0);
        assert_eq!(count("no separator @"), 0);
        assert_eq!(count(""), 0);
    }
}
