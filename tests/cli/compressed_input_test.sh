#!/usr/bin/env bash
# gzip and zstd captures are read directly, known by their magic bytes (not their name), from a
# file or from standard input: every report equals the uncompressed capture's. A corrupt or
# cut-short compressed file ends with one error line and exit status 1.
set -uo pipefail
tcpvet="$1"
testdata="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }
for tool in gzip zstd; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done

for capture in gen_textbook.pcap gen_textbook.pcapng gen_textbook_ns.pcap gen_anomaly_port_scan.pcap sample.pcap; do
    plain="$testdata/$capture"
    gzip -c "$plain" >"$work/$capture.gz"
    zstd -q -c "$plain" >"$work/$capture.zst"
    cp "$work/$capture.gz" "$work/named-plain-$capture"  # gzip inside a .pcap name
    for command in analyze packets anomalies; do
        "$tcpvet" "$command" - --format json <"$plain" >"$work/expect.json" 2>&1
        for compressed in "$work/$capture.gz" "$work/$capture.zst" "$work/named-plain-$capture"; do
            "$tcpvet" "$command" - --format json <"$compressed" >"$work/got.json" 2>&1
            check "$command $(basename "$compressed") on stdin equals $capture" 'cmp -s "$work/expect.json" "$work/got.json"'
        done
    done
    "$tcpvet" analyze "$plain" >"$work/expect.txt" 2>&1
    "$tcpvet" analyze "$work/$capture.zst" >"$work/got.txt" 2>&1
    check "analyze text of $capture.zst equals $capture (but the input line)" \
        'diff <(grep -v "^  input " "$work/expect.txt") <(grep -v "^  input " "$work/got.txt") >/dev/null'
done

# Two gzip members one after another (cat a.gz b.gz) read as one stream, as gzip -d does: here
# the capture split in two at byte 1000.
head -c 1000 "$testdata/sample.pcap" | gzip -c >"$work/two.gz"
tail -c +1001 "$testdata/sample.pcap" | gzip -c >>"$work/two.gz"
"$tcpvet" packets "$testdata/sample.pcap" >"$work/expect.txt"
"$tcpvet" packets "$work/two.gz" >"$work/got.txt"
check "two gzip members read as one capture" 'cmp -s "$work/expect.txt" "$work/got.txt"'

# Cut short and corrupt: the frames before the damage are reported, then one error line.
for tool in gzip zstd; do
    ext=$([[ $tool == gzip ]] && echo gz || echo zst)
    size=$(stat -c %s "$work/sample.pcap.$ext")
    head -c $((size / 2)) "$work/sample.pcap.$ext" >"$work/cut.$ext"
    "$tcpvet" analyze "$work/cut.$ext" --format json -o "$work/cut.json" 2>"$work/cut.err"
    rc=$?
    check "$tool cut short: exit status 1 (got $rc)" '[[ $rc -eq 1 ]]'
    check "$tool cut short: one error line naming the file" \
        '[[ $(wc -l <"$work/cut.err") -eq 1 ]] && grep -q "cut.$ext: .*($tool data corrupt or cut short)" "$work/cut.err"'
    # zstd writes this small capture as one block, so only gzip has frames before the cut.
    [[ $tool == gzip ]] && check "$tool cut short: frames before the cut reported" \
        'python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r[\"capture\"][\"packets\"] > 0 else 1)" "$work/cut.json"'
    cp "$work/sample.pcap.$ext" "$work/bad.$ext"
    printf '\xff\xff\xff\xff\xff\xff\xff\xff' | dd of="$work/bad.$ext" bs=1 seek=$((size / 2)) conv=notrunc status=none
    "$tcpvet" analyze "$work/bad.$ext" >/dev/null 2>"$work/bad.err"
    rc=$?
    check "$tool corrupt: exit status 1 (got $rc)" '[[ $rc -eq 1 ]]'
    check "$tool corrupt: one error line" '[[ $(wc -l <"$work/bad.err") -eq 1 ]]'
done

# A compressed file that holds no capture is refused like the plain one.
echo "not a capture" | gzip -c >"$work/text.gz"
"$tcpvet" analyze "$work/text.gz" >/dev/null 2>"$work/text.err"
rc=$?
check "gzip of text: exit status 1 and 'not a capture file'" '[[ $rc -eq 1 ]] && grep -q "not a capture file" "$work/text.err"'

exit $fail
