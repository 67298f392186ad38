//! Products and their versions, parsed leniently and compared correctly.

use serde::Serialize;
use std::cmp::Ordering;
use std::fmt;

/// A product idplint knows how to lint. The string form is the rule-id prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Product {
    Kratos,
    Keycloak,
    KeycloakWildfly,
    Serverless,
    /// idplint's own rules (parse errors, suppressions, version notes); not a product users
    /// target, so it is not in [`Product::ALL`].
    Idplint,
}

impl Product {
    pub const ALL: [Product; 4] = [
        Product::Kratos,
        Product::Keycloak,
        Product::KeycloakWildfly,
        Product::Serverless,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Product::Kratos => "kratos",
            Product::Keycloak => "keycloak",
            Product::KeycloakWildfly => "keycloak-wildfly",
            Product::Serverless => "serverless",
            Product::Idplint => "idplint",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Product::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A product version as people write it: `v0.11.0-alpha.0.pre.2`, `26.0`, `v25.4.0`, `26`.
///
/// Missing minor/patch parts count as zero, a leading `v` is optional, and pre-releases order
/// before their release (`v0.11.0-alpha.0.pre.2 < v0.11.0`). The original spelling is kept
/// for messages.
#[derive(Clone, Debug)]
pub struct ProductVersion {
    version: semver::Version,
    original: String,
}

impl ProductVersion {
    pub fn parse(text: &str) -> Option<Self> {
        let original = text.trim();
        let trimmed = original
            .strip_prefix('v')
            .or_else(|| original.strip_prefix('V'))
            .unwrap_or(original);
        if trimmed.is_empty() || !trimmed.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        // Split off pre-release/build so that `26.0-rc1` pads the numeric core first.
        let (core, rest) = match trimmed.find(['-', '+']) {
            Some(i) => trimmed.split_at(i),
            None => (trimmed, ""),
        };
        let mut parts: Vec<&str> = core.split('.').collect();
        if parts.len() > 3
            || parts
                .iter()
                .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            // Keycloak product versions sometimes carry a fourth part (`18.0.2.Final`-like
            // spellings are WildFly's); keep only what semver can order.
            parts.truncate(3);
            if parts
                .iter()
                .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
            {
                return None;
            }
        }
        while parts.len() < 3 {
            parts.push("0");
        }
        let normalised: Vec<String> = parts
            .iter()
            .map(|p| p.trim_start_matches('0'))
            .map(|p| {
                if p.is_empty() {
                    "0".to_string()
                } else {
                    p.to_string()
                }
            })
            .collect();
        let candidate = format!("{}{}", normalised.join("."), rest);
        let version = semver::Version::parse(&candidate)
            .or_else(|_| semver::Version::parse(&normalised.join(".")))
            .ok()?;
        Some(Self {
            version,
            original: original.to_string(),
        })
    }

    pub fn original(&self) -> &str {
        &self.original
    }

    pub fn major(&self) -> u64 {
        self.version.major
    }

    pub fn minor(&self) -> u64 {
        self.version.minor
    }

    pub fn patch(&self) -> u64 {
        self.version.patch
    }

    /// Whether this is a pre-release (`-alpha.1`, `-rc1`).
    pub fn is_prerelease(&self) -> bool {
        !self.version.pre.is_empty()
    }
}

impl PartialEq for ProductVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ProductVersion {}

impl PartialOrd for ProductVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ProductVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        // Build metadata does not order releases.
        self.version
            .major
            .cmp(&other.version.major)
            .then(self.version.minor.cmp(&other.version.minor))
            .then(self.version.patch.cmp(&other.version.patch))
            .then_with(|| self.version.pre.cmp(&other.version.pre))
    }
}

impl fmt::Display for ProductVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

/// Where a resolved version came from, strongest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VersionSource {
    CommandLine,
    ConfigFile,
    /// The Kratos `version:` key, an image tag, `frameworkVersion`, ... in the linted file.
    Detected,
    /// Target defaulted to the current version.
    SameAsCurrent,
}

/// The versions one unit is checked with.
#[derive(Clone, Debug, Default)]
pub struct Versions {
    /// What the file is written for.
    pub current: Option<ProductVersion>,
    /// What it must run on. Defaults to `current`.
    pub target: Option<ProductVersion>,
}

impl Versions {
    /// The release a config is checked for: the target, else the current one.
    pub fn checked(&self) -> Option<&ProductVersion> {
        self.target.as_ref().or(self.current.as_ref())
    }

    /// An upgrade from `current` to `target` crosses `at` (current < at <= target).
    pub fn crosses(&self, at: &ProductVersion) -> bool {
        match (&self.current, &self.target) {
            (Some(current), Some(target)) => current < at && at <= target,
            _ => false,
        }
    }

    /// The target (or, without one, the current) version is at or past `at`.
    pub fn target_at_least(&self, at: &ProductVersion) -> bool {
        self.target
            .as_ref()
            .or(self.current.as_ref())
            .is_some_and(|v| v >= at)
    }

    /// The current version is known and at or past `at`.
    pub fn current_at_least(&self, at: &ProductVersion) -> bool {
        self.current.as_ref().is_some_and(|v| v >= at)
    }

    pub fn is_known(&self) -> bool {
        self.current.is_some() || self.target.is_some()
    }
}

/// Find the version in an image reference (`oryd/kratos:v0.10.1`,
/// `quay.io/keycloak/keycloak:26.0`, `docker.io/bitnami/keycloak:24.0.5-debian-12-r0`).
/// Returns the product the image belongs to and the tag's byte range inside `image`.
pub fn image_version(image: &str) -> Option<(Product, ProductVersion, std::ops::Range<usize>)> {
    let image = image.trim();
    let (repo, tag_start) = {
        // The tag follows the last ':' after the last '/' (a registry port has a '/' after it).
        let slash = image.rfind('/').map_or(0, |i| i + 1);
        let colon = image[slash..].find(':').map(|i| slash + i)?;
        (&image[..colon], colon + 1)
    };
    let tag_end = image[tag_start..]
        .find('@')
        .map_or(image.len(), |i| tag_start + i);
    let tag = &image[tag_start..tag_end];
    let repo_lower = repo.to_ascii_lowercase();
    let name = repo_lower.rsplit('/').next().unwrap_or("");
    let product = if name == "kratos" || repo_lower.ends_with("oryd/kratos") {
        Product::Kratos
    } else if repo_lower.ends_with("jboss/keycloak") {
        // The jboss/keycloak images are the WildFly distribution (up to 16.1.1).
        Product::KeycloakWildfly
    } else if name == "keycloak" {
        // `quay.io/keycloak/keycloak`, `keycloak/keycloak`, `bitnami/keycloak`. Custom images
        // (`keycloak-test:v1`, `myorg/keycloak-custom:3`) carry their own tags, not Keycloak's.
        Product::Keycloak
    } else {
        return None;
    };
    // Bitnami tags look like `24.0.5-debian-12-r0`: the distro suffix is not a pre-release.
    let version_text = tag.split_once("-debian").map_or(tag, |(v, _)| v);
    let version = ProductVersion::parse(version_text)?;
    // A date or build number (`registry.example.com/iam/keycloak:2026.12`) tags a team's own
    // image; neither product has a release numbered anywhere near that.
    if version.major() >= 100 {
        return None;
    }
    // Legacy Keycloak images before 17 are WildFly based.
    let product = if product == Product::Keycloak && version.major() < 17 {
        Product::KeycloakWildfly
    } else {
        product
    };
    Some((product, version, tag_start..tag_end))
}

/// A version from a literal, for tests.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) fn v(text: &str) -> ProductVersion {
    ProductVersion::parse(text).unwrap()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn lenient_parsing_and_ordering() {
        assert!(v("v0.11.0-alpha.0.pre.2") < v("v0.11.0"));
        assert!(v("v0.10.1") < v("v0.11.0-alpha.0.pre.2"));
        assert_eq!(v("26.0"), v("26.0.0"));
        assert_eq!(v("26"), v("v26.0.0"));
        assert!(v("v25.4.0") > v("v1.3.1"));
        assert!(v("1.10.0") > v("1.9.0"));
        assert_eq!(
            v("v0.11.0-alpha.0.pre.2").original(),
            "v0.11.0-alpha.0.pre.2"
        );
        assert!(ProductVersion::parse("latest").is_none());
        assert!(ProductVersion::parse("").is_none());
    }

    #[test]
    fn image_tags() {
        let (p, ver, _) = image_version("oryd/kratos:v0.10.1").unwrap();
        assert_eq!((p, ver), (Product::Kratos, v("0.10.1")));
        let (p, ver, _) = image_version("quay.io/keycloak/keycloak:26.0").unwrap();
        assert_eq!((p, ver), (Product::Keycloak, v("26.0.0")));
        let (p, _, _) = image_version("jboss/keycloak:16.1.1").unwrap();
        assert_eq!(p, Product::KeycloakWildfly);
        let (p, ver, _) = image_version("docker.io/bitnami/keycloak:24.0.5-debian-12-r0").unwrap();
        assert_eq!((p, ver), (Product::Keycloak, v("24.0.5")));
        assert!(image_version("quay.io/keycloak/keycloak:latest").is_none());
        assert!(image_version("registry.example.com/iam/keycloak:2026.12").is_none());
        assert!(image_version("acme/kratos:20261204").is_none());
        assert!(image_version("postgres:16").is_none());
        assert!(image_version("localhost:5000/keycloak").is_none());
        assert!(image_version("keycloak-test:v1").is_none());
    }

    #[test]
    fn windows() {
        let versions = Versions {
            current: Some(v("v0.10.1")),
            target: Some(v("v0.11.1")),
        };
        assert!(versions.crosses(&v("v0.11.0-alpha.0.pre.2")));
        assert!(!versions.crosses(&v("v0.10.0")));
        assert!(versions.target_at_least(&v("v0.11.0")));
        assert!(!versions.current_at_least(&v("v0.11.0")));
    }
}
