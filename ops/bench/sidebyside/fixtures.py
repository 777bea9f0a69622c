"""What the daemons are given: the download payload (real files the seeder
serves) and the catalogue (tiny .torrent files whose data nobody has).

Every torrent is v1-only: Transmission 3.00 predates BitTorrent v2 and
would treat a hybrid torrent's padding files as real files."""

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import libtorrent as lt

# Share of the payload per file: several sizes, nested folders.
PAYLOAD_LAYOUT = [
    ("video/feature.mkv", 0.55),
    ("video/extras/making-of.mkv", 0.20),
    ("audio/soundtrack.flac", 0.12),
    ("disc/image.iso", 0.10),
    ("subs/en.srt", 0.02),
    ("readme.txt", 0.01),
]
CATEGORIES = ["tv", "movies", "music", "linux"]
EXTENSIONS = ["mkv", "mp4", "flac", "iso", "txt"]


@dataclass
class Payload:
    name: str
    root: Path  # the folder the seeder serves from (parent of `name`)
    torrent: Path
    info_hash: str
    size: int
    sha256: dict[str, str] = field(default_factory=dict)  # relative path -> digest


@dataclass
class Tiny:
    info_hash: str
    data: bytes
    category: str
    tag: str


def make_payload(root: Path, mib: int) -> Payload:
    """Writes MiB of random data as a multi-file folder, fsynced, and a
    v1 torrent for it (libtorrent hashes the pieces)."""
    name = "revaer-compare"
    total = mib * 1024 * 1024
    digests = {}
    written = 0
    for i, (rel, share) in enumerate(PAYLOAD_LAYOUT):
        size = total - written if i == len(PAYLOAD_LAYOUT) - 1 else int(total * share)
        digests[rel] = _random_file(root / name / rel, size)
        written += size
    fs = lt.file_storage()
    lt.add_files(fs, str(root / name))
    creator = lt.create_torrent(fs, 0, flags=lt.create_torrent.v1_only)
    creator.set_creator("revaer ops/bench/compare")
    lt.set_piece_hashes(creator, str(root))
    data = lt.bencode(creator.generate())
    torrent = root / f"{name}.torrent"
    torrent.write_bytes(data)
    info_hash = str(lt.torrent_info(data).info_hashes().v1)
    return Payload(name, root, torrent, info_hash, total, digests)


def _random_file(path: Path, size: int) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        left = size
        while left:
            chunk = os.urandom(min(left, 4 << 20))
            out.write(chunk)
            digest.update(chunk)
            left -= len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(4 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def make_catalogue(count: int, salt: str) -> list[Tiny]:
    """COUNT tiny torrents (one or two files of about 1 KiB, four categories,
    two tags, five extensions), built in memory: the metainfo is bencoded
    directly, so no file is written. `salt` keeps catalogues distinct."""
    out = []
    for n in range(count):
        seed = hashlib.sha256(f"{salt}:{n}".encode()).digest()
        main = (seed * 32)[:1024]
        ext = EXTENSIONS[n % 5]
        name = f"bench {n:05} {['alpha', 'Beta', 'gamma', 'Delta'][n % 4]}"
        files = [(f"main.{ext}", main)]
        if n % 3 == 0:
            files.append(("info.nfo", main[:100]))
        joined = b"".join(content for _, content in files)
        info = {
            b"name": name.encode(),
            b"piece length": 16384,
            b"pieces": hashlib.sha1(joined).digest(),
            b"files": [{b"length": len(c), b"path": [p.encode()]} for p, c in files],
        }
        data = lt.bencode({b"info": info, b"created by": b"revaer ops/bench/compare"})
        info_hash = hashlib.sha1(lt.bencode(info)).hexdigest()
        out.append(Tiny(info_hash, data, CATEGORIES[n % 4], "even" if n % 2 == 0 else "odd"))
    return out
