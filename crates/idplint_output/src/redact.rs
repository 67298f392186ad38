//! Masking secret values in text that is not a source snippet.

use idplint_diagnostics::{REDACTED, TextRange};

/// Values shorter than this are not searched for verbatim: masking every `on` or `1` in a
/// message would garble it while protecting nothing worth protecting.
const MIN_VERBATIM_LEN: usize = 4;

/// Masks the secret values of one file wherever they appear verbatim in a string.
///
/// Rules promise never to put a secret value into a message, help text, label or fix content;
/// this is the second lock on that door, applied by every renderer.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// Longest first, so a secret containing another is masked whole.
    values: Vec<String>,
}

impl Redactor {
    pub fn new(text: &str, secrets: &[TextRange]) -> Self {
        let mut values: Vec<String> = secrets
            .iter()
            .filter_map(|range| range.slice(text))
            .map(str::trim)
            .filter(|value| value.chars().count() >= MIN_VERBATIM_LEN)
            .map(str::to_string)
            .collect();
        values.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        values.dedup();
        Self { values }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for value in &self.values {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), REDACTED);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_verbatim_values_only_when_long_enough() {
        let text = "password: hunter22\nflag: on\n";
        let secret = TextRange::new(10, 18);
        let short = TextRange::new(25, 27);
        let redactor = Redactor::new(text, &[secret, short]);
        assert_eq!(
            redactor.redact("set hunter22 somewhere, turn it on"),
            "set **** somewhere, turn it on"
        );
        assert!(Redactor::new(text, &[]).is_empty());
    }
}
