#!/usr/bin/env python3
"""Compare tcpvet's per-segment output with TShark's on one capture (standard library only).

Per frame it joins `tshark -T fields` (tcp.stream, tcp.seq, tcp.ack, tcp.len and the presence of
each tcp.analysis.* flag) with `tcpvet packets CAP --format ndjson` on the frame number, and prints
mismatch counts per field, per-flag agreement and the first mismatching frames. With
--conversations it also compares `tshark -q -z conv,tcp` frame/byte totals per conversation with
`tcpvet conversations CAP --format ndjson`.

Exit status: 0 when everything compared is equal, 1 when something differs, 2 on usage or tool errors.

    tests/diff/tshark_diff.py CAPTURE TCPVET_BINARY [--fields stream,seq,ack,len,analysis]
                              [--conversations] [--show 10] [--tshark tshark]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter, defaultdict

# tcp.analysis.* fields, in SegmentFlag order (include/tcpvet/analysis/segment_flags.hpp): the
# ndjson `analysis` array uses the part after "tcp.analysis.".
ANALYSIS_FLAGS = [
    "retransmission",
    "fast_retransmission",
    "spurious_retransmission",
    "out_of_order",
    "lost_segment",
    "ack_lost_segment",
    "duplicate_ack",
    "zero_window",
    "zero_window_probe",
    "zero_window_probe_ack",
    "window_full",
    "window_update",
    "keep_alive",
    "keep_alive_ack",
    "reused_ports",
]

ALL_FIELDS = ["stream", "seq", "ack", "len", "analysis"]

# The frames tcpvet reports as TCP segments; ICMP errors quoting a TCP header are not segments.
TSHARK_FILTER = "tcp && !icmp && !icmpv6"

# ndjson field names of `tcpvet packets` (one object per TCP segment).
PACKET_KEYS = {"frame": "frame", "stream": "stream", "seq": "rel_seq", "ack": "rel_ack", "len": "len",
               "analysis": "analysis"}


def fail(message: str) -> None:
    print(f"tshark_diff: {message}", file=sys.stderr)
    sys.exit(2)


def run(cmd: list[str]) -> str:
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
    except OSError as exc:
        fail(f"cannot run {cmd[0]}: {exc}")
    if proc.returncode != 0:
        err = proc.stderr.strip().splitlines()
        # tshark exits non-zero on a cut-off capture after printing what it read; keep its output.
        if not proc.stdout:
            fail(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-1] if err else ''}")
        print(f"note: {cmd[0]} exited {proc.returncode}: {err[-1] if err else ''}", file=sys.stderr)
    return proc.stdout


def first_value(text: str) -> str:
    # Several TCP layers in one frame (tunnels) give comma-separated values: tcpvet decodes the first.
    return text.split(",", 1)[0]


def tshark_packets(tshark: str, capture: str) -> dict[int, dict]:
    cmd = [tshark, "-n", "-r", capture, "-Y", TSHARK_FILTER, "-T", "fields", "-E", "separator=/t",
           "-e", "frame.number", "-e", "tcp.stream", "-e", "tcp.seq", "-e", "tcp.ack", "-e", "tcp.len"]
    for flag in ANALYSIS_FLAGS:
        cmd += ["-e", f"tcp.analysis.{flag}"]
    rows: dict[int, dict] = {}
    for line in run(cmd).splitlines():
        cols = line.split("\t")
        if len(cols) < 5 + len(ANALYSIS_FLAGS) or not cols[0].isdigit():
            continue
        frame = int(cols[0])
        rows[frame] = {
            "stream": first_value(cols[1]),
            "seq": first_value(cols[2]),
            "ack": first_value(cols[3]),
            "len": first_value(cols[4]),
            # An expert-info field prints a value when present, nothing when absent.
            "analysis": frozenset(f for f, v in zip(ANALYSIS_FLAGS, cols[5:]) if v != ""),
        }
    return rows


def tcpvet_packets(binary: str, capture: str) -> dict[int, dict]:
    rows: dict[int, dict] = {}
    for line in run([binary, "packets", capture, "--format", "ndjson"]).splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        obj = json.loads(line)
        if PACKET_KEYS["frame"] not in obj:
            continue

        def text(key: str) -> str:
            value = obj.get(PACKET_KEYS[key])
            return "" if value is None else str(value)

        rows[int(obj[PACKET_KEYS["frame"]])] = {
            "stream": text("stream"),
            "seq": text("seq"),
            "ack": text("ack"),
            "len": text("len"),
            "analysis": frozenset(obj.get(PACKET_KEYS["analysis"]) or []),
        }
    return rows


def show(value) -> str:
    if isinstance(value, frozenset):
        return "[" + ",".join(sorted(value)) + "]"
    return value if value != "" else "-"


def compare_packets(ts: dict[int, dict], tv: dict[int, dict], fields: list[str], show_max: int) -> bool:
    only_ts = sorted(set(ts) - set(tv))
    only_tv = sorted(set(tv) - set(ts))
    common = sorted(set(ts) & set(tv))
    print(f"frames: tshark {len(ts)}, tcpvet {len(tv)}, both {len(common)}, "
          f"only tshark {len(only_ts)}, only tcpvet {len(only_tv)}")
    if only_ts:
        print("  only in tshark:", " ".join(map(str, only_ts[:show_max])))
    if only_tv:
        print("  only in tcpvet:", " ".join(map(str, only_tv[:show_max])))

    mismatches: Counter[str] = Counter()
    examples: list[str] = []
    flag_agree: Counter[str] = Counter()
    flag_ts: Counter[str] = Counter()
    flag_tv: Counter[str] = Counter()
    for frame in common:
        a, b = ts[frame], tv[frame]
        bad = [f for f in fields if a[f] != b[f]]
        for f in bad:
            mismatches[f] += 1
        if "analysis" in fields:
            for flag in ANALYSIS_FLAGS:
                in_ts, in_tv = flag in a["analysis"], flag in b["analysis"]
                flag_ts[flag] += in_ts
                flag_tv[flag] += in_tv
                flag_agree[flag] += in_ts == in_tv
        if bad and len(examples) < show_max:
            detail = "  ".join(f"{f}: tshark={show(a[f])} tcpvet={show(b[f])}" for f in bad)
            examples.append(f"  frame {frame} (stream {a['stream']}): {detail}")

    for f in fields:
        print(f"{f:>9}: {mismatches[f]} mismatching of {len(common)}")
    if "analysis" in fields and common:
        print("flag                      tshark  tcpvet  agree/frames")
        for flag in ANALYSIS_FLAGS:
            if flag_ts[flag] or flag_tv[flag]:
                print(f"  {flag:<24}{flag_ts[flag]:>6}  {flag_tv[flag]:>6}  {flag_agree[flag]}/{len(common)}")
    if examples:
        print("first mismatches:")
        print("\n".join(examples))
    return not only_ts and not only_tv and not any(mismatches.values())


# --- conversations -------------------------------------------------------------------------------

def format_size(n: int) -> str:
    """Wireshark's format_size(..., FORMAT_SIZE_UNIT_BYTES | FORMAT_SIZE_PREFIX_SI) as -z conv prints it."""
    units = [("bytes", 1), ("kB", 1000), ("MB", 1000 ** 2), ("GB", 1000 ** 3), ("TB", 1000 ** 4)]
    for i, (unit, scale) in enumerate(units):
        if n < 10000 * scale or i == len(units) - 1:
            return f"{n // scale} {unit}"
    raise AssertionError


def tshark_conversations(tshark: str, capture: str) -> list[dict]:
    """Rows of `-z conv,tcp`: A is the sender of the conversation's first frame; '->' is A to B."""
    rows = []
    for line in run([tshark, "-n", "-r", capture, "-q", "-z", "conv,tcp"]).splitlines():
        if "<->" not in line:
            continue
        left, right = line.split("<->", 1)
        parts = right.split()
        # B  frames_ba bytes_ba unit  frames_ab bytes_ab unit  total_frames total_bytes unit  start duration
        if len(parts) < 12:
            continue
        rows.append({
            "a": left.strip(), "b": parts[0],
            "frames_ba": int(parts[1]), "bytes_ba": f"{parts[2]} {parts[3]}",
            "frames_ab": int(parts[4]), "bytes_ab": f"{parts[5]} {parts[6]}",
            "start": float(parts[10]),
        })
    return rows


def endpoint_text(value) -> str:
    """An endpoint as tshark prints it (addr:port); accepts "addr:port", [addr, port] or {ip, port}."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return f"{value[0]}:{value[1]}"
    if isinstance(value, dict):
        addr = value.get("ip", value.get("addr", value.get("address", "")))
        return f"{addr}:{value.get('port', '')}"
    return str(value)


def tcpvet_conversation_row(obj: dict) -> dict | None:
    """One `tcpvet conversations --format ndjson` record as a -z conv,tcp row (A = originator)."""
    if obj.get("type", "conversation") != "conversation" or "originator" not in obj:
        return None

    def endpoint(side: dict) -> str:
        address = side["address"]
        return f"{address}:{side['port']}"  # tshark writes IPv6 endpoints without brackets

    o, r = obj["originator"], obj["responder"]
    return {
        "stream": obj["stream"],
        "a": endpoint_text(endpoint(o)), "b": endpoint_text(endpoint(r)),
        "frames_ab": int(o["packets"]), "frames_ba": int(r["packets"]),
        "wire_ab": int(o["bytes"]), "wire_ba": int(r["bytes"]),
        "start": float(obj["start"]["epoch"]),
    }


def tcpvet_conversations(binary: str, capture: str) -> list[dict]:
    # A conversation split by an idle timeout keeps its stream number: add its records up, as
    # tshark knows it as one conversation.
    by_stream: dict[int, dict] = {}
    for line in run([binary, "conversations", capture, "--format", "ndjson", "-q"]).splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        row = tcpvet_conversation_row(json.loads(line))
        if row is None:
            continue
        seen = by_stream.get(row["stream"])
        if seen is None:
            by_stream[row["stream"]] = row
        else:
            for key in ("frames_ab", "frames_ba", "wire_ab", "wire_ba"):
                seen[key] += row[key]
            seen["start"] = min(seen["start"], row["start"])
    rows = []
    for row in by_stream.values():
        row["bytes_ab"] = format_size(row.pop("wire_ab"))
        row["bytes_ba"] = format_size(row.pop("wire_ba"))
        rows.append(row)
    return rows


def conversation_groups(rows: list[dict]) -> dict[tuple, list[dict]]:
    # -z conv,tcp has no stream number: pair rows by their endpoints, reused ports in start order.
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted((row["a"], row["b"])))].append(row)
    for group in groups.values():
        group.sort(key=lambda r: r["start"])
    return groups


def oriented(row: dict, a: str) -> tuple:
    if row["a"] == a:
        return row["frames_ab"], row["frames_ba"], row["bytes_ab"], row["bytes_ba"]
    return row["frames_ba"], row["frames_ab"], row["bytes_ba"], row["bytes_ab"]


def compare_conversations(ts_rows: list[dict], tv_rows: list[dict], show_max: int) -> bool:
    ts_groups, tv_groups = conversation_groups(ts_rows), conversation_groups(tv_rows)
    print(f"conversations: tshark {len(ts_rows)}, tcpvet {len(tv_rows)}")
    bad = Counter()
    examples = []
    for key in sorted(set(ts_groups) | set(tv_groups)):
        a_list, b_list = ts_groups.get(key, []), tv_groups.get(key, [])
        if len(a_list) != len(b_list):
            bad["count"] += 1
            if len(examples) < show_max:
                examples.append(f"  {key[0]} <-> {key[1]}: tshark {len(a_list)} rows, tcpvet {len(b_list)}")
        for t_row, v_row in zip(a_list, b_list):
            t, v = oriented(t_row, t_row["a"]), oriented(v_row, t_row["a"])
            if t[:2] != v[:2]:
                bad["frames"] += 1
            if t[2:] != v[2:]:
                bad["bytes"] += 1
            if t != v and len(examples) < show_max:
                examples.append(f"  {t_row['a']} <-> {t_row['b']}: tshark frames {t[0]}/{t[1]} bytes {t[2]}/{t[3]}"
                                f"  tcpvet frames {v[0]}/{v[1]} bytes {v[2]}/{v[3]}")
    for what in ("count", "frames", "bytes"):
        print(f"{what:>9}: {bad[what]} mismatching")
    if examples:
        print("first mismatches:")
        print("\n".join(examples))
    return not bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("capture")
    parser.add_argument("tcpvet", help="path of the tcpvet binary")
    parser.add_argument("--fields", default=",".join(ALL_FIELDS),
                        help="comma-separated subset of " + ",".join(ALL_FIELDS))
    parser.add_argument("--conversations", action="store_true", help="also compare -z conv,tcp totals")
    parser.add_argument("--no-packets", action="store_true", help="skip the per-frame comparison")
    parser.add_argument("--show", type=int, default=10, help="mismatching frames to print")
    parser.add_argument("--tshark", default="tshark")
    args = parser.parse_args()

    fields = [f for f in args.fields.split(",") if f]
    unknown = [f for f in fields if f not in ALL_FIELDS]
    if unknown:
        parser.error(f"unknown field(s): {','.join(unknown)}")

    ok = True
    if not args.no_packets:
        ok &= compare_packets(tshark_packets(args.tshark, args.capture),
                              tcpvet_packets(args.tcpvet, args.capture), fields, args.show)
    if args.conversations:
        ok &= compare_conversations(tshark_conversations(args.tshark, args.capture),
                                    tcpvet_conversations(args.tcpvet, args.capture), args.show)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
