//! Keycloak, Quarkus distribution (17 and later): the options one server process sees, from
//! `.env` files, `keycloak.conf`, Compose services, Kubernetes containers and ECS container
//! definitions (environment, secrets and command line).
//!
//! - `extract` finds the processes and builds one `KeycloakEnvSet` unit each;
//! - `cache_xml` reads Infinispan cache configurations (`cache-ispn.xml`) as `KeycloakCacheXml`;
//! - `operator` reads the Keycloak Operator CR (`additionalOptions` and first-class fields);
//! - `catalog` is the option table `rules/keycloak/options.tsv` (what exists in which release);
//! - `features` is the feature-name table `rules/keycloak/features.tsv`;
//! - `changes` interprets the data rules of `rules/keycloak/*.yaml`;
//! - `rules` holds the native rules, one per file.

mod argv;
mod cache_xml;
pub mod catalog;
mod changes;
pub(crate) mod dockerfile;
pub(crate) mod extract;
mod features;
mod operator;
pub(crate) mod probes;
mod rules;
mod text;
mod values;

use crate::products::ProductModule;
use crate::rule::{NativeRuleFactory, Rule, RuleMeta};
use crate::source::ParsedFile;
use crate::unit::Unit;
use crate::version::Product;
use std::sync::Arc;

pub struct Keycloak;

impl ProductModule for Keycloak {
    fn product(&self) -> Product {
        Product::Keycloak
    }

    fn example_file_name(&self) -> &'static str {
        ".env"
    }

    fn env_variable_prefixes(&self) -> &'static [&'static str] {
        extract::KEYCLOAK_PREFIXES
    }

    fn extract_units(&self, file: &ParsedFile<'_>, out: &mut Vec<Unit>) {
        extract::extract(file, out);
        cache_xml::extract(file, out);
    }

    fn compile_data_rule(
        &self,
        meta: Arc<RuleMeta>,
        change: &serde_json::Value,
    ) -> Result<Box<dyn Rule>, String> {
        changes::compile(meta, change)
    }

    fn native_rules(&self) -> Vec<(&'static str, NativeRuleFactory)> {
        rules::all()
    }
}

#[cfg(test)]
mod tests;
