#!/usr/bin/env bash
# -f applies to the outer packet, as libpcap compiles it: TCP behind a VLAN tag or a PBB header
# matches only a filter that names the encapsulation. The expected counts are tcpdump's for the
# same filters (checked here too when tcpdump is installed).
# Usage: outer_filter_test.sh TCPVET TESTDATA_DIR
set -euo pipefail
tcpvet="$1"
testdata="$2"
fail=0

check() {  # file filter expected-segment-lines
    local file="$testdata/$1" filter="$2" want="$3" got
    got=$("$tcpvet" packets "$file" -f "$filter" | wc -l)
    if [[ "$got" != "$want" ]]; then
        echo "FAIL: $1 -f '$filter': $got segment lines, expected $want"
        fail=1
    fi
    if command -v tcpdump >/dev/null; then
        got=$(tcpdump --count -nr "$file" "$filter" 2>&1 | sed -n 's/^\([0-9]*\) packets\?$/\1/p')
        if [[ "$got" != "$want" ]]; then
            echo "FAIL: tcpdump -r $1 '$filter' keeps $got frames, the test expects $want"
            fail=1
        fi
    fi
}

check gen_textbook_vlan.pcap 'tcp' 0
check gen_textbook_vlan.pcap 'vlan and tcp' 11
check gen_textbook_vlan.pcap 'vlan 100 and tcp port 8000' 11
check gen_textbook_pbb.pcap 'tcp' 0
check gen_textbook_pbb.pcap 'ether proto 0x88e7' 11
check gen_textbook.pcap 'tcp' 11
check gen_textbook_pbb.pcap 'vlan and tcp' 0
exit "$fail"
