#!/usr/bin/env bash
# Records real Linux TCP exchanges over loopback into testdata/lo_<scenario>.pcap.
# Run as root (tcpdump on lo); needs tcpdump and python3. Usage:
#   tests/loopback/make_captures.sh [SCENARIO...]     (default: all of them)
# Each scenario uses its own port (tests/loopback/scenarios.py PORTS); tcpdump captures only that
# port, starts before the client and stops once scenarios.py signals that the exchange is over.
# Captures are not byte-reproducible (ISNs, ports, timestamps); their .expect files were checked
# by hand against tshark. simultaneous_close is not recorded: loopback delivers a FIN inside the
# sender's system call, so two FINs never cross on lo without delaying the interface.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${TCPVET_TESTDATA:-$here/../../testdata}
all=(normal refused half_close rst_linger close_wait server_close ipv6_normal)
if [ $# -gt 0 ]; then scenarios=("$@"); else scenarios=("${all[@]}"); fi

if [ "$(id -u)" -ne 0 ]; then
    echo "make_captures.sh: run as root (tcpdump -i lo)" >&2
    exit 1
fi

declare -A port=([normal]=47001 [refused]=47002 [half_close]=47003 [rst_linger]=47004
                 [close_wait]=47005 [server_close]=47006 [ipv6_normal]=47007)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for s in "${scenarios[@]}"; do
    p=${port[$s]:?unknown scenario $s}
    pcap="$out/lo_$s.pcap"
    ready="$work/$s.ready"
    log="$work/$s.tcpdump"

    # --immediate-mode: TPACKET_V3 otherwise holds packets in a kernel block until its 1 s timeout,
    # and a SIGINT before that loses them. -U: write each packet to the file as it arrives.
    tcpdump -i lo --immediate-mode -U -s 262144 -w "$pcap" "tcp port $p" 2>"$log" &
    dump=$!
    for _ in $(seq 100); do
        grep -q "listening on" "$log" 2>/dev/null && break
        sleep 0.05
    done
    sleep 0.2

    python3 "$here/scenarios.py" "$s" --ready-file "$ready" &
    py=$!
    for _ in $(seq 300); do
        [ -e "$ready" ] && break
        sleep 0.05
    done
    sleep 1.2

    kill -INT "$dump"
    wait "$dump" || true
    # Only now let the scenario end (close_wait still holds its CLOSE-WAIT socket).
    kill "$py" 2>/dev/null || true
    wait "$py" 2>/dev/null || true
    echo "$s: $(grep -Eo '[0-9]+ packets? captured' "$log" || echo '? packets') -> $pcap"
done
