//! Serverless Framework service definitions (`serverless.yml`) for the AWS provider, and the
//! API Gateway API keys they declare.
//!
//! A whole-file unit (`extract`): a file named `serverless.yml`/`serverless.yaml`, or any YAML
//! whose root has `service:` and `provider:` with `name: aws`. Its version is
//! `frameworkVersion`. The API keys (`api_keys`) are read the way Serverless compiles them
//! into CloudFormation, so that each key carries the logical id (`ApiGatewayApiKey1..N`) its
//! resource gets: the rules reason about CloudFormation replacements, which follow logical
//! ids. `serverless/apikey-replacement` compares the file with its `--base` revision
//! (`RuleContext::base`); the other rules look at one revision.

mod api_keys;
mod extract;
mod rules;

use crate::products::ProductModule;
use crate::rule::NativeRuleFactory;
use crate::source::ParsedFile;
use crate::unit::Unit;
use crate::version::Product;

pub struct Serverless;

impl ProductModule for Serverless {
    fn product(&self) -> Product {
        Product::Serverless
    }

    fn example_file_name(&self) -> &'static str {
        "serverless.yml"
    }

    fn extract_units(&self, file: &ParsedFile<'_>, out: &mut Vec<Unit>) {
        extract::extract(file, out);
    }

    fn native_rules(&self) -> Vec<(&'static str, NativeRuleFactory)> {
        rules::all()
    }

    fn wants_base(&self, path: &str, text: &str) -> bool {
        // Only the API-key diff rule reads the base; a file without API keys needs no `git show`.
        extract::is_serverless_name(path) || (text.contains("apiKeys") && text.contains("service"))
    }
}
