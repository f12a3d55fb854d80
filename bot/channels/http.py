"""One HTTP server for the whole process (WEBHOOK_LISTEN:WEBHOOK_PORT): each channel's
webhook path and the expiring file links are routes on it."""

from __future__ import annotations

import logging
from typing import Any

import tornado.httpserver
import tornado.web

__all__ = ["MAX_BODY", "HttpServer"]

logger = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # webhook updates are a few kilobytes


class HttpServer:
    """Routes are added before or while it runs; it listens while at least one user holds it."""

    def __init__(self, listen: str, port: int) -> None:
        self.listen = listen
        self.port = port
        self.app = tornado.web.Application([])
        self._server: tornado.httpserver.HTTPServer | None = None
        self._users = 0

    def route(self, pattern: str, handler: type[tornado.web.RequestHandler], **kwargs: Any) -> None:
        self.app.add_handlers(r".*", [(pattern, handler, kwargs)])

    def hold(self) -> None:
        """Listen (if not yet): a channel needs the server from now on."""
        self._users += 1
        if self._server is None:
            self._server = tornado.httpserver.HTTPServer(self.app, max_body_size=MAX_BODY)
            self._server.listen(self.port, address=self.listen)
            logger.info("HTTP server listening on %s:%d", self.listen, self.port)

    async def release(self) -> None:
        """The channel no longer needs it; the last one stops it."""
        self._users -= 1
        if self._users <= 0 and self._server is not None:
            server, self._server = self._server, None
            server.stop()
            await server.close_all_connections()
