"""briefbot: a daily news brief from feeds, Reddit and leaderboards, written by a local model."""

__version__ = "0.1.0"
