//! Commands that change torrents: `pause`, `resume`, `force-start`,
//! `unforce-start`, `queue`, `recheck`, `reannounce`, `sequential`,
//! `first-last-prio`, `super-seed`, `limit`, `rm` and `fsops retry`. They print
//! one confirmation line each in human mode, and nothing in JSON modes (the
//! API answers them with no body).

use revaer_client::Client;
use revaer_domain::engine::QueueMove;
use revaer_domain::torrent::TorrentLimits;
use revaer_wire::ActionRequest;

use crate::args::OnOff;
use crate::exit::{CliError, Exit};
use crate::human;
use crate::ids::Resolver;
use crate::output::{line, Out};
use crate::Outcome;

/// A bare action on several torrents; each failure is reported, the first
/// one's exit code wins.
pub async fn simple(
    client: &Client,
    action: &str,
    raws: &[String],
    out: Out,
) -> Result<Exit, CliError> {
    each(client, &ActionRequest::named(action), action, raws, out).await
}

/// An on/off action on several torrents (`first-last-prio`,
/// `super-seed`): the API `action` with a boolean `value`; `what` names
/// the setting in the confirmation line (`WHAT on: ID`).
pub async fn switch(
    client: &Client,
    action: &str,
    what: &str,
    value: OnOff,
    raws: &[String],
    out: Out,
) -> Result<Exit, CliError> {
    let on = value == OnOff::On;
    let request = ActionRequest {
        action: Some(action.into()),
        value: Some(serde_json::Value::Bool(on)),
        limits: None,
    };
    let label = format!("{what} {}", if on { "on" } else { "off" });
    each(client, &request, &label, raws, out).await
}

/// Sends `request` to each torrent, printing `label: ID` for each done.
async fn each(
    client: &Client,
    request: &ActionRequest,
    label: &str,
    raws: &[String],
    out: Out,
) -> Result<Exit, CliError> {
    let mut resolver = Resolver::new(client);
    let mut outcome = Outcome::default();
    for raw in raws {
        let done = async {
            let id = resolver.resolve(raw).await?;
            client.action(&id, request).await?;
            Ok::<_, CliError>(id)
        }
        .await;
        match done {
            Ok(id) if out.human() => {
                line(&format!("{label}: {id}"));
            }
            Ok(_) => {}
            Err(err) => outcome.failed(&err, out),
        }
    }
    Ok(outcome.exit())
}

/// `queue top|bottom|up|down ID...`: every id is resolved first, then the
/// torrents move as one selection (one request), so they keep their order.
pub async fn queue(
    client: &Client,
    movement: QueueMove,
    raws: &[String],
    out: Out,
) -> Result<(), CliError> {
    let mut resolver = Resolver::new(client);
    let mut ids = Vec::with_capacity(raws.len());
    for raw in raws {
        ids.push(resolver.resolve(raw).await?);
    }
    client.move_in_queue(&ids, movement).await?;
    if out.human() {
        for id in &ids {
            line(&format!("queue {}: {id}", movement.as_str()));
        }
    }
    Ok(())
}

/// `sequential ID on|off`.
pub async fn sequential(
    client: &Client,
    raw: &str,
    value: OnOff,
    out: Out,
) -> Result<(), CliError> {
    let id = Resolver::new(client).resolve(raw).await?;
    let on = value == OnOff::On;
    let request = ActionRequest {
        action: Some("sequential".into()),
        value: Some(serde_json::Value::Bool(on)),
        limits: None,
    };
    client.action(&id, &request).await?;
    if out.human() {
        line(&format!(
            "sequential {}: {id}",
            if on { "on" } else { "off" }
        ));
    }
    Ok(())
}

/// `limit ID [--down BPS] [--up BPS]`: sets the given limits, or shows them.
pub async fn limit(
    client: &Client,
    raw: &str,
    down: Option<i64>,
    up: Option<i64>,
    out: Out,
) -> Result<(), CliError> {
    let id = Resolver::new(client).resolve(raw).await?;
    if down.is_some() || up.is_some() {
        let request = ActionRequest {
            limits: Some(TorrentLimits {
                download_bps: down,
                upload_bps: up,
            }),
            ..ActionRequest::default()
        };
        client.action(&id, &request).await?;
    }
    let limits = client.torrent(&id).await?.summary.limits;
    if !out.human() {
        return out.json(&limits);
    }
    line(&format!(
        "{id}: down {}, up {}",
        human::limit(limits.download_bps),
        human::limit(limits.upload_bps)
    ));
    Ok(())
}

/// `rm ID... [--delete-data]`.
pub async fn remove(
    client: &Client,
    raws: &[String],
    delete_data: bool,
    out: Out,
) -> Result<Exit, CliError> {
    let mut resolver = Resolver::new(client);
    let mut outcome = Outcome::default();
    for raw in raws {
        let done = async {
            let id = resolver.resolve(raw).await?;
            client.delete_torrent(&id, delete_data).await?;
            Ok::<_, CliError>(id)
        }
        .await;
        match done {
            Ok(id) if out.human() => {
                let what = if delete_data {
                    "removed with data"
                } else {
                    "removed"
                };
                line(&format!("{what}: {id}"));
            }
            Ok(_) => {}
            Err(err) => outcome.failed(&err, out),
        }
    }
    Ok(outcome.exit())
}

/// `fsops retry ID`.
pub async fn retry_fsops(client: &Client, raw: &str, out: Out) -> Result<(), CliError> {
    let id = Resolver::new(client).resolve(raw).await?;
    client.retry_fsops(&id).await?;
    if out.human() {
        line(&format!("post-processing queued again: {id}"));
    }
    Ok(())
}
