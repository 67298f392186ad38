//! The catalog rules of the Kratos config: `kratos/unknown-key` (a key the target release does
//! not know) and `kratos/invalid-value` (a value of the wrong type or outside its enum). Both
//! walk the config next to the catalog of `rules/kratos/keys/config.tsv` for the target
//! release (the newest one when no version is known).

pub mod invalid_value;
pub mod scalar;
pub mod unknown_key;

use crate::rule::NativeRuleFactory;

/// The native rules of this module, for `Kratos::native_rules`.
pub fn native_rules() -> Vec<(&'static str, NativeRuleFactory)> {
    vec![
        (unknown_key::ID, unknown_key::factory),
        (invalid_value::ID, invalid_value::factory),
    ]
}

use super::catalog::{Catalog, KeyStatus, NEWEST, Release, Row, join};
use crate::unit::TreeUnit;
use crate::version::Versions;
use idplint_syntax::{Entry, Node};
use std::rc::Rc;

/// The oldest release the catalog describes; older configs are not checked.
const OLDEST: Release = Release(0, 5, 0);

/// The release a unit is checked against, and whether it was assumed.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub release: Release,
    /// No version is known: the newest release is assumed.
    pub assumed: bool,
}

impl Target {
    /// The target (or current) version; the newest release when neither is known. `None` for
    /// releases older than the catalog.
    pub fn of(versions: &Versions) -> Option<Target> {
        match versions.checked() {
            Some(version) => {
                let release = Release::of(version);
                (release >= OLDEST).then_some(Target {
                    release,
                    assumed: false,
                })
            }
            None => Some(Target {
                release: NEWEST,
                assumed: true,
            }),
        }
    }

    /// "Kratos v1.3.1" or "the newest Kratos (v26.2; no version is known)" for messages.
    pub fn describe(&self, versions: &Versions) -> String {
        match versions.checked() {
            Some(version) if !self.assumed => format!("Kratos {version}"),
            _ => format!("the newest Kratos ({}; no version is known)", self.release),
        }
    }
}

/// Where a key or value sits: the concrete path (`[]` for list items) for claims, and a
/// readable one with list indices for messages. A shared link to the parent's place, so the walk
/// records a place for every value without copying paths; the strings are built only for the
/// few places a diagnostic mentions.
#[derive(Clone, Debug, Default)]
pub struct Place<'n>(Option<Rc<Link<'n>>>);

#[derive(Debug)]
struct Link<'n> {
    parent: Place<'n>,
    step: Step<'n>,
}

#[derive(Clone, Copy, Debug)]
enum Step<'n> {
    Key(&'n str),
    Item(usize),
}

impl<'n> Place<'n> {
    fn child(&self, key: &'n str) -> Place<'n> {
        self.push(Step::Key(key))
    }

    fn item(&self, index: usize) -> Place<'n> {
        self.push(Step::Item(index))
    }

    fn push(&self, step: Step<'n>) -> Place<'n> {
        Place(Some(Rc::new(Link {
            parent: self.clone(),
            step,
        })))
    }

    fn steps(&self) -> Vec<Step<'n>> {
        let mut steps = Vec::new();
        let mut at = &self.0;
        while let Some(link) = at {
            steps.push(link.step);
            at = &link.parent.0;
        }
        steps.reverse();
        steps
    }

    /// The catalog path segments (`[]` for every list item).
    pub fn segments(&self) -> Vec<&'n str> {
        self.steps()
            .into_iter()
            .map(|step| match step {
                Step::Key(key) => key,
                Step::Item(_) => "[]",
            })
            .collect()
    }

    /// `selfservice.methods.oidc.config.providers[2].mapper_url`, for messages.
    pub fn display(&self) -> String {
        let mut out = String::new();
        for step in self.steps() {
            match step {
                Step::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Step::Item(index) => {
                    out.push('[');
                    out.push_str(&index.to_string());
                    out.push(']');
                }
            }
        }
        out
    }
}

/// What the walk finds.
pub enum Event<'n> {
    /// A key the catalog does not list for the release below a checked object.
    Unknown {
        entry: &'n Entry,
        /// The mapping the key is in (for "is the suggested key already there?").
        siblings: &'n [Entry],
        /// Catalog path of the parent (`""` for the root) and of the key.
        parent_path: String,
        key_path: String,
        /// Whether the parent accepts (and ignores) unknown keys upstream.
        parent_lenient: bool,
        place: Place<'n>,
    },
    /// A value at a known key.
    Value {
        node: &'n Node,
        row: &'static Row,
        place: Place<'n>,
    },
}

/// Walk the unit's config next to the catalog on `at`.
pub fn walk<'n>(root: &'n Node, catalog: &'static Catalog, at: Release) -> Vec<Event<'n>> {
    let mut events = Vec::new();
    walk_mapping(root, "", false, &Place::default(), catalog, at, &mut events);
    events
}

fn walk_mapping<'n>(
    node: &'n Node,
    path: &str,
    lenient: bool,
    place: &Place<'n>,
    catalog: &'static Catalog,
    at: Release,
    events: &mut Vec<Event<'n>>,
) {
    let Some(entries) = node.as_mapping() else {
        return;
    };
    for entry in entries {
        let key = entry.key_str();
        // Complex keys are not Kratos keys at all, and `<<` merges an anchored mapping whose
        // keys are checked where the anchor is.
        if key.is_empty() || key == "<<" {
            continue;
        }
        let key_path = join(path, key);
        let child_place = place.child(key);
        match catalog.status(&key_path, at) {
            KeyStatus::Valid(row) => {
                walk_value(&entry.value, row, &child_place, catalog, at, events)
            }
            _ => events.push(Event::Unknown {
                entry,
                siblings: entries,
                parent_path: path.to_string(),
                key_path,
                parent_lenient: lenient,
                place: child_place,
            }),
        }
    }
}

fn walk_value<'n>(
    node: &'n Node,
    row: &'static Row,
    place: &Place<'n>,
    catalog: &'static Catalog,
    at: Release,
    events: &mut Vec<Event<'n>>,
) {
    events.push(Event::Value {
        node,
        row,
        place: place.clone(),
    });
    use super::catalog::KeyType;
    match row.ty {
        KeyType::Object => {
            // Hook configuration: only `web_hook` has the catalog's shape; other hooks take
            // none, and `b2b_sso`/`organization` take anything.
            if row.path.ends_with("hooks[]") {
                let is_web_hook = node
                    .get("hook")
                    .and_then(|e| e.value.as_str())
                    .is_some_and(|h| h == "web_hook");
                if !is_web_hook {
                    let Some(entries) = node.as_mapping() else {
                        return;
                    };
                    for entry in entries.iter().filter(|e| e.key_str() != "config") {
                        let key_path = join(&row.path, entry.key_str());
                        match catalog.status(&key_path, at) {
                            KeyStatus::Valid(child) => walk_value(
                                &entry.value,
                                child,
                                &place.child(entry.key_str()),
                                catalog,
                                at,
                                events,
                            ),
                            _ if entry.key_str().is_empty() => {}
                            _ => events.push(Event::Unknown {
                                entry,
                                siblings: entries,
                                parent_path: row.path.clone(),
                                key_path,
                                parent_lenient: row.lenient,
                                place: place.child(entry.key_str()),
                            }),
                        }
                    }
                    return;
                }
            }
            walk_mapping(node, &row.path, row.lenient, place, catalog, at, events);
        }
        KeyType::Map => {
            let item_path = format!("{}.*", row.path);
            let Some(item_row) = catalog.at(&item_path, at) else {
                return;
            };
            for entry in node.as_mapping().unwrap_or(&[]) {
                walk_value(
                    &entry.value,
                    item_row,
                    &place.child(entry.key_str()),
                    catalog,
                    at,
                    events,
                );
            }
        }
        KeyType::Array => {
            let Some(item_row) = catalog.at(&format!("{}[]", row.path), at) else {
                return;
            };
            for (index, item) in node.as_sequence().unwrap_or(&[]).iter().enumerate() {
                walk_value(item, item_row, &place.item(index), catalog, at, events);
            }
        }
        _ => {}
    }
}

/// Whether the unit's text is JSON (edits and scalar typing differ).
pub fn is_json(tree: &TreeUnit) -> bool {
    tree.text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// A value that a template engine or `envsubst` fills in (`{{ .Values.x }}`, `${VAR}`,
/// `$VAR`): its type is only known after rendering.
pub fn is_templated(node: &Node) -> bool {
    node.as_str()
        .is_some_and(|s| s.contains("{{") || s.contains("${") || s.starts_with('$'))
}

/// Whether the release the unit is checked against is its own `version:` marker (no other
/// source named a different one). Such markers are often left behind when the image is
/// upgraded, so keys from later releases are reported once, on the marker, rather than one
/// error each.
pub fn checked_against_marker(ctx: &crate::rule::RuleContext<'_>) -> bool {
    match (&ctx.unit.detected_version, &ctx.versions.target) {
        (Some(detected), Some(target)) => &detected.version == target,
        _ => false,
    }
}

/// The release from which a row's enum accepts `value`, when that is after `at`.
pub fn enum_value_later(row: &Row, value: &str, at: Release) -> Option<Release> {
    if row.enum_at(at).contains(&value) {
        return None;
    }
    row.enum_values
        .iter()
        .filter(|v| v.value == value)
        .filter_map(|v| v.window.since)
        .filter(|since| at < *since)
        .min()
}
