//! The `revaerd` binary.

use clap::Parser;
use revaerd::boot::{self, Options};
use revaerd::cli::{Cli, Command, HealthcheckArgs};
use revaerd::env::Environment;
use revaerd::{healthcheck, logging, shutdown};
use std::process::ExitCode;
use std::time::Duration;

// Why: list responses build and free hundreds of small strings per request
// on the engine thread and free them on HTTP workers; glibc malloc spends
// more time consolidating those cross-thread frees than the handler spends
// working (see docs/benchmarks.md). mimalloc frees them cheaply.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit code for an unusable environment (as clap uses for bad flags).
const CONFIG_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Healthcheck(args)) = &cli.command {
        return run_healthcheck(args, &cli);
    }
    let env = match Environment::read() {
        Ok(env) => env,
        Err(err) => {
            eprintln!("revaerd: {err}");
            return ExitCode::from(CONFIG_ERROR);
        }
    };
    logging::init(
        env.log_filter.as_deref(),
        cli.log_format.or(env.log_format).unwrap_or_default(),
    );
    match cli.command {
        Some(Command::Migrate) => migrate(&env),
        _ => serve(&cli, env),
    }
}

fn run_healthcheck(args: &HealthcheckArgs, cli: &Cli) -> ExitCode {
    let url = match (&args.url, cli.bind) {
        (Some(url), _) => url.clone(),
        (None, Some(bind)) => healthcheck::default_url(Some(bind)),
        (None, None) => match Environment::read_bind() {
            Ok(bind) => healthcheck::default_url(bind),
            Err(err) => {
                eprintln!("revaerd healthcheck: {err}");
                return ExitCode::FAILURE;
            }
        },
    };
    match healthcheck::check(&url, Duration::from_secs(args.timeout.max(1))) {
        Ok(200) => {
            println!("healthy: {url} answered 200");
            ExitCode::SUCCESS
        }
        Ok(status) => {
            eprintln!("unhealthy: {url} answered {status}");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("unhealthy: {err}");
            ExitCode::FAILURE
        }
    }
}

fn migrate(env: &Environment) -> ExitCode {
    match boot::prepare_database(&env.database_url) {
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
    }
}

fn serve(cli: &Cli, env: Environment) -> ExitCode {
    let mut options = Options::new(env.database_url);
    options.bind = cli.bind.or(env.bind);
    if let Some(workers) = cli.workers {
        options.workers = workers;
    }
    options.api.access_log = cli.access_log || env.access_log;
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
