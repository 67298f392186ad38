//! Extraction in every host format: the units found, and that every range slices to exactly
//! the source text it claims (names, values, items, removals, clones), CRLF included.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::extract::extract;
use crate::source::{ParsedFile, sniff_format};
use crate::unit::{EnvEntry, EnvSet, EnvSource, Unit, UnitContent, ValueKind, ValueStyle};
use idplint_diagnostics::{Edit, apply_edits};

fn units(path: &str, text: &str) -> Vec<Unit> {
    let format = sniff_format(path, text).expect("format");
    let file = ParsedFile::parse(path, text, format).expect("parses");
    let mut out = Vec::new();
    extract(&file, &mut out);
    out
}

fn env(unit: &Unit) -> &EnvSet {
    match &unit.content {
        UnitContent::Env(set) => set,
        _ => panic!("not an env set"),
    }
}

fn entry<'a>(set: &'a EnvSet, name: &str) -> &'a EnvEntry {
    set.entries
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no entry {name}: {:#?}",
                set.entries.iter().map(|e| &e.name).collect::<Vec<_>>()
            )
        })
}

fn slice(text: &str, range: idplint_diagnostics::TextRange) -> &str {
    range.slice(text).unwrap()
}

/// Invariants every entry of every unit must hold, plus: removing it, renaming it and adding
/// a sibling after it each leave a file that still parses.
fn check_invariants(path: &str, text: &str, units: &[Unit]) {
    let format = sniff_format(path, text).unwrap();
    for unit in units {
        let set = env(unit);
        for e in &set.entries {
            let item = slice(text, e.item_range);
            assert!(
                e.item_range.contains_range(e.name_range) || !e.editable,
                "{}: name outside item",
                e.name
            );
            if e.editable {
                let name = slice(text, e.name_range);
                assert_eq!(name, e.name, "name range of {}", e.name);
                if let (Some(value), Some(range)) = (&e.value, e.value_range) {
                    let raw = slice(text, range);
                    match e.value_style {
                        ValueStyle::Raw | ValueStyle::ShellWord(_) => {
                            assert_eq!(raw, value, "value range of {}", e.name)
                        }
                        ValueStyle::JsonString => {
                            assert_eq!(serde_json::from_str::<String>(raw).unwrap(), *value)
                        }
                        ValueStyle::YamlScalar => {
                            assert!(raw.contains(value.as_str()) || raw.starts_with(['"', '\'']))
                        }
                    }
                }
            }
            let removal = slice(text, e.removal_range);
            assert!(
                removal.contains(item) || e.removal_range.contains_range(e.item_range),
                "{}: removal {removal:?} misses item {item:?}",
                e.name
            );
            for edits in [
                vec![Edit::delete(e.removal_range)],
                e.rename_edit("KC_RENAMED").into_iter().collect(),
                e.insert_sibling_edit("KC_SIBLING", "x", text)
                    .into_iter()
                    .collect(),
            ] {
                if edits.is_empty() {
                    continue;
                }
                let edited = apply_edits(text, &edits).unwrap();
                assert!(
                    ParsedFile::parse(path, &edited, format).is_ok(),
                    "{}: edit {edits:?} breaks the file:\n{edited}",
                    e.name
                );
            }
        }
        for secret in &unit.secrets {
            assert!(secret.slice(text).is_some());
        }
    }
}

#[test]
fn dotenv_file() {
    let text = "# comment\nexport KC_PROXY=edge\nKC_DB_PASSWORD=\"change-me\"\nKC_HOSTNAME='auth.example.com' # public\nKC_DB_URL=${DB_URL}\nPASS_THROUGH\nKEYCLOAK_VERSION=26.1.0";
    let units = units(".env", text);
    assert_eq!(units.len(), 1);
    let set = env(&units[0]);
    let proxy = entry(set, "KC_PROXY");
    assert_eq!(proxy.source, EnvSource::DotEnv);
    assert_eq!(slice(text, proxy.item_range), "export KC_PROXY=edge");
    assert_eq!(slice(text, proxy.removal_range), "export KC_PROXY=edge\n");
    assert_eq!(proxy.separator, "\n");
    let password = entry(set, "KC_DB_PASSWORD");
    assert_eq!(slice(text, password.value_range.unwrap()), "change-me");
    assert!(units[0].secrets.contains(&password.value_range.unwrap()));
    let hostname = entry(set, "KC_HOSTNAME");
    assert_eq!(
        slice(text, hostname.item_range),
        "KC_HOSTNAME='auth.example.com'"
    );
    assert_eq!(entry(set, "KC_DB_URL").value_kind, ValueKind::Reference);
    assert_eq!(entry(set, "PASS_THROUGH").value_kind, ValueKind::Missing);
    // The last line has no newline: its removal takes the one before it.
    let version = entry(set, "KEYCLOAK_VERSION");
    assert_eq!(
        slice(text, version.removal_range),
        "\nKEYCLOAK_VERSION=26.1.0"
    );
    assert_eq!(
        units[0]
            .detected_version
            .as_ref()
            .unwrap()
            .version
            .to_string(),
        "26.1.0"
    );
    check_invariants(".env", text, &units);
    // A clone is exported like the original.
    let edit = proxy
        .insert_sibling_edit("KC_PROXY_HEADERS", "xforwarded", text)
        .unwrap();
    assert!(
        apply_edits(text, &[edit])
            .unwrap()
            .contains("export KC_PROXY=edge\nexport KC_PROXY_HEADERS=xforwarded\n")
    );
}

#[test]
fn dotenv_without_keycloak_variables_is_not_a_unit() {
    assert!(units(".env", "POSTGRES_PASSWORD=x\nFOO=bar\n").is_empty());
}

#[test]
fn keycloak_conf() {
    let text = "# db\r\ndb=postgres\r\ndb-password=${DB_PASSWORD:change-me}\r\n%dev.hostname-strict=false\r\nproxy = edge\r\n";
    let units = units("conf/keycloak.conf", text);
    assert_eq!(units.len(), 1);
    let set = env(&units[0]);
    let proxy = entry(set, "proxy");
    assert_eq!(proxy.source, EnvSource::ConfFile);
    assert_eq!(slice(text, proxy.item_range), "proxy = edge");
    assert_eq!(slice(text, proxy.removal_range), "proxy = edge\r\n");
    assert_eq!(proxy.separator, "\r\n");
    assert_eq!(entry(set, "db-password").value_kind, ValueKind::Reference);
    assert_eq!(
        super::values::option_of(entry(set, "%dev.hostname-strict")).as_deref(),
        Some("hostname-strict")
    );
    check_invariants("keycloak.conf", text, &units);
    // Other .conf files only when they look like Keycloak's.
    assert!(units_of("nginx.conf", "worker_processes 1\nerror_log /dev/stderr\n").is_empty());
    assert_eq!(
        units_of("app.conf", "db=postgres\nhttp-enabled=true\n").len(),
        1
    );
}

fn units_of(path: &str, text: &str) -> Vec<Unit> {
    units(path, text)
}

#[test]
fn compose_list_and_map_forms_with_crlf() {
    let text = "services:\r\n  db:\r\n    image: postgres:16\r\n    environment:\r\n      POSTGRES_PASSWORD: change-me\r\n  keycloak:\r\n    image: quay.io/keycloak/keycloak:${KC_VERSION:-24.0.5}\r\n    command: start --proxy=edge --hostname-strict false\r\n    environment:\r\n      - KC_DB=postgres\r\n      - \"KC_DB_PASSWORD=change-me\"\r\n      - KC_HOSTNAME\r\n  sso:\r\n    build: .\r\n    environment:\r\n      KC_PROXY: 'edge'\r\n      KC_HTTP_ENABLED: true\r\n";
    let units = units("docker-compose.yml", text);
    let labels: Vec<&str> = units.iter().map(|u| u.label.as_str()).collect();
    assert_eq!(
        labels,
        ["Compose service `keycloak`", "Compose service `sso`"]
    );
    let keycloak = env(&units[0]);
    assert_eq!(
        units[0]
            .detected_version
            .as_ref()
            .unwrap()
            .version
            .to_string(),
        "24.0.5"
    );
    let db = entry(keycloak, "KC_DB");
    assert_eq!(db.source, EnvSource::ComposeList);
    assert_eq!(slice(text, db.name_range), "KC_DB");
    assert_eq!(slice(text, db.value_range.unwrap()), "postgres");
    assert_eq!(slice(text, db.removal_range), "      - KC_DB=postgres\r\n");
    assert_eq!(db.separator, "\r\n      - ");
    let password = entry(keycloak, "KC_DB_PASSWORD");
    assert!(password.editable);
    assert_eq!(slice(text, password.value_range.unwrap()), "change-me");
    assert_eq!(
        slice(text, password.item_range),
        "\"KC_DB_PASSWORD=change-me\""
    );
    assert_eq!(
        entry(keycloak, "KC_HOSTNAME").value_kind,
        ValueKind::Missing
    );
    // String-form command: options are words of one scalar.
    let proxy = entry(keycloak, "--proxy");
    assert_eq!(proxy.source, EnvSource::CommandLine);
    assert_eq!(slice(text, proxy.name_range), "--proxy");
    assert_eq!(slice(text, proxy.value_range.unwrap()), "edge");
    assert_eq!(slice(text, proxy.removal_range), "--proxy=edge ");
    assert_eq!(proxy.separator, " ");
    let strict = entry(keycloak, "--hostname-strict");
    assert_eq!(slice(text, strict.item_range), "--hostname-strict false");
    assert_eq!(slice(text, strict.value_range.unwrap()), "false");
    assert!(
        keycloak.argv.is_empty(),
        "string commands are not exec-form lists"
    );
    let sso = env(&units[1]);
    let proxy = entry(sso, "KC_PROXY");
    assert_eq!(proxy.source, EnvSource::ComposeMap);
    assert_eq!(proxy.value_style, ValueStyle::YamlScalar);
    assert_eq!(slice(text, proxy.value_range.unwrap()), "'edge'");
    assert_eq!(
        slice(text, proxy.removal_range),
        "      KC_PROXY: 'edge'\r\n"
    );
    assert_eq!(proxy.separator, "\r\n      ");
    assert_eq!(proxy.format_value("xforwarded", text), "'xforwarded'");
    assert_eq!(entry(sso, "KC_HTTP_ENABLED").value.as_deref(), Some("true"));
    check_invariants("docker-compose.yml", text, &units);
}

#[test]
fn compose_merge_keys_and_exec_lists() {
    let text = "x-kc: &kc\n  KC_DB: postgres\nservices:\n  keycloak:\n    image: keycloak/keycloak:26.0\n    entrypoint: [\"/opt/keycloak/bin/kc.sh\"]\n    command:\n      - start\n      - --proxy\n      - edge\n    environment:\n      <<: *kc\n      KC_HOSTNAME: auth.example.com\n";
    let units = units("compose.yaml", text);
    assert_eq!(units.len(), 1);
    let set = env(&units[0]);
    assert_eq!(entry(set, "KC_DB").value.as_deref(), Some("postgres"));
    let proxy = entry(set, "--proxy");
    assert_eq!(slice(text, proxy.item_range), "--proxy\n      - edge");
    assert_eq!(
        slice(text, proxy.removal_range),
        "      - --proxy\n      - edge\n"
    );
    assert_eq!(proxy.separator, "\n      - ");
    assert_eq!(set.argv.len(), 4);
    check_invariants("compose.yaml", text, &units);
}

#[test]
fn wildfly_and_unrelated_services_are_skipped() {
    let text = "services:\n  old:\n    image: jboss/keycloak:16.1.1\n    environment:\n      KEYCLOAK_USER: admin\n  legacy:\n    image: quay.io/keycloak/keycloak:17.0.0-legacy\n  keycloak-db:\n    image: postgres:16\n  cli:\n    image: adorsys/keycloak-config-cli:latest\n    environment:\n      KEYCLOAK_URL: http://keycloak:8080\n";
    assert!(units("docker-compose.yml", text).is_empty());
}

#[test]
fn kubernetes_multi_document() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: keycloak\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: keycloak\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: theme\n          image: busybox\n      containers:\n        - name: keycloak\n          image: quay.io/keycloak/keycloak:26.2.5\n          args: [\"start\", \"--db=postgres\"]\n          env:\n            - name: KC_DB_PASSWORD\n              valueFrom:\n                secretKeyRef: { name: db, key: password }\n            - name: \"KC_PROXY_HEADERS\"\n              value: xforwarded\n            - {name: KC_HTTP_ENABLED, value: \"true\"}\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: export\nspec:\n  template:\n    spec:\n      containers:\n        - name: kc\n          image: quay.io/keycloak/keycloak:26.2.5\n          command: [\"/opt/keycloak/bin/kc.sh\", \"export\", \"--dir\", \"/tmp/export\"]\n";
    let units = units("keycloak.yaml", text);
    let labels: Vec<&str> = units.iter().map(|u| u.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "container `keycloak` of Deployment `keycloak`",
            "container `kc` of Job `export`"
        ]
    );
    let set = env(&units[0]);
    assert_eq!(
        units[0]
            .detected_version
            .as_ref()
            .unwrap()
            .version
            .to_string(),
        "26.2.5"
    );
    let password = entry(set, "KC_DB_PASSWORD");
    assert_eq!(password.source, EnvSource::KubernetesEnv);
    assert_eq!(password.value_kind, ValueKind::Reference);
    assert!(password.value_range.is_none());
    let headers = entry(set, "KC_PROXY_HEADERS");
    assert_eq!(slice(text, headers.name_range), "KC_PROXY_HEADERS");
    assert_eq!(
        slice(text, headers.item_range),
        "name: \"KC_PROXY_HEADERS\"\n              value: xforwarded"
    );
    assert_eq!(headers.separator, "\n            - ");
    let http = entry(set, "KC_HTTP_ENABLED");
    assert_eq!(slice(text, http.value_range.unwrap()), "\"true\"");
    let db = entry(set, "--db");
    assert_eq!(slice(text, db.item_range), "\"--db=postgres\"");
    assert_eq!(slice(text, db.removal_range), ", \"--db=postgres\"");
    assert_eq!(db.separator, ", ");
    let dir = entry(env(&units[1]), "--dir");
    assert_eq!(dir.value.as_deref(), Some("/tmp/export"));
    assert_eq!(slice(text, dir.item_range), "\"--dir\", \"/tmp/export\"");
    check_invariants("keycloak.yaml", text, &units);
}

#[test]
fn ecs_task_definition_and_bare_container_array() {
    let text = "{\n  \"family\": \"kc\",\n  \"containerDefinitions\": [\n    {\n      \"name\": \"keycloak\",\n      \"image\": \"123.dkr.ecr.eu-west-1.amazonaws.com/keycloak-test:v1\",\n      \"command\": [\"start\", \"--proxy=edge\"],\n      \"environment\": [\n        { \"name\": \"KC_DB_PASSWORD\", \"value\": \"change-me\" },\n        { \"name\": \"KC_HOSTNAME\", \"value\": \"auth.example.com\" }\n      ],\n      \"secrets\": [\n        { \"name\": \"KEYCLOAK_ADMIN_PASSWORD\", \"valueFrom\": \"arn:aws:ssm:eu-west-1:1:parameter/pw\" }\n      ]\n    },\n    { \"name\": \"sidecar\", \"image\": \"nginx\" }\n  ]\n}\n";
    let units = units("task-definition.json", text);
    assert_eq!(units.len(), 1);
    assert_eq!(
        units[0].label,
        "ECS container `keycloak` of task definition `kc`"
    );
    // A custom image's tag is not a Keycloak version.
    assert!(units[0].detected_version.is_none());
    let set = env(&units[0]);
    let password = entry(set, "KC_DB_PASSWORD");
    assert_eq!(password.source, EnvSource::EcsEnvironment);
    assert_eq!(password.value_style, ValueStyle::JsonString);
    assert_eq!(slice(text, password.value_range.unwrap()), "\"change-me\"");
    assert_eq!(units[0].secrets, vec![password.value_range.unwrap()]);
    assert_eq!(
        slice(text, password.removal_range),
        "{ \"name\": \"KC_DB_PASSWORD\", \"value\": \"change-me\" },\n        "
    );
    assert_eq!(password.separator, ",\n        ");
    let hostname = entry(set, "KC_HOSTNAME");
    assert_eq!(
        slice(text, hostname.removal_range),
        ",\n        { \"name\": \"KC_HOSTNAME\", \"value\": \"auth.example.com\" }"
    );
    let admin = entry(set, "KEYCLOAK_ADMIN_PASSWORD");
    assert_eq!(admin.source, EnvSource::EcsSecret);
    assert_eq!(admin.value_kind, ValueKind::Reference);
    let proxy = entry(set, "--proxy");
    assert_eq!(slice(text, proxy.name_range), "--proxy");
    assert_eq!(slice(text, proxy.item_range), "\"--proxy=edge\"");
    check_invariants("task-definition.json", text, &units);

    let bare = "[\n  {\n    \"name\": \"keycloak\",\n    \"image\": \"${app_image}\",\n    \"essential\": true,\n    \"environment\": [ { \"name\": \"KC_DB\", \"value\": \"postgres\" } ]\n  }\n]\n";
    let found = units_of("keycloak.json.tpl", bare);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].label, "ECS container `keycloak`");
    check_invariants("keycloak.json.tpl", bare, &found);
}

#[test]
fn shell_scripts_only_contribute_kc_sh_options() {
    let text = "services:\n  keycloak:\n    image: quay.io/keycloak/keycloak:26.0\n    entrypoint: [\"/bin/sh\", \"-c\"]\n    command: [\"cp --force /x /y && /opt/keycloak/bin/kc.sh start --optimized --http-port=8081\"]\n";
    let units = units("docker-compose.yml", text);
    let names: Vec<&str> = env(&units[0])
        .entries
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(names, ["--optimized", "--http-port"]);
}

#[test]
fn hostile_input_does_not_panic() {
    for (path, text) in [
        (
            "docker-compose.yml",
            "services:\n  keycloak:\n    command: [\"--\", \"--=\", \"--a=\", \"-- x\", \"\"]\n    environment: [\"=x\", \"KC_\", \"KC_A==\"]\n",
        ),
        ("docker-compose.yml", "services: [1, 2]\n"),
        ("docker-compose.yml", "services:\n  keycloak: ~\n"),
        (
            "task-definition.json",
            "{\"containerDefinitions\": [{\"name\": 1, \"environment\": [{\"name\": \"KC_X\"}, 3, {\"value\": \"x\"}]}]}",
        ),
        (
            "keycloak.yaml",
            "kind: Pod\nspec:\n  containers:\n    - name: keycloak\n      env:\n        - name: KC_X\n        - value: y\n",
        ),
        (".env", "KC_=\nKC_X=\"é\\\"\"\n"),
    ] {
        let found = units(path, text);
        check_invariants(path, text, &found);
    }
}

#[test]
fn cloudformation_yaml_and_command_line_secrets() {
    let text = "Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: keycloak\n          Image: quay.io/keycloak/keycloak:26.1.0\n          Command: [\"start\", \"--db-password=change-me\"]\n          Environment:\n            - Name: KC_DB\n              Value: postgres\n            - Name: KC_DB_URL\n              Value: !Sub \"jdbc:postgresql://${DbHost}/keycloak\"\n";
    let units = units("template.yaml", text);
    assert_eq!(units.len(), 1);
    assert_eq!(
        units[0]
            .detected_version
            .as_ref()
            .unwrap()
            .version
            .to_string(),
        "26.1.0"
    );
    let set = env(&units[0]);
    assert_eq!(entry(set, "KC_DB").source, EnvSource::EcsEnvironment);
    assert_eq!(entry(set, "KC_DB_URL").value_kind, ValueKind::Reference);
    let password = entry(set, "--db-password");
    assert_eq!(slice(text, password.value_range.unwrap()), "change-me");
    assert_eq!(units[0].secrets, vec![password.value_range.unwrap()]);
    check_invariants("template.yaml", text, &units);
}

#[test]
fn options_left_to_dedicated_rules_are_covered_by_them() {
    use super::rules::COVERED_BY_OTHER_RULES;
    let mut covered = std::collections::BTreeSet::new();
    for (path, text) in crate::registry::RULE_FILES {
        if !path.starts_with("keycloak/") || !path.ends_with(".yaml") {
            continue;
        }
        let loaded = crate::data::load_rule_file(path, text, |_| ".env").unwrap();
        for rule in loaded {
            let Some(change) = rule.change else { continue };
            if change["kind"] == "option-removed" {
                covered.extend(change["options"].as_object().unwrap().keys().cloned());
            }
        }
    }
    for option in COVERED_BY_OTHER_RULES {
        assert!(
            covered.contains(*option),
            "`{option}` is skipped by unknown-option but no option-removed rule reports it"
        );
    }
}

/// Every container of a file with what the process-shape rules read from it.
fn containers_of(path: &str, text: &str) -> Vec<super::extract::Container<'static>> {
    let format = sniff_format(path, text).expect("format");
    // Leaked for the test only: containers borrow the parsed tree.
    let text: &'static str = Box::leak(text.to_string().into_boxed_str());
    let path: &'static str = Box::leak(path.to_string().into_boxed_str());
    let file: &'static ParsedFile<'static> = Box::leak(Box::new(
        ParsedFile::parse(path, text, format).expect("parses"),
    ));
    super::extract::containers(file, file.tree().expect("tree"))
}

#[test]
fn probes_ports_and_shape_of_containers() {
    let text = r#"{
  "family": "kc",
  "containerDefinitions": [
    {
      "name": "keycloak",
      "image": "quay.io/keycloak/keycloak:26.0.0",
      "command": ["start", "--optimized"],
      "environmentFiles": [{ "value": "arn:aws:s3:::b/kc.env", "type": "s3" }],
      "healthCheck": { "command": ["CMD-SHELL", "curl -f http://localhost:8080/health/ready || exit 1"] }
    }
  ]
}"#;
    let found = containers_of("task-definition.json", text);
    let c = &found[0];
    assert_eq!(c.probes.len(), 1);
    let probe = &c.probes[0];
    assert_eq!(
        (probe.port, probe.path.as_str()),
        (Some(8080), "/health/ready")
    );
    assert_eq!(slice(text, probe.port_range.unwrap()), "8080");
    assert_eq!(slice(text, probe.path_range), "/health/ready");
    assert!(probe.port_editable);
    assert!(c.outside_config);
    let words: Vec<&str> = c.command_words.iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(words, ["start", "--optimized"]);

    let text = "services:\n  keycloak:\n    image: quay.io/keycloak/keycloak:26.0.0\n    command: start-dev\n    deploy:\n      replicas: 2\n    ports:\n      - \"8080:8080\"\n      - 127.0.0.1:9000:9000\n      - \"[::]:9001:9000/tcp\"\n      - target: 9000\n        published: 19000\n        host_ip: 10.0.0.5\n";
    let found = containers_of("docker-compose.yml", text);
    let c = &found[0];
    assert_eq!(c.replicas, Some(2));
    assert!(!c.outside_config);
    let ports: Vec<(u32, bool)> = c
        .published
        .iter()
        .map(|p| (p.container, p.host_ip_bound))
        .collect();
    assert_eq!(
        ports,
        [(8080, false), (9000, true), (9000, false), (9000, true)]
    );
    assert_eq!(
        c.published[0]
            .insert_at
            .map(|at| &text[at as usize..at as usize + 9]),
        Some("8080:8080")
    );

    let text = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: kc\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: keycloak\n          image: quay.io/keycloak/keycloak:26.0.0\n          envFrom:\n            - configMapRef:\n                name: kc\n          ports:\n            - name: mgmt\n              containerPort: 9000\n          startupProbe:\n            httpGet:\n              path: \"/health/started\"\n              port: mgmt\n          livenessProbe:\n            exec:\n              command: [\"sh\", \"-c\", \"wget -qO- 127.0.0.1:9000/health/live\"]\n";
    let found = containers_of("statefulset.yaml", text);
    let c = &found[0];
    assert_eq!(c.replicas, Some(3));
    assert!(c.outside_config);
    let probes: Vec<(String, Option<u32>, &str)> = c
        .probes
        .iter()
        .map(|p| (p.what.clone(), p.port, p.path.as_str()))
        .collect();
    assert_eq!(
        probes,
        [
            ("startupProbe".to_string(), Some(9000), "/health/started"),
            ("livenessProbe".to_string(), Some(9000), "/health/live"),
        ]
    );
    // A named port keeps the range of the name, so a fix writes the number over it.
    assert_eq!(slice(text, c.probes[0].port_range.unwrap()), "mgmt");
    assert_eq!(slice(text, c.probes[0].path_range), "/health/started");
}

// Dockerfiles

fn labels(units: &[Unit]) -> Vec<&str> {
    units.iter().map(|u| u.label.as_str()).collect()
}

#[test]
fn dockerfile_env_pairs_in_every_form() {
    let text = "FROM quay.io/keycloak/keycloak:26.0 AS kc\nENV KC_PROXY=edge \\\n    KC_HOSTNAME=\"auth.example.com\" \\\n    KC_LOG_LEVEL=info\nENV KC_DB postgres\nenv KEYCLOAK_ADMIN=admin\nENV KC_HTTP_ENABLED=true KC_CACHE=ispn\nENV KC_DB_PASSWORD=\"a \\\"b\\\"\"\nCMD [\"start\", \"--optimized\", \"--hostname-strict\", \"false\"]\n";
    let units = units("Dockerfile", text);
    assert_eq!(labels(&units), ["Dockerfile stage `kc`"]);
    check_invariants("Dockerfile", text, &units);
    let set = env(&units[0]);
    let proxy = entry(set, "KC_PROXY");
    assert_eq!(proxy.source, EnvSource::DockerfileEnv);
    assert_eq!(slice(text, proxy.item_range), "KC_PROXY=edge");
    assert_eq!(slice(text, proxy.removal_range), "KC_PROXY=edge \\\n    ");
    // Pairs written one per line get their siblings the same way.
    assert_eq!(proxy.separator, " \\\n    ");
    let hostname = entry(set, "KC_HOSTNAME");
    assert_eq!(
        slice(text, hostname.value_range.unwrap()),
        "auth.example.com"
    );
    let level = entry(set, "KC_LOG_LEVEL");
    assert_eq!(
        slice(text, level.removal_range),
        " \\\n    KC_LOG_LEVEL=info"
    );
    // Legacy `ENV KEY value` and single pairs are whole instructions.
    let db = entry(set, "KC_DB");
    assert_eq!(db.value.as_deref(), Some("postgres"));
    assert_eq!(slice(text, db.item_range), "ENV KC_DB postgres");
    assert_eq!(slice(text, db.removal_range), "ENV KC_DB postgres\n");
    assert_eq!(db.separator, "\n");
    let admin = entry(set, "KEYCLOAK_ADMIN");
    assert_eq!(slice(text, admin.item_range), "env KEYCLOAK_ADMIN=admin");
    let cache = entry(set, "KC_CACHE");
    assert_eq!(cache.separator, " ");
    assert_eq!(slice(text, cache.removal_range), " KC_CACHE=ispn");
    // Escapes inside the value: reported, never rewritten in place.
    let password = entry(set, "KC_DB_PASSWORD");
    assert_eq!(password.value.as_deref(), Some("a \"b\""));
    assert!(!password.editable);
    assert!(!units[0].secrets.is_empty());
    // The command line of the stage.
    let strict = entry(set, "--hostname-strict");
    assert_eq!(strict.value.as_deref(), Some("false"));
    assert_eq!(
        slice(text, strict.item_range),
        "\"--hostname-strict\", \"false\""
    );
    assert_eq!(strict.separator, ", ");
    assert_eq!(set.argv.len(), 4);
    assert_eq!(
        units[0]
            .detected_version
            .as_ref()
            .map(|v| v.version.to_string()),
        Some("26.0".to_string())
    );
}

#[test]
fn dockerfile_sibling_and_value_edits_keep_the_syntax() {
    let text = "FROM quay.io/keycloak/keycloak:26.0\r\nENV KC_PROXY=edge \\\r\n    KC_HOSTNAME=\"auth.example.com\"\r\nENV KC_A=\"x\"\r\n";
    let units = units("Dockerfile", text);
    check_invariants("Dockerfile", text, &units);
    let set = env(&units[0]);
    let proxy = entry(set, "KC_PROXY");
    let insert = proxy
        .insert_sibling_edit("KC_HTTP_ENABLED", "true", text)
        .unwrap();
    let edited = apply_edits(text, &[insert]).unwrap();
    assert_eq!(
        edited,
        "FROM quay.io/keycloak/keycloak:26.0\r\nENV KC_PROXY=edge \\\r\n    KC_HTTP_ENABLED=true \\\r\n    KC_HOSTNAME=\"auth.example.com\"\r\nENV KC_A=\"x\"\r\n"
    );
    // A value with blanks is quoted; inside quotes, quotes are escaped.
    let edit = proxy.set_value_edit("a b", text).unwrap();
    assert_eq!(edit.content, "\"a b\"");
    let quoted = entry(set, "KC_A");
    assert_eq!(
        quoted.set_value_edit("say \"hi\"", text).unwrap().content,
        "say \\\"hi\\\""
    );
    let sibling = quoted.insert_sibling_edit("KC_B", "y", text).unwrap();
    assert_eq!(sibling.content, "\r\nENV KC_B=\"y\"");
}

#[test]
fn dockerfile_stages_inherit_env_commands_and_builds() {
    let text = "ARG KC_VERSION=26.1.2\nFROM quay.io/keycloak/keycloak:${KC_VERSION} AS base\nENV KC_DB=postgres\nENTRYPOINT [\"/opt/keycloak/bin/kc.sh\"]\nFROM base AS builder\nENV KC_FEATURES=token-exchange\nCOPY keycloak.conf /opt/keycloak/conf/\nRUN /opt/keycloak/bin/kc.sh --verbose build --health-enabled=true && echo done\nFROM registry.example.com/base:1 AS runtime\nCOPY --from=builder /opt/keycloak/ /opt/keycloak/\nCMD start --optimized\nFROM node:20 AS web\nENV KC_REALM=demo\n";
    let format = sniff_format("Dockerfile", text).unwrap();
    let file = ParsedFile::parse("Dockerfile", text, format).unwrap();
    let stages = super::dockerfile::stages(&file);
    let labels: Vec<&str> = stages.iter().map(|s| s.unit.label.as_str()).collect();
    // `web` runs no Keycloak: no unit.
    assert_eq!(
        labels,
        [
            "Dockerfile stage `base`",
            "Dockerfile stage `builder`",
            "Dockerfile stage `runtime`"
        ]
    );
    let builder = &stages[1];
    let set = env(&builder.unit);
    // Inherited from `base`, plus its own.
    let names: Vec<&str> = set.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["KC_DB", "KC_FEATURES"]);
    assert_eq!(
        builder
            .unit
            .detected_version
            .as_ref()
            .map(|v| v.version.to_string()),
        Some("26.1.2".to_string())
    );
    let build = builder.shape.build.as_ref().unwrap();
    assert_eq!(build.given("db"), Some(Some("postgres")));
    assert_eq!(build.given("health-enabled"), Some(Some("true")));
    assert_eq!(build.given("features"), Some(Some("token-exchange")));
    // keycloak.conf was copied in before the build: other options are not known.
    assert!(!build.complete);
    assert!(slice(text, build.range).starts_with("RUN /opt/keycloak/bin/kc.sh --verbose build"));
    // The runtime stage took the build along with `/opt/keycloak`, not the ENV.
    let runtime = &stages[2];
    assert_eq!(runtime.shape.build.as_ref(), Some(build));
    assert!(
        env(&runtime.unit)
            .entries
            .iter()
            .all(|e| e.name == "--optimized")
    );
    let words: Vec<&str> = runtime
        .shape
        .command_words
        .iter()
        .map(|(w, _)| w.as_str())
        .collect();
    assert_eq!(words, ["start", "--optimized"]);
    assert!(runtime.shape.outside_config);
}

#[test]
fn dockerfile_heredoc_builds_and_non_keycloak_files() {
    let text = "FROM quay.io/keycloak/keycloak:26.0\nENV KC_DB=mysql\nRUN <<EOF\nset -e\n/opt/keycloak/bin/kc.sh build --db=postgres\nEOF\nENV KC_HOSTNAME=https://auth.example.com\n";
    let format = sniff_format("Dockerfile", text).unwrap();
    let file = ParsedFile::parse("Dockerfile", text, format).unwrap();
    let stages = super::dockerfile::stages(&file);
    let build = stages[0].shape.build.as_ref().unwrap();
    // The command line beats the environment the build saw.
    assert_eq!(build.given("db"), Some(Some("postgres")));
    assert!(build.complete);
    assert_eq!(
        entry(env(&stages[0].unit), "KC_HOSTNAME").value.as_deref(),
        Some("https://auth.example.com")
    );

    assert!(
        units(
            "Dockerfile",
            "FROM node:20\nENV NODE_ENV=production\nCMD [\"node\", \"server.js\"]\n"
        )
        .is_empty()
    );
    assert!(
        units(
            "Dockerfile",
            "FROM jboss/keycloak:16.1.1\nENV KEYCLOAK_USER=admin\n"
        )
        .is_empty()
    );
    // A custom base image counts once its variables are Keycloak's.
    let custom = units(
        "Containerfile",
        "FROM registry.example.com/idp:3\nENV KC_DB=postgres KC_HEALTH_ENABLED=true\n",
    );
    assert_eq!(labels(&custom), ["Dockerfile stage 1"]);
}
