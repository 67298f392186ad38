//! Finding Keycloak processes in files: one `KeycloakEnvSet` unit per `.env` file,
//! `keycloak.conf`, Compose service, Kubernetes container or ECS container definition, with
//! every range in host-file coordinates.

use super::argv::{ArgList, option_entries, runs_shell};
use super::catalog::catalog;
use super::operator;
use super::probes::{Probe, compose_probes, ecs_probes, kubernetes_probes};
use super::text::{
    mapping_entry_removal, mapping_separator, scalar_inner, sequence_removal, sequence_separator,
    whole_lines,
};
use super::values::{LAUNCHER_VARIABLES, classify, is_secret, option_of};
use crate::source::{FileFormat, ParsedFile};
use crate::unit::{
    DetectedVersion, EnvEntry, EnvSet, EnvSource, Unit, UnitContent, UnitKind, ValueKind,
    ValueStyle,
};
use crate::version::{Product, image_version};
use idplint_diagnostics::TextRange;
use idplint_syntax::{Document, Entry, Node, NodeKind, ScalarStyle};

pub fn extract(file: &ParsedFile<'_>, out: &mut Vec<Unit>) {
    if file.format == FileFormat::Dockerfile {
        super::dockerfile::extract(file, out);
        return;
    }
    let Some(doc) = file.tree() else {
        return;
    };
    match file.format {
        FileFormat::Env => out.extend(dotenv_unit(file, doc)),
        FileFormat::Properties => out.extend(conf_unit(file, doc)),
        FileFormat::Yaml | FileFormat::Json => tree_units(file, doc, out),
        FileFormat::Xml | FileFormat::Dockerfile | FileFormat::Code(_) => {}
    }
}

/// What every extractor needs about the host file.
struct Host<'a> {
    text: &'a str,
    newline: &'static str,
    json: bool,
}

impl<'a> Host<'a> {
    fn new(file: &ParsedFile<'a>, doc: &Document) -> Self {
        Self {
            text: file.text,
            newline: doc.style.newline.as_str(),
            json: file.format == FileFormat::Json,
        }
    }

    /// How a value that is a scalar of its own is rewritten in this file.
    fn scalar_style(&self) -> ValueStyle {
        if self.json {
            ValueStyle::JsonString
        } else {
            ValueStyle::YamlScalar
        }
    }
}

// ---------------------------------------------------------------------------------------
// .env files

fn dotenv_unit(file: &ParsedFile<'_>, doc: &Document) -> Option<Unit> {
    let root = doc.root()?;
    let entries = root.as_mapping()?;
    if !entries.iter().any(|e| is_keycloak_name(e.key_str())) {
        return None;
    }
    let set = dotenv_set(file, doc)?;
    let detected_version = dotenv_version(&set);
    Some(finish(file.path_label(), set, detected_version))
}

/// Every line of a `.env` file as an entry, whatever product reads it (Kratos reads its
/// `.env` files through this too).
pub(crate) fn dotenv_set(file: &ParsedFile<'_>, doc: &Document) -> Option<EnvSet> {
    let entries = doc.root()?.as_mapping()?;
    let host = Host::new(file, doc);
    let mut set = EnvSet::default();
    for entry in entries {
        set.entries
            .push(line_entry(&host, entry, EnvSource::DotEnv));
    }
    Some(set)
}

/// Variables the Quarkus distribution (`KC_`) or the legacy and Bitnami images (`KEYCLOAK_`)
/// read.
pub(crate) const KEYCLOAK_PREFIXES: &[&str] = &["KC_", "KEYCLOAK_"];

fn is_keycloak_name(name: &str) -> bool {
    KEYCLOAK_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// `KEYCLOAK_VERSION=26.1.0` (or `KEYCLOAK_IMAGE=quay.io/keycloak/keycloak:26.1`) next to a
/// Compose file says which release the variables are for.
fn dotenv_version(set: &EnvSet) -> Option<DetectedVersion> {
    set.entries.iter().find_map(|entry| {
        let value = entry.value.as_deref()?;
        let range = entry.value_range?;
        let version = match entry.name.as_str() {
            "KEYCLOAK_VERSION" | "KEYCLOAK_TAG" => {
                crate::version::ProductVersion::parse(value).filter(|v| v.major() >= 17)?
            }
            "KEYCLOAK_IMAGE" => keycloak_image_version(value)?,
            _ => return None,
        };
        Some(DetectedVersion {
            version,
            range,
            what: format!("`{}` in the .env file", entry.name),
        })
    })
}

/// One line-based entry (`.env` line or keycloak.conf key). The value range is inside any
/// quotes, because the value is raw text of a larger line.
fn line_entry(host: &Host<'_>, entry: &Entry, source: EnvSource) -> EnvEntry {
    let text = host.text;
    let name = entry.key_str().to_string();
    let key_range = entry.key.range;
    let value_node = &entry.value;
    let scalar = value_node.as_scalar();
    // A bare `KEY` line (Compose passes the host's variable through) has an empty value range
    // right at the end of the key.
    let missing = source == EnvSource::DotEnv
        && value_node.range.is_empty()
        && value_node.range.start == key_range.end;
    let (value_range, value_exact) = match scalar.map(|s| s.style) {
        Some(ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) => {
            scalar_inner(value_node, text).unwrap_or((value_node.range, false))
        }
        _ => (
            value_node.range,
            value_node.range.slice(text) == scalar.map(|s| s.value.as_str()),
        ),
    };
    let value = scalar.map(|s| s.value.clone()).unwrap_or_default();
    let name_exact = key_range.slice(text) == Some(name.as_str());
    // `export KEY=value`: the item starts at the line's first word so a clone is exported too.
    let line = whole_lines(text, entry.range);
    let item_start = {
        let prefix = TextRange::new(line.start, key_range.start)
            .slice(text)
            .unwrap_or("");
        line.start + super::text::to_u32(prefix.len() - prefix.trim_start().len())
    };
    let item_end = value_node.range.end.max(key_range.end);
    EnvEntry {
        source,
        name,
        name_range: key_range,
        value_kind: if missing {
            ValueKind::Missing
        } else {
            classify(&value, source)
        },
        value: (!missing).then_some(value),
        value_range: (!missing).then_some(value_range),
        value_style: ValueStyle::Raw,
        item_range: TextRange::new(item_start, item_end.max(item_start)),
        removal_range: removal_with_final_line(text, line),
        separator: format!(
            "{}{}",
            host.newline,
            super::text::line_indent(text, key_range.start)
        ),
        editable: name_exact && (missing || value_exact),
    }
}

/// Whole lines; when they end the file without a line ending, take the line ending before
/// them instead so no empty line is left behind.
pub(super) fn removal_with_final_line(text: &str, line: TextRange) -> TextRange {
    let ends_with_newline = line.slice(text).is_some_and(|l| l.ends_with('\n'));
    if ends_with_newline || line.start == 0 {
        return line;
    }
    let bytes = text.as_bytes();
    let mut start = line.start as usize;
    if start > 0 && bytes.get(start - 1) == Some(&b'\n') {
        start -= 1;
        if start > 0 && bytes.get(start - 1) == Some(&b'\r') {
            start -= 1;
        }
    }
    TextRange::from_usize(start, line.end as usize)
}

// ---------------------------------------------------------------------------------------
// keycloak.conf

fn conf_unit(file: &ParsedFile<'_>, doc: &Document) -> Option<Unit> {
    let root = doc.root()?;
    let entries = root.as_mapping()?;
    let name = file.file_name();
    if !is_keycloak_conf(&name, entries) {
        return None;
    }
    let host = Host::new(file, doc);
    let mut set = EnvSet::default();
    for entry in entries {
        set.entries
            .push(line_entry(&host, entry, EnvSource::ConfFile));
    }
    Some(finish(file.path_label(), set, None))
}

/// `keycloak.conf` (or any `.conf` named after Keycloak) always; another `.conf` only when
/// most of its keys are Keycloak options, so nginx or supervisor configs are left alone.
fn is_keycloak_conf(name: &str, entries: &[Entry]) -> bool {
    if !name.ends_with(".conf") {
        return false;
    }
    if name.contains("keycloak") {
        return true;
    }
    let known = entries
        .iter()
        .filter(|e| {
            let key = e.key_str();
            let key = match key.strip_prefix('%') {
                Some(rest) => rest.split_once('.').map_or(rest, |(_, k)| k),
                None => key,
            };
            catalog().lookup(key).is_some()
        })
        .count();
    known >= 2 && known * 2 >= entries.len()
}

// ---------------------------------------------------------------------------------------
// YAML and JSON: Compose, Kubernetes, ECS

fn tree_units(file: &ParsedFile<'_>, doc: &Document, out: &mut Vec<Unit>) {
    for root in doc.roots.iter().filter(|r| operator::is_keycloak_cr(r)) {
        out.extend(operator::cr_unit(file, doc, root));
    }
    for container in containers(file, doc) {
        out.extend(keycloak_container_unit(
            container.label,
            &container.name,
            container.image,
            container.set,
        ));
    }
}

/// How the label of a Compose service's unit starts (rules that only concern Compose test it).
pub(crate) const COMPOSE_SERVICE: &str = "Compose service";

/// One process of a Compose, Kubernetes or ECS file with its environment and command line,
/// before deciding which product it runs (Kratos reads its containers through this too).
pub(crate) struct Container<'a> {
    /// "Compose service `kratos`", "container `kratos` of Deployment `kratos`".
    pub label: String,
    /// The service or container name.
    pub name: String,
    pub image: Option<&'a Node>,
    pub set: EnvSet,
    /// Its health checks (probes, Compose `healthcheck`, ECS `healthCheck`).
    pub probes: Vec<Probe>,
    /// Every whitespace-separated word of its entrypoint and command, list or string form
    /// (`start-dev`, `--optimized`), with the host range of the element or string holding it,
    /// for rules about how the server is started.
    pub command_words: Vec<(String, TextRange)>,
    /// Kubernetes `spec.replicas` of the owning workload, Compose `deploy.replicas`/`scale`.
    pub replicas: Option<u64>,
    /// Whether options may also come from somewhere this file does not show: Compose
    /// `env_file`, Kubernetes `envFrom`, ECS `environmentFiles`, or a volume mounted into
    /// `/opt/keycloak/conf` (keycloak.conf, `server.keystore`).
    pub outside_config: bool,
    /// Compose `ports` (short and long syntax); empty elsewhere.
    pub published: Vec<PublishedPort>,
    /// Compose `build:`: the image is built from a Dockerfile, maybe one of the same run.
    pub compose_build: Option<ComposeBuild>,
}

/// A Compose service's `build:` (`build: ./keycloak`, or `context`, `dockerfile`, `target`).
#[derive(Clone, Debug)]
pub(crate) struct ComposeBuild {
    /// The build context, relative to the Compose file.
    pub context: String,
    /// The Dockerfile, relative to the context (`Dockerfile` when not given).
    pub dockerfile: String,
    /// The stage to build (`target:`); the last stage when not given.
    pub target: Option<String>,
}

/// `build: ./dir` or `build: {context: ./dir, dockerfile: Dockerfile.prod, target: runtime}`.
/// An inline Dockerfile (`dockerfile_inline`) or a remote context names no file of the run.
fn compose_build(node: &Node) -> Option<ComposeBuild> {
    if let Some(context) = node.as_str() {
        return Some(ComposeBuild {
            context: context.to_string(),
            dockerfile: "Dockerfile".to_string(),
            target: None,
        });
    }
    let field = |key: &str| {
        node.get(key)
            .and_then(|e| e.value.as_str())
            .map(str::to_string)
    };
    if node.get("dockerfile_inline").is_some() {
        return None;
    }
    let context = field("context").unwrap_or_else(|| ".".to_string());
    if context.contains("://") || context.starts_with("git@") {
        return None;
    }
    Some(ComposeBuild {
        context,
        dockerfile: field("dockerfile").unwrap_or_else(|| "Dockerfile".to_string()),
        target: field("target"),
    })
}

/// A Compose port publication.
#[derive(Clone, Debug)]
pub(crate) struct PublishedPort {
    /// The port inside the container.
    pub container: u32,
    /// Whether it is bound to one host address other than `0.0.0.0`/`::`.
    pub host_ip_bound: bool,
    /// The item as written.
    pub range: TextRange,
    /// Where to insert `127.0.0.1:` in a short-syntax string written as-is.
    pub insert_at: Option<u32>,
}

/// Compose `ports:` items: `"8080:8080"`, `"127.0.0.1:9000:9000/tcp"`, `9000`, or
/// `{target: 9000, published: 9000, host_ip: 127.0.0.1}`.
fn compose_ports(node: Option<&Node>, text: &str) -> Vec<PublishedPort> {
    let Some(items) = node.and_then(Node::as_sequence) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        if let Some(value) = item.as_str() {
            let spec = value.split('/').next().unwrap_or("");
            // The container port is after the last colon; IPv6 hosts are in brackets.
            let Some(container) = spec.rsplit(':').next().and_then(|p| p.trim().parse().ok())
            else {
                continue;
            };
            let parts = spec.matches(':').count();
            let host_ip = (parts >= 2).then(|| {
                let end = spec.rfind(':').unwrap_or(0);
                let before = &spec[..end];
                before[..before.rfind(':').unwrap_or(0)].trim_matches(['[', ']'])
            });
            let host_ip_bound = host_ip.is_some_and(|ip| !matches!(ip, "" | "0.0.0.0" | "::"));
            let insert_at = scalar_inner(item, text)
                .filter(|(range, exact)| *exact && range.slice(text) == Some(value))
                .map(|(range, _)| range.start);
            out.push(PublishedPort {
                container,
                host_ip_bound,
                range: item.range,
                insert_at,
            });
        } else if let Some(target) = item
            .get("target")
            .and_then(|t| t.value.as_str()?.trim().parse().ok())
        {
            // Without `published` Compose picks a random host port: still published.
            let host_ip = item.get("host_ip").and_then(|h| h.value.as_str());
            out.push(PublishedPort {
                container: target,
                host_ip_bound: host_ip.is_some_and(|ip| !matches!(ip, "" | "0.0.0.0" | "::")),
                range: item.range,
                insert_at: None,
            });
        }
    }
    out
}

/// Whether a mount target is Keycloak's configuration directory.
fn mounts_conf(target: &str) -> bool {
    target.contains("/opt/keycloak/conf")
}

/// The words of command nodes (a list of strings or one string).
fn command_words(commands: &[&Node]) -> Vec<(String, TextRange)> {
    let mut words = Vec::new();
    for command in commands {
        let items: Vec<&Node> = match command.as_sequence() {
            Some(items) => items.iter().collect(),
            None => vec![*command],
        };
        for item in items {
            if let Some(text) = item.as_str() {
                words.extend(text.split_whitespace().map(|w| (w.to_string(), item.range)));
            }
        }
    }
    words
}

/// What the process-shape rules need of a unit's container, owned so it can be cached.
#[derive(Clone, Debug)]
pub(crate) struct Shape {
    pub probes: Vec<Probe>,
    pub command_words: Vec<(String, TextRange)>,
    pub replicas: Option<u64>,
    pub outside_config: bool,
    pub published: Vec<PublishedPort>,
    /// How many containers the file has (target groups of a template count for a single one).
    pub containers_in_file: usize,
    /// What `kc.sh build` baked into the image (Dockerfile stages that run or copy a build).
    pub build: Option<super::dockerfile::ImageBuild>,
    /// Compose `build:` of the service.
    pub compose_build: Option<ComposeBuild>,
}

type ShapeCache = Option<(String, Vec<(String, Option<TextRange>, Shape)>)>;

thread_local! {
    /// The shapes of the last file seen on this thread. Several rules ask for every unit of a
    /// file; extracting all containers each time made large manifests quadratic. The key is
    /// the whole text, so an edited file (the fix loop) never sees stale shapes.
    static SHAPES: std::cell::RefCell<ShapeCache> = const { std::cell::RefCell::new(None) };
}

/// The container a unit of this file was built from (same label and image), for rules that
/// need more of it than its options: probes, the sub-command, replicas.
pub(crate) fn unit_shape(file: &ParsedFile<'_>, unit: &Unit) -> Option<Shape> {
    let UnitContent::Env(set) = &unit.content else {
        return None;
    };
    let image_range = set.image.as_ref().map(|(_, r)| *r);
    let find = |shapes: &[(String, Option<TextRange>, Shape)]| {
        shapes
            .iter()
            .find(|(label, image, _)| *label == unit.label && *image == image_range)
            .map(|(_, _, shape)| shape.clone())
    };
    let cached = SHAPES.with(|cache| {
        let cache = cache.borrow();
        match cache.as_ref() {
            Some((text, shapes)) if text == file.text => Some(find(shapes)),
            _ => None,
        }
    });
    if let Some(found) = cached {
        return found;
    }
    if file.dockerfile().is_some() {
        let shapes: Vec<(String, Option<TextRange>, Shape)> = super::dockerfile::stages(file)
            .into_iter()
            .map(|stage| {
                let image = stage.unit_image();
                (stage.unit.label, image, stage.shape)
            })
            .collect();
        let found = find(&shapes);
        SHAPES.with(|cache| *cache.borrow_mut() = Some((file.text.to_string(), shapes)));
        return found;
    }
    let doc = file.tree()?;
    let all = containers(file, doc);
    let count = all.len();
    let shapes: Vec<(String, Option<TextRange>, Shape)> = all
        .into_iter()
        .map(|c| {
            let image = c.image.map(|n| n.range);
            let shape = Shape {
                probes: c.probes,
                command_words: c.command_words,
                replicas: c.replicas,
                outside_config: c.outside_config,
                published: c.published,
                containers_in_file: count,
                build: None,
                compose_build: c.compose_build,
            };
            (c.label, image, shape)
        })
        .collect();
    let found = find(&shapes);
    SHAPES.with(|cache| *cache.borrow_mut() = Some((file.text.to_string(), shapes)));
    found
}

/// How many Keycloak processes a unit's workload runs: Kubernetes `spec.replicas`, Compose
/// `deploy.replicas`/`scale`, or the Operator CR's `spec.instances`. `None` when the file
/// does not say.
pub(crate) fn replicas(file: &ParsedFile<'_>, unit: &Unit) -> Option<u64> {
    if let Some(shape) = unit_shape(file, unit) {
        return shape.replicas;
    }
    operator::instances(file.tree()?, &unit.label)
}

/// Every Compose service, Kubernetes pod-spec container and ECS container definition of a
/// YAML or JSON file, in document order.
pub(crate) fn containers<'a>(file: &ParsedFile<'_>, doc: &'a Document) -> Vec<Container<'a>> {
    let host = Host::new(file, doc);
    let mut out = Vec::new();
    for root in &doc.roots {
        if let Some(services) = compose_services(root) {
            for service in services {
                out.extend(compose_container(&host, service));
            }
            continue;
        }
        let mut found: Vec<(&Node, Origin)> = Vec::new();
        find_containers(root, root, &mut found);
        for (container, origin) in found {
            out.push(pod_container(&host, container, &origin));
        }
    }
    out
}

/// A Compose file: a top-level `services:` mapping and no Kubernetes `kind`.
fn compose_services(root: &Node) -> Option<&[Entry]> {
    if root.get("kind").is_some() || root.get("apiVersion").is_some() {
        return None;
    }
    root.get("services")?.value.as_mapping()
}

/// A key of a mapping, looking through Compose/YAML merge keys (`<<: *common`).
fn get_merged<'a>(node: &'a Node, key: &str) -> Option<&'a Entry> {
    if let Some(entry) = node.get(key) {
        return Some(entry);
    }
    let merge = node.get("<<")?;
    if let Some(items) = merge.value.as_sequence() {
        return items.iter().find_map(|n| get_merged(n, key));
    }
    get_merged(&merge.value, key)
}

fn compose_container<'a>(host: &Host<'_>, service: &'a Entry) -> Option<Container<'a>> {
    let name = service.key_str();
    let body = &service.value;
    body.as_mapping()?;
    let mut set = EnvSet::default();
    if let Some(env_file) = get_merged(body, "env_file") {
        set.env_files = compose_env_files(&env_file.value);
    }
    if let Some(environment) = get_merged(body, "environment") {
        compose_environment(host, &environment.value, &mut set);
    }
    let commands: Vec<&Node> = ["entrypoint", "command"]
        .iter()
        .filter_map(|key| get_merged(body, key).map(|e| &e.value))
        .collect();
    add_commands(host, &commands, &mut set);
    let command_words = command_words(&commands);
    let replicas = get_merged(body, "deploy")
        .and_then(|d| d.value.get("replicas"))
        .or_else(|| get_merged(body, "scale"))
        .and_then(|e| e.value.as_str()?.trim().parse().ok());
    let image = get_merged(body, "image").map(|e| &e.value);
    let volumes = get_merged(body, "volumes")
        .and_then(|e| e.value.as_sequence())
        .unwrap_or(&[]);
    let outside_config = get_merged(body, "env_file").is_some()
        || volumes.iter().any(|v| {
            v.as_str().is_some_and(mounts_conf)
                || v.get("target")
                    .and_then(|t| t.value.as_str())
                    .is_some_and(mounts_conf)
        });
    let probes = get_merged(body, "healthcheck")
        .map(|e| compose_probes(&e.value, host.text))
        .unwrap_or_default();
    let published = compose_ports(get_merged(body, "ports").map(|e| &e.value), host.text);
    let compose_build = get_merged(body, "build").and_then(|e| compose_build(&e.value));
    Some(Container {
        label: format!("{COMPOSE_SERVICE} `{name}`"),
        name: name.to_string(),
        image,
        set,
        probes,
        command_words,
        replicas,
        outside_config,
        published,
        compose_build,
    })
}

/// `env_file: a.env`, `env_file: [a.env, b.env]` or `env_file: [{path: a.env, required: false}]`.
fn compose_env_files(node: &Node) -> Vec<(String, TextRange)> {
    let path_of = |n: &Node| -> Option<(String, TextRange)> {
        let n = n.get("path").map_or(n, |e| &e.value);
        n.as_str()
            .filter(|p| !p.trim().is_empty())
            .map(|p| (p.trim().to_string(), n.range))
    };
    match node.as_sequence() {
        Some(items) => items.iter().filter_map(path_of).collect(),
        None => path_of(node).into_iter().collect(),
    }
}

fn compose_environment(host: &Host<'_>, node: &Node, set: &mut EnvSet) {
    if let Some(items) = node.as_sequence() {
        let ranges: Vec<TextRange> = items.iter().map(|n| n.range).collect();
        for (index, item) in items.iter().enumerate() {
            set.entries
                .extend(list_item_entry(host, item, &ranges, index));
        }
    } else if let Some(entries) = node.as_mapping() {
        let ranges: Vec<TextRange> = entries.iter().map(|e| e.range).collect();
        for (index, entry) in entries.iter().enumerate() {
            if entry.key_str() == "<<" {
                // Merged-in variables (`<<: *common-env`) belong to this service too.
                let merged: Vec<&Node> = match entry.value.as_sequence() {
                    Some(items) => items.iter().collect(),
                    None => vec![&entry.value],
                };
                for node in merged {
                    compose_environment(host, node, set);
                }
                continue;
            }
            set.entries.extend(map_entry(host, entry, &ranges, index));
        }
    }
}

/// `- KEY=value` (or `- KEY` to pass the host's variable through): name and value are
/// sub-ranges of one scalar.
fn list_item_entry(
    host: &Host<'_>,
    item: &Node,
    items: &[TextRange],
    index: usize,
) -> Option<EnvEntry> {
    let scalar = item.as_scalar()?;
    let text = host.text;
    let (inner, exact) = scalar_inner(item, text)?;
    let (name, value) = match scalar.value.split_once('=') {
        Some((name, value)) => (name.trim_end().to_string(), Some(value.to_string())),
        None => (scalar.value.trim().to_string(), None),
    };
    if name.is_empty() {
        return None;
    }
    let editable = exact && name.len() == scalar.value.split('=').next().map_or(0, str::len);
    let (name_range, value_range) = if editable {
        let name_end = inner.start + super::text::to_u32(name.len());
        let value_range = value
            .as_ref()
            .map(|_| TextRange::new((name_end + 1).min(inner.end), inner.end));
        (TextRange::new(inner.start, name_end), value_range)
    } else {
        (item.range, value.as_ref().map(|_| item.range))
    };
    Some(EnvEntry {
        source: EnvSource::ComposeList,
        value_kind: match &value {
            Some(v) => classify(v, EnvSource::ComposeList),
            None => ValueKind::Missing,
        },
        name,
        name_range,
        value,
        value_range,
        value_style: ValueStyle::Raw,
        item_range: item.range,
        removal_range: sequence_removal(text, items, index, index),
        separator: sequence_separator(text, item.range, host.newline),
        editable,
    })
}

/// `KEY: value` in a Compose `environment:` mapping; the value is a YAML scalar of its own.
fn map_entry(
    host: &Host<'_>,
    entry: &Entry,
    entries: &[TextRange],
    index: usize,
) -> Option<EnvEntry> {
    let text = host.text;
    let name = entry.key_str().to_string();
    if name.is_empty() {
        return None;
    }
    let (name_range, name_exact) = scalar_inner(&entry.key, text)?;
    let value_node = &entry.value;
    let scalar = value_node.as_scalar();
    let missing = scalar.is_none_or(|_| value_node.is_null());
    let value = if missing {
        None
    } else {
        scalar.map(|s| s.value.clone())
    };
    Some(EnvEntry {
        source: EnvSource::ComposeMap,
        value_kind: match &value {
            Some(v) => classify(v, EnvSource::ComposeMap),
            None => ValueKind::Missing,
        },
        name,
        name_range,
        value,
        value_range: (!missing).then_some(value_node.range),
        value_style: host.scalar_style(),
        item_range: entry.range,
        removal_range: mapping_entry_removal(text, entries, index),
        separator: mapping_separator(text, entry.range, host.newline),
        editable: name_exact,
    })
}

/// Options on the command line (entrypoint and command of one container, in that order), and
/// the raw elements of exec-form lists.
fn add_commands(host: &Host<'_>, nodes: &[&Node], set: &mut EnvSet) {
    let lists: Vec<ArgList<'_>> = nodes.iter().filter_map(|n| ArgList::from_node(n)).collect();
    let shell = runs_shell(
        lists
            .iter()
            .flat_map(|l| l.elements.iter().filter_map(|e| e.as_str())),
    );
    for list in &lists {
        if !list.is_string {
            for element in &list.elements {
                if let Some(value) = element.as_str() {
                    set.argv.push((value.to_string(), element.range));
                }
            }
        }
        set.entries
            .extend(option_entries(list, shell, host.text, host.newline));
    }
}

/// Where a container was found, for its label.
struct Origin {
    /// `Deployment keycloak`, `ECS task definition keycloak-test`.
    owner: Option<String>,
    ecs: bool,
    /// `spec.replicas` of the Kubernetes workload.
    replicas: Option<u64>,
}

/// Collect Kubernetes pod-spec containers and ECS container definitions below `node`.
fn find_containers<'a>(root: &'a Node, node: &'a Node, out: &mut Vec<(&'a Node, Origin)>) {
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries {
                let key = entry.key_str();
                let ecs = matches!(key, "containerDefinitions" | "ContainerDefinitions");
                let pod = matches!(key, "containers" | "initContainers");
                if (ecs || pod)
                    && let Some(items) = entry.value.as_sequence()
                {
                    for item in items.iter().filter(|i| i.as_mapping().is_some()) {
                        out.push((item, origin_of(root, node, ecs)));
                    }
                    continue;
                }
                find_containers(root, &entry.value, out);
            }
        }
        NodeKind::Sequence(items) => {
            // A bare JSON array of ECS container definitions (Terraform `container_definitions`
            // templates): objects with a `name`, an `image` and ECS-only keys.
            let looks_ecs = std::ptr::eq(root, node)
                && !items.is_empty()
                && items.iter().all(|i| {
                    i.get("image").is_some()
                        && [
                            "environment",
                            "secrets",
                            "portMappings",
                            "essential",
                            "logConfiguration",
                        ]
                        .iter()
                        .any(|k| i.get(k).is_some())
                });
            if looks_ecs {
                for item in items {
                    out.push((
                        item,
                        Origin {
                            owner: None,
                            ecs: true,
                            replicas: None,
                        },
                    ));
                }
                return;
            }
            for item in items {
                find_containers(root, item, out);
            }
        }
        NodeKind::Scalar(_) | NodeKind::Alias { .. } => {}
    }
}

fn origin_of(root: &Node, parent: &Node, ecs: bool) -> Origin {
    let kind = root.get("kind").and_then(|e| e.value.as_str());
    let name = root
        .get_path(&["metadata", "name"])
        .and_then(Node::as_str)
        .or_else(|| root.get("family").and_then(|e| e.value.as_str()))
        .or_else(|| parent.get("family").and_then(|e| e.value.as_str()));
    let owner = match (kind, name, ecs) {
        (Some(kind), Some(name), _) => Some(format!("{kind} `{name}`")),
        (Some(kind), None, _) => Some(kind.to_string()),
        (None, Some(name), true) => Some(format!("task definition `{name}`")),
        _ => None,
    };
    let replicas = root
        .get_path(&["spec", "replicas"])
        .and_then(|n| n.as_str()?.trim().parse().ok());
    Origin {
        owner,
        ecs,
        replicas,
    }
}

/// Case-insensitive first letter: ECS JSON says `environment`, CloudFormation `Environment`.
fn get_any<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    if let Some(entry) = node.get(key) {
        return Some(&entry.value);
    }
    let mut upper = key.to_string();
    if let Some(first) = upper.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    node.get(&upper).map(|e| &e.value)
}

fn pod_container<'a>(host: &Host<'_>, container: &'a Node, origin: &Origin) -> Container<'a> {
    let name = get_any(container, "name")
        .and_then(Node::as_str)
        .unwrap_or("");
    let mut set = EnvSet::default();
    let words = if origin.ecs {
        if let Some(items) = get_any(container, "environment").and_then(Node::as_sequence) {
            name_value_entries(host, items, EnvSource::EcsEnvironment, &mut set);
        }
        if let Some(items) = get_any(container, "secrets").and_then(Node::as_sequence) {
            name_value_entries(host, items, EnvSource::EcsSecret, &mut set);
        }
        let commands: Vec<&Node> = ["entryPoint", "command"]
            .iter()
            .filter_map(|key| get_any(container, key))
            .collect();
        add_commands(host, &commands, &mut set);
        command_words(&commands)
    } else {
        if let Some(items) = container.get("env").and_then(|e| e.value.as_sequence()) {
            name_value_entries(host, items, EnvSource::KubernetesEnv, &mut set);
        }
        let commands: Vec<&Node> = ["command", "args"]
            .iter()
            .filter_map(|key| container.get(key).map(|e| &e.value))
            .collect();
        add_commands(host, &commands, &mut set);
        command_words(&commands)
    };
    let what = if origin.ecs {
        "ECS container"
    } else {
        "container"
    };
    let label = match &origin.owner {
        Some(owner) => format!("{what} `{name}` of {owner}"),
        None => format!("{what} `{name}`"),
    };
    let probes = if origin.ecs {
        get_any(container, "healthCheck")
            .map(|n| ecs_probes(n, host.text))
            .unwrap_or_default()
    } else {
        kubernetes_probes(container, host.text)
    };
    Container {
        label,
        name: name.to_string(),
        image: get_any(container, "image"),
        set,
        probes,
        command_words: words,
        replicas: origin.replicas,
        outside_config: outside_config(container, origin.ecs),
        published: Vec::new(),
        compose_build: None,
    }
}

/// Kubernetes `envFrom` / `volumeMounts`, ECS `environmentFiles` / `mountPoints`.
fn outside_config(container: &Node, ecs: bool) -> bool {
    let (from, mounts, path) = if ecs {
        ("environmentFiles", "mountPoints", "containerPath")
    } else {
        ("envFrom", "volumeMounts", "mountPath")
    };
    get_any(container, from).is_some()
        || get_any(container, mounts)
            .and_then(Node::as_sequence)
            .is_some_and(|items| {
                items.iter().any(|m| {
                    get_any(m, path)
                        .and_then(Node::as_str)
                        .is_some_and(mounts_conf)
                })
            })
}

/// `{name, value}` / `{name, valueFrom}` items (Kubernetes `env`, ECS `environment`/`secrets`).
fn name_value_entries(host: &Host<'_>, items: &[Node], source: EnvSource, set: &mut EnvSet) {
    let text = host.text;
    let ranges: Vec<TextRange> = items.iter().map(|n| n.range).collect();
    for (index, item) in items.iter().enumerate() {
        let Some(name_node) = get_any(item, "name") else {
            continue;
        };
        let Some(name) = name_node.as_str() else {
            continue;
        };
        let Some((name_range, name_exact)) = scalar_inner(name_node, text) else {
            continue;
        };
        let value_node = get_any(item, "value").filter(|n| n.as_scalar().is_some());
        let from = get_any(item, "valueFrom").is_some() || source == EnvSource::EcsSecret;
        let (value, value_range, value_kind) = match value_node {
            Some(node) if !from => {
                let value = node.as_str().unwrap_or("").to_string();
                let kind = if node.is_null() && host.json {
                    ValueKind::Missing
                } else {
                    classify(&value, source)
                };
                (Some(value), Some(node.range), kind)
            }
            _ if from => (None, None, ValueKind::Reference),
            _ => (None, None, ValueKind::Missing),
        };
        set.entries.push(EnvEntry {
            source,
            name: name.to_string(),
            name_range,
            value,
            value_range,
            value_kind,
            value_style: host.scalar_style(),
            item_range: item.range,
            removal_range: sequence_removal(text, &ranges, index, index),
            separator: sequence_separator(text, item.range, host.newline),
            editable: name_exact,
        });
    }
}

// ---------------------------------------------------------------------------------------
// Deciding what is a Keycloak (Quarkus) container

/// Images that carry "keycloak" in their name but are tools around it, not the server.
const TOOL_IMAGES: &[&str] = &[
    "config-cli",
    "gatekeeper",
    "operator",
    "exporter",
    "louketo",
    "theme",
    "init",
];

/// Whether a container runs Keycloak, and if so its unit. Evidence, strongest first: an
/// image named after Keycloak (not a tool around it, not the WildFly distribution); for custom
/// images, mostly real Keycloak options among its `KC_*` variables (other applications in
/// the same file often use `KC_*` names of their own); without a usable image, a service or
/// container named after Keycloak that sets Keycloak variables or options.
fn keycloak_container_unit(
    label: String,
    name: &str,
    image: Option<&Node>,
    set: EnvSet,
) -> Option<Unit> {
    let image = image.and_then(|n| n.as_str().map(|s| (s.to_string(), n.range)));
    let known = known_keycloak_variables(&set);
    let runs_custom_keycloak = runs_custom_keycloak(&set);
    let named = name.to_ascii_lowercase().contains("keycloak");
    // `KEYCLOAK_USER`, `DB_VENDOR` and friends alone are the WildFly distribution's.
    let sets_quarkus_things = set.entries.iter().any(|e| {
        e.source.is_command_line()
            || e.name.starts_with("KC_")
            || matches!(
                e.name.as_str(),
                "KEYCLOAK_ADMIN" | "KEYCLOAK_ADMIN_PASSWORD"
            )
    });
    // An image that is only a variable (`${KEYCLOAK_IMAGE}`) names nothing.
    let usable_image = image
        .as_ref()
        .map(|(text, _)| resolve_defaults(text))
        .filter(|resolved| !resolved.contains('$') && !resolved.trim().is_empty());
    let accept = match &usable_image {
        Some(resolved) => {
            if is_wildfly_image(resolved) {
                return None;
            }
            names_keycloak_server(resolved) || runs_custom_keycloak || (named && known >= 1)
        }
        None => runs_custom_keycloak || (named && sets_quarkus_things),
    };
    if !accept {
        return None;
    }
    let detected_version = image.as_ref().and_then(|(text, range)| {
        keycloak_image_version(text).map(|version| DetectedVersion {
            version,
            range: *range,
            what: format!("the image `{text}`"),
        })
    });
    let mut set = set;
    set.image = image;
    Some(finish(label, set, detected_version))
}

/// How many `KC_*` variables of the set are Keycloak's (options or launcher variables).
fn known_keycloak_variables(set: &EnvSet) -> usize {
    set.entries
        .iter()
        .filter(|e| !e.source.is_command_line() && e.name.starts_with("KC_"))
        .filter(|e| {
            LAUNCHER_VARIABLES.contains(&e.name.as_str())
                || option_of(e).is_some_and(|o| catalog().lookup(&o).is_some())
        })
        .count()
}

/// A custom image running Keycloak: mostly real Keycloak options among its `KC_*` variables
/// (other applications often use `KC_*` names of their own), at least two of them.
pub(super) fn runs_custom_keycloak(set: &EnvSet) -> bool {
    let kc_vars = set
        .entries
        .iter()
        .filter(|e| !e.source.is_command_line() && e.name.starts_with("KC_"))
        .count();
    let known = known_keycloak_variables(set);
    known >= 2 && known * 2 >= kc_vars
}

/// The repository part of an image reference, lower-cased, without tag or digest.
pub(crate) fn image_repository(image: &str) -> String {
    let image = image.trim().to_ascii_lowercase();
    let without_digest = image.split('@').next().unwrap_or("");
    let slash = without_digest.rfind('/').map_or(0, |i| i + 1);
    match without_digest[slash..].find(':') {
        Some(colon) => without_digest[..slash + colon].to_string(),
        None => without_digest.to_string(),
    }
}

pub(super) fn names_keycloak_server(image: &str) -> bool {
    let repository = image_repository(image);
    let name = repository.rsplit('/').next().unwrap_or("");
    name.contains("keycloak") && !TOOL_IMAGES.iter().any(|t| name.contains(t))
}

/// Official images we can read a distribution from: Keycloak's own and Bitnami's.
fn is_official_image(image: &str) -> bool {
    let repository = image_repository(image);
    repository.ends_with("keycloak/keycloak") || repository.ends_with("bitnami/keycloak")
}

/// The WildFly distribution: `jboss/keycloak`, and official images before 17 or tagged
/// `legacy` (`quay.io/keycloak/keycloak:17.0.0-legacy`). A custom image's tag (`my/keycloak:v1`)
/// says nothing about the distribution.
pub(super) fn is_wildfly_image(image: &str) -> bool {
    let repository = image_repository(image);
    if repository.ends_with("jboss/keycloak") {
        return true;
    }
    if !is_official_image(image) {
        return false;
    }
    let resolved = resolve_defaults(image);
    let tag = resolved
        .rsplit_once(':')
        .map(|(_, t)| t.to_ascii_lowercase())
        .unwrap_or_default();
    tag.contains("legacy")
        || matches!(
            image_version(&resolved),
            Some((Product::KeycloakWildfly, _, _))
        )
}

/// The Keycloak (Quarkus) release an image tag names, with Compose defaults
/// (`${KEYCLOAK_VERSION:-26.0.1}`) resolved. Custom images count only when the tag is a
/// Quarkus-era release number.
pub(super) fn keycloak_image_version(image: &str) -> Option<crate::version::ProductVersion> {
    let resolved = resolve_defaults(image);
    match image_version(&resolved) {
        Some((Product::Keycloak, version, _)) if version.major() >= 17 => Some(version),
        _ => None,
    }
}

/// Replace `${VAR:-default}` / `${VAR-default}` by their defaults; other `${...}` stay.
pub(crate) fn resolve_defaults(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("${") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &after[..close];
        match inner.split_once(":-").or_else(|| inner.split_once('-')) {
            Some((_, default)) => out.push_str(default),
            None => out.push_str(&rest[open..open + 2 + close + 1]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Build the unit: record the value ranges of credentials so no renderer ever shows them.
pub(super) fn finish(
    label: String,
    set: EnvSet,
    detected_version: Option<DetectedVersion>,
) -> Unit {
    let secrets = set
        .entries
        .iter()
        .filter(|e| e.source != EnvSource::EcsSecret && e.value_kind != ValueKind::Missing)
        .filter(|e| is_secret(e))
        .filter_map(|e| e.value_range)
        .filter(|r| !r.is_empty())
        .collect();
    Unit {
        kind: UnitKind::KeycloakEnvSet,
        label,
        content: UnitContent::Env(set),
        detected_version,
        secrets,
    }
}

trait PathLabel {
    fn path_label(&self) -> String;
}

impl PathLabel for ParsedFile<'_> {
    fn path_label(&self) -> String {
        self.path
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(self.path)
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images() {
        assert!(is_wildfly_image("jboss/keycloak:16.1.1"));
        assert!(is_wildfly_image("quay.io/keycloak/keycloak:17.0.0-legacy"));
        assert!(is_wildfly_image("quay.io/keycloak/keycloak:legacy"));
        assert!(is_wildfly_image("quay.io/keycloak/keycloak:15.0.2"));
        assert!(!is_wildfly_image("quay.io/keycloak/keycloak:26.0"));
        assert!(!is_wildfly_image(
            "1234.dkr.ecr.ap-northeast-1.amazonaws.com/keycloak-test:v1"
        ));
        assert!(names_keycloak_server(
            "1234.dkr.ecr.ap-northeast-1.amazonaws.com/keycloak-test:v1"
        ));
        assert!(!names_keycloak_server("adorsys/keycloak-config-cli:latest"));
        assert!(!names_keycloak_server("localhost:5000/postgres:16"));
        assert_eq!(
            keycloak_image_version("quay.io/keycloak/keycloak:${KEYCLOAK_VERSION:-26.0.1}")
                .map(|v| v.to_string()),
            Some("26.0.1".to_string())
        );
        assert!(keycloak_image_version("my/keycloak-test:v1").is_none());
        assert!(keycloak_image_version("quay.io/keycloak/keycloak:latest").is_none());
    }
}
