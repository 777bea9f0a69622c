"""The markdown the lead pastes into docs/benchmarks.md: machine, versions,
the exact command, then one table of medians and Revaer's ratios."""

import datetime
import os
import platform
from pathlib import Path

from .context import Context
from .results import Row

COLUMNS = [("revaer", "Revaer"), ("qbittorrent", "qBittorrent-nox"), ("transmission", "Transmission")]

# Table order: the comparisons in turn, then what informs them.
ORDER = ["download_defaults", "download_tcp", "download_verified",
         "list_p50", "list_p99", "list_rps",
         "rss_dl", "rss_mid", "rss_full",
         "start_dl", "start_mid", "start_full", "stop_dl", "stop_mid", "stop_full",
         "survived_mid", "survived_full",
         "maindata_full", "maindata_p50", "maindata_rps", "maindata_bytes",
         "sse", "reload", "load_mid", "load_full"]

NOTES = [
    ("Medians over the rounds, with the range in brackets when there was more than one round; "
     "the ratio is Revaer's median over the other daemon's (for a lower-is-better row, "
     "below 1× means Revaer is ahead)."),
    ("Downloads: one seeder process (PyPI libtorrent, its own build) on 127.0.0.1 serves the payload; "
     "Revaer and qBittorrent add the magnet with `x.pe=127.0.0.1:PORT` and dial the seeder; Transmission 3.00 "
     "reads no `x.pe` and refuses 127.0.0.0/8 peers from trackers, so the seeder dials Transmission's peer "
     "port (every second, uTP first with shipped defaults, TCP in the TCP-only runs). "
     "Time runs from the add request to 100 %. Transmission 3.00 asks a new peer for data only at its "
     "next rechoke (every 10 s), which weighs on small payloads."),
    ("Catalogue: tiny generated v1 torrents (one or two files of about 1 KiB, four categories, two tags) "
     "added paused through each daemon's API; their data is absent. Transmission 3.00 verifies torrents "
     "added stopped in the background (about ten a second); it does not resume that after a restart."),
    ("Start, memory, listing and stop are measured after restarting each daemon on its loaded catalogue; "
     "\"listed\" means its list API returns every torrent (polled every 50 ms)."),
    ("Revaer's RSS is revaerd's alone: its catalogue lives in PostgreSQL, whose memory is not counted; "
     "qBittorrent and Transmission keep theirs in files."),
    ("Listing: Revaer `GET /v1/torrents?limit=100` (cursor pages), qBittorrent `torrents/info?limit=100`, "
     "Transmission `torrent-get` for ids 1-100 with 17 fields like Revaer's summary (its RPC has no paging)."),
    ("Loading (informative, each API's own way): Revaer one multipart upload per torrent from 8 threads, "
     "qBittorrent 100 files per `torrents/add`, Transmission one `torrent-add` after the other plus one "
     "`torrent-set` per label pair; the time ends when the list API shows them all."),
]


def render(ctx: Context) -> str:
    args, results = ctx.args, ctx.results
    lines = [
        "## Side by side: Revaer, qBittorrent-nox, Transmission (`ops/bench/compare`)",
        "",
        f"Generated {datetime.date.today().isoformat()} by:",
        "",
        "```sh",
        args.command,
        "```",
        "",
        f"- Machine: {machine()}",
        f"- Daemons: {'; '.join(results.versions.values())}",
        (f"- {args.rounds} round(s), daemon order rotated each round; payload {args.payload_mib} MiB; "
         f"catalogues {args.torrents_mid:,} and {args.torrents:,} torrents; download cap {args.download_cap:.0f} s; "
         f"wrk {args.list_seconds} s per list measurement; settle {args.settle:.0f} s."),
        "",
        "| comparison | unit | better | " + " | ".join(n for _, n in COLUMNS)
        + " | Revaer ÷ qBittorrent | Revaer ÷ Transmission | load avg (1 min) before |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    ordered = [key for key in ORDER if key in results.rows] + [k for k in results.rows if k not in ORDER]
    lines += [table_row(results.rows[key]) for key in ordered if results.rows[key].title]
    commands = results.rows.get("list_commands")
    lines += ["", "Notes:", ""] + [f"- {note}" for note in NOTES + results.details]
    if commands:
        lines += ["", "List requests (wrk):", ""]
        lines += [f"- {name}: {commands.text[key]}" for key, name in COLUMNS if key in commands.text]
    return "\n".join(lines) + "\n"


def table_row(row: Row) -> str:
    cells = [cell(row, key) for key, _ in COLUMNS]
    ratios = [ratio(row, other) for other in ("qbittorrent", "transmission")]
    loads = ""
    if row.loads:
        low, high = f"{min(row.loads):.1f}", f"{max(row.loads):.1f}"
        loads = low if low == high else f"{low}–{high}"
    return f"| {row.title} | {row.unit} | {row.better} | " + " | ".join(cells + ratios) + f" | {loads} |"


def cell(row: Row, key: str) -> str:
    if key in row.text:
        return row.text[key]
    values = [v for v in row.values.get(key, []) if isinstance(v, (int, float))]
    if not values:
        return "—"
    median = row.median(key)
    if len(values) == 1:
        return fmt(median)
    return f"{fmt(median)} ({fmt(min(values))}–{fmt(max(values))})"


def ratio(row: Row, other: str) -> str:
    if not row.better:
        return ""
    value = row.ratio(other)
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}×"
    if value >= 10:
        return f"{value:.1f}×"
    return f"{value:.2f}×" if value >= 0.1 else f"{value:.2g}×"


def fmt(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def machine() -> str:
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:"))
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    return (f"{os.cpu_count()} cores (nproc), {cpu}, {mem_kib / 1024 / 1024:.1f} GiB, "
            f"kernel {platform.release()}")
