//! `revaer setup start|complete|init`: the first-run flow. The token and the
//! first API key are printed once, alone on stdout, so scripts can capture
//! them (`KEY=$(revaer setup init ...)`); everything else goes to stderr.

use revaer_client::Client;
use revaer_wire::SetupCompleteRequest;

use crate::args::{SetupCommand, SetupSettings};
use crate::exit::CliError;
use crate::output::{line, Out};

/// Longest wait for the engine after setup.
const ENGINE_START: std::time::Duration = std::time::Duration::from_secs(30);

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
    if out.human() {
        line(&done.api_key);
        eprintln!(
            "setup complete (settings revision {}); the API key above (id {}) is shown only once",
            done.revision, done.key_id
        );
    } else {
        out.json(&done)?;
    }
    if !engine_ready(client).await {
        eprintln!("revaer: the torrent engine has not reported ready yet; torrent commands answer 503 until it does");
    }
    Ok(())
}

/// Waits (a bounded while) for the engine, which starts only once setup is
/// complete, so that the commands of a script that follow just work.
async fn engine_ready(client: &Client) -> bool {
    let deadline = tokio::time::Instant::now() + ENGINE_START;
    while tokio::time::Instant::now() < deadline {
        if let Ok((_, health)) = client.health_full().await {
            let ready = health
                .components
                .get("engine")
                .and_then(|engine| engine.facts.get("ready"))
                .and_then(serde_json::Value::as_bool);
            if ready == Some(true) {
                return true;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}
