//! The composite GitHub Action (`action.yml`): its "Run idplint" step's script, executed with
//! bash the way the runner does (inputs in the environment, `$GITHUB_OUTPUT` as a file), on
//! a project with findings. The install step (`cargo install`) is left to real workflows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use idplint_syntax::{Limits, Node};
use std::path::Path;
use std::process::Command;

fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.as_mapping()?
        .iter()
        .find(|e| e.key_str() == key)
        .map(|e| &e.value)
}

fn run_step_script() -> String {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../action.yml"))
            .unwrap();
    let doc = idplint_syntax::yaml::parse(&text, &Limits::default()).unwrap();
    let root = &doc.roots[0];
    assert_eq!(
        get(get(root, "runs").unwrap(), "using").unwrap().as_str(),
        Some("composite")
    );
    let steps = get(get(root, "runs").unwrap(), "steps")
        .unwrap()
        .as_sequence()
        .unwrap();
    let step = steps
        .iter()
        .find(|s| get(s, "id").and_then(Node::as_str) == Some("run"))
        .unwrap();
    // Inputs only through `env:`: no `${{ }}` inside the script itself.
    let script = get(step, "run").unwrap().as_str().unwrap().to_string();
    assert!(
        !script.contains("${{"),
        "template substitution in the script"
    );
    script
}

struct Run {
    code: i32,
    stdout: String,
    outputs: String,
}

fn run(dir: &Path, inputs: &[(&str, &str)]) -> Run {
    let script = run_step_script();
    let output_file = dir.join("github-output");
    std::fs::write(&output_file, "").unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_idplint")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("bash");
    command
        .args([
            "--noprofile",
            "--norc",
            "-e",
            "-o",
            "pipefail",
            "-c",
            &script,
        ])
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir)
        .env("GITHUB_OUTPUT", &output_file)
        .env("IDPLINT_PATHS", ".")
        .env("IDPLINT_ARGS", "")
        .env("IDPLINT_FORMAT", "github")
        .env("IDPLINT_SARIF", "")
        .env("IDPLINT_FAIL", "true");
    for (key, value) in inputs {
        command.env(key, value);
    }
    let output = command.output().expect("bash");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        outputs: std::fs::read_to_string(&output_file).unwrap(),
    }
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kratos.yml"),
        "version: v0.11.1\ncourier:\n  message_ttl: 1h\n",
    )
    .unwrap();
    dir
}

#[test]
fn annotations_and_failure_on_findings() {
    let dir = project();
    let result = run(dir.path(), &[]);
    assert_eq!(result.code, 1);
    assert!(
        result
            .stdout
            .contains("::error file=kratos.yml,line=3,col=3,"),
        "{}",
        result.stdout
    );
    assert!(result.outputs.contains("exit-code=1"));
}

#[test]
fn sarif_file_and_no_failure_when_asked() {
    let dir = project();
    let result = run(
        dir.path(),
        &[
            ("IDPLINT_SARIF", "idplint.sarif"),
            ("IDPLINT_FAIL", "false"),
            ("IDPLINT_ARGS", "--fail-on error --select kratos"),
        ],
    );
    assert_eq!(result.code, 0, "{}", result.stdout);
    assert!(result.outputs.contains("exit-code=1"));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("idplint.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
}

#[test]
fn usage_errors_fail_even_when_findings_may_not() {
    let dir = project();
    let result = run(
        dir.path(),
        &[
            ("IDPLINT_FAIL", "false"),
            ("IDPLINT_ARGS", "--select nosuchrule"),
        ],
    );
    assert_eq!(result.code, 2);
    assert!(result.outputs.contains("exit-code=2"));
}
