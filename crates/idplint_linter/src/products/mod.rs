//! Product modules. Each one knows how to find its units in a parsed file, how to interpret
//! its kinds of data-rule `change`, and which native rules it has. Adding a product means
//! adding one module here and listing it in [`all`].

pub mod keycloak;
pub mod keycloak_wildfly;
pub mod kratos;
pub mod serverless;

use crate::rule::{NativeRuleFactory, Rule, RuleMeta};
use crate::source::ParsedFile;
use crate::unit::Unit;
use crate::version::Product;
use std::sync::Arc;

pub trait ProductModule: Send + Sync {
    fn product(&self) -> Product;

    /// The file name rule examples are linted as when they do not name one.
    fn example_file_name(&self) -> &'static str;

    /// Append the units of this product found in `file`.
    fn extract_units(&self, file: &ParsedFile<'_>, out: &mut Vec<Unit>);

    /// Turn a data rule's `change:` into a rule, or say what is wrong with it. Products whose
    /// rules are all native keep the default, which refuses every `change:`.
    fn compile_data_rule(
        &self,
        _meta: Arc<RuleMeta>,
        _change: &serde_json::Value,
    ) -> Result<Box<dyn Rule>, String> {
        Err(format!(
            "{} has no data-rule changes; write the rule in Rust and mark it `native: true`",
            self.product()
        ))
    }

    /// Rust rules, by id; their metadata comes from the rule files (`native: true`).
    fn native_rules(&self) -> Vec<(&'static str, NativeRuleFactory)>;

    /// Whether a rule of this product compares `path` with its base revision (`check
    /// --base`), so the CLI knows which files are worth a `git show`.
    fn wants_base(&self, _path: &str, _text: &str) -> bool {
        false
    }

    /// Prefixes of the environment variables only this product reads (`KC_`), so that an
    /// extension-less file of `KEY=value` lines holding one is read as an env file.
    fn env_variable_prefixes(&self) -> &'static [&'static str] {
        &[]
    }
}

/// Whether a variable name starts like one of a product's own (see
/// `ProductModule::env_variable_prefixes`).
pub fn is_product_variable(name: &str) -> bool {
    all().iter().any(|module| {
        module
            .env_variable_prefixes()
            .iter()
            .any(|prefix| name.starts_with(prefix))
    })
}

/// Whether any product compares this file with its base revision (`LintOptions::base_text`).
pub fn wants_base(path: &str, text: &str) -> bool {
    all().iter().any(|module| module.wants_base(path, text))
}

pub fn all() -> Vec<Box<dyn ProductModule>> {
    vec![
        Box::new(kratos::Kratos),
        Box::new(keycloak::Keycloak),
        Box::new(keycloak_wildfly::KeycloakWildfly),
        Box::new(serverless::Serverless),
    ]
}
