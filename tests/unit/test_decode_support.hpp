// Helpers shared by the decoder tests: decode a byte array, build frames on other link types.
#pragma once

#include <pcap/dlt.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "tcpvet/decode/dispatch.hpp"
#include "tcpvet/packet.hpp"

namespace tcpvet::test_support {

inline constexpr std::size_t k_ethernet_header = 14;

// A heap copy of exactly `n` bytes, so AddressSanitizer reports any read past the end.
inline std::vector<std::byte> copy_prefix(std::span<const std::uint8_t> bytes, std::size_t n) {
    std::vector<std::byte> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = static_cast<std::byte>(bytes[i]);
    }
    return out;
}

inline std::vector<std::byte> to_bytes(std::span<const std::uint8_t> bytes) { return copy_prefix(bytes, bytes.size()); }

// A decoded packet together with the bytes its payload view points into.
struct OwnedPacket : DecodedPacket {
    std::vector<std::byte> bytes;
};

// Decodes the first `caplen` bytes of `frame` as captured with wire length `wire_len`
// (default: the whole frame was on the wire).
inline OwnedPacket decode_bytes(int link_type, std::span<const std::uint8_t> frame, std::size_t caplen,
                                std::size_t wire_len) {
    OwnedPacket packet;
    packet.bytes = copy_prefix(frame, caplen);
    decode::decode_frame(link_type, packet.bytes, static_cast<std::uint32_t>(wire_len), packet);
    return packet;  // moving the vector keeps its heap buffer, so payload stays valid
}

inline OwnedPacket decode_bytes(int link_type, std::span<const std::uint8_t> frame) {
    return decode_bytes(link_type, frame, frame.size(), frame.size());
}

inline OwnedPacket decode_ethernet(std::span<const std::uint8_t> frame) { return decode_bytes(DLT_EN10MB, frame); }

// `header` followed by `frame` with its Ethernet header removed (the IP packet).
inline std::vector<std::uint8_t> relink(std::initializer_list<std::uint8_t> header,
                                        std::span<const std::uint8_t> ethernet_frame) {
    std::vector<std::uint8_t> out(header);
    out.insert(out.end(), ethernet_frame.begin() + k_ethernet_header, ethernet_frame.end());
    return out;
}

inline IpAddress ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    IpAddress address;
    address.family = 4;
    address.bytes[0] = a;
    address.bytes[1] = b;
    address.bytes[2] = c;
    address.bytes[3] = d;
    return address;
}

inline IpAddress ipv6_loopback() {
    IpAddress address;
    address.family = 6;
    address.bytes[15] = 1;
    return address;
}

}  // namespace tcpvet::test_support
