// CaptureStats::count: per-frame accounting of what the input held, before TCP analysis.
#include "tcpvet/capture/capture_stats.hpp"

#include <algorithm>
#include <cstddef>

#include "tcpvet/decode/dispatch.hpp"

namespace tcpvet::capture {

void CaptureStats::count(const DecodedPacket& packet) noexcept {
    ++packets;
    bytes += packet.wire_len;
    captured_bytes += packet.caplen;

    switch (packet.cls) {
    case PacketClass::tcp: ++tcp; break;
    case PacketClass::non_ip: ++non_ip; break;
    case PacketClass::udp: ++udp; break;
    case PacketClass::icmp: ++icmp; break;
    case PacketClass::other_ip: ++other_ip; break;
    case PacketClass::malformed: ++malformed; break;
    case PacketClass::ip_fragment:
    case PacketClass::truncated: break;  // counted below, as fragments and truncated
    }
    // Every fragment counts, also the one that completed a datagram (or, unreassembled, a
    // first fragment analysed as TCP).
    if (packet.ip_fragment) {
        ++fragments;
    }
    if (packet.truncated_at != Layer::none) {
        ++truncated;
        const auto layer = static_cast<std::size_t>(packet.truncated_at);
        if (layer < truncated_at.size()) {
            ++truncated_at[layer];
        }
    }
    if (packet.tunnel_depth != 0) {
        ++tunnelled;
    }
    if (packet.undecoded != Undecoded::none) {
        const auto reason = static_cast<std::size_t>(packet.undecoded);
        if (reason < undecoded.size()) {
            ++undecoded[reason];
        }
    }
    if (packet.ip_checksum == ChecksumResult::bad) {
        ++bad_ip_checksum;
    }
    if (packet.cls == PacketClass::tcp) {
        if (packet.tcp_checksum == ChecksumResult::bad) {
            ++bad_tcp_checksum;
        } else if (packet.tcp_checksum == ChecksumResult::unverified) {
            ++unverified_tcp_checksum;
        }
        if (packet.tcp.options.malformed) {
            ++malformed_tcp_options;
        }
    }
    // Min/max rather than first/last seen: merged or reordered inputs need not be in time order.
    first_ts_ns = std::min(first_ts_ns, packet.ts_ns);
    last_ts_ns = std::max(last_ts_ns, packet.ts_ns);

    for (auto& entry : link_types) {
        if (entry.link_type == packet.link_type) {
            ++entry.packets;
            return;
        }
        if (entry.link_type == -1) {
            entry.link_type = packet.link_type;
            entry.packets = 1;
            entry.decoded = decode::is_supported_link_type(packet.link_type);  // once per link type
            return;
        }
    }
    // More than k_max_link_types distinct link types: the rest are counted in `packets` only.
}

std::uint64_t CaptureStats::undecoded_link_packets() const noexcept {
    std::uint64_t total = 0;
    for (const LinkTypeCount& entry : link_types) {
        if (entry.link_type >= 0 && !entry.decoded) total += entry.packets;
    }
    return total;
}

std::uint64_t CaptureStats::undecoded_total() const noexcept {
    std::uint64_t total = 0;
    for (std::size_t i = 1; i < undecoded.size(); ++i) {
        total += undecoded[i];
    }
    return total;
}

const char* undecoded_name(Undecoded reason) noexcept {
    switch (reason) {
    case Undecoded::none: return "none";
    case Undecoded::encrypted: return "encrypted";
    case Undecoded::compressed: return "compressed";
    case Undecoded::tunnel_malformed: return "tunnel_malformed";
    case Undecoded::tunnel_truncated: return "tunnel_truncated";
    case Undecoded::tunnel_protocol: return "tunnel_protocol";
    case Undecoded::depth_exceeded: return "depth_exceeded";
    }
    return "none";
}

}  // namespace tcpvet::capture
