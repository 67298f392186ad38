//! Keycloak's legacy WildFly distribution (Keycloak 10-19, RH-SSO 7.x): `standalone.xml`,
//! `standalone-ha.xml` and `domain.xml`.
//!
//! A file whose root is `<server>` or `<domain>` in a `urn:jboss:domain:*` namespace is one
//! unit (`extract`). Rules walk every profile of it (`model`): the single profile of a
//! standalone file, or each `<profile>` of a domain.xml, so a domain's clustered profile is
//! checked as a cluster and its standalone profile is not. All rules are native (research
//! §4 lints: clustering, database, TLS, hostname, SPI syntax): they follow references between
//! subsystems, which data rules cannot express.

mod expr;
mod extract;
pub mod migrate;
mod model;
mod rules;

use crate::products::ProductModule;
use crate::rule::NativeRuleFactory;
use crate::source::ParsedFile;
use crate::unit::Unit;
use crate::version::Product;

pub struct KeycloakWildfly;

impl ProductModule for KeycloakWildfly {
    fn product(&self) -> Product {
        Product::KeycloakWildfly
    }

    fn example_file_name(&self) -> &'static str {
        "standalone-ha.xml"
    }

    fn extract_units(&self, file: &ParsedFile<'_>, out: &mut Vec<Unit>) {
        extract::extract(file, out);
    }

    fn native_rules(&self) -> Vec<(&'static str, NativeRuleFactory)> {
        rules::all()
    }
}
