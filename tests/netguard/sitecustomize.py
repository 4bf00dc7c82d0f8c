"""Socket guard for app tests: loaded via PYTHONPATH, it refuses and records every network
connection or name lookup that leaves the machine (loopback and Unix sockets are allowed)."""

import ipaddress
import os
import socket
import sys

_LOG = os.environ.get("NETGUARD_LOG", "")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local(host: object) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]").lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False  # a name that would need DNS
    return ip.is_loopback or ip.is_unspecified


def _refuse(what: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(what + "\n")
    raise ConnectionRefusedError(f"netguard: outbound network use refused: {what}")


def _hook(event: str, args: tuple) -> None:
    if event == "socket.getaddrinfo" and not _is_local(args[0]):
        _refuse(f"getaddrinfo {args[0]}:{args[1]}")
    elif event in ("socket.connect", "socket.sendto"):
        sock, address = args[0], args[-1]
        inet = getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6)
        if inet and isinstance(address, tuple) and not _is_local(address[0]):
            _refuse(f"{event} {address[0]}:{address[1]}")


if _LOG:
    sys.addaudithook(_hook)
