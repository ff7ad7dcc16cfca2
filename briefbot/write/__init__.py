"""Write: story summaries, "Why it matters" notes and the Bottom Line, by a local open model."""

from briefbot.write.routing import make_backends
from briefbot.write.writer import NoBackendAvailable, Writer

__all__ = ["NoBackendAvailable", "Writer", "make_backends"]
