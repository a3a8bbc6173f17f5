#!/usr/bin/env python3
"""Real connections over loopback for the live-capture test (127.0.0.1 only).

  normal PORT       a server answers one request, the client closes, the server closes
  close_wait PORT   the server reads to EOF and keeps its socket open for HOLD seconds (CLOSE-WAIT)
  refused PORT      connect to a port nobody listens on (the kernel answers RST)
"""
import socket
import sys
import threading
import time


def serve_once(port, close_after_eof, hold):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1)
    ready = threading.Event()

    def run():
        ready.set()
        conn, _ = listener.accept()
        data = conn.recv(1024)
        conn.sendall(b"reply:" + data)
        while conn.recv(1024):
            pass
        if close_after_eof:
            conn.close()
        else:
            time.sleep(hold)  # never closes while the capture runs: CLOSE-WAIT
            conn.close()
        listener.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait()
    return thread


def client(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"hello")
    sock.recv(1024)
    sock.shutdown(socket.SHUT_WR)
    time.sleep(0.2)
    sock.close()


def main():
    scenario, port = sys.argv[1], int(sys.argv[2])
    hold = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    if scenario == "refused":
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except ConnectionRefusedError:
            pass
        return 0
    thread = serve_once(port, scenario == "normal", hold)
    client(port)
    # close_wait: the process (and so the server's socket) lives on for HOLD seconds; the test's
    # capture ends before that, with the server still in CLOSE-WAIT.
    thread.join(timeout=5 if scenario == "normal" else hold + 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
