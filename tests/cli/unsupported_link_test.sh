#!/usr/bin/env bash
# A link type tcpvet does not read is named, counted and warned about, never dropped silently:
# gen_textbook.pcap with its header's link type changed to LINKTYPE_USB_LINUX_MMAPPED (220).
set -uo pipefail
tcpvet="$1"
testdata="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }

cp "$testdata/gen_textbook.pcap" "$work/usb.pcap"
printf '\xdc\x00\x00\x00' | dd of="$work/usb.pcap" bs=1 seek=20 conv=notrunc status=none  # little-endian header
"$tcpvet" analyze "$work/usb.pcap" >"$work/out.txt" 2>"$work/err.txt"
rc=$?
check "exit status 0 (got $rc)" '[[ $rc -eq 0 ]]'
check "text names the link type and its 11 frames" 'grep -Eq "^  link USB_LINUX_MMAPPED +11 \(link type not decoded\)$" "$work/out.txt"'
check "one warning line on stderr" '[[ $(wc -l <"$work/err.txt") -eq 1 ]] && grep -q "warning: 11 frames of link type USB_LINUX_MMAPPED (220) not decoded" "$work/err.txt"'
"$tcpvet" analyze "$work/usb.pcap" --format json -q >"$work/out.json" 2>/dev/null
python3 - "$work/out.json" <<'PY' || fail=1
import json, sys
capture = json.load(open(sys.argv[1]))["capture"]
want = [{"link_type": 220, "name": "USB_LINUX_MMAPPED", "packets": 11, "decoded": False}]
ok = capture["link_types"] == want and capture["non_ip"] == 11 and capture["tcp"] == 0
print(("ok  " if ok else "FAIL") + " JSON link_types " + json.dumps(capture["link_types"]) + f", non_ip {capture['non_ip']}")
sys.exit(0 if ok else 1)
PY
"$tcpvet" analyze "$testdata/gen_textbook.pcap" >/dev/null 2>"$work/err2.txt"
check "a decoded link type: no warning" '[[ ! -s "$work/err2.txt" ]]'
exit $fail
