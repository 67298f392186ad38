//! The `idplint` command line: `check`, `fix`, `rules`, `explain`, `lsp`, `completions`,
//! `man` (DESIGN.md §5).
//!
//! A library with one public function, [`main`], so that two binaries can share it: `idplint`
//! (`src/main.rs`) and `idplint-pre-commit`, the root package's binary that pre-commit's
//! `language: rust` builds with `cargo install --path .` (see the root `Cargo.toml`).

mod bump;
mod cli;
mod config;
mod discover;
mod docgen;
mod migrate;
mod paths;
mod read;
mod rules;
mod run;
mod upgrade;
mod workloads;
mod write;

use clap::Parser;
use cli::{Cli, Command};
use std::io::{self, Write};
use std::process::ExitCode;

/// An error that ends the run with exit code 2; the message says what to do next.
#[derive(Debug)]
pub struct Failure {
    message: String,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// Standard output (buffered) and standard error, tolerant of closed pipes: `idplint check |
/// head` must not panic when `head` exits, so write errors are remembered, not raised.
pub struct Streams {
    out: io::BufWriter<io::Stdout>,
    out_closed: bool,
}

impl Streams {
    fn new() -> Self {
        Self {
            out: io::BufWriter::new(io::stdout()),
            out_closed: false,
        }
    }

    pub fn out_bytes(&mut self, bytes: &[u8]) {
        if !self.out_closed && self.out.write_all(bytes).is_err() {
            self.out_closed = true;
        }
    }

    pub fn out_line(&mut self, line: &str) {
        self.out_bytes(line.as_bytes());
        self.out_bytes(b"\n");
    }

    pub fn err_bytes(&mut self, bytes: &[u8]) {
        // Keep stdout and stderr in order when both go to a terminal.
        let _ = self.out.flush();
        let _ = io::stderr().lock().write_all(bytes);
    }

    /// A plain line on stderr (summaries that must not mix with machine output).
    pub fn note(&mut self, message: &str) {
        self.err_bytes(format!("{message}\n").as_bytes());
    }

    pub fn warn(&mut self, message: &str) {
        self.note(&format!("warning: {message}"));
    }

    pub fn error(&mut self, message: &str) {
        self.note(&format!("error: {message}"));
    }

    fn finish(&mut self) {
        if !self.out_closed {
            let _ = self.out.flush();
        }
    }
}

/// Parse the command line, run the command, and return its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help and --version exit 0, usage errors 2.
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    let mut streams = Streams::new();
    let code = match execute(cli, &mut streams) {
        Ok(code) => code,
        Err(failure) => {
            streams.error(&failure.message);
            2
        }
    };
    streams.finish();
    ExitCode::from(code)
}

fn execute(cli: Cli, streams: &mut Streams) -> Result<u8, Failure> {
    match &cli.command {
        Command::Completions(args) => return docgen::completions(args.shell, streams),
        Command::Man(args) => return docgen::man(args.dir.as_deref(), streams),
        _ => {}
    }
    let registry = idplint_linter::registry().map_err(|errors| {
        Failure::new(format!(
            "the built-in rules failed to load; this is a bug in this idplint build, please report it:\n  {}",
            errors.join("\n  ")
        ))
    })?;
    match cli.command {
        Command::Check(args) => run::check(registry, &args.common, args.base.as_deref(), streams),
        Command::Fix(args) => {
            let mode = if args.diff {
                run::FixMode::Diff
            } else if args.check {
                run::FixMode::Check
            } else {
                run::FixMode::Write
            };
            run::run(
                registry,
                &args.common,
                run::Mode::Fix(mode),
                args.unsafe_fixes,
                streams,
            )
        }
        Command::Upgrade(args) => upgrade::run(registry, args, streams),
        Command::Migrate(cli::MigrateCommand::KeycloakWildfly(args)) => {
            migrate::keycloak_wildfly(&args, streams)
        }
        Command::Rules(args) => rules::list(registry, &args, streams),
        Command::Explain(args) => rules::explain(registry, &args.id, streams),
        // Standard output belongs to the protocol from here on; nothing else may write to it.
        Command::Lsp => match idplint_server::run_stdio(registry) {
            Ok(idplint_server::Ending::Clean) => Ok(0),
            Ok(idplint_server::Ending::Abrupt) => Ok(1),
            Err(error) => Err(Failure::new(format!("language server: {error}"))),
        },
        Command::Completions(_) | Command::Man(_) => Ok(0),
    }
}
