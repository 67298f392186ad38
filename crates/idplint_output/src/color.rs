//! Whether to colour the text output, and the few ANSI styles it uses.
//!
//! Plain SGR codes are enough for a one-way terminal report, and they keep the dependency
//! list short.

/// `--color auto|always|never`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "auto" => Some(Self::Auto),
            "always" => Some(Self::Always),
            "never" => Some(Self::Never),
            _ => None,
        }
    }

    /// Decide for a stream. An explicit `always`/`never` wins over the environment; in `auto`
    /// mode `NO_COLOR` (any non-empty value) turns colour off, `CLICOLOR_FORCE` (non-empty,
    /// not `0`) or `FORCE_COLOR` (non-empty, not `0`/`false`) turn it on for pipes too
    /// (CI logs render ANSI), otherwise colour only goes to a terminal that is not `dumb`.
    pub fn should_color(self, is_terminal: bool, env: impl Fn(&str) -> Option<String>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let set = |name: &str| env(name).filter(|v| !v.is_empty());
                if set("NO_COLOR").is_some() {
                    return false;
                }
                if set("CLICOLOR_FORCE").is_some_and(|v| v != "0")
                    || set("FORCE_COLOR").is_some_and(|v| v != "0" && v != "false")
                {
                    return true;
                }
                is_terminal && env("TERM").is_none_or(|term| term != "dumb")
            }
        }
    }
}

/// The styles of the text output; all empty when colour is off.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Palette {
    pub bold: &'static str,
    pub error: &'static str,
    pub warning: &'static str,
    pub info: &'static str,
    pub gutter: &'static str,
    pub help: &'static str,
    pub safe: &'static str,
    pub reset: &'static str,
}

impl Palette {
    pub fn new(color: bool) -> Self {
        if color {
            Self {
                bold: "\x1b[1m",
                error: "\x1b[1;31m",
                warning: "\x1b[1;33m",
                info: "\x1b[1;36m",
                gutter: "\x1b[1;34m",
                help: "\x1b[1;36m",
                safe: "\x1b[1;32m",
                reset: "\x1b[0m",
            }
        } else {
            Self {
                bold: "",
                error: "",
                warning: "",
                info: "",
                gutter: "",
                help: "",
                safe: "",
                reset: "",
            }
        }
    }

    pub fn severity(&self, severity: idplint_diagnostics::Severity) -> &'static str {
        match severity {
            idplint_diagnostics::Severity::Error => self.error,
            idplint_diagnostics::Severity::Warning => self.warning,
            idplint_diagnostics::Severity::Info => self.info,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn environment_rules() {
        let auto = ColorChoice::Auto;
        assert!(auto.should_color(true, env(&[])));
        assert!(!auto.should_color(false, env(&[])));
        assert!(!auto.should_color(true, env(&[("NO_COLOR", "1")])));
        assert!(auto.should_color(true, env(&[("NO_COLOR", "")])));
        assert!(auto.should_color(false, env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!auto.should_color(false, env(&[("CLICOLOR_FORCE", "0")])));
        assert!(auto.should_color(false, env(&[("FORCE_COLOR", "3")])));
        assert!(!auto.should_color(true, env(&[("TERM", "dumb")])));
        assert!(!auto.should_color(false, env(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")])));
        assert!(ColorChoice::Always.should_color(false, env(&[("NO_COLOR", "1")])));
        assert!(!ColorChoice::Never.should_color(true, env(&[("FORCE_COLOR", "1")])));
    }
}
