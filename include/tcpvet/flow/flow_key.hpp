// The canonical bidirectional 5-tuple: both directions of a conversation map to one key.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

#include "tcpvet/packet.hpp"

namespace tcpvet::flow {

struct Endpoint {
    IpAddress addr{};
    std::uint16_t port = 0;

    friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// Side `a` is the smaller (address, port) pair, so the key is symmetric; 40 bytes, no padding holes.
struct FlowKey {
    std::array<std::uint64_t, 2> addr_a{};
    std::array<std::uint64_t, 2> addr_b{};
    std::uint16_t port_a = 0;
    std::uint16_t port_b = 0;
    std::uint8_t family = 0;
    // The tunnel context (24 bits: an EncapsulationTable number) under --tunnel-key, else 0.
    std::uint8_t context_high = 0;
    std::uint16_t context_low = 0;

    [[nodiscard]] std::uint32_t context() const noexcept { return (std::uint32_t{context_high} << 16U) | context_low; }

    // Word by word: the defaulted comparison calls memcmp, once per packet for a 40-byte key.
    friend bool operator==(const FlowKey& x, const FlowKey& y) noexcept {
        return ((x.addr_a[0] ^ y.addr_a[0]) | (x.addr_a[1] ^ y.addr_a[1]) | (x.addr_b[0] ^ y.addr_b[0]) |
                (x.addr_b[1] ^ y.addr_b[1])) == 0 &&
               x.port_a == y.port_a && x.port_b == y.port_b && x.family == y.family && x.context_low == y.context_low &&
               x.context_high == y.context_high;
    }
};

// Builds the key of a packet; `src_is_a` tells which side of the key sent it. `context` keeps
// conversations of different tunnels apart (0: keyed by the inner 5-tuple alone, as Wireshark).
[[nodiscard]] FlowKey make_flow_key(const IpAddress& src, std::uint16_t src_port, const IpAddress& dst,
                                    std::uint16_t dst_port, bool& src_is_a, std::uint32_t context = 0) noexcept;
// The key of a decoded TCP packet, in its tunnel context.
[[nodiscard]] FlowKey make_flow_key(const DecodedPacket& packet, bool& src_is_a) noexcept;

// Symmetric by construction (hashes the canonical key); used by the flow table and thread sharding.
[[nodiscard]] std::uint64_t hash_flow_key(const FlowKey& key) noexcept;

[[nodiscard]] Endpoint endpoint_a(const FlowKey& key) noexcept;
[[nodiscard]] Endpoint endpoint_b(const FlowKey& key) noexcept;

}  // namespace tcpvet::flow
