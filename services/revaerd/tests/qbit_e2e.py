"""Drives Revaer's qBittorrent facade with the third-party `qbittorrent-api`
client library, as a real integration would. Run by qbit_e2e.rs, which
starts the server and a loopback seeder and passes:

  QBIT_URL      base URL of the server
  QBIT_KEY      an API key (KEY_ID:SECRET), used as the password
  TORRENT_FILE  a .torrent a loopback seeder serves (the test has the
                engine dial it: nothing announces it)

Exits non-zero (with the failed assertion) on any deviation.
"""

import os
import time

import qbittorrentapi

URL = os.environ["QBIT_URL"]
KEY = os.environ["QBIT_KEY"]
TORRENT_FILE = os.environ["TORRENT_FILE"]
MAGNET_HASH = "ab" * 20
DEADLINE = 60


def wait(what, check):
    """Polls `check` until it returns a true value; returns that value."""
    end = time.time() + DEADLINE
    while True:
        value = check()
        if value:
            return value
        if time.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def torrent(client, torrent_hash):
    found = client.torrents_info(torrent_hashes=torrent_hash)
    return found[0] if found else None


def log_in():
    client = qbittorrentapi.Client(host=URL, username="sonarr", password=KEY)
    client.auth_log_in()
    assert client.is_logged_in, "logged in with the key as password"
    assert client.app_web_api_version() == "2.11.0", client.app_web_api_version()
    assert client.app_version() == "v5.0.0"
    wrong = qbittorrentapi.Client(host=URL, username="sonarr", password="nope:nope")
    try:
        wrong.auth_log_in()
        raise AssertionError("a wrong key logged in")
    except qbittorrentapi.LoginFailed:
        pass
    return client


def labels(client):
    save_path = client.app_default_save_path() + "/e2e"
    client.torrents_create_category(name="e2e", save_path=save_path)
    categories = client.torrents_categories()
    assert categories["e2e"]["savePath"] == save_path, categories
    client.torrents_create_tags(tags=["one", "two"])
    assert sorted(client.torrents_tags()) == ["one", "two"]
    return save_path


def add_magnet(client):
    magnet = f"magnet:?xt=urn:btih:{MAGNET_HASH}&dn=e2e-magnet"
    assert client.torrents_add(urls=magnet, is_stopped=True, tags="one") == "Ok."
    info = wait("the magnet listed", lambda: torrent(client, MAGNET_HASH))
    assert info.state == "stoppedDL", info.state
    assert info.tags == "one", info.tags
    client.torrents_start(torrent_hashes=MAGNET_HASH)
    wait("the magnet running", lambda: torrent(client, MAGNET_HASH).state == "metaDL")
    client.torrents_stop(torrent_hashes=MAGNET_HASH)
    wait("the magnet stopped", lambda: torrent(client, MAGNET_HASH).state == "stoppedDL")
    # A duplicate is refused the way qBittorrent refuses it.
    assert client.torrents_add(urls=magnet) == "Fails."


def download(client, save_path):
    with open(TORRENT_FILE, "rb") as handle:
        result = client.torrents_add(torrent_files=handle, category="e2e", tags="two")
    assert result == "Ok.", result
    added = wait("the file torrent listed", lambda: client.torrents_info(category="e2e"))
    torrent_hash = added[0].hash

    def done():
        info = torrent(client, torrent_hash)
        return info if info.progress == 1 and info.state in ("uploading", "stalledUP") else None

    info = wait("the download to complete", done)
    assert info.save_path == save_path, (info.save_path, save_path)
    assert info.content_path == save_path + "/" + info.name, info.content_path
    assert info.completion_on > 0 and info.amount_left == 0
    props = client.torrents_properties(torrent_hash=torrent_hash)
    assert props.total_size == info.total_size and props.completion_date > 0, props
    files = client.torrents_files(torrent_hash=torrent_hash)
    assert files and all(f.progress == 1 for f in files), files
    for f in files:
        path = os.path.join(save_path, f.name)
        assert os.path.getsize(path) == f.size, (path, f.size)
    return info


def share_limits(client, torrent_hash):
    client.torrents_set_share_limits(
        ratio_limit=0, seeding_time_limit=-2, inactive_seeding_time_limit=-2,
        torrent_hashes=torrent_hash,
    )
    info = wait("the share limit to stop it",
                lambda: (t := torrent(client, torrent_hash)).state == "stoppedUP" and t)
    assert info.ratio_limit == 0 and info.max_ratio == 0, info
    client.torrents_set_share_limits(
        ratio_limit=-1, seeding_time_limit=-1, inactive_seeding_time_limit=-1,
        torrent_hashes=torrent_hash,
    )
    client.torrents_start(torrent_hashes=torrent_hash)
    wait("seeding again", lambda: torrent(client, torrent_hash).state in ("uploading", "stalledUP"))


def maindata(client, torrent_hash):
    full = client.sync_maindata(rid=0)
    assert full.get("full_update") is True
    assert torrent_hash in full["torrents"] and MAGNET_HASH in full["torrents"]
    assert "e2e" in full["categories"]
    rid = full["rid"]

    def delta_where(what, check):
        def poll():
            nonlocal rid
            data = client.sync_maindata(rid=rid)
            assert not data.get("full_update"), data
            rid = data["rid"]
            return data if check(data) else None
        return wait(what, poll)

    client.torrents_add_tags(tags="three", torrent_hashes=torrent_hash)
    data = delta_where("a delta with the new tag",
                       lambda d: torrent_hash in d.get("torrents", {}))
    assert data["torrents"][torrent_hash]["tags"] == "two, three", data
    assert "name" not in data["torrents"][torrent_hash], "unchanged fields are left out"
    assert "three" in data.get("tags", []), data
    client.torrents_delete(delete_files=False, torrent_hashes=MAGNET_HASH)
    data = delta_where("the removal in a delta", lambda d: d.get("torrents_removed"))
    assert data["torrents_removed"] == [MAGNET_HASH], data


def delete_with_files(client, info):
    content = info.content_path
    assert os.path.exists(content), content
    client.torrents_delete(delete_files=True, torrent_hashes=info.hash)
    wait("the torrent gone", lambda: torrent(client, info.hash) is None)
    wait("its files gone", lambda: not os.path.exists(content))


def main():
    client = log_in()
    save_path = labels(client)
    add_magnet(client)
    info = download(client, save_path)
    share_limits(client, info.hash)
    maindata(client, info.hash)
    delete_with_files(client, info)
    # The same library with the key as a Bearer token (qBittorrent 5.2 style).
    bearer = qbittorrentapi.Client(host=URL, api_key=KEY)
    assert bearer.app_web_api_version() == "2.11.0"
    client.auth_log_out()
    print("qbit e2e: OK")


if __name__ == "__main__":
    main()
