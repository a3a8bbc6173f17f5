#!/usr/bin/env bash
# Live capture on the loopback interface with real connections this test makes (127.0.0.1 only):
# one normal, one left in CLOSE-WAIT, one refused. Checks the NDJSON stream, --duration, SIGINT,
# and that -w saved every packet. Skips (77) when not root or lo cannot be captured.
set -uo pipefail
tcpvet="$1"
here="$(cd "$(dirname "$0")" && pwd)"
[[ $(id -u) -eq 0 ]] || { echo "not root: skipped"; exit 77; }
ip link show lo >/dev/null 2>&1 || { echo "no loopback interface: skipped"; exit 77; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }

# 1) --duration with three real connections.
"$tcpvet" live -i lo -f 'tcp portrange 47301-47303' --duration 5 --format ndjson -q \
    --threshold close_wait_seconds=0.5 -w "$work/live.pcap" -o "$work/live.ndjson" 2>"$work/live.err" &
pid=$!
sleep 1.5
python3 "$here/live_peers.py" normal 47301
python3 "$here/live_peers.py" close_wait 47302 8 &
python3 "$here/live_peers.py" refused 47303
sleep 1.5
wait $pid
rc=$?
check "live --duration exits 0 (rc=$rc)" '[[ $rc -eq 0 ]]'
check "live wrote a summary record" 'grep -q "\"type\":\"summary\"" "$work/live.ndjson"'
python3 - "$work/live.ndjson" <<'PY' || fail=1
import json, sys
records = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
conversations = {r["responder"]["port"]: r for r in records if r.get("type") == "conversation"}
anomalies = [r for r in records if r.get("type") == "anomaly"]
def check(name, ok):
    print(("ok   " if ok else "FAIL ") + name)
    return ok
ok = True
normal = conversations.get(47301)
ok &= check("normal connection: complete handshake, closed by FIN",
            normal is not None and normal["handshake"]["verdict"] == "complete"
            and normal["teardown"]["verdict"] in ("graceful_four_way", "graceful_three_segment", "half_closed"))
stuck = conversations.get(47302)
ok &= check("CLOSE-WAIT connection: server endpoint left in CLOSE-WAIT",
            stuck is not None and stuck["responder"]["state"] == "CLOSE-WAIT" and stuck["zeek"]["conn_state"] == "S2")
refused = conversations.get(47303)
ok &= check("refused connection: rejected, Zeek REJ",
            refused is not None and refused["handshake"]["verdict"] == "rejected" and refused["zeek"]["conn_state"] == "REJ")
ok &= check("close_wait anomaly names the server endpoint",
            any(a["kind"] == "close_wait" and "47302" in json.dumps(a) for a in anomalies))
summary = [r for r in records if r.get("type") == "summary"][-1]
ok &= check("summary counts the packets", summary["capture"]["packets"] > 0)
sys.exit(0 if ok else 1)
PY
if command -v tshark >/dev/null; then
    saved=$(tshark -r "$work/live.pcap" 2>/dev/null | wc -l)
    counted=$(python3 -c "import json,sys; print([json.loads(l) for l in open(sys.argv[1]) if l.strip()][-1]['capture']['packets'])" "$work/live.ndjson")
    check "-w saved every analysed packet ($saved = $counted)" '[[ "$saved" -eq "$counted" ]]'
fi

# 2) SIGINT: the final report still prints and -w is closed cleanly.
"$tcpvet" live -i lo -f 'tcp port 47304' --format ndjson -q -w "$work/int.pcap" -o "$work/int.ndjson" 2>"$work/int.err" &
pid=$!
sleep 1.5
python3 "$here/live_peers.py" normal 47304
sleep 0.5
kill -INT $pid
wait $pid
rc=$?
check "live exits 0 after SIGINT (rc=$rc)" '[[ $rc -eq 0 ]]'
check "SIGINT: summary record written" 'grep -q "\"type\":\"summary\"" "$work/int.ndjson"'
check "SIGINT: conversation record written" 'grep -q "\"type\":\"conversation\"" "$work/int.ndjson"'
if command -v tshark >/dev/null; then
    check "SIGINT: -w file readable" 'tshark -r "$work/int.pcap" >/dev/null 2>&1'
fi

# 2b) Killed outright (SIGKILL, as a second Ctrl-C does) during a continuous stream of packets: the
# -w file is flushed in whole records only, so tshark still reads it without a cut packet.
python3 - 47305 <<'PY' &
import socket, sys, threading, time
port = int(sys.argv[1])
listener = socket.socket(); listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port)); listener.listen(1)
def sink():
    conn, _ = listener.accept()
    while conn.recv(65536): pass
threading.Thread(target=sink, daemon=True).start()
client = socket.create_connection(("127.0.0.1", port))
client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
end = time.time() + 6
while time.time() < end:
    client.send(b"x" * 700)
    time.sleep(0.0002)
PY
peer=$!
sleep 1
"$tcpvet" live -i lo -f 'tcp port 47305' --format ndjson -q -w "$work/kill.pcap" -o /dev/null 2>/dev/null &
pid=$!
sleep 3
kill -KILL $pid
wait $pid 2>/dev/null
wait $peer 2>/dev/null
if command -v tshark >/dev/null; then
    killed=$(tshark -r "$work/kill.pcap" 2>&1 >/dev/null | grep -v 'Running as user' >"$work/kill.err"; tshark -r "$work/kill.pcap" 2>/dev/null | wc -l)
    check "SIGKILL: -w file reads without error ($killed packets, $(head -c 200 "$work/kill.err"))" \
        '[[ $killed -gt 100 && ! -s "$work/kill.err" ]]'
fi

# 3) -c count and --list-interfaces.
check "--list-interfaces names lo" '"$tcpvet" live --list-interfaces | grep -q "^lo"'

# 4) A bad threshold with --duration: one clean error and exit 1 (it used to return past the
# --duration watchdog's running thread: std::terminate, exit 134).
"$tcpvet" live -i lo --duration 1 --threshold bogus=1 >/dev/null 2>"$work/bad.err"
rc=$?
check "live --duration with an unknown threshold: exit 1 (rc=$rc), one line" '[[ $rc -eq 1 && $(wc -l <"$work/bad.err") -eq 1 ]]'
[[ $fail -eq 0 ]] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
