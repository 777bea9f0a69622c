//! Prometheus metrics of the engine.

use prometheus::{
    Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
};
use revaer_messages::torrent::TorrentState;

/// Engine gauges and counters.
#[derive(Debug, Clone)]
pub struct EngineMetrics {
    /// Torrents by state.
    pub torrents: IntGaugeVec,
    /// Payload download rate, bytes/s, all torrents.
    pub download_bps: IntGauge,
    /// Payload upload rate, bytes/s, all torrents.
    pub upload_bps: IntGauge,
    /// Payload bytes received.
    pub bytes_in: IntCounter,
    /// Payload bytes sent.
    pub bytes_out: IntCounter,
    /// libtorrent alerts handled.
    pub alerts: IntCounter,
    /// Resume data saves by result (`ok`, `failed`).
    pub resume_saves: IntCounterVec,
    /// Seconds to apply a configuration change to the live session.
    pub config_apply: Histogram,
    /// Connected peers, all torrents.
    pub peers: IntGauge,
    /// DHT routing-table nodes (0 with DHT off).
    pub dht_nodes: IntGauge,
    /// 1 when `engine_profile.dht` is on (so "no DHT nodes" can be told
    /// from "DHT off").
    pub dht_enabled: IntGauge,
    /// 1 while the peer port is open.
    pub listening: IntGauge,
    /// Tracker announces or scrapes that failed.
    pub tracker_errors: IntCounter,
    /// Bytes available to unprivileged users under `download_root`.
    pub download_root_free: IntGauge,
    /// Events the event hub's full mailbox refused.
    pub events_dropped: IntCounter,
}

impl EngineMetrics {
    /// Creates and registers the metrics.
    pub fn register(registry: &Registry) -> Result<Self, prometheus::Error> {
        let torrents = IntGaugeVec::new(
            Opts::new("revaer_engine_torrents", "Torrents by state"),
            &["state"],
        )?;
        for state in TorrentState::ALL {
            torrents.with_label_values(&[state.as_str()]).set(0);
        }
        let resume_saves = IntCounterVec::new(
            Opts::new(
                "revaer_engine_resume_saves_total",
                "Fast-resume saves by result",
            ),
            &["result"],
        )?;
        for result in ["ok", "failed"] {
            resume_saves.with_label_values(&[result]);
        }
        let config_apply = Histogram::with_opts(
            HistogramOpts::new(
                "revaer_engine_config_apply_seconds",
                "Time to apply engine settings to the live session",
            )
            .buckets(vec![0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0]),
        )?;
        let gauge = |name: &str, help: &str| registered(registry, IntGauge::new(name, help)?);
        let counter = |name: &str, help: &str| registered(registry, IntCounter::new(name, help)?);
        Ok(Self {
            torrents: registered(registry, torrents)?,
            download_bps: gauge(
                "revaer_engine_download_bytes_per_second",
                "Payload download rate",
            )?,
            upload_bps: gauge(
                "revaer_engine_upload_bytes_per_second",
                "Payload upload rate",
            )?,
            bytes_in: counter(
                "revaer_engine_payload_received_bytes_total",
                "Payload bytes downloaded",
            )?,
            bytes_out: counter(
                "revaer_engine_payload_sent_bytes_total",
                "Payload bytes uploaded",
            )?,
            alerts: counter("revaer_engine_alerts_total", "libtorrent alerts processed")?,
            resume_saves: registered(registry, resume_saves)?,
            config_apply: registered(registry, config_apply)?,
            peers: gauge("revaer_engine_peers", "Connected peers, all torrents")?,
            dht_nodes: gauge("revaer_engine_dht_nodes", "DHT routing table nodes")?,
            dht_enabled: gauge(
                "revaer_engine_dht_enabled",
                "1 when engine_profile.dht is on",
            )?,
            listening: gauge(
                "revaer_engine_listening",
                "1 while the engine's peer port is open",
            )?,
            tracker_errors: counter(
                "revaer_engine_tracker_errors_total",
                "Tracker announces and scrapes that failed",
            )?,
            download_root_free: gauge(
                "revaer_download_root_free_bytes",
                "Bytes available under engine_profile.download_root",
            )?,
            events_dropped: counter(
                "revaer_engine_events_dropped_total",
                "Events refused by the event hub's full mailbox (progress updates \
                 are sent again with a later tick, lifecycle events are queued anyway)",
            )?,
        })
    }
}

/// Registers `metric` with `registry` and hands it back (a clone shares the
/// same values).
fn registered<C>(registry: &Registry, metric: C) -> Result<C, prometheus::Error>
where
    C: prometheus::core::Collector + Clone + 'static,
{
    registry.register(Box::new(metric.clone()))?;
    Ok(metric)
}
