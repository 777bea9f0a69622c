//! Building the client from the global options: URL, API key (argument,
//! environment or file), timeout.
//!
//! Rule: the key is read here and handed to the client, which keeps it in a
//! redacted type; nothing here prints or formats it.

use revaer_client::{ApiKey, Client, ClientOptions};
use std::time::Duration;

use crate::args::Cli;
use crate::exit::CliError;

/// The client the global options describe.
pub fn client(cli: &Cli) -> Result<Client, CliError> {
    let timeout = Duration::try_from_secs_f64(cli.timeout)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or_else(|| CliError::Usage("--timeout must be a positive number of seconds".into()))?;
    let api_key = match (&cli.api_key, &cli.api_key_file) {
        (Some(_), Some(_)) => return Err(CliError::Usage(
            "give the API key once: --api-key/REVAER_API_KEY or --api-key-file/REVAER_API_KEY_FILE"
                .into(),
        )),
        (Some(key), None) => Some(ApiKey::new(key)?),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path).map_err(|err| {
                CliError::Usage(format!(
                    "cannot read the API key file {}: {err}",
                    path.display()
                ))
            })?;
            Some(ApiKey::new(&text)?)
        }
        (None, None) => None,
    };
    Ok(Client::new(ClientOptions {
        base_url: cli.url.clone(),
        api_key,
        timeout,
    })?)
}
