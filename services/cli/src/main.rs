//! `revaer`: the command-line client of Revaer's API. Every route has a
//! command; output is tables for people or the API's JSON for scripts; the
//! exit code says what happened (see `args::EXIT_CODES`).

mod args;
mod cmd;
mod connect;
mod exit;
mod human;
mod ids;
mod output;
mod resume;

use clap::Parser;
use std::process::ExitCode;

use crate::args::Cli;
use crate::exit::{CliError, Exit};
use crate::output::Out;

fn main() -> ExitCode {
    // clap prints its own errors and exits with 2 (0 for --help/--version).
    let cli = Cli::parse();
    let out = Out::new(cli.output, cli.no_color);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("revaer: cannot start: {err}");
            return Exit::Runtime.into();
        }
    };
    match runtime.block_on(cmd::run(cli, out)) {
        Ok(exit) => exit.into(),
        Err(err) => {
            exit::report(&err, out.format);
            err.exit().into()
        }
    }
}

/// The result of a command that may have failed in part (several ids):
/// each failure is reported as it happens, and the first one's code wins.
#[derive(Debug, Default)]
pub struct Outcome {
    first_failure: Option<Exit>,
}

impl Outcome {
    /// Records (and reports) one item's failure.
    pub fn failed(&mut self, err: &CliError, out: Out) {
        exit::report(err, out.format);
        self.first_failure.get_or_insert(err.exit());
    }

    /// The exit code.
    pub fn exit(&self) -> Exit {
        self.first_failure.unwrap_or(Exit::Success)
    }
}
