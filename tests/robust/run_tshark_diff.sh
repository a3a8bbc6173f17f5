#!/usr/bin/env bash
# Runs tests/diff/tshark_diff.py (tcpvet vs TShark, one capture per call) over many captures, in
# parallel, and summarises: agree / differ / tool error per file.
#
# Usage: run_tshark_diff.sh --strict|--report TCPVET TSHARK_DIFF_PY PATH...
#   PATH        capture files or directories of captures; when none exists: exit 77 (ctest skip)
#   --strict    fail when any capture differs or errors (testdata: tcpvet must agree with TShark)
#   --report    fail only when tshark_diff.py itself crashes (a Python traceback) or tcpvet dies by
#               a signal; differences are listed, not failed (a public corpus has known, documented
#               disagreements; see ../shared/corpus/README.md)
# Environment: DIFF_JOBS (2), DIFF_TIMEOUT seconds per capture (300), TSHARK_DIFF_ARGS (extra
# arguments, e.g. "--conversations"), DIFF_SUMMARY (also write the per-file table there).
set -uo pipefail

if [[ "${1:-}" == "--one" ]]; then
    file="$2"
    log="$DIFF_OUT/logs/$(basename "$file").log"
    started=$SECONDS
    # shellcheck disable=SC2086  # TSHARK_DIFF_ARGS is a list of words
    timeout -k 5 "$DIFF_TIMEOUT" python3 "$DIFF_SCRIPT" "$file" "$DIFF_TCPVET" --show 5 ${TSHARK_DIFF_ARGS:-} \
        </dev/null >"$log" 2>&1
    rc=$?
    if grep -q '^Traceback' "$log"; then
        status=CRASH
    elif grep -qE 'failed \(-[0-9]+\)' "$log"; then
        status=CRASH  # tcpvet or tshark killed by a signal
    elif [[ $rc -eq 124 || $rc -eq 137 ]]; then
        status=TIMEOUT
    elif [[ $rc -eq 0 ]]; then
        status=agree
    elif grep -q '^tshark_diff: ' "$log" || [[ $rc -eq 2 ]]; then
        status=error
    else
        status=differ
    fi
    printf '%s\t%s\t%s\t%s\n' "$status" "$rc" "$file" "$((SECONDS - started))"
    exit 0
fi

mode="${1:-}"
if [[ $# -lt 4 || ( "$mode" != --strict && "$mode" != --report ) ]]; then
    echo "usage: $0 --strict|--report TCPVET TSHARK_DIFF_PY PATH..." >&2
    exit 2
fi
export DIFF_TCPVET="$2" DIFF_SCRIPT="$3"
shift 3
if ! command -v tshark >/dev/null; then
    echo "tshark not installed: skipped"
    exit 77
fi
if [[ ! -f "$DIFF_SCRIPT" ]]; then
    echo "$DIFF_SCRIPT not found: skipped"
    exit 77
fi
if [[ ! -x "$DIFF_TCPVET" ]]; then
    echo "tcpvet binary not found: $DIFF_TCPVET" >&2
    exit 1
fi

export DIFF_TIMEOUT="${DIFF_TIMEOUT:-300}"
export DIFF_OUT
DIFF_OUT="$(mktemp -d "${TMPDIR:-/tmp}/tcpvet-diff.XXXXXX")"
mkdir -p "$DIFF_OUT/logs"
list="$DIFF_OUT/captures"
: >"$list"
for path in "$@"; do
    if [[ -d "$path" ]]; then
        find "$path" -maxdepth 1 -type f -print >>"$list"
    elif [[ -f "$path" ]]; then
        printf '%s\n' "$path" >>"$list"
    fi
done
if [[ ! -s "$list" ]]; then
    echo "no captures found in: $*: skipped"
    rm -rf "$DIFF_OUT"
    exit 77
fi

self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
started=$SECONDS
sort "$list" | tr '\n' '\0' | xargs -0 -P "${DIFF_JOBS:-2}" -n 1 bash "$self" --one >"$DIFF_OUT/results.tsv"
sort -k3 -o "$DIFF_OUT/results.tsv" "$DIFF_OUT/results.tsv"
[[ -z "${DIFF_SUMMARY:-}" ]] || cp "$DIFF_OUT/results.tsv" "$DIFF_SUMMARY"

count() { awk -F'\t' -v s="$1" '$1 == s' "$DIFF_OUT/results.tsv" | wc -l; }
total=$(wc -l <"$DIFF_OUT/results.tsv")
echo "tshark_diff: $total captures in $((SECONDS - started)) s: agree $(count agree), differ $(count differ)," \
    "tool errors $(count error), timeouts $(count TIMEOUT), crashes $(count CRASH)"

show() {  # status, how many log lines per file
    awk -F'\t' -v s="$1" '$1 == s { print $3 }' "$DIFF_OUT/results.tsv" | head -"${3:-40}" | while read -r f; do
        echo "--- $1: $f"
        head -"$2" "$DIFF_OUT/logs/$(basename "$f").log" | sed 's/^/    /'
    done
}
echo "slowest:"
sort -t$'\t' -k4,4nr "$DIFF_OUT/results.tsv" | head -5 | awk -F'\t' '{ printf "  %4ss %s\n", $4, $3 }'
bad=0
if [[ "$mode" == --strict ]]; then
    for s in CRASH TIMEOUT error differ; do show "$s" 25; done
    [[ $(count agree) -eq $total ]] || bad=1
else
    for s in CRASH TIMEOUT; do show "$s" 25; done
    show error 2 20
    awk -F'\t' '$1 == "differ" { print "--- differ: " $3 }' "$DIFF_OUT/results.tsv" | head -60
    [[ $(count CRASH) -eq 0 ]] || bad=1
fi
rm -rf "$DIFF_OUT"
exit $bad
