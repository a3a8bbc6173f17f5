#!/usr/bin/env bash
# --select is evaluated on the decoded conversation: it sees TCP behind a VLAN tag (which -f tcp
# misses), keeps stream numbers, and reports a bad expression in one line with its column.
# Usage: select_test.sh TCPVET TESTDATA_DIR
set -uo pipefail
tcpvet="$1"
testdata="$2"
fail=0
check() {  # description got want
    if [[ "$2" != "$3" ]]; then
        echo "FAIL: $1: got '$2', expected '$3'"
        fail=1
    fi
}
rows() { "$tcpvet" conversations -q --format ndjson "$@" | grep -c '"type":"conversation"'; }
check "vlan, -f tcp" "$(rows "$testdata/gen_textbook_vlan.pcap" -f tcp)" 0
check "vlan, --select" "$(rows "$testdata/gen_textbook_vlan.pcap" --select 'dport == 8000 and conn_state == SF')" 1
check "vlan, --select none" "$(rows "$testdata/gen_textbook_vlan.pcap" -Y 'dport == 80')" 0
# Port scan: 60 REJ conversations to ports 1..60 (the capture's generator), of which 1..24 < 25.
check "port scan, REJ below 25" "$(rows "$testdata/gen_anomaly_port_scan.pcap" -Y 'conn_state == REJ and dport < 25')" \
    "$(tshark -r "$testdata/gen_anomaly_port_scan.pcap" -Y 'tcp.flags.reset == 1 and tcp.srcport < 25' 2>/dev/null | wc -l)"
# Stream numbers are the file's: stream 3 alone keeps its number.
got=$("$tcpvet" conversations -q --format ndjson "$testdata/gen_anomaly_port_scan.pcap" -Y 'stream == 3' |
    grep -o '"stream":[0-9]*' | head -1)
check "stream kept" "$got" '"stream":3'
# NDJSON under --select: only the selected conversations' anomalies are written, and the summary
# counts them. gen_invalid_flags has two anomalies: stream 0 is in the first (streams 0-3), not the
# second (stream 4, RST then data).
for command in anomalies analyze; do
    out=$("$tcpvet" "$command" -q --format ndjson "$testdata/gen_invalid_flags.pcap" -Y 'stream == 0')
    lines=$(grep -c '"type":"anomaly"' <<<"$out")
    counted=$(python3 -c 'import json,sys
docs=[json.loads(l) for l in sys.stdin if l.strip()]
# anomalies ends on its anomaly_counts; analyze on a summary that lists the anomalies.
print(sum(sum(d["anomaly_counts"].values()) if "anomaly_counts" in d else len(d.get("anomalies", []))
          for d in docs if d.get("type") != "anomaly"))' <<<"$out")
    check "$command ndjson -Y 'stream == 0': anomaly lines, counted" "$lines $counted" "1 1"
    check "$command ndjson -Y 'stream == 0': not the RST-then-data anomaly" \
        "$(grep -c 'payload sent after a RST' <<<"$out")" 0
done
# anomaly: reads twice; the close_wait conversation is found, and only its anomalies listed.
got=$("$tcpvet" anomalies -q --format json "$testdata/gen_close_wait.pcap" -Y 'anomaly == close_wait' |
    grep -o '"kind":"[a-z_0-9]*"' | sort -u | tr '\n' ' ')
check "anomaly == close_wait" "$got" '"kind":"close_wait" "kind":"fin_wait_2" '
check "anomaly on stdin" "$("$tcpvet" conversations - -Y 'anomaly == close_wait' <"$testdata/gen_close_wait.pcap" 2>&1; echo "rc=$?")" \
    "tcpvet: --select: 'anomaly' needs capture files: they are read twice (not standard input or live)
rc=1"
check "parse error" "$("$tcpvet" conversations "$testdata/gen_textbook.pcap" -Y 'port == 443 and port ==' 2>&1; echo "rc=$?")" \
    "tcpvet: --select: column 24: expected a value after '=='
rc=1"
check "ladder, both" "$("$tcpvet" ladder "$testdata/gen_textbook.pcap" --stream 0 -Y 'stream == 0' 2>&1; echo "rc=$?")" \
    "tcpvet: ladder: give --stream or --select, not both
rc=1"
check "ladder, neither" "$("$tcpvet" ladder "$testdata/gen_textbook.pcap" 2>&1; echo "rc=$?")" \
    "tcpvet: ladder needs --stream N or --select EXPR (see \`tcpvet conversations FILE\` for stream numbers)
rc=1"
check "follow, none selected" "$("$tcpvet" follow "$testdata/gen_textbook.pcap" -Y 'port == 1' 2>&1; echo "rc=$?")" \
    "tcpvet: --select: no conversation of the input is selected
rc=1"
check "ladder picks the selected stream" "$("$tcpvet" ladder --format json "$testdata/gen_anomaly_port_scan.pcap" \
    -Y 'dport == 7' | grep -o '"stream":[0-9]*' | head -1)" '"stream":6'
check "packets on stdin" "$("$tcpvet" packets - -Y 'port == 1' <"$testdata/gen_textbook.pcap" 2>&1; echo "rc=$?")" \
    "tcpvet: --select: packets needs capture files: they are read once to select, then again (not standard input)
rc=1"
check "packets, none selected" "$("$tcpvet" packets "$testdata/gen_textbook.pcap" -Y 'port == 1' | wc -l)" 0
exit "$fail"
