"""Revaer through /v1. Its databases were created, confined to loopback and
set up by ops/lib/loopback-server.sh (the entry script writes one
ROOT/revaer-PROFILE.json per profile); here revaerd is restarted on them
with the same command line that script uses."""

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from .base import Daemon, Snapshot, WrkTarget

PAGE = 500
# States a torrent passes through after an add or a start.
TRANSIENT = {"checking", "moving"}


class Revaer(Daemon):
    key = "revaer"
    name = "Revaer"

    def __init__(self, root: Path, port: int, peer_port: int, binary: str):
        super().__init__(root, port, peer_port)
        self.binary = binary
        self.base = f"http://127.0.0.1:{port}"
        self.http = requests.Session()
        self.shipped_protocol: str | None = None

    def _profile(self, profile: str) -> dict:
        return json.loads((self.root / f"revaer-{profile}.json").read_text())

    def command(self, profile):
        env = {"DATABASE_URL": self._profile(profile)["database_url"], "RUST_LOG": "warn"}
        return [self.binary, "--bind", f"127.0.0.1:{self.port}"], env

    def answers(self):
        health = requests.get(f"{self.base}/health/full", timeout=5).json()
        return health["components"]["engine"]["facts"].get("ready") is True

    def after_start(self):
        self.http = requests.Session()
        self.http.headers["x-api-key"] = self.api_key()
        # One authenticated request first, as any client makes: after a start
        # the key is verified (argon2) once and cached. Until then requests
        # are charged to the client address's 60-a-minute bucket, and 100 SSE
        # subscribers connecting at once would be throttled.
        self._ok(self.http.get(f"{self.base}/v1/config", timeout=30))

    def _pages(self):
        cursor = None
        while True:
            params = {"limit": PAGE, **({"cursor": cursor} if cursor else {})}
            page = self._ok(self.http.get(f"{self.base}/v1/torrents", params=params, timeout=60)).json()
            yield from page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def count(self):
        return sum(1 for _ in self._pages())

    def snapshot(self):
        return Snapshot({t["id"]: (None if t["state"] in TRANSIENT else t["state"] == "paused",
                                   t["category"] or "", tuple(sorted(t["tags"])))
                         for t in self._pages()})

    def add_catalogue(self, tinies):
        def add(tiny):
            files = {"torrent": ("b.torrent", tiny.data, "application/x-bittorrent")}
            form = {"category": tiny.category, "tags": tiny.tag, "paused": "true"}
            self._ok(self.http.post(f"{self.base}/v1/torrents", files=files, data=form, timeout=60), 201)

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(add, tinies))

    def api_key(self):
        return self._profile(self.profile)["key"]

    def list_target(self):
        return WrkTarget(f"{self.base}/v1/torrents?limit=100", [f"x-api-key: {self.api_key()}"],
                         label="GET /v1/torrents?limit=100")

    def add_magnet(self, magnet):
        self._ok(self.http.post(f"{self.base}/v1/torrents", json={"magnet": magnet}, timeout=30), 201)

    def _detail(self, info_hash):
        return self._ok(self.http.get(f"{self.base}/v1/torrents/{info_hash}", timeout=30)).json()

    def progress(self, info_hash):
        return float(self._detail(info_hash)["progress"])

    def content_dir(self, info_hash):
        detail = self._detail(info_hash)
        return Path(detail["save_path"]) / detail["name"]

    def remove_with_data(self, info_hash):
        self._ok(self.http.delete(f"{self.base}/v1/torrents/{info_hash}",
                                  params={"delete_data": "true"}, timeout=60), 200, 204)

    def set_tcp_only(self, tcp_only):
        current = self._ok(self.http.get(f"{self.base}/v1/config", timeout=30)).json()
        if self.shipped_protocol is None:
            self.shipped_protocol = current["engine_profile"]["peer_protocol"]
        want = "tcp" if tcp_only else self.shipped_protocol
        self._ok(self.http.patch(f"{self.base}/v1/config", timeout=30,
                                 json={"engine_profile": {"peer_protocol": want}}))

    def version(self):
        health = requests.get(f"{self.base}/health/full", timeout=5).json()
        linked = "libtorrent-rasterbar " + _pkg_version("libtorrent-rasterbar")
        return f"revaerd {health.get('version', '?')} (build {health.get('build_revision', '?')}, {linked})"

    @staticmethod
    def _ok(res, *statuses):
        if res.status_code not in (statuses or (200,)):
            raise RuntimeError(f"Revaer {res.request.method} {res.url}: {res.status_code} {res.text[:300]}")
        return res


def _pkg_version(name: str) -> str:
    """The version pkg-config reports for the library revaerd was built against."""
    try:
        return subprocess.run(["pkg-config", "--modversion", name], capture_output=True, text=True,
                              check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"
