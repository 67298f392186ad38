//! Kratos configs inside Helm values for the ory/k8s `kratos` chart: `kratos.config` is a
//! Kratos config written as a YAML mapping. Umbrella charts nest the same under their
//! dependency's name (`kratos: kratos: config:`). The identity schemas of
//! `kratos.identitySchemas` (JSON in block scalars under `*.json` keys) are found by
//! `identity::extract`, which reads such keys in any YAML file.
//!
//! The config unit is the `kratos.config` subtree of the host document itself, so its ranges
//! are host ranges already and it needs no `EmbeddedMap`; edits are made on the host text.

use crate::source::ParsedFile;
use crate::unit::{DetectedVersion, TreeUnit, Unit};
use crate::version::{Product, image_version};
use idplint_syntax::{Document, Node};

/// Every Helm unit's label starts with this; rules use it to tell Helm units apart (the chart
/// fills in secrets and the dev flag itself).
pub const HELM_LABEL_PREFIX: &str = "Helm values";

pub fn is_helm_unit(unit: &Unit) -> bool {
    unit.label.starts_with(HELM_LABEL_PREFIX)
}

/// The chart's `kratos:` values mapping, with its dotted path, when `root` is Helm values
/// for the ory/k8s Kratos chart (directly or as an umbrella chart's dependency).
pub fn chart_values(root: &Node) -> Option<(&'static str, &Node)> {
    let is_values = |node: &Node| {
        node.get("config")
            .is_some_and(|e| e.value.as_mapping().is_some())
            || node
                .get("identitySchemas")
                .is_some_and(|e| e.value.as_mapping().is_some())
    };
    let kratos = &root.get("kratos")?.value;
    if is_values(kratos) {
        return Some(("kratos", kratos));
    }
    let nested = &kratos.get("kratos")?.value;
    is_values(nested).then_some(("kratos.kratos", nested))
}

/// Push the Kratos config unit of Helm values (`kratos.config`). Returns whether `root` was
/// Helm values for the Kratos chart, so the caller does not also take it for a config.
pub fn extract(
    file: &ParsedFile<'_>,
    doc: &Document,
    root: &Node,
    make_unit: impl Fn(String, TreeUnit) -> Unit,
    out: &mut Vec<Unit>,
) -> bool {
    let Some((prefix, values)) = chart_values(root) else {
        return false;
    };
    if let Some(config) = values.get("config").map(|e| &e.value)
        && config.as_mapping().is_some()
    {
        let tree = TreeUnit {
            text: file.text.to_string(),
            doc: Document {
                roots: vec![config.clone()],
                comments: doc.comments.clone(),
                style: doc.style.clone(),
            },
            root_index: 0,
            map: None,
        };
        let mut unit = make_unit(format!("{HELM_LABEL_PREFIX} `{prefix}.config`"), tree);
        if unit.detected_version.is_none() {
            unit.detected_version = chart_image_version(root, values);
        }
        out.push(unit);
    }
    true
}

/// The chart's `image.tag` when `image.repository` is a Kratos image: in the values of the
/// chart itself (`kratos.image` of an umbrella chart) or at the top (the chart's own values).
fn chart_image_version(root: &Node, values: &Node) -> Option<DetectedVersion> {
    let candidates = [values.get("image"), root.get("image")];
    candidates.into_iter().flatten().find_map(|image| {
        let repository = image.value.get("repository")?.value.as_str()?;
        let tag = image.value.get("tag")?;
        let tag_text = tag.value.as_str()?;
        let (product, version, _) = image_version(&format!("{repository}:{tag_text}"))?;
        if product != Product::Kratos {
            return None;
        }
        Some(DetectedVersion {
            version,
            range: tag.value.range,
            what: format!("the chart's image `{repository}:{tag_text}`"),
        })
    })
}
