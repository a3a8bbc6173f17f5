#!/usr/bin/env python3
"""Asserts the facts in testdata/*.expect against tcpvet's output (selected facts, not whole files).

Usage: check_expect.py TCPVET EXPECT_FILE...
Each fact line of an .expect file is checked; lines starting with '#' are comments.
`anomaly KIND SEVERITY` lines (or `anomaly none`) are checked against `tcpvet anomalies CAPTURE --format
ndjson` with default thresholds: when a file has any, the set of (kind, severity) raised must equal them.
The capture is the expect file's name without '.expect' (adding '.pcap' when that has no extension).
"""
import json
import os
import subprocess
import sys


def capture_for(expect_path):
    base = expect_path[: -len(".expect")]
    if base.endswith(".pcap") or base.endswith(".pcapng"):
        return base
    return base + ".pcap"


def run_ndjson(tcpvet, command, capture):
    proc = subprocess.run([tcpvet, command, capture, "--format", "ndjson", "-q", "--color", "never"],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"{command} {capture}: exit {proc.returncode}: {proc.stderr.strip()}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def conversation_facts(record):
    stream = record["stream"]
    yield f"stream {stream} handshake {record['handshake']['verdict']}"
    yield f"stream {stream} teardown {record['teardown']['verdict']}"
    yield f"stream {stream} close_initiator {record['teardown']['initiator']}"
    yield f"stream {stream} conn_state {record['zeek']['conn_state']}"
    yield f"stream {stream} history {record['zeek']['history']}"
    for finding in record["findings"]:
        yield f"stream {stream} finding {finding['kind']} {finding['frame']}"


def anomaly_facts(tcpvet, capture):
    records = run_ndjson(tcpvet, "anomalies", capture)
    return {f"anomaly {r['kind']} {r['severity']}" for r in records if r.get("type") == "anomaly"}


def check_anomalies(tcpvet, expect_path, expected):
    """expected: [(line number, fact)]; the raised set must be exactly the expected one."""
    observed = anomaly_facts(tcpvet, capture_for(expect_path))
    wanted = {fact for _, fact in expected if fact != "anomaly none"}
    failures = []
    for number, fact in expected:
        if fact != "anomaly none" and fact not in observed:
            failures.append(f"{expect_path}:{number}: expected '{fact}', tcpvet anomalies says {sorted(observed) or 'nothing'}")
    for fact in sorted(observed - wanted):
        failures.append(f"{expect_path}: unexpected '{fact}' (not in the file's anomaly lines)")
    return failures


def check(tcpvet, expect_path):
    capture = capture_for(expect_path)
    conversations = run_ndjson(tcpvet, "conversations", capture)
    segments = run_ndjson(tcpvet, "packets", capture)
    observed = set()
    observed.add(f"conversations {len({c['stream'] for c in conversations})}")
    observed.add(f"frames {len(segments)}")
    per_stream_keys = {}
    totals = {}  # a conversation split by an idle timeout keeps its stream: add its records up
    for record in conversations:
        t = totals.setdefault(record["stream"], [0, 0, 0, 0])
        t[0] += record["originator"]["packets"]
        t[1] += record["responder"]["packets"]
        t[2] += record["originator"]["bytes"]
        t[3] += record["responder"]["bytes"]
    for stream, t in totals.items():
        for fact in (f"stream {stream} packets {t[0]} {t[1]}", f"stream {stream} bytes {t[2]} {t[3]}"):
            observed.add(fact)
            per_stream_keys.setdefault(" ".join(fact.split()[:3]), []).append(fact)
    for record in conversations:
        for fact in conversation_facts(record):
            observed.add(fact)
            words = fact.split()
            per_stream_keys.setdefault(" ".join(words[:3]), []).append(fact)
    failures = []
    anomaly_lines = []
    with open(expect_path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            fact = " ".join(line.split())
            if not fact or fact.startswith("#"):
                continue
            if fact.split()[0] == "anomaly":
                anomaly_lines.append((number, fact))
                continue
            if fact in observed:
                continue
            words = fact.split()
            key = " ".join(words[:3]) if words[0] == "stream" else words[0]
            seen = per_stream_keys.get(key) or sorted(f for f in observed if f.split()[0] == words[0])
            failures.append(f"{expect_path}:{number}: expected '{fact}', tcpvet says {seen or 'nothing'}")
    if anomaly_lines:
        failures += check_anomalies(tcpvet, expect_path, anomaly_lines)
    return failures


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    tcpvet = sys.argv[1]
    failures = []
    checked = 0
    for expect_path in sys.argv[2:]:
        try:
            failures += check(tcpvet, expect_path)
        except (RuntimeError, json.JSONDecodeError, subprocess.TimeoutExpired) as error:
            failures.append(f"{expect_path}: {error}")
        checked += 1
    for failure in failures:
        print(failure)
    print(f"{checked - len({f.split(':')[0] for f in failures})} passed, {len({f.split(':')[0] for f in failures})} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
