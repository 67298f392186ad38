//! Units: the logical configs found inside a file, with a map back to host-file bytes.

use crate::version::{Product, ProductVersion};
use idplint_diagnostics::{Diagnostic, Edit, Fix, TextRange};
use idplint_syntax::Document;

/// What kind of logical config a unit is; rules declare which kinds they check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnitKind {
    /// An Ory Kratos configuration (`kratos.yml`, or the same embedded in a ConfigMap).
    KratosConfig,
    /// The Keycloak (Quarkus) options of one container, `.env` file or `keycloak.conf`.
    KeycloakEnvSet,
    /// A legacy WildFly `standalone*.xml` / `domain.xml`.
    KeycloakWildflyXml,
    /// An Infinispan cache configuration of the Quarkus distribution (`cache-ispn.xml`, the
    /// file `cache-config-file` names).
    KeycloakCacheXml,
    /// A Kratos identity schema (JSON Schema with `properties.traits` and the `ory.sh/kratos`
    /// extension): a `*.schema.json` file, or JSON in a ConfigMap or Helm values block scalar.
    KratosIdentitySchema,
    /// The Kratos environment variables of one container or `.env` file (`DSN`,
    /// `SELFSERVICE_FLOWS_LOGIN_UI_URL`, ...), which override the config file.
    KratosEnvSet,
    /// A source file (Go, TypeScript/JavaScript, Python, Java) that imports an Ory Kratos SDK;
    /// its version is the SDK version of the nearest package manifest.
    KratosSdkCode,
    /// A Serverless Framework service definition (`serverless.yml`) for the AWS provider.
    ServerlessConfig,
}

impl UnitKind {
    pub fn product(self) -> Product {
        match self {
            UnitKind::KratosConfig
            | UnitKind::KratosIdentitySchema
            | UnitKind::KratosEnvSet
            | UnitKind::KratosSdkCode => Product::Kratos,
            UnitKind::KeycloakEnvSet | UnitKind::KeycloakCacheXml => Product::Keycloak,
            UnitKind::KeycloakWildflyXml => Product::KeycloakWildfly,
            UnitKind::ServerlessConfig => Product::Serverless,
        }
    }
}

/// A version found in the file itself (Kratos `version:` key, image tag).
#[derive(Clone, Debug)]
pub struct DetectedVersion {
    pub version: ProductVersion,
    /// Host-file range of where it was found.
    pub range: TextRange,
    /// "the `version:` key", "the image tag `quay.io/keycloak/keycloak:26.0`".
    pub what: String,
}

/// One logical config inside a file.
#[derive(Debug)]
pub struct Unit {
    pub kind: UnitKind,
    /// Human label: "kratos.yml", "ConfigMap kratos-config, key kratos.yml",
    /// "Compose service keycloak", "container keycloak".
    pub label: String,
    pub content: UnitContent,
    pub detected_version: Option<DetectedVersion>,
    /// Host-file ranges of secret values (never shown in snippets or output).
    pub secrets: Vec<TextRange>,
}

#[derive(Debug)]
pub enum UnitContent {
    /// A span tree. For a whole-file unit the tree is the file's; for an embedded one it is
    /// parsed from the embedded text and `map` translates its ranges to the host.
    Tree(TreeUnit),
    /// Environment variables, config-file keys and CLI options of one process.
    Env(EnvSet),
    /// The file's XML tree (use `ParsedFile::xml`).
    Xml,
    /// The tokens of a whole source file (comments dropped).
    Code(CodeUnit),
}

#[derive(Debug)]
pub struct CodeUnit {
    pub language: crate::source::CodeLanguage,
    pub tokens: Vec<crate::products::kratos::sdk::lexer::Token>,
}

#[derive(Debug)]
pub struct TreeUnit {
    /// The text the tree was parsed from (the host text for whole-file units).
    pub text: String,
    pub doc: Document,
    /// Which of `doc.roots` is this unit.
    pub root_index: usize,
    /// Present for embedded units.
    pub map: Option<EmbeddedMap>,
}

impl TreeUnit {
    pub fn root(&self) -> Option<&idplint_syntax::Node> {
        self.doc.roots.get(self.root_index)
    }
}

/// Maps byte offsets of text embedded in a YAML literal block scalar back to the host file.
///
/// Each embedded line `i` starts at `virtual_starts[i]` and corresponds to host bytes starting
/// at `host_starts[i]` (after the block's indentation). The host may use CRLF where the
/// embedded text has LF, and inserted lines need the block's indentation, so edits are
/// rewritten, not just shifted.
#[derive(Clone, Debug)]
pub struct EmbeddedMap {
    pub virtual_starts: Vec<u32>,
    pub host_starts: Vec<u32>,
    /// Host offset of each line's first byte (before the indentation).
    pub host_line_starts: Vec<u32>,
    /// Host offset just past the embedded content (for offsets at the very end).
    pub host_end: u32,
    pub virtual_len: u32,
    /// The indentation prefix every content line has in the host.
    pub indent: String,
    /// The host's newline.
    pub newline: &'static str,
}

impl EmbeddedMap {
    /// Build the map for a block scalar whose content lines occupy `content` in `host` with
    /// `indent` columns of indentation. Returns the embedded text and the map.
    pub fn for_block_scalar(
        host: &str,
        content: TextRange,
        indent: usize,
    ) -> Option<(String, Self)> {
        let body = content.slice(host)?;
        let newline = if body.contains("\r\n") { "\r\n" } else { "\n" };
        let mut text = String::with_capacity(body.len());
        let mut virtual_starts = Vec::new();
        let mut host_starts = Vec::new();
        let mut host_line_starts = Vec::new();
        let mut host_offset = content.start;
        for raw_line in body.split_inclusive('\n') {
            let line = raw_line
                .strip_suffix('\n')
                .map(|l| l.strip_suffix('\r').unwrap_or(l));
            let has_newline = line.is_some();
            let line = line.unwrap_or(raw_line);
            // Blank lines may carry less indentation than the block (or none at all).
            let strip = line.bytes().take(indent).take_while(|b| *b == b' ').count();
            virtual_starts.push(u32::try_from(text.len()).ok()?);
            host_starts.push(host_offset + u32::try_from(strip).ok()?);
            host_line_starts.push(host_offset);
            text.push_str(line.get(strip..)?);
            if has_newline {
                text.push('\n');
            }
            host_offset += u32::try_from(raw_line.len()).ok()?;
        }
        let virtual_len = u32::try_from(text.len()).ok()?;
        Some((
            text,
            Self {
                virtual_starts,
                host_starts,
                host_line_starts,
                host_end: content.end,
                virtual_len,
                indent: " ".repeat(indent),
                newline,
            },
        ))
    }

    /// Host offset of an embedded offset.
    pub fn to_host(&self, offset: u32) -> u32 {
        if offset >= self.virtual_len {
            return self.host_end;
        }
        let line = match self.virtual_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let column = offset - self.virtual_starts[line];
        self.host_starts[line] + column
    }

    pub fn range_to_host(&self, range: TextRange) -> TextRange {
        TextRange::new(self.to_host(range.start), self.to_host(range.end))
    }

    /// Rewrite an edit made on the embedded text into host coordinates.
    ///
    /// Whole-line edits (both ends at line starts, content empty or ending in a newline) are
    /// widened to whole host lines and every inserted line gets the block's indentation, so
    /// deleting or inserting lines leaves no stray indentation behind. Edits inside a line
    /// are shifted, and any newline they insert is followed by the indentation.
    pub fn edit_to_host(&self, edit: &Edit) -> Edit {
        let start_aligned = self.virtual_starts.binary_search(&edit.range.start).is_ok()
            || edit.range.start >= self.virtual_len;
        let end_aligned = self.virtual_starts.binary_search(&edit.range.end).is_ok()
            || edit.range.end >= self.virtual_len;
        let whole_lines = start_aligned
            && end_aligned
            && (edit.content.is_empty() || edit.content.ends_with('\n'));
        if whole_lines {
            let start = self.host_line_start(edit.range.start);
            let end = self.host_line_start(edit.range.end);
            let mut content = String::with_capacity(edit.content.len() + 16);
            for line in edit.content.split_inclusive('\n') {
                let body = line.strip_suffix('\n').unwrap_or(line);
                if !body.is_empty() {
                    content.push_str(&self.indent);
                    content.push_str(body);
                }
                if line.ends_with('\n') {
                    content.push_str(self.newline);
                }
            }
            return Edit::replace(TextRange::new(start, end.max(start)), content);
        }
        let range = self.range_to_host(edit.range);
        let mut content = String::with_capacity(edit.content.len() + 16);
        for (i, piece) in edit.content.split('\n').enumerate() {
            if i > 0 {
                content.push_str(self.newline);
                if !piece.is_empty() {
                    content.push_str(&self.indent);
                }
            }
            content.push_str(piece);
        }
        Edit::replace(range, content)
    }

    /// Host offset of the start of the line holding embedded `offset` (before indentation),
    /// or the end of the block for offsets past the end.
    fn host_line_start(&self, offset: u32) -> u32 {
        if offset >= self.virtual_len {
            return self.host_end;
        }
        let line = match self.virtual_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        self.host_line_starts[line]
    }

    pub fn diagnostic_to_host(&self, mut diagnostic: Diagnostic) -> Diagnostic {
        diagnostic.range = self.range_to_host(diagnostic.range);
        for label in &mut diagnostic.labels {
            label.range = self.range_to_host(label.range);
        }
        if let Some(fix) = diagnostic.fix.take() {
            let edits = fix.edits.iter().map(|e| self.edit_to_host(e)).collect();
            diagnostic.fix = Some(Fix::new(fix.message, fix.applicability, edits));
        }
        diagnostic
    }
}

/// Where one environment variable, config-file key or CLI option is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EnvSource {
    /// A line of a `.env` file.
    DotEnv,
    /// An item of a Compose `environment:` list (`- KEY=value`).
    ComposeList,
    /// An entry of a Compose `environment:` map (`KEY: value`).
    ComposeMap,
    /// A Kubernetes container `env:` item (`- name: KEY` / `value: ...`).
    KubernetesEnv,
    /// An ECS `containerDefinitions[].environment[]` item.
    EcsEnvironment,
    /// An ECS `containerDefinitions[].secrets[]` item (always a reference).
    EcsSecret,
    /// A `keycloak.conf` key.
    ConfFile,
    /// A `--option=value` argument in `command`/`args`.
    CommandLine,
    /// A Keycloak Operator CR option (`spec.additionalOptions[]` or a first-class field such
    /// as `spec.hostname.hostname`), named like a keycloak.conf key. The Operator passes these
    /// to the pod as `KC_*` variables, so they rank with the environment.
    OperatorOption,
    /// A Dockerfile `ENV KEY=value` pair: part of the image's environment, so it ranks with
    /// the environment (a variable set where the container is deployed replaces it).
    DockerfileEnv,
}

impl EnvSource {
    pub fn is_command_line(self) -> bool {
        self == EnvSource::CommandLine
    }
    pub fn is_conf_file(self) -> bool {
        self == EnvSource::ConfFile
    }
}

/// Whether a value is written in the file or comes from somewhere else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// The value is in the file.
    Literal,
    /// `${VAR}`, `$VAR`, `${ENV:default}` (keycloak.conf), `valueFrom`, ECS `secrets`.
    Reference,
    /// No value at all (`KEY` alone in Compose, which passes the host's variable through).
    Missing,
}

/// How to write a new value in the same place: quoting depends on the host syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueStyle {
    /// Raw text inside something else (`KEY=value` in a Compose list string, a `.env` line,
    /// `keycloak.conf`, a CLI argument).
    Raw,
    /// A YAML scalar of its own (Compose map, Kubernetes `value:`): quote non-strings.
    YamlScalar,
    /// A JSON string (ECS).
    JsonString,
    /// A word of a Dockerfile `ENV`, with the file's escape character: plain when it is
    /// safe, else double-quoted (inside existing double quotes, escaped in place).
    ShellWord(char),
}

/// One variable or option, with everything a rule needs to report and rewrite it.
#[derive(Clone, Debug)]
pub struct EnvEntry {
    pub source: EnvSource,
    /// As written: `KC_PROXY`, `proxy` (conf), `--proxy` (CLI).
    pub name: String,
    /// The host range of the name as written (for a CLI option, `--proxy`).
    pub name_range: TextRange,
    /// Decoded value, when there is one.
    pub value: Option<String>,
    /// Host range of the value token as written (inside quotes for a `KEY=value` string; the
    /// whole token for a YAML/JSON scalar of its own).
    pub value_range: Option<TextRange>,
    pub value_kind: ValueKind,
    pub value_style: ValueStyle,
    /// The whole item (list item, map entry, `{name, value}` object, line or argument).
    pub item_range: TextRange,
    /// What to delete to remove the item cleanly (with its line ending or separator).
    pub removal_range: TextRange,
    /// Text to put between this item and a new sibling inserted after it.
    pub separator: String,
    /// Whether `name_range`/`value_range` slice to exactly the decoded text, so they can be
    /// rewritten in place (false for quoted strings with escapes).
    pub editable: bool,
}

/// The options and variables one Keycloak process sees, with their precedence sources.
#[derive(Clone, Debug, Default)]
pub struct EnvSet {
    pub entries: Vec<EnvEntry>,
    /// The container image, when the set belongs to a container.
    pub image: Option<(String, TextRange)>,
    /// The raw `command`/`args` items as written (for argv-shape rules), host ranges.
    pub argv: Vec<(String, TextRange)>,
    /// Compose `env_file:` paths as written (relative to the Compose file), host ranges: their
    /// variables belong to this process too, below `environment` in precedence.
    pub env_files: Vec<(String, TextRange)>,
}

impl EnvSet {
    /// Entries whose name is the environment variable `name` (exact).
    pub fn env(&self, name: &str) -> impl Iterator<Item = &EnvEntry> {
        self.entries.iter().filter(move |e| {
            !e.source.is_command_line() && !e.source.is_conf_file() && e.name == name
        })
    }
}

impl EnvEntry {
    /// Where a finding about the value points: the value as written, or the name when the
    /// value is empty or not in the file.
    pub fn value_or_name_range(&self) -> TextRange {
        self.value_range
            .filter(|r| !r.is_empty())
            .unwrap_or(self.name_range)
    }

    /// The Keycloak option this entry sets, if it is a `KC_*` variable, a conf key or a CLI
    /// option: `KC_DB_URL_HOST` -> `db-url-host`.
    pub fn keycloak_option(&self) -> Option<String> {
        match self.source {
            EnvSource::ConfFile | EnvSource::OperatorOption => Some(self.name.clone()),
            EnvSource::CommandLine => self.name.strip_prefix("--").map(str::to_string),
            _ => self
                .name
                .strip_prefix("KC_")
                .filter(|rest| !rest.is_empty())
                .map(|rest| rest.to_ascii_lowercase().replace('_', "-")),
        }
    }

    /// How the option `option` is spelt in the same source as this entry.
    pub fn spell_option(&self, option: &str) -> String {
        match self.source {
            EnvSource::ConfFile | EnvSource::OperatorOption => option.to_string(),
            EnvSource::CommandLine => format!("--{option}"),
            _ => keycloak_env_name(option),
        }
    }

    /// Format `value` for this entry's position.
    pub fn format_value(&self, value: &str, host: &str) -> String {
        match self.value_style {
            ValueStyle::Raw => value.to_string(),
            ValueStyle::JsonString => serde_json::Value::String(value.to_string()).to_string(),
            ValueStyle::ShellWord(escape) => {
                let plain = !value.is_empty()
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_./:,=@+%${}".contains(c))
                    && !value.contains(escape);
                let inside_quotes = self.value_range.is_some_and(|r| {
                    let bytes = host.as_bytes();
                    r.start > 0
                        && bytes.get(r.start as usize - 1) == Some(&b'"')
                        && bytes.get(r.end as usize) == Some(&b'"')
                });
                let mut escaped = String::with_capacity(value.len() + 2);
                for c in value.chars() {
                    if c == '"' || c == escape {
                        escaped.push(escape);
                    }
                    escaped.push(c);
                }
                if inside_quotes {
                    escaped
                } else if plain {
                    value.to_string()
                } else {
                    format!("\"{escaped}\"")
                }
            }
            ValueStyle::YamlScalar => {
                let quote = self
                    .value_range
                    .and_then(|r| r.slice(host))
                    .and_then(|t| t.chars().next())
                    .filter(|c| *c == '"' || *c == '\'');
                let plain_ok = !value.is_empty()
                    && !matches!(
                        value.to_ascii_lowercase().as_str(),
                        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
                    )
                    && value.parse::<f64>().is_err()
                    && !value.contains(": ")
                    && !value.contains(" #")
                    && !value.starts_with([
                        '*', '&', '!', '{', '[', '"', '\'', '%', '@', '`', '|', '>', '-', '?',
                    ]);
                match quote {
                    Some('\'') => format!("'{}'", value.replace('\'', "''")),
                    Some(_) => serde_json::Value::String(value.to_string()).to_string(),
                    None if plain_ok => value.to_string(),
                    None => serde_json::Value::String(value.to_string()).to_string(),
                }
            }
        }
    }

    /// An edit renaming this entry to the option `option` (same source, same quoting).
    pub fn rename_edit(&self, new_name: &str) -> Option<Edit> {
        self.editable
            .then(|| Edit::replace(self.name_range, new_name))
    }

    /// An edit replacing the value.
    pub fn set_value_edit(&self, value: &str, host: &str) -> Option<Edit> {
        let range = self.value_range?;
        self.editable
            .then(|| Edit::replace(range, self.format_value(value, host)))
    }

    /// An edit inserting a copy of this item right after it with another name and value.
    pub fn insert_sibling_edit(&self, new_name: &str, new_value: &str, host: &str) -> Option<Edit> {
        if !self.editable {
            return None;
        }
        let value_range = self.value_range?;
        let item = self.item_range.slice(host)?;
        let base = self.item_range.start;
        let mut pieces = vec![
            (self.name_range, new_name.to_string()),
            (value_range, self.format_value(new_value, host)),
        ];
        pieces.sort_by_key(|(r, _)| r.start);
        let mut clone = String::new();
        let mut last = 0usize;
        for (range, text) in pieces {
            let start = (range.start.checked_sub(base)?) as usize;
            let end = (range.end.checked_sub(base)?) as usize;
            if start < last {
                return None;
            }
            clone.push_str(item.get(last..start)?);
            clone.push_str(&text);
            last = end;
        }
        clone.push_str(item.get(last..)?);
        Some(Edit::insert(
            self.item_range.end,
            format!("{}{}", self.separator, clone),
        ))
    }
}

/// `proxy-headers` -> `KC_PROXY_HEADERS`.
pub fn keycloak_env_name(option: &str) -> String {
    let mut name = String::from("KC_");
    for ch in option.chars() {
        if ch.is_ascii_alphanumeric() {
            name.push(ch.to_ascii_uppercase());
        } else {
            name.push('_');
        }
    }
    name
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use idplint_diagnostics::apply_edits;

    #[test]
    fn embedded_map_round_trip_with_crlf() {
        let host =
            "data:\r\n  kratos.yml: |\r\n    a: 1\r\n\r\n    b:\r\n      c: 2\r\nother: x\r\n";
        let start = host.find("    a:").unwrap();
        let end = host.find("other").unwrap();
        let (text, map) =
            EmbeddedMap::for_block_scalar(host, TextRange::from_usize(start, end), 4).unwrap();
        assert_eq!(text, "a: 1\n\nb:\n  c: 2\n");
        let c = text.find("c: 2").unwrap() as u32;
        assert_eq!(&host[map.to_host(c) as usize..][..4], "c: 2");
        // Insert a sibling line after `  c: 2` in embedded coordinates.
        let at = text.len() as u32;
        let edit = map.edit_to_host(&Edit::insert(at, "  d: 3\n"));
        let fixed = apply_edits(host, &[edit]).unwrap();
        assert_eq!(
            fixed,
            "data:\r\n  kratos.yml: |\r\n    a: 1\r\n\r\n    b:\r\n      c: 2\r\n      d: 3\r\nother: x\r\n"
        );
        // Delete the `a: 1` line.
        let edit = map.edit_to_host(&Edit::delete(TextRange::new(0, 5)));
        let fixed = apply_edits(host, &[edit]).unwrap();
        assert_eq!(
            fixed,
            "data:\r\n  kratos.yml: |\r\n\r\n    b:\r\n      c: 2\r\nother: x\r\n"
        );
    }

    #[test]
    fn env_names() {
        assert_eq!(keycloak_env_name("proxy-headers"), "KC_PROXY_HEADERS");
        assert_eq!(
            keycloak_env_name("log-level-org.keycloak"),
            "KC_LOG_LEVEL_ORG_KEYCLOAK"
        );
    }
}
