//! The `idplint` binary; everything lives in the library (`src/lib.rs`).

fn main() -> std::process::ExitCode {
    idplint::main()
}
