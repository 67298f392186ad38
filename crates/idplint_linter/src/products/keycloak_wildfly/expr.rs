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
    let substituted: Result<String, std::convert::Infallible> =
        rewrite(value, depth, &|name, default, depth| {
            Ok(match default {
                Some(default) => resolve(default, depth + 1),
                None => format!("${{{name}}}"),
            })
        });
    match substituted {
        Ok(text) => text,
        Err(never) => match never {},
    }
}

/// One replacement of a `${name[:default]}` expression: `(name, default, depth) -> text`.
type Replace<'f, E> = dyn Fn(&str, Option<&str>, usize) -> Result<String, E> + 'f;

/// `value` with each top-level expression replaced by `replace`; an unterminated expression
/// and everything after it stay as written, and nesting beyond `MAX_DEPTH` is not expanded.
fn rewrite<E>(value: &str, depth: usize, replace: &Replace<'_, E>) -> Result<String, E> {
    if depth > MAX_DEPTH || !value.contains("${") {
        return Ok(value.to_string());
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(open) = rest.find("${") {
        out.push_str(&rest[..open]);
        let inner_start = open + 2;
        let Some(inner_len) = matching_close(&rest[inner_start..]) else {
            out.push_str(&rest[open..]);
            return Ok(out);
        };
        let inner = &rest[inner_start..inner_start + inner_len];
        let (name, default) = match default_separator(inner) {
            Some(colon) => (&inner[..colon], Some(&inner[colon + 1..])),
            None => (inner, None),
        };
        out.push_str(&replace(name, default, depth)?);
        rest = &rest[inner_start + inner_len + 1..];
    }
    out.push_str(rest);
    Ok(out)
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

/// How a WildFly value reads in Quarkus configuration, where `${VAR}` and `${VAR:default}` name
/// environment variables only: `${env.VAR:d}` keeps its variable (mapping rule R3), a system
/// property falls back on its default (R1). `Err` names the first system property that has
/// no default: its value is only known where the server runs.
pub fn to_quarkus_value(value: &str) -> Result<String, String> {
    to_quarkus(value, 0)
}

fn to_quarkus(value: &str, depth: usize) -> Result<String, String> {
    rewrite(value, depth, &|name, default, depth| {
        Ok(match (name.strip_prefix("env."), default) {
            (Some(var), Some(default)) => format!("${{{var}:{}}}", to_quarkus(default, depth + 1)?),
            (Some(var), None) => format!("${{{var}}}"),
            (None, Some(default)) => to_quarkus(default, depth + 1)?,
            (None, None) => return Err(name.to_string()),
        })
    })
}

/// The environment variables a value reads (`${env.VAR...}`), outermost first.
pub fn env_variables(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(at) = rest.find("${env.") {
        let name: String = rest[at + 6..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
        rest = &rest[at + 6..];
    }
    out
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
    fn quarkus_values_keep_environment_variables() {
        assert_eq!(
            to_quarkus_value(
                "jdbc:postgresql://${env.DB_ADDR:postgres}/${env.DB_DATABASE:keycloak}${env.JDBC_PARAMS:}"
            ),
            Ok(
                "jdbc:postgresql://${DB_ADDR:postgres}/${DB_DATABASE:keycloak}${JDBC_PARAMS:}"
                    .to_string()
            )
        );
        assert_eq!(
            to_quarkus_value("${jboss.http.port:8080}"),
            Ok("8080".to_string())
        );
        assert_eq!(
            to_quarkus_value("${env.A:${env.B:x}}"),
            Ok("${A:${B:x}}".to_string())
        );
        assert_eq!(
            to_quarkus_value("jdbc:h2:${jboss.server.data.dir}/keycloak"),
            Err("jboss.server.data.dir".to_string())
        );
        assert_eq!(env_variables("${env.A:${env.B:x}}"), vec!["A", "B"]);
    }

    #[test]
    fn deep_nesting_does_not_recurse_without_bound() {
        let deep = format!("{}1{}", "${a:".repeat(10_000), "}".repeat(10_000));
        let resolved = with_defaults(&deep);
        assert!(resolved.starts_with("${a:"));
    }
}
