//! `idplint completions SHELL` and `idplint man`: generated from the clap definition, so they
//! never drift from the real command line. `docs/man/` holds the generated pages; the `man`
//! test fails when they are stale.

use crate::cli::Cli;
use crate::{Failure, Streams};
use clap::CommandFactory;
use std::path::Path;

pub fn completions(shell: clap_complete::Shell, streams: &mut Streams) -> Result<u8, Failure> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "idplint", &mut out);
    streams.out_bytes(&out);
    Ok(0)
}

/// Every page: `idplint.1` first, then `idplint-<command>.1` for each subcommand.
pub fn pages() -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let mut command = Cli::command();
    command.build();
    let mut pages = Vec::new();
    pages.push(("idplint.1".to_string(), render(command.clone())?));
    for sub in command.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let name = format!("idplint-{}", sub.get_name());
        let page = sub
            .clone()
            .display_name(name.clone())
            .version(env!("CARGO_PKG_VERSION"))
            .bin_name(format!("idplint {}", sub.get_name()));
        pages.push((format!("{name}.1"), render(page)?));
    }
    Ok(pages)
}

fn render(command: clap::Command) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut out)
        .map_err(|error| Failure::new(format!("cannot render the man page: {error}")))?;
    Ok(out)
}

pub fn man(dir: Option<&Path>, streams: &mut Streams) -> Result<u8, Failure> {
    let pages = pages()?;
    let Some(dir) = dir else {
        if let Some((_, page)) = pages.first() {
            streams.out_bytes(page);
        }
        return Ok(0);
    };
    std::fs::create_dir_all(dir)
        .map_err(|error| Failure::new(format!("cannot create {}: {error}", dir.display())))?;
    for (name, page) in &pages {
        let path = dir.join(name);
        std::fs::write(&path, page)
            .map_err(|error| Failure::new(format!("cannot write {}: {error}", path.display())))?;
    }
    Ok(0)
}
