"""Processes the harness starts: each one recorded (pid file for the bash
trap), stoppable with a timed SIGTERM, killed at exit whatever happens."""

import atexit
import os
import signal
import subprocess
import time
from pathlib import Path

_live: list[subprocess.Popen] = []
_pid_file: Path | None = None


def init(root: Path) -> None:
    """Records pids in ROOT/pids so the entry script can kill leftovers."""
    global _pid_file
    _pid_file = root / "pids"
    atexit.register(kill_all)
    signal.signal(signal.SIGTERM, _exit_on_term)


def _exit_on_term(_signum, _frame) -> None:
    # SystemExit unwinds through finally blocks and atexit, which stop the daemons.
    raise SystemExit(143)


def spawn(cmd: list[str], log: Path, env: dict | None = None, **kw) -> subprocess.Popen:
    full_env = dict(os.environ)
    full_env.update(env or {})
    with open(log, "ab") as out:
        child = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=full_env,
                                 start_new_session=True, **kw)
    _live.append(child)
    if _pid_file is not None:
        with open(_pid_file, "a") as f:
            f.write(f"{child.pid}\n")
    return child


def terminate(child: subprocess.Popen, timeout: float = 60.0) -> tuple[float, bool]:
    """SIGTERM, then the seconds until the process exited and whether it did
    so by itself (False: it was killed after `timeout`)."""
    if child.poll() is not None:
        return 0.0, True
    start = time.monotonic()
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout)
        clean = True
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        clean = False
    _forget(child)
    return time.monotonic() - start, clean


def kill_all() -> None:
    for child in list(_live):  # noqa: PERF101 - a copy: _forget removes from _live
        if child.poll() is None:
            child.kill()
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                pass
        _forget(child)


def _forget(child: subprocess.Popen) -> None:
    if child in _live:
        _live.remove(child)


def rss_mib(pid: int) -> float:
    """Resident set size of one process, MiB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"no VmRSS for pid {pid}")


def loadavg() -> float:
    """The 1-minute load average."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def wait_until(what: str, check, timeout: float, interval: float = 0.1):
    """Calls `check` until it returns something truthy; raises after `timeout`."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except Exception as error:  # noqa: BLE001 - a daemon still starting refuses connections
            last_error = error
        time.sleep(interval)
    raise TimeoutError(f"{what}: not after {timeout:.0f} s" + (f" ({last_error})" if last_error else ""))
