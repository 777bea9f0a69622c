"""Comparison 6: what only Revaer has, measured on its 'events' database.

- Event latency: the existing `bench_sse` helper (100 subscribers on
  /v1/events, 200 magnet adds; latency = receipt minus the event's `at`).
- Config reload: PATCH /v1/config (engine download limit, alternating
  values) while a client follows /v1/events?types=config_changed; the PATCH
  round trip (it returns once this server applied the revision) and the
  time from sending the PATCH to the matching `config_changed` event.

qBittorrent and Transmission have neither an event stream nor a watched
configuration store: a client polls them, and settings are pushed through
one RPC (setPreferences, session-set), so their cells say so."""

import json
import re
import statistics
import subprocess
import threading
import time

import requests

from . import proc
from .context import Context

RELOADS = 20
NONE = {"qbittorrent": "no equivalent (clients poll)", "transmission": "no equivalent (clients poll)"}


def run(ctx: Context) -> None:
    revaer = next(d for d in ctx.daemons if d.key == "revaer")
    revaer.start("events")
    try:
        events(ctx, revaer)
        reload(ctx, revaer)
    finally:
        revaer.stop()


def events(ctx: Context, revaer) -> None:
    row = ctx.results.row("sse", "event delivery, 100 SSE subscribers, p50 / p99", "ms", "lower")
    row.loads.append(proc.loadavg())
    cmd = [ctx.args.bench_sse, revaer.base, revaer.api_key(), "100", "200"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=True).stdout
    except subprocess.SubprocessError as error:
        # Not the exception itself: its text holds the command line, API key included.
        stderr = getattr(error, "stderr", "") or ""
        raise RuntimeError(f"bench_sse failed ({type(error).__name__}): {stderr[-300:]}") from None
    p50, p99 = (float(re.search(rf"{p}=([\d.]+)ms", out).group(1)) for p in ("p50", "p99"))
    row.add("revaer", p50)
    row.text["revaer"] = f"{p50:.2f} / {p99:.2f}"
    row.text.update(NONE)
    ctx.say(f"Revaer events: {out.strip()}")


def reload(ctx: Context, revaer) -> None:
    row = ctx.results.row("reload", "config change: PATCH returns / config_changed event, p50", "ms", "lower")
    row.loads.append(proc.loadavg())
    arrivals: dict[int, float] = {}
    follower = threading.Thread(target=follow, args=(revaer, arrivals), daemon=True)
    follower.start()
    time.sleep(1.0)  # the stream is open before the first change
    patch_ms, event_ms = [], []
    for n in range(RELOADS):
        sent = time.monotonic()
        res = revaer.http.patch(f"{revaer.base}/v1/config", timeout=30,
                                json={"engine_profile": {"max_download_bps": 0 if n % 2 else 500_000_000}})
        patch_ms.append((time.monotonic() - sent) * 1000)
        revision = res.json()["revision"]
        arrived = proc.wait_until(f"config_changed {revision}", lambda rev=revision: arrivals.get(rev), 10, 0.002)
        event_ms.append((arrived - sent) * 1000)
    revaer.http.patch(f"{revaer.base}/v1/config", json={"engine_profile": {"max_download_bps": 0}}, timeout=30)
    row.add("revaer", statistics.median(event_ms))
    row.text["revaer"] = f"{statistics.median(patch_ms):.1f} / {statistics.median(event_ms):.1f}"
    row.text.update(NONE)
    ctx.say(f"Revaer config reload: PATCH p50 {statistics.median(patch_ms):.1f} ms, "
            f"event p50 {statistics.median(event_ms):.1f} ms over {RELOADS}")


def follow(revaer, arrivals: dict) -> None:
    url = f"{revaer.base}/v1/events?types=config_changed"
    with requests.get(url, headers={"x-api-key": revaer.api_key()}, stream=True, timeout=120) as res:
        for line in res.iter_lines(decode_unicode=True):
            if line and line.startswith("data:"):
                data = json.loads(line[5:])
                revision = data.get("revision", data.get("data", {}).get("revision"))
                if revision is not None:
                    arrivals[int(revision)] = time.monotonic()
