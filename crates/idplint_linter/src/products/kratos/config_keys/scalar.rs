//! What type Kratos sees for a config value. Kratos reads YAML with `gopkg.in/yaml.v3` (through
//! koanf) into untyped Go values and then validates them against its JSON schema, so a plain
//! YAML scalar gets the type yaml.v3 resolves for it, not the one YAML 1.1 or a reader would
//! guess: `yes`/`on` are strings, `0755` is an octal integer, `1_000` is an integer, a
//! timestamp-looking `2024-01-01` stays a string. JSON values keep their JSON types.

use idplint_syntax::{Node, NodeKind, ScalarStyle};

/// The type of a decoded value, in JSON Schema terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decoded {
    Null,
    Bool,
    /// A whole number.
    Int,
    /// A number with a fraction (or `.inf`/`.nan`); `integral` when it has no fractional part
    /// (JSON Schema's `integer` accepts `2.0`).
    Float {
        integral: bool,
    },
    String,
    Mapping,
    Sequence,
    /// A custom tag or an unresolved alias: we cannot tell.
    Unknown,
}

impl Decoded {
    pub fn describe(self) -> &'static str {
        match self {
            Decoded::Null => "null",
            Decoded::Bool => "a boolean",
            Decoded::Int => "an integer",
            Decoded::Float { .. } => "a number",
            Decoded::String => "a string",
            Decoded::Mapping => "a mapping",
            Decoded::Sequence => "a list",
            Decoded::Unknown => "a value of unknown type",
        }
    }
}

/// Decode the type of `node` as yaml.v3 (`json == false`) or a JSON decoder would.
pub fn decode(node: &Node, json: bool) -> Decoded {
    match &node.kind {
        NodeKind::Mapping(_) => Decoded::Mapping,
        NodeKind::Sequence(_) => Decoded::Sequence,
        NodeKind::Alias { resolved, .. } => match resolved {
            Some(target) => decode(target, json),
            None => Decoded::Unknown,
        },
        NodeKind::Scalar(scalar) => {
            if let Some(tag) = node.tag.as_deref() {
                return match tag {
                    "!!str" | "tag:yaml.org,2002:str" => Decoded::String,
                    "!!int" | "tag:yaml.org,2002:int" => Decoded::Int,
                    "!!float" | "tag:yaml.org,2002:float" => plain_type(&scalar.value),
                    "!!bool" | "tag:yaml.org,2002:bool" => Decoded::Bool,
                    "!!null" | "tag:yaml.org,2002:null" => Decoded::Null,
                    _ => Decoded::Unknown,
                };
            }
            if scalar.style != ScalarStyle::Plain {
                return Decoded::String;
            }
            if json {
                return json_plain_type(&scalar.value);
            }
            plain_type(&scalar.value)
        }
    }
}

fn json_plain_type(text: &str) -> Decoded {
    match text {
        "null" => Decoded::Null,
        "true" | "false" => Decoded::Bool,
        _ if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') => Decoded::Int,
        _ => match text.parse::<f64>() {
            Ok(v) => Decoded::Float {
                integral: v.fract() == 0.0,
            },
            Err(_) => Decoded::String,
        },
    }
}

/// yaml.v3's resolution of a plain scalar when decoding into `interface{}`.
pub fn plain_type(text: &str) -> Decoded {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Decoded::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return Decoded::Bool,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return Decoded::Float { integral: false },
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Decoded::String;
    }
    // yaml.v3 drops underscores before trying Go's integer parsing with base prefixes.
    let plain: String = text.chars().filter(|c| *c != '_').collect();
    if go_parse_int(&plain) {
        return Decoded::Int;
    }
    if is_yaml_float(&plain) {
        let integral = plain.parse::<f64>().is_ok_and(|v| v.fract() == 0.0);
        return Decoded::Float { integral };
    }
    Decoded::String
}

/// `strconv.ParseInt(s, 0, 64)` (or `ParseUint`): optional sign, then `0x`/`0o`/`0b` or a
/// leading `0` for octal, or decimal digits.
fn go_parse_int(text: &str) -> bool {
    let unsigned = text
        .strip_prefix('-')
        .or_else(|| text.strip_prefix('+'))
        .unwrap_or(text);
    if unsigned.is_empty() {
        return false;
    }
    let lower = unsigned.to_ascii_lowercase();
    let (digits, radix) = if let Some(d) = lower.strip_prefix("0x") {
        (d, 16)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (d, 8)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (d, 2)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (&lower[1..], 8)
    } else {
        (lower.as_str(), 10)
    };
    !digits.is_empty() && u64::from_str_radix(digits, radix).is_ok()
}

/// yaml.v3's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < bytes.len() && bytes[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_v3_resolution() {
        assert_eq!(plain_type("4433"), Decoded::Int);
        assert_eq!(plain_type("0755"), Decoded::Int);
        assert_eq!(plain_type("0x1F"), Decoded::Int);
        assert_eq!(plain_type("1_000"), Decoded::Int);
        assert_eq!(plain_type("-3"), Decoded::Int);
        assert_eq!(plain_type("0.5"), Decoded::Float { integral: false });
        assert_eq!(plain_type("2.0"), Decoded::Float { integral: true });
        assert_eq!(plain_type("1e3"), Decoded::Float { integral: true });
        assert_eq!(plain_type(".inf"), Decoded::Float { integral: false });
        assert_eq!(plain_type("yes"), Decoded::String);
        assert_eq!(plain_type("on"), Decoded::String);
        assert_eq!(plain_type("True"), Decoded::Bool);
        assert_eq!(plain_type("~"), Decoded::Null);
        assert_eq!(plain_type("2024-01-01"), Decoded::String);
        assert_eq!(plain_type("1h"), Decoded::String);
        assert_eq!(plain_type("128MB"), Decoded::String);
        assert_eq!(plain_type("0.0.0.0"), Decoded::String);
        // Not octal, but yaml.v3's float pattern takes it.
        assert_eq!(plain_type("089"), Decoded::Float { integral: true });
        assert_eq!(plain_type("v1.0"), Decoded::String);
    }

    #[test]
    fn json_resolution() {
        assert_eq!(json_plain_type("12"), Decoded::Int);
        assert_eq!(json_plain_type("1.5"), Decoded::Float { integral: false });
        assert_eq!(json_plain_type("true"), Decoded::Bool);
        assert_eq!(json_plain_type("null"), Decoded::Null);
    }
}
