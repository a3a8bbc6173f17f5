// Helpers the fuzz targets share: read every byte of a view (so ASan checks it) and trap on broken invariants.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "tcpvet/packet.hpp"

namespace tcpvet::fuzz {

// Folds values into one number the optimiser cannot drop; published through a volatile at the end.
class Sink {
public:
    template <typename T>
    void add(T value) noexcept {
        m_sum = m_sum * 31U + static_cast<std::uint64_t>(value);
    }
    // Reads every byte: a view that points outside its buffer becomes an ASan report here.
    void add_bytes(Bytes bytes) noexcept {
        for (const std::byte b : bytes) {
            add(std::to_integer<std::uint8_t>(b));
        }
    }
    void add_text(std::string_view text) noexcept {
        for (const char c : text) {
            add(static_cast<unsigned char>(c));
        }
    }
    void publish() const noexcept;

private:
    std::uint64_t m_sum = 0;
};

inline volatile std::uint64_t g_sink = 0;

inline void Sink::publish() const noexcept { g_sink = g_sink + m_sum; }

// A broken contract is a crash for libFuzzer (and for the replay runner).
inline void require(bool condition) noexcept {
    if (!condition) {
        __builtin_trap();
    }
}

// True when `inner` lies inside `outer` (an empty view is inside anything).
inline bool within(Bytes inner, Bytes outer) noexcept {
    if (inner.empty()) {
        return true;
    }
    const auto* lo = outer.data();
    const auto* hi = outer.data() + outer.size();
    return !std::less<const std::byte*>{}(inner.data(), lo) &&
           !std::less<const std::byte*>{}(hi, inner.data() + inner.size());
}

// Touches every field of a decoded packet, and the payload bytes.
inline void touch_packet(Sink& sink, const DecodedPacket& packet) noexcept {
    sink.add(packet.frame);
    sink.add(packet.ts_ns);
    sink.add(packet.caplen);
    sink.add(packet.wire_len);
    sink.add(packet.link_type);
    sink.add(static_cast<unsigned>(packet.cls));
    sink.add(static_cast<unsigned>(packet.truncated_at));
    sink.add(packet.ip_version);
    sink.add(packet.ttl);
    sink.add(packet.ip_protocol);
    sink.add(packet.fragment_first);
    for (const std::uint8_t b : packet.src.bytes) sink.add(b);
    for (const std::uint8_t b : packet.dst.bytes) sink.add(b);
    sink.add(packet.src.family);
    sink.add(packet.dst.family);
    sink.add(static_cast<unsigned>(packet.ip_checksum));
    const TcpHeader& tcp = packet.tcp;
    sink.add(tcp.src_port);
    sink.add(tcp.dst_port);
    sink.add(tcp.seq);
    sink.add(tcp.ack);
    sink.add(tcp.data_offset);
    sink.add(tcp.reserved);
    sink.add(tcp.flags);
    sink.add(tcp.window);
    sink.add(tcp.checksum);
    sink.add(tcp.urgent_pointer);
    const TcpOptions& options = tcp.options;
    require(options.sack_count <= TcpOptions::k_max_sack_blocks);
    require(options.other_count <= TcpOptions::k_max_other);
    sink.add(options.mss);
    sink.add(options.window_scale);
    sink.add(options.has_mss);
    sink.add(options.has_window_scale);
    sink.add(options.sack_permitted);
    sink.add(options.has_timestamps);
    sink.add(options.malformed);
    sink.add(options.ts_val);
    sink.add(options.ts_ecr);
    for (std::size_t i = 0; i < options.sack_count; ++i) {
        sink.add(options.sack[i].left);
        sink.add(options.sack[i].right);
    }
    for (std::size_t i = 0; i < options.other_count; ++i) {
        sink.add(options.other[i].kind);
        sink.add(options.other[i].length);
    }
    sink.add(static_cast<unsigned>(packet.tcp_checksum));
    sink.add(packet.payload_len);
    // The payload is the captured part of what the IP length claims: never more.
    require(packet.payload.size() <= packet.payload_len);
    sink.add_bytes(packet.payload);
}

}  // namespace tcpvet::fuzz
