//! End-to-end tests of the Kratos SDK code rules: the SDK version comes from the package
//! manifest next to the source (`go.mod`, `package.json`, `requirements.txt`, `pom.xml`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod support_cli;
use std::path::{Path, PathBuf};
use std::process::Output;
use support_cli::run;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/kratos/sdk")
}

/// Copy one fixture project (without its `.fixed` snapshots) into a fresh directory.
fn project(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join(name), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else if entry.path().extension().is_none_or(|e| e != "fixed") {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

fn output_text(output: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A plain `idplint fix .` in `dir` does not change `file`.
fn assert_fix_leaves(dir: &Path, file: &str) {
    let before = read(&dir.join(file));
    let output = run(dir, &["fix", "."]);
    assert_eq!(read(&dir.join(file)), before, "{}", output_text(&output));
}

#[test]
fn go_calls_are_rewritten_when_go_mod_moves_to_v0_11() {
    let dir = project("go");
    let output = run(dir.path(), &["fix", "."]);
    assert_eq!(
        read(&dir.path().join("main.go")),
        read(&fixtures().join("go/main.go.fixed")),
        "{}",
        output_text(&output)
    );
    // A second fix changes nothing, and nothing is left to report.
    let again = run(dir.path(), &["fix", "."]);
    assert_eq!(
        read(&dir.path().join("main.go")),
        read(&fixtures().join("go/main.go.fixed"))
    );
    let check = run(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(check.status.code(), Some(0), "{}", output_text(&check));
    assert!(again.status.success(), "{}", output_text(&again));
}

#[test]
fn go_calls_stay_while_go_mod_pins_v0_10() {
    let dir = project("go");
    let go_mod = dir.path().join("go.mod");
    std::fs::write(&go_mod, read(&go_mod).replace("v0.11.1", "v0.10.1")).unwrap();
    assert_fix_leaves(dir.path(), "main.go");
    let check = run(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(check.status.code(), Some(0), "{}", output_text(&check));
}

#[test]
fn command_line_target_beats_the_manifest() {
    let dir = project("go");
    let go_mod = dir.path().join("go.mod");
    std::fs::write(&go_mod, read(&go_mod).replace("v0.11.1", "v0.10.1")).unwrap();
    let check = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--target",
            "kratos=v0.11.1",
            ".",
        ],
    );
    let text = output_text(&check);
    assert_eq!(check.status.code(), Some(1), "{text}");
    let items: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let renamed = items
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "kratos/sdk-renamed-symbol")
        .count();
    assert_eq!(renamed, 7, "{text}");
}

#[test]
fn go_sdk_v25_needs_the_module_suffix() {
    let dir = project("go");
    let go_mod = dir.path().join("go.mod");
    std::fs::write(
        &go_mod,
        read(&go_mod).replace("kratos-client-go v0.11.1", "kratos-client-go/v25 v25.4.0"),
    )
    .unwrap();
    let output = run(dir.path(), &["fix", "."]);
    let fixed = read(&dir.path().join("main.go"));
    assert!(
        fixed.contains("client \"github.com/ory/kratos-client-go/v25\""),
        "{fixed}\n{}",
        output_text(&output)
    );
    // From the Go SDK v1.1 the service fields end in `API`.
    assert!(
        fixed.contains("c.IdentityAPI.GetIdentitySchema(ctx"),
        "{fixed}"
    );
    assert!(
        fixed.contains("// loadSchema calls V0alpha2Api.GetJsonSchema;"),
        "{fixed}"
    );
}

#[test]
fn other_languages_follow_their_manifests() {
    for (name, source, args) in [
        ("python", "app.py", &["fix", "."][..]),
        (
            "java",
            "src/main/java/com/example/Schemas.java",
            &["fix", "."][..],
        ),
        // TypeScript renames change the calling convention too, so they are unsafe fixes.
        ("ts", "kratos.ts", &["fix", "--unsafe-fixes", "."][..]),
    ] {
        let dir = project(name);
        let output = run(dir.path(), args);
        assert_eq!(
            read(&dir.path().join(source)),
            read(&fixtures().join(format!("{name}/{source}.fixed"))),
            "{name}: {}",
            output_text(&output)
        );
        // `V0alpha2Api` itself has no single replacement: reported, never rewritten.
        let check = run(dir.path(), &["check", "--format", "json", "."]);
        let text = output_text(&check);
        assert!(
            text.contains("kratos/sdk-ambiguous-symbol"),
            "{name}: {text}"
        );
        assert!(
            !text.contains("kratos/sdk-renamed-symbol"),
            "{name}: {text}"
        );
    }
}

#[test]
fn plain_fix_renames_typescript_types_but_not_calls() {
    let dir = project("ts");
    let output = run(dir.path(), &["fix", "."]);
    let fixed = read(&dir.path().join("kratos.ts"));
    // The renamed type is a safe fix; the renamed calls are not.
    assert!(
        fixed.contains("export type Settings = SettingsFlow\n"),
        "{fixed}\n{}",
        output_text(&output)
    );
    assert!(fixed.contains("kratos.getJsonSchema(id)\n"), "{fixed}");
    assert!(
        fixed.contains("kratos.initializeSelfServiceLoginFlowForBrowsers("),
        "{fixed}"
    );
}

#[test]
fn source_without_the_sdk_is_not_read() {
    let dir = project("go");
    std::fs::write(
        dir.path().join("other.go"),
        "package main\n\nfunc x(c *Local) { c.V0alpha2Api.GetJsonSchema(nil, \"\") }\n",
    )
    .unwrap();
    let check = run(dir.path(), &["check", "--format", "json", "other.go"]);
    assert_eq!(check.status.code(), Some(0), "{}", output_text(&check));
}

#[test]
fn upgrade_rewrites_calls_and_names_the_manifests_in_the_plan() {
    let dir = project("go");
    let go_mod = dir.path().join("go.mod");
    std::fs::write(&go_mod, read(&go_mod).replace("v0.11.1", "v0.10.1")).unwrap();
    let output = run(dir.path(), &["upgrade", "--to", "kratos=v0.11.1", "."]);
    let text = output_text(&output);
    assert_eq!(
        read(&dir.path().join("main.go")),
        read(&fixtures().join("go/main.go.fixed")),
        "{text}"
    );
    assert!(
        text.contains("`github.com/ory/kratos-client-go` in go.mod (then `go mod tidy`)"),
        "{text}"
    );
    // The manifest itself is left to the user (and their lock file).
    assert!(read(&go_mod).contains("kratos-client-go v0.10.1"));
}

#[test]
fn a_walk_skips_source_files_that_do_not_use_the_sdk() {
    let dir = project("go");
    let go_mod = dir.path().join("go.mod");
    std::fs::write(&go_mod, read(&go_mod).replace("v0.11.1", "v0.10.1")).unwrap();
    std::fs::write(dir.path().join("bundle.js"), b"var a=\"\xff\xfe\";\n").unwrap();
    std::fs::write(
        dir.path().join("util.py"),
        "def get_json_schema():\n    pass\n",
    )
    .unwrap();
    let output = run(dir.path(), &["check", "."]);
    let text = output_text(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    // Only main.go was read: no parse error for the bundle, and the count says so.
    assert!(text.contains("No problems found in 1 file."), "{text}");
}

#[test]
fn idplint_toml_target_beats_the_manifest() {
    let dir = project("go");
    let go_mod = dir.path().join("go.mod");
    std::fs::write(&go_mod, read(&go_mod).replace("v0.11.1", "v0.10.1")).unwrap();
    std::fs::write(
        dir.path().join("idplint.toml"),
        "[target]\nkratos = \"v0.11.1\"\n",
    )
    .unwrap();
    let output = run(dir.path(), &["fix", "."]);
    assert_eq!(
        read(&dir.path().join("main.go")),
        read(&fixtures().join("go/main.go.fixed")),
        "{}",
        output_text(&output)
    );
}
