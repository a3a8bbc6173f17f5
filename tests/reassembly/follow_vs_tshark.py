#!/usr/bin/env python3
"""`tcpvet follow --as raw` against `tshark -z follow,tcp,raw,N` for every stream of the test captures,
plus a capture with two data segments cut out (editcap) whose gaps must be reported at the right
offsets with the surrounding bytes intact.

  follow_vs_tshark.py TCPVET CAPTURE...      exit 77 when tshark is missing
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile


def parse_follow(text: str) -> dict[int, tuple[bytes, bytes]]:
    """Every `-z follow,tcp,raw,N` block of one tshark run: {stream: (client bytes, server bytes)}."""
    found: dict[int, tuple[bytes, bytes]] = {}
    stream, client, server, in_data = -1, b"", b"", False
    for line in text.split("\n"):
        if line.startswith("Filter: tcp.stream eq "):
            stream, client, server, in_data = int(line.split()[-1]), b"", b"", False
        elif line.startswith("Node 1:"):
            in_data = True
        elif line.startswith("===="):
            if in_data:
                found[stream] = (client, server)
            in_data = False
        elif in_data and line.strip():
            if line.startswith("\t"):
                server += bytes.fromhex(line.strip())
            else:
                client += bytes.fromhex(line.strip())
    return found


def tshark_raw(capture: str, streams: list[int]) -> dict[int, tuple[bytes, bytes]]:
    """One tshark run for all streams (tshark start-up dominates the test's time)."""
    args = ["tshark", "-r", capture, "-q"]
    for stream in streams:
        args += ["-z", f"follow,tcp,raw,{stream}"]
    return parse_follow(subprocess.run(args, capture_output=True, text=True, check=True).stdout)


def follow(tcpvet: str, capture: str, stream: int, direction: str) -> subprocess.CompletedProcess:
    return subprocess.run([tcpvet, "follow", capture, "--stream", str(stream), "--direction", direction,
                           "--as", "raw", "-q"], capture_output=True, check=False)


def streams_of(tcpvet: str, capture: str) -> list[int]:
    out = subprocess.run([tcpvet, "conversations", capture, "--format", "json", "-q"],
                         capture_output=True, text=True, check=True).stdout
    return list(range(json.loads(out)["summary"]["conversations"]))


def main(argv: list[str]) -> int:
    if shutil.which("tshark") is None:
        print("skip: tshark not installed")
        return 77
    tcpvet, captures = argv[1], argv[2:]
    failures, checked = 0, 0
    for capture in captures:
        streams = streams_of(tcpvet, capture)
        reference = tshark_raw(capture, streams)
        for stream in streams:
            expected = reference.get(stream, (b"", b""))
            for side, direction in enumerate(("client", "server")):
                got = follow(tcpvet, capture, stream, direction).stdout
                checked += 1
                if got != expected[side]:
                    failures += 1
                    print(f"FAIL {os.path.basename(capture)} stream {stream} {direction}: "
                          f"tcpvet {len(got)} bytes, tshark {len(expected[side])}")
    print(f"{checked - failures}/{checked} directions identical to tshark")

    trouble = next((c for c in captures if c.endswith("gen_transfer_trouble.pcap")), None)
    if trouble is not None and shutil.which("editcap") is not None:
        with tempfile.TemporaryDirectory() as work:
            cut = os.path.join(work, "cut.pcap")
            # Frames 6 and 12 carry server bytes [1000,2000) and [3000,4000); frames 7 and 13 ACK past them.
            subprocess.run(["editcap", trouble, cut, "6", "12"], check=True, capture_output=True)
            whole = tshark_raw(trouble, [0])[0][1]
            result = follow(tcpvet, cut, 0, "server")
            want = whole[:1000] + whole[2000:3000] + whole[4000:]
            notes = result.stderr.decode()
            if result.stdout != want or "1000 bytes missing at offset 1000" not in notes or \
                    "1000 bytes missing at offset 3000" not in notes:
                failures += 1
                print(f"FAIL gaps: {len(result.stdout)} bytes (want {len(want)}); stderr: {notes!r}")
            else:
                print("ok: gaps at 1000 and 3000 reported, the bytes around them intact")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
