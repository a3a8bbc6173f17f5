#!/usr/bin/env bash
# --select selects what tshark's equivalent display filter selects, behind VLAN tags and tunnels,
# with the file's stream and frame numbers. tshark is the oracle: for each pair, the tcp.stream set
# of the frames its filter matches must be the set of conversations tcpvet selects, and each
# selected conversation's first/last frame and packet count must be tshark's for that stream.
# The capture is mergecap's time-ordered merge of six generated ones (one VLAN-tagged), so the
# frame and stream numbers interleave; the corpus adds GRE/ERSPAN and VXLAN traces when present.
# Usage: select_tshark_test.sh TCPVET TESTDATA_DIR CORPUS_TCP_DIR
set -uo pipefail
tcpvet="$1"
testdata="$2"
corpus="$3"
command -v tshark >/dev/null && command -v mergecap >/dev/null || { echo "tshark/mergecap not installed"; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0
columns=4  # stream first_frame last_frame packets

# "stream first_frame last_frame packets" per selected conversation, by stream.
tcpvet_rows() {  # CAPTURE EXPR [tcpvet options]
    local capture="$1" expr="$2"
    shift 2
    "$tcpvet" conversations -q --format ndjson "$capture" --select "$expr" "$@" 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r.get("type") == "conversation":
        print(r["stream"], r["first_frame"], r["last_frame"], r["packets"])' | sort -n
}
# tshark's "stream first_frame last_frame packets" of every stream, once per capture.
tshark_streams() {  # CAPTURE
    local table="$work/$(basename "$1").streams"
    if [[ ! -f "$table" ]]; then
        tshark -r "$1" -Y tcp -T fields -e tcp.stream -e frame.number 2>/dev/null |
            awk '{ if (!($1 in first)) first[$1] = $2; last[$1] = $2; n[$1]++ }
                 END { for (s in n) print s, first[s], last[s], n[s] }' | sort -n >"$table"
    fi
    echo "$table"
}
tshark_rows() {  # CAPTURE FILTER [tshark options]
    local capture="$1" filter="$2"
    shift 2
    tshark -r "$capture" "$@" -Y "tcp && ($filter)" -T fields -e tcp.stream 2>/dev/null | sort -un >"$work/selected"
    awk 'NR == FNR { keep[$1] = 1; next } $1 in keep' "$work/selected" "$(tshark_streams "$capture")"
}
compare() {  # CAPTURE EXPR FILTER [tshark options]
    local capture="$1" expr="$2" filter="$3"
    shift 3
    local want got
    want="$(tshark_rows "$capture" "$filter" "$@" | cut -d' ' -f"1-$columns")"
    got="$(tcpvet_rows "$capture" "$expr" | cut -d' ' -f"1-$columns")"
    if [[ -z "$want" ]]; then
        echo "FAIL: tshark selects nothing with '$filter' on $(basename "$capture"): a test that cannot fail"
        fail=1
    elif [[ "$got" == "$want" ]]; then
        echo "ok: '$expr' = '$filter' ($(wc -l <<<"$want") conversations)"
    else
        echo "FAIL: '$expr' on $(basename "$capture"): tcpvet (stream first last packets) vs tshark '$filter':"
        diff <(echo "$got") <(echo "$want") | head -20
        fail=1
    fi
}

merged="$work/merged.pcap"
mergecap -w "$merged" "$testdata/gen_textbook_vlan.pcap" "$testdata/gen_anomaly_port_scan.pcap" \
    "$testdata/gen_close_wait.pcap" "$testdata/gen_anomaly_retransmissions.pcap" \
    "$testdata/gen_anomaly_zero_window_stall.pcap" "$testdata/gen_rejected.pcap" || exit 1
# The VLAN-tagged conversation (client port 50000) is selected although -f tcp cannot see it.
compare "$merged" 'sport == 50000' 'tcp.srcport == 50000 && tcp.flags.syn == 1 && tcp.flags.ack == 0'
compare "$merged" 'port == 8000' 'tcp.port == 8000'
compare "$merged" 'port != 8000' '!(tcp.port == 8000)'
compare "$merged" 'host == 203.0.113.0/24' 'ip.addr == 203.0.113.0/24'
compare "$merged" 'dport < 25 and not dport <= 3' 'tcp.dstport < 25 && !(tcp.dstport <= 3) && tcp.flags.ack == 0'
compare "$merged" 'flag == retransmission' 'tcp.analysis.retransmission'
compare "$merged" 'flag == zero_window or flag == retransmission' 'tcp.analysis.zero_window || tcp.analysis.retransmission'
# tcp.completeness (-2: the stream's final value): 37 = SYN, ACK and RST seen (Zeek's REJ here),
# 1 = a SYN alone (S0).
compare "$merged" 'conn_state == REJ' 'tcp.completeness == 37' -2
compare "$merged" 'conn_state == S0 and (dport == 2 or dport == 60)' 'tcp.completeness == 1 && (tcp.dstport == 2 || tcp.dstport == 60)' -2
compare "$merged" 'stream >= 3 and stream <= 5' 'tcp.stream >= 3 && tcp.stream <= 5'
# packets prints the selected conversations' segments with the file's frame numbers (a first pass
# selects); ladder and follow take the lowest selected stream.
got="$("$tcpvet" packets -q --format ndjson "$merged" -Y 'port == 8000 and flag == retransmission' |
    python3 -c 'import json, sys; print(" ".join(str(json.loads(l)["frame"]) for l in sys.stdin))')"
want="$(tshark -r "$merged" -Y 'tcp.port == 8000 && tcp.stream in {'"$(tshark -r "$merged" -Y tcp.analysis.retransmission \
    -T fields -e tcp.stream 2>/dev/null | sort -un | paste -sd,)"'}' -T fields -e frame.number 2>/dev/null | paste -sd' ')"
if [[ -n "$want" && "$got" == "$want" ]]; then
    echo "ok: packets --select prints tshark's frames ($(wc -w <<<"$want"))"
else
    echo "FAIL: packets --select frames: got '$got', tshark '$want'"
    fail=1
fi
vlan_stream="$(tshark_rows "$merged" 'tcp.srcport == 50000' | cut -d' ' -f1)"
got="$("$tcpvet" follow "$merged" -Y 'sport == 50000' | grep '^Filter:')"
if [[ -n "$vlan_stream" && "$got" == "Filter: tcp.stream eq $vlan_stream" ]]; then
    echo "ok: follow --select follows tshark's stream $vlan_stream"
else
    echo "FAIL: follow --select: got '$got', tshark's stream '$vlan_stream'"
    fail=1
fi
if [[ "$(tcpvet_rows "$merged" 'sport == 50000')" != "$(tcpvet_rows "$merged" 'sport == 50000' -f tcp)" ]]; then
    echo "ok: -f tcp misses the VLAN-tagged conversation that --select finds"
else
    echo "FAIL: -f tcp should not see the VLAN-tagged conversation"
    fail=1
fi

# Tunnels (corpus): ERSPAN in GRE, five conversations; VXLAN with the same GET in two VNIs and
# plain, which tshark (and tcpvet without --tunnel-key) tracks as one stream.
erspan="$corpus/zeek__erspan.pcap"
vxlan="$corpus/zeek__doc__advanced__devel__plugins__connkey-vxlan-fivetuple-plugin-src__Traces__vxlan-overlapping-http-get.pcap"
if [[ -f "$erspan" && -f "$vxlan" ]]; then
    # Packet counts left out on this trace: tcpvet does not open some of its GRE frames (counted
    # under "not opened", see the note it prints), which tshark does; streams and frames agree.
    columns=3
    compare "$erspan" 'sport == 49164 or sport == 49166' 'tcp.srcport == 49164 || tcp.srcport == 49166'
    compare "$erspan" 'host == 192.168.69.2 and tunnel == gre' 'ip.addr == 192.168.69.2 && gre'
    columns=4
    compare "$vxlan" 'tunnel == vxlan and dport == 80' 'vxlan && tcp.dstport == 80'
else
    echo "note: corpus traces absent; the tunnel comparisons were skipped"
fi
exit "$fail"
