//! Hostile and broken input: every case gets a clear diagnostic, never a panic or a hang, and
//! a file that does not parse is never rewritten.

use idplint_diagnostics::{Applicability, LineIndex};
use idplint_linter::engine::invalid_utf8_diagnostic;
use idplint_linter::{LintOptions, fix, lint, registry};

fn registry_or_panic() -> &'static idplint_linter::Registry {
    match registry() {
        Ok(r) => r,
        Err(errors) => panic!("rule files do not load:\n{}", errors.join("\n")),
    }
}

fn parse_error_at(path: &str, text: &str) -> (u32, u32, String) {
    let registry = registry_or_panic();
    let report = lint(registry, path, text, &LintOptions::default());
    assert!(report.parse_failed, "{path}: expected a parse error");
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == "idplint/parse-error" || d.code == "idplint/file-too-large")
        .unwrap_or_else(|| {
            panic!(
                "{path}: no parse-error diagnostic: {:?}",
                report.diagnostics
            )
        });
    let outcome = fix(
        registry,
        path,
        text,
        &LintOptions::default(),
        Applicability::Unsafe,
    );
    assert_eq!(
        outcome.fixed, None,
        "{path}: a broken file must never be rewritten"
    );
    let pos = LineIndex::new(text).line_col(d.range.start, text);
    (pos.row, pos.column, d.message.clone())
}

#[test]
fn yaml_syntax_error_has_row_and_column() {
    let text = "version: v0.10.1\nselfservice:\n  flows: [unclosed\n  methods: {}\n";
    let (row, _, message) = parse_error_at("kratos.yml", text);
    assert!((3..=5).contains(&row), "row {row}: {message}");
}

#[test]
fn json_with_comment_is_rejected_at_the_comment() {
    let text = "{\n  \"family\": \"keycloak\",\n  // not JSON\n  \"containerDefinitions\": []\n}\n";
    let (row, column, _) = parse_error_at("task-definition.json", text);
    assert_eq!((row, column), (3, 3));
}

#[test]
fn alias_bomb_is_refused_quickly() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    let (_, _, message) = parse_error_at("kratos.yml", &text);
    assert!(message.contains("alias"), "{message}");
}

#[test]
fn deep_nesting_is_refused_without_stack_overflow() {
    let yaml = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    parse_error_at("kratos.yml", &yaml);
    let json = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    parse_error_at("task-definition.json", &json);
    let xml = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
    parse_error_at("standalone-ha.xml", &xml);
    let block: String = (0..10_000)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    parse_error_at("kratos.yml", &block);
}

#[test]
fn xml_entity_tricks_are_refused() {
    let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>\n<server>&lol2;</server>\n";
    let (_, _, message) = parse_error_at("standalone.xml", laughs);
    assert!(message.contains("DTD"), "{message}");
    let xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<server>&e;</server>\n";
    let (_, _, message) = parse_error_at("standalone.xml", xxe);
    assert!(!message.contains("root:"), "{message}");
}

#[test]
fn huge_file_gets_a_diagnostic_not_a_parse() {
    let text = "a: b\n".repeat(11 * 1024 * 1024 / 5);
    let (_, _, message) = parse_error_at("kratos.yml", &text);
    assert!(message.contains("MiB"), "{message}");
}

#[test]
fn invalid_utf8_is_reported_at_the_first_bad_byte() {
    let bytes = b"version: v0.10.1\ndsn: \xff\xfe\n";
    let d = invalid_utf8_diagnostic(bytes);
    assert_eq!(d.code, "idplint/parse-error");
    assert_eq!(d.range.start, 22);
}

#[test]
fn bom_and_crlf_are_read() {
    let registry = registry_or_panic();
    let text = "\u{feff}version: v0.11.1\r\ncourier:\r\n  message_ttl: 1h\r\n";
    let report = lint(registry, "kratos.yml", text, &LintOptions::default());
    assert!(!report.parse_failed, "{:?}", report.diagnostics);
    let d = &report.diagnostics[0];
    assert_eq!(d.code, "kratos/courier-message-ttl-removed");
    assert_eq!(&text[d.range.as_usize()], "message_ttl");
    let outcome = fix(
        registry,
        "kratos.yml",
        text,
        &LintOptions::default(),
        Applicability::Unsafe,
    );
    // The emptied `courier:` goes too: a null `courier` fails the schema.
    assert_eq!(
        outcome.fixed.as_deref(),
        Some("\u{feff}version: v0.11.1\r\n")
    );
}

#[test]
fn dockerfile_syntax_errors_are_located_and_never_rewritten() {
    // An `ENV` word without `=` is refused by Docker, and by us, at that word.
    let text = "FROM quay.io/keycloak/keycloak:26.0\nENV KC_PROXY=edge \\\n    KC_HOSTNAME\n";
    let (row, column, message) = parse_error_at("Dockerfile", text);
    assert_eq!((row, column), (3, 5), "{message}");
    let (row, _, _) = parse_error_at("keycloak.Dockerfile", "FROM a\nENV A=\"open\n");
    assert_eq!(row, 2);
    // A BOM and CRLF are fine.
    let registry = registry_or_panic();
    let text = "\u{feff}FROM quay.io/keycloak/keycloak:26.0\r\nENV KC_PROXY=edge\r\n";
    let report = lint(registry, "Containerfile", text, &LintOptions::default());
    assert!(!report.parse_failed, "{:?}", report.diagnostics);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "keycloak/proxy-option-removed")
    );
}
