// Internet checksum (RFC 1071) for the IPv4 header and TCP over IPv4/IPv6 pseudo-headers.
#pragma once

#include <cstdint>

#include "tcpvet/packet.hpp"

namespace tcpvet::decode {

// Adds `data` as big-endian 16-bit words to a running one's-complement sum (unfolded).
// An odd trailing byte is padded with zero, so only the last piece of a sum may be odd.
[[nodiscard]] std::uint64_t checksum_add(std::uint64_t sum, Bytes data) noexcept;

// Folds a running sum to 16 bits (end-around carry), without the final complement.
[[nodiscard]] std::uint16_t checksum_fold(std::uint64_t sum) noexcept;

// ok when the IPv4 header (checksum field included) sums to 0xffff, else bad.
[[nodiscard]] ChecksumResult verify_ipv4_header(Bytes header) noexcept;

// Verifies a complete TCP segment (header + payload, as sent) against the pseudo-header
// of RFC 9293 §3.1 (IPv4) or RFC 8200 §8.1 (IPv6). `src`/`dst` carry the family.
[[nodiscard]] ChecksumResult verify_tcp(const IpAddress& src, const IpAddress& dst, Bytes segment) noexcept;

}  // namespace tcpvet::decode
