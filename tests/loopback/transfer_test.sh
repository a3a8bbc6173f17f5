#!/usr/bin/env bash
# Reassembly on a real transfer: capture SIZE bytes each way over loopback (port 47100) with tcpdump,
# then `tcpvet follow --as raw` of each direction must be byte-identical to what was sent.
# Usage: transfer_test.sh TCPVET. Skips (77) unless root with tcpdump. Size: TCPVET_TRANSFER_BYTES.
set -uo pipefail
TCPVET=${1:?usage: transfer_test.sh TCPVET}
HERE=$(cd "$(dirname "$0")" && pwd)
SIZE=${TCPVET_TRANSFER_BYTES:-3145728}
PORT=47100

[[ $(id -u) -eq 0 ]] || { echo "skip: needs root (tcpdump on lo)"; exit 77; }
command -v tcpdump >/dev/null || { echo "skip: no tcpdump"; exit 77; }

WORK=$(mktemp -d /tmp/tcpvet-transfer.XXXXXX)
DUMP_PID=
SERVER_PID=
cleanup() {
    [[ -n "$DUMP_PID" ]] && kill "$DUMP_PID" 2>/dev/null
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=transfer_lib.sh
source "$HERE/transfer_lib.sh"

start_capture lo "tcp port $PORT" || exit 1
python3 "$HERE/transfer_peer.py" server 127.0.0.1 "$PORT" "$SIZE" "$WORK/ready" &
SERVER_PID=$!
for _ in $(seq 100); do [[ -s "$WORK/ready" ]] && break; sleep 0.05; done
python3 "$HERE/transfer_peer.py" client 127.0.0.1 "$PORT" "$SIZE" || { echo "FAIL: client transfer failed" >&2; exit 1; }
wait "$SERVER_PID" || { echo "FAIL: server transfer failed" >&2; exit 1; }
SERVER_PID=
stop_capture || exit $?
echo "capture: $(stat -c %s "$WORK/cap.pcap") bytes"
check_follow
