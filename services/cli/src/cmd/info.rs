//! `revaer health`, `version` and `completions`.

use clap::CommandFactory;
use revaer_client::Client;
use serde::Serialize;

use crate::args::Cli;
use crate::exit::{CliError, Exit};
use crate::output::{line, table, Out};

/// Prints a completion script for `shell` on stdout. Why through a buffer:
/// clap_complete panics when its writer fails (a closed pipe).
pub fn completions(shell: clap_complete::Shell) {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "revaer", &mut script);
    line(String::from_utf8_lossy(&script).trim_end());
}

/// `health [--full]`: exit 0 when ready, 3 when the server says it is not.
pub async fn health(client: &Client, full: bool, out: Out) -> Result<Exit, CliError> {
    let ready = if full {
        let (ready, report) = client.health_full().await?;
        if out.human() {
            line(&format!(
                "{} ({} mode), version {} ({}), up {}s, settings revision {}",
                report.status,
                report.mode.as_str(),
                report.version,
                report.build_revision,
                report.uptime_seconds,
                report.config_revision
            ));
            let mut rows = out.table(&["COMPONENT", "STATUS", "DETAIL"]);
            for (name, component) in &report.components {
                let status = serde_json::to_value(component.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                rows.add_row(vec![
                    name.clone(),
                    status,
                    component.detail.clone().unwrap_or_default(),
                ]);
            }
            table(&rows);
        } else {
            out.json(&report)?;
        }
        ready
    } else {
        let (ready, report) = client.health().await?;
        if out.human() {
            line(&format!(
                "{} ({} mode)",
                report.status,
                report.mode.as_str()
            ));
        } else {
            out.json(&report)?;
        }
        ready
    };
    Ok(if ready { Exit::Success } else { Exit::Runtime })
}

/// What `version -o json` prints.
#[derive(Debug, Serialize)]
struct Versions {
    client: &'static str,
    server: Option<String>,
    build_revision: Option<String>,
    server_error: Option<String>,
}

/// `version`: always exits 0; the server part is best effort.
pub async fn version(client: &Client, out: Out) -> Result<(), CliError> {
    let server = client.health_full().await;
    let versions = match server {
        Ok((_, report)) => Versions {
            client: env!("CARGO_PKG_VERSION"),
            server: Some(report.version),
            build_revision: Some(report.build_revision),
            server_error: None,
        },
        Err(err) => Versions {
            client: env!("CARGO_PKG_VERSION"),
            server: None,
            build_revision: None,
            server_error: Some(err.to_string()),
        },
    };
    if !out.human() {
        return out.json(&versions);
    }
    line(&format!("revaer {}", versions.client));
    match (
        &versions.server,
        &versions.build_revision,
        &versions.server_error,
    ) {
        (Some(version), Some(revision), _) => {
            line(&format!(
                "revaerd {version} (build {revision}) at {}",
                client.base_url()
            ));
        }
        (_, _, error) => {
            line(&format!(
                "revaerd: {}",
                error.as_deref().unwrap_or("unknown error")
            ));
        }
    }
    Ok(())
}
