//! Keycloak legacy WildFly product: the fixtures under `testdata/keycloak-wildfly/` give the
//! exact findings (rule, row, column, flagged text), the owners fix only rewrites attribute
//! values and converges, suppression comments work, secrets are found, and every corpus file
//! lints without panicking.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use idplint_diagnostics::{Applicability, LineIndex, Severity};
use idplint_linter::{FileReport, LintOptions, Registry, fix, lint, registry};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const H2: &str = "keycloak-wildfly/h2-datasource-in-cluster";
const OWNERS: &str = "keycloak-wildfly/cache-owners-one";
const LOCAL: &str = "keycloak-wildfly/local-cache-in-cluster";
const TLS: &str = "keycloak-wildfly/outgoing-tls-unverified";
const PASSWORD: &str = "keycloak-wildfly/datasource-password-in-file";
const THEME: &str = "keycloak-wildfly/theme-caching-disabled";
const SELF_SIGNED: &str = "keycloak-wildfly/self-signed-https";
const CACHE_SPI: &str = "keycloak-wildfly/cache-spi-disabled";
const WORK: &str = "keycloak-wildfly/work-cache-not-replicated";
const MIGRATION: &str = "keycloak-wildfly/invalid-migration-strategy";
const DBLOCK: &str = "keycloak-wildfly/dblock-wait-too-short";
const HOSTNAME: &str = "keycloak-wildfly/deprecated-hostname-provider";
const HTTP_URL: &str = "keycloak-wildfly/http-frontend-url";
const H2_MEM: &str = "keycloak-wildfly/h2-in-memory-datasource";
const JPA_DS: &str = "keycloak-wildfly/jpa-datasource-missing";
const TLS_PAIR: &str = "keycloak-wildfly/outgoing-tls-incomplete";
const PROXY: &str = "keycloak-wildfly/proxy-credentials-in-file";
const SPI_NAME: &str = "keycloak-wildfly/spi-missing-name";
const FEATURE_VALUE: &str = "keycloak-wildfly/invalid-feature-value";
const RISKY_FEATURE: &str = "keycloak-wildfly/risky-feature-enabled";

fn reg() -> &'static Registry {
    match registry() {
        Ok(registry) => registry,
        Err(errors) => panic!("rule files do not load:\n{}", errors.join("\n")),
    }
}

fn testdata(relative: &str) -> (String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/keycloak-wildfly")
        .join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    // Lint under the fixture's own file name: clustering is partly decided by it.
    (format!("testdata/keycloak-wildfly/{relative}"), text)
}

/// One finding of this product's rules as (code, row, column, flagged text, severity).
type Finding = (String, u32, u32, String, Severity);

fn findings(report: &FileReport, text: &str) -> Vec<Finding> {
    let index = LineIndex::new(text);
    report
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("keycloak-wildfly/"))
        .map(|d| {
            let at = index.line_col(d.range.start, text);
            (
                d.code.clone(),
                at.row,
                at.column,
                d.range.slice(text).unwrap_or("").to_string(),
                d.severity,
            )
        })
        .collect()
}

fn lint_fixture(relative: &str) -> (String, String, FileReport) {
    let (path, text) = testdata(relative);
    let report = lint(reg(), &path, &text, &LintOptions::default());
    assert!(
        !report.parse_failed,
        "{relative} does not parse: {:?}",
        report.diagnostics
    );
    (path, text, report)
}

fn f(code: &str, row: u32, column: u32, flagged: &str, severity: Severity) -> Finding {
    (code.to_string(), row, column, flagged.to_string(), severity)
}

const H2_URL: &str = "jdbc:h2:${jboss.server.data.dir}/keycloak;AUTO_SERVER=TRUE";

#[test]
fn distribution_default_cluster() {
    let (_, text, report) = lint_fixture("distribution-default/standalone-ha.xml");
    assert_eq!(report.units, vec!["standalone-ha.xml".to_string()]);
    let w = Severity::Warning;
    assert_eq!(
        findings(&report, &text),
        vec![
            f(H2, 27, 37, H2_URL, Severity::Error),
            f(OWNERS, 58, 60, "1", w),
            f(OWNERS, 59, 74, "1", w),
            f(OWNERS, 60, 67, "1", w),
            f(OWNERS, 61, 66, "1", w),
            f(OWNERS, 62, 73, "1", w),
            f(OWNERS, 63, 65, "1", w),
        ]
    );
    // The H2 finding labels the driver, the connectionsJpa reference and the jgroups subsystem.
    let h2 = report.diagnostics.iter().find(|d| d.code == H2).unwrap();
    let labels: Vec<&str> = h2
        .labels
        .iter()
        .map(|l| l.range.slice(&text).unwrap())
        .collect();
    assert_eq!(
        labels,
        vec![
            "h2",
            "java:jboss/datasources/KeycloakDS",
            "<subsystem xmlns=\"urn:jboss:domain:jgroups:8.0\">"
        ]
    );
    assert!(h2.fix.is_none(), "no automatic fix for a database change");
    assert!(h2.help.as_deref().unwrap().contains("PostgreSQL"));
    // ExampleDS (also H2, in memory) is not Keycloak's datasource.
    assert_eq!(
        report.diagnostics.iter().filter(|d| d.code == H2).count(),
        1
    );
    // Datasource passwords are secrets.
    let secrets: Vec<&str> = report
        .secrets
        .iter()
        .map(|r| r.slice(&text).unwrap())
        .collect();
    assert_eq!(secrets, vec!["sa", "sa"]);
}

#[test]
fn postgres_cluster_is_clean() {
    let (_, text, report) = lint_fixture("postgres-cluster/standalone-ha.xml");
    assert_eq!(findings(&report, &text), vec![]);
    let secrets: Vec<&str> = report
        .secrets
        .iter()
        .map(|r| r.slice(&text).unwrap())
        .collect();
    // `${env.KC_DB_PASSWORD}` is only a reference; the Elytron clear-text credentials and
    // the truststore password are secrets.
    assert_eq!(
        secrets,
        vec!["n0t-the-real-one", "n0t-the-real-one", "trust-store-pass"]
    );
}

#[test]
fn cross_site_shared_remote_store_is_exempt() {
    let (_, text, report) = lint_fixture("cross-site/standalone-ha.xml");
    // Only authenticationSessions (one owner, no remote store) is reported; the XA
    // datasource's MySQL URL is not H2. Its literal password is reported at the element,
    // never at the value.
    assert_eq!(
        findings(&report, &text),
        vec![
            f(PASSWORD, 17, 25, "<password>", Severity::Warning),
            f(OWNERS, 60, 74, "1", Severity::Warning),
        ]
    );
    let secrets: Vec<&str> = report
        .secrets
        .iter()
        .map(|r| r.slice(&text).unwrap())
        .collect();
    assert_eq!(
        secrets,
        vec!["site1-db-pass", "hotrod-pass-1", "hotrod-trust-pass"]
    );
}

/// Seed 003's remaining snippet kinds (server identities, AJP, RELAY2, object-memory and
/// expiration, a replicated cache configuration, the x509cert-lookup and userCache SPIs) raise
/// nothing of their own; the one session cache with a single owner is still found among them.
#[test]
fn seed_003_tuning_snippets() {
    let (_, text, report) = lint_fixture("seed-003-tuning/standalone-ha.xml");
    assert_eq!(report.units, vec!["standalone-ha.xml".to_string()]);
    assert_eq!(
        findings(&report, &text),
        vec![f(OWNERS, 52, 67, "1", Severity::Warning)]
    );
}

#[test]
fn single_node_is_clean() {
    let (_, text, report) = lint_fixture("single-node/standalone.xml");
    assert_eq!(report.units, vec!["standalone.xml".to_string()]);
    assert_eq!(findings(&report, &text), vec![]);
}

#[test]
fn dev_shortcuts_disable_outgoing_tls_verification() {
    let (path, text, report) = lint_fixture("dev-shortcuts/standalone.xml");
    assert_eq!(
        findings(&report, &text),
        vec![
            f(TLS, 15, 71, "true", Severity::Error),
            f(TLS, 24, 78, "${env.TRUST_HOSTNAMES:ANY}", Severity::Error),
        ]
    );
    // The literal gets an unsafe fix; the expression (set by the environment) does not.
    let fixes: Vec<Option<Applicability>> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == TLS)
        .map(|d| d.fix.as_ref().map(|f| f.applicability))
        .collect();
    assert_eq!(fixes, vec![Some(Applicability::Unsafe), None]);
    let outcome = fix(
        reg(),
        &path,
        &text,
        &LintOptions::default(),
        Applicability::Unsafe,
    );
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
    let fixed = outcome.fixed.unwrap();
    assert_eq!(
        fixed,
        text.replace(
            "name=\"disable-trust-manager\" value=\"true\"",
            "name=\"disable-trust-manager\" value=\"false\""
        )
    );
}

#[test]
fn domain_profiles_are_checked_separately() {
    let (_, text, report) = lint_fixture("domain/domain.xml");
    assert_eq!(report.units, vec!["domain.xml".to_string()]);
    // auth-server-standalone keeps H2 and local caches (fine for one node); only
    // auth-server-clustered is reported.
    assert_eq!(
        findings(&report, &text),
        vec![
            f(H2, 47, 41, H2_URL, Severity::Error),
            f(OWNERS, 63, 64, "1", Severity::Warning),
            f(OWNERS, 65, 69, "1", Severity::Warning),
        ]
    );
    let h2 = report.diagnostics.iter().find(|d| d.code == H2).unwrap();
    assert!(
        h2.message.contains("profile `auth-server-clustered`"),
        "{}",
        h2.message
    );
}

#[test]
fn copied_local_caches_in_cluster() {
    let (_, text, report) = lint_fixture("copied-local-caches/standalone-ha.xml");
    let e = Severity::Error;
    assert_eq!(
        findings(&report, &text),
        vec![
            f(LOCAL, 35, 18, "local-cache", e),
            f(LOCAL, 36, 18, "local-cache", e),
            f(LOCAL, 37, 18, "local-cache", e),
        ]
    );
    let named: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == LOCAL)
        .map(|d| d.labels[0].range.slice(&text).unwrap())
        .collect();
    assert_eq!(named, vec!["work", "sessions", "authenticationSessions"]);
}

#[test]
fn legacy_image_input_is_a_warning_and_owner_expressions_are_skipped() {
    let (_, text, report) = lint_fixture("legacy-image/standalone-ha.xml");
    // No jgroups subsystem here: the file name says it is the HA configuration.
    // `${env.CACHE_OWNERS_COUNT:1}` defers to the environment and is not reported.
    assert_eq!(
        findings(&report, &text),
        vec![f(H2, 27, 37, H2_URL, Severity::Warning)]
    );
    let h2 = &report.diagnostics.iter().find(|d| d.code == H2).unwrap();
    assert!(h2.message.contains("DB_VENDOR"), "{}", h2.message);
    assert!(h2.message.contains("standalone-ha.xml"), "{}", h2.message);
}

#[test]
fn same_file_as_standalone_xml_is_not_clustered() {
    // The legacy-image file has no jgroups subsystem: under the name standalone.xml nothing
    // marks it as clustered.
    let (_, text) = testdata("legacy-image/standalone-ha.xml");
    let report = lint(reg(), "standalone.xml", &text, &LintOptions::default());
    assert_eq!(findings(&report, &text), vec![]);
}

#[test]
fn ha_file_name_alone_does_not_make_local_caches_an_error() {
    // The single-node file saved as standalone-ha.xml: the name marks it clustered, so H2 is
    // reported, but with no JGroups and no cache transport its local caches are consistent.
    let (_, text) = testdata("single-node/standalone.xml");
    let report = lint(reg(), "standalone-ha.xml", &text, &LintOptions::default());
    let codes: Vec<String> = findings(&report, &text).into_iter().map(|f| f.0).collect();
    assert_eq!(codes, vec![H2]);
}

#[test]
fn owners_fix_changes_only_attribute_values_and_converges() {
    let (path, text, report) = lint_fixture("distribution-default/standalone-ha.xml");
    let edits: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == OWNERS)
        .map(|d| {
            let fix = d.fix.as_ref().expect("owners finding has a fix");
            assert_eq!(fix.applicability, Applicability::Unsafe);
            assert_eq!(fix.edits.len(), 1);
            fix.edits[0].clone()
        })
        .collect();
    assert_eq!(edits.len(), 6);
    for edit in &edits {
        assert_eq!(edit.range.slice(&text), Some("1"));
        assert_eq!(edit.content, "2");
        // The edit is exactly the owners attribute's value.
        assert_eq!(
            &text[edit.range.start as usize - 8..edit.range.start as usize],
            "owners=\""
        );
    }

    // A safe-only fix leaves the file alone: the change needs judgement.
    let safe = fix(
        reg(),
        &path,
        &text,
        &LintOptions::default(),
        Applicability::Safe,
    );
    assert!(safe.fixed.is_none());

    let outcome = fix(
        reg(),
        &path,
        &text,
        &LintOptions::default(),
        Applicability::Unsafe,
    );
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
    let fixed = outcome.fixed.clone().expect("the owners fix applies");
    assert_eq!(outcome.applied.get(OWNERS), Some(&6));
    // Same length (one digit for one digit), and every differing byte is inside an edit.
    assert_eq!(fixed.len(), text.len());
    for (i, (a, b)) in text.bytes().zip(fixed.bytes()).enumerate() {
        if a != b {
            let i = i as u32;
            assert!(
                edits.iter().any(|e| e.range.start <= i && i < e.range.end),
                "byte {i} changed outside the owners values"
            );
        }
    }
    // The result re-parses, no owners finding is left, the H2 error remains (no fix).
    assert!(!outcome.remaining.parse_failed);
    let left = findings(&outcome.remaining, &fixed);
    assert_eq!(left, vec![f(H2, 27, 37, H2_URL, Severity::Error)]);
    // A second run changes nothing.
    let again = fix(
        reg(),
        &path,
        &fixed,
        &LintOptions::default(),
        Applicability::Unsafe,
    );
    assert!(again.fixed.is_none());
    assert!(again.failure.is_none());
}

#[test]
fn xml_suppression_comments() {
    let (_, text, report) = lint_fixture("suppressed/standalone-ha.xml");
    // The H2 finding is suppressed by a trailing comment, `sessions` by an own-line
    // comment above it; `loginFailures` below is still reported.
    assert_eq!(
        findings(&report, &text),
        vec![f(OWNERS, 23, 65, "1", Severity::Warning)]
    );
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code == "idplint/unused-suppression"),
        "{:?}",
        report.diagnostics
    );
    // Without the comments both findings come back.
    let bare: String = text
        .lines()
        .map(|line| match line.find("<!-- idplint:") {
            Some(at) => line[..at].trim_end(),
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let report = lint(reg(), "standalone-ha.xml", &bare, &LintOptions::default());
    let codes: Vec<String> = findings(&report, &bare).into_iter().map(|f| f.0).collect();
    assert_eq!(codes, vec![H2, OWNERS, OWNERS]);
}

#[test]
fn non_wildfly_xml_is_not_a_unit() {
    let text = "<?xml version=\"1.0\"?>\n<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion></project>\n";
    let report = lint(reg(), "pom.xml", text, &LintOptions::default());
    assert!(report.units.is_empty());
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    // A host controller file holds no profiles.
    let host = "<host xmlns=\"urn:jboss:domain:16.0\" name=\"master\"><servers/></host>";
    let report = lint(reg(), "host-master.xml", host, &LintOptions::default());
    assert!(report.units.is_empty());
}

#[test]
fn domain_profile_names_mark_clustering() {
    // No jgroups subsystem in either profile: `full-ha` is clustered by its name, `default`
    // is not.
    let ds = |url: &str| {
        format!(
            "<subsystem xmlns=\"urn:jboss:domain:datasources:6.0\"><datasources>\
             <datasource jndi-name=\"java:jboss/datasources/KeycloakDS\" pool-name=\"KeycloakDS\">\
             <connection-url>{url}</connection-url><driver>h2</driver></datasource>\
             </datasources></subsystem>"
        )
    };
    let text = format!(
        "<domain xmlns=\"urn:jboss:domain:19.0\"><profiles>\
         <profile name=\"default\">{}</profile>\
         <profile name=\"full-ha\">{}</profile>\
         <profile name=\"ha\">{}</profile>\
         </profiles></domain>",
        ds("jdbc:h2:mem:a"),
        ds("jdbc:h2:${jboss.server.data.dir}/b"),
        ds("jdbc:h2:tcp://h2.internal:9092/shared"),
    );
    let report = lint(reg(), "domain.xml", &text, &LintOptions::default());
    let flagged: Vec<String> = findings(&report, &text)
        .into_iter()
        .filter(|f| f.0 == H2)
        .map(|f| f.3)
        .collect();
    // `ha` uses a remote H2 server, which the nodes share: not this rule's concern.
    assert_eq!(
        flagged,
        vec!["jdbc:h2:${jboss.server.data.dir}/b".to_string()]
    );
}

#[test]
fn datasource_named_by_connections_jpa() {
    // Keycloak uses `KcStore`, not the pool called KeycloakDS.
    let text = r#"<server xmlns="urn:jboss:domain:16.0"><profile>
<subsystem xmlns="urn:jboss:domain:datasources:6.0"><datasources>
<datasource jndi-name="java:jboss/datasources/KeycloakDS" pool-name="KeycloakDS"><connection-url>jdbc:h2:mem:unused</connection-url><driver>h2</driver></datasource>
<datasource jndi-name="java:/KcStore" pool-name="KcStore"><connection-url>${env.KC_URL}</connection-url><driver>embedded</driver></datasource>
<drivers><driver name="embedded" module="com.h2database.h2"/></drivers>
</datasources></subsystem>
<subsystem xmlns="urn:jboss:domain:jgroups:8.0"/>
<subsystem xmlns="urn:jboss:domain:keycloak-server:1.1"><spi name="connectionsJpa"><provider name="default" enabled="true"><properties>
<property name="dataSource" value="${env.KC_DS:java:/KcStore}"/>
</properties></provider></spi></subsystem>
</profile></server>"#;
    let report = lint(reg(), "standalone.xml", text, &LintOptions::default());
    // The URL is only known at run time, so the driver (the com.h2database module) decides.
    let found = findings(&report, text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0.as_str(), found[0].3.as_str()), (H2, "embedded"));
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/keycloak-wildfly")
}

#[test]
fn corpus_lints_without_panic() {
    let dir = corpus_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("corpus not found at {}; skipped", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let report = lint(reg(), &name, &text, &LintOptions::default());
        assert!(!report.parse_failed, "{name}: {:?}", report.diagnostics);
        assert_eq!(report.units.len(), 1, "{name} is one WildFly unit");
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.code.starts_with("keycloak-wildfly/"))
        {
            *counts.entry(d.code.clone()).or_default() += 1;
            // Findings never point at a secret value (so no snippet shows one).
            for secret in &report.secrets {
                let ranges = std::iter::once(d.range).chain(d.labels.iter().map(|l| l.range));
                for range in ranges {
                    assert!(
                        !range.overlaps(*secret),
                        "{name}: {} points at a secret",
                        d.code
                    );
                }
            }
        }
        // Fixing converges and keeps the file parseable.
        let outcome = fix(
            reg(),
            &name,
            &text,
            &LintOptions::default(),
            Applicability::Unsafe,
        );
        assert!(outcome.failure.is_none(), "{name}: {:?}", outcome.failure);
        if let Some(fixed) = &outcome.fixed {
            let again = fix(
                reg(),
                &name,
                fixed,
                &LintOptions::default(),
                Applicability::Unsafe,
            );
            assert!(again.fixed.is_none(), "{name}: second fix changed the file");
        }
    }
    eprintln!("keycloak-wildfly corpus: {} files", files.len());
    for (code, count) in &counts {
        eprintln!("  {code}: {count}");
    }
    if files.len() == 6 {
        // The six files of shared/corpus/keycloak-wildfly (research §5): H2 KeycloakDS in
        // four HA files (two of them image input, reported as warnings); one owner on the
        // session caches everywhere except where the 11.0.0 file uses a shared remote store.
        assert_eq!(counts.get(H2), Some(&4));
        assert_eq!(counts.get(OWNERS), Some(&31));
        assert_eq!(counts.get(LOCAL), None);
        assert_eq!(counts.get(TLS), None);
        // The 11.0.0 MySQL literal and the 14.0.0 image's `${env.DB_PASSWORD:password}`; the
        // other files keep H2 (whose `sa` password is not reported).
        assert_eq!(counts.get(PASSWORD), Some(&2));
        // Three settings in each of the 12.0.4, 14.0.0-image and 15.0.0 files.
        assert_eq!(counts.get(THEME), Some(&9));
        // Every file keeps the distribution's generated HTTPS certificate.
        assert_eq!(counts.get(SELF_SIGNED), Some(&6));
        // The 14.0.0 image file disables userCache and realmCache.
        assert_eq!(counts.get(CACHE_SPI), Some(&2));
        // `${keycloak.hostname.provider:default}` is the default provider; the image only
        // switches to `fixed` with a -D switch at start-up, which the file does not show.
        for quiet in [
            WORK,
            MIGRATION,
            DBLOCK,
            HOSTNAME,
            HTTP_URL,
            H2_MEM,
            JPA_DS,
            TLS_PAIR,
            PROXY,
            SPI_NAME,
            FEATURE_VALUE,
            RISKY_FEATURE,
        ] {
            assert_eq!(counts.get(quiet), None, "{quiet}");
        }
    }
}

#[test]
fn image_hardening_gaps() {
    let (path, text, report) = lint_fixture("image-hardening/standalone-ha.xml");
    let (w, e) = (Severity::Warning, Severity::Error);
    assert_eq!(
        findings(&report, &text),
        vec![
            f(PASSWORD, 14, 25, "<password>", w),
            f(WORK, 41, 18, "invalidation-cache", e),
            f(THEME, 60, 31, "-1", w),
            f(THEME, 61, 30, "${env.CACHE_THEMES:false}", w),
            f(CACHE_SPI, 66, 51, "false", w),
            f(MIGRATION, 76, 67, "updates", w),
            f(DBLOCK, 83, 65, "${env.DB_LOCK_WAIT:120}", w),
            f(HOSTNAME, 88, 35, "request", w),
            f(HTTP_URL, 91, 61, "http://sso.example.com/auth", w),
            f(SELF_SIGNED, 100, 82, "applicationSSC", w),
        ]
    );
    let password = report
        .diagnostics
        .iter()
        .find(|d| d.code == PASSWORD)
        .unwrap();
    assert!(
        password
            .message
            .contains("DB_PASSWORD, DB_PASSWORD_FALLBACK"),
        "{}",
        password.message
    );
    assert!(
        !password.message.contains("password}"),
        "{}",
        password.message
    );
    let self_signed = report
        .diagnostics
        .iter()
        .find(|d| d.code == SELF_SIGNED)
        .unwrap();
    assert_eq!(
        self_signed.labels[0].range.slice(&text),
        Some("generate-self-signed-certificate-host=\"localhost\"")
    );
    // The unsafe fixes touch the literal theme value and the cache flag only; the theme
    // expression is left to the environment. The result parses and a second run is a no-op.
    let outcome = fix(
        reg(),
        &path,
        &text,
        &LintOptions::default(),
        Applicability::Unsafe,
    );
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
    let fixed = outcome.fixed.clone().unwrap();
    assert_eq!(
        fixed,
        text.replace("<staticMaxAge>-1<", "<staticMaxAge>2592000<")
            .replace(
                "<provider name=\"default\" enabled=\"false\"/>",
                "<provider name=\"default\" enabled=\"true\"/>"
            )
    );
    assert!(!outcome.remaining.parse_failed);
    let again = fix(
        reg(),
        &path,
        &fixed,
        &LintOptions::default(),
        Applicability::Unsafe,
    );
    assert!(again.fixed.is_none());
}

#[test]
fn broken_datasource_profiles() {
    let (_, text, report) = lint_fixture("broken-datasource/domain.xml");
    let e = Severity::Error;
    // `demo`: in-memory H2 (its `sa` password is not reported); `prod`: the typo'd JNDI
    // name; the vault reference and the expression-only migrationStrategy are fine.
    assert_eq!(
        findings(&report, &text),
        vec![
            f(H2_MEM, 10, 41, "jdbc:h2:mem:keycloak;DB_CLOSE_DELAY=-1", e),
            f(JPA_DS, 37, 64, "java:jboss/datasources/KeycloakDs", e),
        ]
    );
    let missing = report
        .diagnostics
        .iter()
        .find(|d| d.code == JPA_DS)
        .unwrap();
    assert!(
        missing.message.contains("profile `prod`"),
        "{}",
        missing.message
    );
    assert!(
        missing
            .help
            .as_deref()
            .unwrap()
            .contains("`java:jboss/datasources/KeycloakDS`"),
        "{:?}",
        missing.help
    );
}

#[test]
fn hostile_expressions_do_not_crash() {
    let nested = format!("{}1{}", "${a:".repeat(5_000), "}".repeat(5_000));
    let text = format!(
        "<server xmlns=\"urn:jboss:domain:16.0\"><profile>\
         <subsystem xmlns=\"urn:jboss:domain:jgroups:8.0\"/>\
         <subsystem xmlns=\"urn:jboss:domain:datasources:6.0\"><datasources>\
         <datasource jndi-name=\"{nested}\" pool-name=\"KeycloakDS\"><connection-url>{nested}</connection-url><driver>${{</driver></datasource>\
         </datasources></subsystem>\
         <subsystem xmlns=\"urn:jboss:domain:infinispan:12.0\"><cache-container name=\"keycloak\">\
         <distributed-cache name=\"sessions\" owners=\"{nested}\"/></cache-container></subsystem>\
         </profile></server>"
    );
    let report = lint(reg(), "standalone-ha.xml", &text, &LintOptions::default());
    assert!(!report.parse_failed);
}

#[test]
fn spi_mistakes() {
    let (path, text, report) = lint_fixture("spi-mistakes/standalone.xml");
    let (w, e) = (Severity::Warning, Severity::Error);
    // `${env.TRUSTSTORE_PASSWORD:}` is empty unless the environment sets it; the client
    // keystore has its keystore password (from the environment) but no key password.
    assert_eq!(
        findings(&report, &text),
        vec![
            f(FEATURE_VALUE, 9, 72, "true", e),
            f(
                TLS_PAIR,
                17,
                54,
                "${jboss.server.config.dir}/truststore.p12",
                w
            ),
            f(TLS_PAIR, 26, 65, "${jboss.server.config.dir}/client.p12", w),
            f(PROXY, 28, 41, "proxy-mappings", w),
            f(SPI_NAME, 33, 18, "provider", e),
        ]
    );
    let message = |code: &str, nth: usize| -> &str {
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .nth(nth)
            .map_or("", |d| d.message.as_str())
    };
    assert!(message(TLS_PAIR, 0).contains("not password"));
    assert!(message(TLS_PAIR, 1).contains("not client-key-password"));
    assert!(message(SPI_NAME, 0).contains("no enabled attribute"));
    let messages: Vec<&str> = report
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    // The mapping with credentials is a secret, so no snippet shows it.
    assert!(
        report
            .secrets
            .iter()
            .any(|r| r.slice(&text).is_some_and(|s| s.contains("hunter2")))
    );
    // The proxy password is never part of a message.
    assert!(messages.iter().all(|m| !m.contains("hunter2")));
    // `true` for a feature is plainly `enabled`: a safe fix, and the only one here.
    let outcome = fix(
        reg(),
        &path,
        &text,
        &LintOptions::default(),
        Applicability::Safe,
    );
    assert_eq!(
        outcome.fixed.as_deref(),
        Some(
            text.replace(
                "impersonation\" value=\"true\"",
                "impersonation\" value=\"enabled\""
            )
            .as_str()
        )
    );
}
