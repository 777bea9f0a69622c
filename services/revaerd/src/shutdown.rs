//! Orderly shutdown on SIGINT/SIGTERM: stop accepting requests and drain
//! them, then stop the actors, then the system.

use actix::System;

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

/// Stops everything in order.
pub async fn stop(running: Running) {
    tracing::info!("shutting down: draining HTTP requests");
    running.http.stop(true).await;
    let _ = running.server_task.await;
    tracing::info!("HTTP server stopped; stopping actors");
    System::current().stop();
}
