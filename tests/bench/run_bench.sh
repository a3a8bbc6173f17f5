#!/usr/bin/env bash
# run_bench.sh: tcpvet against the bare libpcap loop (and tshark, tcptrace, tcpflow) on the two
# generated benchmark captures of issue 7; prints a Markdown table and writes BUILD_DIR/bench-results.md.
#
# usage: tests/bench/run_bench.sh [BUILD_DIR] [--packets N] [--threads N] [--runs N] [--seed N]
#                                 [--out FILE] [--scratch DIR]
#   BUILD_DIR   a configured and built tree (tcpvet, tcpvet_gen, pcap_loop, decode_loop); default ./build.
#               Nothing is built here: `cmake --build BUILD_DIR --target bench` builds, then runs this.
#   --packets N mixed: N frames (default 2,000,000, ~940 bytes each, ~23k connections).
#               flood: N spoofed SYNs (default 2,000,000 from 1,000,000 spoofed (address, port)
#               sources) plus, always, 1,000 normal 10-frame connections: N + 10,000 frames.
#   --threads N tcpvet --threads N beside --threads 1 when tcpvet has the option (default nproc).
#   --runs N    runs per tool and capture, median taken (default 3).
#   --out FILE  where the Markdown goes (default BUILD_DIR/bench-results.md).
#   --scratch DIR  capture directory (default $BENCH_DIR or ${TMPDIR:-/tmp}/tcpvet-bench); captures
#               there of the same size and seed are reused, never committed.
# Environment:
#   BENCH_TSHARK=0   skip tshark (on 2M packets it takes minutes and GBs)
#   BENCH_PEERS=1    also tcptrace -l and tcpflow when installed
#   BENCH_TIMEOUT=S  per run limit for every tool (default 600); a run over it is reported "timeout"
#   BENCH_REGEN=1    regenerate the captures even when present
#   BENCH_NOTE=TEXT  a paragraph for the report (say so when the machine was busy with other work)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

build=""
packets=""
threads="$(nproc 2>/dev/null || echo 2)"
runs=3
seed=1
out=""
scratch="${BENCH_DIR:-${TMPDIR:-/tmp}/tcpvet-bench}"

die() { echo "run_bench.sh: $*" >&2; exit 1; }
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"; }
positive() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 needs a positive number, not '$2'"; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --packets) need_value "$@"; positive "$1" "$2"; packets="$2"; shift 2 ;;
        --threads) need_value "$@"; positive "$1" "$2"; threads="$2"; shift 2 ;;
        --runs) need_value "$@"; positive "$1" "$2"; runs="$2"; shift 2 ;;
        --seed) need_value "$@"; [[ "$2" =~ ^[0-9]+$ ]] || die "--seed needs a number"; seed="$2"; shift 2 ;;
        --out) need_value "$@"; out="$2"; shift 2 ;;
        --scratch) need_value "$@"; scratch="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) [[ -z "$build" ]] || die "one BUILD_DIR only"; build="$1"; shift ;;
    esac
done
build="${build:-$repo/build}"
[[ -d "$build" ]] || die "no build directory $build (configure and build first)"
build="$(cd "$build" && pwd)"
out="${out:-$build/bench-results.md}"
timeout_s="${BENCH_TIMEOUT:-600}"
[[ "$timeout_s" =~ ^[0-9]+$ ]] || die "BENCH_TIMEOUT must be whole seconds"

# The binaries: where CMake puts them by default, else anywhere under the build directory.
find_bin() {
    local name="$1" default="$2" found
    if [[ -x "$build/$default" ]]; then
        echo "$build/$default"
        return
    fi
    found="$(find "$build" -maxdepth 4 -type f -name "$name" -perm -u+x -print -quit 2>/dev/null)"
    [[ -n "$found" ]] || die "no $name under $build (build the targets tcpvet, tcpvet_gen, pcap_loop and decode_loop)"
    echo "$found"
}
tcpvet="$(find_bin tcpvet tcpvet)"
gen="$(find_bin tcpvet_gen tests/tcpvet_gen)"
loop="$(find_bin pcap_loop tests/bench/pcap_loop)"
decode_loop="$(find_bin decode_loop tests/bench/decode_loop)"

# /usr/bin/time -v for peak RSS (the shell keyword and busybox time have no -v).
timebin=/usr/bin/time
if ! "$timebin" -v true >/dev/null 2>&1; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        echo "bench: installing the Debian package 'time' for /usr/bin/time -v" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null 2>&1 ||
            { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null 2>&1; } ||
            true
    fi
    if ! "$timebin" -v true >/dev/null 2>&1; then
        echo "bench: no GNU /usr/bin/time: peak RSS not measured" >&2
        timebin=""
    fi
fi

# tcpvet's --threads only when it has one.
tcpvet_threads=0
if "$tcpvet" analyze --help 2>/dev/null | grep -q -- '--threads'; then
    tcpvet_threads="$threads"
fi

# The captures: one file per (scenario, count, seed), the generator's summary kept beside it
# (.log, written last, so a capture without its log is an interrupted one and is redone).
mkdir -p "$scratch"
make_capture() {
    local scenario="$1" count="$2" file="$3"
    local args=("$scenario" "$file.tmp" --seed "$seed")
    [[ "$count" == default ]] || args+=(--count "$count")
    if [[ -s "$file" && -s "$file.log" && "${BENCH_REGEN:-0}" != 1 ]]; then
        echo "bench: reusing $file" >&2
        return
    fi
    echo "bench: generating $file (tcpvet_gen ${args[*]})" >&2
    rm -f "$file" "$file.log"
    "$gen" "${args[@]}" 2>"$file.log.tmp" || { cat "$file.log.tmp" >&2; die "tcpvet_gen $scenario failed"; }
    mv "$file.tmp" "$file"
    mv "$file.log.tmp" "$file.log"
    sed 's/^/bench:   /' "$file.log" >&2
}
mixed_count="${packets:-2000000}"
flood_count="${packets:-default}"
mixed="$scratch/mixed-$mixed_count-seed$seed.pcap"
flood="$scratch/flood-$flood_count-seed$seed.pcap"
make_capture mixed "$mixed_count" "$mixed"
make_capture flood "$flood_count" "$flood"

# Warm the page cache: every tool then reads from memory, as the loop reference does.
echo "bench: warming the page cache" >&2
cat "$mixed" "$flood" "$tcpvet" "$loop" "$decode_loop" >/dev/null

version="$("$tcpvet" --version 2>/dev/null | head -n 1 | sed 's/^tcpvet //')"
revision=""
if command -v git >/dev/null && git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
    revision="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || true)"
    if [[ -n "$(git -C "$repo" status --porcelain --untracked-files=no -- src include 2>/dev/null)" ]]; then
        revision="$revision + uncommitted changes in src/ or include/"
    fi
    revision="commit $revision"
fi

tshark_on=1
[[ "${BENCH_TSHARK:-1}" == 0 ]] && tshark_on=0
peers_on=0
[[ "${BENCH_PEERS:-0}" == 1 ]] && peers_on=1

python3 "$here/bench.py" \
    --loop "$loop" --decode-loop "$decode_loop" --tcpvet "$tcpvet" --threads "$tcpvet_threads" \
    --mixed "$mixed" --flood "$flood" --scratch "$scratch" \
    --runs "$runs" --timeout "$timeout_s" --timebin "$timebin" \
    --tshark "$tshark_on" --peers "$peers_on" \
    --out "$out" --version "$version" --revision "$revision" \
    --note "${BENCH_NOTE:-}"
