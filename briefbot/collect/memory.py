"""What collectors remember from earlier runs, handed in by the pipeline from the store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from briefbot.models import FetchState


@dataclass(frozen=True)
class CollectMemory:
    """Fetch state per source URL and the latest earlier leaderboard snapshot per source."""

    states: Mapping[str, FetchState] = field(default_factory=dict)
    snapshots: Mapping[str, list[dict]] = field(default_factory=dict)

    def state(self, address: str) -> FetchState:
        return self.states.get(address, FetchState())
