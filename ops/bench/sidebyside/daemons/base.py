"""What every daemon adapter offers the benchmarks. One adapter per daemon
speaks that daemon's own API (Revaer /v1, qBittorrent WebAPI, Transmission
RPC); a profile is one persistent state directory or database ('dl',
'mid', 'full'), restarted as often as the benchmarks need."""

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .. import proc

# How long a daemon may take to answer its API after being started.
START_TIMEOUT = 180.0


@dataclass
class Snapshot:
    """What must survive a restart: per info hash, paused or not and labels."""
    torrents: dict[str, tuple]

    def settled(self) -> bool:
        """False while some torrent is in a passing state (paused is None)."""
        return all(entry[0] is not None for entry in self.torrents.values())

    def diff(self, other: "Snapshot") -> str:
        missing = self.torrents.keys() - other.torrents.keys()
        changed = [h for h in self.torrents.keys() & other.torrents.keys()
                   if self.torrents[h] != other.torrents[h]]
        if not missing and not changed:
            return "yes"
        return f"no ({len(missing)} missing, {len(changed)} changed)"


@dataclass
class WrkTarget:
    """One list request as wrk sends it: URL, headers, and for a POST its body."""
    url: str
    headers: list[str]
    body: str | None = None
    label: str = ""


def by_labels(tiny) -> tuple[str, str]:
    """Groups a catalogue by (category, tag), for APIs that label in bulk."""
    return tiny.category, tiny.tag


class Daemon:
    key = "daemon"
    name = "daemon"

    def __init__(self, root: Path, port: int, peer_port: int):
        self.root = root
        self.port = port
        self.peer_port = peer_port
        self.child: subprocess.Popen | None = None
        self.profile = ""
        self.started_at = 0.0

    # --- lifecycle -------------------------------------------------------
    def command(self, profile: str) -> tuple[list[str], dict]:
        raise NotImplementedError

    def prepare(self, profile: str) -> None:
        """Writes the profile's configuration the first time it is used."""

    def answers(self) -> bool:
        raise NotImplementedError

    def start(self, profile: str) -> float:
        """Starts the daemon on `profile`; returns seconds until its API answered."""
        if self.child is not None:
            raise RuntimeError(f"{self.name} already running")
        self.prepare(profile)
        self.profile = profile
        cmd, env = self.command(profile)
        self.started_at = time.monotonic()
        self.child = proc.spawn(cmd, self.root / f"{self.key}-{profile}.log", env)
        proc.wait_until(f"{self.name} API", self._answers_or_died, START_TIMEOUT)
        self.after_start()
        return time.monotonic() - self.started_at

    def _answers_or_died(self) -> bool:
        if self.child is not None and self.child.poll() is not None:
            raise SystemExit(f"{self.name} exited with {self.child.returncode}; "
                             f"see {self.root / f'{self.key}-{self.profile}.log'}")
        return self.answers()

    def after_start(self) -> None:
        """Sessions, logins: whatever the API needs before the first call."""

    def stop(self) -> tuple[float, bool]:
        """SIGTERM; seconds to exit and whether it exited by itself."""
        if self.child is None:
            return 0.0, True
        result = proc.terminate(self.child, timeout=90.0)
        self.child = None
        return result

    def rss_mib(self) -> float:
        assert self.child is not None
        return proc.rss_mib(self.child.pid)

    # --- catalogue -------------------------------------------------------
    def listed(self, n: int) -> bool:
        """True once the list API shows at least `n` torrents."""
        return self.count() >= n

    def count(self) -> int:
        raise NotImplementedError

    def snapshot(self) -> Snapshot:
        raise NotImplementedError

    def add_catalogue(self, tinies: list) -> None:
        """Adds the tiny torrents paused, with their category and tag."""
        raise NotImplementedError

    def list_target(self) -> WrkTarget:
        raise NotImplementedError

    # --- downloads -------------------------------------------------------
    def add_magnet(self, magnet: str) -> None:
        raise NotImplementedError

    def progress(self, info_hash: str) -> float:
        """Fraction of the payload on disk and verified, 0..1."""
        raise NotImplementedError

    def content_dir(self, info_hash: str) -> Path:
        """The folder holding the finished payload."""
        raise NotImplementedError

    def remove_with_data(self, info_hash: str) -> None:
        raise NotImplementedError

    def set_tcp_only(self, tcp_only: bool) -> None:
        raise NotImplementedError

    # False when the daemon ignores a magnet's x.pe peer: the seeder then
    # dials the daemon's peer port instead.
    reads_xpe = True

    def version(self) -> str:
        raise NotImplementedError
