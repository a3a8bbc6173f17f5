// One entry point from captured bytes to a DecodedPacket: link -> tunnels -> IP -> TCP.
#pragma once

#include "tcpvet/packet.hpp"

namespace tcpvet::decode {

// True for the link types the link decoder understands (Ethernet, SLL, SLL2, raw IP, NULL, LOOP).
[[nodiscard]] bool is_supported_link_type(int link_type) noexcept;

// How many encapsulations (tunnels, label stacks, PPPoE) one frame may nest; deeper ones are
// counted as Undecoded::depth_exceeded.
inline constexpr unsigned k_max_encapsulation_depth = 8;

// Decodes `captured` (caplen bytes of a frame whose wire length was `wire_len`) into `out`.
// Fills the class, layers, checksums and payload view; leaves frame, ts_ns untouched.
// Pure: never reads past `captured`, never allocates, throws or prints.
void decode_frame(int link_type, Bytes captured, std::uint32_t wire_len, DecodedPacket& out) noexcept;

}  // namespace tcpvet::decode
