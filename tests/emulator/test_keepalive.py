"""Connection handling as TigerGraph's nginx front end does it (nginx `tcp_nodelay on`, `keepalive_requests 1000`,
`keepalive_timeout 75s`: http://nginx.org/en/docs/http/ngx_http_core_module.html)."""
import socket
import time

import requests


def _get(conn: socket.socket, path: str) -> bytes:
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = conn.recv(65536)
        assert chunk, "connection closed"
        buf += chunk
    head, body = buf.split(b"\r\n\r\n", 1)
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += conn.recv(65536)
    return body


def test_kept_alive_requests_do_not_wait_for_delayed_acks(emulator_factory):
    """The emulator writes headers and body in two sends: without TCP_NODELAY the second waits for the client's
    delayed ACK (~40 ms), so 200 requests on one connection take >= 8 s; with it they take well under a second
    (the bound is generous for a loaded CI machine)."""
    emu = emulator_factory("--no-auth")
    with socket.create_connection(("127.0.0.1", emu.port)) as conn:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        assert b"Hello GSQL" in _get(conn, "/restpp/echo")
        start = time.monotonic()
        for _ in range(200):
            assert _get(conn, "/restpp/echo") == b'{"error":false,"message":"Hello GSQL"}'
        elapsed = time.monotonic() - start
    assert elapsed < 2.0, f"200 kept-alive requests took {elapsed:.2f} s"


def test_connection_is_kept_alive(emulator):
    """One TCP connection serves many requests (HTTP/1.1 persistent connections, as nginx keeps them)."""
    with requests.Session() as s:
        s.auth = (emulator.user, emulator.password)
        ports = set()
        for _ in range(20):
            r = s.get(emulator.url + "/restpp/echo", stream=True)
            ports.add(r.raw._connection.sock.getsockname()[1])
            assert r.json() == {"error": False, "message": "Hello GSQL"}
    assert len(ports) == 1
