"""The output folder as the site's public files: never a dotfile (the temporary files of
atomic writes, `.env`, `.git`), and each page with a Content-Security-Policy that allows
exactly its own inline stylesheet."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path, PurePosixPath

import anyio
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from briefbot.web.guards import content_security_policy, style_hashes

# A page's <head> is in its first bytes; briefbot's stylesheet is a few kilobytes.
_HEAD_BYTES = 64 * 1024


class PublicFiles(StaticFiles):
    """StaticFiles that answers 404 for any path with a part starting with a dot."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        if any(part.startswith(".") for part in PurePosixPath(path).parts):
            raise HTTPException(404)
        response = await super().get_response(path, scope)
        if isinstance(response, FileResponse) and str(response.path).endswith(".html"):
            page = Path(response.path)
            stat = await anyio.to_thread.run_sync(page.stat)
            styles = await anyio.to_thread.run_sync(
                _page_styles, str(page), stat.st_mtime_ns, stat.st_size
            )
            response.headers["content-security-policy"] = content_security_policy(styles)
        return response


@lru_cache(maxsize=1024)
def _page_styles(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    """The style hashes of a page, cached for as long as the file is unchanged."""
    with open(path, "rb") as page:
        head = page.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    return tuple(style_hashes(head))
