//! `revaer-client`: a typed client of Revaer's HTTP API.
//!
//! Every body it sends or reads is a `revaer-wire` or `revaer-domain` type,
//! the very types the server uses, so no JSON is ever built by hand. Every
//! request carries a fresh `x-request-id`; a `429` is retried after its
//! `Retry-After` (up to [`MAX_RATE_LIMIT_RETRIES`] times); the API key is
//! sent as a sensitive header and appears in no `Debug` or error text.

mod api;
mod error;
mod events;
mod http;
mod labels;

pub use error::{ApiFailure, ClientError};
pub use events::{Backoff, EventFollower, Followed, StreamedEvent};
pub use http::{ApiKey, Client, ClientOptions, MAX_RATE_LIMIT_RETRIES};
