#!/usr/bin/env python3
"""Measure and tabulate tests/bench/run_bench.sh: wall time and peak RSS per tool and capture.

run_bench.sh finds the binaries and writes the captures; this file times every tool over the
same files (round-robin, so drift on a shared machine hits every tool alike; tcpvet and the loops
before the peers, whose freed gigabytes slow the next tool on a VM, and the bare loop again among
the peers, their reference), takes the median of --runs runs, and prints one Markdown report: the
table of ratios to the bare libpcap loop, tcpvet's own accounting for the flood, and the machine
it ran on. Standard library only.
"""
import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


class Result:
    """Runs of one tool on one capture: wall seconds each, the peak RSS over them, or why not."""

    def __init__(self):
        self.walls = []
        self.rss_kib = None
        self.failure = None  # "timeout", "failed (rc N)", "skipped"

    def median(self):
        return statistics.median(self.walls) if self.walls else None


def without_peaks(report):
    """The report less the memory peaks, which N shards' tables add up (see tests/parallel)."""
    tracker = report.get("tracker")
    if isinstance(tracker, dict):
        report["tracker"] = {k: v for k, v in tracker.items() if not k.startswith("peak_")}
    return report


def warm_page_cache(path):
    """Reads the capture untimed, so that no tool pays for what the one before it (tshark's
    gigabytes) pushed out of the page cache: every run starts from a cached file."""
    with open(path, "rb", buffering=0) as f:
        while f.read(8 << 20):
            pass


def run_once(cmd, timebin, timeout, cwd=None):
    """One timed run. Returns (wall_s, rss_kib or None, failure or None)."""
    rss_file = None
    full = list(cmd)
    if timebin:
        fd, rss_file = tempfile.mkstemp(prefix="bench-time-")
        os.close(fd)
        full = [timebin, "-v", "-o", rss_file] + full
    # A session of its own: on timeout the whole group (time + tool) goes, not just time.
    start = time.perf_counter()
    proc = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=cwd, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        if rss_file:
            os.unlink(rss_file)
        return None, None, "timeout"
    wall = time.perf_counter() - start
    rss = None
    if rss_file:
        with open(rss_file, encoding="utf-8", errors="replace") as f:
            text = f.read()
        os.unlink(rss_file)
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        if m:
            rss = int(m.group(1))
        m = re.search(r"Exit status: (\d+)", text)
        status = int(m.group(1)) if m else proc.returncode
    else:
        status = proc.returncode
    if status != 0:
        tail = err.decode(errors="replace").strip().splitlines()[-3:]
        log(f"{cmd[0]} exited {status}: {' | '.join(tail)}")
        return None, None, f"failed (rc {status})"
    return wall, rss, None


def fmt_time(res, ref):
    if res.failure and not res.walls:
        return res.failure
    t = res.median()
    text = f"{t:.3f} s" if t < 100 else f"{t:.1f} s"
    if ref and ref.median():
        text += f" ({t / ref.median():.2f}×)" if t / ref.median() < 10 else f" ({t / ref.median():.0f}×)"
    return text


def fmt_rss(res):
    if res.rss_kib is None:
        return "—"
    mib = res.rss_kib / 1024
    return f"{mib / 1024:.2f} GiB" if mib >= 1024 else f"{mib:.0f} MiB" if mib >= 10 else f"{mib:.1f} MiB"


def machine_lines():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ram = "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except OSError:
        pass
    load = os.getloadavg()
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical CPUs (nproc {len(os.sched_getaffinity(0))}); RAM {ram}",
        f"- Kernel: {platform.system()} {platform.release()}; load average at start "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
    ]


def gen_facts(log_path):
    """What tcpvet_gen said it wrote (its stderr summary, kept beside the capture)."""
    facts = {}
    try:
        with open(log_path, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return facts
    patterns = {
        "syns": r"(\d+) spoofed SYNs",
        "distinct_addresses": r"from (\d+) distinct source addresses",
        "half_open_attempts": r"(\d+) half-open attempts",
        "normal_connections": r"(\d+) normal complete connections",
        "frames": r"(\d+) frames in total",
        "mixed_frames": r"mixed: (\d+) frames",
        "mixed_connections": r"mixed: \d+ frames, (\d+) connections",
    }
    for key, pat in patterns.items():
        m = re.search(pat, text)
        if m:
            facts[key] = int(m.group(1))
    return facts


def dig(obj, *path):
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj


def accounting(report_path, facts, label):
    """tcpvet's own accounting from its JSON report, next to what the generator wrote."""
    try:
        with open(report_path, encoding="utf-8") as f:
            rep = json.load(f)
    except (OSError, ValueError) as e:
        return [f"{label}: no JSON report ({e})"], None
    lines = [f"| {label} | value |", "|---|---|"]

    def row(name, value):
        if value is not None:
            lines.append(f"| {name} | {value} |")

    if "syns" in facts:
        row("generator: spoofed SYNs / distinct spoofed 4-tuples / normal connections / frames",
            f"{facts['syns']:,} / {facts.get('half_open_attempts', 0):,} / "
            f"{facts.get('normal_connections', 0):,} / {facts.get('frames', 0):,}")
        expected = facts.get("half_open_attempts", 0) + facts.get("normal_connections", 0)
    elif "mixed_frames" in facts:
        row("generator: frames / connections", f"{facts['mixed_frames']:,} / {facts.get('mixed_connections', 0):,}")
        expected = facts.get("mixed_connections")
    else:
        expected = None
    row("packets read", dig(rep, "capture", "packets"))
    row("conversations in report (summary.conversations)", dig(rep, "summary", "conversations"))
    conv_list = rep.get("conversations")
    if isinstance(conv_list, list):
        row("conversations listed individually", len(conv_list))
    row("half-open attempts not listed individually (counted)", dig(rep, "summary", "half_open_unlisted"))
    states = dig(rep, "summary", "verdicts", "conn_state")
    if isinstance(states, dict):
        row("conn_state verdicts", ", ".join(f"{k} {v:,}" for k, v in sorted(states.items())))
    hs = dig(rep, "summary", "verdicts", "handshake")
    if isinstance(hs, dict):
        row("handshake verdicts", ", ".join(f"{k} {v:,}" for k, v in sorted(hs.items())))
    tracker = rep.get("tracker") if isinstance(rep.get("tracker"), dict) else {}
    for key in ("conversations_created", "half_open_created", "half_open_promoted", "half_open_ended",
                "peak_conversations", "peak_records", "peak_memory_bytes", "resumed"):
        row(f"tracker.{key}", tracker.get(key))
    evicted_total = 0
    for group in ("ended", "evicted"):
        sub = tracker.get(group)
        if isinstance(sub, dict):
            row(f"tracker.{group}", ", ".join(f"{k} {v:,}" for k, v in sorted(sub.items())))
            if group == "evicted":
                evicted_total = sum(v for v in sub.values() if isinstance(v, int))
    verdict = None
    accounted = sum(states.values()) if isinstance(states, dict) else dig(rep, "summary", "conversations")
    if expected is not None and isinstance(accounted, int):
        # A 4-tuple seen again with a new ISN (the flood walks its 10^6 sources twice) is a new
        # conversation once the old one ends by port reuse, as Wireshark's tcp.analysis.reused_ports.
        reused = dig(tracker, "ended", "port_reuse")
        reused = reused if isinstance(reused, int) else 0
        ok = accounted == expected + reused
        verdict = ok
        row("every conversation accounted for",
            f"{'yes' if ok else 'NO'}: {accounted:,} with a verdict; the capture holds {expected:,} distinct "
            f"4-tuples + {reused:,} re-used with a new ISN (ended.port_reuse) = {expected + reused:,}; "
            f"evicted {evicted_total:,}")
    return lines, verdict


TSHARK_SEGMENT_FIELDS = [arg for field in (
    "frame.number", "frame.time_epoch", "tcp.stream", "ip.src", "tcp.srcport", "ip.dst", "tcp.dstport",
    "tcp.flags.str", "tcp.seq", "tcp.ack", "tcp.seq_raw", "tcp.ack_raw", "tcp.len", "tcp.window_size_value",
    "tcp.options", "tcp.checksum.status", "tcp.analysis.flags", "tcp.analysis.bytes_in_flight",
    "tcp.analysis.ack_rtt", "tcp.analysis.duplicate_ack_num") for arg in ("-e", field)]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--loop", required=True)
    ap.add_argument("--tcpvet", required=True)
    ap.add_argument("--decode-loop", default="", help="tests/bench/decode_loop: tcpvet's reading and decoding alone")
    ap.add_argument("--threads", type=int, default=0, help="N for tcpvet --threads N (0: not supported)")
    ap.add_argument("--mixed", required=True)
    ap.add_argument("--flood", required=True)
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--timebin", default="")
    ap.add_argument("--tshark", type=int, default=1)
    ap.add_argument("--peers", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--version", default="")
    ap.add_argument("--revision", default="")
    ap.add_argument("--note", default="")
    a = ap.parse_args()

    files = {"mixed": a.mixed, "flood": a.flood}
    tcpvet_base = [a.tcpvet, "analyze"]
    tools = [("bare libpcap loop (pcap_loop)", lambda f, d: [a.loop, f], None)]
    json_args = ["--format", "json", "-o", "/dev/null", "-q"]
    if a.decode_loop:
        # The floor under tcpvet's analysis: its own libpcap reading, decoding and checksums.
        tools.append(("tcpvet reading and decoding only (decode_loop)", lambda f, d: [a.decode_loop, f], None))
    if a.threads > 0:
        tools.append(("tcpvet --threads 1", lambda f, d: tcpvet_base + [f, *json_args, "--threads", "1"], None))
        tools.append((f"tcpvet --threads {a.threads}",
                      lambda f, d: tcpvet_base + [f, *json_args, "--threads", str(a.threads)], None))
    else:
        tools.append(("tcpvet", lambda f, d: tcpvet_base + [f, *json_args], None))
    # Per-segment output, the other side of the scripting interface: a record for every segment.
    tools.append(("tcpvet packets --format ndjson (a record per segment)",
                  lambda f, d: [a.tcpvet, "packets", f, "--format", "ndjson", "-o", "/dev/null", "-q"], None))
    skipped = []
    if a.tshark:
        if shutil.which("tshark"):
            tools.append(("tshark -z conv,tcp (TCP analysis on)", lambda f, d: ["tshark", "-r", f, "-q", "-z", "conv,tcp"], None))
            # tshark's cheapest per-segment output, the same facts as a tcpvet segment record.
            tools.append(("tshark -T fields, a line per segment (TCP analysis on)",
                          lambda f, d: ["tshark", "-r", f, "-T", "fields", *TSHARK_SEGMENT_FIELDS], None))
        else:
            skipped.append("tshark (not installed)")
    else:
        skipped.append("tshark (BENCH_TSHARK=0)")
    if a.peers:
        if shutil.which("tcptrace"):
            tools.append(("tcptrace -l", lambda f, d: ["tcptrace", "-l", f], None))
        else:
            skipped.append("tcptrace (not installed)")
        if shutil.which("tcpflow"):
            # tcpflow writes one file per flow: a fresh directory per run, removed untimed.
            tools.append(("tcpflow", lambda f, d: ["tcpflow", "-r", f, "-o", d], "outdir"))
        else:
            skipped.append("tcpflow (not installed)")

    # Two round-robins: the loops and tcpvet on both captures first, then the peers. A peer that frees
    # gigabytes (tshark: 3-4 GiB) leaves a VM slow to hand out fresh pages for a while (the host
    # takes freed pages back), which would be charged to whichever tool ran next. The bare loop
    # runs again among the peers, and their ratios divide by those runs, taken at their own time.
    loop_name = tools[0][0]
    ours = [t for t in tools if t[0] == loop_name or t[0].startswith("tcpvet")]
    peers = [t for t in tools if t not in ours]
    peer_loop_name = loop_name + ", run among the peers"
    if peers:
        peers.insert(0, (peer_loop_name, tools[0][1], tools[0][2]))
    results = {(t[0], k): Result() for t in ours + peers for k in files}
    for group in (ours, peers):
        for kind, path in files.items():
            for rnd in range(1, a.runs + 1):
                for name, make, needs_dir in group:
                    res = results[(name, kind)]
                    if res.failure:
                        continue  # a timeout or failure is not retried: it would only cost another timeout
                    outdir = tempfile.mkdtemp(prefix="bench-out-", dir=a.scratch) if needs_dir else None
                    cmd = make(path, os.path.join(outdir, "flows") if outdir else None)
                    log(f"{kind} run {rnd}/{a.runs}: {name}")
                    warm_page_cache(path)
                    wall, rss, failure = run_once(cmd, a.timebin, a.timeout)
                    if outdir:
                        shutil.rmtree(outdir, ignore_errors=True)
                    if failure:
                        res.failure = failure if failure != "timeout" else f"timeout (> {a.timeout:.0f} s)"
                        continue
                    res.walls.append(wall)
                    if rss is not None:
                        res.rss_kib = max(res.rss_kib or 0, rss)
                    log(f"  {wall:.3f} s" + (f", {rss / 1024:.1f} MiB" if rss else ""))

    lines = ["# tcpvet benchmark", ""]
    if a.note:
        lines += [a.note, ""]
    lines += [f"tcpvet {a.version}" + (f" ({a.revision})" if a.revision else "") + ", "
              f"median of {a.runs} runs, wall time with the ratio to the bare libpcap loop; "
              f"peak RSS is the maximum over the runs (/usr/bin/time -v)." if a.timebin else
              f"tcpvet {a.version}" + (f" ({a.revision})" if a.revision else "") +
              f", median of {a.runs} runs; peak RSS not measured (no /usr/bin/time).", ""]
    sizes = []
    for kind, path in files.items():
        size = os.path.getsize(path)
        sizes.append(f"{kind}: {os.path.basename(path)} ({size / 1024 / 1024:.0f} MiB)")
    lines += ["Captures: " + "; ".join(sizes) + ".", ""]
    lines += ["| tool | mixed | flood | flood peak RSS |", "|---|---|---|---|"]
    our_names = {t[0] for t in ours}
    for name, _, _ in ours + peers:
        ref = loop_name if name in our_names else peer_loop_name
        m, f = results[(name, "mixed")], results[(name, "flood")]
        lines.append(f"| {name} | {fmt_time(m, results[(ref, 'mixed')])} | "
                     f"{fmt_time(f, results[(ref, 'flood')])} | {fmt_rss(f)} |")
    if skipped:
        lines += ["", "Not run: " + ", ".join(skipped) + "."]

    # tcpvet's accounting: one more run of each capture with the report kept.
    verdicts = []
    for kind, path in files.items():
        report = os.path.join(a.scratch, f"{kind}-report.json")
        cmd = tcpvet_base + [path, "--format", "json", "-o", report, "-q"]
        log(f"{kind}: tcpvet report for the accounting")
        wall, _, failure = run_once(cmd, "", a.timeout)
        facts = gen_facts(path + ".log")
        if failure:
            lines += ["", f"{kind}: tcpvet report run {failure}"]
            verdicts.append(False)
            continue
        acc, ok = accounting(report, facts, f"{kind}: tcpvet's accounting")
        lines += [""] + acc
        verdicts.append(ok)
        if a.threads > 1:
            report_n = os.path.join(a.scratch, f"{kind}-report-threads.json")
            cmd_n = tcpvet_base + [path, "--format", "json", "-o", report_n, "-q", "--threads", str(a.threads)]
            _, _, failure = run_once(cmd_n, "", a.timeout)
            if failure:
                same = f"run {failure}"
            else:
                with open(report, encoding="utf-8") as f1, open(report_n, encoding="utf-8") as f2:
                    r1, r2 = without_peaks(json.load(f1)), without_peaks(json.load(f2))
                differ = sorted(k for k in set(r1) | set(r2) if r1.get(k) != r2.get(k))
                same = ("identical (apart from the summed memory peaks)" if not differ
                        else "DIFFERENT in " + ", ".join(differ))
            lines.append(f"| report with --threads {a.threads} vs --threads 1 | {same} |")

    lines += ["", "Machine:"] + machine_lines()
    text = "\n".join(lines) + "\n"
    print(text, end="")
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    log(f"written to {a.out}")
    # Exit status for the smoke test: the reference and every tcpvet row must have produced numbers.
    for name, _, _ in ours:
        for kind in files:
            if not results[(name, kind)].walls:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
