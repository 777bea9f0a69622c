"""One adapter per daemon, each speaking that daemon's own API."""

from .base import Daemon, Snapshot, WrkTarget
from .qbittorrent import QBittorrent
from .revaer import Revaer
from .transmission import Transmission

__all__ = ["Daemon", "QBittorrent", "Revaer", "Snapshot", "Transmission", "WrkTarget"]
