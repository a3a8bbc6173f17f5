#!/usr/bin/env python3
"""End-to-end checks of the anomaly layer (issue 5), run by ctest (tests/cmake/anomaly.cmake).

Usage: anomaly_checks.py CHECK TCPVET [ARGS...]
  syn_flood GEN OUTDIR        >= 100000 spoofed SYNs + normal traffic: exactly one critical syn_flood
                              naming 192.0.2.10:80 with the generator's half-open and source counts;
                              the normal conversations keep their verdicts; analyze/JSON/--fail-on agree
  syn_cookies GEN OUTDIR      every flood SYN answered, none retransmitted: syn_flood + syn_cookies
  close_wait REPO             lo_close_wait.pcap with a short threshold: close_wait names the server
  cli REPO OUTDIR             --fail-on exit status, --threshold/--config parsing, analyze integration
  negative REPO               testdata lo_* (real loopback) and ordinary gen_* raise nothing above info
  corpus CORPUS ALLOWLIST     ../shared/corpus/tcp: nothing above info except the reviewed allowlist
                              (exit 77 when the corpus is absent)
"""
import json
import os
import re
import subprocess
import sys

SKIP = 77


def run(cmd, expect_rc=(0,)):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode not in expect_rc:
        raise AssertionError(f"{' '.join(cmd)}: exit {proc.returncode} (wanted {expect_rc}): {proc.stderr.strip()}")
    return proc


def ndjson(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def anomalies(tcpvet, capture, *extra):
    records = ndjson(run([tcpvet, "anomalies", capture, "--format", "ndjson", "-q", *extra]).stdout)
    return [r for r in records if r.get("type") == "anomaly"]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def syn_flood(tcpvet, gen, outdir):
    os.makedirs(outdir, exist_ok=True)
    capture = os.path.join(outdir, "anomaly_syn_flood.pcap")
    log = run([gen, "syn_flood", capture, "--count", "100000", "--seed", "7"]).stderr
    distinct = int(re.search(r"from (\d+) distinct source addresses", log).group(1))
    half_open = int(re.search(r"(\d+) half-open attempts", log).group(1))
    normal = int(re.search(r"(\d+) normal complete connections", log).group(1))
    check(half_open >= 100000, f"generator wrote only {half_open} attempts")
    found = anomalies(tcpvet, capture)
    floods = [a for a in found if a["kind"] == "syn_flood"]
    check(len(floods) == 1, f"want exactly one syn_flood, got {len(floods)}: {[a['text'] for a in floods]}")
    flood = floods[0]
    check(flood["severity"] == "critical", f"severity {flood['severity']}")
    check(flood["endpoints"][0] == {"address": "192.0.2.10", "port": 80}, f"endpoint {flood['endpoints']}")
    ev = flood["evidence"]
    check(ev["half_open"] == half_open, f"half_open {ev['half_open']} != generator's {half_open}")
    check(ev["distinct_sources"] == distinct, f"distinct_sources {ev['distinct_sources']} != generator's {distinct}")
    check(ev["distinct_sources_error"] == 0, "distinct source count should be exact")
    check(ev["completed_handshakes"] == normal, f"completed {ev['completed_handshakes']} != {normal}")
    check(not [a for a in found if a["severity"] != "info" and a["kind"] != "syn_flood"],
          f"other anomalies: {[a['text'] for a in found if a['kind'] != 'syn_flood']}")
    # The normal traffic keeps exact verdicts beside the flood.
    conversations = ndjson(run([tcpvet, "conversations", capture, "--format", "ndjson", "-q"]).stdout)
    normal_records = [c for c in conversations if c["originator"]["address"].startswith("203.0.113.")]
    check(len(normal_records) == normal, f"{len(normal_records)} normal conversations listed, want {normal}")
    for c in normal_records:
        check(c["handshake"]["verdict"] == "complete", f"stream {c['stream']}: handshake {c['handshake']['verdict']}")
        check(c["teardown"]["verdict"] == "graceful_four_way", f"stream {c['stream']}: teardown {c['teardown']['verdict']}")
    # analyze carries the same anomaly in its JSON report, and --fail-on critical turns it into exit 2.
    proc = run([tcpvet, "analyze", capture, "--format", "json", "-q", "--fail-on", "critical"], expect_rc=(2,))
    report = json.loads(proc.stdout)
    check([a["kind"] for a in report["anomalies"] if a["severity"] == "critical"] == ["syn_flood"], "analyze JSON")
    check(report["thresholds"]["syn_flood_critical_half_open"] == 10000, "thresholds object")
    print(f"syn_flood: one critical syn_flood at 192.0.2.10:80, half_open {half_open}, distinct sources {distinct}, "
          f"{normal} normal conversations complete/graceful_four_way")


def syn_cookies(tcpvet, gen, outdir):
    os.makedirs(outdir, exist_ok=True)
    capture = os.path.join(outdir, "anomaly_syn_cookies.pcap")
    run([gen, "anomaly_syn_cookies", capture, "--count", "2000"])
    kinds = sorted((a["kind"], a["severity"]) for a in anomalies(tcpvet, capture))
    check(kinds == [("syn_cookies", "info"), ("syn_flood", "warning")], f"got {kinds}")
    print("syn_cookies: syn_flood warning + syn_cookies info")


def close_wait(tcpvet, repo):
    capture = os.path.join(repo, "testdata", "lo_close_wait.pcap")
    conversation = ndjson(run([tcpvet, "conversations", capture, "--format", "ndjson", "-q"]).stdout)[0]
    server = {"address": conversation["responder"]["address"], "port": conversation["responder"]["port"]}
    check(not anomalies(tcpvet, capture), "default thresholds must raise nothing on lo_close_wait")
    # The capture's last packet is the ACK of the client's FIN, 40 ms after it.
    found = anomalies(tcpvet, capture, "--threshold", "close_wait_seconds=0.01")
    stuck = [a for a in found if a["kind"] == "close_wait"]
    check(len(stuck) == 1, f"close_wait: {found}")
    check(stuck[0]["severity"] == "warning", "severity")
    check(stuck[0]["endpoints"][0] == server, f"stuck endpoint {stuck[0]['endpoints'][0]} != server {server}")
    check(stuck[0]["evidence"]["connections"] == 1, "connections")
    print(f"close_wait: names the server {server['address']}:{server['port']}")


def cli(tcpvet, repo, outdir):
    os.makedirs(outdir, exist_ok=True)
    capture = os.path.join(repo, "testdata", "gen_close_wait.pcap")  # close_wait warning + fin_wait_2 info
    run([tcpvet, "anomalies", capture, "-q", "--fail-on", "warning"], expect_rc=(2,))
    run([tcpvet, "anomalies", capture, "-q", "--fail-on", "critical"], expect_rc=(0,))
    run([tcpvet, "analyze", capture, "-q", "--fail-on", "info"], expect_rc=(2,))
    run([tcpvet, "analyze", os.path.join(repo, "testdata", "gen_textbook.pcap"), "-q", "--fail-on", "info"],
        expect_rc=(0,))
    # Thresholds: command line, config file (the command line wins), errors.
    check(not anomalies(tcpvet, capture, "--threshold", "close_wait_seconds=1000", "--threshold",
                        "fin_wait_2_seconds=1000"), "raised thresholds silence it")
    config = os.path.join(outdir, "thresholds.conf")
    with open(config, "w", encoding="utf-8") as handle:
        handle.write("# quiet close waits\nclose_wait_seconds = 1000   # seconds\n\nfin_wait_2_seconds=1000\n")
    check(not anomalies(tcpvet, capture, "--config", config), "config file applies")
    check([a["kind"] for a in anomalies(tcpvet, capture, "--config", config, "--threshold", "close_wait_seconds=5")]
          == ["close_wait"], "--threshold overrides --config")
    proc = run([tcpvet, "anomalies", capture, "--threshold", "no_such=1"], expect_rc=(1,))
    check("unknown threshold" in proc.stderr, proc.stderr)
    run([tcpvet, "anomalies", capture, "--threshold", "close_wait_seconds=abc"], expect_rc=(1,))
    run([tcpvet, "anomalies", capture, "--fail-on", "severe"], expect_rc=(1,))
    # analyze: text section, JSON array + thresholds, NDJSON records before the summary.
    text = run([tcpvet, "analyze", capture, "-q", "--color", "never"]).stdout
    check("Anomalies (2: 0 critical, 1 warning, 1 info)" in text and "Thresholds:" in text, text[-800:])
    report = json.loads(run([tcpvet, "analyze", capture, "-q", "--format", "json"]).stdout)
    check(sorted(a["kind"] for a in report["anomalies"]) == ["close_wait", "fin_wait_2"], "analyze JSON anomalies")
    check(report["thresholds"]["close_wait_seconds"] == 60, "analyze JSON thresholds")
    records = ndjson(run([tcpvet, "analyze", capture, "-q", "--format", "ndjson"]).stdout)
    types = [r.get("type", "conversation") for r in records]
    check(types.count("anomaly") == 2 and types[-1] == "summary", f"ndjson record types {types}")
    check(len(records[-1]["anomalies"]) == 2, "summary lists the anomalies")
    print("cli: --fail-on, --threshold, --config, analyze text/json/ndjson")


def above_info(tcpvet, capture):
    return [a for a in anomalies(tcpvet, capture) if a["severity"] != "info"]


def negative(tcpvet, repo):
    testdata = os.path.join(repo, "testdata")
    ordinary = sorted(f for f in os.listdir(testdata) if f.endswith(".pcap") and
                      (f.startswith("lo_") or f.startswith("gen_textbook")))
    failures = []
    for name in ordinary:
        for a in above_info(tcpvet, os.path.join(testdata, name)):
            failures.append(f"{name}: {a['severity']} {a['kind']}: {a['text']}")
    for failure in failures:
        print(failure)
    check(not failures, f"{len(failures)} anomalies above info in ordinary captures")
    print(f"negative: {len(ordinary)} ordinary captures raise nothing above info")


def corpus(tcpvet, directory, allowlist):
    if not os.path.isdir(directory):
        print(f"{directory}: absent, skipped")
        sys.exit(SKIP)
    allowed = set()
    with open(allowlist, encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].split()
            if len(line) >= 3:
                allowed.add((line[0], line[1], line[2]))
    unexpected = []
    seen = set()
    files = sorted(os.listdir(directory))
    for name in files:
        try:
            found = above_info(tcpvet, os.path.join(directory, name))
        except AssertionError:
            continue  # inputs tcpvet rejects (robustness corpus business, not ours)
        for a in found:
            key = (name, a["kind"], a["severity"])
            seen.add(key)
            if key not in allowed:
                unexpected.append(f"{name} {a['kind']} {a['severity']}  # {a['text']}")
    for line in unexpected:
        print("unexpected:", line)
    for key in sorted(allowed - seen):
        print("allowlisted but no longer raised:", " ".join(key))
    check(not unexpected, f"{len(unexpected)} new anomalies above info in the corpus")
    print(f"corpus: {len(files)} captures, {len(seen)} reviewed exceptions above info")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    name, tcpvet, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    checks = {"syn_flood": syn_flood, "syn_cookies": syn_cookies, "close_wait": close_wait, "cli": cli,
              "negative": negative, "corpus": corpus}
    try:
        checks[name](tcpvet, *args)
    except AssertionError as error:
        print(f"FAIL {name}: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
