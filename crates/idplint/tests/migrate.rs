//! `idplint migrate keycloak-wildfly`: every legacy file we have (the shared corpus and our own
//! fixtures) migrates for three eras of Keycloak without copying a secret, and what it writes
//! is clean when idplint itself checks it for that release.

// Tests own their inputs: a failed unwrap is a failed test with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn idplint() -> Command {
    Command::new(env!("CARGO_BIN_EXE_idplint"))
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Legacy files: our fixtures, plus the shared corpus when it is beside the checkout.
fn legacy_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![workspace().join("testdata/keycloak-wildfly")];
    let corpus = workspace().join("../shared/corpus/keycloak-wildfly");
    if corpus.is_dir() {
        dirs.push(corpus);
    } else {
        eprintln!(
            "note: {} is missing; only the fixtures are migrated",
            corpus.display()
        );
    }
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "xml") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(
        files.len() >= 9,
        "expected the WildFly fixtures, found {files:?}"
    );
    files
}

/// The legacy file with every literal password (`<password>`, `clear-text`,
/// `keystore-password`, `key-password`) replaced by a unique marker, so the test can prove
/// none of them is copied (real files reuse words such as `keycloak` as user and password).
fn with_marked_secrets(xml: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(xml.len());
    let mut markers = Vec::new();
    let mut rest = xml;
    let openers = [
        "<password>",
        "clear-text=\"",
        "keystore-password=\"",
        "key-password=\"",
    ];
    loop {
        let next = openers
            .iter()
            .filter_map(|opener| rest.find(opener).map(|at| (at, *opener)))
            .min();
        let Some((at, opener)) = next else {
            out.push_str(rest);
            break;
        };
        let value_start = at + opener.len();
        out.push_str(&rest[..value_start]);
        let closer = if opener == "<password>" {
            "</password>"
        } else {
            "\""
        };
        let Some(len) = rest[value_start..].find(closer) else {
            out.push_str(&rest[value_start..]);
            break;
        };
        let value = &rest[value_start..value_start + len];
        if value.trim().starts_with("${") || value.trim().is_empty() {
            out.push_str(value);
        } else {
            let marker = format!("idplint-secret-marker-{}", markers.len());
            out.push_str(&marker);
            markers.push(marker);
        }
        rest = &rest[value_start + len..];
    }
    (out, markers)
}

#[test]
fn every_legacy_file_migrates_into_options_that_idplint_accepts() {
    let scratch = tempfile::tempdir().unwrap();
    let mut written = 0;
    for (i, file) in legacy_files().iter().enumerate() {
        let (xml, secrets) = with_marked_secrets(&std::fs::read_to_string(file).unwrap());
        let marked = scratch.path().join(format!("legacy-{i}.xml"));
        std::fs::write(&marked, xml).unwrap();
        for version in ["21.1.0", "24.0.0", "26.4.0"] {
            for (emit, name) in [("conf", "keycloak.conf"), ("env", ".env")] {
                let dir = scratch.path().join(version).join(format!("f{i}"));
                std::fs::create_dir_all(&dir).unwrap();
                let out = dir.join(name);
                let result = idplint()
                    .args(["migrate", "keycloak-wildfly"])
                    .arg(&marked)
                    .args(["--to", version, "--emit", emit, "--output"])
                    .arg(&out)
                    .output()
                    .unwrap();
                let code = result.status.code();
                assert!(
                    matches!(code, Some(0 | 1)),
                    "{}: exit {code:?}: {}",
                    file.display(),
                    String::from_utf8_lossy(&result.stderr)
                );
                let text = std::fs::read_to_string(&out).unwrap();
                let stderr = String::from_utf8_lossy(&result.stderr);
                for secret in &secrets {
                    assert!(
                        !text.contains(secret.as_str()) && !stderr.contains(secret.as_str()),
                        "{}: a literal password reached the output",
                        file.display()
                    );
                }
                // Credentials inside URIs (`proxy-mappings`) are secrets too.
                assert!(
                    !has_uri_credentials(&text),
                    "{}: credentials in a URI reached the output:\n{text}",
                    file.display()
                );
                // Blocking findings and the exit code agree.
                assert_eq!(
                    code == Some(1),
                    text.contains("# Needs a decision"),
                    "{}",
                    file.display()
                );
                written += 1;
            }
        }
    }
    // Each era's output, checked by idplint for that era: no finding at all.
    for version in ["21.1.0", "24.0.0", "26.4.0"] {
        let result = idplint()
            .arg("check")
            .arg(scratch.path().join(version))
            .args([
                "--target",
                &format!("keycloak={version}"),
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&result.stdout);
        assert_eq!(result.status.code(), Some(0), "{version}: {report}");
    }
    assert!(written >= 54);
}

#[test]
fn postgres_cluster_snapshot() {
    let fixture = workspace().join("testdata/keycloak-wildfly/postgres-cluster");
    let result = idplint()
        .args(["migrate", "keycloak-wildfly"])
        .arg(fixture.join("standalone-ha.xml"))
        .args(["--to", "26.4.0"])
        .output()
        .unwrap();
    let text = String::from_utf8(result.stdout).unwrap();
    let snapshot = fixture.join("keycloak.conf.migrated");
    if std::env::var_os("IDPLINT_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert_eq!(
        text, expected,
        "stale snapshot; run `IDPLINT_UPDATE_SNAPSHOTS=1 cargo test -p idplint --test migrate`"
    );
}

#[test]
fn unreadable_and_foreign_files_fail_with_exit_2_and_write_nothing() {
    let scratch = tempfile::tempdir().unwrap();
    let broken = scratch.path().join("standalone.xml");
    std::fs::write(
        &broken,
        "<server xmlns=\"urn:jboss:domain:16.0\">\n  <profile>\n",
    )
    .unwrap();
    let out = scratch.path().join("keycloak.conf");
    let result = idplint()
        .args(["migrate", "keycloak-wildfly"])
        .arg(&broken)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("standalone.xml:"), "{stderr}");
    assert!(!out.exists());
    let foreign = scratch.path().join("pom.xml");
    std::fs::write(&foreign, "<project/>").unwrap();
    let result = idplint()
        .args(["migrate", "keycloak-wildfly"])
        .arg(&foreign)
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("not a WildFly server configuration"));
}

/// Whether any `scheme://user:password@host` appears outside comments.
fn has_uri_credentials(text: &str) -> bool {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .any(|line| {
            line.match_indices("://").any(|(at, _)| {
                let rest = &line[at + 3..];
                let authority = rest.split(['/', ',', ';', ' ']).next().unwrap_or("");
                authority
                    .split_once('@')
                    .is_some_and(|(userinfo, _)| userinfo.contains(':'))
            })
        })
}
