# Loaded by every kernel the test suite starts (tests/conftest.py points
# IPYTHONDIR here).  Notebooks must work offline, so any attempt to open a
# network connection other than to this machine fails the cell that made it.
# The kernel's own ZeroMQ channels do not go through Python's socket module.
import socket as _socket

_LOCAL = {"127.0.0.1", "::1", "localhost", "0.0.0.0"}
_real_connect = _socket.socket.connect
_real_connect_ex = _socket.socket.connect_ex
_real_getaddrinfo = _socket.getaddrinfo


def _allowed(address):
    if not isinstance(address, tuple):  # AF_UNIX path
        return True
    return str(address[0]) in _LOCAL or str(address[0]).startswith("127.")


def _connect(self, address):
    if not _allowed(address):
        raise OSError(f"network access is blocked while notebooks are tested: {address!r}")
    return _real_connect(self, address)


def _connect_ex(self, address):
    if not _allowed(address):
        raise OSError(f"network access is blocked while notebooks are tested: {address!r}")
    return _real_connect_ex(self, address)


def _getaddrinfo(host, *args, **kwargs):
    if host is not None and str(host) not in _LOCAL and not str(host).startswith("127."):
        raise OSError(f"network access is blocked while notebooks are tested: lookup of {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


_socket.socket.connect = _connect
_socket.socket.connect_ex = _connect_ex
_socket.getaddrinfo = _getaddrinfo
