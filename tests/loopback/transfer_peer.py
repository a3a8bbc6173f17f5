#!/usr/bin/env python3
"""One end of a full-duplex bulk transfer for the reassembly tests (transfer_test.sh, netem_transfer_test.sh).

Each side sends SIZE deterministic pseudo-random bytes (random.Random(seed).randbytes) while reading
the peer's, then half-closes; the receiver checks what arrived. `digest` prints the SHA-256 of a
side's bytes so the scripts can compare tcpvet's reassembled output without keeping the data.

  transfer_peer.py server HOST PORT SIZE READY_FILE
  transfer_peer.py client HOST PORT SIZE
  transfer_peer.py digest SIZE client|server
"""
import hashlib
import random
import socket
import sys
import threading

SEEDS = {"client": 0x7C9E7_C11E, "server": 0x7C9E7_5E7E}
TIMEOUT_S = 25


def payload(size: int, side: str) -> bytes:
    return random.Random(SEEDS[side]).randbytes(size)


def duplex(sock: socket.socket, mine: bytes, expected: bytes) -> int:
    sock.settimeout(TIMEOUT_S)
    errors = []

    def send() -> None:
        try:
            sock.sendall(mine)
            sock.shutdown(socket.SHUT_WR)
        except OSError as error:  # reported below
            errors.append(error)

    sender = threading.Thread(target=send)
    sender.start()
    received = bytearray()
    while True:
        chunk = sock.recv(1 << 16)
        if not chunk:
            break
        received += chunk
    sender.join()
    sock.close()
    if errors:
        print(f"transfer_peer: send failed: {errors[0]}", file=sys.stderr)
        return 1
    if bytes(received) != expected:
        print(f"transfer_peer: received {len(received)} bytes, not the expected {len(expected)}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    mode = argv[1]
    if mode == "digest":
        print(hashlib.sha256(payload(int(argv[2]), argv[3])).hexdigest())
        return 0
    host, port, size = argv[2], int(argv[3]), int(argv[4])
    if mode == "server":
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(1)
        listener.settimeout(TIMEOUT_S)
        with open(argv[5], "w", encoding="ascii") as ready:
            ready.write("ready\n")
        conn, _ = listener.accept()
        listener.close()
        return duplex(conn, payload(size, "server"), payload(size, "client"))
    conn = socket.create_connection((host, port), timeout=TIMEOUT_S)
    return duplex(conn, payload(size, "client"), payload(size, "server"))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
