// Capture counters: what the input held, before any TCP analysis.
#pragma once

#include <array>
#include <cstdint>
#include <limits>

#include "tcpvet/decode/ip_reassembler.hpp"
#include "tcpvet/packet.hpp"

namespace tcpvet::capture {

struct LinkTypeCount {
    int link_type = -1;
    std::uint64_t packets = 0;
    bool decoded = true;  // false: a link type tcpvet does not read (its frames count as non-IP)
};

struct CaptureStats {
    static constexpr std::size_t k_max_link_types = 8;

    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;           // sum of wire lengths
    std::uint64_t captured_bytes = 0;  // sum of caplens
    std::uint64_t tcp = 0;
    std::uint64_t non_ip = 0;
    std::uint64_t udp = 0;
    std::uint64_t icmp = 0;
    std::uint64_t other_ip = 0;
    std::uint64_t malformed = 0;
    std::uint64_t fragments = 0;                   // every IP fragment seen (first fragments included)
    bool ip_reassembly = true;                     // fragments were reassembled (--no-ip-reassembly: false)
    decode::ReassemblyStats reassembly{};          // what reassembly did, when on
    decode::ReassemblyLimits reassembly_limits{};  // the bounds it ran with
    std::uint64_t truncated = 0;                   // packets cut short at any layer
    std::array<std::uint64_t, 5> truncated_at{};   // indexed by Layer
    std::uint64_t bad_ip_checksum = 0;
    std::uint64_t bad_tcp_checksum = 0;
    std::uint64_t unverified_tcp_checksum = 0;
    std::uint64_t malformed_tcp_options = 0;
    std::uint64_t tunnelled = 0;  // frames whose innermost layer sat inside at least one encapsulation
    std::array<std::uint64_t, k_undecoded_reasons> undecoded{};  // indexed by Undecoded
    std::uint64_t encapsulations = 0;                            // distinct encapsulations TCP was found in
    std::uint64_t encapsulations_unrecorded = 0;                 // seen after the table was full: not named
    std::int64_t first_ts_ns = std::numeric_limits<std::int64_t>::max();
    std::int64_t last_ts_ns = std::numeric_limits<std::int64_t>::min();
    std::array<LinkTypeCount, k_max_link_types> link_types{};  // first k_max_link_types distinct types

    // Accounts one decoded frame.
    void count(const DecodedPacket& packet) noexcept;
    [[nodiscard]] bool empty() const noexcept { return packets == 0; }
    // Frames of link types tcpvet does not decode (each such type is named in link_types).
    [[nodiscard]] std::uint64_t undecoded_link_packets() const noexcept;
    // Frames that may carry TCP tcpvet could not reach (every Undecoded reason but none).
    [[nodiscard]] std::uint64_t undecoded_total() const noexcept;
};

// The report name of an Undecoded reason ("encrypted", "tunnel_truncated", ...).
[[nodiscard]] const char* undecoded_name(Undecoded reason) noexcept;

}  // namespace tcpvet::capture
