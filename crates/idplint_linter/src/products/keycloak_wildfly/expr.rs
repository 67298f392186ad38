//! WildFly expressions (`${name}`, `${name:default}`, `${env.VAR:default}`, nested defaults).
//!
//! Rules look at the value a file produces when no system property or environment variable
//! overrides it: that is what a node started with the distribution's scripts and no extra
//! `-D` switches runs with. Expressions without a default stay as written, so a prefix check
//! such as `jdbc:h2:` still works on `jdbc:h2:${jboss.server.data.dir}/keycloak`.

/// Nesting beyond this is left unresolved: real files nest two levels
/// (`${wildfly.datasources.statistics-enabled:${wildfly.statistics-enabled:false}}`), and a
/// hostile file must not be able to recurse without bound.
const MAX_DEPTH: usize = 16;

/// `value` with every `${name:default}` replaced by its default, recursively.
pub fn with_defaults(value: &str) -> String {
    resolve(value, 0)
}

/// Whether the value contains a `${...}` expression (so the running value may differ from
/// what the file says).
pub fn has_expression(value: &str) -> bool {
    value.contains("${")
}

fn resolve(value: &str, depth: usize) -> String {
    if depth > MAX_DEPTH || !value.contains("${") {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(open) = rest.find("${") {
        out.push_str(&rest[..open]);
        let inner_start = open + 2;
        let Some(inner_len) = matching_close(&rest[inner_start..]) else {
            // Unterminated: keep the remainder verbatim.
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &rest[inner_start..inner_start + inner_len];
        match default_separator(inner) {
            Some(colon) => out.push_str(&resolve(&inner[colon + 1..], depth + 1)),
            None => {
                out.push_str("${");
                out.push_str(inner);
                out.push('}');
            }
        }
        rest = &rest[inner_start + inner_len + 1..];
    }
    out.push_str(rest);
    out
}

/// Length of the text before the `}` that closes an expression whose `${` was just consumed.
fn matching_close(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The `:` separating the property name from its default, outside nested expressions.
fn default_separator(inner: &str) -> Option<usize> {
    let bytes = inner.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            b'}' => depth = depth.saturating_sub(1),
            b':' if depth == 0 => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_substituted() {
        assert_eq!(with_defaults("plain"), "plain");
        assert_eq!(with_defaults("${env.DB_ADDR:postgres}/x"), "postgres/x");
        assert_eq!(
            with_defaults("jdbc:h2:${jboss.server.data.dir}/keycloak"),
            "jdbc:h2:${jboss.server.data.dir}/keycloak"
        );
        assert_eq!(with_defaults("${wildfly.a:${wildfly.b:false}}"), "false");
        assert_eq!(with_defaults("${env.URL:jdbc:h2:mem:x}"), "jdbc:h2:mem:x");
        assert_eq!(with_defaults("${env.JDBC_PARAMS:}"), "");
        assert_eq!(with_defaults("a${unterminated"), "a${unterminated");
        assert!(has_expression("${x}"));
    }

    #[test]
    fn deep_nesting_does_not_recurse_without_bound() {
        let deep = format!("{}1{}", "${a:".repeat(10_000), "}".repeat(10_000));
        let resolved = with_defaults(&deep);
        assert!(resolved.starts_with("${a:"));
    }
}
