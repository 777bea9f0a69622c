"""transmission-daemon 3.00 through its JSON-RPC. The profile is a
settings.json under --config-dir: RPC and peers on 127.0.0.1 only, DHT,
LPD, PEX and port forwarding off, no blocklist, no authentication."""

import base64
import itertools
import json
from pathlib import Path

import requests

from .base import Daemon, Snapshot, WrkTarget, by_labels

# Summary fields comparable to Revaer's list items (id, name, state,
# progress, size, transferred, rates, ratio, ETA, labels, path, dates, error).
LIST_FIELDS = ["id", "hashString", "name", "status", "percentDone", "totalSize", "downloadedEver",
               "uploadedEver", "rateDownload", "rateUpload", "uploadRatio", "eta", "labels",
               "downloadDir", "addedDate", "doneDate", "errorString"]
SESSION_HEADER = "X-Transmission-Session-Id"


class Transmission(Daemon):
    key = "transmission"
    name = "Transmission"
    reads_xpe = False  # 3.00 parses xt, dn, tr and ws only

    def __init__(self, root: Path, port: int, peer_port: int):
        super().__init__(root, port, peer_port)
        self.url = f"http://127.0.0.1:{port}/transmission/rpc"
        self.http = requests.Session()
        self.shipped_utp: bool | None = None

    def _dir(self, profile):
        return self.root / f"transmission-{profile}"

    def prepare(self, profile):
        settings = self._dir(profile) / "settings.json"
        if settings.exists():
            return
        downloads = self._dir(profile) / "downloads"
        downloads.mkdir(parents=True)
        settings.write_text(json.dumps({
            "bind-address-ipv4": "127.0.0.1",
            "bind-address-ipv6": "::1",
            "rpc-bind-address": "127.0.0.1",
            "rpc-port": self.port,
            "rpc-authentication-required": False,
            "rpc-whitelist-enabled": True,
            "rpc-whitelist": "127.0.0.1",
            "peer-port": self.peer_port,
            "peer-port-random-on-start": False,
            "port-forwarding-enabled": False,
            "dht-enabled": False,
            "lpd-enabled": False,
            "pex-enabled": False,
            "blocklist-enabled": False,
            "download-dir": str(downloads),
            "incomplete-dir-enabled": False,
            "watch-dir-enabled": False,
            "message-level": 1,
        }, indent=2))

    def command(self, profile):
        return ["transmission-daemon", "--foreground", "--config-dir", str(self._dir(profile))], {}

    def answers(self):
        return self.rpc("session-get", fields=["version"]) is not None

    def after_start(self):
        self.http = requests.Session()

    def rpc(self, method, **arguments):
        body = {"method": method, "arguments": arguments}
        res = self.http.post(self.url, json=body, timeout=120)
        if res.status_code == 409:  # Transmission's CSRF token: retry with the one it hands out
            self.http.headers[SESSION_HEADER] = res.headers[SESSION_HEADER]
            res = self.http.post(self.url, json=body, timeout=120)
        reply = res.json() if res.status_code == 200 else {"result": f"HTTP {res.status_code}"}
        if reply.get("result") != "success":
            raise RuntimeError(f"Transmission {method}: {reply.get('result')}")
        return reply["arguments"]

    def _torrents(self, fields, ids=None):
        args = {"fields": fields, **({"ids": ids} if ids is not None else {})}
        return self.rpc("torrent-get", **args)["torrents"]

    def count(self):
        return len(self._torrents(["id"]))

    def snapshot(self):
        # Labels are [category, tag]. Status 0 is stopped; 1 and 2 are waiting
        # for / doing a verify, which 3.00 runs on torrents added stopped too
        # (about ten a second here) without starting them.
        return Snapshot({t["hashString"]: (t["status"] in (0, 1, 2), (t["labels"] or [""])[0],
                                           tuple(sorted(t["labels"][1:])))
                         for t in self._torrents(["hashString", "status", "labels"])})

    def add_catalogue(self, tinies):
        for tiny in tinies:
            self.rpc("torrent-add", metainfo=base64.b64encode(tiny.data).decode(), paused=True)
        # torrent-add takes no labels in 3.00: set them per (category, tag) group.
        for (category, tag), group in itertools.groupby(sorted(tinies, key=by_labels), key=by_labels):
            self.rpc("torrent-set", ids=[t.info_hash for t in group], labels=[category, tag])

    def list_target(self):
        session = self.http.headers.get(SESSION_HEADER, "")
        body = json.dumps({"method": "torrent-get",
                           "arguments": {"ids": list(range(1, 101)), "fields": LIST_FIELDS}})
        return WrkTarget(self.url, [f"{SESSION_HEADER}: {session}", "Content-Type: application/json"],
                         body, label="POST torrent-get, ids 1-100, 17 fields")

    def add_magnet(self, magnet):
        self.rpc("torrent-add", filename=magnet)

    def _one(self, info_hash, fields):
        found = self._torrents(fields, ids=[info_hash])
        if not found:
            raise RuntimeError(f"Transmission does not list {info_hash}")
        return found[0]

    def progress(self, info_hash):
        t = self._one(info_hash, ["percentDone", "metadataPercentComplete", "leftUntilDone"])
        if t["metadataPercentComplete"] < 1:
            return 0.0
        return 1.0 if t["leftUntilDone"] == 0 else float(t["percentDone"])

    def content_dir(self, info_hash):
        t = self._one(info_hash, ["downloadDir", "name"])
        return Path(t["downloadDir"]) / t["name"]

    def remove_with_data(self, info_hash):
        self.rpc("torrent-remove", ids=[info_hash], **{"delete-local-data": True})

    def set_tcp_only(self, tcp_only):
        if self.shipped_utp is None:
            self.shipped_utp = bool(self.rpc("session-get", fields=["utp-enabled"])["utp-enabled"])
        self.rpc("session-set", **{"utp-enabled": False if tcp_only else self.shipped_utp})

    def version(self):
        return f"transmission-daemon {self.rpc('session-get', fields=['version'])['version']}"
