#!/usr/bin/env python3
"""--threads N must not change a report: compare every file-reading command that takes --threads
(analyze, anomalies, conversations) in every format against --threads 1, byte for byte.

The only figures allowed to differ are the memory peaks (peak_records, peak_conversations,
peak_memory_bytes, the text line "peak memory"): N shards hold N flow tables, and their peaks are
summed. Everything else - stream numbers, record order, verdicts, anomalies, counters, exit
status and error lines - must be identical.

usage: threads_identity.py TCPVET TCPVET_GEN TESTDATA_DIR SCRATCH_DIR
       threads_identity.py --corpus TCPVET CORPUS_DIR...  (skips, exit 77, when none is present)
"""
import concurrent.futures
import glob
import json
import os
import re
import subprocess
import sys

PEAKS = re.compile(rb'"peak_(records|conversations|memory_bytes)":\s*\d+')
PEAK_LINE = re.compile(rb"^\s*peak memory .*$", re.M)


def normalized(output: bytes) -> bytes:
    return PEAK_LINE.sub(b"", PEAKS.sub(b'"peak":_', output))


def run(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    return proc.returncode, normalized(proc.stdout), proc.stderr


def compare(tcpvet, capture, command, fmt, threads, extra=()):
    base = [tcpvet, command, capture, "--format", fmt, "-q", *extra]
    want = run(base + ["--threads", "1"])
    got = run(base + ["--threads", str(threads)])
    if want == got:
        return None
    what = "exit status" if want[0] != got[0] else "stderr" if want[2] != got[2] else "output"
    return f"{os.path.basename(capture)}: {command} --format {fmt} {' '.join(extra)} --threads {threads}: {what} differs"


def peak_memory(tcpvet, capture, threads):
    out = subprocess.run([tcpvet, "analyze", capture, "--format", "json", "-q", "--threads", str(threads)],
                         stdout=subprocess.PIPE, check=True, timeout=600).stdout
    return json.loads(out)["tracker"]["peak_memory_bytes"]


def sharded_for_real(tcpvet, capture):
    """Identical reports prove nothing if --threads were ignored: N shards hold N flow tables, so
    the one figure allowed to differ must differ."""
    one, three = peak_memory(tcpvet, capture, 1), peak_memory(tcpvet, capture, 3)
    if three > one:
        return None
    return f"{os.path.basename(capture)}: --threads 3 peak memory {three} not above --threads 1's {one}: not sharded?"


def captures_in(directory):
    return sorted(p for p in glob.glob(os.path.join(directory, "*")) if p.endswith((".pcap", ".pcapng", ".cap")))


def make_inputs(gen, testdata, scratch):
    os.makedirs(scratch, exist_ok=True)
    inputs = captures_in(testdata)
    for scenario, count in (("mixed", "20000"), ("flood", "20000")):
        path = os.path.join(scratch, f"{scenario}-{count}.pcap")
        subprocess.run([gen, scenario, path, "--count", count], check=True, stderr=subprocess.DEVNULL)
        inputs.append(path)
    # A capture cut inside a packet: the error line and the partial report must not change either.
    with open(os.path.join(testdata, "sample.pcap"), "rb") as f:
        data = f.read()
    cut = os.path.join(scratch, "cut-sample.pcap")
    with open(cut, "wb") as f:
        f.write(data[: len(data) * 2 // 3])
    inputs.append(cut)
    return inputs


def main():
    jobs = []
    if sys.argv[1] == "--corpus":
        tcpvet, corpora = sys.argv[2], [d for d in sys.argv[3:] if os.path.isdir(d)]
        if not corpora:
            print(f"skip: {' '.join(sys.argv[3:])} absent")
            return 77
        for capture in (c for corpus in corpora for c in captures_in(corpus)):
            jobs.append((tcpvet, capture, "analyze", "json", 2, ()))
    else:
        tcpvet, gen, testdata, scratch = sys.argv[1:5]
        jobs_inputs = make_inputs(gen, testdata, scratch)
        for capture in jobs_inputs:
            for command in ("analyze", "anomalies", "conversations"):
                for fmt in ("json", "ndjson", "text"):
                    jobs.append((tcpvet, capture, command, fmt, 2, ()))
            jobs.append((tcpvet, capture, "analyze", "json", 3, ()))
            # Short timeouts: sweeps in every shard end many records at once, merged by stream.
            jobs.append((tcpvet, capture, "analyze", "ndjson", 3, ("--idle-timeout", "0.5", "--closed-linger", "0.2")))
    failures = []
    if sys.argv[1] != "--corpus":
        mixed = next(c for c in jobs_inputs if os.path.basename(c).startswith("mixed-"))
        failure = sharded_for_real(tcpvet, mixed)
        if failure:
            failures.append(failure)
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for failure in pool.map(lambda job: compare(*job), jobs):
            if failure:
                failures.append(failure)
    for failure in failures:
        print("FAIL", failure)
    print(f"{len(jobs)} comparisons, {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
