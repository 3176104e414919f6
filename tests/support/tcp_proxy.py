"""A TCP proxy a test can cut and restore: a service (Redis, PostgreSQL) becoming unreachable for real.

The service behind it may listen on TCP or, as the embedded ones do, on a Unix socket; clients always
reach the proxy over TCP."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


class TcpProxy:
    def __init__(self, target: tuple[str, int] | str) -> None:
        self.target = target  # (host, port), or a Unix socket's path
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def cut(self) -> None:
        """Refuse new connections and reset the open ones."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def restore(self) -> None:
        await self.start()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if isinstance(self.target, str):
                up_reader, up_writer = await asyncio.open_unix_connection(self.target)
            else:
                up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._writers -= {writer, up_writer}


def _target_and_route(url: str) -> tuple[tuple[str, int] | str, str]:
    """Where the service of a PostgreSQL or Redis URL listens, and the URL with `{port}` for the proxy."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if parts.scheme == "unix":  # redis over a socket: unix:///path/redis.socket?db=15
        return parts.path, f"redis://127.0.0.1:{{port}}/{query.get('db', '0')}"
    socket_dir = query.pop("host", "") if parts.scheme.startswith("postgres") else ""
    credentials = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    route = urlunsplit(parts._replace(netloc=credentials + "127.0.0.1:{port}", query=urlencode(query)))
    default_port = 5432 if parts.scheme.startswith("postgres") else 6379
    if socket_dir.startswith("/"):  # libpq's convention: host=/dir means the socket /dir/.s.PGSQL.<port>
        return f"{socket_dir}/.s.PGSQL.{parts.port or default_port}", route
    return (parts.hostname or "127.0.0.1", parts.port or default_port), route


async def proxy_for(url: str) -> tuple[TcpProxy, str]:
    """A started proxy in front of the service of `url`, and the URL that reaches it through the proxy."""
    target, route = _target_and_route(url)
    proxy = await TcpProxy(target).start()
    return proxy, route.replace("{port}", str(proxy.port))
