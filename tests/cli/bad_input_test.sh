#!/usr/bin/env bash
# Bad input at the command line: a capture cut mid-record still gets its report (of everything
# before the cut) plus a one-line error naming the file and the packet, and exit status 1; files
# that are not captures, empty or missing get one clean line and exit 1, and among several inputs
# the others are still reported; usage errors exit 1.
set -uo pipefail
tcpvet="$1"
testdata="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }

# A classic pcap cut in the middle of its 20th record.
sample="$testdata/sample.pcap"
offset=24
for _ in $(seq 1 19); do
    caplen=$(od -An -tu4 -j $((offset + 8)) -N4 "$sample" | tr -d ' ')
    offset=$((offset + 16 + caplen))
done
head -c $((offset + 20)) "$sample" >"$work/cut.pcap"

"$tcpvet" analyze "$work/cut.pcap" --format json -o "$work/cut.json" 2>"$work/cut.err"
rc=$?
check "cut file: exit status 1 (got $rc)" '[[ $rc -eq 1 ]]'
check "cut file: one line on stderr" '[[ $(wc -l <"$work/cut.err") -eq 1 ]]'
check "cut file: the error names the file and packet 20" 'grep -q "cut.pcap: packet 20 (byte offset $offset)" "$work/cut.err"'
python3 - "$work/cut.json" <<'PY' || fail=1
import json, sys
report = json.load(open(sys.argv[1]))
ok = report["capture"]["packets"] == 19 and report["error"] and "packet 20" in report["error"]
ok = ok and len(report["conversations"]) >= 1
print(("ok   " if ok else "FAIL ") + "cut file: the report covers the 19 packets before the cut and carries the error")
sys.exit(0 if ok else 1)
PY
"$tcpvet" "$work/cut.pcap" --color never >"$work/cut.txt" 2>/dev/null
check "cut file: text report still printed" 'grep -q "^Conversations" "$work/cut.txt"'

printf 'this is not a capture\n' >"$work/text.txt"
: >"$work/empty.pcap"
for case in "text.txt:not a capture file" "empty.pcap:empty" "missing.pcap:No such file"; do
    file="${case%%:*}"
    expect="${case#*:}"
    "$tcpvet" "$work/$file" >"$work/out" 2>"$work/err"
    rc=$?
    check "$file: exit 1, one line naming the file ('$expect')" \
        '[[ $rc -eq 1 && $(wc -l <"$work/err") -eq 1 ]] && grep -q "$file" "$work/err" && grep -q "$expect" "$work/err"'
done
# A pcap magic and nothing more is cut short, not empty; an empty pipe is empty.
head -c 4 "$sample" >"$work/magic.pcap"
"$tcpvet" "$work/magic.pcap" >/dev/null 2>"$work/err"
rc=$?
check "a bare pcap magic: exit 1 (rc=$rc), a truncated header, not 'empty': $(cat "$work/err")" \
    '[[ $rc -eq 1 ]] && grep -q "magic.pcap: not a capture file: truncated" "$work/err" && ! grep -q empty "$work/err"'
"$tcpvet" - </dev/null >/dev/null 2>"$work/err"
rc=$?
check "an empty stdin: exit 1 (rc=$rc), 'stdin: input is empty'" \
    '[[ $rc -eq 1 && "$(cat "$work/err")" == "tcpvet: stdin: input is empty, not a capture file" ]]'

# Several inputs, one missing or damaged: one line naming it, exit 1, and the report still covers
# the others (merged: all of them; --concatenate: those before the bad one).
packets_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["capture"]["packets"])' "$1"; }
other="$testdata/gen_close_wait.pcap"
"$tcpvet" "$sample" --format json -q -o "$work/sample.json"
"$tcpvet" "$other" --format json -q -o "$work/other.json"
sample_packets=$(packets_of "$work/sample.json")
other_packets=$(packets_of "$work/other.json")
multi() {  # label want_packets want_error_text args...
    local label="$1" want="$2" expect="$3"
    shift 3
    "$tcpvet" analyze "$@" --format json -q -o "$work/multi.json" 2>"$work/multi.err"
    local rc=$?
    local got
    got=$(packets_of "$work/multi.json" 2>/dev/null || echo none)
    check "$label: exit 1 (got $rc), one line '$expect', $want packets reported (got $got)" \
        '[[ $rc -eq 1 && $(wc -l <"$work/multi.err") -eq 1 && $got == "$want" ]] && grep -q "$expect" "$work/multi.err"'
}
multi "merged, missing second input" "$sample_packets" "missing.pcap: No such file or directory" \
    "$sample" "$work/missing.pcap"
multi "merged, missing first input" "$sample_packets" "missing.pcap: No such file or directory" \
    "$work/missing.pcap" "$sample"
multi "merged, text second input" "$sample_packets" "text.txt: not a capture file" "$sample" "$work/text.txt"
multi "merged, cut first input" "$((19 + other_packets))" "cut.pcap: packet 20 (byte offset $offset)" \
    "$work/cut.pcap" "$other"
multi "--concatenate, missing second input" "$sample_packets" "missing.pcap: No such file or directory" \
    "$sample" "$work/missing.pcap" "$other" --concatenate
multi "--concatenate, cut first input" 19 "cut.pcap: packet 20 (byte offset $offset)" \
    "$work/cut.pcap" "$other" --concatenate
"$tcpvet" conversations "$sample" "$work/missing.pcap" "$work/text.txt" --color never >"$work/multi.txt" \
    2>"$work/multi.err"
rc=$?
check "merged, two bad inputs: exit 1, one prefixed line each, the text report printed" \
    '[[ $rc -eq 1 && $(grep -c "^tcpvet: .*missing.pcap: No such file" "$work/multi.err") -eq 1 &&
       $(grep -c "^tcpvet: .*text.txt: not a capture file" "$work/multi.err") -eq 1 &&
       $(wc -l <"$work/multi.err") -eq 2 ]] && grep -q "originator" "$work/multi.txt"'

"$tcpvet" analyze --no-such-option "$sample" >/dev/null 2>&1
check "unknown option: exit 1" '[[ $? -eq 1 ]]'
"$tcpvet" ladder "$sample" >/dev/null 2>&1
check "ladder without --stream: exit 1" '[[ $? -eq 1 ]]'
"$tcpvet" ladder "$sample" --stream 999 >/dev/null 2>"$work/err"
check "ladder with an unknown stream: exit 1 and says how many streams there are" '[[ $? -eq 1 ]] && grep -q "TCP stream" "$work/err"'
"$tcpvet" --version | grep -q '^tcpvet ' ; check "--version" '[[ $? -eq 0 ]]'
"$tcpvet" analyze "$sample" --fail-on warning >/dev/null 2>&1
check "--fail-on warning on the sample (it has a close_wait warning): exit 2" '[[ $? -eq 2 ]]'
"$tcpvet" analyze "$sample" --fail-on critical >/dev/null 2>&1
check "--fail-on critical on the sample: exit 0" '[[ $? -eq 0 ]]'
cat "$sample" | "$tcpvet" packets - --format ndjson >"$work/stdin.ndjson" 2>/dev/null
check "stdin (-) reads the same frames as the file" '[[ $(wc -l <"$work/stdin.ndjson") -eq $("$tcpvet" packets "$sample" --format ndjson | wc -l) ]]'
# A capture streamed on stdin and stopped by a signal, as `tcpdump -U -w - | tcpvet packets -` is
# by Ctrl-C: tcpvet is told to stop, then the writer goes away (tcpdump gets the Ctrl-C too) and the
# pipe ends. Every segment taken in is printed, exit status 0. SIGTERM rather than SIGINT, which a
# script's background job inherits as ignored; both take the same path.
mkfifo "$work/stream"
{ cat "$sample"; exec sleep 60; } >"$work/stream" &
writer=$!
"$tcpvet" packets - --format ndjson <"$work/stream" >"$work/stopped.ndjson" 2>/dev/null &
reader=$!
trap 'kill "$writer" "$reader" 2>/dev/null; rm -rf "$work"' EXIT
# Wait (at most 10 s) until tcpvet catches SIGTERM (bit 15 of SigCgt), then give it a second to
# take in the sample's 64 segments.
for _ in $(seq 100); do
    caught=$(awk '/^SigCgt:/ {print $2}' "/proc/$reader/status" 2>/dev/null)
    [[ -n "$caught" ]] && (( (16#$caught & 0x4000) != 0 )) && break
    sleep 0.1
done
sleep 1
kill -TERM "$reader"
kill "$writer"
wait "$reader"
rc=$?
check "stdin stopped by SIGTERM: exit 0 (got $rc) and every segment printed" '[[ $rc -eq 0 && $(wc -l <"$work/stopped.ndjson") -eq $(wc -l <"$work/stdin.ndjson") ]]'
last_frame() { python3 -c 'import json,sys; print(json.loads(sys.stdin.readlines()[-1])["frame"])'; }
one=$("$tcpvet" packets "$sample" --format ndjson | last_frame)
two=$("$tcpvet" packets "$sample" "$sample" --format ndjson | last_frame)
check "two files: frame numbers continue across them ($one then $two)" '[[ $two -eq $((2 * one)) ]]'
# A device that does not exist (or may not be opened, without root): one line, exit 1, and the
# message never repeats itself (it said "No such device exists (No such device exists)").
"$tcpvet" live -i tcpvetnodev0 -c 1 -q -o /dev/null 2>"$work/dev.err"
rc=$?
check "live -i on a missing device: exit 1 (rc=$rc), one line naming it: $(head -c 200 "$work/dev.err")" \
    '[[ $rc -eq 1 && $(wc -l <"$work/dev.err") -eq 1 ]] && grep -q "^tcpvet: tcpvetnodev0: " "$work/dev.err"'
repeated=$(python3 -c '
import sys
words = open(sys.argv[1]).read().replace("(", " ").replace(")", " ").split()
triples = [tuple(words[i:i + 3]) for i in range(len(words) - 2)]
print(len(triples) - len(set(triples)))' "$work/dev.err")
check "live -i on a missing device: no phrase said twice ($repeated repeated)" '[[ $repeated == 0 ]]'

[[ $fail -eq 0 ]] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
