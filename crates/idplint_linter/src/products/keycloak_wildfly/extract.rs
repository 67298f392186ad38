//! The one unit of a WildFly server configuration file, and where its secrets are.

use super::expr::with_defaults;
use super::model::{self, is_server_config};
use crate::source::ParsedFile;
use crate::unit::{Unit, UnitContent, UnitKind};
use idplint_diagnostics::TextRange;
use idplint_syntax::xml::XmlElement;

pub fn extract(file: &ParsedFile<'_>, out: &mut Vec<Unit>) {
    let Some(doc) = file.xml() else {
        return;
    };
    if !is_server_config(&doc.root) {
        return;
    }
    let mut secrets = Vec::new();
    for element in doc.root.descendants() {
        collect_secrets(element, &mut secrets);
    }
    secrets.sort();
    secrets.dedup();
    out.push(Unit {
        kind: UnitKind::KeycloakWildflyXml,
        label: label(file.path),
        content: UnitContent::Xml,
        // Namespace versions only tell which WildFly last wrote the file (the 11.0.0
        // distribution shipped a file with WildFly 18 namespaces), not the Keycloak version,
        // so no version is inferred from them.
        detected_version: None,
        secrets,
    });
}

/// The file name as written ("standalone-ha.xml"), for messages.
fn label(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    if name.is_empty() {
        "WildFly server configuration".to_string()
    } else {
        name.to_string()
    }
}

/// Attributes whose value is a password or key wherever they appear: Elytron's
/// `credential-reference clear-text`, the legacy security realm's keystore passwords, and a
/// management `<secret value>`.
const SECRET_ATTRIBUTES: &[(&str, &str)] = &[
    ("credential-reference", "clear-text"),
    ("keystore", "keystore-password"),
    ("keystore", "key-password"),
    ("secret", "value"),
];

fn collect_secrets(element: &XmlElement, out: &mut Vec<TextRange>) {
    for (element_name, attribute) in SECRET_ATTRIBUTES {
        if element.name == *element_name
            && let Some(attr) = element.attr(attribute)
        {
            push_secret(&attr.value, attr.value_range, out);
        }
    }
    match element.name.as_str() {
        // Datasource `<security><password>`, XA recovery credentials, and any other
        // `<password>` element: its text is the password.
        "password" => {
            if let Some((text, range)) = &element.text {
                push_secret(text, *range, out);
            }
        }
        // `<property name="...password..." value="..."/>` (keycloak-server SPIs such as the
        // truststore or the outgoing HTTP client keystore) and `<property name="...">text`
        // (Hot Rod client settings of a cross-site remote store).
        "property" => {
            let is_secret = element.attr_value("name").is_some_and(|name| {
                let name = name.to_ascii_lowercase();
                name.contains("password") || name.ends_with("secret")
            });
            // Proxy credentials ride inside a `proxy-mappings` URI; the whole list is hidden
            // because its decoded offsets do not map onto the escaped text.
            let proxy_credentials = element.attr_value("name") == Some("proxy-mappings")
                && element
                    .attr_value("value")
                    .is_some_and(|value| model::proxy_mappings_with_credentials(value) > 0);
            if is_secret || proxy_credentials {
                match element.attr("value") {
                    Some(value) => push_secret(&value.value, value.value_range, out),
                    None => {
                        if let Some((text, range)) = &element.text {
                            push_secret(text, *range, out);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// Record a secret value's range unless there is nothing to hide: an empty value, or a bare
/// reference such as `${env.DB_PASSWORD}` whose value lives elsewhere. A reference with a
/// literal fallback (`${env.DB_PASSWORD:password}`) still carries a password.
fn push_secret(value: &str, range: TextRange, out: &mut Vec<TextRange>) {
    let value = value.trim();
    if value.is_empty() || range.is_empty() {
        return;
    }
    let bare_reference = value.starts_with("${") && with_defaults(value) == value;
    if !bare_reference {
        out.push(range);
    }
}
