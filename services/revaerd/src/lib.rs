//! `revaerd`, the composition root: it reads the environment (only in
//! `env`), starts actors and the HTTP server in order, and stops them in
//! reverse on SIGINT/SIGTERM. It holds no business logic of its own.

pub mod boot;
pub mod cli;
pub mod components;
pub mod env;
pub mod healthcheck;
pub mod logging;
pub mod shutdown;
