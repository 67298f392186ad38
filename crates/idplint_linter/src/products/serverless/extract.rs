//! Finding the Serverless service definition in a YAML file.

use super::api_keys::{api_keys, literal_value};
use crate::source::{FileFormat, ParsedFile};
use crate::unit::{DetectedVersion, TreeUnit, Unit, UnitContent, UnitKind};
use crate::version::ProductVersion;
use idplint_syntax::Node;

/// `serverless.yml` / `serverless.yaml` (any directory, any case).
pub fn is_serverless_name(path: &str) -> bool {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    name == "serverless.yml" || name == "serverless.yaml"
}

/// Whether `root` is a Serverless service for AWS: by name, a mapping with `provider:` (or
/// `service:`) whose provider is not another cloud; by content, `service:` + `provider:` with
/// `name: aws`.
pub fn is_service_root(root: &Node, by_name: bool) -> bool {
    if root.as_mapping().is_none() {
        return false;
    }
    let provider_name = root
        .get_path(&["provider", "name"])
        .and_then(Node::as_str)
        .map(str::trim);
    if by_name {
        let has_shape = root.get("provider").is_some() || root.get("service").is_some();
        return has_shape && provider_name.is_none_or(|name| name == "aws");
    }
    root.get("service").is_some() && provider_name == Some("aws")
}

pub fn extract(file: &ParsedFile<'_>, out: &mut Vec<Unit>) {
    if file.format != FileFormat::Yaml {
        return;
    }
    let Some(doc) = file.tree() else {
        return;
    };
    let by_name = is_serverless_name(file.path);
    for (index, root) in doc.roots.iter().enumerate() {
        if !is_service_root(root, by_name) {
            continue;
        }
        let service = root.get("service").and_then(|entry| {
            entry
                .value
                .as_str()
                .or_else(|| entry.value.get("name").and_then(|name| name.value.as_str()))
        });
        let label = match service {
            Some(service) => format!("{} (service {service})", file.file_name()),
            None => file.file_name(),
        };
        let secrets = api_keys(root)
            .iter()
            .filter_map(|key| key.value)
            .filter_map(|value| literal_value(root, value))
            .map(|value| value.range)
            .collect();
        out.push(Unit {
            kind: UnitKind::ServerlessConfig,
            label,
            content: UnitContent::Tree(TreeUnit {
                text: file.text.to_string(),
                doc: doc.clone(),
                root_index: index,
                map: None,
            }),
            detected_version: framework_version(root),
            secrets,
        });
    }
}

/// `frameworkVersion: '3'`, `^3.38.0`, `">=1.28.0 <2.0.0"`: the lowest version the
/// constraint admits is what the file is written for.
fn framework_version(root: &Node) -> Option<DetectedVersion> {
    let entry = root.get("frameworkVersion")?;
    let constraint = entry.value.as_str()?;
    let lowest = constraint
        .trim_start_matches(['^', '~', '>', '=', ' ', '\t'])
        .split_whitespace()
        .next()?;
    Some(DetectedVersion {
        version: ProductVersion::parse(lowest)?,
        range: entry.value.range,
        what: "`frameworkVersion`".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use idplint_syntax::Limits;

    fn version_of(text: &str) -> Option<String> {
        let doc = idplint_syntax::yaml::parse(text, &Limits::default()).ok()?;
        framework_version(doc.root()?).map(|found| found.version.original().to_string())
    }

    #[test]
    fn framework_version_is_the_lowest_the_constraint_admits() {
        assert_eq!(version_of("frameworkVersion: '3'\n").as_deref(), Some("3"));
        assert_eq!(
            version_of("frameworkVersion: '>=1.28.0 <2.0.0'\n").as_deref(),
            Some("1.28.0")
        );
        assert_eq!(
            version_of("frameworkVersion: ^3.38.0\n").as_deref(),
            Some("3.38.0")
        );
        assert_eq!(version_of("frameworkVersion: '*'\n"), None);
        assert_eq!(version_of("service: s\n"), None);
    }
}
