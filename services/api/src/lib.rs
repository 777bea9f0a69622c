//! HTTP transport of Revaer (actix-web): routes, middleware, problem+json
//! errors, authentication and the generated OpenAPI document.
//!
//! Rule: this crate never talks to libtorrent and never writes SQL. It calls
//! `revaer-schema` functions on blocking threads and sends typed messages to
//! actors; everything else is request parsing and response shaping.

pub mod app;
pub mod auth;
pub mod config_view;
pub mod cursor;
pub mod drain;
pub mod engine;
pub mod error;
pub mod extract;
pub mod glob;
pub mod guard;
pub mod health_metrics;
pub mod labels;
pub mod openapi;
pub mod problem;
pub mod qbit;
pub mod rate_limit;
pub mod request_id;
pub mod routes;
pub mod secrets;
pub mod sse;
pub mod state;
pub mod telemetry;
pub mod vital;

pub use app::{build_app, serve};
pub use config_view::ConfigView;
pub use drain::{Drain, DrainTrigger};
pub use rate_limit::{RateLimitSettings, RateLimits};
pub use state::{ApiSettings, ApiState, EngineHandles, FsopsHandles};
pub use vital::VitalActor;
