#!/usr/bin/env bash
# Conversations inside tunnels: the record names the encapsulation, and --tunnel-key keeps two
# tenants' identical inner 5-tuples apart (Zeek's VXLAN conn-key plugin trace: one HTTP GET sent
# three times, plain and in VXLAN VNIs 4711 and 4242). Expected figures come from tshark.
# Usage: tunnel_key_test.sh TCPVET CORPUS_TCP_DIR   (exit 77 when the corpus is absent)
set -uo pipefail
tcpvet="$1"
trace="$2/zeek__doc__advanced__devel__plugins__connkey-vxlan-fivetuple-plugin-src__Traces__vxlan-overlapping-http-get.pcap"
[[ -f "$trace" ]] || { echo "SKIP: $trace not present"; exit 77; }
command -v tshark >/dev/null || { echo "tshark not installed"; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0
check() {  # DESCRIPTION EXPECTED ACTUAL
    if [[ "$2" == "$3" ]]; then echo "ok: $1"; else echo "FAIL: $1: expected '$2', got '$3'"; fail=1; fi
}

# tshark: one tcp.stream for all of it; the VNIs of the TCP frames, by stream key.
streams="$(tshark -r "$trace" -Y tcp -T fields -e tcp.stream 2>/dev/null | sort -u | wc -l)"
vnis="$(tshark -r "$trace" -Y tcp -T fields -e vxlan.vni 2>/dev/null | sort -u | sed 's/^$/none/' | sort | paste -sd, -)"
frames_per_vni="$(tshark -r "$trace" -Y tcp -T fields -e vxlan.vni 2>/dev/null | sed 's/^$/none/' | sort | uniq -c |
    awk '{print $2 "=" $1}' | sort | paste -sd, -)"

"$tcpvet" "$trace" --format json -o "$work/plain.json" || fail=1
"$tcpvet" "$trace" --format json --tunnel-key -o "$work/keyed.json" || fail=1
python3 - "$work/plain.json" "$work/keyed.json" >"$work/facts" <<'PY' || fail=1
import json, sys
plain = json.load(open(sys.argv[1]))
keyed = json.load(open(sys.argv[2]))
def vni(c):
    layers = c["encapsulation"]
    return str(layers[0]["vni"]) if layers else "none"
print(len(plain["conversations"]))
print(",".join(sorted(vni(c) for c in keyed["conversations"])))
print(",".join(sorted(vni(c) + "=" + str(c["packets"]) for c in keyed["conversations"])))
print(plain["capture"]["encapsulations"])
print(plain["conversations"][0]["encapsulation"][0]["kind"] if plain["conversations"][0]["encapsulation"] else "-")
print(sorted({tuple(l["outer"]) for c in keyed["conversations"] for l in c["encapsulation"]}))
PY
mapfile -t facts <"$work/facts"
check "without --tunnel-key, streams are tshark's tcp.stream" "$streams" "${facts[0]}"
check "with --tunnel-key, one conversation per VNI (and the plain one)" "$vnis" "${facts[1]}"
check "each keyed conversation holds its VNI's frames" "$frames_per_vni" "${facts[2]}"
check "two distinct encapsulations counted" "2" "${facts[3]}"
check "the merged conversation names its first packet's tunnel" "vxlan" "${facts[4]}"
check "outer addresses as tshark's ip.src/ip.dst of the VTEPs" "[('127.0.0.1', '127.0.0.1')]" "${facts[5]}"

# The text table says which tunnel each conversation came through.
"$tcpvet" conversations "$trace" --tunnel-key --color never >"$work/text" || fail=1
check "text names each VNI" "2" "$(grep -cE '^ +via vxlan vni=(4711|4242) 127\.0\.0\.1<->127\.0\.0\.1$' "$work/text")"
exit $fail
