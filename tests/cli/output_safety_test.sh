#!/usr/bin/env bash
# Outputs can never destroy inputs: -o (and live -w) naming an input — by the same path, through a
# symlink, through a hard link — is refused with one line naming both, exit 1, the input untouched;
# a report replaces the old one only when it is whole (a failed run leaves it as it was, and no
# temporary file behind, and a run killed mid-write leaves it too); --dump-streams never follows
# a symlink planted in its directory and never writes outside it.
set -uo pipefail
tcpvet="$(realpath "$1")"
testdata="$(realpath "$2")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }
cd "$work" || exit 1

cp "$testdata/sample.pcap" copy.pcap
sum=$(cksum <copy.pcap)
ln -s copy.pcap link.pcap
ln copy.pcap hard.pcap
for case in "copy.pcap copy.pcap" "copy.pcap link.pcap" "link.pcap copy.pcap" "copy.pcap hard.pcap" \
    "hard.pcap link.pcap"; do
    read -r input output <<<"$case"
    "$tcpvet" "$input" -o "$output" >out 2>err
    rc=$?
    expect="tcpvet: $output: is the input $input (the same file); not overwriting it"
    check "-o $output onto input $input: exit 1 (rc=$rc), exactly '$expect'" \
        '[[ $rc -eq 1 && "$(cat err)" == "$expect" && ! -s out ]]'
    check "-o $output onto input $input: the capture is untouched" '[[ "$(cksum <copy.pcap)" == "$sum" ]]'
done
# Among several inputs, and with a subcommand; the second input is the one named.
cp "$testdata/sample.pcap" other.pcap
"$tcpvet" conversations other.pcap copy.pcap -o hard.pcap 2>err
rc=$?
check "conversations A B -o B's hard link: exit 1 (rc=$rc), names B" \
    '[[ $rc -eq 1 && "$(cat err)" == "tcpvet: hard.pcap: is the input copy.pcap (the same file); not overwriting it" ]]'
# live: -w onto -o (checked before the device is opened, so no root needed).
"$tcpvet" live -i lo -w both.out -o both.out 2>err
rc=$?
check "live -w X -o X: exit 1 (rc=$rc), one line" \
    '[[ $rc -eq 1 && "$(cat err)" == "tcpvet: both.out: is named as two outputs (the same file); not overwriting it" ]]'
rm -f both.out

# A report is replaced only when complete: a failed run leaves the previous one.
"$tcpvet" copy.pcap --format json -o report.json 2>/dev/null
check "first report written" 'python3 -c "import json,sys; json.load(open(sys.argv[1]))" report.json'
good=$(cksum <report.json)
chmod 0640 report.json
"$tcpvet" missing.pcap --format json -o report.json 2>err
rc=$?
check "a run on a missing input fails (rc=$rc)" '[[ $rc -eq 1 ]]'
check "the failed run leaves the previous report intact" '[[ "$(cksum <report.json)" == "$good" ]]'
check "and no temporary file behind" '[[ -z "$(ls -A | grep "^\.report")" ]]'
# Every subcommand that can fail after opening its output keeps the previous report: a stream
# that is not in the capture writes nothing over it.
for command in ladder follow graph; do
    "$tcpvet" "$command" copy.pcap --stream 999999 -o report.json 2>err
    rc=$?
    check "$command --stream 999999 -o report.json: exit 1 (rc=$rc), the previous report intact" \
        '[[ $rc -eq 1 && "$(cksum <report.json)" == "$good" && -z "$(ls -A | grep "^\.report")" ]]'
done
"$tcpvet" other.pcap --format json -o report.json 2>/dev/null
check "a good run replaces the report and keeps its mode 0640" \
    '[[ "$(stat -c %a report.json)" == 640 ]] && python3 -c "import json,sys; json.load(open(sys.argv[1]))" report.json'
(umask 027 && "$tcpvet" copy.pcap -o fresh.txt 2>/dev/null)
check "a new report gets 0666 less the umask (027: 640)" '[[ "$(stat -c %a fresh.txt)" == 640 ]]'
# Killed mid-run (the report open for writing, the input a FIFO that stays open): the previous
# report stands. SIGTERM and SIGHUP also remove the temporary; SIGKILL cannot, and leaves only it.
"$tcpvet" copy.pcap --format ndjson -o killed.ndjson 2>/dev/null
before=$(cksum <killed.ndjson)
mkfifo feed
for signal in KILL TERM HUP; do
    (head -c 4000 copy.pcap && exec sleep 60) >feed &
    feeder=$!
    "$tcpvet" feed --format ndjson -o killed.ndjson 2>/dev/null &
    pid=$!
    for _ in $(seq 300); do ls -A | grep -q '^\.killed\.ndjson\.' && break; sleep 0.1; done
    sleep 0.5
    check "SIG$signal: the run is under way, writing its temporary" 'ls -A | grep -q "^\.killed\.ndjson\."'
    kill -"$signal" "$pid"
    wait "$pid"
    rc=$?
    kill "$feeder" 2>/dev/null
    wait "$feeder" 2>/dev/null
    check "SIG$signal: killed by the signal (rc=$rc)" '[[ $rc -eq $((128 + $(kill -l "$signal"))) ]]'
    check "SIG$signal: the previous report is intact" '[[ "$(cksum <killed.ndjson)" == "$before" ]]'
    if [[ $signal != KILL ]]; then
        check "SIG$signal: no temporary file left" '! ls -A | grep -q "^\.killed\.ndjson\."'
    fi
    rm -f .killed.ndjson.*
done

# Through a symlink to a report: the report (the link's target) is replaced, the link stays.
ln -s report.json report-link.json
"$tcpvet" copy.pcap -o report-link.json 2>/dev/null
check "-o through a symlink replaces its target and keeps the link" \
    '[[ -L report-link.json ]] && grep -q "^Conversations" report.json'
# A write that fails (a full device) says why and leaves no temporary file.
if [[ -w /dev/full ]]; then
    "$tcpvet" copy.pcap -o /dev/full 2>err
    rc=$?
    check "-o /dev/full: exit 1 (rc=$rc), says 'No space left on device' once" \
        '[[ $rc -eq 1 && "$(cat err)" == "tcpvet: /dev/full: cannot write: No space left on device" ]]'
fi
"$tcpvet" copy.pcap -o no-such-dir/r.txt 2>err
rc=$?
check "-o into a missing directory: exit 1 (rc=$rc), says why once" \
    '[[ $rc -eq 1 && "$(cat err)" == "tcpvet: no-such-dir/r.txt: cannot create: No such file or directory" ]]'
# An existing file whose directory takes no new file (procfs) is refused, never written in place.
if [[ -f /proc/version ]]; then
    before_proc=$(cksum </proc/version)
    "$tcpvet" copy.pcap -o /proc/version 2>err
    rc=$?
    check "-o /proc/version: exit 1 (rc=$rc), one line saying where and why" \
        '[[ $rc -eq 1 && $(wc -l <err) -eq 1 ]] && grep -q "^tcpvet: /proc/version: cannot create the file that would replace it in /proc: " err'
    check "-o /proc/version: untouched" '[[ "$(cksum </proc/version)" == "$before_proc" ]]'
fi

# --dump-streams: a symlink planted under the name of a stream file is replaced, never followed.
mkdir dump
"$tcpvet" copy.pcap --dump-streams dump -q -o /dev/null 2>/dev/null
first=$(ls dump | head -1)
check "dump-streams wrote files" '[[ -n "$first" ]]'
rm -rf dump && mkdir dump
echo "precious" >victim.txt
ln -s ../victim.txt "dump/$first"
"$tcpvet" copy.pcap --dump-streams dump -q -o /dev/null 2>err
rc=$?
check "dump-streams over a planted symlink: exit 0 (rc=$rc)" '[[ $rc -eq 0 ]]'
check "the symlink's target is untouched" '[[ "$(cat victim.txt)" == precious ]]'
check "the stream file is a regular file now" '[[ -f "dump/$first" && ! -L "dump/$first" ]]'
check "no temporary file left in the directory" '[[ -z "$(ls -A dump | grep "^\.")" ]]'
# Nothing is written outside DIR, even when DIR is reached through ../ (names never hold a '/').
mkdir -p sub
touch stamp
"$tcpvet" copy.pcap --dump-streams sub/../dump2 -q -o /dev/null 2>/dev/null
check "dump-streams through sub/../dump2 writes only into dump2" \
    '[[ -n "$(ls dump2)" && -z "$(find . -newer stamp -type f ! -path "./dump2/*")" ]]'
check "and every name in it is plain (no '/', no leading '.')" \
    '[[ -z "$(find dump2 -mindepth 1 \( -name ".*" -o -type d -o -type l \))" ]]'

# A hard link to an input planted under a stream file's name is not replaced.
rm -rf dump && mkdir dump
ln copy.pcap "dump/$first"
"$tcpvet" copy.pcap --dump-streams dump -q -o /dev/null 2>err
check "dump-streams over a hard link to the input: the input is untouched and the error says so" \
    '[[ "$(cksum <copy.pcap)" == "$sum" ]] && grep -q "dump/$first: is an input; not replacing it" err'
[[ $fail -eq 0 ]] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
