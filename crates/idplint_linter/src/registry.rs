//! All rules: the data and native rules of every product module, loaded once.

use crate::data::{LoadedRule, load_rule_file};
use crate::products::{self, ProductModule};
use crate::rule::{Rule, RuleMeta};
use crate::version::Product;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, OnceLock};

include!(concat!(env!("OUT_DIR"), "/rule_files.rs"));

/// The embedded text of one file under `rules/` (`keycloak/options.tsv`).
pub fn rule_file(path: &str) -> Option<&'static str> {
    RULE_FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
}

/// Rule ids of the tool itself (not tied to a product).
pub mod builtin {
    pub const PARSE_ERROR: &str = "idplint/parse-error";
    pub const UNUSED_SUPPRESSION: &str = "idplint/unused-suppression";
    pub const VERSION_UNKNOWN: &str = "idplint/version-unknown";
    pub const FILE_TOO_LARGE: &str = "idplint/file-too-large";
}

pub struct Registry {
    rules: Vec<Box<dyn Rule>>,
    by_id: BTreeMap<String, usize>,
    builtin: Vec<Arc<RuleMeta>>,
}

impl Registry {
    /// Load every rule file and pair native rules with their metadata. Errors name the file,
    /// the rule and what to change.
    pub fn load() -> Result<Self, Vec<String>> {
        Self::from_files(
            RULE_FILES
                .iter()
                .map(|(p, t)| (p.to_string(), t.to_string())),
        )
    }

    pub fn from_files(
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, Vec<String>> {
        let modules = products::all();
        let module_for = |product: Product| -> Option<&dyn ProductModule> {
            modules
                .iter()
                .find(|m| m.product() == product)
                .map(|m| &**m)
        };
        let mut errors = Vec::new();
        let mut rules: Vec<Box<dyn Rule>> = Vec::new();
        let mut builtin = Vec::new();
        let mut seen = HashSet::new();
        let mut native_seen = HashSet::new();
        for (path, text) in files {
            if !path.ends_with(".yaml") && !path.ends_with(".yml") {
                continue;
            }
            let loaded = match load_rule_file(&path, &text, |p| {
                module_for(p).map_or("config.yml", |m| m.example_file_name())
            }) {
                Ok(loaded) => loaded,
                Err(error) => {
                    errors.push(error);
                    continue;
                }
            };
            for LoadedRule { meta, change } in loaded {
                if !seen.insert(meta.id.clone()) {
                    errors.push(format!(
                        "{}: rule id `{}` is defined twice",
                        meta.defined_in, meta.id
                    ));
                    continue;
                }
                let meta = Arc::new(meta);
                if meta.id.starts_with("idplint/") {
                    builtin.push(meta);
                    continue;
                }
                let Some(module) = module_for(meta.product) else {
                    errors.push(format!(
                        "{}: no product module for `{}`",
                        meta.defined_in, meta.product
                    ));
                    continue;
                };
                match change {
                    Some(change) => match module.compile_data_rule(meta.clone(), &change) {
                        Ok(rule) => rules.push(rule),
                        Err(error) => {
                            errors.push(format!("{}: rule `{}`: {error}", meta.defined_in, meta.id))
                        }
                    },
                    None => {
                        let factory = module
                            .native_rules()
                            .into_iter()
                            .find(|(id, _)| *id == meta.id);
                        match factory {
                            Some((id, factory)) => {
                                native_seen.insert(id);
                                rules.push(factory(meta.clone()));
                            }
                            None => errors.push(format!(
                                "{}: rule `{}` says `native: true` but {} has no Rust rule with that id",
                                meta.defined_in, meta.id, meta.product
                            )),
                        }
                    }
                }
            }
        }
        for module in &modules {
            for (id, _) in module.native_rules() {
                if !native_seen.contains(id) {
                    errors.push(format!(
                        "native rule `{id}` has no entry in rules/{}/ (add one with `native: true`, its docs and examples)",
                        module.product()
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        rules.sort_by(|a, b| a.meta().id.cmp(&b.meta().id));
        let by_id = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.meta().id.clone(), i))
            .collect();
        Ok(Self {
            rules,
            by_id,
            builtin,
        })
    }

    pub fn rules(&self) -> &[Box<dyn Rule>] {
        &self.rules
    }

    /// Metadata of every rule, product rules and the tool's own, sorted by id.
    pub fn metas(&self) -> Vec<&RuleMeta> {
        let mut metas: Vec<&RuleMeta> = self
            .rules
            .iter()
            .map(|r| r.meta())
            .chain(self.builtin.iter().map(|m| &**m))
            .collect();
        metas.sort_by(|a, b| a.id.cmp(&b.id));
        metas
    }

    pub fn meta(&self, id: &str) -> Option<&RuleMeta> {
        self.by_id
            .get(id)
            .map(|&i| self.rules[i].meta())
            .or_else(|| self.builtin.iter().find(|m| m.id == id).map(|m| &**m))
    }

    /// Closest rule ids to `id`, for "did you mean" in `explain` and `--select`.
    pub fn suggest(&self, id: &str) -> Option<String> {
        crate::suggest::closest(id, self.metas().iter().map(|m| m.id.as_str()))
    }
}

static REGISTRY: OnceLock<Result<Registry, Vec<String>>> = OnceLock::new();

/// The process-wide registry of the built-in rules.
pub fn registry() -> Result<&'static Registry, &'static [String]> {
    match REGISTRY.get_or_init(Registry::load) {
        Ok(registry) => Ok(registry),
        Err(errors) => Err(errors),
    }
}
