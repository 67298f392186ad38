//! Judging secret values without ever showing them: length limits from the config schema and
//! the placeholder values that quickstarts, charts and tutorials ship with.
//!
//! Sources: `secrets.*` in `embedx/config.schema.json` (v0.10.1 through v26.2.0: `default`,
//! `cookie` and `pagination` items `minLength: 16`; `cipher` items `minLength: 32,
//! maxLength: 32`); research notes kratos.md §6.1.

/// Which list a secret is in, and what the schema asks of its items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretList {
    Default,
    Cookie,
    Cipher,
    Pagination,
}

impl SecretList {
    pub const ALL: [SecretList; 4] = [
        SecretList::Default,
        SecretList::Cookie,
        SecretList::Cipher,
        SecretList::Pagination,
    ];

    /// The key under `secrets`.
    pub fn key(self) -> &'static str {
        match self {
            SecretList::Default => "default",
            SecretList::Cookie => "cookie",
            SecretList::Cipher => "cipher",
            SecretList::Pagination => "pagination",
        }
    }

    /// What the schema demands of one item, as a phrase, when `chars` characters are too few
    /// or too many; `None` when the length is fine.
    pub fn length_problem(self, chars: usize) -> Option<&'static str> {
        match self {
            SecretList::Cipher if chars != 32 => Some("must be exactly 32 characters long"),
            SecretList::Cipher => None,
            _ if chars < 16 => Some("must be at least 16 characters long"),
            _ => None,
        }
    }
}

/// Words that only appear in values someone meant to replace. Compared against the value
/// lower-cased with everything but letters and digits removed, so `PLEASE-CHANGE-ME`,
/// `change_me` and `ChangeMe` all match `changeme`.
const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "changethis",
    "replaceme",
    "replacewith",
    "pleasechange",
    "insecure",
    "notsecure",
    "notasecret",
    "placeholder",
    "example",
    "dummy",
    "sample",
    "secret",
    "password",
    "yourreally",
    "youreallyneed",
    "todo",
    "fixme",
    "foobar",
    "lorem",
    "consectetur",
];

/// Whether `value` is a placeholder rather than a generated secret: it contains a word such
/// as "change me", "insecure", "example" or "secret" (the Kratos quickstart ships
/// `PLEASE-CHANGE-ME-I-AM-VERY-INSECURE` and `32-LONG-SECRET-NOT-SECURE-AT-ALL`), or it is
/// too regular to be random (`aaaaaaaaaaaaaaaa`, `0123456789abcdef0123456789abcdef`).
pub fn is_placeholder(value: &str) -> bool {
    let normalised: String = value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if PLACEHOLDER_WORDS.iter().any(|w| normalised.contains(w)) {
        return true;
    }
    is_regular(value)
}

/// A value whose characters mostly repeat or count up or down by one, or that uses only a
/// handful of distinct characters: no generator produces these.
fn is_regular(value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 8 {
        return false;
    }
    let mut distinct = chars.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() <= 4 {
        return true;
    }
    let steps = chars
        .windows(2)
        .filter(|pair| {
            let (a, b) = (pair[0] as i64, pair[1] as i64);
            (a - b).abs() <= 1 || (a == '9' as i64 && b == 'a' as i64)
        })
        .count();
    // 0123456789abcdef counts up with one jump (9 -> a): allow a few jumps per period.
    steps * 10 >= (chars.len() - 1) * 8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for value in [
            "PLEASE-CHANGE-ME-I-AM-VERY-INSECURE",
            "32-LONG-SECRET-NOT-SECURE-AT-ALL",
            "REPLACE_ME_WITH_A_TOKEN",
            "changeme",
            "change-me-cookie-secret-00000000",
            "kratos_cookie_secret_32_chars_xx",
            "youReallyNeedToChangeThis",
            "0123456789abcdef0123456789abcdef",
            "fedcba9876543210fedcba9876543210",
            "12345678901234567890123456789012",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ] {
            assert!(is_placeholder(value), "{value}");
        }
        for value in [
            "n8Jq2vX0pR4kL7wZ1cY5tB9mH3fD6gS2",
            "Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTA=",
            "9f86d081884c7d659a2feaa0c55ad015",
        ] {
            assert!(!is_placeholder(value), "{value}");
        }
    }

    #[test]
    fn lengths() {
        assert!(SecretList::Cookie.length_problem(15).is_some());
        assert!(SecretList::Cookie.length_problem(16).is_none());
        assert!(SecretList::Cipher.length_problem(31).is_some());
        assert!(SecretList::Cipher.length_problem(33).is_some());
        assert!(SecretList::Cipher.length_problem(32).is_none());
    }
}
