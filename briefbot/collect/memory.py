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
        """The state of a configured URL. A URL never fetched that an earlier source moved to
        (the operator took up the reported move) starts with that source's validators."""
        known = self.states.get(address)
        if known is not None:
            return known
        for earlier in self.states.values():
            if earlier.moved_to == address and not earlier.gone_since:
                return FetchState(
                    etag=earlier.etag,
                    last_modified=earlier.last_modified,
                    final_url=earlier.final_url,
                    last_success=earlier.last_success,
                )
        return FetchState()
