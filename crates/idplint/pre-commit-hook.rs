//! `idplint-pre-commit`: the binary pre-commit installs for the hooks in
//! `.pre-commit-hooks.yaml`. pre-commit's `language: rust` runs `cargo install --path .` at the
//! repository root, which needs a package there (the root `Cargo.toml`); this is that
//! package's binary, and it is the `idplint` command line under another name (a second
//! binary called `idplint` would collide with this crate's in the shared target directory).

fn main() -> std::process::ExitCode {
    idplint::main()
}
