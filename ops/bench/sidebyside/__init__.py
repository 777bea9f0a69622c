"""ops/bench/compare: Revaer side by side with qBittorrent-nox and Transmission."""
