// IPv4 decoding, and the IP-layer result shared with the IPv6 decoder.
#pragma once

#include <cstdint>

#include "tcpvet/packet.hpp"

namespace tcpvet::decode {

enum class IpStatus : std::uint8_t {
    ok,         // header(s) decoded; `upper` starts at the upper-layer protocol
    truncated,  // the capture ends inside the IP header (or an IPv6 extension header)
    malformed,  // wrong version, IHL < 5, lengths that contradict each other
};

// What an IP decoder found. On truncated/malformed the fields decoded so far are kept.
struct IpResult {
    IpStatus status = IpStatus::malformed;
    std::uint8_t version = 0;
    std::uint8_t ttl = 0;       // hop limit for IPv6
    std::uint8_t protocol = 0;  // upper-layer protocol reached (or the header the walk stopped at)
    IpAddress src{};
    IpAddress dst{};
    ChecksumResult header_checksum = ChecksumResult::unverified;  // IPv4 only
    bool fragment = false;        // part of a fragmented datagram (first fragments included)
    bool first_fragment = false;  // offset 0 with more fragments: carries the upper-layer header
    // For a fragment: what reassembly needs (ip_reassembler.hpp's IpFragment).
    bool more_fragments = false;
    std::uint8_t fragment_protocol = 0;  // IPv6: the Fragment header's next header
    std::uint32_t fragment_id = 0;       // IPv4 identification or IPv6 Fragment header id
    std::uint32_t fragment_offset = 0;   // in bytes
    Bytes fragment_data{};               // the fragmentable part (IPv4: the payload)
    std::uint32_t fragment_claimed = 0;  // its length as the header claims it
    // False when an upper-layer checksum cannot be judged from this packet alone: the length
    // was inferred (TSO, length field 0) or an IPv6 routing header changes the final destination.
    bool checksum_verifiable = true;
    Bytes upper{};                    // captured upper-layer bytes, trimmed to the claimed length
    std::uint32_t upper_claimed = 0;  // upper-layer length as the IP header claims it
};

// Decodes an IPv4 packet. `packet` is what was captured of it; `reported_len` is its length
// on the wire (from the frame's wire length), used when the total-length field is 0 (TSO).
[[nodiscard]] IpResult decode_ipv4(Bytes packet, std::uint32_t reported_len) noexcept;

}  // namespace tcpvet::decode
