//! Files as the engine sees them: a path, its text, the format it is written in, and its parse.

use idplint_diagnostics::{LineIndex, TextRange};
use idplint_syntax::xml::XmlDocument;
use idplint_syntax::{Document, Limits, ParseError};

/// The syntax a file is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileFormat {
    Yaml,
    Json,
    /// `.env`-style `KEY=value` lines.
    Env,
    /// `keycloak.conf` and Java `.properties`.
    Properties,
    Xml,
    /// A `Dockerfile` / `Containerfile` (`*.dockerfile`, `Dockerfile.prod`).
    Dockerfile,
    /// Program source that may call an Ory SDK. Only files importing an SDK yield units.
    Code(CodeLanguage),
}

/// The programming languages whose Ory SDK calls idplint checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodeLanguage {
    Go,
    /// TypeScript and JavaScript (`.ts`, `.tsx`, `.js`, `.jsx`, `.mjs`, `.cjs`, `.mts`, `.cts`).
    TypeScript,
    Python,
    Java,
}

impl CodeLanguage {
    /// The language of a file name (lower-cased), by extension.
    pub fn from_file_name(name: &str) -> Option<Self> {
        let extension = name.rsplit_once('.')?.1;
        Some(match extension {
            "go" => CodeLanguage::Go,
            "ts" | "tsx" | "js" | "jsx" | "mjs" | "cjs" | "mts" | "cts" => CodeLanguage::TypeScript,
            "py" => CodeLanguage::Python,
            "java" => CodeLanguage::Java,
            _ => return None,
        })
    }
}

impl FileFormat {
    /// The comment marker inline suppressions use in this format, if the format has comments.
    pub fn comment_marker(self) -> Option<&'static str> {
        match self {
            FileFormat::Yaml | FileFormat::Env | FileFormat::Properties => Some("#"),
            // Only whole-line comments: a `#` after an instruction is part of its arguments.
            FileFormat::Dockerfile => Some("#"),
            FileFormat::Xml => Some("<!--"),
            FileFormat::Json => None,
            FileFormat::Code(CodeLanguage::Python) => Some("#"),
            FileFormat::Code(_) => Some("//"),
        }
    }
}

/// Decide a file's format from its name, falling back to a look at its content.
/// `None` means idplint does not read this file.
pub fn sniff_format(path: &str, text: &str) -> Option<FileFormat> {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    if name.ends_with(".yml") || name.ends_with(".yaml") {
        return Some(FileFormat::Yaml);
    }
    if name.ends_with(".json") || name.ends_with(".json.tpl") {
        return Some(FileFormat::Json);
    }
    if name.ends_with(".xml") {
        return Some(FileFormat::Xml);
    }
    if is_dockerfile_name(&name) {
        return Some(FileFormat::Dockerfile);
    }
    // Type declarations hold no calls.
    if !name.ends_with(".d.ts")
        && let Some(language) = CodeLanguage::from_file_name(&name)
    {
        return Some(FileFormat::Code(language));
    }
    if name.ends_with(".conf") || name.ends_with(".properties") {
        return Some(FileFormat::Properties);
    }
    if name == ".env"
        || name.starts_with(".env.")
        || name.ends_with(".env")
        || name.starts_with("dotenv")
        || name.contains(".env.")
        || name.ends_with(".envrc")
    {
        return Some(FileFormat::Env);
    }
    // Content sniffing for extension-less or `.txt` files: mostly `KEY=value` lines with
    // at least one Keycloak or Kratos variable.
    if name.ends_with(".txt") || !name.contains('.') {
        let mut assignments = 0usize;
        let mut other = 0usize;
        let mut relevant = false;
        for line in text.lines().take(200) {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            match line.split_once('=') {
                Some((key, _))
                    if !key.is_empty()
                        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
                {
                    assignments += 1;
                    relevant |= crate::products::is_product_variable(key);
                }
                _ => other += 1,
            }
        }
        if relevant && assignments > other {
            return Some(FileFormat::Env);
        }
    }
    None
}

/// `Dockerfile`, `Containerfile`, `keycloak.Dockerfile`, `Dockerfile.prod` (lower-cased name);
/// not documentation or ignore files that share the stem (`Dockerfile.md`,
/// `Dockerfile.dockerignore`). YAML and JSON names are decided before this.
fn is_dockerfile_name(name: &str) -> bool {
    const NOT_DOCKERFILES: &[&str] = &[
        "md",
        "markdown",
        "rst",
        "adoc",
        "txt",
        "html",
        "dockerignore",
        "orig",
        "rej",
        "bak",
        "swp",
        "lock",
        "sum",
    ];
    for stem in ["dockerfile", "containerfile"] {
        if name == stem || name.ends_with(&format!(".{stem}")) {
            return true;
        }
        if let Some(suffix) = name.strip_prefix(stem).and_then(|r| r.strip_prefix('.')) {
            let extension = suffix.rsplit('.').next().unwrap_or(suffix);
            return !suffix.is_empty() && !NOT_DOCKERFILES.contains(&extension);
        }
    }
    false
}

/// A file's parse: the span tree for YAML/JSON/env/properties, the element tree for XML.
#[derive(Clone, Debug)]
pub enum Syntax {
    Tree(Document),
    Xml(XmlDocument),
    Dockerfile(idplint_syntax::dockerfile::Dockerfile),
    /// Source code is lexed by the units that need it (see `products::kratos::sdk`).
    Code,
}

/// One file, parsed, ready for unit extraction.
#[derive(Debug)]
pub struct ParsedFile<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub format: FileFormat,
    pub syntax: Syntax,
    pub line_index: LineIndex,
}

impl<'a> ParsedFile<'a> {
    pub fn parse(path: &'a str, text: &'a str, format: FileFormat) -> Result<Self, ParseError> {
        let limits = Limits::default();
        let syntax = match format {
            FileFormat::Yaml => Syntax::Tree(idplint_syntax::yaml::parse(text, &limits)?),
            FileFormat::Json if is_terraform_template(path) => {
                let masked = idplint_syntax::json::mask_terraform_template(text);
                Syntax::Tree(idplint_syntax::json::parse(&masked, &limits)?)
            }
            FileFormat::Json => Syntax::Tree(idplint_syntax::json::parse(text, &limits)?),
            FileFormat::Env => Syntax::Tree(idplint_syntax::env::parse(text)?),
            FileFormat::Properties => Syntax::Tree(idplint_syntax::properties::parse(text)?),
            FileFormat::Xml => Syntax::Xml(idplint_syntax::xml::parse(text, &limits)?),
            FileFormat::Dockerfile => Syntax::Dockerfile(idplint_syntax::dockerfile::parse(text)?),
            FileFormat::Code(_) => Syntax::Code,
        };
        Ok(Self {
            path,
            text,
            format,
            syntax,
            line_index: LineIndex::new(text),
        })
    }

    pub fn tree(&self) -> Option<&Document> {
        match &self.syntax {
            Syntax::Tree(doc) => Some(doc),
            Syntax::Xml(_) | Syntax::Dockerfile(_) | Syntax::Code => None,
        }
    }

    pub fn xml(&self) -> Option<&XmlDocument> {
        match &self.syntax {
            Syntax::Xml(doc) => Some(doc),
            Syntax::Tree(_) | Syntax::Dockerfile(_) | Syntax::Code => None,
        }
    }

    pub fn dockerfile(&self) -> Option<&idplint_syntax::dockerfile::Dockerfile> {
        match &self.syntax {
            Syntax::Dockerfile(doc) => Some(doc),
            Syntax::Tree(_) | Syntax::Xml(_) | Syntax::Code => None,
        }
    }

    /// The file name without directories, lower-cased.
    pub fn file_name(&self) -> String {
        self.path
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(self.path)
            .to_ascii_lowercase()
    }

    pub fn slice(&self, range: TextRange) -> &'a str {
        range.slice(self.text).unwrap_or("")
    }
}

/// The directory part of a run path (`.` for a bare file name); shared by cross-file rules that
/// resolve one file's reference to another.
pub(crate) fn parent_dir(path: &str) -> &str {
    path.rfind(['/', '\\']).map_or(".", |i| &path[..i])
}

/// `a/./b/../c.json` -> `a/c.json`, with `/` separators.
pub(crate) fn normalise_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let absolute = path.starts_with('/');
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// A Terraform `templatefile` JSON template (ECS `container_definitions`): parsed with its
/// `${...}` and `%{...}` sequences masked (`idplint_syntax::json::mask_terraform_template`).
pub fn is_terraform_template(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".json.tpl")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensionless_env_files_are_read_when_they_hold_keycloak_or_kratos_variables() {
        let kratos = "DSN=postgres://k@db/k\nSECRETS_COOKIE=x\nSERVE_PUBLIC_BASE_URL=https://a/\n";
        assert_eq!(
            sniff_format("deploy/kratos-prod", kratos),
            Some(FileFormat::Env)
        );
        assert_eq!(
            sniff_format("keycloak", "KC_DB=postgres\n"),
            Some(FileFormat::Env)
        );
        assert_eq!(sniff_format("Makefile", "CC=gcc\nall:\n\tcc x.c\n"), None);
        assert_eq!(sniff_format("settings", "PATH=/bin\nHOME=/root\n"), None);
    }

    #[test]
    fn dockerfiles_by_name() {
        for name in [
            "Dockerfile",
            "deploy/Containerfile",
            "keycloak.Dockerfile",
            "build/kc.dockerfile",
            "Dockerfile.prod",
            "Dockerfile.keycloak.j2",
            "Containerfile.dev",
        ] {
            assert_eq!(
                sniff_format(name, ""),
                Some(FileFormat::Dockerfile),
                "{name}"
            );
        }
        for name in [
            "Dockerfile.md",
            "Dockerfile.dockerignore",
            "Dockerfile.txt",
            "dockerfiles",
            "my-dockerfile",
        ] {
            assert_ne!(
                sniff_format(name, ""),
                Some(FileFormat::Dockerfile),
                "{name}"
            );
        }
        assert_eq!(sniff_format("Dockerfile.yaml", ""), Some(FileFormat::Yaml));
        assert_eq!(sniff_format("Dockerfile.json", ""), Some(FileFormat::Json));
    }
}
