"""Runs the comparisons that --phases names, then prints and writes the
report. Started by ops/bench/compare, which prepared ROOT (Revaer's
databases, the pid file) and removes it afterwards."""

import sys
import time
import traceback
from pathlib import Path

from . import download, options, proc, report, revaer_only, scale
from .context import Context, make_context


def versions(ctx: Context) -> None:
    """Each daemon's own word on its version (and its libtorrent), plus the seeder's."""
    import libtorrent

    for daemon in ctx.daemons:
        daemon.start("dl")
        try:
            ctx.results.versions[daemon.key] = daemon.version()
        finally:
            daemon.stop()
    ctx.results.versions["seeder"] = f"seeder: PyPI libtorrent {libtorrent.__version__} (Python {sys.version.split()[0]})"


def main() -> int:
    args = options.parse()
    ctx = make_context(args)
    proc.init(ctx.root)
    began = time.monotonic()
    status = 0
    try:
        versions(ctx)
        if "download" in args.phases:
            download.run(ctx)
        if "scale" in args.phases:
            scale.run(ctx)
        if "revaer" in args.phases:
            revaer_only.run(ctx)
    except Exception as error:  # noqa: BLE001 - report what was measured, say where it stopped
        traceback.print_exc()
        ctx.results.details.append(f"**The run stopped early**: {type(error).__name__}: {error}")
        status = 1
    finally:
        proc.kill_all()
    ctx.say(f"done in {(time.monotonic() - began) / 60:.1f} min")
    text = report.render(ctx)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print()
    print(text)
    print(f"(written to {out})")
    return status


if __name__ == "__main__":
    sys.exit(main())
