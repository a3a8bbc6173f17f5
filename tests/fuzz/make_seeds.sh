#!/usr/bin/env bash
# Recreates the fuzz seed corpora in tests/fuzz/corpus/<target>/ from the small testdata captures.
#   fuzz_pipeline:    whole capture files (every testdata/*.pcap* under 16 KB, empty ones skipped)
#   fuzz_decode:      single frames, prefixed by the link-type byte fuzz_decode.cpp expects
#   fuzz_tcp_options: TCP segments (IPv4/IPv6 over Ethernet, SLL, SLL2, raw, NULL/LOOP), prefixed by
#                     the claimed segment length (2 bytes, big-endian) fuzz_tcp_options.cpp expects
# Crash regressions (files named crash-*, timeout-*, oom-*) are kept; everything else is rewritten.
# Usage: tests/fuzz/make_seeds.sh   (from anywhere; needs python3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
corpus="$root/tests/fuzz/corpus"
for target in fuzz_pipeline fuzz_decode fuzz_tcp_options; do
    mkdir -p "$corpus/$target"
    find "$corpus/$target" -maxdepth 1 -type f -name 'seed-*' -delete
done

python3 - "$root/testdata" "$corpus" <<'PY'
import hashlib, os, struct, sys

testdata, corpus = sys.argv[1], sys.argv[2]
# Must match k_link_types in fuzz_decode.cpp (index = the seed's first byte).
LINK_TYPES = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 9, 50, 51, 104, 107,
              105, 127, 192, 239, 117, 226, 242, 10, 7, 129, 178, 147, 119, 163, 4]
MAX_FILE = 16 * 1024
FRAMES_PER_FILE = 4       # first frames of each capture (handshake + some data)
MAX_PER_TARGET = 240

def write(target, data):
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(corpus, target, name), "wb") as f:
        f.write(data)

def pcap_frames(blob):
    """(linktype, frame bytes) of a classic pcap file, either byte order, us or ns."""
    if len(blob) < 24:
        return None, []
    magic = blob[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return None, []
    linktype = struct.unpack(e + "I", blob[20:24])[0] & 0x0FFFFFFF
    out, off = [], 24
    while off + 16 <= len(blob):
        _, _, caplen, _ = struct.unpack(e + "IIII", blob[off:off + 16])
        off += 16
        out.append(blob[off:off + caplen])
        off += caplen
    return linktype, out

def network_payload(linktype, frame):
    """The IP packet inside a frame, or None."""
    if linktype == 1:  # Ethernet, skipping VLAN / QinQ tags
        off, etype = 12, None
        while off + 2 <= len(frame):
            etype = struct.unpack(">H", frame[off:off + 2])[0]
            off += 2
            if etype in (0x8100, 0x88a8, 0x9100):
                off += 2
                continue
            break
        return frame[off:] if etype in (0x0800, 0x86dd) else None
    if linktype == 113:
        return frame[16:]
    if linktype == 276:
        return frame[20:]
    if linktype in (0, 108):
        return frame[4:]
    if linktype in (12, 14, 101, 228, 229):
        return frame
    return None

def tcp_segment(ip):
    """(claimed segment length, captured segment) of a TCP packet, or None."""
    if not ip:
        return None
    version = ip[0] >> 4
    if version == 4 and len(ip) >= 20 and ip[9] == 6:
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack(">H", ip[2:4])[0]
        return total - ihl, ip[ihl:total]
    if version == 6 and len(ip) >= 40 and ip[6] == 6:
        plen = struct.unpack(">H", ip[4:6])[0]
        return plen, ip[40:40 + plen]
    return None

counts = {"fuzz_pipeline": 0, "fuzz_decode": 0, "fuzz_tcp_options": 0}
for name in sorted(os.listdir(testdata)):
    path = os.path.join(testdata, name)
    if not name.startswith("gen_") or ".pcap" not in name or os.path.getsize(path) > MAX_FILE:
        continue
    blob = open(path, "rb").read()
    if len(blob) <= 24 + 8:  # header-only captures add nothing
        continue
    write("fuzz_pipeline", blob)
    counts["fuzz_pipeline"] += 1
    linktype, frames = pcap_frames(blob)
    if linktype is None or linktype not in LINK_TYPES:
        continue
    for frame in frames[:FRAMES_PER_FILE]:
        if counts["fuzz_decode"] < MAX_PER_TARGET:
            write("fuzz_decode", bytes([LINK_TYPES.index(linktype)]) + frame)
            counts["fuzz_decode"] += 1
        seg = tcp_segment(network_payload(linktype, frame))
        if seg is not None and counts["fuzz_tcp_options"] < MAX_PER_TARGET:
            claimed, data = seg
            write("fuzz_tcp_options", struct.pack(">H", claimed & 0xFFFF) + data)
            counts["fuzz_tcp_options"] += 1
    # The last frame too: teardown segments (FIN, RST) carry other option sets.
    if frames:
        write("fuzz_decode", bytes([LINK_TYPES.index(linktype) | 0x80]) + frames[-1])
        counts["fuzz_decode"] += 1

# Option layouts the testdata does not have: every known kind, bad lengths, EOL, a cut option.
def tcp_header(options):
    doff = (20 + len(options)) // 4
    return struct.pack(">HHIIBBHHH", 40000, 80, 1, 0, doff << 4, 0x02, 65535, 0, 0) + options
extra = [
    b"\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x00\x01\x03\x03\x07",  # Linux SYN
    b"\x01\x01\x05\x12\x00\x00\x00\x01\x00\x00\x00\x10\x00\x00\x00\x20\x00\x00\x00\x30\x00\x00",  # SACK x2
    b"\x02\x03\x05\xb4",                     # MSS with a wrong length
    b"\x03\x00\x00\x00",                     # zero length
    b"\x00\x02\x04\x05\xb4\x00\x00\x00",     # EOL first
    b"\x08\x0a\x00\x00",                     # timestamps cut by the data offset
    b"\x1e\x08\x00\x00\x00\x00\x00\x00",     # MPTCP (kept as other)
]
for opts in extra:
    opts += b"\x00" * (-len(opts) % 4)
    header = tcp_header(opts)
    write("fuzz_tcp_options", struct.pack(">H", len(header)) + header)
    counts["fuzz_tcp_options"] += 1
print(" ".join(f"{k}={v}" for k, v in counts.items()))
PY
du -sh "$corpus"
