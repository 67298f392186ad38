//! `idplint lsp`: the language server.
//!
//! Publishes the engine's diagnostics for open documents (pushed after open and debounced
//! edits, or pulled by clients that support `textDocument/diagnostic`), offers each fix as a
//! quick fix plus "ignore this rule on this line" and `source.fixAll.idplint` (safe fixes
//! only), and shows rule documentation on hover. Positions use UTF-8 when the client offers
//! it, else UTF-16. The nearest `idplint.toml` governs each document and is re-read when the
//! client reports a change to it. See docs/editors.md for client setups.
//!
//! Layout: [`server`] runs the loop over an `lsp_server::Connection`; [`document`] keeps the
//! client's text; [`analysis`] is the lint path (what the latency benchmark measures), run
//! together with the files around the document ([`neighbours`]) for the cross-file rules;
//! [`actions`] and [`hover`] answer requests from the latest analysis.

pub mod actions;
pub mod analysis;
pub mod document;
pub mod encoding;
pub mod git;
pub mod hover;
pub mod neighbours;
pub mod server;
pub mod settings;
pub mod uri;

pub use server::{DEFAULT_DEBOUNCE, Ending, run};

use lsp_server::Connection;

/// Serve over standard input and output until the client says `exit`. `Ok(Ending::Clean)`
/// when it said `shutdown` first (exit code 0), `Ok(Ending::Abrupt)` otherwise (exit code 1,
/// as the protocol asks).
pub fn run_stdio(registry: &idplint_linter::Registry) -> Result<Ending, String> {
    let (connection, io_threads) = Connection::stdio();
    let ending = run(&connection, registry);
    // The writer thread ends once every sender is gone; after a clean `exit` the reader has
    // stopped too. On other endings the reader may still be blocked on standard input, so it
    // is not waited for.
    drop(connection);
    if matches!(ending, Ok(Ending::Clean)) {
        io_threads
            .join()
            .map_err(|e| format!("language server I/O failed: {e}"))?;
    }
    ending
}
