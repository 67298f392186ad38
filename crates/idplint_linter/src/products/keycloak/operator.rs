//! The Keycloak Operator's custom resource (`apiVersion: k8s.keycloak.org/v2alpha1`, `kind:
//! Keycloak`): its options become one `KeycloakEnvSet` unit, so the option rules (unknown
//! option, literal secret, deprecated or removed option) run on a CR the way they run on a
//! Deployment. The Operator turns every option into a `KC_*` variable of the pod it creates.
//!
//! Two places set options: `spec.additionalOptions[]` (`name` plus `value` or `secret`),
//! named exactly like keycloak.conf keys and rewritable in place; and first-class fields
//! (`spec.hostname.hostname`, `spec.db.vendor`, ...), which are reported but never renamed,
//! since their key is not the option's name.

use super::extract::{finish, keycloak_image_version};
use super::text::{scalar_inner, sequence_removal, sequence_separator};
use super::values::classify;
use crate::source::{FileFormat, ParsedFile};
use crate::unit::{DetectedVersion, EnvEntry, EnvSet, EnvSource, Unit, ValueKind, ValueStyle};
use idplint_diagnostics::TextRange;
use idplint_syntax::{Document, Node};

/// First-class CR fields and the option each one sets. Secret-valued fields
/// (`db.passwordSecret`) are references by construction.
const FIELDS: &[(&[&str], &str)] = &[
    (&["hostname", "hostname"], "hostname"),
    (&["hostname", "admin"], "hostname-admin"),
    (&["hostname", "strict"], "hostname-strict"),
    (
        &["hostname", "backchannelDynamic"],
        "hostname-backchannel-dynamic",
    ),
    (&["db", "vendor"], "db"),
    (&["db", "url"], "db-url"),
    (&["db", "host"], "db-url-host"),
    (&["db", "port"], "db-url-port"),
    (&["db", "database"], "db-url-database"),
    (&["db", "schema"], "db-schema"),
    (&["db", "poolInitialSize"], "db-pool-initial-size"),
    (&["db", "poolMinSize"], "db-pool-min-size"),
    (&["db", "poolMaxSize"], "db-pool-max-size"),
    (&["db", "usernameSecret"], "db-username"),
    (&["db", "passwordSecret"], "db-password"),
    (&["http", "httpEnabled"], "http-enabled"),
    (&["http", "httpPort"], "http-port"),
    (&["http", "httpsPort"], "https-port"),
    (&["httpManagement", "port"], "http-management-port"),
    (&["proxy", "headers"], "proxy-headers"),
    (&["features", "enabled"], "features"),
    (&["features", "disabled"], "features-disabled"),
    (&["transaction", "xaEnabled"], "transaction-xa-enabled"),
];

/// Whether `root` is a Keycloak Operator CR (not a `KeycloakRealmImport`, not the legacy
/// `keycloak.org/v1alpha1` Operator).
pub(crate) fn is_keycloak_cr(root: &Node) -> bool {
    let api = root.get("apiVersion").and_then(|e| e.value.as_str());
    let kind = root.get("kind").and_then(|e| e.value.as_str());
    api.is_some_and(|a| a.starts_with("k8s.keycloak.org/")) && kind == Some("Keycloak")
}

/// What a CR's unit is called, so rules can find the document a unit came from.
fn cr_label(root: &Node) -> String {
    let name = root
        .get_path(&["metadata", "name"])
        .and_then(Node::as_str)
        .unwrap_or("");
    format!("Keycloak CR `{name}`")
}

/// `spec.instances` of the CR a unit was built from: the number of Keycloak pods the Operator
/// runs, which is what `replicas` is for a Deployment.
pub(crate) fn instances(doc: &Document, label: &str) -> Option<u64> {
    doc.roots
        .iter()
        .filter(|root| is_keycloak_cr(root))
        .find(|root| cr_label(root) == label)?
        .get_path(&["spec", "instances"])
        .and_then(|n| n.as_str()?.trim().parse().ok())
}

/// The unit of one Keycloak CR document.
pub(crate) fn cr_unit(file: &ParsedFile<'_>, doc: &Document, root: &Node) -> Option<Unit> {
    let spec = root.get("spec").map(|e| &e.value)?;
    let text = file.text;
    let style = if file.format == FileFormat::Json {
        ValueStyle::JsonString
    } else {
        ValueStyle::YamlScalar
    };
    let mut set = EnvSet::default();
    for (path, option) in FIELDS {
        if let Some(entry) = spec.get_entry_path(path) {
            set.entries.push(field_entry(entry, option, path, style));
        }
    }
    if let Some(items) = spec
        .get("additionalOptions")
        .and_then(|e| e.value.as_sequence())
    {
        additional_options(text, doc.style.newline.as_str(), items, style, &mut set);
    }
    let image = spec
        .get("image")
        .and_then(|e| e.value.as_str().map(|s| (s.to_string(), e.value.range)));
    let detected_version = image.as_ref().and_then(|(text, range)| {
        keycloak_image_version(text).map(|version| DetectedVersion {
            version,
            range: *range,
            what: format!("the image `{text}`"),
        })
    });
    set.image = image;
    Some(finish(cr_label(root), set, detected_version))
}

/// A first-class field: reported on its key and value, never rewritten (`editable: false`).
fn field_entry(
    entry: &idplint_syntax::Entry,
    option: &str,
    path: &[&str],
    style: ValueStyle,
) -> EnvEntry {
    let node = &entry.value;
    let is_secret_ref = path.last().is_some_and(|k| k.ends_with("Secret"));
    let (value, value_kind) = if is_secret_ref {
        (None, ValueKind::Reference)
    } else if let Some(items) = node.as_sequence() {
        // `features.enabled: [a, b]` is the option's comma-separated list.
        let joined: Vec<&str> = items.iter().filter_map(Node::as_str).collect();
        let joined = joined.join(",");
        let kind = classify(&joined, EnvSource::OperatorOption);
        (Some(joined), kind)
    } else if let Some(value) = node.as_str() {
        (
            Some(value.to_string()),
            classify(value, EnvSource::OperatorOption),
        )
    } else {
        (None, ValueKind::Missing)
    };
    EnvEntry {
        source: EnvSource::OperatorOption,
        name: option.to_string(),
        name_range: entry.key.range,
        value_range: value.as_ref().map(|_| node.range),
        value,
        value_kind,
        value_style: style,
        item_range: TextRange::new(
            entry.key.range.start,
            node.range.end.max(entry.key.range.start),
        ),
        removal_range: TextRange::default(),
        separator: String::new(),
        editable: false,
    }
}

/// `spec.additionalOptions[]`: `{name, value}` or `{name, secret: {name, key}}`.
fn additional_options(
    text: &str,
    newline: &str,
    items: &[Node],
    style: ValueStyle,
    set: &mut EnvSet,
) {
    let ranges: Vec<TextRange> = items.iter().map(|n| n.range).collect();
    for (index, item) in items.iter().enumerate() {
        let Some(name_node) = item.get("name").map(|e| &e.value) else {
            continue;
        };
        let Some(name) = name_node.as_str() else {
            continue;
        };
        let Some((name_range, name_exact)) = scalar_inner(name_node, text) else {
            continue;
        };
        let value_node = item
            .get("value")
            .map(|e| &e.value)
            .filter(|n| n.as_scalar().is_some());
        let (value, value_range, value_kind) = match value_node {
            _ if item.get("secret").is_some() => (None, None, ValueKind::Reference),
            Some(node) => {
                let value = node.as_str().unwrap_or("").to_string();
                let kind = classify(&value, EnvSource::OperatorOption);
                (Some(value), Some(node.range), kind)
            }
            None => (None, None, ValueKind::Missing),
        };
        set.entries.push(EnvEntry {
            source: EnvSource::OperatorOption,
            name: name.to_string(),
            name_range,
            value,
            value_range,
            value_kind,
            value_style: style,
            item_range: item.range,
            removal_range: sequence_removal(text, &ranges, index, index),
            separator: sequence_separator(text, item.range, newline),
            editable: name_exact,
        });
    }
}
