"""The independent seeder: its own process, PyPI's libtorrent, one torrent in
seed mode, listening on 127.0.0.1:PORT only (DHT, LSD, UPnP, NAT-PMP off).

Run as `python -m sidebyside.seeder PAYLOAD_ROOT TORRENT PORT`. It prints
`ready` once it listens and seeds. Revaer and qBittorrent dial it from the
magnet's `x.pe`. Transmission 3.00 reads no `x.pe` and refuses 127.0.0.0/8
peers from a tracker, so for it the harness writes `dial PORT PROTOCOL` on
stdin and the seeder connects to 127.0.0.1:PORT, over uTP first like any
libtorrent peer when PROTOCOL is `tcp_and_utp`, over TCP only when it is
`tcp`. It exits when stdin closes."""

import os
import select
import sys
import time

import libtorrent as lt

CHECK_TIMEOUT = 600


def session(port: int) -> lt.session:
    return lt.session({
        "listen_interfaces": f"127.0.0.1:{port}",
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.status_notification
        | lt.alert.category_t.connect_notification,
        # Every daemon is 127.0.0.1: one peer-list entry per address would
        # merge them, and a dial could land on a previous daemon's entry.
        "allow_multiple_connections_per_ip": True,
        # Transmission closes the connection once it has the metadata and the
        # seeder dials again a second later: no back-off for that peer.
        "min_reconnect_time": 1,
        "max_failcount": 1000,
    })


def seed(ses: lt.session, root: str, torrent: str) -> lt.torrent_handle:
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent)
    params.save_path = root
    # Checked in full before `ready` (no seed mode, which would hash each
    # piece on its first upload: a cost only the first downloader would pay).
    params.flags &= ~lt.torrent_flags.auto_managed & ~lt.torrent_flags.paused
    return ses.add_torrent(params)


def wait_listening(ses: lt.session, handle: lt.torrent_handle) -> bool:
    deadline = time.monotonic() + CHECK_TIMEOUT
    listening = False
    while time.monotonic() < deadline:
        for alert in ses.pop_alerts():
            if isinstance(alert, lt.listen_succeeded_alert):
                listening = True
            elif isinstance(alert, lt.listen_failed_alert):
                print(f"seeder: {alert.message()}", flush=True)
                return False
        if listening and handle.status().is_seeding:
            return True
        time.sleep(0.05)
    print(f"seeder: not listening and seeding after {CHECK_TIMEOUT} s", flush=True)
    return False


def serve(ses: lt.session, handle: lt.torrent_handle) -> int:
    pending = b""
    while True:
        readable, _, _ = select.select([sys.stdin.fileno()], [], [], 0.5)
        if readable:
            data = os.read(sys.stdin.fileno(), 4096)
            if not data:
                return 0
            pending += data
            *lines, pending = pending.split(b"\n")
            for line in lines:
                parts = line.decode().split()
                if len(parts) == 3 and parts[0] == "dial":
                    ses.apply_settings({"enable_outgoing_utp": parts[2] != "tcp"})
                    handle.connect_peer(("127.0.0.1", int(parts[1])))
        for alert in ses.pop_alerts():
            # Errors, connects and disconnects: a post-mortem trail (BENCH_COMPARE_KEEP).
            if alert.category() & (lt.alert.category_t.error_notification | lt.alert.category_t.connect_notification):
                print(f"seeder: {alert.message()}", flush=True)


def main() -> int:
    root, torrent, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ses = session(port)
    handle = seed(ses, root, torrent)
    if not wait_listening(ses, handle):
        return 1
    print("ready", flush=True)
    return serve(ses, handle)


if __name__ == "__main__":
    sys.exit(main())
