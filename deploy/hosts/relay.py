"""A TCP relay: `python relay.py LISTEN_HOST:PORT=TARGET_HOST:PORT [...]`, one process for any
number of pairs, until SIGTERM; then it prints `peers {…}`, the connections it took per peer.
A connection whose peer vanished is logged as `lost <epoch> <listen> <- <peer>: <error>`.

It makes a service that listens on loopback only (RabbitMQ, the provider simulator) reachable at
the bridge address of the test hosts, and the simulator reachable at 127.0.0.1 inside
a host's namespace (the real clients accept BFL's polling URLs only on the base URL's own host).
Hand-written (asyncio streams) because nothing in the project's stack relays TCP, socat is not on
every machine, and iptables DNAT to loopback would show RabbitMQ a remote peer, which refuses
the guest user.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
import time
from collections import Counter

# Connections accepted per "listen address <- peer host": printed as JSON when the relay stops,
# the evidence of which host reached which service.
PEERS: Counter[str] = Counter()
OPEN: Counter[str] = Counter()  # connections still open, per the same key


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


def _keepalive(sock: socket.socket) -> None:
    """Keepalives as the gateway asks of PostgreSQL (idle 5 s, interval 2 s, 3 probes): an idle
    peer whose link is cut is found dead in about 11 s, and the relay then closes the service's
    side, as the service would on a direct connection."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for option, value in (("TCP_KEEPIDLE", 5), ("TCP_KEEPINTVL", 2), ("TCP_KEEPCNT", 3)):
        sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, option), value)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, lost: str = "") -> None:
    """Copy until end of stream, then pass the end on (a half-close stays a half-close); on an
    error close the other side at once."""
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except OSError as exc:  # reset, or keepalive's ETIMEDOUT on a cut link
        if lost:
            print(f"lost {time.time():.1f} {lost}: {type(exc).__name__}", flush=True)
        writer.close()


def _handler(listen: str, target: tuple[str, int]):
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        key = f"{listen} <- {writer.get_extra_info('peername')[0]}"
        PEERS[key] += 1
        _keepalive(writer.get_extra_info("socket"))
        try:
            up_reader, up_writer = await asyncio.open_connection(*target)
        except OSError:
            writer.close()
            return
        OPEN[key] += 1
        try:
            await asyncio.gather(_pipe(reader, up_writer, key), _pipe(up_reader, writer))
        finally:
            OPEN[key] -= 1
            writer.close()
            up_writer.close()

    return handle


async def main(pairs: list[str]) -> None:
    servers = []
    for pair in pairs:
        listen, _, target = pair.partition("=")
        servers.append(await asyncio.start_server(_handler(listen, _address(target)), *_address(listen)))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("relaying " + " ".join(pairs), flush=True)
    await stop.wait()
    for server in servers:
        server.close()
    print("peers " + json.dumps(dict(PEERS)), flush=True)
    print("open " + json.dumps({key: n for key, n in OPEN.items() if n}), flush=True)


if __name__ == "__main__":
    if len(sys.argv) < 2 or any("=" not in a for a in sys.argv[1:]):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    asyncio.run(main(sys.argv[1:]))
