#!/usr/bin/env bash
# Reassembly under loss, reordering and duplication: SIZE bytes each way between two network
# namespaces (tcpvet-a 10.201.0.1/30 <-> tcpvet-b 10.201.0.2/30, port 47100), impaired with
# `tc netem delay 5ms reorder 25% 50% loss 2% duplicate 1%` on both ends, captured inside tcpvet-a.
# Asserts that `tcpvet follow --as raw` of each direction is byte-identical to what was sent and
# that tcpvet flags retransmissions or out-of-order segments.
#
# netem egress drops happen before the capture tap, so the capture holds what each receiver got and
# the reassembled streams must be complete. Without sch_netem in the kernel, a userspace bridge
# between two TAP devices (impair_bridge.py) applies the same impairments instead.
# Usage: netem_transfer_test.sh TCPVET. Skips (77) unless root with tcpdump, netns and netem or tun.
# Nothing outside the two namespaces it creates is touched; a trap deletes them.
set -uo pipefail
TCPVET=${1:?usage: netem_transfer_test.sh TCPVET}
HERE=$(cd "$(dirname "$0")" && pwd)
SIZE=${TCPVET_NETEM_BYTES:-3145728}
PORT=47100
NS_A=tcpvet-a
NS_B=tcpvet-b
IMPAIR="delay 5ms reorder 25% 50% loss 2% duplicate 1%"

[[ $(id -u) -eq 0 ]] || { echo "skip: needs root (network namespaces)"; exit 77; }
for tool in tcpdump ip tc python3; do
    command -v "$tool" >/dev/null || { echo "skip: no $tool"; exit 77; }
done

WORK=$(mktemp -d /tmp/tcpvet-netem.XXXXXX)
DUMP_PID=
SERVER_PID=
BRIDGE_PID=
cleanup() {
    [[ -n "$DUMP_PID" ]] && kill "$DUMP_PID" 2>/dev/null
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null
    if [[ -n "$BRIDGE_PID" ]]; then
        kill "$BRIDGE_PID" 2>/dev/null
        wait "$BRIDGE_PID" 2>/dev/null
    fi
    ip netns del "$NS_A" 2>/dev/null
    ip netns del "$NS_B" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=transfer_lib.sh
source "$HERE/transfer_lib.sh"

ip netns del "$NS_A" 2>/dev/null
ip netns del "$NS_B" 2>/dev/null
if ! ip netns add "$NS_A" 2>/dev/null || ! ip netns add "$NS_B" 2>/dev/null; then
    echo "skip: cannot create network namespaces"
    exit 77
fi
ip -n "$NS_A" link set lo up
ip -n "$NS_B" link set lo up

MODE=
if ip -n "$NS_A" link add tcpvet-va type veth peer name tcpvet-vb netns "$NS_B" 2>/dev/null; then
    # shellcheck disable=SC2086
    if ip netns exec "$NS_A" tc qdisc add dev tcpvet-va root netem $IMPAIR 2>"$WORK/tc.log" &&
        ip netns exec "$NS_B" tc qdisc add dev tcpvet-vb root netem $IMPAIR 2>>"$WORK/tc.log"; then
        MODE=netem
        IF_A=tcpvet-va
        IF_B=tcpvet-vb
    else
        echo "note: tc netem unavailable ($(head -1 "$WORK/tc.log")); trying the TAP bridge"
        ip -n "$NS_A" link del tcpvet-va 2>/dev/null
    fi
fi
if [[ -z "$MODE" ]]; then
    if [[ -c /dev/net/tun ]] && ip -n "$NS_A" tuntap add dev tcpvet-ta mode tap 2>/dev/null &&
        ip -n "$NS_B" tuntap add dev tcpvet-tb mode tap 2>/dev/null; then
        MODE=tap
        IF_A=tcpvet-ta
        IF_B=tcpvet-tb
    else
        echo "skip: neither tc netem nor /dev/net/tun is available"
        exit 77
    fi
fi
ip -n "$NS_A" addr add 10.201.0.1/30 dev "$IF_A"
ip -n "$NS_B" addr add 10.201.0.2/30 dev "$IF_B"
ip -n "$NS_A" link set "$IF_A" up
ip -n "$NS_B" link set "$IF_B" up
if [[ "$MODE" == tap ]]; then
    python3 "$HERE/impair_bridge.py" "$NS_A" "$IF_A" "$NS_B" "$IF_B" 0.02 0.25 0.01 5 47100 "$WORK/bridge.ready" \
        2>"$WORK/bridge.log" &
    BRIDGE_PID=$!
    for _ in $(seq 100); do [[ -s "$WORK/bridge.ready" ]] && break; sleep 0.05; done
    [[ -s "$WORK/bridge.ready" ]] || { echo "FAIL: impair_bridge.py did not start" >&2; cat "$WORK/bridge.log" >&2; exit 1; }
fi
echo "impairment: $MODE ($IMPAIR)"

start_capture "$IF_A" "tcp port $PORT" ip netns exec "$NS_A" || exit 1
START=$(date +%s.%N)
ip netns exec "$NS_B" python3 "$HERE/transfer_peer.py" server 10.201.0.2 "$PORT" "$SIZE" "$WORK/ready" &
SERVER_PID=$!
for _ in $(seq 100); do [[ -s "$WORK/ready" ]] && break; sleep 0.05; done
ip netns exec "$NS_A" python3 "$HERE/transfer_peer.py" client 10.201.0.2 "$PORT" "$SIZE" ||
    { echo "FAIL: client transfer failed" >&2; exit 1; }
wait "$SERVER_PID" || { echo "FAIL: server transfer failed" >&2; exit 1; }
SERVER_PID=
echo "transfer: $(echo "$(date +%s.%N) - $START" | bc 2>/dev/null || echo '?') s"
stop_capture || exit $?
if [[ -n "$BRIDGE_PID" ]]; then
    kill "$BRIDGE_PID"
    wait "$BRIDGE_PID" 2>/dev/null
    BRIDGE_PID=
    cat "$WORK/bridge.log"
fi
echo "capture: $(stat -c %s "$WORK/cap.pcap") bytes"

status=0
check_follow || status=1
"$TCPVET" packets "$WORK/cap.pcap" --format ndjson -q >"$WORK/packets.ndjson" || status=1
python3 - "$WORK/packets.ndjson" <<'PY' || status=1
import collections, json, sys
flags = collections.Counter()
segments = 0
for line in open(sys.argv[1], encoding="utf-8"):
    record = json.loads(line)
    if "analysis" not in record and "frame" not in record:
        continue
    segments += 1
    for flag in record.get("analysis", []):
        flags[flag] += 1
print(f"segments: {segments}; analysis flags: " + ", ".join(f"{k} {v}" for k, v in sorted(flags.items())))
if flags["retransmission"] + flags["out_of_order"] + flags["fast_retransmission"] == 0:
    print("FAIL: no retransmission or out_of_order segment flagged under loss/reorder", file=sys.stderr)
    sys.exit(1)
PY
exit $status
