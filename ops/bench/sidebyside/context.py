"""What every comparison gets: the options, the three daemon adapters, the
results, and the rule for the order daemons run in."""

from dataclasses import dataclass
from pathlib import Path

from .daemons import Daemon, QBittorrent, Revaer, Transmission
from .results import Results


@dataclass
class Context:
    args: object
    root: Path
    daemons: list[Daemon]
    results: Results

    def order(self, round_index: int) -> list[Daemon]:
        """Round r starts with daemon r: each one goes first, second and
        third in turn, so no daemon always meets a warmer (or busier) machine."""
        shift = round_index % len(self.daemons)
        return self.daemons[shift:] + self.daemons[:shift]

    def say(self, message: str) -> None:
        print(f"== {message}", flush=True)


def make_context(args) -> Context:
    root = Path(args.root)
    base = args.port_base
    # API ports base+1..3, peer ports base+11..13, the seeder base+10.
    daemons = [
        Revaer(root, base + 1, base + 11, args.revaerd),
        QBittorrent(root, base + 2, base + 12),
        Transmission(root, base + 3, base + 13),
    ]
    return Context(args, root, daemons, Results())
