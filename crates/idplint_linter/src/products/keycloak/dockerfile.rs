//! Keycloak images built by a Dockerfile: one `KeycloakEnvSet` unit per build stage that runs
//! Keycloak, the way Docker assembles it.
//!
//! - A stage's base is an image (`FROM quay.io/keycloak/keycloak:${KC_VERSION}`, with the
//!   defaults of `ARG`s declared before the first `FROM` substituted) or an earlier stage
//!   (`FROM builder`), whose `ENV`, `ENTRYPOINT`, `CMD` and build it inherits.
//! - `ENV KC_*` entries are `EnvSource::DockerfileEnv` (they rank with the environment).
//! - `RUN .../kc.sh build --db=postgres` records an `ImageBuild`: the options that run of
//!   `kc.sh build` saw (the stage's `ENV` at that point, then the build's own arguments), which
//!   `start --optimized` uses instead of the environment. `COPY --from=builder /opt/keycloak/
//!   /opt/keycloak/` carries the build of `builder` into the stage.
//! - `ENTRYPOINT` and `CMD` (exec or shell form, combined as Docker does) give the command
//!   words and the command-line options.
//!
//! A Dockerfile whose stages run no Keycloak yields no unit.

use super::argv::{Located, Token, entries_from_tokens, runs_shell, split_words};
use super::extract::{
    Shape, finish, is_wildfly_image, keycloak_image_version, names_keycloak_server,
    removal_with_final_line, resolve_defaults, runs_custom_keycloak,
};
use super::probes::{Probe, text_probes};
use super::values::{classify, option_of};
use crate::source::ParsedFile;
use crate::unit::{DetectedVersion, EnvEntry, EnvSet, EnvSource, Unit, ValueKind, ValueStyle};
use idplint_diagnostics::TextRange;
use idplint_syntax::dockerfile::{Arguments, Dockerfile, Instruction, Pair, Word};
use std::collections::HashMap;

/// What `kc.sh build` baked into an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImageBuild {
    /// Options the build saw, in the order they were given (later wins): the value when it is
    /// a literal, `None` when it comes from a variable.
    pub options: Vec<(String, Option<String>)>,
    /// The `RUN` instruction that ran the build.
    pub range: TextRange,
    /// Whether the options are all there is: `false` when configuration files were copied
    /// into `/opt/keycloak/conf` before the build (their values are not visible here).
    pub complete: bool,
}

impl ImageBuild {
    /// The literal value the image was built with, for settings the process itself leaves
    /// unset: `Some(Some(value))` given to the build, `Some(None)` not given (the build used
    /// the default), `None` unknown (from a variable, or configuration files copied in before
    /// the build).
    pub fn built_value(&self, option: &str) -> Option<Option<&str>> {
        match self.given(option) {
            Some(Some(value)) => Some(Some(value)),
            Some(None) => None,
            None if self.complete => Some(None),
            None => None,
        }
    }

    /// `Some(value)` when the build was given `option` (`Some(None)`: not a literal).
    pub fn given(&self, option: &str) -> Option<Option<&str>> {
        self.options
            .iter()
            .rev()
            .find(|(o, _)| o == option)
            .map(|(_, v)| v.as_deref())
    }
}

/// `ENTRYPOINT` or `CMD` as written.
#[derive(Clone, Debug)]
struct Command {
    /// Exec form (a JSON array) or shell form.
    exec: bool,
    words: Vec<Word>,
    /// The arguments' range (shell form: the whole command line).
    range: TextRange,
}

/// One build stage, with what it inherited.
#[derive(Clone, Debug)]
struct Stage {
    /// `AS` name, lower-cased (Docker compares stage names case-insensitively).
    name: Option<String>,
    label: String,
    /// The image at the root of the `FROM` chain, with `ARG` defaults substituted, and the
    /// range of its name in the `FROM` line.
    image: Option<(String, TextRange)>,
    /// As written, for messages.
    image_written: Option<String>,
    env: Vec<EnvEntry>,
    entrypoint: Option<Command>,
    cmd: Option<Command>,
    build: Option<ImageBuild>,
    /// Files copied into `/opt/keycloak/conf` (keycloak.conf, keystores).
    conf_copied: bool,
    /// `kc.sh` is run or named somewhere in the chain.
    runs_kc_sh: bool,
    /// The requests of its `HEALTHCHECK` (inherited like the rest of the image config).
    probes: Vec<Probe>,
}

/// What the rules need of one Keycloak stage.
pub(crate) struct StageUnit {
    pub unit: Unit,
    pub shape: Shape,
}

impl StageUnit {
    /// The image range the unit's env set carries (how `unit_shape` finds the unit again).
    pub fn unit_image(&self) -> Option<TextRange> {
        match &self.unit.content {
            crate::unit::UnitContent::Env(set) => set.image.as_ref().map(|(_, r)| *r),
            _ => None,
        }
    }
}

pub(super) fn extract(file: &ParsedFile<'_>, out: &mut Vec<Unit>) {
    out.extend(stages(file).into_iter().map(|s| s.unit));
}

/// The Keycloak stages of a Dockerfile, with their shapes. Cheap for other Dockerfiles: a file
/// that never mentions Keycloak, `kc.sh` or a `KC_` variable is not walked at all.
pub(crate) fn stages(file: &ParsedFile<'_>) -> Vec<StageUnit> {
    let Some(doc) = file.dockerfile() else {
        return Vec::new();
    };
    let text = file.text;
    if !text.contains("KC_")
        && !text.contains("kc.sh")
        && !text.to_ascii_lowercase().contains("keycloak")
    {
        return Vec::new();
    }
    let global_args = global_args(doc);
    let mut stages: Vec<Stage> = Vec::new();
    let mut current: Option<Stage> = None;
    for instruction in &doc.instructions {
        if instruction.keyword == "FROM" {
            if let Some(done) = current.take() {
                stages.push(done);
            }
            current = Some(new_stage(instruction, &stages, &global_args, text));
            continue;
        }
        let Some(stage) = current.as_mut() else {
            continue;
        };
        apply(stage, instruction, doc, &stages, text);
    }
    stages.extend(current);
    let count = stages.len();
    stages
        .into_iter()
        .filter_map(|stage| stage_unit(stage, doc, text, count))
        .collect()
}

/// `ARG NAME=default` lines before the first `FROM`: the only ones `FROM` lines can use.
fn global_args(doc: &Dockerfile) -> HashMap<String, Option<String>> {
    let mut args = HashMap::new();
    for instruction in &doc.instructions {
        if instruction.keyword == "FROM" {
            break;
        }
        if instruction.keyword == "ARG"
            && let Arguments::Pairs(pairs) = &instruction.arguments
        {
            for pair in pairs {
                args.insert(pair.name.clone(), pair.value.clone());
            }
        }
    }
    args
}

/// `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:+alt}` with the global
/// `ARG` defaults; references to unknown or default-less `ARG`s stay as written.
fn substitute_args(text: &str, args: &HashMap<String, Option<String>>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        let (name, operator, consumed) = if let Some(body) = after.strip_prefix('{') {
            let Some(close) = body.find('}') else {
                out.push_str(&rest[dollar..]);
                return out;
            };
            let inner = &body[..close];
            let name_len = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            (&inner[..name_len], &inner[name_len..], close + 2)
        } else {
            let name_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..name_len], "", name_len)
        };
        let value = args.get(name).cloned().flatten().filter(|v| !v.is_empty());
        let replacement = match (operator, value) {
            ("", Some(value)) => Some(value),
            (op, value) if op.starts_with(":-") || op.starts_with('-') => {
                let default = op.trim_start_matches(':').trim_start_matches('-');
                Some(value.unwrap_or_else(|| default.to_string()))
            }
            (op, value) if op.starts_with(":+") => {
                Some(value.map(|_| op[2..].to_string()).unwrap_or_default())
            }
            _ => None,
        };
        match replacement {
            Some(value) if !name.is_empty() => out.push_str(&value),
            _ => out.push_str(&rest[dollar..dollar + 1 + consumed]),
        }
        rest = &after[consumed..];
    }
    out.push_str(rest);
    out
}

fn new_stage(
    from: &Instruction,
    earlier: &[Stage],
    args: &HashMap<String, Option<String>>,
    text: &str,
) -> Stage {
    let words = from.words();
    let name = match words {
        [_, as_word, name, ..] if as_word.value.eq_ignore_ascii_case("as") => {
            Some(name.value.to_ascii_lowercase())
        }
        _ => None,
    };
    let index = earlier.len() + 1;
    let label = match &name {
        Some(name) => format!("Dockerfile stage `{name}`"),
        None => format!("Dockerfile stage {index}"),
    };
    let base = words.first();
    let parent = base.and_then(|word| {
        let wanted = word.value.to_ascii_lowercase();
        earlier
            .iter()
            .rev()
            .find(|s| s.name.as_deref() == Some(wanted.as_str()))
    });
    if let Some(parent) = parent {
        let mut stage = parent.clone();
        stage.name = name;
        stage.label = label;
        return stage;
    }
    let image = base.map(|word| {
        let resolved = resolve_defaults(&substitute_args(&word.value, args));
        (resolved, word.range)
    });
    Stage {
        name,
        label,
        image,
        image_written: base.and_then(|w| w.range.slice(text)).map(str::to_string),
        env: Vec::new(),
        entrypoint: None,
        cmd: None,
        build: None,
        conf_copied: false,
        runs_kc_sh: false,
        probes: Vec::new(),
    }
}

fn apply(
    stage: &mut Stage,
    instruction: &Instruction,
    doc: &Dockerfile,
    earlier: &[Stage],
    text: &str,
) {
    match instruction.keyword.as_str() {
        "ENV" => {
            if let Arguments::Pairs(pairs) = &instruction.arguments {
                for (index, pair) in pairs.iter().enumerate() {
                    stage
                        .env
                        .push(env_entry(instruction, pairs, index, pair, doc, text));
                }
            }
        }
        "ENTRYPOINT" | "CMD" => {
            let command = Command {
                exec: matches!(instruction.arguments, Arguments::Exec(_)),
                words: instruction.words().to_vec(),
                range: argument_range(instruction),
            };
            stage.runs_kc_sh |= command.words.iter().any(|w| w.value.ends_with("kc.sh"));
            if instruction.keyword == "ENTRYPOINT" {
                // Docker resets an inherited CMD when ENTRYPOINT is set.
                stage.entrypoint = Some(command);
                stage.cmd = None;
            } else {
                stage.cmd = Some(command);
            }
        }
        "RUN" => {
            let tokens = run_tokens(instruction, text);
            stage.runs_kc_sh |= tokens.iter().any(|t| t.text.ends_with("kc.sh"));
            if let Some(cli) = build_arguments(&tokens, text, doc) {
                let mut options: Vec<(String, Option<String>)> = stage
                    .env
                    .iter()
                    .filter_map(|e| Some((option_of(e)?, literal(e))))
                    .collect();
                options.extend(cli.iter().filter_map(|e| Some((option_of(e)?, literal(e)))));
                stage.build = Some(ImageBuild {
                    options,
                    range: instruction.range,
                    complete: !stage.conf_copied,
                });
            }
        }
        "COPY" | "ADD" => copy(stage, instruction, earlier),
        "HEALTHCHECK" => {
            // `HEALTHCHECK [--interval=...] CMD ...`; `HEALTHCHECK NONE` turns it off.
            let words = instruction.words();
            stage.probes = words
                .iter()
                .position(|w| w.value.eq_ignore_ascii_case("CMD"))
                .and_then(|at| Some(words.get(at + 1)?.range.cover(words.last()?.range)))
                .map(|region| text_probes("Dockerfile HEALTHCHECK", region, text))
                .unwrap_or_default();
        }
        _ => {}
    }
}

/// The value of an entry when it is written in the file.
fn literal(entry: &EnvEntry) -> Option<String> {
    (entry.value_kind == ValueKind::Literal)
        .then(|| entry.value.clone())
        .flatten()
}

/// `COPY --from=builder /opt/keycloak/ /opt/keycloak/` brings the build along; anything copied
/// into the configuration directory is configuration this file does not show.
fn copy(stage: &mut Stage, instruction: &Instruction, earlier: &[Stage]) {
    let words = instruction.words();
    let Some((destination, sources)) = words.split_last() else {
        return;
    };
    let destination = destination.value.trim_end_matches('/');
    if destination.starts_with("/opt/keycloak/conf") || destination.ends_with("keycloak.conf") {
        stage.conf_copied = true;
    }
    let Some(from) = instruction.flag("from").and_then(|f| f.value.as_deref()) else {
        return;
    };
    let from = from.to_ascii_lowercase();
    let source = earlier
        .iter()
        .enumerate()
        .find(|(i, s)| s.name.as_deref() == Some(from.as_str()) || i.to_string() == from)
        .map(|(_, s)| s);
    let Some(source) = source else { return };
    let carries_build = sources.iter().any(|w| {
        let path = w.value.trim_end_matches('/');
        path == "/opt/keycloak"
            || path == "/opt/keycloak/lib"
            || path.starts_with("/opt/keycloak/lib/quarkus")
    }) && destination.starts_with("/opt/keycloak");
    if carries_build && source.build.is_some() {
        stage.build.clone_from(&source.build);
        stage.runs_kc_sh = true;
        stage.conf_copied |= source.conf_copied;
    }
}

/// The host range of an instruction's arguments (after the keyword).
fn argument_range(instruction: &Instruction) -> TextRange {
    match (instruction.words().first(), instruction.words().last()) {
        (Some(first), Some(last)) => first.range.cover(last.range),
        _ => TextRange::empty(instruction.range.end),
    }
}

/// The words of a `RUN`, heredoc scripts included.
fn run_tokens(instruction: &Instruction, text: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = instruction
        .words()
        .iter()
        .flat_map(|w| word_tokens(w, text))
        .collect();
    for heredoc in &instruction.heredocs {
        let Some(body) = heredoc.body.slice(text) else {
            continue;
        };
        for line in body.lines() {
            let line_start = line.as_ptr() as usize - body.as_ptr() as usize;
            for (word, start, end, quoted) in split_words(line) {
                let base = heredoc.body.start as usize + line_start;
                tokens.push(Token {
                    text: word,
                    range: TextRange::from_usize(base + start, base + end),
                    editable: !quoted,
                });
            }
            // A line break ends a command like `;` does.
            tokens.push(Token {
                text: ";".to_string(),
                range: TextRange::empty(heredoc.body.start),
                editable: false,
            });
        }
    }
    tokens
}

/// A word split further on blanks (an exec-form element may hold a whole script).
fn word_tokens(word: &Word, text: &str) -> Vec<Token> {
    if !word.exact {
        return split_words(&word.value)
            .into_iter()
            .map(|(w, _, _, _)| Token {
                text: w,
                range: word.range,
                editable: false,
            })
            .collect();
    }
    let Some(raw) = word.inner.slice(text) else {
        return Vec::new();
    };
    split_words(raw)
        .into_iter()
        .map(|(w, start, end, quoted)| Token {
            text: w,
            range: TextRange::from_usize(
                word.inner.start as usize + start,
                word.inner.start as usize + end,
            ),
            editable: !quoted,
        })
        .collect()
}

/// The options given to `kc.sh build` in a `RUN`, or `None` when it runs no build.
fn build_arguments(tokens: &[Token], text: &str, doc: &Dockerfile) -> Option<Vec<EnvEntry>> {
    let mut i = 0;
    while i < tokens.len() {
        if !tokens[i].text.ends_with("kc.sh") {
            i += 1;
            continue;
        }
        // `kc.sh [--verbose] build ...`
        let mut j = i + 1;
        while tokens.get(j).is_some_and(|t| t.text.starts_with('-')) {
            j += 1;
        }
        if tokens.get(j).is_some_and(|t| t.text == "build") {
            let end = tokens[j + 1..]
                .iter()
                .position(|t| ends_command(&t.text))
                .map_or(tokens.len(), |p| j + 1 + p);
            let located: Vec<Located> = tokens[j + 1..end]
                .iter()
                .map(|token| Located {
                    token: Token {
                        text: token.text.trim_end_matches(';').to_string(),
                        ..token.clone()
                    },
                    element: 0,
                    whole: false,
                })
                .collect();
            let newline = doc.newline.as_str();
            return Some(entries_from_tokens(located, &[], false, text, newline));
        }
        i = j;
    }
    None
}

fn ends_command(word: &str) -> bool {
    matches!(word, "&&" | "||" | ";" | "|" | "&") || word.ends_with(';')
}

/// One `ENV` pair as an entry. A pair that is its instruction's only one is the whole
/// instruction (removing it removes the line; a sibling is a new `ENV` line); in a multi-pair
/// `ENV` it is the `KEY=value` word.
fn env_entry(
    instruction: &Instruction,
    pairs: &[Pair],
    index: usize,
    pair: &Pair,
    doc: &Dockerfile,
    text: &str,
) -> EnvEntry {
    let newline = doc.newline.as_str();
    let (item_range, removal_range, separator) = if pairs.len() == 1 {
        (
            instruction.range,
            removal_with_final_line(text, instruction.lines),
            newline.to_string(),
        )
    } else {
        let removal = match (
            pairs.get(index + 1),
            index.checked_sub(1).and_then(|i| pairs.get(i)),
        ) {
            (Some(next), _) => TextRange::new(pair.range.start, next.range.start),
            (None, Some(previous)) => TextRange::new(previous.range.end, pair.range.end),
            (None, None) => pair.range,
        };
        (pair.range, removal, pair_separator(pairs, doc, text))
    };
    let value = pair.value.clone().unwrap_or_default();
    let name_exact = pair.name_range.slice(text) == Some(pair.name.as_str());
    EnvEntry {
        source: EnvSource::DockerfileEnv,
        name: pair.name.clone(),
        name_range: pair.name_range,
        value_kind: classify(&value, EnvSource::DockerfileEnv),
        value: Some(value),
        value_range: Some(pair.value_range),
        value_style: ValueStyle::ShellWord(doc.escape),
        item_range,
        removal_range,
        separator,
        editable: name_exact && pair.value_exact,
    }
}

/// Between two pairs of one `ENV`: a blank on one line; a continuation and the pairs'
/// indentation when they are written one per line.
fn pair_separator(pairs: &[Pair], doc: &Dockerfile, text: &str) -> String {
    let own_line = pairs
        .iter()
        .skip(1)
        .find(|p| super::text::starts_line(text, p.range.start));
    match own_line {
        Some(pair) => format!(
            " {}{}{}",
            doc.escape,
            doc.newline.as_str(),
            super::text::line_indent(text, pair.range.start)
        ),
        None => " ".to_string(),
    }
}

/// The process a stage starts: `ENTRYPOINT` then `CMD` (a shell-form `ENTRYPOINT` ignores
/// `CMD`).
fn process_commands(stage: &Stage) -> Vec<&Command> {
    match (&stage.entrypoint, &stage.cmd) {
        (Some(entrypoint), _) if !entrypoint.exec => vec![entrypoint],
        (Some(entrypoint), Some(cmd)) => vec![entrypoint, cmd],
        (Some(only), None) | (None, Some(only)) => vec![only],
        (None, None) => Vec::new(),
    }
}

fn stage_unit(stage: Stage, doc: &Dockerfile, text: &str, count: usize) -> Option<StageUnit> {
    let commands = process_commands(&stage);
    let mut set = EnvSet {
        entries: stage.env.clone(),
        ..EnvSet::default()
    };
    let newline = doc.newline.as_str();
    let mut command_words = Vec::new();
    let mut located = Vec::new();
    let mut elements = Vec::new();
    let mut shell = false;
    for command in &commands {
        shell |= !command.exec;
        for word in &command.words {
            if command.exec {
                set.argv.push((word.value.clone(), word.range));
            }
            command_words.extend(word.value.split_whitespace().map(|w| {
                (
                    w.to_string(),
                    if command.exec {
                        word.range
                    } else {
                        command.range
                    },
                )
            }));
            let element = elements.len();
            if command.exec {
                elements.push(word.range);
            }
            let tokens = word_tokens(word, text);
            let whole = command.exec && tokens.len() == 1;
            located.extend(tokens.into_iter().map(|token| Located {
                token,
                element: if command.exec { element } else { usize::MAX },
                whole,
            }));
        }
    }
    shell |= runs_shell(set.argv.iter().map(|(v, _)| v.as_str()));
    let mut cli = entries_from_tokens(located, &elements, shell, text, newline);
    for entry in &mut cli {
        // Exec-form arrays are JSON on one logical line: siblings go after a comma.
        if entry.separator.contains('\n') {
            entry.separator = ", ".to_string();
        }
    }
    set.entries.extend(cli);
    let usable = stage
        .image
        .as_ref()
        .filter(|(image, _)| !image.contains('$') && !image.trim().is_empty());
    if usable.is_some_and(|(image, _)| is_wildfly_image(image)) {
        return None;
    }
    let keycloak = usable.is_some_and(|(image, _)| names_keycloak_server(image))
        || stage.runs_kc_sh
        || runs_custom_keycloak(&set);
    if !keycloak {
        return None;
    }
    let detected_version = stage.image.as_ref().and_then(|(image, range)| {
        keycloak_image_version(image).map(|version| DetectedVersion {
            version,
            range: *range,
            what: format!(
                "the base image `{}`",
                stage.image_written.as_deref().unwrap_or(image)
            ),
        })
    });
    set.image.clone_from(&stage.image);
    let shape = Shape {
        probes: stage.probes.clone(),
        command_words,
        replicas: None,
        // The environment of a container started from the image is set where it is deployed.
        outside_config: true,
        published: Vec::new(),
        containers_in_file: count,
        build: stage.build.clone(),
        compose_build: None,
    };
    Some(StageUnit {
        unit: finish(stage.label, set, detected_version),
        shape,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arg_substitution() {
        let mut args = HashMap::new();
        args.insert("KC_VERSION".to_string(), Some("26.0.5".to_string()));
        args.insert("EMPTY".to_string(), None);
        assert_eq!(
            substitute_args("quay.io/keycloak/keycloak:${KC_VERSION}", &args),
            "quay.io/keycloak/keycloak:26.0.5"
        );
        assert_eq!(substitute_args("k:$KC_VERSION", &args), "k:26.0.5");
        assert_eq!(substitute_args("k:${EMPTY:-25.0}", &args), "k:25.0");
        assert_eq!(substitute_args("k:${UNKNOWN}", &args), "k:${UNKNOWN}");
        assert_eq!(substitute_args("k:${OPEN", &args), "k:${OPEN");
        assert_eq!(substitute_args("$", &args), "$");
    }
}
