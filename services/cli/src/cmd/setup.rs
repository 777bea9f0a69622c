//! `revaer setup start|complete|init`: the first-run flow. The token and the
//! first API key are printed once, alone on stdout, so scripts can capture
//! them (`KEY=$(revaer setup init ...)`); everything else goes to stderr.

use revaer_client::Client;
use revaer_wire::SetupCompleteRequest;

use crate::args::{SetupCommand, SetupSettings};
use crate::exit::CliError;
use crate::output::{line, Out};

/// Runs a setup command.
pub async fn run(client: &Client, command: SetupCommand, out: Out) -> Result<(), CliError> {
    match command {
        SetupCommand::Start => {
            let started = client.setup_start().await?;
            if out.human() {
                line(&started.token);
                eprintln!("setup token issued; valid until {}", started.expires_at);
                Ok(())
            } else {
                out.json(&started)
            }
        }
        SetupCommand::Complete(args) => complete(client, args.token, args.settings, out).await,
        SetupCommand::Init(settings) => {
            let started = client.setup_start().await?;
            complete(client, started.token, settings, out).await
        }
    }
}

async fn complete(
    client: &Client,
    token: String,
    settings: SetupSettings,
    out: Out,
) -> Result<(), CliError> {
    let request = SetupCompleteRequest {
        token,
        instance_name: settings.instance_name,
        download_root: settings.download_root,
        library_root: settings.library_root,
        resume_dir: settings.resume_dir,
        api_key_label: settings.key_label,
    };
    let done = client.setup_complete(&request).await?;
    if !out.human() {
        return out.json(&done);
    }
    line(&done.api_key);
    eprintln!(
        "setup complete (settings revision {}); the API key above (id {}) is shown only once",
        done.revision, done.key_id
    );
    Ok(())
}
