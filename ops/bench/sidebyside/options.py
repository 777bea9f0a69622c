"""Command-line options of ops/bench/compare (the harness half)."""

import argparse

PHASES = ("download", "scale", "maindata", "revaer")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ops/bench/compare",
        description="Revaer, qBittorrent-nox and Transmission side by side on 127.0.0.1.",
    )
    p.add_argument("--payload-mib", type=int, default=1024,
                   help="size of the multi-file payload the seeder serves (default 1024)")
    p.add_argument("--torrents", type=int, default=10_000,
                   help="catalogue size for listing, memory and restart (default 10000)")
    p.add_argument("--torrents-mid", type=int, default=1_000,
                   help="the smaller catalogue for memory and restart (default 1000)")
    p.add_argument("--rounds", type=int, default=3,
                   help="rounds per comparison, daemon order rotated each round (default 3)")
    p.add_argument("--download-cap", type=float, default=30.0,
                   help="seconds one download may take; a slower one is scored by "
                        "the bytes it had by then (default 30)")
    p.add_argument("--list-seconds", type=int, default=5,
                   help="seconds of wrk per list and sync/maindata measurement (default 5)")
    p.add_argument("--settle", type=float, default=5.0,
                   help="seconds between a daemon listing its catalogue and measuring (default 5)")
    p.add_argument("--phases", default=",".join(PHASES),
                   help="comma-separated subset of " + ",".join(PHASES)
                        + " (maindata runs inside scale, on the full catalogue)")
    p.add_argument("--out", default="docs/benchmarks-compare.md",
                   help="markdown file written at the end (default docs/benchmarks-compare.md)")
    # Set by the bash entry point, not by people.
    p.add_argument("--root", required=True, help=argparse.SUPPRESS)
    p.add_argument("--port-base", type=int, default=7300, help=argparse.SUPPRESS)
    p.add_argument("--revaerd", required=True, help=argparse.SUPPRESS)
    p.add_argument("--bench-sse", required=True, help=argparse.SUPPRESS)
    p.add_argument("--command", required=True, help=argparse.SUPPRESS)
    return p


def parse(argv=None) -> argparse.Namespace:
    args = parser().parse_args(argv)
    args.phases = [x.strip() for x in args.phases.split(",") if x.strip()]
    unknown = [x for x in args.phases if x not in PHASES]
    if unknown:
        parser().error(f"unknown phase(s): {', '.join(unknown)}")
    if args.torrents < 1 or args.torrents_mid < 1 or args.rounds < 1 or args.payload_mib < 1:
        parser().error("sizes and rounds must be positive")
    args.torrents_mid = min(args.torrents_mid, args.torrents)
    return args
