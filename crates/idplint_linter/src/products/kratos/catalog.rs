//! Our catalogs of valid Kratos keys per release line: `rules/kratos/keys/config.tsv` (the
//! config file) and `rules/kratos/keys/identity-extension.tsv` (the `ory.sh/kratos` vocabulary
//! of identity schemas). The file header of `config.tsv` documents the format; this module
//! parses it once from the embedded rule data and answers "is this key valid on release X, and
//! if not, since or until when was it?".
//!
//! Release windows compare by `major.minor.patch` only: every Kratos tag before v0.10 is an
//! `-alpha.N` pre-release, so `since=0.6` must cover `v0.6.0-alpha.1`.

use crate::registry::RULE_FILES;
use crate::version::ProductVersion;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::OnceLock;

/// Path of the config catalog inside `rules/`.
pub const CONFIG_CATALOG: &str = "kratos/keys/config.tsv";
/// Path of the identity-schema extension catalog inside `rules/`.
pub const IDENTITY_CATALOG: &str = "kratos/keys/identity-extension.tsv";

/// The newest release line the catalogs describe; configs without a version are checked
/// against it.
pub const NEWEST: Release = Release(26, 2, 0);

/// A release as the catalog orders it: `major.minor.patch`, pre-release tags ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Release(pub u64, pub u64, pub u64);

impl Release {
    pub fn of(version: &ProductVersion) -> Self {
        Release(version.major(), version.minor(), version.patch())
    }

    fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().trim_start_matches('v').split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        let patch = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        if parts.next().is_some() {
            return None;
        }
        Some(Release(major, minor, patch))
    }
}

impl fmt::Display for Release {
    /// `v0.11`, `v0.8.3`, `v26.2`: the way release lines are named in the changelog.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.2 == 0 {
            write!(f, "v{}.{}", self.0, self.1)
        } else {
            write!(f, "v{}.{}.{}", self.0, self.1, self.2)
        }
    }
}

/// `[since, until)`; `None` is open on that side.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Window {
    pub since: Option<Release>,
    pub until: Option<Release>,
}

impl Window {
    pub fn contains(&self, at: Release) -> bool {
        self.since.is_none_or(|s| at >= s) && self.until.is_none_or(|u| at < u)
    }

    fn intersect(&self, other: &Window) -> Window {
        Window {
            since: self.since.max(other.since),
            until: match (self.until, other.until) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }

    fn overlaps(&self, other: &Window) -> bool {
        let i = self.intersect(other);
        match (i.since, i.until) {
            (Some(s), Some(u)) => s < u,
            _ => true,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    String,
    Integer,
    Number,
    Boolean,
    /// An object with known keys.
    Object,
    Array,
    /// An object with free-form keys (headers, template names); its values are the `*` row.
    Map,
    Any,
}

impl KeyType {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "string" => KeyType::String,
            "integer" => KeyType::Integer,
            "number" => KeyType::Number,
            "boolean" => KeyType::Boolean,
            "object" => KeyType::Object,
            "array" => KeyType::Array,
            "map" => KeyType::Map,
            "any" => KeyType::Any,
            _ => return None,
        })
    }

    /// How the type is named in messages (JSON Schema's names).
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::String => "string",
            KeyType::Integer => "integer",
            KeyType::Number => "number",
            KeyType::Boolean => "boolean",
            KeyType::Object | KeyType::Map => "object",
            KeyType::Array => "array",
            KeyType::Any => "any value",
        }
    }

    pub fn is_object(self) -> bool {
        matches!(self, KeyType::Object | KeyType::Map)
    }
}

/// One allowed value of an enum, with the releases that accept it.
#[derive(Clone, Debug)]
pub struct EnumValue {
    pub value: String,
    pub window: Window,
}

/// One catalog row: a key over one window of releases.
#[derive(Clone, Debug)]
pub struct Row {
    /// `selfservice.flows.login.after.hooks[].hook`
    pub path: String,
    pub ty: KeyType,
    /// The row's own window narrowed by its parents'.
    pub window: Window,
    pub deprecated: Option<Release>,
    pub default: Option<String>,
    pub enum_values: Vec<EnumValue>,
    /// Upstream accepts (and ignores) unknown keys in this object.
    pub lenient: bool,
    /// Line in the catalog file, for error messages.
    pub line: usize,
}

impl Row {
    /// The enum values accepted on `at`; empty when the key is not an enum.
    pub fn enum_at(&self, at: Release) -> Vec<&str> {
        self.enum_values
            .iter()
            .filter(|v| v.window.contains(at))
            .map(|v| v.value.as_str())
            .collect()
    }

    /// The last path segment (`hook`, `[]`).
    pub fn key(&self) -> &str {
        last_segment(&self.path)
    }
}

/// What the catalog says about one path on one release.
#[derive(Debug)]
pub enum KeyStatus<'a> {
    Valid(&'a Row),
    /// The key exists only in later releases (the earliest such row).
    Later(&'a Row),
    /// The key existed in earlier releases only (the latest such row).
    Removed(&'a Row),
    Unknown,
}

#[derive(Debug, Default)]
pub struct Catalog {
    rows: Vec<Row>,
    by_path: HashMap<String, Vec<usize>>,
    /// Parent path -> child segments, in catalog order.
    children: HashMap<String, Vec<String>>,
}

impl Catalog {
    /// Every row, in catalog order.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Every row of `path`, whatever the release.
    pub fn rows_of(&self, path: &str) -> impl Iterator<Item = &Row> {
        self.by_path
            .get(path)
            .into_iter()
            .flatten()
            .map(|&i| &self.rows[i])
    }

    /// The row of `path` valid on `at`.
    pub fn at(&self, path: &str, at: Release) -> Option<&Row> {
        self.rows_of(path).find(|r| r.window.contains(at))
    }

    pub fn status(&self, path: &str, at: Release) -> KeyStatus<'_> {
        let mut later: Option<&Row> = None;
        let mut removed: Option<&Row> = None;
        for row in self.rows_of(path) {
            if row.window.contains(at) {
                return KeyStatus::Valid(row);
            }
            if row.window.since.is_some_and(|s| at < s) {
                if later.is_none_or(|l| row.window.since < l.window.since) {
                    later = Some(row);
                }
            } else if removed.is_none_or(|r| row.window.until > r.window.until) {
                removed = Some(row);
            }
        }
        match (removed, later) {
            (Some(row), _) => KeyStatus::Removed(row),
            (None, Some(row)) => KeyStatus::Later(row),
            (None, None) => KeyStatus::Unknown,
        }
    }

    /// Keys valid below `parent` on `at` (not `*` or `[]`).
    pub fn valid_children(&self, parent: &str, at: Release) -> Vec<&str> {
        self.children
            .get(parent)
            .into_iter()
            .flatten()
            .filter(|seg| *seg != "*" && *seg != "[]")
            .filter(|seg| self.at(&join(parent, seg), at).is_some())
            .map(String::as_str)
            .collect()
    }

    /// Paths valid on `at` whose last key is `key`, for "did you mean to put it under ...".
    pub fn paths_ending_in(&self, key: &str, at: Release) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        self.rows
            .iter()
            .filter(|r| r.key() == key && r.window.contains(at))
            .filter(|r| seen.insert(r.path.as_str()))
            .map(|r| r.path.as_str())
            .collect()
    }

    /// Parse a catalog file (see the header of `rules/kratos/keys/config.tsv`).
    pub fn parse(text: &str) -> Result<Catalog, String> {
        let mut shapes: HashMap<String, Shape> = HashMap::new();
        let mut raw: Vec<RawRow> = Vec::new();
        let mut current_shape: Option<(String, Shape)> = None;
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            let at = |message: String| format!("line {number}: {message}");
            if fields[0] == "@shape" {
                if current_shape.is_some() {
                    return Err(at("`@shape` inside another shape".into()));
                }
                let name = fields
                    .get(1)
                    .ok_or_else(|| at("`@shape` needs a name".into()))?;
                let ty = fields.get(2).copied().unwrap_or("object");
                current_shape = Some((
                    name.to_string(),
                    Shape {
                        ty: ty.to_string(),
                        rows: Vec::new(),
                    },
                ));
                continue;
            }
            if fields[0] == "@end" {
                let (name, shape) = current_shape
                    .take()
                    .ok_or_else(|| at("`@end` without `@shape`".into()))?;
                shapes.insert(name, shape);
                continue;
            }
            let row = RawRow::parse(&fields, number).map_err(at)?;
            match &mut current_shape {
                Some((_, shape)) => shape.rows.push(row),
                None => raw.push(row),
            }
        }
        if current_shape.is_some() {
            return Err("a `@shape` is not closed with `@end`".into());
        }
        let mut catalog = Catalog::default();
        for row in &raw {
            catalog.add(row, "", &shapes, 0)?;
        }
        catalog.finish()?;
        Ok(catalog)
    }

    /// Add a raw row (with `prefix` for shape rows), expanding shorthands and shapes.
    fn add(
        &mut self,
        raw: &RawRow,
        prefix: &str,
        shapes: &HashMap<String, Shape>,
        depth: usize,
    ) -> Result<(), String> {
        if depth > 8 {
            return Err(format!("line {}: shapes nest too deeply", raw.line));
        }
        let path = if prefix.is_empty() {
            raw.path.clone()
        } else if raw.path.starts_with("[]") {
            format!("{prefix}{}", raw.path)
        } else {
            format!("{prefix}.{}", raw.path)
        };
        let fail = |message: String| format!("line {}: `{path}`: {message}", raw.line);
        let (ty, inner, shape) = if let Some(name) = raw.ty.strip_prefix('@') {
            let shape = shapes
                .get(name)
                .ok_or_else(|| fail(format!("unknown shape `@{name}`")))?;
            (shape.ty.as_str(), None, Some(shape))
        } else if let Some((outer, inner)) = raw.ty.split_once(':') {
            (outer, Some(inner), None)
        } else {
            (raw.ty.as_str(), None, None)
        };
        let key_type = KeyType::parse(ty).ok_or_else(|| fail(format!("unknown type `{ty}`")))?;
        if inner.is_some() && !matches!(key_type, KeyType::Array | KeyType::Map) {
            return Err(fail("only `array:T` and `map:T` take an item type".into()));
        }
        let row = Row {
            path: path.clone(),
            ty: key_type,
            window: raw.window,
            deprecated: raw.deprecated,
            default: raw.default.clone(),
            enum_values: raw.enum_values.clone(),
            lenient: raw.lenient,
            line: raw.line,
        };
        self.push(row);
        if let Some(inner) = inner {
            let item_type = KeyType::parse(inner)
                .ok_or_else(|| fail(format!("unknown item type `{inner}`")))?;
            let item_path = match key_type {
                KeyType::Array => format!("{path}[]"),
                _ => format!("{path}.*"),
            };
            self.push(Row {
                path: item_path,
                ty: item_type,
                window: Window::default(),
                deprecated: None,
                default: None,
                enum_values: Vec::new(),
                lenient: false,
                line: raw.line,
            });
        }
        if let Some(shape) = shape {
            for shape_row in &shape.rows {
                self.add(shape_row, &path, shapes, depth + 1)?;
            }
        }
        Ok(())
    }

    fn push(&mut self, row: Row) {
        self.by_path
            .entry(row.path.clone())
            .or_default()
            .push(self.rows.len());
        self.rows.push(row);
    }

    /// Narrow windows by the parents', index children, and check the catalog is consistent.
    fn finish(&mut self) -> Result<(), String> {
        // Rows come parent-first (the file lists parents before children and shapes expand
        // below their row), so one pass narrows every window.
        for i in 0..self.rows.len() {
            let path = self.rows[i].path.clone();
            let Some(parent) = parent_path(&path) else {
                // Top-level keys are the children of the root, `""`.
                let children = self.children.entry(String::new()).or_default();
                if !children.contains(&path) {
                    children.push(path);
                }
                continue;
            };
            let parent_rows: Vec<Window> = self.rows_of(parent).map(|r| r.window).collect();
            if parent_rows.is_empty() {
                return Err(format!(
                    "line {}: `{path}` has no row for its parent `{parent}`",
                    self.rows[i].line
                ));
            }
            // A child under a parent with several windows lives within their union; the
            // parents of one path never overlap, so the union's bounds are enough.
            let union = Window {
                since: parent_rows
                    .iter()
                    .map(|w| w.since)
                    .min()
                    .unwrap_or_default(),
                until: if parent_rows.iter().any(|w| w.until.is_none()) {
                    None
                } else {
                    parent_rows.iter().filter_map(|w| w.until).max()
                },
            };
            let own = self.rows[i].window;
            self.rows[i].window = own.intersect(&union);
            let segment = last_segment(&path).to_string();
            let children = self.children.entry(parent.to_string()).or_default();
            if !children.contains(&segment) {
                children.push(segment);
            }
        }
        for rows in self.by_path.values() {
            for (n, &a) in rows.iter().enumerate() {
                for &b in &rows[n + 1..] {
                    if self.rows[a].window.overlaps(&self.rows[b].window) {
                        return Err(format!(
                            "lines {} and {}: `{}` has two rows for the same releases",
                            self.rows[a].line, self.rows[b].line, self.rows[a].path
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

#[derive(Debug)]
struct Shape {
    ty: String,
    rows: Vec<RawRow>,
}

#[derive(Clone, Debug)]
struct RawRow {
    path: String,
    ty: String,
    window: Window,
    deprecated: Option<Release>,
    default: Option<String>,
    enum_values: Vec<EnumValue>,
    lenient: bool,
    line: usize,
}

impl RawRow {
    fn parse(fields: &[&str], line: usize) -> Result<Self, String> {
        let (Some(path), Some(ty)) = (fields.first(), fields.get(1)) else {
            return Err("a row needs a path and a type".into());
        };
        let release =
            |text: &str| Release::parse(text).ok_or_else(|| format!("`{text}` is not a release"));
        let mut row = RawRow {
            path: path.to_string(),
            ty: ty.to_string(),
            window: Window::default(),
            deprecated: None,
            default: None,
            enum_values: Vec::new(),
            lenient: false,
            line,
        };
        for attribute in &fields[2..] {
            match attribute.split_once('=') {
                Some(("since", v)) => row.window.since = Some(release(v)?),
                Some(("until", v)) => row.window.until = Some(release(v)?),
                Some(("deprecated", v)) => row.deprecated = Some(release(v)?),
                Some(("default", v)) => row.default = Some(v.to_string()),
                Some(("enum", values)) => {
                    for value in values.split('|') {
                        let (value, window) = match value.split_once('@') {
                            None => (value, Window::default()),
                            Some((value, range)) => {
                                let window = match range.split_once("..") {
                                    None => Window {
                                        since: Some(release(range)?),
                                        until: None,
                                    },
                                    Some((since, until)) => Window {
                                        since: if since.is_empty() {
                                            None
                                        } else {
                                            Some(release(since)?)
                                        },
                                        until: Some(release(until)?),
                                    },
                                };
                                (value, window)
                            }
                        };
                        if value.is_empty() {
                            return Err("empty enum value".into());
                        }
                        row.enum_values.push(EnumValue {
                            value: value.to_string(),
                            window,
                        });
                    }
                }
                None if *attribute == "lenient" => row.lenient = true,
                _ => return Err(format!("unknown attribute `{attribute}`")),
            }
        }
        if let (Some(since), Some(until)) = (row.window.since, row.window.until)
            && since >= until
        {
            return Err(format!("`since={since}` is not before `until={until}`"));
        }
        Ok(row)
    }
}

/// `a.b` + `c` -> `a.b.c`; `a.b` + `[]` -> `a.b[]`; `` + `a` -> `a`.
pub fn join(parent: &str, segment: &str) -> String {
    if segment == "[]" {
        format!("{parent}[]")
    } else if parent.is_empty() {
        segment.to_string()
    } else {
        format!("{parent}.{segment}")
    }
}

/// The parent of a path, `None` for a top-level key.
pub fn parent_path(path: &str) -> Option<&str> {
    if let Some(parent) = path.strip_suffix("[]") {
        return Some(parent);
    }
    path.rfind('.').map(|i| &path[..i])
}

fn last_segment(path: &str) -> &str {
    if path.ends_with("[]") {
        return "[]";
    }
    path.rfind('.').map_or(path, |i| &path[i + 1..])
}

fn load(name: &str) -> Result<Catalog, String> {
    let text = RULE_FILES
        .iter()
        .find(|(path, _)| *path == name)
        .map(|(_, text)| *text)
        .ok_or_else(|| format!("rules/{name} is missing"))?;
    Catalog::parse(text).map_err(|e| format!("rules/{name}: {e}"))
}

static CONFIG: OnceLock<Result<Catalog, String>> = OnceLock::new();
static IDENTITY: OnceLock<Result<Catalog, String>> = OnceLock::new();

/// The config catalog, or why it does not load (the tests make sure it does).
pub fn config_catalog() -> Result<&'static Catalog, &'static str> {
    CONFIG
        .get_or_init(|| load(CONFIG_CATALOG))
        .as_ref()
        .map_err(String::as_str)
}

/// The `ory.sh/kratos` identity-schema vocabulary, or why it does not load.
pub fn identity_catalog() -> Result<&'static Catalog, &'static str> {
    IDENTITY
        .get_or_init(|| load(IDENTITY_CATALOG))
        .as_ref()
        .map_err(String::as_str)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn catalogs_load() {
        config_catalog().unwrap();
        identity_catalog().unwrap();
    }

    #[test]
    fn windows_and_shapes() {
        let catalog = Catalog::parse(
            "@shape s\na string since=1.1\n[] object\n@end\nx object since=0.9\nx.y @s until=2.0\nx.z map:string\nx.e string enum=a|b@1.0|c@..1.0\n",
        )
        .unwrap();
        let at = |s: &str| Release::parse(s).unwrap();
        assert!(catalog.at("x.y.a", at("1.1")).is_some());
        assert!(catalog.at("x.y.a", at("1.0")).is_none());
        assert!(matches!(
            catalog.status("x.y.a", at("2.0")),
            KeyStatus::Removed(_)
        ));
        assert!(matches!(
            catalog.status("x", at("0.8")),
            KeyStatus::Later(_)
        ));
        assert!(catalog.at("x.y[]", at("1.0")).is_some());
        assert!(catalog.at("x.z.*", at("1.0")).is_some());
        assert_eq!(
            catalog.at("x.e", at("1.0")).unwrap().enum_at(at("1.0")),
            ["a", "b"]
        );
        assert_eq!(
            catalog.at("x.e", at("0.9")).unwrap().enum_at(at("0.9")),
            ["a", "c"]
        );
        assert_eq!(catalog.valid_children("x", at("1.0")), ["y", "z", "e"]);
        assert_eq!(catalog.valid_children("", at("1.0")), ["x"]);
        assert!(Catalog::parse("a.b string\n").is_err());
        assert!(Catalog::parse("a string\na string since=1.0\n").is_err());
    }

    #[test]
    fn releases_ignore_pre_release_tags() {
        let v = ProductVersion::parse("v0.6.0-alpha.1").unwrap();
        assert_eq!(Release::of(&v), Release(0, 6, 0));
        assert_eq!(Release(0, 11, 0).to_string(), "v0.11");
        assert_eq!(Release(0, 8, 3).to_string(), "v0.8.3");
    }
}
