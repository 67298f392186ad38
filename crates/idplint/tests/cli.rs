//! End-to-end tests of the `idplint` binary in temporary directories.
//!
//! Most fix-path tests use `idplint/unused-suppression`: a YAML comment
//! `# idplint: ignore[kratos/x]` that suppresses nothing gets a warning with a SAFE fix that
//! removes the comment, which exercises discovery, settings, the fix loop and atomic writes
//! without depending on any product rule's details.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

#[path = "support/cli.rs"]
mod support_cli;

const UNUSED: &str = "a: 1 # idplint: ignore[kratos/x]\n";
const SECRET: &str = "Sup3rS3cretPassw0rd";

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_idplint"));
    command
        .args(args)
        .current_dir(dir)
        // Keep the developer's global git excludes (often listing `.env`) out of the tests.
        .env("HOME", dir)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .env_remove("NO_COLOR");
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    command(dir, args)
        .stdin(Stdio::null())
        .output()
        .expect("run idplint")
}

fn run_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = command(dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn idplint");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().expect("wait for idplint")
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> Vec<Value> {
    let value: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)));
    value.as_array().cloned().unwrap()
}

fn codes(output: &Output) -> Vec<String> {
    json(output)
        .iter()
        .map(|d| {
            format!(
                "{}:{}",
                d["filename"].as_str().unwrap(),
                d["code"].as_str().unwrap()
            )
        })
        .collect()
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(dir: &Path, path: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn read(dir: &Path, path: &str) -> Vec<u8> {
    std::fs::read(dir.join(path)).unwrap()
}

#[test]
fn clean_files_exit_zero() {
    let dir = temp();
    write(dir.path(), "ok.yml", "a: 1\n");
    let output = run(dir.path(), &["check"]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(
        stdout(&output).contains("No problems found in 1 file."),
        "{}",
        stdout(&output)
    );
}

#[test]
fn findings_exit_one_and_fail_on_and_exit_zero() {
    let dir = temp();
    write(dir.path(), "kratos.yml", UNUSED);
    let output = run(dir.path(), &["check"]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    let text = stdout(&output);
    assert!(
        text.contains("kratos.yml:1:24: warning[idplint/unused-suppression]"),
        "{text}"
    );
    assert!(text.contains("[*] fixable"), "{text}");
    assert!(text.contains("1 fixable with `idplint fix`"), "{text}");
    assert_eq!(code(&run(dir.path(), &["check", "--fail-on", "error"])), 0);
    assert_eq!(code(&run(dir.path(), &["check", "--exit-zero"])), 0);
    assert_eq!(code(&run(dir.path(), &["check", "--fail-on", "info"])), 1);
}

#[test]
fn usage_errors_exit_two() {
    let dir = temp();
    write(dir.path(), "kratos.yml", UNUSED);
    let cases: &[(&[&str], &str)] = &[
        (&["check", "--no-such-flag"], "--no-such-flag"),
        (&["check", "--target", "hydra=v2"], "not a product"),
        (&["check", "--target", "kratos=latest"], "not a version"),
        (&["check", "--current", "kratos"], "PRODUCT=VERSION"),
        (&["check", "missing.yml"], "does not exist"),
        (
            &["check", "--select", "idplint/unused-supression"],
            "Did you mean `idplint/unused-suppression`",
        ),
        (&["check", "--format", "xml"], "xml"),
        (&["check", "--config", "nope.toml"], "nope.toml"),
        (
            &["explain", "keycloak/proxy-option-removd"],
            "Did you mean `keycloak/proxy-option-removed`",
        ),
        (&["rules", "--product", "hydra"], "not a product"),
    ];
    for (args, expected) in cases {
        let output = run(dir.path(), args);
        assert_eq!(
            code(&output),
            2,
            "{args:?}: {}{}",
            stdout(&output),
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn bad_settings_name_the_file_and_the_key() {
    let dir = temp();
    write(dir.path(), "kratos.yml", UNUSED);
    write(
        dir.path(),
        "idplint.toml",
        "[target]\nkratos = \"latest\"\n",
    );
    let output = run(dir.path(), &["check"]);
    assert_eq!(code(&output), 2);
    let error = stderr(&output);
    assert!(error.contains("idplint.toml"), "{error}");
    assert!(
        error.contains("[target]") && error.contains("v1.3.1"),
        "{error}"
    );

    write(dir.path(), "idplint.toml", "selec = [\"kratos\"]\n");
    let output = run(dir.path(), &["check"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("selec"), "{}", stderr(&output));
}

#[test]
fn json_has_the_contract_fields() {
    let dir = temp();
    write(
        dir.path(),
        "deploy/kratos.yml",
        "# 日本語\r\nキー: 1 # idplint: ignore[kratos/x]\r\n",
    );
    let output = run(
        dir.path(),
        &["check", "--format", "json", "--target", "kratos=v1.3.1"],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let items = json(&output);
    let unused = items
        .iter()
        .find(|d| d["code"] == "idplint/unused-suppression")
        .unwrap();
    for field in [
        "code",
        "severity",
        "message",
        "filename",
        "location",
        "end_location",
        "url",
        "fix",
    ] {
        assert!(unused.get(field).is_some(), "{field}: {unused}");
    }
    assert_eq!(unused["severity"], "warning");
    assert_eq!(unused["filename"], "deploy/kratos.yml");
    // `キー: 1 # idplint: ignore[` is 24 characters (30 bytes): the id starts in column 25.
    assert_eq!(
        unused["location"],
        serde_json::json!({"row": 2, "column": 25})
    );
    assert_eq!(
        unused["end_location"],
        serde_json::json!({"row": 2, "column": 33})
    );
    assert_eq!(unused["fix"]["applicability"], "safe");
    let edit = &unused["fix"]["edits"][0];
    assert_eq!(edit["content"], "");
    assert_eq!(edit["location"], serde_json::json!({"row": 2, "column": 6}));
}

#[test]
fn sarif_and_github_formats() {
    let dir = temp();
    write(dir.path(), "kratos.yml", UNUSED);
    let output = run(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(code(&output), 1);
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run0 = &log["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "idplint");
    let result = run0["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "idplint/unused-suppression")
        .unwrap();
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(
        run0["tool"]["driver"]["rules"][index]["id"],
        result["ruleId"]
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "kratos.yml"
    );
    assert_eq!(
        result["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        ""
    );

    let output = run(dir.path(), &["check", "--format", "github"]);
    assert_eq!(code(&output), 1);
    assert!(
        stdout(&output).contains(
            "::warning file=kratos.yml,line=1,col=24,endLine=1,endColumn=32,title=idplint/unused-suppression::"
        ),
        "{}",
        stdout(&output)
    );
}

#[test]
fn stdin_with_stdin_filename() {
    let dir = temp();
    let output = run_stdin(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "deploy/kratos.yml",
            "--format",
            "json",
        ],
        UNUSED.as_bytes(),
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(codes(&output).contains(&"deploy/kratos.yml:idplint/unused-suppression".to_string()));

    // --stdin-filename alone reads standard input.
    let output = run_stdin(
        dir.path(),
        &["check", "--stdin-filename", "kratos.yml"],
        UNUSED.as_bytes(),
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));

    // Without a name the format of a YAML document cannot be told.
    let output = run_stdin(dir.path(), &["check", "-"], UNUSED.as_bytes());
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("--stdin-filename"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn fix_stdin_prints_fixed_text_and_reports_on_stderr() {
    let dir = temp();
    let output = run_stdin(
        dir.path(),
        &["fix", "-", "--stdin-filename", "kratos.yml"],
        b"# keep\r\na: 1 # idplint: ignore[kratos/x]\r\n",
    );
    assert_eq!(stdout(&output), "# keep\r\na: 1\r\n");
    assert!(
        stderr(&output).contains("Fixed 1 problem"),
        "{}",
        stderr(&output)
    );
    // Only the version-unknown info remains.
    assert_eq!(code(&output), 0, "{}", stderr(&output));

    // Excluded by the settings: echoed, not linted.
    write(dir.path(), "idplint.toml", "exclude = [\"vendor\"]\n");
    let output = run_stdin(
        dir.path(),
        &["fix", "-", "--stdin-filename", "vendor/kratos.yml"],
        UNUSED.as_bytes(),
    );
    assert_eq!(stdout(&output), UNUSED);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    std::fs::remove_file(dir.path().join("idplint.toml")).unwrap();

    // Input that cannot be fixed is echoed unchanged.
    let input = b"a: [\n";
    let output = run_stdin(
        dir.path(),
        &["fix", "-", "--stdin-filename", "kratos.yml"],
        input,
    );
    assert_eq!(output.stdout, input);
    assert!(
        stderr(&output).contains("idplint/parse-error"),
        "{}",
        stderr(&output)
    );
    assert_eq!(code(&output), 1);
}

#[test]
fn fix_diff_and_check_write_nothing() {
    let dir = temp();
    write(dir.path(), "kratos.yml", UNUSED);
    let output = run(dir.path(), &["fix", "--diff"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let diff = stdout(&output);
    assert!(
        diff.contains("--- kratos.yml") && diff.contains("+++ kratos.yml"),
        "{diff}"
    );
    assert!(
        diff.contains("-a: 1 # idplint: ignore[kratos/x]\n+a: 1\n"),
        "{diff}"
    );
    assert!(
        stderr(&output).contains("Would fix 1 problem in 1 file"),
        "{}",
        stderr(&output)
    );
    assert_eq!(read(dir.path(), "kratos.yml"), UNUSED.as_bytes());

    let output = run(dir.path(), &["fix", "--check"]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("Would fix 1 problem in kratos.yml"),
        "{}",
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("kratos.yml:1:24"),
        "{}",
        stdout(&output)
    );
    assert_eq!(read(dir.path(), "kratos.yml"), UNUSED.as_bytes());

    // Nothing to fix: both exit 0 (the remaining info is below --fail-on).
    write(dir.path(), "kratos.yml", "a: 1\n");
    assert_eq!(code(&run(dir.path(), &["fix", "--diff"])), 0);
    assert_eq!(code(&run(dir.path(), &["fix", "--check"])), 0);
}

#[test]
fn fix_writes_atomically_and_keeps_crlf_comments_and_bom() {
    let dir = temp();
    let before =
        "\u{feff}# keep me\r\na: 1 # idplint: ignore[kratos/x]\r\nb: 2 # other comment\r\n";
    write(dir.path(), "kratos.yml", before);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.path().join("kratos.yml"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
    }
    let output = run(dir.path(), &["fix"]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(
        stderr(&output).contains("Fixed 1 problem in 1 file."),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        String::from_utf8(read(dir.path(), "kratos.yml")).unwrap(),
        "\u{feff}# keep me\r\na: 1\r\nb: 2 # other comment\r\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("kratos.yml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec!["kratos.yml".to_string()],
        "no temporary file left behind"
    );
    // A second run has nothing left to do.
    let output = run(dir.path(), &["fix"]);
    assert!(!stderr(&output).contains("Fixed"), "{}", stderr(&output));
}

#[cfg(unix)]
#[test]
fn fix_through_a_symlink_keeps_the_link() {
    let dir = temp();
    write(dir.path(), "real/kratos.yml", UNUSED);
    std::os::unix::fs::symlink(
        dir.path().join("real/kratos.yml"),
        dir.path().join("kratos.yml"),
    )
    .unwrap();
    let output = run(dir.path(), &["fix", "kratos.yml"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let link = std::fs::symlink_metadata(dir.path().join("kratos.yml")).unwrap();
    assert!(link.file_type().is_symlink());
    assert_eq!(read(dir.path(), "real/kratos.yml"), b"a: 1\n");
}

#[test]
fn gitignore_is_honoured_but_explicit_files_are_linted() {
    let dir = temp();
    write(dir.path(), ".gitignore", "ignored/\n");
    write(dir.path(), "ignored/kratos.yml", UNUSED);
    write(dir.path(), ".hidden/kratos.yml", UNUSED);
    write(dir.path(), ".git/kratos.yml", UNUSED);
    let select = ["--select", "idplint/unused-suppression"];
    let output = run(
        dir.path(),
        &[&["check", "--format", "json"][..], &select].concat(),
    );
    let found = codes(&output);
    assert_eq!(
        found,
        vec![".hidden/kratos.yml:idplint/unused-suppression".to_string()],
        "{found:?}"
    );
    let output = run(
        dir.path(),
        &[
            &["check", "--format", "json", "ignored/kratos.yml"][..],
            &select,
        ]
        .concat(),
    );
    assert_eq!(
        codes(&output),
        vec!["ignored/kratos.yml:idplint/unused-suppression".to_string()]
    );
}

#[test]
fn settings_select_ignore_per_file_ignores_and_exclude() {
    let dir = temp();
    write(dir.path(), "kratos.yml", UNUSED);
    write(dir.path(), "legacy/kratos.yml", UNUSED);
    write(dir.path(), "vendor/kratos.yml", UNUSED);
    write(dir.path(), "nested/kratos.yml", UNUSED);
    write(
        dir.path(),
        "idplint.toml",
        "exclude = [\"vendor\"]\n[per-file-ignores]\n\"legacy/*.yml\" = [\"idplint/unused-suppression\"]\n",
    );
    write(
        dir.path(),
        "nested/idplint.toml",
        "ignore = [\"idplint\"]\n",
    );
    let output = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--select",
            "idplint/unused-suppression",
        ],
    );
    assert_eq!(
        codes(&output),
        vec!["kratos.yml:idplint/unused-suppression".to_string()]
    );

    // Explicitly named excluded files are skipped too (pre-commit passes file names).
    let output = run(
        dir.path(),
        &["check", "--format", "json", "vendor/kratos.yml"],
    );
    assert_eq!(code(&output), 0);
    assert!(json(&output).is_empty());

    // select and ignore from the file; --ignore adds to it.
    write(dir.path(), "idplint.toml", "select = [\"keycloak\"]\n");
    let output = run(dir.path(), &["check", "--format", "json", "kratos.yml"]);
    assert!(json(&output).is_empty(), "{}", stdout(&output));
    write(
        dir.path(),
        "idplint.toml",
        "ignore = [\"idplint/version-unknown\"]\n",
    );
    let output = run(dir.path(), &["check", "--format", "json", "kratos.yml"]);
    assert_eq!(
        codes(&output),
        vec!["kratos.yml:idplint/unused-suppression".to_string()]
    );
    let output = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "kratos.yml",
            "--ignore",
            "idplint/unused-suppression",
        ],
    );
    assert!(json(&output).is_empty(), "{}", stdout(&output));

    // --config applies one file everywhere, globs relative to its directory.
    write(
        dir.path(),
        "ci/strict.toml",
        "exclude = [\"../kratos.yml\"]\nignore = [\"idplint/version-unknown\"]\n",
    );
    let output = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--config",
            "ci/strict.toml",
            "nested/kratos.yml",
        ],
    );
    assert_eq!(
        codes(&output),
        vec!["nested/kratos.yml:idplint/unused-suppression".to_string()]
    );
}

#[test]
fn non_utf8_files_are_reported_and_never_written() {
    let dir = temp();
    let bytes = b"a: 1 # idplint: ignore[kratos/x]\nname: caf\xe9\n".to_vec();
    write(dir.path(), "kratos.yml", &bytes);
    let output = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code(&output), 1);
    let items = json(&output);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["code"], "idplint/parse-error");
    assert_eq!(
        items[0]["location"],
        serde_json::json!({"row": 2, "column": 10})
    );
    let output = run(dir.path(), &["fix"]);
    assert_eq!(code(&output), 1);
    assert_eq!(read(dir.path(), "kratos.yml"), bytes);
}

#[test]
fn too_large_files_are_reported_without_linting() {
    let dir = temp();
    let mut big = String::from("a: 1\n");
    big.push_str(&"#".repeat(idplint_linter_max() + 1));
    write(dir.path(), "kratos.yml", &big);
    let output = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code(&output), 1);
    let items = json(&output);
    assert_eq!(items[0]["code"], "idplint/file-too-large");
}

fn idplint_linter_max() -> usize {
    10 * 1024 * 1024
}

#[test]
fn secrets_never_appear_in_any_format() {
    let dir = temp();
    let env = format!("KC_DB=postgres\nKC_DB_PASSWORD={SECRET}\nKC_PROXY=edge\n");
    write(dir.path(), ".env", &env);
    for format in ["text", "json", "sarif", "github"] {
        let output = run(
            dir.path(),
            &[
                "check",
                "--format",
                format,
                "--target",
                "keycloak=26.0",
                "--fail-on",
                "info",
            ],
        );
        assert_eq!(code(&output), 1, "{format}: {}", stderr(&output));
        assert!(
            stdout(&output).contains(".env"),
            "{format}: {}",
            stdout(&output)
        );
        assert!(
            !stdout(&output).contains(SECRET),
            "{format}: {}",
            stdout(&output)
        );
        assert!(
            !stderr(&output).contains(SECRET),
            "{format}: {}",
            stderr(&output)
        );
    }
    let output = run(dir.path(), &["check", "--target", "keycloak=26.0"]);
    assert!(
        stdout(&output).contains("KC_DB_PASSWORD=****"),
        "{}",
        stdout(&output)
    );
    let output = run(
        dir.path(),
        &[
            "fix",
            "--diff",
            "--unsafe-fixes",
            "--target",
            "keycloak=26.0",
        ],
    );
    assert!(!stdout(&output).contains(SECRET), "{}", stdout(&output));
    // The secret is untouched on disk.
    assert_eq!(read(dir.path(), ".env"), env.as_bytes());
}

#[test]
fn colour_follows_flags_and_environment() {
    let dir = temp();
    write(dir.path(), "kratos.yml", UNUSED);
    // Not a terminal: plain by default.
    assert!(!stdout(&run(dir.path(), &["check"])).contains('\x1b'));
    assert!(stdout(&run(dir.path(), &["check", "--color", "always"])).contains('\x1b'));
    let forced = command(dir.path(), &["check"])
        .env("FORCE_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(stdout(&forced).contains('\x1b'));
    let no_color = command(dir.path(), &["check"])
        .env("FORCE_COLOR", "1")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!stdout(&no_color).contains('\x1b'));
}

#[test]
fn rules_and_explain() {
    let dir = temp();
    let output = run(dir.path(), &["rules", "--format", "json"]);
    assert_eq!(code(&output), 0);
    let rules = json(&output);
    assert!(!rules.is_empty());
    for rule in &rules {
        assert!(rule["id"].as_str().unwrap().contains('/'));
        assert!(rule["url"].as_str().unwrap().starts_with("docs/rules/"));
    }
    let output = run(dir.path(), &["rules", "--product", "kratos"]);
    assert_eq!(code(&output), 0);
    assert!(
        stdout(&output).lines().all(|l| l.starts_with("kratos/")),
        "{}",
        stdout(&output)
    );

    let id = rules[0]["id"].as_str().unwrap();
    let output = run(dir.path(), &["explain", id]);
    assert_eq!(code(&output), 0);
    let text = stdout(&output);
    assert!(text.starts_with(&format!("# `{id}`\n")), "{text}");
    assert!(text.contains("| Default severity |"), "{text}");
}

#[test]
fn no_files_is_a_warning_not_an_error() {
    let dir = temp();
    write(dir.path(), "README.md", "# hi\n");
    let output = run(dir.path(), &["check"]);
    assert_eq!(code(&output), 0);
    assert!(
        stderr(&output).contains("no files to check"),
        "{}",
        stderr(&output)
    );
}

/// The seed Kratos upgrade (v0.10.1 → v0.11.1) on the CRLF copy of the fixture: the written file
/// is the expected fixed output with CRLF line ends, comments included.
#[test]
fn fix_kratos_fixture_keeps_crlf_and_comments() {
    let fixtures =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/kratos/seed-000-upgrade");
    let original = std::fs::read_to_string(fixtures.join("crlf/kratos.yml")).unwrap();
    let expected = std::fs::read_to_string(fixtures.join("kratos.yml.fixed"))
        .unwrap()
        .replace("\r\n", "\n")
        .replace('\n', "\r\n");
    let dir = temp();
    write(dir.path(), "kratos.yml", &original);
    let args = ["fix", "--unsafe-fixes", "--target", "kratos=v0.11.1"];
    let output = run(dir.path(), &args);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    let fixed = String::from_utf8(read(dir.path(), "kratos.yml")).unwrap();
    assert_eq!(fixed, expected);
    assert!(
        !fixed.replace("\r\n", "").contains('\n'),
        "only CRLF line ends"
    );
    for comment in original.lines().filter(|l| l.trim_start().starts_with('#')) {
        assert!(fixed.contains(comment), "comment lost: {comment}");
    }
    // Idempotent: nothing left to do.
    let output = run(dir.path(), &[&args[..], &["--check"]].concat());
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
}

/// `check` lints the files of a directory as one run, so cross-file rules work from the command
/// line: a config naming an identity schema that is not among the files is reported, and is
/// not once the schema is there (even when that file has settings of its own).
#[test]
fn check_runs_cross_file_rules_over_all_files() {
    let dir = temp();
    let config = "version: v1.1.0\ndsn: memory\nidentity:\n  default_schema_id: default\n  schemas:\n    - id: default\n      url: file:///etc/config/kratos/identity.schema.json\n    - id: users\n      url: file:///etc/config/kratos/user.schema.json\n";
    let schema = "{\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\",\n  \"type\": \"object\",\n  \"properties\": {\n    \"traits\": {\n      \"type\": \"object\",\n      \"properties\": { \"email\": { \"type\": \"string\" } }\n    }\n  }\n}\n";
    write(dir.path(), "kratos.yml", config);
    write(dir.path(), "user.schema.json", schema);
    let not_found = |output: &Output| {
        codes(output)
            .iter()
            .filter(|c| c.ends_with("kratos/identity-schema-not-found"))
            .count()
    };
    let output = run(dir.path(), &["check", "--format", "json", "--exit-zero"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(not_found(&output), 1, "{}", stdout(&output));
    // On its own the config says nothing about schemas kept elsewhere.
    let output = run(
        dir.path(),
        &["check", "kratos.yml", "--format", "json", "--exit-zero"],
    );
    assert_eq!(not_found(&output), 0, "{}", stdout(&output));

    write(dir.path(), "identity.schema.json", schema);
    // Per-file settings do not split the run.
    write(
        dir.path(),
        "idplint.toml",
        "[per-file-ignores]\n\"user.schema.json\" = [\"kratos/identity-schema-code-identifier\"]\n",
    );
    let output = run(dir.path(), &["check", "--format", "json", "--exit-zero"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(not_found(&output), 0, "{}", stdout(&output));
}

/// `idplint check` on the Dockerfile fixtures finds the broken runtime stage's hazards (and
/// nothing in the optimized build), and `fix --unsafe-fixes` writes the expected file; the
/// `.fixed` file beside them is not a Dockerfile name.
#[test]
fn dockerfiles_are_found_checked_and_fixed() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/keycloak/dockerfile");
    let dir = tempfile::tempdir().unwrap();
    for name in ["Dockerfile", "broken.Dockerfile", "broken.Dockerfile.fixed"] {
        std::fs::copy(fixtures.join(name), dir.path().join(name)).unwrap();
    }
    let output = run(
        dir.path(),
        &["check", "--target", "keycloak=26.4.0", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let found = support_cli::json_findings(&output);
    let expected: Vec<(String, String, u64)> = [
        ("keycloak/proxy-option-removed", 11),
        ("keycloak/bootstrap-admin-renamed", 13),
        ("keycloak/optimized-build-time-option", 15),
        ("keycloak/optimized-build-time-option", 16),
    ]
    .iter()
    .map(|(code, row)| ("broken.Dockerfile".to_string(), code.to_string(), *row))
    .collect();
    assert_eq!(found, expected);
    let output = run(
        dir.path(),
        &[
            "fix",
            "--unsafe-fixes",
            "--target",
            "keycloak=26.4.0",
            "broken.Dockerfile",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("broken.Dockerfile")).unwrap(),
        std::fs::read_to_string(fixtures.join("broken.Dockerfile.fixed")).unwrap()
    );
}

#[test]
fn fix_gives_a_file_without_a_version_the_release_its_run_agrees_on() {
    // The `.env` says nothing about its release; the Compose file next to it runs 26.0.5.
    // `check` lints both as one run and reports the removed `proxy` in the `.env`; `fix`
    // works file by file but must fix what `check` reports.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("docker-compose.yml"),
        "services:\n  keycloak:\n    image: quay.io/keycloak/keycloak:26.0.5\n    command: [\"start\"]\n    env_file: keycloak.env\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("keycloak.env"),
        "KC_PROXY=edge\nKC_HOSTNAME=https://sso.example.com\n",
    )
    .unwrap();
    let check = run(dir.path(), &["check", "--format", "json", "."]);
    assert!(
        stdout(&check).contains("keycloak/proxy-option-removed"),
        "{}",
        stdout(&check)
    );
    let fixed = run(dir.path(), &["fix", "--unsafe-fixes", "."]);
    assert_eq!(code(&fixed), 0, "{}", stdout(&fixed));
    let env = std::fs::read_to_string(dir.path().join("keycloak.env")).unwrap();
    assert!(!env.contains("KC_PROXY="), "{env}");
    assert!(env.contains("KC_PROXY_HEADERS="), "{env}");
    // Pinned by the command line, the file keeps that release instead.
    std::fs::write(dir.path().join("keycloak.env"), "KC_PROXY=edge\n").unwrap();
    let pinned = run(
        dir.path(),
        &[
            "fix",
            "--unsafe-fixes",
            "--current",
            "keycloak=23.0.7",
            "--target",
            "keycloak=23.0.7",
            ".",
        ],
    );
    assert!(code(&pinned) <= 1, "{}", stdout(&pinned));
    let env = std::fs::read_to_string(dir.path().join("keycloak.env")).unwrap();
    assert_eq!(env, "KC_PROXY=edge\n");
}
