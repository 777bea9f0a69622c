"""Measurements as they come in: one Row per compared figure, each daemon's
values over the rounds, and the load average before each measurement."""

import statistics
from dataclasses import dataclass, field

DAEMONS = ("revaer", "qbittorrent", "transmission")


@dataclass
class Row:
    title: str
    unit: str
    better: str  # "higher", "lower" or "" (not a score: survived yes/no, notes)
    values: dict[str, list] = field(default_factory=dict)
    loads: list[float] = field(default_factory=list)  # 1-minute load average before each run
    notes: list[str] = field(default_factory=list)
    text: dict[str, str] = field(default_factory=dict)  # cells that are not measurements

    def add(self, daemon: str, value) -> None:
        self.values.setdefault(daemon, []).append(value)

    def median(self, daemon: str):
        numbers = [v for v in self.values.get(daemon, []) if isinstance(v, (int, float))]
        return statistics.median(numbers) if numbers else None

    def ratio(self, other: str):
        """Revaer's median over the other daemon's (None when either is missing or 0)."""
        mine, theirs = self.median("revaer"), self.median(other)
        if mine is None or not theirs:
            return None
        return mine / theirs


@dataclass
class Results:
    rows: dict[str, Row] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)  # free lines for the report's notes

    def row(self, key: str, title: str, unit: str, better: str) -> Row:
        if key not in self.rows:
            self.rows[key] = Row(title, unit, better)
        return self.rows[key]
