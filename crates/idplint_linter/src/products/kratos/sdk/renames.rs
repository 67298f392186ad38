//! The SDK rename rules, driven by `rules/kratos/sdk-renames.tsv`.

use super::lexer::{Token, TokenKind};
use crate::rule::{FnRule, NativeRuleFactory, RuleContext};
use crate::source::CodeLanguage;
use crate::unit::{UnitContent, UnitKind};
use crate::version::ProductVersion;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix};
use std::sync::OnceLock;

pub const RENAMED: &str = "kratos/sdk-renamed-symbol";
pub const AMBIGUOUS: &str = "kratos/sdk-ambiguous-symbol";
pub const GO_MODULE_PATH: &str = "kratos/sdk-go-module-path";

pub fn native_rules() -> Vec<(&'static str, NativeRuleFactory)> {
    vec![
        (RENAMED, |meta| {
            FnRule::boxed(meta, UnitKind::KratosSdkCode, check_renamed)
        }),
        (AMBIGUOUS, |meta| {
            FnRule::boxed(meta, UnitKind::KratosSdkCode, check_ambiguous)
        }),
        (GO_MODULE_PATH, |meta| {
            FnRule::boxed(meta, UnitKind::KratosSdkCode, check_go_module_path)
        }),
    ]
}

/// One row of `sdk-renames.tsv`.
#[derive(Debug)]
pub struct RenameRow {
    /// Empty: every language.
    languages: Vec<CodeLanguage>,
    old_class: String,
    old_member: Option<String>,
    new_class: Option<String>,
    new_member: Option<String>,
    since: ProductVersion,
    ambiguous: bool,
    help: Option<String>,
}

impl RenameRow {
    fn applies_to(&self, language: CodeLanguage) -> bool {
        self.languages.is_empty() || self.languages.contains(&language)
    }
}

pub fn rows() -> &'static [RenameRow] {
    static ROWS: OnceLock<Vec<RenameRow>> = OnceLock::new();
    ROWS.get_or_init(|| {
        let text = crate::registry::RULE_FILES
            .iter()
            .find(|(path, _)| *path == "kratos/sdk-renames.tsv")
            .map_or("", |(_, text)| text);
        parse_rows(text).unwrap_or_default()
    })
}

/// Parse the TSV; an error names the line (tests make sure the shipped file has none).
pub fn parse_rows(text: &str) -> Result<Vec<RenameRow>, String> {
    let optional = |field: &str| (field != "-" && !field.is_empty()).then(|| field.to_string());
    let mut rows = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() || line.starts_with("languages\t") {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [
            languages,
            old_class,
            old_member,
            new_class,
            new_member,
            since,
            kind,
            help,
        ] = fields[..]
        else {
            return Err(format!(
                "line {}: expected 8 tab-separated fields",
                number + 1
            ));
        };
        let languages = if languages == "*" {
            Vec::new()
        } else {
            languages
                .split(',')
                .map(|name| match name.trim() {
                    "go" => Ok(CodeLanguage::Go),
                    "ts" => Ok(CodeLanguage::TypeScript),
                    "py" => Ok(CodeLanguage::Python),
                    "java" => Ok(CodeLanguage::Java),
                    other => Err(format!("line {}: unknown language `{other}`", number + 1)),
                })
                .collect::<Result<_, _>>()?
        };
        let since = ProductVersion::parse(since)
            .ok_or_else(|| format!("line {}: `{since}` is not a version", number + 1))?;
        let ambiguous = match kind {
            "rename" => false,
            "ambiguous" => true,
            other => return Err(format!("line {}: unknown kind `{other}`", number + 1)),
        };
        let row = RenameRow {
            languages,
            old_class: old_class.to_string(),
            old_member: optional(old_member),
            new_class: optional(new_class),
            new_member: optional(new_member),
            since,
            ambiguous,
            help: optional(help),
        };
        if row.ambiguous && row.help.is_none() {
            return Err(format!(
                "line {}: an ambiguous row needs help text",
                number + 1
            ));
        }
        rows.push(row);
    }
    Ok(rows)
}

/// A method name as the generator spells it: PascalCase in Go, snake_case in Python.
fn member_spelling(camel: &str, language: CodeLanguage) -> String {
    match language {
        CodeLanguage::Go => {
            let mut chars = camel.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        }
        CodeLanguage::Python => {
            let mut snake = String::new();
            for (i, c) in camel.chars().enumerate() {
                if c.is_ascii_uppercase() {
                    if i > 0 {
                        snake.push('_');
                    }
                    snake.push(c.to_ascii_lowercase());
                } else {
                    snake.push(c);
                }
            }
            snake
        }
        CodeLanguage::TypeScript | CodeLanguage::Java => camel.to_string(),
    }
}

/// What one token position in the code means against the rename table.
enum Finding<'r> {
    /// `Class.Member` (Go client field access): both names may change.
    QualifiedMember {
        row: &'r RenameRow,
        class: Token,
        member: Token,
    },
    /// `.member(` on any receiver.
    Member { row: &'r RenameRow, member: Token },
    /// The class name on its own.
    Class { row: &'r RenameRow, class: Token },
}

/// Every position in the unit's code that names an old SDK symbol, in order.
fn findings<'r>(text: &str, language: CodeLanguage, tokens: &[Token]) -> Vec<Finding<'r>> {
    let rows: Vec<&'r RenameRow> = rows().iter().filter(|r| r.applies_to(language)).collect();
    let mut out = Vec::new();
    let mut skip_member_at = None;
    for (i, token) in tokens.iter().enumerate() {
        if token.kind != TokenKind::Ident || skip_member_at == Some(i) {
            continue;
        }
        let word = token.text(text);
        let next_is_dot = tokens.get(i + 1).is_some_and(|t| t.text(text) == ".");
        let member_after = tokens
            .get(i + 2)
            .filter(|t| next_is_dot && t.kind == TokenKind::Ident);
        let qualified = member_after.and_then(|member| {
            let name = member.text(text);
            rows.iter().find(|r| {
                r.old_class == word
                    && r.old_member
                        .as_deref()
                        .is_some_and(|m| member_spelling(m, language) == name)
            })
        });
        if let (Some(row), Some(member)) = (qualified, member_after) {
            out.push(Finding::QualifiedMember {
                row,
                class: *token,
                member: *member,
            });
            skip_member_at = Some(i + 2);
            continue;
        }
        let after_dot = i > 0 && tokens.get(i - 1).is_some_and(|t| t.text(text) == ".");
        let called = tokens.get(i + 1).is_some_and(|t| t.text(text) == "(");
        let member_row = (after_dot && called)
            .then(|| {
                rows.iter().find(|r| {
                    r.old_member
                        .as_deref()
                        .is_some_and(|m| member_spelling(m, language) == word)
                        && (r.ambiguous || r.new_member.is_some())
                })
            })
            .flatten();
        if let Some(row) = member_row {
            out.push(Finding::Member {
                row,
                member: *token,
            });
            continue;
        }
        if let Some(row) = rows
            .iter()
            .find(|r| r.old_member.is_none() && r.old_class == word)
        {
            out.push(Finding::Class { row, class: *token });
        }
    }
    out
}

/// For a class renamed into a name that is itself gone by the target version without a single
/// replacement (`V0alpha1Api` → `V0alpha2Api`, split in v0.11): that ambiguous row. Such a class
/// is reported as ambiguous instead of renamed, since the rename alone would not compile.
fn ambiguous_successor(
    row: &RenameRow,
    language: CodeLanguage,
    versions: &crate::version::Versions,
) -> Option<&'static RenameRow> {
    let new_class = row.new_class.as_deref()?;
    rows().iter().find(|next| {
        next.ambiguous
            && next.old_member.is_none()
            && next.old_class == new_class
            && next.applies_to(language)
            && versions.target_at_least(&next.since)
    })
}

fn code_unit<'a>(ctx: &'a RuleContext<'_>) -> Option<(CodeLanguage, &'a [Token])> {
    match &ctx.unit.content {
        UnitContent::Code(code) => Some((code.language, &code.tokens)),
        _ => None,
    }
}

/// The SDK version the finding is about, for messages.
fn sdk_label(ctx: &RuleContext<'_>) -> String {
    ctx.versions
        .checked()
        .map_or_else(|| "this SDK".to_string(), |v| format!("SDK {v}"))
}

fn check_renamed(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((language, tokens)) = code_unit(ctx) else {
        return;
    };
    let text = ctx.file.text;
    for finding in findings(text, language, tokens) {
        // TypeScript v1 clients take one request object instead of positional arguments, so a
        // renamed TypeScript method call may need its arguments rewritten too: that fix is
        // only offered as unsafe. Renamed types and Go/Python/Java calls keep their shape.
        let changes_call = language == CodeLanguage::TypeScript
            && matches!(
                finding,
                Finding::Member { .. } | Finding::QualifiedMember { .. }
            );
        let applicability = if changes_call {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        let (row, edits, old) = match finding {
            Finding::QualifiedMember { row, class, member } if !row.ambiguous => {
                let mut edits = Vec::new();
                if let Some(new_class) = &row.new_class {
                    edits.push(Edit::replace(class.range, new_class.clone()));
                }
                if let Some(new_member) = &row.new_member {
                    let spelled = member_spelling(new_member, language);
                    edits.push(Edit::replace(member.range, spelled));
                }
                let old = format!("{}.{}", class.text(text), member.text(text));
                (row, edits, (old, class.range.cover(member.range)))
            }
            Finding::Member { row, member } if !row.ambiguous => {
                let edits = row.new_member.iter().map(|new_member| {
                    Edit::replace(member.range, member_spelling(new_member, language))
                });
                (
                    row,
                    edits.collect(),
                    (member.text(text).to_string(), member.range),
                )
            }
            Finding::Class { row, class }
                if !row.ambiguous && ambiguous_successor(row, language, ctx.versions).is_none() =>
            {
                let edits = row
                    .new_class
                    .iter()
                    .map(|new_class| Edit::replace(class.range, new_class.clone()));
                (
                    row,
                    edits.collect(),
                    (class.text(text).to_string(), class.range),
                )
            }
            _ => continue,
        };
        if edits.is_empty() || !ctx.versions.target_at_least(&row.since) {
            continue;
        }
        let (old, range) = old;
        let new = new_spelling(row, language, &old);
        let message = format!(
            "`{old}` does not exist in the Kratos {}; it is `{new}` since {}",
            sdk_label(ctx),
            row.since
        );
        let fix = Fix::new(format!("Rename to `{new}`"), applicability, edits);
        let mut diagnostic = ctx.diagnostic(range, message).with_fix(fix);
        if changes_call {
            diagnostic = diagnostic.with_help(
                "From v0.11 the TypeScript client takes one request object (`getIdentitySchema({ id })`); check the call's arguments after renaming",
            );
        }
        out.push(diagnostic);
    }
}

/// The new spelling of `old` (`Class.member` or a single name) under `row`, for messages.
fn new_spelling(row: &RenameRow, language: CodeLanguage, old: &str) -> String {
    let (old_class, old_member) = match old.split_once('.') {
        Some((class, member)) => (Some(class), Some(member)),
        None if row.old_member.is_some() => (None, Some(old)),
        None => (Some(old), None),
    };
    let class = old_class.map(|c| row.new_class.as_deref().unwrap_or(c).to_string());
    let member = old_member.map(|m| {
        row.new_member
            .as_deref()
            .map_or_else(|| m.to_string(), |n| member_spelling(n, language))
    });
    match (class, member) {
        (Some(class), Some(member)) => format!("{class}.{member}"),
        (Some(name), None) | (None, Some(name)) => name,
        (None, None) => String::new(),
    }
}

fn check_ambiguous(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((language, tokens)) = code_unit(ctx) else {
        return;
    };
    let text = ctx.file.text;
    for finding in findings(text, language, tokens) {
        // A bare method name that still exists with another meaning is only worth a warning
        // when the code is being moved across the change; a call through a class that is
        // gone (`V0alpha2Api.ListSessions`) cannot compile, so it always is.
        let (row, token, relevant) = match finding {
            Finding::QualifiedMember { row, member, .. } if row.ambiguous => {
                (row, member, ctx.versions.target_at_least(&row.since))
            }
            Finding::Member { row, member } if row.ambiguous => {
                (row, member, ctx.versions.crosses(&row.since))
            }
            Finding::Class { row, class } if row.ambiguous => {
                (row, class, ctx.versions.target_at_least(&row.since))
            }
            Finding::Class { row, class } => {
                match ambiguous_successor(row, language, ctx.versions) {
                    Some(successor) => (successor, class, true),
                    None => continue,
                }
            }
            _ => continue,
        };
        if !relevant {
            continue;
        }
        let message = match &row.old_member {
            Some(_) => format!(
                "`{}` changed meaning in Kratos SDK {}; decide which call this is",
                token.text(text),
                row.since
            ),
            None => format!(
                "`{}` does not exist in the Kratos {}; its methods moved to several classes",
                token.text(text),
                sdk_label(ctx)
            ),
        };
        let mut diagnostic = ctx.diagnostic(token.range, message);
        if let Some(help) = &row.help {
            diagnostic = diagnostic.with_help(help.clone());
        }
        out.push(diagnostic);
    }
}

/// The Go SDK carries a major-version suffix from v25 on (`github.com/ory/kratos-client-go/v25`).
fn check_go_module_path(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((CodeLanguage::Go, tokens)) = code_unit(ctx) else {
        return;
    };
    let Some(target) = ctx.versions.checked() else {
        return;
    };
    let text = ctx.file.text;
    let expected_suffix = (target.major() >= 2).then(|| format!("/v{}", target.major()));
    for token in tokens.iter().filter(|t| t.kind == TokenKind::Str) {
        let path = token.string_contents(text);
        let Some(rest) = path.strip_prefix(super::GO_MODULE) else {
            continue;
        };
        if !(rest.is_empty() || rest.starts_with('/')) {
            continue;
        }
        // Split `/v25/sub` into the version suffix and the sub-package.
        let (suffix, sub_package) = match rest.strip_prefix("/v") {
            Some(after) if after.starts_with(|c: char| c.is_ascii_digit()) => {
                let end = after.find('/').unwrap_or(after.len());
                (
                    rest.get(..end + 2).unwrap_or(rest),
                    after.get(end..).unwrap_or(""),
                )
            }
            _ => ("", rest),
        };
        let wanted = expected_suffix.as_deref().unwrap_or("");
        if suffix == wanted {
            continue;
        }
        // String tokens start with their (ASCII) quote.
        let quote = token.text(text).get(..1).unwrap_or("\"");
        let new_path = format!("{}{wanted}{sub_package}", super::GO_MODULE);
        let message = format!(
            "The Kratos Go {} is imported as `{}{wanted}`, not `{path}`",
            sdk_label(ctx),
            super::GO_MODULE
        );
        let fix = Fix::new(
            format!("Import `{new_path}`"),
            Applicability::Safe,
            vec![Edit::replace(
                token.range,
                format!("{quote}{new_path}{quote}"),
            )],
        );
        out.push(
            ctx.diagnostic(token.range, message)
                .with_fix(fix)
                .with_help("Change the `require` line in go.mod to the same module path"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_table_parses() {
        let text = crate::registry::RULE_FILES
            .iter()
            .find(|(path, _)| *path == "kratos/sdk-renames.tsv")
            .map(|(_, text)| *text);
        let rows = parse_rows(text.unwrap_or_default());
        assert!(matches!(&rows, Ok(rows) if rows.len() > 40), "{rows:?}");
    }

    #[test]
    fn spellings_follow_each_generator() {
        assert_eq!(
            member_spelling("getJsonSchema", CodeLanguage::Go),
            "GetJsonSchema"
        );
        assert_eq!(
            member_spelling("getJsonSchema", CodeLanguage::Python),
            "get_json_schema"
        );
        assert_eq!(
            member_spelling("getJsonSchema", CodeLanguage::Java),
            "getJsonSchema"
        );
    }

    #[test]
    fn bad_rows_are_reported() {
        assert!(parse_rows("*\tA\t-\tB\t-\tv1\trename\n").is_err());
        assert!(parse_rows("xx\tA\t-\tB\t-\tv1\trename\t-\n").is_err());
        assert!(parse_rows("*\tA\t-\tB\t-\tv1\tambiguous\t-\n").is_err());
        assert!(parse_rows("*\tA\t-\tB\t-\tv1\trename\t-\n").is_ok());
    }
}
