#!/usr/bin/env python3
"""Checks the numbers `tcpvet graph` draws against tshark, the oracle.

usage: graph_tshark.py TCPVET TCPVET_GEN TESTDATA

For every stream of a few testdata captures and a generated 3,000-segment download, both directions:
  - sequence: the rows are tshark's frames of that stream in order; each data segment's seq and
    len are tshark's relative tcp.seq and tcp.len, each receiver ACK's ack is tcp.ack and its
    window edge tcp.ack + tcp.window_size (where tshark knows the scale factor);
  - rtt: every sample is tshark's tcp.analysis.ack_rtt of that frame, and every ack_rtt tshark has
    in that direction and the graph lacks acknowledges a segment Karn's rule excludes (no payload,
    or payload that was retransmitted);
  - throughput (single-stream captures, where tshark's io,stat and the graph share time 0): each
    interval's bytes are `tshark -z io,stat,INTERVAL,"SUM(tcp.len)..."` of the sender's segments
    that are not tcp.analysis.retransmission.
Exits 77 (skipped) when tshark is missing.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

CAPTURES = ["gen_transfer_trouble.pcap", "sample.pcap", "gen_anomaly_retransmissions.pcap",
            "gen_anomaly_zero_window_stall.pcap", "gen_textbook.pcap", "gen_anomaly_rtt_outlier.pcap"]
FIELDS = ["frame.number", "tcp.stream", "ip.src", "ipv6.src", "tcp.srcport", "tcp.seq", "tcp.len", "tcp.ack",
          "tcp.flags.ack", "tcp.window_size", "tcp.window_size_scalefactor", "tcp.analysis.ack_rtt",
          "tcp.analysis.acks_frame", "tcp.analysis.retransmission"]

failures = []
checked = {"frames": 0, "rtt": 0, "intervals": 0}


def fail(message):
    failures.append(message)
    print("FAIL: " + message)


def run(args):
    return subprocess.run(args, check=True, capture_output=True).stdout.decode()


def tshark_frames(capture):
    """tshark's view of every TCP frame: a dict per frame, keyed by field name."""
    args = ["tshark", "-n", "-r", capture, "-Y", "tcp", "-T", "fields", "-E", "separator=\t",
            "-o", "tcp.relative_sequence_numbers:TRUE", "-o", "tcp.analyze_sequence_numbers:TRUE"]
    for field in FIELDS:
        args += ["-e", field]
    frames = []
    for line in run(args).splitlines():
        cells = line.split("\t")
        frame = dict(zip(FIELDS, cells))
        frame["endpoint"] = f"{frame['ip.src'] or '[' + frame['ipv6.src'] + ']'}:{frame['tcp.srcport']}"
        frames.append(frame)
    return frames


def graph(tcpvet, capture, stream, kind, direction):
    return json.loads(run([tcpvet, "graph", capture, "--stream", str(stream), "--kind", kind, "--direction",
                           direction, "--format", "json"]))


def check_sequence(label, document, frames, sender):
    rows = document["rows"]
    if [r[0] for r in rows] != [int(f["frame.number"]) for f in frames]:
        fail(f"{label}: rows for frames {[r[0] for r in rows][:8]}..., tshark has {[f['frame.number'] for f in frames][:8]}...")
        return
    for row, frame in zip(rows, frames):
        checked["frames"] += 1
        if frame["endpoint"] == sender:
            want = [int(frame["tcp.seq"]), int(frame["tcp.len"])]
            if row[4:6] != want:
                fail(f"{label}: frame {row[0]} seq/len {row[4:6]}, tshark {want}")
        elif frame["tcp.flags.ack"] in ("1", "True"):
            ack = int(frame["tcp.ack"])
            if row[6] != ack:
                fail(f"{label}: frame {row[0]} ack {row[6]}, tshark tcp.ack {ack}")
            if frame["tcp.window_size_scalefactor"] not in ("-1", "-2") and row[7] != ack + int(frame["tcp.window_size"]):
                fail(f"{label}: frame {row[0]} window edge {row[7]}, tshark tcp.ack + tcp.window_size "
                     f"{ack + int(frame['tcp.window_size'])}")


def covers(frame, seq, end):
    start = int(frame["tcp.seq"])
    return start < end and seq < start + int(frame["tcp.len"])


def check_rtt(label, document, frames, sender):
    by_number = {int(f["frame.number"]): f for f in frames}
    samples = {r[0]: r[2] for r in document["rows"]}
    for number, rtt in samples.items():
        checked["rtt"] += 1
        frame = by_number.get(number)
        if frame is None or frame["endpoint"] == sender or not frame["tcp.analysis.ack_rtt"]:
            fail(f"{label}: RTT sample at frame {number} where tshark has no ack_rtt from the receiver")
        elif abs(float(frame["tcp.analysis.ack_rtt"]) - rtt) > 1e-9:
            fail(f"{label}: frame {number} RTT {rtt} s, tshark ack_rtt {frame['tcp.analysis.ack_rtt']} s")
    retransmitted = [f for f in frames if f["endpoint"] == sender and f["tcp.analysis.retransmission"]]
    for frame in frames:
        if frame["endpoint"] == sender or not frame["tcp.analysis.ack_rtt"] or int(frame["frame.number"]) in samples:
            continue
        acked = by_number.get(int(frame["tcp.analysis.acks_frame"]))
        if acked is None:
            continue
        seq, length = int(acked["tcp.seq"]), int(acked["tcp.len"])
        if length == 0 or acked["tcp.analysis.retransmission"] or any(covers(r, seq, seq + length) for r in retransmitted):
            continue  # Karn's rule: no sample from a retransmitted segment, none from a bare SYN or FIN
        fail(f"{label}: tshark's ack_rtt {frame['tcp.analysis.ack_rtt']} s at frame {frame['frame.number']} "
             f"(acks data frame {acked['frame.number']}, never retransmitted) is not in the graph")


def io_stat(capture, interval, sender):
    address, port = sender.rsplit(":", 1)
    source = f"ipv6.src=={address.strip('[]')}" if address.startswith("[") else f"ip.src=={address}"
    expression = f"SUM(tcp.len)tcp.len && {source} && tcp.srcport=={port} && !tcp.analysis.retransmission"
    text = run(["tshark", "-n", "-r", capture, "-q", "-z", f"io,stat,{interval:.6f},{expression}"])
    return [int(m.group(1)) for m in re.finditer(r"^\|\s*[\d.]+\s*<>\s*(?:[\d.]+|Dur)\s*\|\s*(\d+)\s*\|", text, re.M)]


def check_throughput(label, document, capture, sender):
    want = io_stat(capture, document["interval_s"], sender)
    got = [r[2] for r in document["rows"]]
    if not want:
        fail(f"{label}: no io,stat intervals parsed from tshark")
        return
    length = max(len(want), len(got))
    want += [0] * (length - len(want))
    got += [0] * (length - len(got))
    checked["intervals"] += length
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            fail(f"{label}: interval {i} ({i * document['interval_s']:.6f} s) has {g} bytes, tshark io,stat {w}")
            return


def check_capture(tcpvet, capture):
    frames = tshark_frames(capture)
    streams = sorted({int(f["tcp.stream"]) for f in frames})
    for stream in streams:
        mine = [f for f in frames if int(f["tcp.stream"]) == stream]
        for direction in ("client", "server"):
            label = f"{os.path.basename(capture)} stream {stream} {direction}"
            document = graph(tcpvet, capture, stream, "sequence", direction)
            sender = document["client"] if direction == "client" else document["server"]
            check_sequence(label + " sequence", document, mine, sender)
            check_rtt(label + " rtt", graph(tcpvet, capture, stream, "rtt", direction), mine, sender)
            if len(streams) == 1:
                check_throughput(label + " throughput", graph(tcpvet, capture, stream, "throughput", direction),
                                 capture, sender)


def main():
    tcpvet, gen, testdata = sys.argv[1:4]
    if shutil.which("tshark") is None:
        print("graph_tshark: tshark not installed: skipped")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        bulk = os.path.join(tmp, "bulk.pcap")
        subprocess.run([gen, "bulk_stream", bulk, "--count", "3000"], check=True, capture_output=True)
        for capture in [os.path.join(testdata, name) for name in CAPTURES] + [bulk]:
            check_capture(tcpvet, capture)
    if failures:
        print(f"graph_tshark: {len(failures)} failure(s)")
        return 1
    if checked["rtt"] == 0 or checked["intervals"] == 0:
        print(f"graph_tshark: nothing compared ({checked})")
        return 1
    print(f"graph_tshark: {checked['frames']} sequence rows, {checked['rtt']} RTT samples and "
          f"{checked['intervals']} throughput intervals agree with tshark")
    return 0


if __name__ == "__main__":
    sys.exit(main())
