"""Comparison 1: download the payload by magnet from the independent seeder,
with each daemon's shipped defaults, then TCP only. MB/s is payload bytes
(10^6) over the time from the add request to 100 % (metadata fetch
included); files are checked against the SHA-256 taken when they were
written. A download still running after --download-cap seconds is scored
by what it had by then."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import fixtures, proc
from .context import Context
from .daemons import Daemon

POLL = 0.1
DIAL_EVERY = 1.0
MODES = (("defaults", "shipped defaults"), ("tcp", "TCP only"))


class Seeder:
    def __init__(self, ctx: Context, payload: fixtures.Payload):
        self.port = ctx.args.port_base + 10
        log = ctx.root / "seeder.log"
        cmd = [sys.executable, "-m", "sidebyside.seeder", str(payload.root), str(payload.torrent), str(self.port)]
        package_parent = str(Path(__file__).resolve().parent.parent)
        self.child = proc.spawn(cmd, log, {"PYTHONPATH": package_parent}, stdin=subprocess.PIPE)
        proc.wait_until("seeder ready", lambda: "ready" in log.read_text() or self._died(log), 660, 0.2)

    def _died(self, log: Path) -> bool:
        if self.child.poll() is not None:
            raise SystemExit(f"the seeder exited: {log.read_text()[-500:]}")
        return False

    def dial(self, port: int, protocol: str) -> None:
        self.child.stdin.write(f"dial {port} {protocol}\n".encode())
        self.child.stdin.flush()

    def close(self) -> None:
        self.child.stdin.close()
        proc.terminate(self.child, timeout=10)


def run(ctx: Context) -> None:
    args = ctx.args
    ctx.say(f"download: writing a {args.payload_mib} MiB payload")
    payload = fixtures.make_payload(ctx.root / "payload", args.payload_mib)
    seeder = Seeder(ctx, payload)
    magnet = f"magnet:?xt=urn:btih:{payload.info_hash}&dn={payload.name}&x.pe=127.0.0.1:{seeder.port}"
    rows = {mode: ctx.results.row(f"download_{mode}", f"download {args.payload_mib} MiB, {label}",
                                  "MB/s", "higher") for mode, label in MODES}
    verified = ctx.results.row("download_verified", "downloads finished within the cap, hash-verified", "", "")
    try:
        for r in range(args.rounds):
            for daemon in ctx.order(r):
                daemon.start("dl")
                try:
                    for mode, _ in MODES:
                        daemon.set_tcp_only(mode == "tcp")
                        rows[mode].loads.append(proc.loadavg())
                        rate, ok = one(ctx, daemon, payload, magnet, seeder, mode)
                        rows[mode].add(daemon.key, rate)
                        verified.add(daemon.key, ok)
                        ctx.say(f"download round {r + 1} {daemon.name} {mode}: {rate:.1f} MB/s, "
                                f"{'verified' if ok else 'NOT complete/verified'}")
                    daemon.set_tcp_only(False)
                finally:
                    daemon.stop()
    finally:
        seeder.close()
        shutil.rmtree(payload.root, ignore_errors=True)
    for key, oks in verified.values.items():
        verified.text[key] = f"{sum(oks)}/{len(oks)}"


def one(ctx: Context, daemon: Daemon, payload, magnet: str, seeder: Seeder, mode: str):
    cap = ctx.args.download_cap
    start = time.monotonic()
    daemon.add_magnet(magnet)
    progress, next_dial = 0.0, start
    while time.monotonic() - start < cap:
        if not daemon.reads_xpe and time.monotonic() >= next_dial:
            # Again and again: Transmission drops the connection once it has the metadata.
            seeder.dial(daemon.peer_port, "tcp" if mode == "tcp" else "tcp_and_utp")
            next_dial = time.monotonic() + DIAL_EVERY
        progress = daemon.progress(payload.info_hash)
        if progress >= 1.0:
            break
        time.sleep(POLL)
    elapsed = time.monotonic() - start
    rate = progress * payload.size / elapsed / 1e6
    ok = progress >= 1.0 and verify(daemon, payload)
    clear(ctx, daemon, payload)
    return rate, ok


def verify(daemon: Daemon, payload) -> bool:
    """Every file's SHA-256 matches. Files may still be renamed or moved just
    after completion (Transmission's .part suffix, Revaer's post-processing):
    a missing file is looked for again for up to 30 s."""
    deadline = time.monotonic() + 30
    while True:
        folder = daemon.content_dir(payload.info_hash)
        try:
            return all(fixtures.sha256_of(folder / rel) == digest for rel, digest in payload.sha256.items())
        except FileNotFoundError:
            if time.monotonic() > deadline:
                print(f"   {daemon.name}: payload files not found under {folder}", flush=True)
                return False
            time.sleep(0.5)


def clear(ctx: Context, daemon: Daemon, payload) -> None:
    """Removes the torrent with its data; the next download starts from
    nothing. Files the daemon left behind are removed here, and said."""
    try:
        folder = daemon.content_dir(payload.info_hash)
    except Exception:  # noqa: BLE001 - not listed (yet): nothing on disk to find
        folder = None
    daemon.remove_with_data(payload.info_hash)
    try:
        proc.wait_until(f"{daemon.name} removes the payload",
                        lambda: folder is None or not folder.exists(), 30, interval=0.2)
    except TimeoutError:
        shutil.rmtree(folder, ignore_errors=True)
        note = f"{daemon.name} left the payload in {folder} after a remove with data; the harness deleted it."
        if note not in ctx.results.details:
            ctx.results.details.append(note)
