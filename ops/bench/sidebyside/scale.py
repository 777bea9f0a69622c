"""Comparisons 2-4 (and 5 when it can run): a large catalogue of paused
torrents whose data is absent.

Each daemon gets two catalogues, loaded once through its own API (mid: 1 000,
full: 10 000 by default), plus its empty download profile. Every round then
restarts each daemon on each profile, which measures at once: time from
start to all torrents listed, RSS after --settle seconds, whether every
torrent came back as it was (paused, category, tag), the list endpoints
under wrk (full catalogue only), and the time from SIGTERM to exit."""

import time

from . import fixtures, loadgen, maindata, proc
from .context import Context
from .daemons import Daemon, Snapshot

LIST_TIMEOUT = 600.0
SETTLE_TIMEOUT = 180.0
LATENCY_CONNECTIONS = 1
THROUGHPUT_CONNECTIONS = 8


def run(ctx: Context) -> None:
    args = ctx.args
    catalogues = {"mid": fixtures.make_catalogue(args.torrents_mid, "mid"),
                  "full": fixtures.make_catalogue(args.torrents, "full")}
    references: dict[tuple[str, str], Snapshot] = {}
    for daemon in ctx.order(0):
        for profile, tinies in catalogues.items():
            references[daemon.key, profile] = load(ctx, daemon, profile, tinies)
    sizes = {"dl": 0, "mid": args.torrents_mid, "full": args.torrents}
    for r in range(args.rounds):
        for daemon in ctx.order(r):
            for profile, size in sizes.items():
                cycle(ctx, daemon, profile, size, references.get((daemon.key, profile)))
    for profile in ("mid", "full"):
        row = ctx.results.rows.get(f"survived_{profile}")
        if row:
            row.text = {key: ", ".join(sorted(set(v))) for key, v in row.values.items()}


def load(ctx: Context, daemon: Daemon, profile: str, tinies: list) -> Snapshot:
    row = ctx.results.row(f"load_{profile}", f"load {len(tinies):,} torrents through the API",
                          "adds/s", "higher")
    daemon.start(profile)
    try:
        row.loads.append(proc.loadavg())
        start = time.monotonic()
        daemon.add_catalogue(tinies)
        proc.wait_until(f"{daemon.name} lists {len(tinies)}", lambda: daemon.listed(len(tinies)),
                        LIST_TIMEOUT, interval=0.25)
        row.add(daemon.key, len(tinies) / (time.monotonic() - start))
        reference = settled_snapshot(daemon)
        ctx.say(f"loaded {len(tinies)} into {daemon.name} ({profile}) at {row.values[daemon.key][-1]:.0f}/s")
        return reference
    finally:
        daemon.stop()


def settled_snapshot(daemon: Daemon) -> Snapshot:
    """The catalogue once no torrent is in a passing state (checking resume
    data and the like), or as it is after SETTLE_TIMEOUT."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        snap = daemon.snapshot()
        if snap.settled() or time.monotonic() > deadline:
            return snap
        time.sleep(0.5)


def cycle(ctx: Context, daemon: Daemon, profile: str, size: int, reference: Snapshot | None) -> None:
    args, results = ctx.args, ctx.results
    label = "idle (no torrents)" if size == 0 else f"{size:,} torrents"
    start_row = results.row(f"start_{profile}", f"start to all listed, {label}", "s", "lower")
    start_row.loads.append(proc.loadavg())
    begin = time.monotonic()
    daemon.start(profile)
    try:
        proc.wait_until(f"{daemon.name} lists {size}", lambda: daemon.listed(size), LIST_TIMEOUT, 0.05)
        start_row.add(daemon.key, time.monotonic() - begin)
        time.sleep(args.settle)
        rss = results.row(f"rss_{profile}", f"RSS, {label}", "MiB", "lower")
        rss.loads.append(proc.loadavg())
        rss.add(daemon.key, daemon.rss_mib())
        if reference is not None:
            survived = reference.diff(settled_snapshot(daemon))
            results.row(f"survived_{profile}", f"every torrent back after SIGTERM and restart, {label}",
                        "", "").add(daemon.key, survived)
        if profile == "full":
            list_bench(ctx, daemon)
            if "maindata" in args.phases:
                maindata.measure(ctx, daemon)
    finally:
        stop = results.row(f"stop_{profile}", f"SIGTERM to exit, {label}", "s", "lower")
        stop.loads.append(proc.loadavg())
        seconds, clean = daemon.stop()
    stop.add(daemon.key, seconds)
    if not clean:
        results.details.append(f"{daemon.name} ({profile}) did not exit within 90 s of SIGTERM and was killed.")
    ctx.say(f"{daemon.name} {profile}: start {start_row.values[daemon.key][-1]:.2f} s, "
            f"stop {seconds:.2f} s")


def list_bench(ctx: Context, daemon: Daemon) -> None:
    """A page of 100: latency with one connection, throughput with THROUGHPUT_CONNECTIONS."""
    results, seconds = ctx.results, ctx.args.list_seconds
    target = daemon.list_target()
    p50 = results.row("list_p50", "list a page of 100, p50 (1 connection)", "ms", "lower")
    p99 = results.row("list_p99", "list a page of 100, p99 (1 connection)", "ms", "lower")
    rps = results.row("list_rps", f"list a page of 100, requests/s ({THROUGHPUT_CONNECTIONS} connections)",
                      "req/s", "higher")
    p50.loads.append(proc.loadavg())
    latency = loadgen.run(target, LATENCY_CONNECTIONS, seconds, ctx.root)
    rps.loads.append(proc.loadavg())
    throughput = loadgen.run(target, THROUGHPUT_CONNECTIONS, seconds, ctx.root)
    # A daemon that serves requests one at a time may still be working
    # through what wrk left queued: wait for it before measuring anything else.
    daemon.listed(1)
    p50.add(daemon.key, latency.p50_ms)
    p99.add(daemon.key, latency.p99_ms)
    rps.add(daemon.key, throughput.rps)
    commands = results.row("list_commands", "", "", "")
    commands.text[daemon.key] = f"{target.label}: `{latency.command}` (then -c{THROUGHPUT_CONNECTIONS})"
    for run in (latency, throughput):
        if run.errors:
            results.details.append(f"{daemon.name} list: {run.errors} errors or non-2xx in `{run.command}`.")
    ctx.say(f"{daemon.name} list: p50 {latency.p50_ms:.3g} ms, p99 {latency.p99_ms:.3g} ms "
            f"({latency.requests} requests), {throughput.rps:.0f} req/s"
            if latency.p50_ms is not None and latency.p99_ms is not None
            else f"{daemon.name} list: no latency figures from wrk ({latency.requests} requests)")
