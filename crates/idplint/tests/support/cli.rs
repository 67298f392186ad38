//! Running the `idplint` binary in a test directory, isolated from the developer's
//! environment (home, XDG config, colour), and reading rows out of fixtures.
#![allow(dead_code, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `idplint ARGS` in `dir`, with no stdin and no colour.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_idplint"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env_remove("XDG_CONFIG_HOME")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run idplint")
}

/// The 1-based row of the first line of `text` containing `needle`.
pub fn row_of(text: &str, needle: &str) -> u64 {
    text.lines()
        .position(|line| line.contains(needle))
        .map(|i| i as u64 + 1)
        .unwrap_or_else(|| panic!("{needle} not found"))
}

/// `(filename, code, row)` of every finding of a `--format json` run.
pub fn json_findings(output: &Output) -> Vec<(String, String, u64)> {
    let items: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let Some(items) = items.as_array() else {
        panic!("not a JSON array: {items}")
    };
    items
        .iter()
        .map(|item| {
            let field = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_string();
            (
                field(&item["filename"]),
                field(&item["code"]),
                item["location"]["row"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}
