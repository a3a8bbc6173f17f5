# Shared steps of the reassembly transfer tests (sourced by transfer_test.sh and netem_transfer_test.sh).
# Needs: TCPVET, WORK, SIZE, HERE set by the caller.

# start_capture NETNS_PREFIX... IFACE FILTER: tcpdump in the background until stop_capture.
start_capture() {
    local iface=$1 filter=$2
    shift 2
    CAPTURE_IFACE=$iface
    # -Z root: Debian's tcpdump otherwise drops to user tcpdump and cannot write into $WORK; -B: a 64 MiB
    # buffer, since loopback segments are up to 64 KiB and the kernel drops what tcpdump cannot keep up with.
    "$@" tcpdump -i "$iface" -s 0 -U -B 65536 -Z root -w "$WORK/cap.pcap" "$filter" 2>"$WORK/tcpdump.log" &
    DUMP_PID=$!
    for _ in $(seq 100); do
        grep -q "listening on" "$WORK/tcpdump.log" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "FAIL: tcpdump did not start:" >&2
    cat "$WORK/tcpdump.log" >&2
    return 1
}

stop_capture() {
    # tcpdump may still be draining its buffer on a loaded machine, and what it has not read when
    # SIGINT arrives is lost without being counted as dropped: wait until the file stops growing.
    local size=-1 stable=0
    for _ in $(seq 100); do
        sleep 0.2
        local now
        now=$(stat -c %s "$WORK/cap.pcap" 2>/dev/null || echo 0)
        if [[ "$now" == "$size" ]]; then
            stable=$((stable + 1))
            [[ $stable -ge 3 ]] && break
        else
            stable=0
            size=$now
        fi
    done
    kill -INT "$DUMP_PID" 2>/dev/null || true
    wait "$DUMP_PID" 2>/dev/null || true
    DUMP_PID=
    cat "$WORK/tcpdump.log" >&2
    # An incomplete capture is the machine's doing, not tcpvet's: status 3 asks for another try.
    if grep -Eq "^[1-9][0-9]* packets dropped by kernel" "$WORK/tcpdump.log"; then
        echo "incomplete: the kernel dropped packets while capturing" >&2
        return 3
    fi
    # On a loaded machine tcpdump can be starved long enough for the file to look finished while
    # its buffer still holds the last packets; they are counted as received, never written. (Not on
    # lo, where the filter sees every packet twice and libpcap keeps one copy.)
    [[ "$CAPTURE_IFACE" == lo ]] && return 0
    local captured received
    captured=$(sed -n 's/^\([0-9][0-9]*\) packets captured$/\1/p' "$WORK/tcpdump.log")
    received=$(sed -n 's/^\([0-9][0-9]*\) packets received by filter$/\1/p' "$WORK/tcpdump.log")
    if [[ -n "$captured" && -n "$received" && "$captured" -lt "$received" ]]; then
        echo "incomplete: tcpdump wrote $captured of the $received packets its filter took" >&2
        return 3
    fi
}

# check_follow: stream 0, each direction's raw bytes equal to what was sent; the dump files too.
check_follow() {
    local status=0 side expected got
    for side in client server; do
        expected=$(python3 "$HERE/transfer_peer.py" digest "$SIZE" "$side")
        "$TCPVET" follow "$WORK/cap.pcap" --stream 0 --direction "$side" --as raw -q >"$WORK/$side.raw" \
            2>"$WORK/$side.err" || { echo "FAIL: tcpvet follow --direction $side failed" >&2; cat "$WORK/$side.err" >&2; status=1; }
        got=$(sha256sum <"$WORK/$side.raw" | cut -d' ' -f1)
        if [[ "$got" == "$expected" ]]; then
            echo "ok: $side stream: $(stat -c %s "$WORK/$side.raw") bytes, sha256 matches what was sent"
        else
            echo "FAIL: $side stream: $(stat -c %s "$WORK/$side.raw") bytes (sent $SIZE), sha256 differs" >&2
            cat "$WORK/$side.err" >&2
            status=1
        fi
    done
    "$TCPVET" follow "$WORK/cap.pcap" --stream 0 --as ascii -q >"$WORK/follow.txt" || status=1
    echo "follow figures: $(grep -E '^(client|server): ' "$WORK/follow.txt" | tr '\n' ';')"
    if grep -q '^\[gap:' "$WORK/follow.txt"; then
        echo "FAIL: follow --as ascii reports gaps" >&2
        status=1
    fi
    "$TCPVET" analyze "$WORK/cap.pcap" --dump-streams "$WORK/streams" -q >/dev/null || status=1
    for side in client server; do
        expected=$(python3 "$HERE/transfer_peer.py" digest "$SIZE" "$side")
        local file
        file=$(ls "$WORK/streams"/stream-000000_*."$side" 2>/dev/null | head -1)
        if [[ -z "$file" ]] || [[ "$(sha256sum <"$file" | cut -d' ' -f1)" != "$expected" ]]; then
            echo "FAIL: --dump-streams $side file missing or different (${file:-none})" >&2
            status=1
        else
            echo "ok: --dump-streams $(basename "$file") matches"
        fi
    done
    if [[ $status -ne 0 ]]; then
        # The work directory goes with the test; a failure that shows up only now and then (under
        # load) can then still be looked at, e.g. beside `tshark -q -z follow,tcp,raw,0`.
        local kept="${TMPDIR:-/tmp}/tcpvet-transfer-failed.$$.pcap"
        cp "$WORK/cap.pcap" "$kept" && echo "capture kept for inspection: $kept" >&2
    fi
    return $status
}
