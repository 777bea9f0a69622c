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
        let download_bps = IntGauge::new(
            "revaer_engine_download_bytes_per_second",
            "Payload download rate",
        )?;
        let upload_bps = IntGauge::new(
            "revaer_engine_upload_bytes_per_second",
            "Payload upload rate",
        )?;
        let bytes_in = IntCounter::new(
            "revaer_engine_payload_received_bytes_total",
            "Payload bytes downloaded",
        )?;
        let bytes_out = IntCounter::new(
            "revaer_engine_payload_sent_bytes_total",
            "Payload bytes uploaded",
        )?;
        let alerts = IntCounter::new("revaer_engine_alerts_total", "libtorrent alerts processed")?;
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
        let peers = IntGauge::new("revaer_engine_peers", "Connected peers, all torrents")?;
        let dht_nodes = IntGauge::new("revaer_engine_dht_nodes", "DHT routing table nodes")?;
        let dht_enabled = IntGauge::new(
            "revaer_engine_dht_enabled",
            "1 when engine_profile.dht is on",
        )?;
        let listening = IntGauge::new(
            "revaer_engine_listening",
            "1 while the engine's peer port is open",
        )?;
        let tracker_errors = IntCounter::new(
            "revaer_engine_tracker_errors_total",
            "Tracker announces and scrapes that failed",
        )?;
        let download_root_free = IntGauge::new(
            "revaer_download_root_free_bytes",
            "Bytes available under engine_profile.download_root",
        )?;
        let events_dropped = IntCounter::new(
            "revaer_engine_events_dropped_total",
            "Events refused by the event hub's full mailbox (progress updates \
             are sent again with a later tick, lifecycle events are queued anyway)",
        )?;
        for metric in [
            Box::new(torrents.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(download_bps.clone()),
            Box::new(upload_bps.clone()),
            Box::new(bytes_in.clone()),
            Box::new(bytes_out.clone()),
            Box::new(alerts.clone()),
            Box::new(resume_saves.clone()),
            Box::new(config_apply.clone()),
            Box::new(peers.clone()),
            Box::new(dht_nodes.clone()),
            Box::new(dht_enabled.clone()),
            Box::new(listening.clone()),
            Box::new(tracker_errors.clone()),
            Box::new(download_root_free.clone()),
            Box::new(events_dropped.clone()),
        ] {
            registry.register(metric)?;
        }
        Ok(Self {
            torrents,
            download_bps,
            upload_bps,
            bytes_in,
            bytes_out,
            alerts,
            resume_saves,
            config_apply,
            peers,
            dht_nodes,
            dht_enabled,
            listening,
            tracker_errors,
            download_root_free,
            events_dropped,
        })
    }
}
