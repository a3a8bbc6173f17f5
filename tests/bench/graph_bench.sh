#!/usr/bin/env bash
# The graph benchmark (issue 17): `tcpvet graph` of every kind on one 1,000,000-segment download
# (tcpvet_gen bulk_stream), beside `tcpvet conversations` on the same capture (the reading and
# tracking it shares); prints seconds, peak RSS and SVG bytes. A benchmark, not a ctest.
# usage: tests/bench/graph_bench.sh [BUILD_DIR] [SEGMENTS]   (default ./build, 1000000)
# The capture (~1.5 GB) goes to $BENCH_DIR or ${TMPDIR:-/tmp}/tcpvet-bench and is reused.
set -euo pipefail
build="${1:-build}"
segments="${2:-1000000}"
scratch="${BENCH_DIR:-${TMPDIR:-/tmp}/tcpvet-bench}"
mkdir -p "$scratch"
capture="$scratch/bulk_stream-$segments.pcap"
[[ -s "$capture" ]] || "$build/tests/tcpvet_gen" bulk_stream "$capture" --count "$segments"
measure() {  # LABEL COMMAND...: elapsed seconds and peak RSS
    /usr/bin/time -f "%e %M" -o "$scratch/time.txt" "${@:2}" >/dev/null
    read -r seconds rss <"$scratch/time.txt"
    printf '| %s | %s s | %s MB |' "$1" "$seconds" "$((rss / 1024))"
}
echo "| command | time | peak RSS | SVG |"
echo "|---|---|---|---|"
measure "conversations" "$build/tcpvet" conversations "$capture" -o /dev/null
echo " |"
for kind in sequence throughput rtt window; do
    measure "graph --kind $kind" "$build/tcpvet" graph "$capture" --stream 0 --kind "$kind" -o "$scratch/graph.svg"
    echo " $(wc -c <"$scratch/graph.svg") B |"
done
