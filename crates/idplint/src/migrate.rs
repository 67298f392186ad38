//! `idplint migrate keycloak-wildfly FILE`: the CLI side of
//! `idplint_linter::products::keycloak_wildfly::migrate` (reading, the default target, writing
//! the result atomically, and the exit code).

use crate::cli::{EmitArg, MigrateWildflyArgs};
use crate::{Failure, Streams};
use idplint_diagnostics::LineIndex;
use idplint_linter::ProductVersion;
use idplint_linter::products::keycloak::catalog::catalog;
use idplint_linter::products::keycloak_wildfly::migrate::{self, Emit, MigrateError};

pub fn keycloak_wildfly(args: &MigrateWildflyArgs, streams: &mut Streams) -> Result<u8, Failure> {
    let display = args.file.display().to_string();
    let bytes = std::fs::read(&args.file)
        .map_err(|error| Failure::new(format!("{display}: cannot read the file: {error}")))?;
    let text = String::from_utf8(bytes).map_err(|error| {
        Failure::new(format!(
            "{display}: not UTF-8 (invalid byte at offset {}); convert the file to UTF-8 first",
            error.utf8_error().valid_up_to()
        ))
    })?;
    let target = match &args.to {
        Some(version) => version.clone(),
        None => newest_release().ok_or_else(|| {
            Failure::new("no Keycloak release is known to this build; pass --to VERSION")
        })?,
    };
    let lines = LineIndex::new(&text);
    let migration = match migrate::migrate(&display, &text, &target) {
        Ok(migration) => migration,
        Err(MigrateError::Parse { message, offset }) => {
            let position = lines.line_col(offset, &text);
            return Err(Failure::new(format!(
                "{display}:{}:{}: the XML does not parse: {message}; nothing was written",
                position.row, position.column
            )));
        }
        Err(error @ MigrateError::NotServerConfig) => {
            return Err(Failure::new(format!("{display}: {error}")));
        }
    };
    let emit = match args.emit {
        EmitArg::Conf => Emit::Conf,
        EmitArg::Env => Emit::Env,
    };
    let source_label = args.file.file_name().map_or_else(
        || display.clone(),
        |name| name.to_string_lossy().into_owned(),
    );
    let row_of = |range: idplint_diagnostics::TextRange| lines.line_col(range.start, &text).row;
    let rendered = migrate::render(&migration, emit, &source_label, &row_of);
    match &args.output {
        Some(path) => {
            crate::write::create_or_replace(path, rendered.as_bytes()).map_err(Failure::new)?
        }
        None => streams.out_bytes(rendered.as_bytes()),
    }
    for finding in &migration.findings {
        let line = finding
            .at
            .map(|range| format!(":{}", row_of(range)))
            .unwrap_or_default();
        let kind = if finding.blocking {
            "needs a decision"
        } else {
            "note"
        };
        streams.note(&format!(
            "{display}{line}: {kind} [{}] {}",
            finding.mapping, finding.message
        ));
    }
    streams.note(&format!(
        "{} options for Keycloak {target}; {} findings, {} need a decision",
        migration.options.len(),
        migration.findings.len(),
        migration.findings.iter().filter(|f| f.blocking).count()
    ));
    Ok(u8::from(migration.has_blocking()))
}

/// The newest release the option catalog mentions.
fn newest_release() -> Option<ProductVersion> {
    catalog()
        .options()
        .iter()
        .flat_map(|option| [&option.since, &option.deprecated_in, &option.removed_in])
        .flatten()
        .map(|version| version.version.clone())
        .max()
}
