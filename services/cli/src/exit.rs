//! The exit-code contract (see `args::EXIT_CODES`) and how failures are
//! told to the user: on stderr, with the server's problem title, detail,
//! every invalid parameter and the request id; never with the API key.

use revaer_client::ClientError;
use std::process::ExitCode;

use crate::args::Output;

/// Exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// 0.
    Success = 0,
    /// 2: usage or validation.
    Usage = 2,
    /// 3: runtime failure.
    Runtime = 3,
    /// 4: authentication or authorisation.
    Auth = 4,
    /// 5: not found.
    NotFound = 5,
    /// 6: conflict.
    Conflict = 6,
    /// 130: interrupted by Ctrl-C.
    Interrupted = 130,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// A failed command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments or input the CLI itself refuses.
    #[error("{0}")]
    Usage(String),
    /// Nothing matches (e.g. an id prefix).
    #[error("{0}")]
    NotFound(String),
    /// A local failure (a file cannot be read or written).
    #[error("{0}")]
    Runtime(String),
    /// A torrent failed while being followed.
    #[error("{0}")]
    Failed(String),
    /// Ctrl-C.
    #[error("interrupted")]
    Interrupted,
    /// The server or the connection failed.
    #[error(transparent)]
    Client(#[from] ClientError),
}

impl CliError {
    /// The exit code the contract assigns.
    pub fn exit(&self) -> Exit {
        match self {
            CliError::Usage(_) => Exit::Usage,
            CliError::NotFound(_) => Exit::NotFound,
            CliError::Runtime(_) | CliError::Failed(_) => Exit::Runtime,
            CliError::Interrupted => Exit::Interrupted,
            CliError::Client(err) => client_exit(err),
        }
    }
}

/// The exit code of a client failure.
pub fn client_exit(err: &ClientError) -> Exit {
    match err {
        ClientError::Api(failure) => match failure.status {
            401 | 403 => Exit::Auth,
            404 => Exit::NotFound,
            409 => Exit::Conflict,
            429 => Exit::Runtime,
            s if s >= 500 => Exit::Runtime,
            _ => Exit::Usage,
        },
        ClientError::Unreachable { .. } | ClientError::Protocol { .. } => Exit::Runtime,
        ClientError::Config(_) => Exit::Usage,
    }
}

/// Prints a failure: the message on stderr; in JSON modes also the
/// problem document on stdout, since that is the API's answer.
pub fn report(err: &CliError, output: Output) {
    eprintln!("revaer: {err}");
    let CliError::Client(client) = err else {
        return;
    };
    if let Some(problem) = client.problem() {
        for param in problem.invalid_params.iter().flatten() {
            eprintln!("  {}: {}", param.pointer, param.message);
        }
        if let Some(torrent) = &problem.torrent_id {
            eprintln!("  torrent: {torrent}");
        }
        if output != Output::Human {
            if let Ok(json) = serde_json::to_string(problem) {
                println!("{json}");
            }
        }
    }
    if let ClientError::Api(failure) = client {
        if failure.status == 429 {
            eprintln!("  still rate limited after {} retries", failure.retries);
        }
    }
    if let Some(id) = client.request_id().filter(|id| !id.is_empty()) {
        eprintln!("  request id: {id}");
    }
}

#[cfg(test)]
mod tests;
