//! The Kratos SDK version a package manifest pins. Pure text in, version out: the CLI and the
//! LSP find the manifest nearest to a source file and call [`sdk_version`].

use super::NPM_PACKAGES;
use crate::version::ProductVersion;

/// Manifest file names, in the order they are tried within one directory.
pub const MANIFEST_NAMES: [&str; 5] = [
    "go.mod",
    "package.json",
    "requirements.txt",
    "pyproject.toml",
    "pom.xml",
];

/// The Kratos SDK version `text` (a file named `file_name`) depends on, if it names one.
pub fn sdk_version(file_name: &str, text: &str) -> Option<ProductVersion> {
    match file_name {
        "go.mod" => go_mod(text),
        "package.json" => package_json(text),
        "requirements.txt" | "pyproject.toml" => python(text),
        "pom.xml" => pom(text),
        _ => None,
    }
}

/// The SDK version pinned by the manifests directly inside one directory. `read` returns a
/// file's text, or `None` when it does not exist (the caller owns filesystem access).
pub fn sdk_version_in_dir(
    dir: &std::path::Path,
    read: &mut dyn FnMut(&std::path::Path) -> Option<String>,
) -> Option<ProductVersion> {
    MANIFEST_NAMES
        .iter()
        .find_map(|name| sdk_version(name, &read(&dir.join(name))?))
}

/// The SDK version of the nearest manifest naming a Kratos SDK in `dir` or above it.
pub fn nearest_sdk_version(
    dir: &std::path::Path,
    read: &mut dyn FnMut(&std::path::Path) -> Option<String>,
) -> Option<ProductVersion> {
    dir.ancestors()
        .find_map(|dir| sdk_version_in_dir(dir, read))
}

/// `require github.com/ory/kratos-client-go v0.11.1` (also inside `require ( ... )`, and with
/// the `/v25` suffix).
fn go_mod(text: &str) -> Option<ProductVersion> {
    text.lines().find_map(|line| {
        let line = line.split("//").next().unwrap_or("");
        let mut words = line.split_whitespace();
        let first = words.next()?;
        let (module, version) = if first == "require" {
            (words.next()?, words.next()?)
        } else {
            (first, words.next()?)
        };
        if !super::is_go_sdk_path(module) {
            return None;
        }
        // `=> ../fork` of a `replace` line is no version, so such a line is passed over.
        ProductVersion::parse(version.trim_end_matches("+incompatible"))
    })
}

/// `"@ory/kratos-client": "^0.11.1"` in `dependencies` (or dev/peer dependencies).
fn package_json(text: &str) -> Option<ProductVersion> {
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    ["dependencies", "devDependencies", "peerDependencies"]
        .iter()
        .filter_map(|section| json.get(section))
        .flat_map(|deps| NPM_PACKAGES.iter().filter_map(|p| deps.get(p)))
        .find_map(|spec| spec.as_str().and_then(version_in_spec))
}

/// `ory-kratos-client==0.11.1` in requirements.txt, `"ory-kratos-client>=0.11.1"` (PEP 621)
/// or `ory-kratos-client = "^0.11.1"` (Poetry) in pyproject.toml.
fn python(text: &str) -> Option<ProductVersion> {
    text.lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or("");
        let normalized = line.to_ascii_lowercase().replace('_', "-");
        let at = normalized.find("ory-kratos-client")?;
        let rest = normalized.get(at + "ory-kratos-client".len()..)?;
        // `ory-kratos-client-fetch` or another package that merely starts with the name.
        if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-') {
            return None;
        }
        version_in_spec(rest)
    })
}

/// `<dependency><groupId>sh.ory.kratos</groupId><artifactId>kratos-client</artifactId>
/// <version>0.11.1</version></dependency>`, also through a `${property}`.
fn pom(text: &str) -> Option<ProductVersion> {
    let artifact = text.find("<artifactId>kratos-client</artifactId>")?;
    let dependency_start = text.get(..artifact)?.rfind("<dependency>")?;
    let dependency_end = artifact + text.get(artifact..)?.find("</dependency>")?;
    let dependency = text.get(dependency_start..dependency_end)?;
    if !dependency.contains("<groupId>sh.ory.kratos</groupId>") {
        return None;
    }
    let version = element_text(dependency, "version")?;
    match version.strip_prefix("${").and_then(|v| v.strip_suffix('}')) {
        Some(property) => version_in_spec(element_text(text, property)?),
        None => version_in_spec(version),
    }
}

fn element_text<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = text.find(&open)? + open.len();
    let end = start + text.get(start..)?.find("</")?;
    Some(text.get(start..end)?.trim())
}

/// The first version in a requirement (`^0.11.1`, `==0.11.1`, `~=v0.11`, `[0.11.1,)`).
fn version_in_spec(spec: &str) -> Option<ProductVersion> {
    let start = spec.find(|c: char| c.is_ascii_digit())?;
    let rest = spec.get(start..)?;
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .unwrap_or(rest.len());
    ProductVersion::parse(rest.get(..end)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(file: &str, text: &str) -> Option<String> {
        sdk_version(file, text).map(|v| v.to_string())
    }

    #[test]
    fn reads_each_manifest_kind() {
        let go =
            "module x\n\nrequire (\n\tgithub.com/ory/kratos-client-go v0.11.1 // indirect\n)\n";
        assert_eq!(version("go.mod", go).as_deref(), Some("v0.11.1"));
        let go = "require github.com/ory/kratos-client-go/v25 v25.4.0\n";
        assert_eq!(version("go.mod", go).as_deref(), Some("v25.4.0"));
        let npm = r#"{"dependencies": {"@ory/kratos-client": "^0.10.1"}}"#;
        assert_eq!(version("package.json", npm).as_deref(), Some("0.10.1"));
        assert_eq!(
            version("requirements.txt", "ory_kratos_client==0.11.1\n").as_deref(),
            Some("0.11.1")
        );
        let poetry = "[tool.poetry.dependencies]\nory-kratos-client = \"^1.1.0\"\n";
        assert_eq!(version("pyproject.toml", poetry).as_deref(), Some("1.1.0"));
        let pom = "<project><properties><kratos.version>0.11.1</kratos.version></properties><dependencies><dependency><groupId>sh.ory.kratos</groupId><artifactId>kratos-client</artifactId><version>${kratos.version}</version></dependency></dependencies></project>";
        assert_eq!(version("pom.xml", pom).as_deref(), Some("0.11.1"));
    }

    #[test]
    fn other_packages_and_garbage_give_nothing() {
        assert_eq!(
            version("go.mod", "require github.com/ory/client-go v1.2.0\n"),
            None
        );
        assert_eq!(version("package.json", "{not json"), None);
        assert_eq!(
            version(
                "package.json",
                r#"{"dependencies": {"@ory/client": "1.0.0"}}"#
            ),
            None
        );
        assert_eq!(
            version("requirements.txt", "ory-kratos-client-fetch==1\n"),
            None
        );
        assert_eq!(
            version("pom.xml", "<artifactId>kratos-client</artifactId>"),
            None
        );
    }
}
