#!/usr/bin/env python3
"""A userspace stand-in for `tc netem` when the kernel lacks sch_netem: forwards Ethernet frames
between two TAP devices living in two network namespaces, dropping, duplicating and reordering
them like `netem delay D reorder R% loss L% duplicate U%` (R% of frames go out at once, the rest
after D ms, so the immediate ones overtake). Used by netem_transfer_test.sh only.

  impair_bridge.py NETNS_A TAP_A NETNS_B TAP_B LOSS REORDER DUPLICATE DELAY_MS SEED READY_FILE
"""
import ctypes
import fcntl
import heapq
import os
import random
import select
import signal
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000

libc = ctypes.CDLL(None, use_errno=True)


def open_tap(netns: str, name: str) -> int:
    ns_fd = os.open(f"/var/run/netns/{netns}", os.O_RDONLY)
    if libc.setns(ns_fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), f"setns {netns}")
    os.close(ns_fd)
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    os.set_blocking(fd, False)
    return fd


def main(argv: list[str]) -> int:
    ns_a, tap_a, ns_b, tap_b = argv[1:5]
    loss, reorder, duplicate = float(argv[5]), float(argv[6]), float(argv[7])
    delay = float(argv[8]) / 1000.0
    rng = random.Random(int(argv[9]))
    fd_a = open_tap(ns_a, tap_a)
    fd_b = open_tap(ns_b, tap_b)
    peer = {fd_a: fd_b, fd_b: fd_a}
    stats = {"frames": 0, "lost": 0, "duplicated": 0, "overtaking": 0}
    running = [True]
    signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
    with open(argv[10], "w", encoding="ascii") as ready:
        ready.write("ready\n")

    held: list[tuple[float, int, int, bytes]] = []  # (release time, order, out fd, frame)
    order = 0
    while running[0]:
        now = time.monotonic()
        timeout = max(0.0, held[0][0] - now) if held else 0.2
        try:
            readable, _, _ = select.select([fd_a, fd_b], [], [], timeout)
        except InterruptedError:
            continue
        now = time.monotonic()
        for fd in readable:
            while True:
                try:
                    frame = os.read(fd, 65536)
                except (BlockingIOError, OSError):
                    break
                stats["frames"] += 1
                if rng.random() < loss:
                    stats["lost"] += 1
                    continue
                copies = 1
                if rng.random() < duplicate:
                    copies = 2
                    stats["duplicated"] += 1
                for _ in range(copies):
                    if rng.random() < reorder:
                        stats["overtaking"] += 1
                        try:
                            os.write(peer[fd], frame)
                        except OSError:
                            pass
                    else:
                        order += 1
                        heapq.heappush(held, (now + delay, order, peer[fd], frame))
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, _, out, frame = heapq.heappop(held)
            try:
                os.write(out, frame)
            except OSError:
                pass
    print("impair_bridge: " + ", ".join(f"{k} {v}" for k, v in stats.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
