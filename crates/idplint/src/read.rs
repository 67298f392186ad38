//! Reading inputs without ever holding more than the size cap of a file in memory.

use idplint_diagnostics::{Diagnostic, Severity, TextRange};
use idplint_linter::FileReport;
use idplint_linter::engine::{MAX_FILE_BYTES, invalid_utf8_diagnostic};
use idplint_linter::registry::builtin;
use std::io::{self, Read};
use std::path::Path;

/// What was read.
#[derive(Debug)]
pub enum Loaded {
    /// The text, exactly as on disk (a leading BOM and CRLF line ends included).
    Text(String),
    /// Larger than [`MAX_FILE_BYTES`]; the size in bytes. Not read (files) or not kept.
    TooLarge(u64),
    /// Not UTF-8: the bytes, for the error position (and to echo standard input back).
    NotUtf8(Vec<u8>),
}

/// Read a file, checking its size first so a huge file is never read whole.
pub fn file(path: &Path) -> io::Result<Loaded> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_FILE_BYTES as u64 {
        return Ok(Loaded::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // The file may have grown since `metadata`: read one byte past the cap to notice.
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(classify(bytes))
}

/// Read all of standard input (its size is the caller's choice, and `fix` must be able to
/// echo it back unchanged).
pub fn stdin() -> io::Result<(Loaded, Vec<u8>)> {
    let mut bytes = Vec::new();
    io::stdin().lock().read_to_end(&mut bytes)?;
    let loaded = classify(bytes.clone());
    Ok((loaded, bytes))
}

fn classify(bytes: Vec<u8>) -> Loaded {
    if bytes.len() > MAX_FILE_BYTES {
        return Loaded::TooLarge(bytes.len() as u64);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Loaded::Text(text),
        Err(error) => Loaded::NotUtf8(error.into_bytes()),
    }
}

/// The report of a file too large to check: the same `idplint/file-too-large` diagnostic the
/// engine gives, built without reading the file.
pub fn too_large_report(size: u64) -> FileReport {
    const MIB: u64 = 1024 * 1024;
    FileReport {
        diagnostics: vec![Diagnostic::new(
            builtin::FILE_TOO_LARGE,
            Severity::Error,
            format!(
                "File is {} MiB, larger than the {} MiB idplint reads; it was not checked",
                size / MIB,
                MAX_FILE_BYTES as u64 / MIB
            ),
            TextRange::empty(0),
        )],
        parse_failed: true,
        recognised: true,
        ..FileReport::default()
    }
}

/// The report of a file that is not UTF-8.
pub fn not_utf8_report(bytes: &[u8]) -> FileReport {
    FileReport {
        diagnostics: vec![invalid_utf8_diagnostic(bytes)],
        parse_failed: true,
        recognised: true,
        ..FileReport::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_large_matches_the_engine() {
        let big = "a".repeat(MAX_FILE_BYTES + 1);
        let registry = match idplint_linter::registry() {
            Ok(registry) => registry,
            Err(_) => return,
        };
        let engine = idplint_linter::lint_as(
            registry,
            "a.yml",
            &big,
            idplint_linter::source::FileFormat::Yaml,
            &idplint_linter::LintOptions::default(),
        );
        let ours = too_large_report(big.len() as u64);
        assert_eq!(engine.diagnostics, ours.diagnostics);
        assert_eq!(engine.parse_failed, ours.parse_failed);
    }

    #[test]
    fn classifies() {
        assert!(matches!(classify(b"a: 1".to_vec()), Loaded::Text(_)));
        assert!(matches!(classify(vec![0xff, 0xfe]), Loaded::NotUtf8(_)));
    }
}
