// TCP header and option decoding (RFC 9293 §3.1, RFC 7323, RFC 2018).
#pragma once

#include <cstdint>

#include "tcpvet/packet.hpp"

namespace tcpvet::decode {

enum class TcpStatus : std::uint8_t {
    ok,         // the fixed 20-byte header was decoded (options or payload may still be cut)
    truncated,  // fewer than 20 bytes captured
    malformed,  // data offset < 5, or a header longer than the IP layer claims for the segment
};

struct TcpResult {
    TcpStatus status = TcpStatus::malformed;
    Layer truncated_at = Layer::none;  // tcp_options (options cut) or tcp (payload cut), when ok
    std::uint32_t header_len = 0;      // data offset in bytes
    std::uint32_t payload_len = 0;     // claimed segment length minus the header (tshark's tcp.len)
    Bytes payload{};                   // the captured part of the payload
};

// Decodes a TCP segment. `segment` is its captured bytes (already trimmed to the IP length);
// `claimed_len` is the segment length the IP header claims. Fills `out` as far as it could read.
[[nodiscard]] TcpResult decode_tcp(Bytes segment, std::uint32_t claimed_len, TcpHeader& out) noexcept;

// Walks an option list (the bytes between the fixed header and the data offset). A bad
// length, a wrong fixed length for a known kind or an option running past `options` ends the
// walk and sets `out.malformed`; EOL ends it cleanly.
void decode_tcp_options(Bytes options, TcpOptions& out) noexcept;

}  // namespace tcpvet::decode
