// One entry point from captured bytes to a DecodedPacket: link -> tunnels -> IP -> TCP.
#pragma once

#include "tcpvet/decode/encapsulation.hpp"
#include "tcpvet/decode/ip_reassembler.hpp"
#include "tcpvet/packet.hpp"

namespace tcpvet::decode {

// True for the link types the link decoder understands (Ethernet, SLL, SLL2, raw IP, NULL, LOOP).
[[nodiscard]] bool is_supported_link_type(int link_type) noexcept;

// Decodes `captured` (caplen bytes of a frame whose wire length was `wire_len`) into `out`.
// Fills the class, layers, checksums and payload view; leaves frame, ts_ns untouched.
// Never reads past `captured`, throws or prints. When `layers` is given, it receives every
// encapsulation opened on the way (its depth is out.tunnel_depth). IP fragments, at any layer, go
// to `reassembler` (the frame that completes a datagram is decoded with all of it, its payload
// viewing the reassembler's buffer); without one, each fragment is decoded alone (tshark's
// ip.defragment:FALSE) and the decode is pure: it never allocates.
void decode_frame(int link_type, Bytes captured, std::uint32_t wire_len, DecodedPacket& out,
                  Encapsulation* layers = nullptr, IpReassembler* reassembler = nullptr);

}  // namespace tcpvet::decode
