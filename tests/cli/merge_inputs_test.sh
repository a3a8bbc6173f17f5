#!/usr/bin/env bash
# Several inputs are merged in time as mergecap merges them: `tcpvet a b --format json` gives the
# report of `mergecap -w - a b | tcpvet -` (the inputs list aside), frame numbers included.
# --concatenate keeps the old end-to-end order, and a file whose own timestamps step back by more
# than a second gets one warning line naming the file and frame.
# Usage: merge_inputs_test.sh TCPVET TESTDATA_DIR
set -euo pipefail
tcpvet="$1"
testdata="$2"
for tool in mergecap editcap capinfos python3; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

# Reports equal except for the "inputs" list, which names the files read.
same_report() {  # label a.json b.json
    if ! python3 - "$2" "$3" <<'PY'; then
import json, sys
a, b = (json.load(open(path)) for path in sys.argv[1:3])
for report in (a, b):
    report.pop("inputs", None)
sys.exit(0 if a == b else 1)
PY
        echo "FAIL: $1: tcpvet's merge differs from mergecap's"
        fail=1
    fi
}

check_merge() {  # label files...
    local label="$1"
    shift
    "$tcpvet" "$@" --format json -q >"$work/merged.json"
    mergecap -w - "$@" | "$tcpvet" - --format json -q >"$work/mergecap.json"
    same_report "$label" "$work/merged.json" "$work/mergecap.json"
}

# The generated captures all start at 2026-01-01 00:00:00: equal timestamps (mergecap's tie rule)
# and interleaved ones; editcap -t shifts one capture by 1.5 ms into the others.
editcap -t 0.0015 "$testdata/gen_anomaly_retransmissions.pcap" "$work/shifted.pcap"
check_merge "two captures, equal start" "$testdata/gen_anomaly_retransmissions.pcap" "$testdata/gen_close_wait.pcap"
check_merge "three captures" "$testdata/gen_half_close.pcap" "$testdata/gen_anomaly_rst_burst.pcap" \
    "$testdata/gen_data_on_syn.pcap"
check_merge "shifted" "$testdata/gen_close_wait.pcap" "$work/shifted.pcap" "$testdata/gen_half_close.pcap"

# --concatenate: the report of the files joined end to end (mergecap -a), which here differs from the merge.
"$tcpvet" "$testdata/gen_anomaly_retransmissions.pcap" "$testdata/gen_close_wait.pcap" --concatenate --format json -q \
    >"$work/concatenated.json"
mergecap -a -w - "$testdata/gen_anomaly_retransmissions.pcap" "$testdata/gen_close_wait.pcap" |
    "$tcpvet" - --format json -q >"$work/mergecap_a.json"
same_report "--concatenate against mergecap -a" "$work/concatenated.json" "$work/mergecap_a.json"
"$tcpvet" "$testdata/gen_anomaly_retransmissions.pcap" "$testdata/gen_close_wait.pcap" --format json -q >"$work/m.json"
if python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); sys.exit(0 if a==b else 1)' \
    "$work/m.json" "$work/concatenated.json"; then
    echo "FAIL: --concatenate gives the merged report; the test inputs should tell them apart"
    fail=1
fi

# Backwards time: a capture whose frames 5.. (shifted 5 s later) come before its frames 1-4 (the
# join of its tail and then its head), so its own time steps back at the first head frame.
editcap -r "$testdata/gen_close_wait.pcap" "$work/head.pcap" 1-4
editcap -r "$testdata/gen_close_wait.pcap" "$work/tail.pcap" 5-100000
editcap -t 5 "$work/tail.pcap" "$work/tail_late.pcap"
mergecap -a -w "$work/backwards.pcap" "$work/tail_late.pcap" "$work/head.pcap"
"$tcpvet" "$work/backwards.pcap" "$testdata/gen_half_close.pcap" -q -o /dev/null 2>"$work/stderr" || true
tail_frames=$(capinfos -c -M "$work/tail_late.pcap" 2>/dev/null | sed -n 's/^Number of packets: *//p')
want_own=$((tail_frames + 1))
if [[ $(grep -c 'warning: .*backwards.pcap: frame ' "$work/stderr") != 1 ]] ||
    ! grep -q "backwards.pcap: frame $want_own of the file (frame [0-9]* of the input) is [0-9]* ms earlier" \
        "$work/stderr"; then
    echo "FAIL: one backwards warning for frame $want_own of backwards.pcap expected; stderr was:"
    cat "$work/stderr"
    fail=1
fi
"$tcpvet" "$testdata/gen_close_wait.pcap" "$testdata/gen_half_close.pcap" -q -o /dev/null 2>"$work/stderr_ok"
if [[ -s "$work/stderr_ok" ]]; then
    echo "FAIL: a warning for captures whose time never runs backwards:"
    cat "$work/stderr_ok"
    fail=1
fi
exit "$fail"
