"""qBittorrent-nox 4.5 through its WebAPI v2. The profile is a pre-written
qBittorrent.conf under --profile=DIR: WebUI and peers on 127.0.0.1 only,
DHT/LSD/PeX/UPnP off, no GeoIP lookups, no login from localhost."""

import itertools
from pathlib import Path

import requests

from .base import Daemon, Snapshot, WrkTarget, by_labels

CONFIG = """[LegalNotice]
Accepted=true

[BitTorrent]
Session\\Port={peer_port}
Session\\InterfaceAddress=127.0.0.1
Session\\DHTEnabled=false
Session\\LSDEnabled=false
Session\\PeXEnabled=false
Session\\DefaultSavePath={downloads}
Session\\TempPathEnabled=false

[Network]
PortForwardingEnabled=false

[Preferences]
WebUI\\Address=127.0.0.1
WebUI\\Port={port}
WebUI\\LocalHostAuth=false
Connection\\UPnP=false
Connection\\ResolvePeerCountries=false
General\\Locale=en
"""
# States a torrent passes through after an add or a start.
TRANSIENT = {"checkingResumeData", "checkingDL", "checkingUP", "moving", "allocating"}
# Files per torrents/add request when loading the catalogue.
BATCH = 100


class QBittorrent(Daemon):
    key = "qbittorrent"
    name = "qBittorrent-nox"

    def __init__(self, root: Path, port: int, peer_port: int):
        super().__init__(root, port, peer_port)
        self.base = f"http://127.0.0.1:{port}/api/v2"
        self.http = requests.Session()
        self.shipped_protocol: int | None = None

    def _dir(self, profile):
        return self.root / f"qbittorrent-{profile}"

    def prepare(self, profile):
        conf = self._dir(profile) / "qBittorrent" / "config" / "qBittorrent.conf"
        if conf.exists():
            return
        conf.parent.mkdir(parents=True)
        downloads = self._dir(profile) / "downloads"
        downloads.mkdir()
        conf.write_text(CONFIG.format(peer_port=self.peer_port, port=self.port, downloads=downloads))

    def command(self, profile):
        return ["qbittorrent-nox", f"--profile={self._dir(profile)}"], {}

    def answers(self):
        return requests.get(f"{self.base}/app/version", timeout=5).status_code == 200

    def after_start(self):
        self.http = requests.Session()

    def _get(self, path, **params):
        res = self.http.get(f"{self.base}/{path}", params=params, timeout=120)
        return self._ok(res)

    def _post(self, path, data=None, files=None):
        return self._ok(self.http.post(f"{self.base}/{path}", data=data, files=files, timeout=120))

    def listed(self, n):
        if n <= 0:
            return True
        return len(self._get("torrents/info", offset=n - 1, limit=1).json()) == 1

    def count(self):
        return len(self._get("torrents/info").json())

    def snapshot(self):
        return Snapshot({t["hash"]: (None if t["state"] in TRANSIENT else t["state"].startswith("paused"),
                                     t["category"],
                                     tuple(sorted(x.strip() for x in t["tags"].split(",") if x.strip())))
                         for t in self._get("torrents/info").json()})

    def add_catalogue(self, tinies):
        for category in {t.category for t in tinies}:
            self.http.post(f"{self.base}/torrents/createCategory", data={"category": category}, timeout=30)
        for (category, tag), group in itertools.groupby(sorted(tinies, key=by_labels), key=by_labels):
            group = list(group)
            for start in range(0, len(group), BATCH):
                files = [("torrents", (f"{t.info_hash}.torrent", t.data, "application/x-bittorrent"))
                         for t in group[start:start + BATCH]]
                self._post("torrents/add", data={"category": category, "tags": tag, "paused": "true"},
                           files=files)

    def list_target(self):
        return WrkTarget(f"{self.base}/torrents/info?limit=100", [], label="GET torrents/info?limit=100")

    def add_magnet(self, magnet):
        self._post("torrents/add", data={"urls": magnet})

    def _info(self, info_hash):
        found = self._get("torrents/info", hashes=info_hash).json()
        if not found:
            raise RuntimeError(f"qBittorrent does not list {info_hash}")
        return found[0]

    def progress(self, info_hash):
        try:
            return float(self._info(info_hash)["progress"])
        except RuntimeError:
            return 0.0  # the add is asynchronous: not listed for a moment

    def content_dir(self, info_hash):
        return Path(self._info(info_hash)["content_path"])

    def remove_with_data(self, info_hash):
        self._post("torrents/delete", data={"hashes": info_hash, "deleteFiles": "true"})

    def set_tcp_only(self, tcp_only):
        if self.shipped_protocol is None:
            self.shipped_protocol = self._get("app/preferences").json()["bittorrent_protocol"]
        want = 1 if tcp_only else self.shipped_protocol  # 0 TCP and uTP, 1 TCP, 2 uTP
        self._post("app/setPreferences", data={"json": f'{{"bittorrent_protocol": {want}}}'})

    def version(self):
        build = self._get("app/buildInfo").json()
        return f"qBittorrent-nox {self._get('app/version').text} (libtorrent {build.get('libtorrent', '?')})"

    @staticmethod
    def _ok(res):
        if res.status_code != 200:
            raise RuntimeError(f"qBittorrent {res.request.method} {res.url}: {res.status_code} {res.text[:300]}")
        return res
