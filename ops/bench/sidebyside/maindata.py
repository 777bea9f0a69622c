"""Comparison 5: what a dashboard polling `sync/maindata` costs with the full
catalogue. One client asks for the full state (rid=0), then polls back to
back for --list-seconds, each request carrying the rid the previous answer
gave (what qBittorrent's web UI does, once a second). Revaer answers only
when its qBittorrent facade is in the build; otherwise the row says
"not available". Transmission has no equivalent."""

import statistics
import time

import requests

from . import proc
from .context import Context
from .daemons import Daemon


def measure(ctx: Context, daemon: Daemon) -> None:
    results = ctx.results
    rows = {
        "full": results.row("maindata_full", "sync/maindata full update (rid=0)", "ms", "lower"),
        "p50": results.row("maindata_p50", "sync/maindata delta, p50 (1 client back to back)", "ms", "lower"),
        "rps": results.row("maindata_rps", "sync/maindata deltas/s (1 client back to back)", "req/s", "higher"),
        "bytes": results.row("maindata_bytes", "sync/maindata mean delta size", "bytes", "lower"),
    }
    if daemon.key == "transmission":
        for row in rows.values():
            row.text["transmission"] = "no equivalent"
        return
    http = requests.Session()
    if daemon.key == "revaer":
        url = f"{daemon.base}/api/v2/sync/maindata"
        http.headers["Authorization"] = f"Bearer {daemon.api_key()}"
        if not answers(http, url):
            for row in rows.values():
                row.text["revaer"] = "not available"
            ctx.say("Revaer: /api/v2/sync/maindata does not answer (no facade in this build)")
            return
    else:
        url = f"{daemon.base}/sync/maindata"
    rows["full"].loads.append(proc.loadavg())
    full_ms, deltas, sizes, elapsed = poll(http, url, ctx.args.list_seconds)
    rows["full"].add(daemon.key, full_ms)
    rows["p50"].add(daemon.key, statistics.median(deltas))
    rows["rps"].add(daemon.key, len(deltas) / elapsed)
    rows["bytes"].add(daemon.key, statistics.mean(sizes))
    ctx.say(f"{daemon.name} sync/maindata: full {full_ms:.1f} ms, delta p50 "
            f"{statistics.median(deltas):.2f} ms, {len(deltas) / elapsed:.0f}/s")


def answers(http: requests.Session, url: str) -> bool:
    try:
        res = http.get(url, params={"rid": 0}, timeout=60)
        return res.status_code == 200 and "rid" in res.json()
    except (requests.RequestException, ValueError):
        return False


def poll(http: requests.Session, url: str, seconds: float):
    begin = time.monotonic()
    rid = http.get(url, params={"rid": 0}, timeout=120).json()["rid"]
    full_ms = (time.monotonic() - begin) * 1000
    deltas, sizes = [], []
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        sent = time.monotonic()
        res = http.get(url, params={"rid": rid}, timeout=120)
        deltas.append((time.monotonic() - sent) * 1000)
        sizes.append(len(res.content))
        rid = res.json()["rid"]
    return full_ms, deltas, sizes, time.monotonic() - start
