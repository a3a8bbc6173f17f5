#!/usr/bin/env python3
"""Plays one client/server exchange over the loopback interface with the real Linux TCP stack.

Usage: scenarios.py SCENARIO [--ready-file PATH]

make_captures.sh runs tcpdump around this. When the exchange is over, the script creates the
ready file (if given) so the capture can be stopped; close_wait then keeps its sockets open for
up to 30 s more, so the server's eventual close never reaches the capture.
Each scenario uses its own fixed port (PORTS below); payloads are a few bytes.
"""
import socket
import struct
import sys
import threading
import time

PORTS = {
    "normal": 47001,
    "refused": 47002,
    "half_close": 47003,
    "rst_linger": 47004,
    "close_wait": 47005,
    "server_close": 47006,
    "ipv6_normal": 47007,
}

REQUEST = b"GET /tcpvet HTTP/1.0\r\n\r\n"
RESPONSE = b"HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\ntcpvet"


def listener(family, host, port):
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port))
    srv.listen(1)
    return srv


def read_to_eof(sock):
    chunks = []
    while True:
        data = sock.recv(4096)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


def read_exactly(sock, n):
    buf = b""
    while len(buf) < n:
        data = sock.recv(n - len(buf))
        if not data:
            break
        buf += data
    return buf


class Server(threading.Thread):
    """Accepts one connection and runs `handler(conn)` on it."""

    def __init__(self, srv, handler):
        super().__init__(daemon=True)
        self.srv = srv
        self.handler = handler
        self.conn = None
        self.error = None

    def run(self):
        try:
            self.conn, _ = self.srv.accept()
            self.handler(self.conn)
        except OSError as exc:  # the rst_linger server sees ECONNRESET
            self.error = exc


def client_socket(family, host, port):
    cli = socket.socket(family, socket.SOCK_STREAM)
    cli.connect((host, port))
    return cli


def normal(family=socket.AF_INET, host="127.0.0.1", port=PORTS["normal"]):
    # Request/response; the client closes first, the server closes on EOF.
    def handle(conn):
        read_exactly(conn, len(REQUEST))
        conn.sendall(RESPONSE)
        read_to_eof(conn)
        conn.close()

    srv = listener(family, host, port)
    server = Server(srv, handle)
    server.start()
    cli = client_socket(family, host, port)
    cli.sendall(REQUEST)
    read_exactly(cli, len(RESPONSE))
    time.sleep(0.1)
    cli.close()
    server.join(5)
    srv.close()
    time.sleep(0.2)


def refused():
    # Nothing listens on the port: the kernel answers the SYN with RST+ACK.
    cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        cli.connect(("127.0.0.1", PORTS["refused"]))
    except ConnectionRefusedError:
        pass
    cli.close()
    time.sleep(0.2)


def half_close():
    # The client shuts down its sending side; the server keeps sending, then closes.
    def handle(conn):
        read_to_eof(conn)
        for i in range(3):
            conn.sendall(b"late data %d\n" % i)
            time.sleep(0.05)
        conn.close()

    port = PORTS["half_close"]
    srv = listener(socket.AF_INET, "127.0.0.1", port)
    server = Server(srv, handle)
    server.start()
    cli = client_socket(socket.AF_INET, "127.0.0.1", port)
    cli.sendall(REQUEST)
    cli.shutdown(socket.SHUT_WR)
    read_to_eof(cli)
    cli.close()
    server.join(5)
    srv.close()
    time.sleep(0.2)


def rst_linger():
    # SO_LINGER {on, 0}: close() aborts the connection with a RST instead of a FIN.
    def handle(conn):
        read_exactly(conn, len(REQUEST))
        conn.sendall(RESPONSE)
        read_to_eof(conn)  # ends with ECONNRESET
        conn.close()

    port = PORTS["rst_linger"]
    srv = listener(socket.AF_INET, "127.0.0.1", port)
    server = Server(srv, handle)
    server.start()
    cli = client_socket(socket.AF_INET, "127.0.0.1", port)
    cli.sendall(REQUEST)
    read_exactly(cli, len(RESPONSE))
    time.sleep(0.1)
    cli.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    cli.close()
    server.join(5)
    srv.close()
    time.sleep(0.2)


def close_wait():
    # The server reads to EOF and never closes: it stays in CLOSE-WAIT.
    done = threading.Event()

    def handle(conn):
        read_exactly(conn, len(REQUEST))
        conn.sendall(RESPONSE)
        read_to_eof(conn)
        done.wait(60)  # holds the socket open; never calls close()

    port = PORTS["close_wait"]
    srv = listener(socket.AF_INET, "127.0.0.1", port)
    server = Server(srv, handle)
    server.start()
    cli = client_socket(socket.AF_INET, "127.0.0.1", port)
    cli.sendall(REQUEST)
    read_exactly(cli, len(RESPONSE))
    time.sleep(0.1)
    cli.close()
    time.sleep(3.0)  # the capture ends 3 s after the client's FIN
    return (srv, server, done)


def server_close():
    # The server answers and closes first; the client closes on EOF.
    def handle(conn):
        read_exactly(conn, len(REQUEST))
        conn.sendall(RESPONSE)
        time.sleep(0.1)
        conn.close()

    port = PORTS["server_close"]
    srv = listener(socket.AF_INET, "127.0.0.1", port)
    server = Server(srv, handle)
    server.start()
    cli = client_socket(socket.AF_INET, "127.0.0.1", port)
    cli.sendall(REQUEST)
    read_to_eof(cli)
    cli.close()
    server.join(5)
    srv.close()
    time.sleep(0.2)


def ipv6_normal():
    normal(socket.AF_INET6, "::1", PORTS["ipv6_normal"])


SCENARIOS = {
    "normal": normal,
    "refused": refused,
    "half_close": half_close,
    "rst_linger": rst_linger,
    "close_wait": close_wait,
    "server_close": server_close,
    "ipv6_normal": ipv6_normal,
}


def main(argv):
    if len(argv) < 2 or argv[1] not in SCENARIOS:
        sys.stderr.write("usage: scenarios.py {%s} [--ready-file PATH]\n" % "|".join(SCENARIOS))
        return 2
    ready_file = None
    if len(argv) >= 4 and argv[2] == "--ready-file":
        ready_file = argv[3]
    held = SCENARIOS[argv[1]]()
    if ready_file:
        with open(ready_file, "w") as f:
            f.write("done\n")
    if held is not None:
        # Keep the CLOSE-WAIT socket open until the capture has stopped (or 30 s pass).
        time.sleep(30)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
