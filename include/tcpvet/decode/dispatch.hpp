// One entry point from captured bytes to a DecodedPacket: link -> tunnels -> IP -> TCP.
#pragma once

#include "tcpvet/decode/encapsulation.hpp"
#include "tcpvet/packet.hpp"

namespace tcpvet::decode {

// True for the link types the link decoder understands (Ethernet, SLL, SLL2, raw IP, NULL, LOOP).
[[nodiscard]] bool is_supported_link_type(int link_type) noexcept;

// Decodes `captured` (caplen bytes of a frame whose wire length was `wire_len`) into `out`.
// Fills the class, layers, checksums and payload view; leaves frame, ts_ns untouched.
// Pure: never reads past `captured`, never allocates, throws or prints. When `layers` is given, it
// receives every encapsulation opened on the way (its depth is out.tunnel_depth).
void decode_frame(int link_type, Bytes captured, std::uint32_t wire_len, DecodedPacket& out,
                  Encapsulation* layers = nullptr) noexcept;

}  // namespace tcpvet::decode
