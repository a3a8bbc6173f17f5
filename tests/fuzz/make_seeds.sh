#!/usr/bin/env bash
# Recreates the fuzz seed corpora in tests/fuzz/corpus/<target>/ from the small testdata captures.
#   fuzz_pipeline:    whole capture files (every testdata/*.pcap* under 16 KB, empty ones skipped)
#   fuzz_decode:      single frames, prefixed by the link-type byte fuzz_decode.cpp expects
#   fuzz_tcp_options: TCP segments (IPv4/IPv6 over Ethernet, SLL, SLL2, raw, NULL/LOOP), prefixed by
#                     the claimed segment length (2 bytes, big-endian) fuzz_tcp_options.cpp expects
#   fuzz_pcapng:      pcapng blocks after the Section Header Block fuzz_pcapng.cpp writes (the testdata
#                     pcapng files, and block layouts they lack), prefixed by its mode byte
#   fuzz_reassembler: segment and acknowledgment records (fuzz_reassembler.cpp's format) from the
#                     testdata transfers' first stream, and hand-made overlap, wrap and cap cases
# Crash regressions (files named crash-*, timeout-*, oom-*) are kept; everything else is rewritten.
# Usage: tests/fuzz/make_seeds.sh   (from anywhere; needs python3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
corpus="$root/tests/fuzz/corpus"
for target in fuzz_pipeline fuzz_decode fuzz_tcp_options fuzz_pcapng fuzz_reassembler; do
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

counts = {"fuzz_pipeline": 0, "fuzz_decode": 0, "fuzz_tcp_options": 0, "fuzz_pcapng": 0, "fuzz_reassembler": 0}
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
# ---- fuzz_pcapng: byte 0 is the mode (bit 0 big-endian, bit 1 whole file), then blocks.
def block(e, btype, body):
    body += b"\x00" * (-len(body) % 4)
    total = 12 + len(body)
    return struct.pack(e + "II", btype, total) + body + struct.pack(e + "I", total)

def options(e, opts):
    out = b""
    for code, value in opts:
        out += struct.pack(e + "HH", code, len(value)) + value + b"\x00" * (-len(value) % 4)
    return out + (struct.pack(e + "HH", 0, 0) if opts else b"")

def idb(e, linktype, snaplen=262144, opts=()):
    return block(e, 1, struct.pack(e + "HHI", linktype, 0, snaplen) + options(e, list(opts)))

def epb(e, iface, frame, ts=(0x5F5E100, 0x12345678), wire=None, opts=()):
    wire = len(frame) if wire is None else wire
    return block(e, 6, struct.pack(e + "IIIII", iface, ts[0], ts[1], len(frame), wire) + frame +
                 b"\x00" * (-len(frame) % 4) + options(e, list(opts)))

def shb(e):
    return block(e, 0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1))

def pcapng_seed(big, blocks, whole=False):
    write("fuzz_pcapng", bytes([(1 if big else 0) | (2 if whole else 0)]) + b"".join(blocks))
    counts["fuzz_pcapng"] += 1

for name in sorted(os.listdir(testdata)):
    if not name.endswith(".pcapng") or os.path.getsize(os.path.join(testdata, name)) > MAX_FILE:
        continue
    blob = open(os.path.join(testdata, name), "rb").read()
    if len(blob) < 28 or blob[:4] != b"\x0a\x0d\x0d\x0a":
        continue
    big = blob[8:12] == b"\x1a\x2b\x3c\x4d"
    shb_len = struct.unpack((">" if big else "<") + "I", blob[4:8])[0]
    pcapng_seed(big, [blob[shb_len:]])
    pcapng_seed(big, [blob], whole=True)

with open(os.path.join(testdata, "gen_textbook.pcap"), "rb") as f:
    _, textbook = pcap_frames(f.read())
syn, synack = textbook[0], textbook[1]
for e, big in (("<", False), (">", True)):
    # Nanosecond and binary timestamp resolutions, an offset, an FCS length, a comment.
    pcapng_seed(big, [idb(e, 1, opts=[(9, b"\x09"), (14, struct.pack(e + "q", 1000))]), epb(e, 0, syn),
                      epb(e, 0, synack, opts=[(1, b"seed")])])
    pcapng_seed(big, [idb(e, 1, opts=[(9, b"\x83"), (13, b"\x04")]), epb(e, 0, syn + b"\x00" * 4)])
    # Two interfaces of different link types; frames on each, one naming an interface that does not exist.
    pcapng_seed(big, [idb(e, 1), idb(e, 1, opts=[(9, b"\x03")]), epb(e, 1, syn), epb(e, 0, synack), epb(e, 2, syn)])
    pcapng_seed(big, [idb(e, 1), idb(e, 101), epb(e, 1, syn[14:]), epb(e, 0, synack)])  # libpcap refuses this
    # Simple Packet Block, Interface Statistics, Name Resolution, a custom block, then a frame.
    spb = block(e, 3, struct.pack(e + "I", len(syn)) + syn)
    isb = block(e, 5, struct.pack(e + "III", 0, 1, 2) + options(e, [(4, struct.pack(e + "Q", 2))]))
    nrb = block(e, 4, struct.pack(e + "HH", 1, 8) + bytes([10, 0, 0, 1]) + b"a.b\x00" + struct.pack(e + "HH", 0, 0))
    custom = block(e, 0x00000BAD, struct.pack(e + "I", 32473) + b"custom data")
    pcapng_seed(big, [idb(e, 1, snaplen=0), spb, isb, nrb, custom, epb(e, 0, synack)])
    # caplen beyond the snaplen, caplen beyond the wire length, a cut last block.
    pcapng_seed(big, [idb(e, 1, snaplen=40), epb(e, 0, syn), epb(e, 0, synack, wire=20), epb(e, 0, syn)[:30]])
    # A second section, in the other byte order, with its own interface.
    other = ">" if e == "<" else "<"
    pcapng_seed(big, [idb(e, 1), epb(e, 0, syn), shb(e), idb(e, 1), epb(e, 0, synack)])
    pcapng_seed(big, [idb(e, 1), epb(e, 0, syn), shb(other), idb(other, 1), epb(other, 0, synack)])

# ---- fuzz_reassembler: byte 0 the setup, bytes 1-4 the first sequence number, then 8-byte records
# (op | side << 2, offset, claimed length, captured length) each followed by its captured bytes.
def record(op, side, offset, claimed, payload=b""):
    return struct.pack(">BIHB", op | (side << 2), offset & 0xFFFFFFFF, claimed, len(payload)) + payload

def reassembler_seed(setup, first_seq, records):
    write("fuzz_reassembler", struct.pack(">BI", setup, first_seq & 0xFFFFFFFF) + b"".join(records))
    counts["fuzz_reassembler"] += 1

def tcp_segments(linktype, frames):
    """(src port, seq, ack, flags, payload) of each TCP/IPv4 or IPv6 frame."""
    out = []
    for frame in frames:
        ip = network_payload(linktype, frame)
        if not ip:
            continue
        version = ip[0] >> 4
        if version == 4 and len(ip) >= 20 and ip[9] == 6:
            ihl = (ip[0] & 0x0F) * 4
            total = struct.unpack(">H", ip[2:4])[0]
            seg = ip[ihl:total]
        elif version == 6 and len(ip) >= 40 and ip[6] == 6:
            seg = ip[40:40 + struct.unpack(">H", ip[4:6])[0]]
        else:
            continue
        if len(seg) < 20:
            continue
        sport, _, seq, ack, off, flags = struct.unpack(">HHIIBB", seg[:14])
        out.append((sport, seq, ack, flags, seg[(off >> 4) * 4:]))
    return out

BYTE_MODE, CONSISTENT, BIG_CAPS = 0x01, 0x02, (3 << 3) | (3 << 5)
for name in ("gen_textbook.pcap", "gen_anomaly_retransmissions.pcap", "gen_half_close.pcap",
             "gen_midstream.pcap", "gen_reset_by_server_with_data.pcap", "gen_port_reuse.pcap"):
    path = os.path.join(testdata, name)
    if not os.path.exists(path):
        continue
    linktype, frames = pcap_frames(open(path, "rb").read())
    segments = tcp_segments(linktype, frames)
    if not segments:
        continue
    client_port, first_seq = segments[0][0], segments[0][1] + (1 if segments[0][3] & 0x02 else 0)
    records = []
    for sport, seq, ack, flags, payload in segments[:300]:
        side = 0 if sport == client_port else 1
        data_seq = seq + (1 if flags & 0x02 else 0)
        for at in range(0, len(payload), 255):  # a record carries at most 255 captured bytes
            chunk = payload[at:at + 255]
            records.append(record(0, side, data_seq + at - first_seq, len(chunk), chunk))
        if flags & 0x10:
            records.append(record(2, side ^ 1, ack - first_seq, 0))
    reassembler_seed(BYTE_MODE | BIG_CAPS, first_seq, records)
    reassembler_seed(BYTE_MODE | CONSISTENT | 0x80, first_seq, records[:120])
    reassembler_seed(BIG_CAPS, first_seq, records)  # accounting mode

data = bytes(range(200))
hand_made = [
    # Out of order, then the hole filled; an overlap with different bytes; a retransmission.
    (BYTE_MODE | CONSISTENT | 0x04 | BIG_CAPS, 1000,
     [record(0, 0, 100, 100, data[:100]), record(0, 0, 0, 100, data[100:200]), record(0, 0, 50, 100, data[:100]),
      record(0, 0, 0, 200, data)]),
    (BYTE_MODE | 0x04 | BIG_CAPS, 5000,
     [record(0, 0, 10, 20, data[:20]), record(0, 0, 15, 20, data[50:70]), record(0, 0, 0, 40, data[100:140])]),
    # Across the 32-bit wrap, with data from before the stream's start.
    (BYTE_MODE | CONSISTENT | 0x04 | BIG_CAPS, 0xFFFFFF80,
     [record(0, 0, 0x60, 0x40, data[:0x40]), record(0, 0, 0, 0x60, data[:0x60]),
      record(0, 0, -0x20, 0x40, data[:0x40]), record(2, 0, 0xC0, 0)]),
    # A hole the peer acknowledges past; a segment cut by snaplen; one far out of window.
    (BYTE_MODE | 0x04 | 0x80, 1,
     [record(0, 0, 100, 50, data[:50]), record(2, 0, 150, 0), record(0, 0, 150, 200, data[:20]),
      record(0, 0, 0x100000, 10, data[:10]), record(0, 1, 0, 10, data[:10])]),
    # Caps: one pending segment per direction, a tiny budget shared by both directions.
    (BYTE_MODE | CONSISTENT | 0x80, 7,
     [record(0, 0, 0, 1, data[:1]), record(0, 0, 10, 10, data[:10]), record(0, 0, 30, 10, data[:10]),
      record(0, 1, 0, 1, data[:1]), record(0, 1, 1000, 1000, data[:200]), record(0, 0, 1, 9, data[:9]),
      record(3, 0, 0, 0)]),
]
for setup, first_seq, records in hand_made:
    reassembler_seed(setup, first_seq, records)
print(" ".join(f"{k}={v}" for k, v in counts.items()))
PY
du -sh "$corpus"
