"""Files (charts, workbooks) served at unguessable links that expire, for messengers that
take photos only by URL and no files at all (Zalo)."""

from __future__ import annotations

import logging
import mimetypes
import re
import secrets
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

import tornado.web

from bot.channels.http import HttpServer

__all__ = ["LINK_VALID", "FileLinks", "PublishedFiles"]

logger = logging.getLogger(__name__)

LINK_VALID = timedelta(hours=24)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
_EXPIRES = ".expires"


class FileLinks(Protocol):
    def publish(self, filename: str, content: bytes) -> str | None:
        """A public link to the file, or None when files cannot be published."""
        ...


class PublishedFiles:
    """Each file in ``folder/<token>/``, with its expiry; served under ``/files/``."""

    def __init__(
        self,
        folder: Path,
        base_url: str,
        *,
        clock: Callable[[], datetime],
        valid: timedelta = LINK_VALID,
    ) -> None:
        self.folder = folder
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self.valid = valid

    def publish(self, filename: str, content: bytes) -> str:
        self.prune()
        token = secrets.token_urlsafe(24)  # 32 characters, 192 bits
        name = Path(filename).name or "file"
        folder = self.folder / token
        folder.mkdir(parents=True)
        (folder / name).write_bytes(content)
        (folder / _EXPIRES).write_text((self.clock() + self.valid).isoformat())
        return f"{self.base_url}/files/{token}/{quote(name)}"

    def find(self, token: str, name: str) -> Path | None:
        """The file behind a link, if the link is valid and has not expired."""
        if not _TOKEN.fullmatch(token) or "/" in name or name.startswith("."):
            return None
        folder = self.folder / token
        if self._expired(folder):
            return None
        path = folder / name
        return path if path.is_file() else None

    def _expired(self, folder: Path) -> bool:
        try:
            expires = datetime.fromisoformat((folder / _EXPIRES).read_text())
        except (OSError, ValueError):
            return True
        return self.clock() >= expires

    def prune(self) -> None:
        """Delete the files whose links expired."""
        if not self.folder.is_dir():
            return
        for folder in self.folder.iterdir():
            if folder.is_dir() and self._expired(folder):
                shutil.rmtree(folder, ignore_errors=True)

    def serve_on(self, server: HttpServer) -> None:
        server.route(r"/files/([^/]+)/([^/]+)", _FileHandler, files=self)


class _FileHandler(tornado.web.RequestHandler):
    def initialize(self, files: PublishedFiles) -> None:
        self.files = files

    def get(self, token: str, name: str) -> None:
        path = self.files.find(token, tornado.escape.url_unescape(name))
        if path is None:
            raise tornado.web.HTTPError(404)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.set_header("Content-Type", kind)
        self.set_header("Cache-Control", "private, no-store")
        self.write(path.read_bytes())
