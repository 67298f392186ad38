//! The API keys of a service, as Serverless turns them into CloudFormation resources.
//!
//! Serverless (`compile/events/apiGateway/lib/apiKeys.js`) reads `provider.apiGateway.apiKeys`,
//! else the legacy `provider.apiKeys`. Each item is a name (`- my-key`), a map
//! (`{name, value, description, customerId, enabled}`), or, with usage plans, a one-key map
//! from a usage-plan name to such a list. Keys are numbered by list position: plain items
//! `ApiGatewayApiKey1..N`, items of a usage-plan group `ApiGatewayApiKey<Plan>1..N`, the
//! counter starting again at each group (as Serverless does). `Name` and `Value` of an
//! `AWS::ApiGateway::ApiKey` cannot change in place, so any change under one logical id
//! replaces the key.

use idplint_syntax::{Node, NodeKind};

/// One API key declaration.
pub struct ApiKey<'a> {
    /// The CloudFormation logical id Serverless gives the key's resource.
    pub logical_id: String,
    /// The list item (a scalar name or a map).
    pub item: &'a Node,
    /// The node giving the key's name, absent when CloudFormation generates one.
    pub name: Option<&'a Node>,
    /// The node giving the key's value, absent when API Gateway generates one.
    pub value: Option<&'a Node>,
}

impl ApiKey<'_> {
    /// The name as written (variables unresolved), for comparison and messages.
    pub fn name_text(&self, text: &str) -> Option<String> {
        self.name.map(|node| node_text(node, text))
    }

    pub fn value_text(&self, text: &str) -> Option<String> {
        self.value.map(|node| node_text(node, text))
    }
}

/// A node's meaning as written: a plain scalar's decoded text, otherwise its source (a `!Ref`,
/// a `Fn::Join` map) with whitespace collapsed so re-indentation is not a change.
pub fn node_text(node: &Node, text: &str) -> String {
    match (&node.kind, &node.tag) {
        (NodeKind::Scalar(scalar), None) => scalar.value.clone(),
        _ => node
            .range
            .slice(text)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// A value written out in the file: an untagged scalar with no `${...}` variable in it.
pub fn is_literal(node: &Node) -> bool {
    node.tag.is_none()
        && matches!(&node.kind, NodeKind::Scalar(scalar)
            if !scalar.value.contains("${") && !node.is_null())
}

/// Whether a name or value written with variables differs per stage (`${sls:stage}`,
/// `${opt:stage}`, `${self:provider.stage}`, `${self:custom.stage}`, ...).
pub fn varies_by_stage(node: &Node, text: &str) -> bool {
    let written = node_text(node, text);
    written.contains("${") && written.to_ascii_lowercase().contains("stage")
}

/// The list Serverless reads the keys from.
fn key_list(root: &Node) -> Option<&Node> {
    root.get_path(&["provider", "apiGateway", "apiKeys"])
        .filter(|node| node.as_sequence().is_some())
        .or_else(|| root.get_path(&["provider", "apiKeys"]))
}

fn usage_plan_names(root: &Node) -> Vec<&str> {
    let plans = root
        .get_path(&["provider", "apiGateway", "usagePlan"])
        .or_else(|| root.get_path(&["provider", "usagePlan"]));
    plans
        .and_then(Node::as_sequence)
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::as_mapping)
        .flat_map(|entries| entries.iter().map(|entry| entry.key_str()))
        .collect()
}

/// `item` as a usage-plan group: a one-entry map from a plan name to a list of keys.
fn as_group<'a>(item: &'a Node, plans: &[&str]) -> Option<(&'a str, &'a [Node])> {
    let [entry] = item.as_mapping()? else {
        return None;
    };
    let keys = entry.value.as_sequence()?;
    let plan = entry.key_str();
    let known = plans.contains(&plan) || !matches!(plan, "name" | "value" | "description");
    known.then_some((plan, keys))
}

fn key_of<'a>(item: &'a Node, logical_id: String) -> ApiKey<'a> {
    if item.as_mapping().is_some() {
        ApiKey {
            logical_id,
            item,
            name: item.get("name").map(|entry| &entry.value),
            value: item
                .get("value")
                .map(|entry| &entry.value)
                .filter(|value| !value.is_null()),
        }
    } else {
        ApiKey {
            logical_id,
            item,
            name: Some(item).filter(|node| !node.is_null()),
            value: None,
        }
    }
}

/// Serverless' `normalizeNameToAlphaNumericOnly`: first letter upper-cased, other characters
/// than letters and digits dropped.
fn normalize_plan(plan: &str) -> String {
    let mut chars = plan.chars().filter(char::is_ascii_alphanumeric);
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + &chars.collect::<String>(),
        None => String::new(),
    }
}

/// Every API key of the service rooted at `root`, in the order Serverless numbers them.
pub fn api_keys<'a>(root: &'a Node) -> Vec<ApiKey<'a>> {
    let Some(items) = key_list(root).and_then(Node::as_sequence) else {
        return Vec::new();
    };
    let plans = usage_plan_names(root);
    let mut keys = Vec::new();
    let mut number = 0usize;
    for item in items {
        if let Some((plan, group)) = as_group(item, &plans) {
            number = 0;
            let prefix = normalize_plan(plan);
            for key in group {
                number += 1;
                keys.push(key_of(key, format!("ApiGatewayApiKey{prefix}{number}")));
            }
        } else {
            number += 1;
            keys.push(key_of(item, format!("ApiGatewayApiKey{number}")));
        }
    }
    keys
}

/// The node a value that is exactly `${self:a.b.c}` points at in the same file.
pub fn self_reference<'a>(root: &'a Node, value: &Node) -> Option<&'a Node> {
    if value.tag.is_some() {
        return None;
    }
    let path = value
        .as_str()?
        .trim()
        .strip_prefix("${self:")?
        .strip_suffix('}')?;
    if path.contains(['$', '{', ',', ' ']) {
        return None;
    }
    let segments: Vec<&str> = path.split('.').collect();
    root.get_path(&segments)
}

/// The literal a key's value is, directly or through a `${self:...}` reference: a secret
/// written in the file.
pub fn literal_value<'a>(root: &'a Node, value: &'a Node) -> Option<&'a Node> {
    if is_literal(value) {
        return Some(value);
    }
    self_reference(root, value).filter(|node| is_literal(node))
}
