//! What can go wrong talking to the server, kept precise enough for the CLI
//! to choose its exit code and to print the server's problem document.
//!
//! Rule: no error text ever contains the API key. Transport errors are
//! rendered from their root cause, without reqwest's request URL, and the
//! key only ever travels in a header marked sensitive.

use revaer_wire::Problem;
use std::fmt;
use std::time::Duration;

/// The server answered with an error status.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    /// HTTP status.
    pub status: u16,
    /// The problem document, when the body was one.
    pub problem: Option<Problem>,
    /// The request id (from the response, else the one we sent).
    pub request_id: String,
    /// How often a `429` was retried before giving up.
    pub retries: u32,
}

impl fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            Some(problem) => write!(f, "{} ({}): {}", problem.title, self.status, problem.detail),
            None => write!(f, "the server answered {}", self.status),
        }
    }
}

/// A failed call.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with a 4xx/5xx status.
    #[error("{0}")]
    Api(Box<ApiFailure>),
    /// No answer: connection refused, DNS, TLS, reset, or the timeout.
    #[error("cannot reach {url}: {reason}")]
    Unreachable {
        /// The server's base URL (without credentials).
        url: String,
        /// The root cause.
        reason: String,
        /// The id of the request that failed.
        request_id: String,
        /// The request timed out.
        timed_out: bool,
    },
    /// An answer that does not fit the API (wrong JSON, wrong content type).
    #[error("unexpected answer from the server: {reason}")]
    Protocol {
        /// What did not fit.
        reason: String,
        /// The id of the request, when known.
        request_id: Option<String>,
    },
    /// The client was set up wrongly (bad URL, unusable key).
    #[error("{0}")]
    Config(String),
}

impl ClientError {
    /// The HTTP status of an API failure.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api(failure) => Some(failure.status),
            _ => None,
        }
    }

    /// The problem document of an API failure.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ClientError::Api(failure) => failure.problem.as_ref(),
            _ => None,
        }
    }

    /// The id of the request that failed, for matching with server logs.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ClientError::Api(failure) => Some(&failure.request_id),
            ClientError::Unreachable { request_id, .. } => Some(request_id),
            ClientError::Protocol { request_id, .. } => request_id.as_deref(),
            ClientError::Config(_) => None,
        }
    }
}

/// The innermost cause of a transport error, in words (reqwest's own text
/// repeats the URL and says little more than "error sending request").
pub(crate) fn root_cause(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return "timed out".into();
    }
    let mut cause: &dyn std::error::Error = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let text = cause.to_string();
    if text.is_empty() {
        "the request failed".into()
    } else {
        text
    }
}

/// How long to wait after a `429`: its `Retry-After`, at least a moment
/// and at most a minute (a hostile or broken value must not hang a script).
pub(crate) fn retry_delay(retry_after: Option<&str>) -> Duration {
    let seconds = retry_after
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1);
    Duration::from_secs(seconds.clamp(1, 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_honoured_within_bounds() {
        assert_eq!(retry_delay(Some("3")), Duration::from_secs(3));
        assert_eq!(retry_delay(Some("0")), Duration::from_secs(1));
        assert_eq!(retry_delay(Some("86400")), Duration::from_secs(60));
        assert_eq!(retry_delay(Some("soon")), Duration::from_secs(1));
        assert_eq!(retry_delay(None), Duration::from_secs(1));
    }
}
