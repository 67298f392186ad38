//! Product module (work in progress).

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

    fn extract_units(&self, _file: &ParsedFile<'_>, _out: &mut Vec<Unit>) {}

    fn compile_data_rule(
        &self,
        _meta: Arc<RuleMeta>,
        _change: &serde_json::Value,
    ) -> Result<Box<dyn Rule>, String> {
        Err("no data-rule changes are defined for this product yet".to_string())
    }

    fn native_rules(&self) -> Vec<(&'static str, NativeRuleFactory)> {
        Vec::new()
    }
}
