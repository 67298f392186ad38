//! `idplint lsp` end to end: the real binary, spoken to over stdio with JSON-RPC the way an
//! editor does (Content-Length framing, initialize/initialized, notifications interleaved
//! with responses, server-to-client requests answered).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

#[path = "support/git.rs"]
mod support_git;

const TIMEOUT: Duration = Duration::from_secs(20);

/// The scenario: a config written for v0.11.1 that still carries `courier.message_ttl`,
/// with Japanese text before, on and after the flagged line.
const KRATOS: &str = "version: v0.11.1\n# 設定ファイル: 日本語のコメント\ncourier:\n  message_ttl: 1h # 古い設定 (日本語)\n  smtp:\n    from_name: \"山田太郎 🌸\"\n";
const KRATOS_FIXED: &str = "version: v0.11.1\n# 設定ファイル: 日本語のコメント\ncourier:\n  smtp:\n    from_name: \"山田太郎 🌸\"\n";

/// The same finding behind Japanese text and an emoji on the same line, where UTF-8, UTF-16
/// and character columns all differ: `message_ttl` starts at character 37, UTF-16 unit 38
/// (🌸 is a surrogate pair) and byte 44.
const FLOW: &str = "version: v0.11.1\ncourier: {smtp: {from_name: \"山田 🌸\"}, message_ttl: 1h}\n";

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    queue: VecDeque<Value>,
    next_id: i64,
}

impl Client {
    fn start(dir: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_idplint"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn idplint lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("Content-Length header")];
                reader.read_exact(&mut body).unwrap();
                let value: Value = serde_json::from_slice(&body).expect("JSON body");
                if sender.send(value).is_err() {
                    return;
                }
            }
        });
        Self {
            child,
            stdin,
            incoming,
            queue: VecDeque::new(),
            next_id: 0,
        }
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message from the server; requests from the server are answered on the way
    /// (as an editor would) and also returned.
    fn receive(&mut self, deadline: Instant) -> Option<Value> {
        if let Some(message) = self.queue.pop_front() {
            return Some(message);
        }
        let wait = deadline.saturating_duration_since(Instant::now());
        match self.incoming.recv_timeout(wait) {
            Ok(message) => {
                if message.get("method").is_some() && message.get("id").is_some() {
                    let id = message["id"].clone();
                    self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
                }
                Some(message)
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Send a request and wait for its response, keeping other messages for later.
    fn request_full(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        let mut skipped = VecDeque::new();
        let response = loop {
            let message = self
                .receive(deadline)
                .unwrap_or_else(|| panic!("no response to {method}"));
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                break message;
            }
            skipped.push_back(message);
        };
        skipped.extend(self.queue.drain(..));
        self.queue = skipped;
        response
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_full(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// Wait for a notification `method` matching `accept`; earlier non-matching messages are
    /// dropped (a newer publish supersedes an older one).
    fn wait_for(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self
                .receive(deadline)
                .unwrap_or_else(|| panic!("timed out waiting for {method}"));
            if message["method"] == method && accept(&message["params"]) {
                return message["params"].clone();
            }
        }
    }

    fn diagnostics_for(&mut self, uri: &str, version: i64) -> Vec<Value> {
        self.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["version"] == version
        })["diagnostics"]
            .as_array()
            .unwrap()
            .clone()
    }

    fn initialize(&mut self, capabilities: Value, options: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities,
                   "initializationOptions": options}),
        );
        self.notify("initialized", json!({}));
        result
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    /// `shutdown`, `exit`, and the process's exit code.
    fn shutdown(mut self) -> i32 {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        wait(&mut self.child)
    }
}

fn wait(child: &mut Child) -> i32 {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        assert!(Instant::now() < deadline, "server did not exit");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn uri_of(path: &Path) -> String {
    let mut out = String::from("file://");
    for byte in path.to_str().unwrap().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Apply LSP text edits the way a client does, converting positions in `encoding` ("utf-8" or
/// "utf-16") independently of the server's code.
fn apply(text: &str, edits: &[Value], encoding: &str) -> String {
    let offset = |position: &Value| -> usize {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        let mut start = 0;
        for _ in 0..line {
            start += text[start..].find('\n').unwrap() + 1;
        }
        let line_text =
            &text[start..start + text[start..].find('\n').unwrap_or(text.len() - start)];
        let mut units = 0;
        for (i, ch) in line_text.char_indices() {
            if units >= character {
                return start + i;
            }
            units += if encoding == "utf-8" {
                ch.len_utf8()
            } else {
                ch.len_utf16()
            };
        }
        start + line_text.len()
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, &new);
    }
    out
}

fn range(line: u64, start: u64, end: u64) -> Value {
    json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": end}})
}

fn find<'a>(diagnostics: &'a [Value], code: &str) -> &'a Value {
    diagnostics
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diagnostics:#?}"))
}

fn edits_of(action: &Value, uri: &str) -> Vec<Value> {
    if let Some(changes) = action["edit"]["changes"].as_object() {
        return changes[uri].as_array().unwrap().clone();
    }
    let change = &action["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["uri"], uri);
    change["edits"].as_array().unwrap().clone()
}

const TTL: &str = "kratos/courier-message-ttl-removed";

#[test]
fn message_ttl_in_one_round_then_quick_fix_hover_and_edits_in_utf16() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("kratos.yml"));
    let mut client = Client::start(dir.path());
    // No positionEncodings offered: UTF-16, the protocol's default. No documentChanges
    // either (like Neovim 0.7): edits come as a plain `changes` map.
    let init = client.initialize(
        json!({"textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]},
                                "publishDiagnostics": {"relatedInformation": true}}}),
        json!({}),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    assert!(init["capabilities"].get("diagnosticProvider").is_none());

    // One round: didOpen in, publishDiagnostics out.
    client.open(&uri, "yaml", KRATOS);
    let diagnostics = client.diagnostics_for(&uri, 1);
    let ttl = find(&diagnostics, TTL);
    assert_eq!(ttl["range"], range(3, 2, 13));
    assert_eq!(ttl["severity"], 1);
    assert_eq!(ttl["source"], "idplint");
    assert_eq!(ttl["tags"], json!([1]), "a removed key is Unnecessary");
    assert!(
        ttl["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("docs/rules/kratos/courier-message-ttl-removed.md")
    );

    // The quick fix removes the key (and only it).
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(3, 4, 4),
               "context": {"diagnostics": [ttl]}}),
    );
    let actions = actions.as_array().unwrap();
    let fix = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .contains("Remove `courier.message_ttl`")
        })
        .unwrap_or_else(|| panic!("no removal in {actions:#?}"));
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["diagnostics"][0]["code"], TTL);
    let fix_edits = edits_of(fix, &uri);
    assert_eq!(apply(KRATOS, &fix_edits, "utf-16"), KRATOS_FIXED);

    // "Ignore on this line" inserts an indented own-line comment above.
    let ignore = actions
        .iter()
        .find(|a| a["title"] == format!("Ignore `{TTL}` on this line"))
        .unwrap();
    let ignored = apply(KRATOS, &edits_of(ignore, &uri), "utf-16");
    assert!(
        ignored.contains(&format!(
            "courier:\n  # idplint: ignore[{TTL}]\n  message_ttl: 1h"
        )),
        "{ignored}"
    );

    // Hover on the key shows the finding and the rule's documentation.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 6}}),
    );
    assert_eq!(hover["contents"]["kind"], "markdown");
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains(TTL) && text.contains("## Why"), "{text}");
    assert_eq!(hover["range"], range(3, 2, 13));
    // Nothing flagged on the version line.
    let nothing = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 3}}),
    );
    assert_eq!(nothing, Value::Null);

    // The editor applies the fix as an incremental change: the error goes away.
    let changes: Vec<Value> = fix_edits
        .iter()
        .map(|e| json!({"range": e["range"], "text": e["newText"]}))
        .collect();
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": changes}),
    );
    let after = client.diagnostics_for(&uri, 2);
    assert!(after.iter().all(|d| d["code"] != TTL), "{after:#?}");

    // Typing on the Japanese line (incremental, UTF-16 columns): replace `🌸"` (units 21..24
    // after `    from_name: "山田太郎 `; 🌸 is two units) with a closing quote and a new line
    // holding the removed key again. Misread columns would split a character or land the key
    // elsewhere.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3},
               "contentChanges": [{"range": range(4, 21, 24), "text": "\"\n  message_ttl: 3h"}]}),
    );
    let again = client.diagnostics_for(&uri, 3);
    assert_eq!(find(&again, TTL)["range"], range(5, 2, 13));
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(5, 3, 3), "context": {"diagnostics": []}}),
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("Remove"))
        .unwrap()
        .clone();
    let expected_v3 = "version: v0.11.1\n# 設定ファイル: 日本語のコメント\ncourier:\n  smtp:\n    from_name: \"山田太郎 \"\n  message_ttl: 3h\n";
    assert_eq!(
        apply(expected_v3, &edits_of(&fix, &uri), "utf-16"),
        "version: v0.11.1\n# 設定ファイル: 日本語のコメント\ncourier:\n  smtp:\n    from_name: \"山田太郎 \"\n"
    );
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 20}}),
    );
    assert_eq!(hover, Value::Null, "the edited line has no finding");

    // Closing clears the diagnostics.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let cleared = client.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    assert_eq!(cleared["diagnostics"], json!([]));

    assert_eq!(client.shutdown(), 0);
}

#[test]
fn columns_behind_japanese_text_in_both_encodings() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("kratos.yml"));
    for (encoding, offered, start) in [
        ("utf-16", json!(["utf-16"]), 38),
        ("utf-8", json!(["utf-16", "utf-8"]), 44),
    ] {
        let mut client = Client::start(dir.path());
        let init = client.initialize(
            json!({"general": {"positionEncodings": offered},
                   "workspace": {"workspaceEdit": {"documentChanges": true}}}),
            json!({}),
        );
        assert_eq!(init["capabilities"]["positionEncoding"], encoding);
        client.open(&uri, "yaml", FLOW);
        let diagnostics = client.diagnostics_for(&uri, 1);
        assert_eq!(
            find(&diagnostics, TTL)["range"],
            range(1, start, start + 11),
            "{encoding}"
        );
        let actions = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range(1, start + 1, start + 1),
                   "context": {"diagnostics": [], "only": ["quickfix"]}}),
        );
        let fix = actions
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["title"].as_str().unwrap().contains("Remove"))
            .unwrap()
            .clone();
        // Versioned: a client holding a newer text refuses the edit instead of misapplying it.
        assert_eq!(
            fix["edit"]["documentChanges"][0]["textDocument"]["version"],
            1
        );
        assert_eq!(
            apply(FLOW, &edits_of(&fix, &uri), encoding),
            "version: v0.11.1\ncourier: {smtp: {from_name: \"山田 🌸\"}}\n"
        );
        let hover = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": start + 3}}),
        );
        assert!(hover["contents"]["value"].as_str().unwrap().contains(TTL));
        assert_eq!(client.shutdown(), 0);
    }
}

#[test]
fn pull_diagnostics_fix_all_and_tags() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("kratos.yml"));
    let mut client = Client::start(dir.path());
    let init = client.initialize(
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}},
               "workspace": {"workspaceEdit": {"documentChanges": true}}}),
        json!({}),
    );
    assert_eq!(
        init["capabilities"]["diagnosticProvider"]["interFileDependencies"],
        false
    );
    // Two safe fixes (a rename that v0.11 requires, an unused suppression) and one unsafe
    // one (the removal, which must stay).
    let text = "version: v0.11.1\ncourier:\n  message_ttl: 1h\n  sms:\n    request_config:\n      header: # idplint: ignore[kratos/x]\n        X-A: b\n";
    client.open(&uri, "yaml", text);
    let report = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(report["kind"], "full");
    let items = report["items"].as_array().unwrap();
    let codes: Vec<&str> = items.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&TTL), "{codes:?}");
    assert!(
        codes.contains(&"kratos/sms-request-config-header-renamed"),
        "{codes:?}"
    );
    assert!(codes.contains(&"idplint/unused-suppression"), "{codes:?}");
    // Unchanged since the last pull.
    let again = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}, "previousResultId": report["resultId"]}),
    );
    assert_eq!(again["kind"], "unchanged");

    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(0, 0, 0),
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.idplint");
    let fixed = apply(text, &edits_of(&actions[0], &uri), "utf-16");
    assert_eq!(
        fixed,
        "version: v0.11.1\ncourier:\n  message_ttl: 1h\n  sms:\n    request_config:\n      headers:\n        X-A: b\n"
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn nearest_settings_govern_and_are_reread_when_they_change() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("keycloak.conf");
    let uri = uri_of(&conf);
    let settings = dir.path().join("idplint.toml");
    std::fs::write(&settings, "[target]\nkeycloak = \"25.0.6\"\n").unwrap();
    let mut client = Client::start(dir.path());
    client.initialize(
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
        json!({"debounceMs": 0}),
    );
    // The server asks to be told about settings files.
    let registration = client.wait_for("client/registerCapability", |_| true);
    let watchers = &registration["registrations"][0]["registerOptions"]["watchers"];
    assert_eq!(watchers[0]["globPattern"], "**/idplint.toml");

    client.open(&uri, "properties", "legacy-observability-interface=true\n");
    let diagnostics = client.diagnostics_for(&uri, 1);
    let deprecated = find(&diagnostics, "keycloak/deprecated-option");
    assert_eq!(deprecated["tags"], json!([2]), "Deprecated tag");
    assert_eq!(deprecated["severity"], 2);

    std::fs::write(
        &settings,
        "ignore = [\"keycloak/deprecated-option\"]\n[target]\nkeycloak = \"25.0.6\"\n",
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&settings), "type": 2}]}),
    );
    let diagnostics = client.diagnostics_for(&uri, 1);
    assert_eq!(diagnostics, Vec::<Value>::new());

    // A broken settings file: a warning message, defaults, and diagnostics still flow.
    std::fs::write(&settings, "selec = []\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&settings), "type": 2}]}),
    );
    let message = client.wait_for("window/showMessage", |_| true);
    assert!(
        message["message"]
            .as_str()
            .unwrap()
            .contains("invalid settings")
    );
    let diagnostics = client.diagnostics_for(&uri, 1);
    find(&diagnostics, "idplint/version-unknown");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn bad_input_never_stops_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("kratos.yml"));
    let mut client = Client::start(dir.path());
    client.initialize(json!({}), json!({"debounceMs": 5}));
    client.open(&uri, "yaml", "courier: [unclosed\n  message_ttl: 1h\n");
    let diagnostics = client.diagnostics_for(&uri, 1);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0]["code"], "idplint/parse-error");
    // No actions on a parse error, but an answer.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(0, 0, 0), "context": {"diagnostics": []}}),
    );
    assert_eq!(actions, json!([]));
    // Malformed params, unknown methods, unknown documents, positions far past the end.
    let response = client.request_full("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(response["error"]["code"], -32602);
    let response = client.request_full("textDocument/definition", json!({}));
    assert_eq!(response["error"]["code"], -32601);
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere/kratos.yml"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(hover, Value::Null);
    // A burst of edits (debounced), ranges past the end, then a valid file again.
    for version in 2..=20 {
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": range(999, 0, 999), "text": "\u{0}x"}]}),
        );
    }
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 21},
               "contentChanges": [{"text": "version: v0.11.1\ncourier:\n  message_ttl: 1h\n"}]}),
    );
    let diagnostics = client.diagnostics_for(&uri, 21);
    find(&diagnostics, TTL);
    // A file that is not UTF-8 cannot arrive over JSON; a huge one can.
    let huge = "a: 1\n".repeat(2_200_000);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 22}, "contentChanges": [{"text": huge}]}),
    );
    let diagnostics = client.diagnostics_for(&uri, 22);
    assert_eq!(diagnostics[0]["code"], "idplint/file-too-large");
    // `exit` without `shutdown`: the server leaves with code 1, as the protocol asks.
    client.notify("exit", Value::Null);
    assert_eq!(wait(&mut client.child), 1);
}

#[test]
fn requests_after_shutdown_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path());
    client.initialize(json!({}), json!({}));
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    let response = client.request_full(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///x.yml"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(response["error"]["code"], -32600);
    client.notify("exit", Value::Null);
    assert_eq!(wait(&mut client.child), 0);
}

#[test]
fn editor_only_ignores_from_initialization_options() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("kratos.yml"));
    let mut client = Client::start(dir.path());
    client.initialize(json!({}), json!({"ignore": [TTL]}));
    client.open(&uri, "yaml", KRATOS);
    let diagnostics = client.diagnostics_for(&uri, 1);
    assert!(
        diagnostics.iter().all(|d| d["code"] != TTL),
        "{diagnostics:#?}"
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn secret_values_never_reach_the_client_outside_the_document() {
    const SECRET: &str = "Sup3rS3cretPassw0rd";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("idplint.toml"),
        "[target]\nkeycloak = \"26.0.0\"\n",
    )
    .unwrap();
    let uri = uri_of(&dir.path().join(".env"));
    let mut client = Client::start(dir.path());
    client.initialize(
        json!({"textDocument": {"publishDiagnostics": {"relatedInformation": true}}}),
        json!({}),
    );
    client.open(
        &uri,
        "dotenv",
        &format!("KC_DB=postgres\nKC_DB_PASSWORD={SECRET}\nKC_PROXY=edge\n"),
    );
    let diagnostics = client.diagnostics_for(&uri, 1);
    assert!(!diagnostics.is_empty());
    let published = serde_json::to_string(&diagnostics).unwrap();
    assert!(!published.contains(SECRET), "{published}");
    for line in 0..3 {
        let hover = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 16}}),
        );
        assert!(!hover.to_string().contains(SECRET), "{hover}");
        let actions = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range(line, 0, 30),
                   "context": {"diagnostics": []}}),
        );
        for action in actions.as_array().unwrap() {
            assert!(!action["title"].as_str().unwrap().contains(SECRET));
        }
    }
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn sdk_code_takes_its_version_from_the_nearest_go_mod() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module x\n\nrequire github.com/ory/kratos-client-go v0.11.1\n",
    )
    .unwrap();
    let source = dir.path().join("main.go");
    let uri = uri_of(&source);
    let mut client = Client::start(dir.path());
    client.initialize(json!({}), json!({"debounceMs": 0}));
    client.open(
        &uri,
        "go",
        "package main\n\nimport client \"github.com/ory/kratos-client-go\"\n\nfunc f(c *client.APIClient) {\n\tc.V0alpha2Api.GetJsonSchema(ctx, \"default\")\n}\n",
    );
    let diagnostics = client.diagnostics_for(&uri, 1);
    let renamed = find(&diagnostics, "kratos/sdk-renamed-symbol");
    assert_eq!(renamed["range"], range(5, 3, 28));
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn serverless_documents_are_compared_with_git_head() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/serverless/seed-004");
    let deployed = std::fs::read_to_string(seed.join("1-deployed.serverless.yml")).unwrap();
    let rotation = std::fs::read_to_string(seed.join("2-rotation.serverless.yml")).unwrap();
    std::fs::write(repo.join("serverless.yml"), &deployed).unwrap();
    support_git::git(repo, &["init", "-q"]);
    support_git::git(repo, &["add", "serverless.yml"]);
    support_git::git(repo, &["commit", "-q", "-m", "deployed"]);
    let uri = uri_of(&repo.join("serverless.yml"));
    let mut client = Client::start(repo);
    client.initialize(json!({}), json!({}));
    // The editor holds the one-deploy rotation of seed 004; HEAD has the deployed file.
    client.open(&uri, "yaml", &rotation);
    let diagnostics = client.diagnostics_for(&uri, 1);
    let replacement = find(&diagnostics, "serverless/apikey-replacement");
    assert_eq!(replacement["range"]["start"]["line"], 12);
    assert_eq!(replacement["severity"], 1);
    // A file with the committed content has nothing to report.
    let same = uri_of(&repo.join("serverless.yml"));
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": same}}),
    );
    client.open(&same, "yaml", &deployed);
    let diagnostics = client.diagnostics_for(&same, 1);
    // The analysis of the reopened file, not the clearing that follows the close.
    find(&diagnostics, "serverless/apikey-stage-scope");
    assert!(
        diagnostics
            .iter()
            .all(|d| d["code"] != "serverless/apikey-replacement"),
        "{diagnostics:?}"
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn cross_file_rules_see_the_files_around_the_document() {
    // The Compose service builds `keycloak/Dockerfile.prod`: only with that file in the run
    // does `optimized-build-time-option` know the image was built for PostgreSQL.
    let dir = tempfile::tempdir().unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/keycloak/compose-build");
    std::fs::create_dir_all(dir.path().join("keycloak")).unwrap();
    std::fs::copy(
        fixture.join("keycloak/Dockerfile.prod"),
        dir.path().join("keycloak/Dockerfile.prod"),
    )
    .unwrap();
    let compose_path = dir.path().join("docker-compose.yml");
    let compose = std::fs::read_to_string(fixture.join("docker-compose.yml")).unwrap();
    std::fs::write(&compose_path, &compose).unwrap();
    let uri = uri_of(&compose_path);
    let mut client = Client::start(dir.path());
    client.initialize(json!({}), json!({"debounceMs": 0}));
    client.open(&uri, "yaml", &compose);
    let diagnostics = client.diagnostics_for(&uri, 1);
    let built = find(&diagnostics, "keycloak/optimized-build-time-option");
    assert!(
        built["message"]
            .as_str()
            .unwrap()
            .contains("built with `postgres`"),
        "{built}"
    );
    // The same file alone (no Dockerfile beside it): the build is unknown, nothing is said.
    std::fs::remove_file(dir.path().join("keycloak/Dockerfile.prod")).unwrap();
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": compose}]}),
    );
    let diagnostics = client.diagnostics_for(&uri, 2);
    assert!(
        diagnostics
            .iter()
            .all(|d| d["code"] != "keycloak/optimized-build-time-option"),
        "{diagnostics:#?}"
    );
    assert_eq!(client.shutdown(), 0);
}
