//! One module per group of commands; `run` dispatches.

pub mod config;
pub mod control;
pub mod detail;
pub mod follow;
pub mod info;
pub mod keys;
pub mod labels;
pub mod setup;
pub mod tail;
pub mod torrents;

use crate::args::{Cli, Command, FsopsCommand};
use crate::exit::{CliError, Exit};
use crate::output::Out;

/// Runs the command the user gave.
pub async fn run(cli: Cli, out: Out) -> Result<Exit, CliError> {
    if let Command::Completions { shell } = &cli.command {
        info::completions(*shell);
        return Ok(Exit::Success);
    }
    let client = crate::connect::client(&cli)?;
    let done = |()| Exit::Success;
    match cli.command {
        Command::Setup(command) => setup::run(&client, command, out).await.map(done),
        Command::Config(command) => config::run(&client, command, out).await.map(done),
        Command::Keys(command) => keys::run(&client, command, out).await.map(done),
        Command::Add(args) => torrents::add(&client, args, out).await,
        Command::Ls(args) => torrents::list(&client, args, out).await.map(done),
        Command::Status { id, follow } => detail::status(&client, &id, follow, out).await,
        Command::Select(args) => torrents::select(&client, args, out).await.map(done),
        Command::Pause(ids) => control::simple(&client, "pause", &ids.ids, out).await,
        Command::Resume(ids) => control::simple(&client, "resume", &ids.ids, out).await,
        Command::ForceStart(ids) => control::simple(&client, "force_start", &ids.ids, out).await,
        Command::UnforceStart(ids) => {
            control::simple(&client, "unforce_start", &ids.ids, out).await
        }
        Command::Queue { movement, ids } => control::queue(&client, movement.into(), &ids, out)
            .await
            .map(done),
        Command::Recheck(ids) => control::simple(&client, "recheck", &ids.ids, out).await,
        Command::Reannounce(ids) => control::simple(&client, "reannounce", &ids.ids, out).await,
        Command::Sequential { id, value } => control::sequential(&client, &id, value, out)
            .await
            .map(done),
        Command::FirstLastPrio { value, ids } => {
            let what = "first/last piece priority";
            control::switch(&client, "first_last_piece_prio", what, value, &ids, out).await
        }
        Command::SuperSeed { value, ids } => {
            control::switch(&client, "super_seeding", "super seeding", value, &ids, out).await
        }
        Command::Limit { id, down, up } => {
            control::limit(&client, &id, down, up, out).await.map(done)
        }
        Command::Rm { ids, delete_data } => control::remove(&client, &ids, delete_data, out).await,
        Command::Categories(command) => labels::categories(&client, command, out).await.map(done),
        Command::Tags(command) => labels::tags(&client, command, out).await.map(done),
        Command::Fsops(FsopsCommand::Retry { id }) => {
            control::retry_fsops(&client, &id, out).await.map(done)
        }
        Command::Tail(args) => tail::run(&client, args, out).await.map(done),
        Command::Health { full } => info::health(&client, full, out).await,
        Command::Version => info::version(&client, out).await.map(done),
        Command::Completions { .. } => Ok(Exit::Success),
    }
}
