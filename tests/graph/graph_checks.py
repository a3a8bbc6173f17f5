#!/usr/bin/env python3
"""Checks `tcpvet graph` against `tcpvet packets` and the report, which it must only render.

usage: graph_checks.py TCPVET TCPVET_GEN TESTDATA

For every stream of a few testdata captures, each kind and both directions:
  - every SVG is well-formed XML (xmllint --noout);
  - sequence: one data bar (class seg) per data segment, one ACK step (a V in the ack path) per
    receiver segment with ACK, one SACK bar per SACK block, and markers (class "mark mark-EVENT",
    counted by data-n) equal to the segments `packets` shows with that event;
  - the CSV has one row per segment (sequence, window), per RTT sample (rtt: the report's
    rtt.samples of that side), and the JSON has the same rows and validates against
    tests/schema/tcpvet-graph.schema.json; SACK edges and window edges agree with `packets`.
A generated 20,000-segment download is drawn aggregated (past the SVG's per-item limit): there the
data-n counts must still add up to every segment and every event.
Exits 77 (skipped) when xmllint or python3-jsonschema is missing.
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
EVENTS = ["syn", "fin", "rst", "retransmission", "out_of_order", "lost_segment", "zero_window"]
CAPTURES = ["gen_transfer_trouble.pcap", "sample.pcap", "gen_anomaly_zero_window_stall.pcap",
            "gen_anomaly_retransmissions.pcap", "gen_textbook.pcap", "gen_invalid_flags.pcap",
            "gen_midstream.pcap"]

failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message)


def run(args):
    return subprocess.run(args, check=True, capture_output=True).stdout


def expected_events(segment, data_side):
    """The events the graph marks for one `packets` record (the definition in graph_model.hpp)."""
    flags = segment["flags"].split(",")
    found = [name for name, flag in (("syn", "SYN"), ("fin", "FIN"), ("rst", "RST")) if flag in flags]
    analysis = segment["analysis"]
    if segment["side"] == data_side:
        found += [name for name in ("retransmission", "out_of_order", "lost_segment") if name in analysis]
    elif "zero_window" in analysis:
        found.append("zero_window")
    return found


def count_classes(root):
    counts = {}
    for element in root.iter():
        for name in element.get("class", "").split():
            weight = int(element.get("data-n", "1")) if name.startswith("mark-") or name.endswith("-agg") else 1
            counts[name] = counts.get(name, 0) + weight
    return counts


def ack_steps(root):
    for element in root.iter(SVG + "path"):
        if element.get("class") == "ack":
            return element.get("d").count("V")
    return 0


def check_svg(tcpvet, capture, stream, kind, direction, tmp, label):
    path = os.path.join(tmp, "graph.svg")
    run([tcpvet, "graph", capture, "--stream", str(stream), "--kind", kind, "--direction", direction, "-o", path])
    lint = subprocess.run(["xmllint", "--noout", path], capture_output=True, text=True)
    if lint.returncode != 0:
        fail(f"{label}: xmllint: {lint.stderr.strip()}")
        return None
    return ET.parse(path).getroot()


def check_stream(tcpvet, validator, capture, stream, segments, sides_rtt, tmp):
    name = os.path.basename(capture)
    for direction, data_side in (("client", "originator"), ("server", "responder")):
        receiver = [s for s in segments if s["side"] != data_side]
        data = [s for s in segments if s["side"] == data_side]
        for kind in ("sequence", "throughput", "rtt", "window"):
            label = f"{name} stream {stream} {kind} {direction}"
            root = check_svg(tcpvet, capture, stream, kind, direction, tmp, label)
            if root is None:
                continue
            counts = count_classes(root)
            if kind == "sequence":
                want_bars = sum(1 for s in data if s["len"] > 0)
                if counts.get("seg", 0) != want_bars:
                    fail(f"{label}: {counts.get('seg', 0)} data bars, packets has {want_bars} data segments")
                want_acks = sum(1 for s in receiver if "ACK" in s["flags"].split(","))
                # The path's first point is an M; every later ACK is one H/V step.
                if want_acks and ack_steps(root) != want_acks - 1:
                    fail(f"{label}: {ack_steps(root) + 1} ACK points, packets has {want_acks} ACKs")
                want_sacks = sum(len(s.get("options", {}).get("sack", [])) for s in receiver
                                 if "ACK" in s["flags"].split(","))
                if counts.get("sack", 0) != want_sacks:
                    fail(f"{label}: {counts.get('sack', 0)} SACK bars, packets has {want_sacks} blocks")
            if kind in ("sequence", "window"):
                for event in EVENTS:
                    want = sum(1 for s in segments if event in expected_events(s, data_side))
                    if counts.get("mark-" + event, 0) != want:
                        fail(f"{label}: {counts.get('mark-' + event, 0)} {event} markers, packets has {want}")
            table = run([tcpvet, "graph", capture, "--stream", str(stream), "--kind", kind, "--direction", direction,
                         "--format", "csv"]).decode()
            rows = list(csv.reader(io.StringIO(table)))
            header, rows = rows[0], rows[1:]
            document = json.loads(run([tcpvet, "graph", capture, "--stream", str(stream), "--kind", kind,
                                       "--direction", direction, "--format", "json"]))
            for error in validator.iter_errors(document):
                fail(f"{label}: JSON schema: {error.message} at {list(error.absolute_path)[:4]}")
            if document["columns"] != header or len(document["rows"]) != len(rows):
                fail(f"{label}: JSON has {len(document['rows'])} rows of {document['columns']}, CSV {len(rows)} of {header}")
            if kind in ("sequence", "window") and len(rows) != len(segments):
                fail(f"{label}: {len(rows)} CSV rows, packets has {len(segments)} segments")
            if kind == "rtt" and len(rows) != sides_rtt[data_side]:
                fail(f"{label}: {len(rows)} RTT samples, the report counts {sides_rtt[data_side]}")
            if kind == "sequence":
                check_sequence_values(label, segments, data_side, document["rows"])
            if kind == "throughput":
                want = sum(s["len"] for s in data if "retransmission" not in s["analysis"])
                got = sum(r[2] for r in document["rows"])
                if got != want:
                    fail(f"{label}: goodput adds to {got} bytes, packets shows {want} new bytes")


def check_sequence_values(label, segments, data_side, rows):
    for segment, row in zip(segments, rows):
        if row[0] != segment["frame"]:
            fail(f"{label}: row for frame {row[0]} where packets has {segment['frame']}")
            return
        if segment["side"] == data_side:
            if row[4] != segment["rel_seq"] or row[5] != segment["len"]:
                fail(f"{label}: frame {row[0]} seq/len {row[4]}/{row[5]}, packets {segment['rel_seq']}/{segment['len']}")
        elif "ACK" in segment["flags"].split(","):
            base = segment["ack"] - segment["rel_ack"]
            want = [[(l - base) % 2**32, (r - base) % 2**32] for l, r in segment.get("options", {}).get("sack", [])]
            if row[6] != segment["rel_ack"] or row[8] != want:
                fail(f"{label}: frame {row[0]} ack/sack {row[6]}/{row[8]}, packets {segment['rel_ack']}/{want}")
            if row[7] < row[6] or (segment["window"] == 0 and row[7] != row[6]):
                fail(f"{label}: frame {row[0]} window edge {row[7]} below ack {row[6]} or open at window 0")


def check_aggregated(tcpvet, gen, tmp):
    capture = os.path.join(tmp, "bulk.pcap")
    subprocess.run([gen, "bulk_stream", capture, "--count", "20000"], check=True, capture_output=True)
    segments = json.loads(run([tcpvet, "packets", capture, "--format", "json"]))["segments"]
    label = "bulk_stream 20000 sequence"
    root = check_svg(tcpvet, capture, 0, "sequence", "server", tmp, label)
    if root is None:
        return
    counts = count_classes(root)
    data = [s for s in segments if s["side"] == "responder" and s["len"] > 0]
    if counts.get("seg", 0) != 0 or counts.get("seg-agg", 0) != len(data):
        fail(f"{label}: aggregated bars stand for {counts.get('seg-agg', 0)} segments of {len(data)}")
    for event in EVENTS:
        want = sum(1 for s in segments if event in expected_events(s, "responder"))
        if counts.get("mark-" + event, 0) != want:
            fail(f"{label}: markers stand for {counts.get('mark-' + event, 0)} {event} events, packets has {want}")
    size = os.path.getsize(os.path.join(tmp, "graph.svg"))
    if size > 400_000:
        fail(f"{label}: {size} bytes of SVG for 20,000 segments (aggregation should keep it small)")


def main():
    tcpvet, gen, testdata = sys.argv[1:4]
    if shutil.which("xmllint") is None:
        print("graph_checks: xmllint not installed (libxml2-utils): skipped")
        return 77
    try:
        import jsonschema
    except ImportError:
        print("graph_checks: python3-jsonschema not installed: skipped")
        return 77
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "schema", "tcpvet-graph.schema.json")) as f:
        validator = jsonschema.Draft202012Validator(json.load(f))
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in CAPTURES:
            capture = os.path.join(testdata, name)
            segments = json.loads(run([tcpvet, "packets", capture, "--format", "json"]))["segments"]
            report = json.loads(run([tcpvet, "analyze", capture, "--format", "json"]))
            for conversation in report["conversations"]:
                stream = conversation["stream"]
                rtt = {role: conversation[role]["analysis"]["rtt"]["samples"] for role in ("originator", "responder")}
                check_stream(tcpvet, validator, capture, stream, [s for s in segments if s["stream"] == stream], rtt,
                             tmp)
                checked += 1
        check_aggregated(tcpvet, gen, tmp)
    if failures:
        print(f"graph_checks: {len(failures)} failure(s)")
        return 1
    print(f"graph_checks: {checked} streams x 4 kinds x 2 directions, and one aggregated stream: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
