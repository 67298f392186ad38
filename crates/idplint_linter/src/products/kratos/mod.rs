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

/// A Kratos container of a deployment file, for `idplint upgrade`'s plan: which processes
/// migrate the database and which serve, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KratosProcess {
    /// "container `kratos` of Deployment `kratos`", "Compose service `kratos-migrate`".
    pub label: String,
    /// Runs `kratos migrate sql`.
    pub migrates: bool,
}

/// The Kratos containers of `text` (Compose, Kubernetes, ECS); empty for anything else or
/// for text that does not parse.
pub fn processes(path: &str, text: &str) -> Vec<KratosProcess> {
    let Some(format) = crate::source::sniff_format(path, text) else {
        return Vec::new();
    };
    let Ok(file) = ParsedFile::parse(path, text, format) else {
        return Vec::new();
    };
    let mut units = Vec::new();
    env::extract(&file, &mut units);
    units
        .into_iter()
        .filter_map(|unit| match &unit.content {
            crate::unit::UnitContent::Env(set) if set.image.is_some() => Some(KratosProcess {
                migrates: rules::migration_image_mismatch::runs_migration(set),
                label: unit.label.clone(),
            }),
            _ => None,
        })
        .collect()
}
