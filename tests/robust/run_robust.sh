#!/usr/bin/env bash
# Runs tcpvet over every capture of the robustness corpus and fails on anything but a report or a
# clean error: a crash, a sanitizer report, a hang, an error that does not name the file, or (for
# files libpcap cannot read) an error that is not exactly one line naming the file.
#
# Usage: run_robust.sh TCPVET CORPUS_DIR [INDEX.tsv [TSHARK_REF.tsv]]
#   TCPVET      the tcpvet binary of the build under test (a sanitizer build makes this test useful)
#   CORPUS_DIR  e.g. ../shared/corpus/robust; absent: exit 77 (ctest SKIP_RETURN_CODE)
#   INDEX.tsv, TSHARK_REF.tsv  ../shared/corpus metadata: which files libpcap cannot open
# Environment: ROBUST_JOBS (2), ROBUST_TIMEOUT seconds per command (10), ROBUST_OUT (a temp dir):
# where per-file stderr of failures and results.tsv are kept.
#
# Per file it runs `tcpvet analyze F --format json -o /dev/null` and
# `tcpvet packets F --format ndjson -o /dev/null`. Exit codes 0 (ok), 1 (input error) and 2
# (anomalies at/above --fail-on) are ours; anything else, a signal or a timeout is a failure.
set -uo pipefail

if [[ "${1:-}" == "--one" ]]; then
    # Worker mode (called through xargs): one file, one result line per command on stdout.
    file="$2"
    base="$(basename "$file")"
    one_line=0  # libpcap reports an error on it: tcpvet's error must be one line naming the file
    if grep -qxF -- "$base" "$ROBUST_ONE_LINE"; then
        one_line=1
    fi
    for mode in analyze packets; do
        if [[ "$mode" == analyze ]]; then fmt=json; else fmt=ndjson; fi
        err="$ROBUST_OUT/stderr/$base.$mode"
        timeout -k 5 "$ROBUST_TIMEOUT" "$ROBUST_TCPVET" "$mode" "$file" --format "$fmt" -o /dev/null \
            </dev/null >/dev/null 2>"$err"
        rc=$?
        status=ok
        detail="exit $rc"
        if grep -qE 'ERROR: AddressSanitizer|LeakSanitizer|runtime error:|ERROR: UndefinedBehaviorSanitizer' "$err"; then
            status=FAIL
            detail="sanitizer report (exit $rc): $(grep -m1 -E 'ERROR: |runtime error:' "$err" | cut -c1-160)"
        elif [[ $rc -eq 124 || $rc -eq 137 ]]; then
            status=FAIL
            detail="timeout after ${ROBUST_TIMEOUT}s"
        elif [[ $rc -ge 128 ]]; then
            status=FAIL
            detail="killed by signal $((rc - 128))"
        elif [[ $rc -ne 0 && $rc -ne 1 && $rc -ne 2 ]]; then
            status=FAIL
            detail="unexpected exit code $rc"
        else
            # Warnings (`tcpvet: warning: ...`, e.g. timestamps stepping back) may come before the
            # error; the error itself is one line.
            lines=$(grep -v '^tcpvet: warning: ' "$err" | grep -c .)
            if [[ $rc -eq 1 && $one_line -eq 1 ]] && { [[ $lines -ne 1 ]] || ! grep -v '^tcpvet: warning: ' "$err" | grep -qF -- "$base"; }; then
                status=FAIL
                detail="error is $lines line(s), expected one line naming the file: $(head -c 160 "$err" | tr '\n' '|')"
            elif [[ $rc -eq 1 ]] && ! grep -qF -- "$base" "$err"; then
                status=FAIL
                detail="exit 1 without a message naming the file: $(head -c 160 "$err" | tr '\n' '|')"
            elif [[ $rc -eq 1 ]]; then
                status=error
                detail="$(grep -m1 -F -- "$base" "$err" | cut -c1-160)"
            fi
        fi
        [[ "$status" == FAIL ]] || rm -f "$err"
        printf '%s\t%s\t%s\t%s\n' "$status" "$mode" "$base" "${detail//$'\t'/ }"
    done
    exit 0
fi

if [[ $# -lt 2 ]]; then
    echo "usage: $0 TCPVET CORPUS_DIR [INDEX.tsv [TSHARK_REF.tsv]]" >&2
    exit 2
fi
tcpvet="$1"
corpus="$2"
index="${3:-}"
tshark_ref="${4:-}"
if [[ ! -d "$corpus" ]]; then
    echo "robust corpus not found at $corpus: skipped"
    exit 77
fi
if [[ ! -x "$tcpvet" ]]; then
    echo "tcpvet binary not found: $tcpvet" >&2
    exit 1
fi

export ROBUST_TCPVET="$tcpvet"
export ROBUST_TIMEOUT="${ROBUST_TIMEOUT:-10}"
made_out=0
if [[ -z "${ROBUST_OUT:-}" ]]; then
    ROBUST_OUT="$(mktemp -d "${TMPDIR:-/tmp}/tcpvet-robust.XXXXXX")"
    made_out=1
fi
export ROBUST_OUT
jobs="${ROBUST_JOBS:-2}"
mkdir -p "$ROBUST_OUT/stderr"

# Files libpcap fails on: INDEX.tsv notes "libpcap cannot open" and tshark_ref.tsv libpcap_ok=0 (open
# or mid-file error). When tcpvet exits 1 on one, its stderr must be exactly one line naming the file.
# Both lists were made with tcpdump, which also fails on DLTs it cannot print (libpcap itself opens
# those), so a report with exit 0 is accepted too.
export ROBUST_ONE_LINE="$ROBUST_OUT/one_line.txt"
{
    [[ ! -f "$index" ]] || awk -F'\t' 'index($8, "libpcap cannot open") { print $1 }' "$index"
    [[ ! -f "$tshark_ref" ]] || awk -F'\t' '$1 !~ /^#/ && $1 != "file" && $2 == "0" { print $1 }' "$tshark_ref"
} | sort -u >"$ROBUST_ONE_LINE"

self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
started=$SECONDS
find "$corpus" -maxdepth 1 -type f -print0 | sort -z |
    xargs -0 -P "$jobs" -n 1 bash "$self" --one >"$ROBUST_OUT/results.tsv"

files=$(find "$corpus" -maxdepth 1 -type f | wc -l)
runs=$(wc -l <"$ROBUST_OUT/results.tsv")
ok=$(awk -F'\t' '$1 == "ok"' "$ROBUST_OUT/results.tsv" | wc -l)
clean=$(awk -F'\t' '$1 == "error"' "$ROBUST_OUT/results.tsv" | wc -l)
failed=$(awk -F'\t' '$1 == "FAIL"' "$ROBUST_OUT/results.tsv" | wc -l)
failed_files=$(awk -F'\t' '$1 == "FAIL" { print $3 }' "$ROBUST_OUT/results.tsv" | sort -u | wc -l)

echo "robust corpus: $files files, $runs runs (analyze + packets) in $((SECONDS - started)) s with $(basename "$tcpvet")"
echo "  ok: $ok   clean errors: $clean   failures: $failed ($failed_files files)"
echo "  files libpcap fails on (errors must be one line naming the file): $(wc -l <"$ROBUST_ONE_LINE")"
if [[ $failed -gt 0 ]]; then
    echo "failures (stderr of each kept in $ROBUST_OUT/stderr):"
    awk -F'\t' '$1 == "FAIL" { printf "  %-8s %s: %s\n", $2, $3, $4 }' "$ROBUST_OUT/results.tsv" | head -100
    [[ $failed -le 100 ]] || echo "  ... and $((failed - 100)) more in $ROBUST_OUT/results.tsv"
    exit 1
fi
if [[ $runs -ne $((files * 2)) ]]; then
    echo "expected $((files * 2)) results, got $runs" >&2
    exit 1
fi
[[ $made_out -eq 0 ]] || rm -rf "$ROBUST_OUT"
exit 0
