//! Orderly shutdown on SIGINT/SIGTERM: stop accepting requests and drain
//! them, then let the engine save resume data for every torrent, then stop
//! the actors and the system.

use actix::System;
use revaer_messages::engine::ShutdownEngine;
use std::time::Duration;

/// Upper bound for the engine to save resume data at shutdown.
const ENGINE_GRACE: Duration = Duration::from_secs(20);

use crate::boot::Running;

/// Waits for SIGINT or SIGTERM.
pub async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Stops the HTTP side: event streams end at once, then in-flight requests
/// are drained (up to the server's shutdown timeout) and the listener closes.
pub async fn stop_http(running: &mut Running) {
    tracing::info!("shutting down: closing event streams, draining HTTP requests");
    running.drain.start();
    running.http.stop(true).await;
    let _ = (&mut running.server_task).await;
}

/// Stops everything in order.
pub async fn stop(mut running: Running) {
    stop_http(&mut running).await;
    tracing::info!("HTTP server stopped; saving engine state");
    match tokio::time::timeout(ENGINE_GRACE, running.engine.send(ShutdownEngine)).await {
        Ok(Ok(Ok(()))) => tracing::info!("engine state saved"),
        Ok(Ok(Err(err))) => tracing::error!(error = %err, "engine shutdown failed"),
        Ok(Err(err)) => tracing::error!(error = %err, "engine unreachable at shutdown"),
        Err(_) => tracing::error!("engine shutdown timed out"),
    }
    System::current().stop();
}
