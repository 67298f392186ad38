//! Version markers an upgrade bumps: the Kratos `version:` key and the image tags
//! `oryd/kratos:<tag>` and `[quay.io/]keycloak/keycloak:<tag>`. Each bump replaces only the
//! version token, so quotes, comments and everything around it keep their bytes. A tag that is
//! a Dockerfile build argument (`FROM quay.io/keycloak/keycloak:${KC_VERSION}`) is bumped where
//! the argument's default is written (`ARG KC_VERSION=26.0.5`).

use idplint_linter::{Product, ProductVersion};
use std::ops::Range;

/// One version token to replace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bump {
    pub product: Product,
    pub from: ProductVersion,
    pub range: Range<usize>,
    pub replacement: String,
}

/// Image name fragments whose tag is the product's release.
const IMAGES: &[(&str, Product)] = &[
    ("oryd/kratos:", Product::Kratos),
    ("keycloak/keycloak:", Product::Keycloak),
];

/// Every marker in `text` older than the target of its product in `to`, in text order.
pub fn find(text: &str, to: &[(Product, ProductVersion)]) -> Vec<Bump> {
    let target = |product: Product| to.iter().find(|(p, _)| *p == product).map(|(_, v)| v);
    let mut bumps = Vec::new();
    let mut push = |product: Product, range: Range<usize>| {
        let Some(target) = target(product) else {
            return;
        };
        let Some(token) = text.get(range.clone()) else {
            return;
        };
        let Some(from) = ProductVersion::parse(token) else {
            return;
        };
        // Legacy (WildFly) Keycloak images are another product; never downgrade.
        if (product == Product::Keycloak && from.major() < 17) || from >= *target {
            return;
        }
        let bare = target.to_string();
        let bare = bare.trim_start_matches(['v', 'V']);
        let replacement = if token.starts_with(['v', 'V']) {
            format!("v{bare}")
        } else {
            bare.to_string()
        };
        bumps.push(Bump {
            product,
            from,
            range,
            replacement,
        });
    };
    // The Kratos `version:` key: a value such as `v0.10.1` (Compose's `version: "3.8"` and
    // Helm's `version: 0.1.0` have no `v`).
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        if let Some(rest) = line[indent..].strip_prefix("version:") {
            let value_start =
                offset + indent + "version:".len() + (rest.len() - rest.trim_start().len());
            let quoted = text[value_start..].starts_with(['"', '\'']);
            let start = value_start + usize::from(quoted);
            let end = token_end(text, start);
            let token = &text[start..end];
            if token.starts_with('v') && token[1..].starts_with(|c: char| c.is_ascii_digit()) {
                push(Product::Kratos, start..end);
            }
        }
        offset += line.len();
    }
    for (needle, product) in IMAGES {
        let mut from = 0;
        while let Some(found) = text[from..].find(needle) {
            let start = from + found + needle.len();
            from = start;
            let boundary = text[..start - needle.len()]
                .chars()
                .next_back()
                .is_none_or(|c| {
                    c.is_whitespace() || matches!(c, '/' | '"' | '\'' | '=' | ':' | '[')
                });
            if !boundary {
                continue;
            }
            let end = token_end(text, start);
            match text[start..end].strip_prefix('$') {
                Some(variable) => {
                    if let Some(range) = arg_default(text, variable) {
                        push(*product, range);
                    }
                }
                None => push(*product, start..end),
            }
        }
    }
    bumps.sort_by_key(|b| b.range.start);
    // Several `FROM` lines may name one build argument: one bump.
    bumps.dedup_by(|a, b| a.range == b.range);
    bumps
}

/// The default of the Dockerfile `ARG` named by `$NAME` / `${NAME}` (`ARG NAME=26.0.5`).
fn arg_default(text: &str, variable: &str) -> Option<Range<usize>> {
    let name = variable.strip_prefix('{').unwrap_or(variable);
    let name_len = name
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    let name = &name[..name_len];
    if name.is_empty() {
        return None;
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        offset += line.len();
        let Some(keyword) = body.get(..4) else {
            continue;
        };
        if !keyword.eq_ignore_ascii_case("arg ") {
            continue;
        }
        let rest = body[4..].trim_start();
        let Some(value) = rest.strip_prefix(name).and_then(|r| r.strip_prefix('=')) else {
            continue;
        };
        let line_start = offset - line.len();
        let quoted = value.starts_with(['"', '\'']);
        let start = line_start + indent + (body.len() - value.len()) + usize::from(quoted);
        return Some(start..token_end(text, start));
    }
    None
}

/// Where a version token starting at `start` ends.
fn token_end(text: &str, start: usize) -> usize {
    text[start..]
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '@' | ',' | ']' | '}' | '#'))
        .map_or(text.len(), |i| start + i)
}

/// `text` with every bump applied (ranges from [`find`], which do not overlap).
pub fn apply(text: &str, bumps: &[Bump]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for bump in bumps {
        if bump.range.start < last {
            continue;
        }
        out.push_str(&text[last..bump.range.start]);
        out.push_str(&bump.replacement);
        last = bump.range.end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn to(product: Product, version: &str) -> Vec<(Product, ProductVersion)> {
        vec![(product, ProductVersion::parse(version).unwrap())]
    }

    #[test]
    fn kratos_version_key_and_images_keep_their_quoting() {
        let text = "# kratos\nversion: v0.10.1\ndsn: memory\n---\nimage: \"oryd/kratos:v0.10.1\"\nother: 'docker.io/oryd/kratos:v0.10.1@sha256:abc'\nui: oryd/kratos-selfservice-ui-node:v0.10.1\nversion: '3.8'\n";
        let bumps = find(text, &to(Product::Kratos, "v0.11.1"));
        assert_eq!(bumps.len(), 3);
        assert_eq!(
            apply(text, &bumps),
            "# kratos\nversion: v0.11.1\ndsn: memory\n---\nimage: \"oryd/kratos:v0.11.1\"\nother: 'docker.io/oryd/kratos:v0.11.1@sha256:abc'\nui: oryd/kratos-selfservice-ui-node:v0.10.1\nversion: '3.8'\n"
        );
        // Quoted `version:` values and CRLF files.
        let text = "version: \"v0.10.1\"\r\ndsn: memory\r\n";
        let bumps = find(text, &to(Product::Kratos, "1.3.0"));
        assert_eq!(
            apply(text, &bumps),
            "version: \"v1.3.0\"\r\ndsn: memory\r\n"
        );
    }

    #[test]
    fn keycloak_tags_never_downgrade_or_touch_other_products() {
        let text = "image: quay.io/keycloak/keycloak:24.0\nold: jboss/keycloak:16.1.1\nnew: keycloak/keycloak:26.5.0\nx: quay.io/keycloak/keycloak:${KC_VERSION}\n";
        let bumps = find(text, &to(Product::Keycloak, "26.4.0"));
        assert_eq!(bumps.len(), 1);
        assert_eq!(bumps[0].from.to_string(), "24.0");
        assert!(apply(text, &bumps).starts_with("image: quay.io/keycloak/keycloak:26.4.0\n"));
        // No target for a product: nothing to bump.
        assert!(find(text, &to(Product::Kratos, "v1.0.0")).is_empty());
    }

    #[test]
    fn dockerfile_build_argument_defaults_are_the_tag() {
        let text = "ARG OTHER=1.0\r\narg KC_VERSION=\"26.0.5\"\r\nFROM quay.io/keycloak/keycloak:${KC_VERSION} AS builder\r\nFROM quay.io/keycloak/keycloak:$KC_VERSION\r\nFROM quay.io/keycloak/keycloak:${MISSING}\r\n";
        let bumps = find(text, &to(Product::Keycloak, "26.4.0"));
        // Both `FROM` lines name the same default: it is bumped once.
        assert_eq!(bumps.len(), 1);
        assert_eq!(
            apply(text, &bumps),
            "ARG OTHER=1.0\r\narg KC_VERSION=\"26.4.0\"\r\nFROM quay.io/keycloak/keycloak:${KC_VERSION} AS builder\r\nFROM quay.io/keycloak/keycloak:$KC_VERSION\r\nFROM quay.io/keycloak/keycloak:${MISSING}\r\n"
        );
    }
}
