//! The `revaerd` binary.

use clap::Parser;
use revaerd::boot::{self, Options};
use revaerd::cli::{Cli, Command};
use revaerd::env::Environment;
use revaerd::{logging, shutdown};
use std::process::ExitCode;

// Why: list responses build and free hundreds of small strings per request
// on the engine thread and free them on HTTP workers; glibc malloc spends
// more time consolidating those cross-thread frees than the handler spends
// working (see docs/benchmarks.md). mimalloc frees them cheaply.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let env = Environment::read();
    logging::init(env.log_filter.as_deref());

    if let Some(Command::Migrate) = cli.command {
        return match boot::prepare_database(&env.database_url) {
            Ok((_, snapshot)) => {
                println!(
                    "migrations applied; settings revision {}",
                    snapshot.revision
                );
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("revaerd: {err}");
                ExitCode::FAILURE
            }
        };
    }

    let mut options = Options::new(env.database_url);
    options.bind = cli.bind;
    if let Some(workers) = cli.workers {
        options.workers = workers;
    }
    let system = actix_rt::System::new();
    let outcome = system.block_on(async move {
        let running = boot::start(options).await?;
        // Scripts and tests read this line to learn the bound address.
        println!("revaerd listening on http://{}", running.addr);
        shutdown::signal().await;
        shutdown::stop(running).await;
        Ok::<(), boot::BootError>(())
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "revaerd failed to start");
            eprintln!("revaerd: {err}");
            ExitCode::FAILURE
        }
    }
}
