//! Ory Kratos: configs as files (`kratos.yml`, `.yaml`, `.json`, or any file that looks like
//! one) and inside Kubernetes ConfigMaps; the version-keyed changes of
//! `rules/kratos/*.yaml` are interpreted by `changes`.

pub mod catalog;
mod changes;
mod claims;
mod config_keys;
mod env;
mod extract;
mod helm;
pub mod identity;
mod paths;
mod rules;
pub use rules::migration_image_mismatch::runs_migrate_sql;
pub mod sdk;
mod secrets;
mod url;

use crate::products::ProductModule;
use crate::rule::{NativeRuleFactory, Rule, RuleMeta};
use crate::source::ParsedFile;
use crate::unit::Unit;
use crate::version::Product;
use std::sync::Arc;

pub struct Kratos;

impl ProductModule for Kratos {
    fn product(&self) -> Product {
        Product::Kratos
    }

    fn example_file_name(&self) -> &'static str {
        "kratos.yml"
    }

    fn env_variable_prefixes(&self) -> &'static [&'static str] {
        env::KRATOS_PREFIXES
    }

    fn extract_units(&self, file: &ParsedFile<'_>, out: &mut Vec<Unit>) {
        extract::extract(file, out);
        identity::extract::extract(file, out);
        env::extract(file, out);
        sdk::extract(file, out);
    }

    fn compile_data_rule(
        &self,
        meta: Arc<RuleMeta>,
        change: &serde_json::Value,
    ) -> Result<Box<dyn Rule>, String> {
        changes::compile(meta, change)
    }

    fn native_rules(&self) -> Vec<(&'static str, NativeRuleFactory)> {
        let mut rules = rules::all();
        rules.extend(config_keys::native_rules());
        rules.extend(identity::native_rules());
        rules.extend(sdk::native_rules());
        rules
    }
}
