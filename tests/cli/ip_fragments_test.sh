#!/usr/bin/env bash
# testdata/gen_ip_fragments.pcap (tcpvet_gen ip_fragments): one connection whose data segments go
# out as IPv4 fragments: in order, reversed, a tiny first fragment, a duplicate and an identical
# overlap, and one datagram whose last fragment never arrives (then resent whole). The counters
# follow from the scenario (tests/gen/scenarios.cpp); the TCP frame counts are tshark's, with its
# default reassembly and with -o ip.defragment:FALSE (checked here too when tshark is installed).
# Usage: ip_fragments_test.sh TCPVET TESTDATA_DIR
set -euo pipefail
tcpvet="$1"
capture="$2/gen_ip_fragments.pcap"
fail=0

field() {  # json-document dotted-path
    python3 -c 'import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1].split("."):
    value = value[key]
print(json.dumps(value))' "$1"
}

expect() {  # label got want
    if [[ "$2" != "$3" ]]; then
        echo "FAIL: $1: $2, expected $3"
        fail=1
    fi
}

report=$("$tcpvet" analyze "$capture" --format json)
expect fragments "$(field capture.fragments <<<"$report")" 12
expect tcp "$(field capture.tcp <<<"$report")" 16
for pair in reassembled=4 incomplete=1 incomplete_fragments=1 overlaps=2 conflicting_overlaps=0 \
    tiny_first_fragments=1 truncated_fragments=0 timed_out=0 too_large=0 too_many_fragments=0; do
    expect "reassembly.${pair%=*}" "$(field "capture.reassembly.${pair%=*}" <<<"$report")" "${pair#*=}"
done
expect "reassembly.enabled" "$(field capture.reassembly.enabled <<<"$report")" true

# Each reassembled segment is in the frame that completed its datagram.
frames=$("$tcpvet" packets "$capture" --format ndjson | python3 -c 'import json, sys
print(" ".join(str(json.loads(line)["frame"]) for line in sys.stdin if line.strip()))')
expect "segment frames" "$frames" "1 2 3 5 6 9 10 12 13 17 18 20 21 22 23 24"

# Without reassembly, first fragments that hold the TCP header show it (frames 4, 9, 14, 15, 19).
alone=$("$tcpvet" analyze "$capture" --format json --no-ip-reassembly)
expect "tcp without reassembly" "$(field capture.tcp <<<"$alone")" 17
expect "reassembly.enabled without" "$(field capture.reassembly.enabled <<<"$alone")" false
expect "reassembled without" "$(field capture.reassembly.reassembled <<<"$alone")" 0

# tshark's filter is tcp.flags: unreassembled, it also dissects the 8 bytes of frame 11's header.
if command -v tshark >/dev/null; then
    expect "tshark tcp frames" "$(tshark -r "$capture" -Y tcp.flags 2>/dev/null | wc -l)" 16
    expect "tshark tcp frames, ip.defragment:FALSE" \
        "$(tshark -r "$capture" -o ip.defragment:FALSE -Y tcp.flags 2>/dev/null | wc -l)" 17
fi
exit "$fail"
