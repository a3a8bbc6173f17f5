#!/usr/bin/env python3
"""Writes tests/unit/test_tunnel_frames.hpp: one TCP segment inside every encapsulation tcpvet opens.

The inner segment is test_decode_frames.hpp's v4_ipopts (192.0.2.1:40000 -> 198.51.100.7:80, PSH/ACK
seq 1000 ack 2000, payload "hello") or real_v6_syn ([::1]:54374 -> :9, SYN seq 0x36de25ef). With
--pcap FILE it also writes the frames as an Ethernet pcap, so that tshark can confirm what each one
carries:  tshark -r FILE -T fields -e frame.protocols -e tcp.srcport -e tcp.seq_raw -e tcp.len
"""
import struct
import sys

def frame_from_header(name):
    import os
    import re
    text = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_decode_frames.hpp")).read()
    body = re.search(r"> " + name + r"\{(.*?)\};", text, re.S).group(1)
    return bytes(int(x, 16) for x in re.findall(r"0x([0-9a-f]{2})", body))


V4_IPOPTS = frame_from_header("v4_ipopts")
REAL_V6_SYN = frame_from_header("real_v6_syn")

INNER_ETH = V4_IPOPTS          # Ethernet + IPv4 + TCP
INNER_IP4 = V4_IPOPTS[14:]      # IPv4 + TCP
INNER_IP6 = REAL_V6_SYN[14:]    # IPv6 + TCP
MACS = bytes.fromhex("0200000000aa0200000000bb")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(proto, payload, src="10.0.0.1", dst="10.0.0.2"):
    a = bytes(int(x) for x in src.split("."))
    b = bytes(int(x) for x in dst.split("."))
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0x4242, 0, 64, proto, 0, a, b)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ipv6(next_header, payload):
    src = bytes.fromhex("20010db8000000000000000000000001")
    dst = bytes.fromhex("20010db8000000000000000000000002")
    return struct.pack("!IHBB", 0x60000000, len(payload), next_header, 64) + src + dst + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def eth(ethertype, payload):
    return MACS + struct.pack("!H", ethertype) + payload


def gre(proto, payload, key=None, seq=None, checksum=False):
    flags = (0x80 if checksum else 0) | (0x20 if key is not None else 0) | (0x10 if seq is not None else 0)
    h = struct.pack("!BBH", flags, 0, proto)
    if checksum:
        h += b"\0\0\0\0"
    if key is not None:
        h += struct.pack("!I", key)
    if seq is not None:
        h += struct.pack("!I", seq)
    return h + payload


def mpls(labels, payload):
    out = b""
    for i, label in enumerate(labels):
        bottom = 1 if i == len(labels) - 1 else 0
        out += struct.pack("!I", (label << 12) | (bottom << 8) | 64)
    return out + payload


FRAMES = [
    ("gre_ipv4", "GRE with checksum, key and sequence over IPv4, carrying IPv4", 1,
     eth(0x0800, ipv4(47, gre(0x0800, INNER_IP4, key=7, seq=1, checksum=True)))),
    ("gre_teb", "GRE Transparent Ethernet Bridging (0x6558)", 1,
     eth(0x0800, ipv4(47, gre(0x6558, INNER_ETH, key=42)))),
    ("erspan_2", "ERSPAN type II (GRE 0x88be with a sequence number)", 1,
     eth(0x0800, ipv4(47, gre(0x88BE, bytes.fromhex("1000000100000000") + INNER_ETH, seq=5)))),
    ("erspan_3", "ERSPAN type III (GRE 0x22eb), no platform subheader", 1,
     eth(0x0800, ipv4(47, gre(0x22EB, bytes.fromhex("200000010000000000000000") + INNER_ETH, seq=5)))),
    ("vxlan", "VXLAN (UDP 4789, VNI 42)", 1,
     eth(0x0800, ipv4(17, udp(50000, 4789, bytes.fromhex("0800000000002a00") + INNER_ETH)))),
    ("geneve", "Geneve (UDP 6081) with 8 bytes of options, Ethernet inside", 1,
     eth(0x0800, ipv4(17, udp(50000, 6081, bytes.fromhex("0200655800002a00") + bytes.fromhex("0101010100000000") + INNER_ETH)))),
    ("gtp_u", "GTP-U v1 G-PDU (UDP 2152) with one extension header", 1,
     eth(0x0800, ipv4(17, udp(2152, 2152, struct.pack("!BBHI", 0x34, 0xFF, 4 + 4 + len(INNER_IP4), 0x1234) +
                                bytes.fromhex("00000085") + bytes.fromhex("01000000") + INNER_IP4)))),
    ("mpls", "an MPLS stack of two labels over Ethernet, IPv4 inside", 1,
     eth(0x8847, mpls([100, 200], INNER_IP4))),
    # tshark 4.0's pseudowire heuristic takes this for Ethernet without a control word and shows
    # no TCP; RFC 4385 says a first nibble of 0 after the stack is the control word.
    ("mpls_pw", "an MPLS Ethernet pseudowire with its control word (RFC 4385)", 1,
     eth(0x8847, mpls([300], b"\0\0\0\0" + INNER_ETH))),
    ("pppoe", "a PPPoE session carrying IPv4", 1,
     eth(0x8864, struct.pack("!BBHHH", 0x11, 0, 0x0001, 2 + len(INNER_IP4), 0x0021) + INNER_IP4)),
    ("ipip", "IPv4 in IPv4 (protocol 4)", 1, eth(0x0800, ipv4(4, INNER_IP4))),
    ("ip6in4", "IPv6 in IPv4 (protocol 41)", 1, eth(0x0800, ipv4(41, INNER_IP6))),
    ("ip4in6", "IPv4 in IPv6 (next header 4)", 1, eth(0x86DD, ipv6(4, INNER_IP4))),
    ("ip6in6", "IPv6 in IPv6 (next header 41)", 1, eth(0x86DD, ipv6(41, INNER_IP6))),
    ("teredo", "Teredo (UDP 3544) with an origin indication", 1,
     eth(0x0800, ipv4(17, udp(3544, 40000, bytes.fromhex("0000ffffffffffff") + INNER_IP6)))),
    ("nested", "VXLAN inside GRE inside MPLS", 3,
     eth(0x8847, mpls([16], ipv4(47, gre(0x0800, ipv4(17, udp(1000, 4789, bytes.fromhex("0800000000000700") + INNER_ETH))))))),
]


def main():
    out = ["// Generated by tests/unit/make_tunnel_frames.py; checked with tshark 4.0 (see the script).",
           "#pragma once", "", "#include <array>", "#include <cstdint>", "", "namespace tcpvet::test_frames {", ""]
    for name, what, depth, frame in FRAMES:
        out.append(f"// {what} (tunnel depth {depth})")
        out.append(f"inline constexpr std::array<std::uint8_t, {len(frame)}> tunnel_{name}{{")
        for i in range(0, len(frame), 16):
            out.append("    " + " ".join(f"0x{b:02x}," for b in frame[i:i + 16]))
        out.append("};")
        out.append("")
    out.append("}  // namespace tcpvet::test_frames")
    sys.stdout.write("\n".join(out) + "\n")
    if len(sys.argv) == 3 and sys.argv[1] == "--pcap":
        with open(sys.argv[2], "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            for i, (_, _, _, frame) in enumerate(FRAMES):
                f.write(struct.pack("<IIII", 1000 + i, 0, len(frame), len(frame)) + frame)


main()
