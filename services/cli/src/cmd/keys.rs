//! `revaer keys ls|add|update|rm`. A new key's secret is printed once (alone
//! on stdout in human mode); listings never contain secrets.

use revaer_client::Client;
use revaer_wire::{ApiKeyInfo, CreateKeyRequest, RateLimit, UpdateKeyRequest};

use crate::args::KeysCommand;
use crate::exit::CliError;
use crate::output::{line, table, Out};

/// Runs a keys command.
pub async fn run(client: &Client, command: KeysCommand, out: Out) -> Result<(), CliError> {
    match command {
        KeysCommand::Ls => {
            let keys = client.keys().await?;
            if out.human() {
                print_keys(&keys, out);
                Ok(())
            } else {
                out.json(&keys)
            }
        }
        KeysCommand::Add {
            label,
            burst,
            per_seconds,
        } => {
            let request = CreateKeyRequest {
                label,
                rate_limit: rate(burst, per_seconds),
            };
            let created = client.create_key(&request).await?;
            if !out.human() {
                return out.json(&created);
            }
            line(&created.api_key);
            eprintln!(
                "key {} created; the API key above is shown only once",
                created.key.key_id
            );
            Ok(())
        }
        KeysCommand::Update {
            id,
            label,
            enabled,
            burst,
            per_seconds,
        } => {
            let request = UpdateKeyRequest {
                label,
                enabled,
                rate_limit: rate(burst, per_seconds),
            };
            let key = client.update_key(&id, &request).await?;
            if out.human() {
                print_keys(&[key], out);
                Ok(())
            } else {
                out.json(&key)
            }
        }
        KeysCommand::Rm { id } => {
            client.delete_key(&id).await?;
            if out.human() {
                line(&format!("key {id} deleted"));
            }
            Ok(())
        }
    }
}

/// clap makes the two flags come together.
fn rate(burst: Option<i32>, per_seconds: Option<i32>) -> Option<RateLimit> {
    Some(RateLimit {
        burst: burst?,
        per_seconds: per_seconds?,
    })
}

fn print_keys(keys: &[ApiKeyInfo], out: Out) {
    let mut rows = out.table(&["KEY ID", "LABEL", "ENABLED", "RATE", "CREATED", "LAST USED"]);
    for key in keys {
        rows.add_row(vec![
            key.key_id.clone(),
            key.label.clone(),
            if key.enabled { "yes" } else { "no" }.to_string(),
            format!("{}/{}s", key.rate_limit.burst, key.rate_limit.per_seconds),
            key.created_at.format("%Y-%m-%d %H:%M").to_string(),
            key.last_used_at
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|| "-".into()),
        ]);
    }
    table(&rows);
}
