"""The one load generator for every daemon: wrk, with a Lua script when the
request is a POST (Transmission's torrent-get)."""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .daemons import WrkTarget

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class WrkResult:
    p50_ms: float | None
    p99_ms: float | None
    rps: float
    requests: int
    errors: int  # socket errors and non-2xx responses
    command: str


def run(target: WrkTarget, connections: int, seconds: int, workdir: Path) -> WrkResult:
    threads = min(2, connections)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s", "--latency"]
    for header in target.headers:
        cmd += ["-H", header]
    if target.body is not None:
        script = workdir / "post.lua"
        script.write_text(f'wrk.method = "POST"\nwrk.body = [=[{target.body}]=]\n')
        cmd += ["-s", str(script)]
    cmd.append(target.url)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120, check=True).stdout
    return WrkResult(_latency(out, "50%"), _latency(out, "99%"), _number(out, r"Requests/sec:\s+([\d.]+)"),
                     int(_number(out, r"(\d+) requests in")), _errors(out), _printable(cmd))


def _latency(out: str, percentile: str) -> float | None:
    match = re.search(rf"^\s+{re.escape(percentile)}\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
    return float(match.group(1)) * UNITS[match.group(2)] if match else None


def _number(out: str, pattern: str) -> float:
    match = re.search(pattern, out)
    if not match:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    return float(match.group(1))


def _errors(out: str) -> int:
    total = 0
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket:
        total += sum(int(x) for x in socket.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        total += int(non_2xx.group(1))
    return total


def _printable(cmd: list[str]) -> str:
    """The command as the report shows it: the API key and Transmission's
    session id replaced by placeholders, the script by its name."""
    shown = []
    for arg in cmd:
        if arg.lower().startswith("x-api-key:"):
            arg = "x-api-key: $KEY"
        elif arg.lower().startswith("x-transmission-session-id:"):
            arg = "X-Transmission-Session-Id: $SESSION"
        elif arg.endswith("post.lua"):
            arg = "post.lua"
        shown.append(f"'{arg}'" if " " in arg else arg)
    return " ".join(shown)
