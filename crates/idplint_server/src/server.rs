//! The main loop: one thread reads client messages, keeps the open documents, lints them
//! (debounced after edits) and answers requests from the latest lint.
//!
//! A lint of one config file takes milliseconds, so everything runs on this one thread: no
//! snapshots, no locks, and requests always see the newest text. A request about a document
//! with a pending (debounced) lint lints it first, so answers and published diagnostics never
//! disagree.

use crate::actions::{self, EditFeatures, FIX_ALL_KIND};
use crate::analysis::{self, Analysis, DiagnosticFeatures};
use crate::document::Document;
use crate::encoding::Encoding;
use crate::hover;
use crate::neighbours::NeighbourCache;
use crate::settings::SettingsCache;
use crate::uri;
use gen_lsp_types as lsp;
use idplint_linter::Registry;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long to wait after an edit before linting: typing produces a burst of changes and only
/// the last one's diagnostics are worth computing. Overridable with the initialization option
/// `debounceMs` (tests and the benchmark use 0).
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(50);

/// However fast the user types, diagnostics are refreshed at least this often.
const MAX_DEBOUNCE_FACTOR: u32 = 4;

/// What the client said it supports, read from `initialize`.
#[derive(Clone, Debug, Default)]
pub struct ClientFeatures {
    pub encoding: Option<Encoding>,
    pub pull_diagnostics: bool,
    pub diagnostic_refresh: bool,
    pub document_changes: bool,
    pub watch_files_dynamically: bool,
    pub related_information: bool,
    pub markdown_hover: bool,
    pub debounce: Option<Duration>,
    /// Rule selectors never reported in this editor (initialization option `ignore`), on top
    /// of `idplint.toml`: for silencing what another server already says (see
    /// docs/editors.md on yaml-language-server) without changing what CI reports.
    pub ignore: Vec<String>,
}

impl ClientFeatures {
    /// Read from the raw `initialize` params rather than the typed ones: one unexpected value
    /// anywhere in a client's (large, version-dependent) capabilities must not cost us the
    /// few flags we need.
    pub fn from_params(params: &Value) -> Self {
        let flag = |pointer: &str| params.pointer(pointer).and_then(Value::as_bool) == Some(true);
        let strings = |pointer: &str| -> Vec<String> {
            params
                .pointer(pointer)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let encodings = strings("/capabilities/general/positionEncodings");
        Self {
            encoding: Some(Encoding::negotiate(&encodings)),
            pull_diagnostics: params
                .pointer("/capabilities/textDocument/diagnostic")
                .is_some_and(Value::is_object),
            diagnostic_refresh: flag("/capabilities/workspace/diagnostics/refreshSupport"),
            document_changes: flag("/capabilities/workspace/workspaceEdit/documentChanges"),
            watch_files_dynamically: flag(
                "/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration",
            ),
            related_information: flag(
                "/capabilities/textDocument/publishDiagnostics/relatedInformation",
            ),
            markdown_hover: strings("/capabilities/textDocument/hover/contentFormat")
                .iter()
                .any(|f| f == "markdown"),
            debounce: params
                .pointer("/initializationOptions/debounceMs")
                .and_then(Value::as_u64)
                .map(Duration::from_millis),
            ignore: strings("/initializationOptions/ignore"),
        }
    }
}

/// The server's whole state.
pub struct Server<'a> {
    connection: &'a Connection,
    registry: &'a Registry,
    client: ClientFeatures,
    encoding: Encoding,
    debounce: Duration,
    documents: HashMap<String, Document>,
    analyses: HashMap<String, Analysis>,
    /// Documents edited but not linted yet: (first unlinted edit, latest edit).
    pending: HashMap<String, (Instant, Instant)>,
    settings: SettingsCache,
    /// The files around open documents, for the cross-file rules.
    neighbours: NeighbourCache,
    reported_settings_errors: HashSet<String>,
    shutdown_requested: bool,
    next_request_id: i32,
}

/// How the loop ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// `shutdown` then `exit`, as the protocol asks.
    Clean,
    /// `exit` without `shutdown`, or the client went away.
    Abrupt,
}

/// Run the initialize handshake and the main loop on `connection` until `exit`.
pub fn run(connection: &Connection, registry: &Registry) -> Result<Ending, String> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("initialize failed: {e}"))?;
    let client = ClientFeatures::from_params(&params);
    let encoding = client.encoding.unwrap_or(Encoding::Utf16);
    let result = lsp::InitializeResult {
        capabilities: capabilities(&client, encoding),
        server_info: Some(lsp::ServerInfo {
            name: "idplint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("initialize failed: {e}"))?;
    let mut server = Server {
        connection,
        registry,
        debounce: client.debounce.unwrap_or(DEFAULT_DEBOUNCE),
        client,
        encoding,
        documents: HashMap::new(),
        analyses: HashMap::new(),
        pending: HashMap::new(),
        settings: SettingsCache::default(),
        neighbours: NeighbourCache::default(),
        reported_settings_errors: HashSet::new(),
        shutdown_requested: false,
        next_request_id: 0,
    };
    server.register_watchers()?;
    server.main_loop()
}

fn capabilities(client: &ClientFeatures, encoding: Encoding) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(lsp::TextDocumentSync::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::Incremental),
                ..lsp::TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(lsp::HoverProvider::Bool(true)),
        code_action_provider: Some(lsp::CodeActionProvider::CodeActionOptions(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![
                    lsp::CodeActionKind::QuickFix,
                    lsp::CodeActionKind::Custom(FIX_ALL_KIND.into()),
                ]),
                resolve_provider: Some(false),
                ..lsp::CodeActionOptions::default()
            },
        )),
        diagnostic_provider: client.pull_diagnostics.then(|| {
            lsp::DiagnosticProvider::DiagnosticOptions(lsp::DiagnosticOptions {
                identifier: Some("idplint".to_string()),
                inter_file_dependencies: false,
                workspace_diagnostics: false,
                ..lsp::DiagnosticOptions::default()
            })
        }),
        ..lsp::ServerCapabilities::default()
    }
}

impl Server<'_> {
    fn main_loop(&mut self) -> Result<Ending, String> {
        loop {
            let message = match self.next_deadline() {
                Some(deadline) => {
                    let wait = deadline.saturating_duration_since(Instant::now());
                    match self.connection.receiver.recv_timeout(wait) {
                        Ok(message) => message,
                        Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                            self.lint_due()?;
                            continue;
                        }
                        Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                            return Ok(Ending::Abrupt);
                        }
                    }
                }
                None => match self.connection.receiver.recv() {
                    Ok(message) => message,
                    Err(_) => return Ok(Ending::Abrupt),
                },
            };
            match message {
                Message::Notification(notification) if notification.method == "exit" => {
                    return Ok(if self.shutdown_requested {
                        Ending::Clean
                    } else {
                        Ending::Abrupt
                    });
                }
                Message::Request(request) => {
                    let id = request.id.clone();
                    // A bug in one handler must cost one answer, not the editor's server.
                    match catch_unwind(AssertUnwindSafe(|| self.on_request(request))) {
                        Ok(result) => result?,
                        Err(_) => self.send(Message::Response(Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            "idplint hit an internal error answering this request".to_string(),
                        )))?,
                    }
                }
                Message::Notification(notification) => {
                    if let Ok(result) =
                        catch_unwind(AssertUnwindSafe(|| self.on_notification(notification)))
                    {
                        result?;
                    }
                }
                // Answers to our own requests (registration, refresh): nothing to do.
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, message: Message) -> Result<(), String> {
        self.connection
            .sender
            .send(message)
            .map_err(|_| "the client closed the connection".to_string())
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) -> Result<(), String> {
        self.send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )))
    }

    fn request(&mut self, method: &str, params: impl serde::Serialize) -> Result<(), String> {
        self.next_request_id += 1;
        let id = RequestId::from(format!("idplint-{}", self.next_request_id));
        self.send(Message::Request(Request::new(
            id,
            method.to_string(),
            params,
        )))
    }

    /// Ask the client to tell us when a settings file changes (clients that cannot register
    /// dynamically may still send the notification; it is handled either way).
    fn register_watchers(&mut self) -> Result<(), String> {
        if !self.client.watch_files_dynamically {
            return Ok(());
        }
        let options = lsp::DidChangeWatchedFilesRegistrationOptions {
            watchers: idplint_linter::settings::FILE_NAMES
                .iter()
                .map(|name| lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::Pattern(format!("**/{name}")),
                    kind: None,
                })
                .collect(),
        };
        let params = lsp::RegistrationParams {
            registrations: vec![lsp::Registration {
                id: "idplint-settings-watcher".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.request("client/registerCapability", params)
    }

    fn on_request(&mut self, request: Request) -> Result<(), String> {
        let id = request.id.clone();
        if self.shutdown_requested {
            return self.send(Message::Response(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".to_string(),
            )));
        }
        let result: Result<Value, (ErrorCode, String)> = match request.method.as_str() {
            "shutdown" => {
                self.shutdown_requested = true;
                Ok(Value::Null)
            }
            "textDocument/codeAction" => {
                parse::<lsp::CodeActionParams>(request.params).map(|p| self.code_action(p))
            }
            "textDocument/hover" => {
                parse::<lsp::HoverParams>(request.params).map(|p| self.hover(p))
            }
            "textDocument/diagnostic" => parse::<lsp::DocumentDiagnosticParams>(request.params)
                .map(|p| self.pull_diagnostics(p)),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("idplint does not handle {}", request.method),
            )),
        };
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.flush_published()?;
        self.send(Message::Response(response))
    }

    fn on_notification(&mut self, notification: Notification) -> Result<(), String> {
        if self.shutdown_requested {
            return Ok(());
        }
        match notification.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(params) =
                    serde_json::from_value::<lsp::DidOpenTextDocumentParams>(notification.params)
                else {
                    return Ok(());
                };
                let item = params.text_document;
                let language = serde_json::to_value(&item.language_id)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                let uri = item.uri.to_string();
                let mut document = Document::new(uri.clone(), language, item.version, item.text);
                // Once per open, not per edit: `git show` costs a process.
                document.base = document
                    .path
                    .as_deref()
                    .filter(|_| {
                        idplint_linter::products::wants_base(&document.lint_path, &document.text)
                    })
                    .and_then(|path| crate::git::show("HEAD", path));
                self.documents.insert(uri.clone(), document);
                self.analyses.remove(&uri);
                self.pending.remove(&uri);
                // Opening is not typing: diagnostics go out at once.
                self.lint_and_publish(&uri)
            }
            "textDocument/didChange" => {
                let Ok(params) =
                    serde_json::from_value::<lsp::DidChangeTextDocumentParams>(notification.params)
                else {
                    return Ok(());
                };
                let uri = params
                    .text_document
                    .text_document_identifier
                    .uri
                    .to_string();
                let encoding = self.encoding;
                let Some(document) = self.documents.get_mut(&uri) else {
                    return Ok(());
                };
                document.apply_changes(
                    params.text_document.version,
                    params.content_changes,
                    encoding,
                );
                self.analyses.remove(&uri);
                self.neighbours_changed(&uri);
                if self.debounce.is_zero() {
                    self.lint_and_publish(&uri)
                } else {
                    let now = Instant::now();
                    let first = self.pending.get(&uri).map_or(now, |(first, _)| *first);
                    self.pending.insert(uri, (first, now));
                    Ok(())
                }
            }
            "textDocument/didClose" => {
                let Ok(params) =
                    serde_json::from_value::<lsp::DidCloseTextDocumentParams>(notification.params)
                else {
                    return Ok(());
                };
                let uri = params.text_document.uri.to_string();
                self.documents.remove(&uri);
                self.analyses.remove(&uri);
                self.pending.remove(&uri);
                if self.client.pull_diagnostics {
                    return Ok(());
                }
                // Clear what we showed: a closed file's findings belong to `idplint check`.
                self.notify(
                    "textDocument/publishDiagnostics",
                    lsp::PublishDiagnosticsParams {
                        uri: uri.into(),
                        version: None,
                        diagnostics: Vec::new(),
                    },
                )
            }
            "workspace/didChangeWatchedFiles" => {
                let Ok(params) =
                    serde_json::from_value::<lsp::DidChangeWatchedFilesParams>(notification.params)
                else {
                    return Ok(());
                };
                let settings_changed = params.changes.iter().any(|change| {
                    uri::to_path(change.uri.as_ref())
                        .is_some_and(|path| SettingsCache::is_settings_file(&path))
                });
                if settings_changed {
                    self.reload_settings()?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// `uri` changed: the open documents whose cross-file findings may depend on it (same
    /// directory, or one level up or down, as `NeighbourCache` reads) are linted again after
    /// the debounce, like an edit of their own.
    fn neighbours_changed(&mut self, uri: &str) {
        let Some(directory) = self
            .documents
            .get(uri)
            .and_then(|d| d.path.as_ref()?.parent().map(PathBuf::from))
        else {
            return;
        };
        let related = |other: &std::path::Path| {
            other == directory
                || other.parent() == Some(directory.as_path())
                || directory.parent() == Some(other)
        };
        let now = Instant::now();
        let others: Vec<String> = self
            .documents
            .iter()
            .filter(|(other, d)| {
                *other != uri
                    && d.path
                        .as_ref()
                        .and_then(|p| p.parent())
                        .is_some_and(&related)
            })
            .map(|(other, _)| other.clone())
            .collect();
        for other in others {
            self.analyses.remove(&other);
            let first = self.pending.get(&other).map_or(now, |(first, _)| *first);
            self.pending.insert(other, (first, now));
        }
    }

    /// A settings file changed: forget all settings, re-lint every open document.
    fn reload_settings(&mut self) -> Result<(), String> {
        self.settings.invalidate();
        self.reported_settings_errors.clear();
        self.analyses.clear();
        if self.client.pull_diagnostics {
            if self.client.diagnostic_refresh {
                self.request("workspace/diagnostic/refresh", Value::Null)?;
            }
            return Ok(());
        }
        let uris: Vec<String> = self.documents.keys().cloned().collect();
        for uri in uris {
            self.pending.remove(&uri);
            self.lint_and_publish(&uri)?;
        }
        Ok(())
    }

    fn next_deadline(&self) -> Option<Instant> {
        let max_wait = self.debounce * MAX_DEBOUNCE_FACTOR;
        self.pending
            .values()
            .map(|(first, last)| (*last + self.debounce).min(*first + max_wait))
            .min()
    }

    fn lint_due(&mut self) -> Result<(), String> {
        let now = Instant::now();
        let max_wait = self.debounce * MAX_DEBOUNCE_FACTOR;
        let due: Vec<String> = self
            .pending
            .iter()
            .filter(|(_, (first, last))| *last + self.debounce <= now || *first + max_wait <= now)
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in due {
            self.pending.remove(&uri);
            self.lint_and_publish(&uri)?;
        }
        Ok(())
    }

    /// Before answering a request, publish whatever a pending debounce was holding back, so
    /// the client never acts on diagnostics older than the answer.
    fn flush_published(&mut self) -> Result<(), String> {
        let stale: Vec<String> = self
            .pending
            .keys()
            .filter(|uri| self.analyses.contains_key(*uri))
            .cloned()
            .collect();
        for uri in stale {
            self.pending.remove(&uri);
            self.publish(&uri)?;
        }
        Ok(())
    }

    /// The analysis of the current version of `uri`, linting it if needed.
    fn analysis(&mut self, uri: &str) -> Option<&Analysis> {
        let document = self.documents.get(uri)?;
        let generation = self.settings.generation();
        let fresh = self
            .analyses
            .get(uri)
            .is_some_and(|a| a.version == document.version && a.generation == generation);
        if !fresh {
            let mut resolved = self.settings.resolve(document.path.as_deref());
            resolved
                .options
                .ignore
                .extend(self.client.ignore.iter().cloned());
            if let Some(error) = &resolved.error
                && self.reported_settings_errors.insert(error.clone())
            {
                let _ = self.notify(
                    "window/showMessage",
                    lsp::ShowMessageParams {
                        kind: lsp::MessageType::Warning,
                        message: error.clone(),
                    },
                );
            }
            let neighbours = match &document.path {
                Some(path) if !resolved.excluded => {
                    let open: HashMap<PathBuf, &str> = self
                        .documents
                        .values()
                        .filter_map(|d| Some((d.path.clone()?, d.text.as_str())))
                        .collect();
                    self.neighbours.around(path, &open)
                }
                _ => Vec::new(),
            };
            let analysis =
                analysis::analyze(self.registry, document, &resolved, generation, &neighbours);
            self.analyses.insert(uri.to_string(), analysis);
        }
        self.analyses.get(uri)
    }

    fn lint_and_publish(&mut self, uri: &str) -> Result<(), String> {
        self.analysis(uri);
        if self.client.pull_diagnostics {
            return Ok(());
        }
        self.publish(uri)
    }

    fn publish(&self, uri: &str) -> Result<(), String> {
        if self.client.pull_diagnostics {
            return Ok(());
        }
        let (Some(document), Some(analysis)) = (self.documents.get(uri), self.analyses.get(uri))
        else {
            return Ok(());
        };
        let diagnostics = analysis::to_lsp(
            document,
            analysis,
            self.encoding,
            self.diagnostic_features(),
            self.registry,
        );
        self.notify(
            "textDocument/publishDiagnostics",
            lsp::PublishDiagnosticsParams {
                uri: uri.to_string().into(),
                version: Some(document.version),
                diagnostics,
            },
        )
    }

    fn diagnostic_features(&self) -> DiagnosticFeatures {
        DiagnosticFeatures {
            related_information: self.client.related_information,
        }
    }

    fn edit_features(&self) -> EditFeatures {
        EditFeatures {
            document_changes: self.client.document_changes,
        }
    }

    fn code_action(&mut self, params: lsp::CodeActionParams) -> Value {
        let uri = params.text_document.uri.to_string();
        if self.analysis(&uri).is_none() {
            return Value::Null;
        }
        let (Some(document), Some(analysis)) = (self.documents.get(&uri), self.analyses.get(&uri))
        else {
            return Value::Null;
        };
        let only = params.context.only.as_deref();
        let mut out = Vec::new();
        if actions::wanted(only, "quickfix") {
            let range = document.positions(self.encoding).text_range(params.range);
            out.extend(actions::quick_fixes(
                self.registry,
                document,
                analysis,
                range,
                self.encoding,
                self.edit_features(),
            ));
        }
        if actions::wanted(only, FIX_ALL_KIND)
            && let Some(action) = actions::fix_all(
                self.registry,
                document,
                analysis,
                self.encoding,
                self.edit_features(),
            )
        {
            out.push(action);
        }
        serde_json::to_value(out).unwrap_or(Value::Null)
    }

    fn hover(&mut self, params: lsp::HoverParams) -> Value {
        let position = params.text_document_position_params;
        let uri = position.text_document.uri.to_string();
        if self.analysis(&uri).is_none() {
            return Value::Null;
        }
        let (Some(document), Some(analysis)) = (self.documents.get(&uri), self.analyses.get(&uri))
        else {
            return Value::Null;
        };
        let offset = document.positions(self.encoding).offset(position.position);
        hover::hover(
            self.registry,
            document,
            analysis,
            offset,
            self.encoding,
            self.client.markdown_hover,
        )
        .and_then(|h| serde_json::to_value(h).ok())
        .unwrap_or(Value::Null)
    }

    fn pull_diagnostics(&mut self, params: lsp::DocumentDiagnosticParams) -> Value {
        let uri = params.text_document.uri.to_string();
        self.pending.remove(&uri);
        // Not open here: nothing to say (closed files are `idplint check`'s business).
        if self.analysis(&uri).is_none() {
            return serde_json::json!({"kind": "full", "items": []});
        }
        let (Some(document), Some(analysis)) = (self.documents.get(&uri), self.analyses.get(&uri))
        else {
            return serde_json::json!({"kind": "full", "items": []});
        };
        let result_id = format!("{}:{}", analysis.version, analysis.generation);
        if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
            return serde_json::json!({"kind": "unchanged", "resultId": result_id});
        }
        let items = analysis::to_lsp(
            document,
            analysis,
            self.encoding,
            self.diagnostic_features(),
            self.registry,
        );
        serde_json::json!({"kind": "full", "resultId": result_id, "items": items})
    }
}

fn parse<P: DeserializeOwned>(params: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(params)
        .map_err(|error| (ErrorCode::InvalidParams, format!("invalid params: {error}")))
}
