//! Editor latency: how long from an edit of a 2,000-line `kratos.yml` to its diagnostics.
//!
//! `edit_to_publish` runs the real server loop on a thread over an in-memory connection (the
//! same `lsp_server::Connection` the stdio transport feeds) with the debounce off, and times
//! one incremental `didChange` until the `publishDiagnostics` for that version arrives: apply
//! the change, rebuild the line index, lint, convert to LSP, serialise. Each sample is one
//! edit, so divan's median and slowest are the median and worst edit.
//! `lint_path_only` times the analysis and conversion without the loop;
//! `lint_path_with_neighbours` adds the files around a document that cross-file rules read.
//!
//! Run with `cargo bench -p idplint_server --bench latency`. Not run in CI.

use divan::{Bencher, black_box};
use idplint_server::analysis::{self, DiagnosticFeatures};
use idplint_server::document::Document;
use idplint_server::encoding::Encoding;
use idplint_server::settings::Resolved;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicI32, Ordering};

fn main() {
    divan::main();
}

const URI: &str = "file:///bench/kratos.yml";

/// About 2,000 lines in the shape of a real multi-tenant config: the usual sections, a long
/// OIDC provider list with Japanese comments, many identity schemas, and findings for an
/// upgrade from v0.10.1 to v0.11.1 (a removed key, a renamed one).
pub fn large_config() -> String {
    let mut text = String::from(
        "version: v0.10.1\n\
         dsn: memory\n\
         serve:\n  public:\n    base_url: https://auth.example.com/\n    cors:\n      enabled: true\n\
         \x20 admin:\n    base_url: http://kratos:4434/\n\
         selfservice:\n  default_browser_return_url: https://app.example.com/\n\
         \x20 flows:\n    recovery:\n      enabled: true\n    verification:\n      enabled: true\n\
         \x20 methods:\n    password:\n      enabled: true\n    oidc:\n      enabled: true\n      config:\n        providers:\n",
    );
    let mut i = 0;
    while text.lines().count() < 1_500 {
        text.push_str(&format!(
            "          # 取引先 {i} のシングルサインオン (日本語のコメント)\n\
             \x20         - id: tenant-{i}\n\
             \x20           provider: generic\n\
             \x20           client_id: tenant-{i}-client\n\
             \x20           issuer_url: https://sso-{i}.example.com/\n\
             \x20           mapper_url: file:///etc/config/kratos/oidc.{i}.jsonnet\n\
             \x20           scope:\n\
             \x20             - openid\n\
             \x20             - email\n"
        ));
        i += 1;
    }
    text.push_str(
        "courier:\n  message_ttl: 1h\n  sms:\n    request_config:\n      header:\n        X-Trace: \"on\"\n\
         identity:\n  default_schema_id: default\n  schemas:\n",
    );
    let mut i = 0;
    while text.lines().count() < 2_000 {
        text.push_str(&format!(
            "    - id: schema-{i}\n      url: file:///etc/config/kratos/schema-{i}.json\n"
        ));
        i += 1;
    }
    text
}

struct Session {
    client: Connection,
    version: AtomicI32,
    /// The 0-based line holding `  message_ttl: 1h`, which each edit toggles between 1h and 2h.
    ttl_line: u32,
}

impl Session {
    fn start() -> Option<Self> {
        let registry = idplint_linter::registry().ok()?;
        let (server, client) = Connection::memory();
        std::thread::spawn(move || idplint_server::run(&server, registry));
        client
            .sender
            .send(Message::Request(Request::new(
                RequestId::from(1),
                "initialize".to_string(),
                json!({"processId": null, "rootUri": null, "capabilities": {},
                       "initializationOptions": {"debounceMs": 0}}),
            )))
            .ok()?;
        loop {
            if let Message::Response(_) = client.receiver.recv().ok()? {
                break;
            }
        }
        notify(&client, "initialized", json!({}))?;
        let text = large_config();
        let ttl_line = u32::try_from(text.lines().position(|l| l == "  message_ttl: 1h")?).ok()?;
        notify(
            &client,
            "textDocument/didOpen",
            json!({"textDocument": {"uri": URI, "languageId": "yaml", "version": 1, "text": text}}),
        )?;
        let session = Self {
            client,
            version: AtomicI32::new(1),
            ttl_line,
        };
        session.wait_for(1)?;
        Some(session)
    }

    /// One keystroke-sized edit, then wait for its diagnostics.
    fn edit(&self) -> Option<usize> {
        let version = self.version.fetch_add(1, Ordering::SeqCst) + 1;
        let digit = if version % 2 == 0 { "2" } else { "1" };
        notify(
            &self.client,
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version},
                   "contentChanges": [{"range": {"start": {"line": self.ttl_line, "character": 15},
                                                 "end": {"line": self.ttl_line, "character": 16}},
                                       "text": digit}]}),
        )?;
        self.wait_for(version)
    }

    fn wait_for(&self, version: i32) -> Option<usize> {
        loop {
            if let Message::Notification(n) = self.client.receiver.recv().ok()?
                && n.method == "textDocument/publishDiagnostics"
                && n.params["version"] == version
            {
                return n.params["diagnostics"].as_array().map(Vec::len);
            }
        }
    }
}

fn notify(client: &Connection, method: &str, params: Value) -> Option<()> {
    client
        .sender
        .send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )))
        .ok()
}

#[divan::bench(sample_count = 500, sample_size = 1)]
fn edit_to_publish(bencher: Bencher) {
    let Some(session) = Session::start() else {
        return;
    };
    bencher.bench_local(|| black_box(session.edit()));
}

#[divan::bench(sample_count = 200, sample_size = 1)]
fn lint_path_only(bencher: Bencher) {
    let Ok(registry) = idplint_linter::registry() else {
        return;
    };
    let document = Document::new(URI.to_string(), "yaml".to_string(), 1, large_config());
    let resolved = Resolved::default();
    bencher.bench_local(|| {
        let analysis = analysis::analyze(registry, &document, &resolved, 0, &[]);
        black_box(analysis::to_lsp(
            &document,
            &analysis,
            Encoding::Utf16,
            DiagnosticFeatures::default(),
            registry,
        ))
    });
}

/// The engine alone on the same text, for comparison: the server's own share is the
/// difference to `lint_path_only`.
#[divan::bench(sample_count = 200, sample_size = 1)]
fn engine_only(bencher: Bencher) {
    let Ok(registry) = idplint_linter::registry() else {
        return;
    };
    let text = large_config();
    let options = idplint_linter::LintOptions::default();
    bencher.bench_local(|| {
        black_box(idplint_linter::lint(
            registry,
            "kratos.yml",
            &text,
            &options,
        ))
    });
}

/// Path and text of the document, and `(path, text)` of its context.
type NeighbourRun = (String, String, Vec<(String, String)>);

/// The document and context of the neighbour benchmarks: the Compose file of
/// `testdata/keycloak/compose-build` and every other file of `testdata/keycloak` (about 60 files
/// of every kind: the upper end of what `NeighbourCache` hands over).
fn neighbour_run() -> Option<NeighbourRun> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/keycloak");
    let document = root.join("compose-build/docker-compose.yml");
    let text = std::fs::read_to_string(&document).ok()?;
    let mut context = Vec::new();
    let mut pending = vec![root];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path != document
                && let Ok(content) = std::fs::read_to_string(&path)
            {
                context.push((path.display().to_string(), content));
            }
        }
    }
    Some((document.display().to_string(), text, context))
}

/// A document linted with its context as `lint_in_context` does (only the document's own
/// rules run), against linting the whole run and keeping one report (`lint_files_each`).
#[divan::bench(sample_count = 100, sample_size = 1)]
fn document_in_context(bencher: Bencher) {
    let (Ok(registry), Some((path, text, context))) = (idplint_linter::registry(), neighbour_run())
    else {
        return;
    };
    let options = idplint_linter::LintOptions::default();
    let context: Vec<(&str, &str)> = context
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    bencher.bench_local(|| {
        black_box(idplint_linter::lint_in_context(
            registry, &path, &text, &options, &context,
        ))
    });
}

#[divan::bench(sample_count = 100, sample_size = 1)]
fn whole_run_for_one_report(bencher: Bencher) {
    let (Ok(registry), Some((path, text, context))) = (idplint_linter::registry(), neighbour_run())
    else {
        return;
    };
    let options = idplint_linter::LintOptions::default();
    let mut files: Vec<(&str, &str, &idplint_linter::LintOptions)> =
        vec![(path.as_str(), text.as_str(), &options)];
    files.extend(
        context
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str(), &options)),
    );
    bencher.bench_local(|| black_box(idplint_linter::lint_files_each(registry, &files)));
}

/// What the files around a document cost: `testdata/keycloak/compose-build/docker-compose.yml`
/// analysed with its neighbours (its Dockerfile, and the other fixtures one level up, since
/// the repository is a git work tree), read once as `NeighbourCache` would.
#[divan::bench(sample_count = 200, sample_size = 1)]
fn lint_path_with_neighbours(bencher: Bencher) {
    let Ok(registry) = idplint_linter::registry() else {
        return;
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/keycloak");
    let Ok(compose) = std::fs::read_to_string(root.join("compose-build/docker-compose.yml")) else {
        return;
    };
    let document = Document::new(
        format!(
            "file://{}",
            root.join("compose-build/docker-compose.yml").display()
        ),
        "yaml".to_string(),
        1,
        compose,
    );
    let Some(path) = document.path.clone() else {
        return;
    };
    let mut cache = idplint_server::neighbours::NeighbourCache::default();
    let neighbours = cache.around(&path, &std::collections::HashMap::new());
    let resolved = Resolved::default();
    bencher.bench_local(|| {
        black_box(analysis::analyze(
            registry,
            &document,
            &resolved,
            0,
            &neighbours,
        ))
    });
}
