// IPv6 (RFC 8200): fixed header, then extension headers until the upper-layer protocol.
#include "tcpvet/decode/ipv6.hpp"

#include <algorithm>
#include <cstddef>

#include "tcpvet/byte_reader.hpp"

namespace tcpvet::decode {

namespace {

constexpr std::size_t k_fixed_header = 40;

constexpr std::uint8_t k_hop_by_hop = 0;
constexpr std::uint8_t k_routing = 43;
constexpr std::uint8_t k_fragment = 44;
constexpr std::uint8_t k_auth_header = 51;
constexpr std::uint8_t k_destination_options = 60;

void read_address(ByteReader& reader, IpAddress& address) noexcept {
    address.family = 6;
    for (auto& byte : address.bytes) {
        byte = reader.u8();
    }
}

// Walks the extension headers of `view` from `offset` (RFC 8200 §4) to the upper layer, filling
// `result`; `claimed` is the length the header claims for all of `view`.
void walk_extensions(IpResult& result, Bytes view, std::size_t offset, std::size_t claimed,
                     std::uint8_t next_header) noexcept {
    // Each extension header needs `length` bytes at `offset`: past the claimed length the
    // packet contradicts itself; past the captured bytes it was merely cut.
    const auto fits = [&](std::size_t length) noexcept {
        if (offset + length > claimed) {
            result.status = IpStatus::malformed;
            return false;
        }
        if (offset + length > view.size()) {
            result.status = IpStatus::truncated;
            return false;
        }
        return true;
    };

    // Every header consumes at least 8 bytes of `view`, so this loop is bounded by the capture.
    for (;;) {
        result.protocol = next_header;
        switch (next_header) {
        case k_hop_by_hop:
        case k_routing:
        case k_destination_options: {
            if (!fits(8)) {
                return;
            }
            ByteReader ext{view.subspan(offset)};
            const std::uint8_t following = ext.u8();
            const std::size_t length = (std::size_t{ext.u8()} + 1) * 8;  // RFC 8200 §4.3-4.6
            if (next_header == k_routing) {
                ext.skip(1);  // routing type
                if (ext.u8() != 0) {
                    // Segments left: the pseudo-header uses the final destination, which
                    // is not the header's dst (RFC 8200 §8.1); do not judge the checksum.
                    result.checksum_verifiable = false;
                }
            }
            if (!fits(length)) {
                return;
            }
            offset += length;
            next_header = following;
            break;
        }
        case k_auth_header: {
            if (!fits(8)) {
                return;
            }
            ByteReader ext{view.subspan(offset)};
            const std::uint8_t following = ext.u8();
            const std::size_t length = (std::size_t{ext.u8()} + 2) * 4;  // RFC 4302 §2.2
            if (!fits(length)) {
                return;
            }
            offset += length;
            next_header = following;
            break;
        }
        case k_fragment: {
            if (!fits(8)) {
                return;
            }
            ByteReader ext{view.subspan(offset)};
            const std::uint8_t following = ext.u8();
            ext.skip(1);  // reserved
            const std::uint16_t offset_flags = ext.be16();
            const bool nonzero_offset = (offset_flags >> 3U) != 0;
            const bool more_fragments = (offset_flags & 1U) != 0;
            const std::uint32_t identification = ext.be32();
            offset += 8;
            next_header = following;
            if (result.fragment) {
                // A second Fragment header: what follows the first is already a fragment's
                // middle, whose own headers are not this packet's. Stop at it.
                result.upper = view.subspan(offset - 8);
                result.upper_claimed = static_cast<std::uint32_t>(claimed - (offset - 8));
                result.status = IpStatus::ok;
                return;
            }
            // Offset 0 without M is an atomic fragment (RFC 6946): a whole datagram.
            result.fragment = nonzero_offset || more_fragments;
            result.first_fragment = more_fragments && !nonzero_offset;
            if (result.fragment) {
                result.more_fragments = more_fragments;
                result.fragment_protocol = following;
                result.fragment_id = identification;
                result.fragment_offset = static_cast<std::uint32_t>(offset_flags >> 3U) * 8;
                result.fragment_data = view.subspan(offset);
                result.fragment_claimed = static_cast<std::uint32_t>(claimed - offset);
            }
            if (nonzero_offset) {
                // The rest is the middle of some upper-layer payload: stop here.
                result.protocol = next_header;
                result.upper = view.subspan(offset);
                result.upper_claimed = static_cast<std::uint32_t>(claimed - offset);
                result.status = IpStatus::ok;
                return;
            }
            break;
        }
        default:
            // The upper layer (TCP, UDP, ICMPv6, ...) or a header we cannot walk (ESP 50,
            // No Next Header 59, unknown): stop with `protocol` naming it.
            result.upper = view.subspan(offset);
            result.upper_claimed = static_cast<std::uint32_t>(claimed - offset);
            result.status = IpStatus::ok;
            return;
        }
    }
}

}  // namespace

IpResult decode_ipv6(Bytes packet, std::uint32_t reported_len) noexcept {
    IpResult result;
    ByteReader reader{packet};
    reader.skip(4);  // version, traffic class, flow label
    const std::uint16_t payload_length = reader.be16();
    std::uint8_t next_header = reader.u8();
    result.ttl = reader.u8();
    read_address(reader, result.src);
    read_address(reader, result.dst);
    result.version = static_cast<std::uint8_t>(packet.empty() ? 0 : (std::to_integer<unsigned>(packet[0]) >> 4U));
    result.protocol = next_header;
    if (reader.failed()) {
        result.src = {};
        result.dst = {};
        result.status = (!packet.empty() && result.version != 6) ? IpStatus::malformed : IpStatus::truncated;
        return result;
    }
    if (result.version != 6) {
        result.status = IpStatus::malformed;
        return result;
    }

    std::size_t claimed = k_fixed_header + payload_length;
    if (payload_length == 0 && next_header != 59) {
        // Payload length 0 with a payload: a jumbogram (RFC 2675) or, far more often,
        // GSO/BIG TCP on the capturing host; as with IPv4 TSO, trust the wire length.
        claimed = std::max<std::size_t>(reported_len, packet.size());
        result.checksum_verifiable = false;
    }
    // Everything below reads within `view`: the captured bytes trimmed to the claimed length.
    const Bytes view = packet.first(std::min(claimed, packet.size()));
    walk_extensions(result, view, k_fixed_header, claimed, next_header);
    return result;
}

IpResult decode_ipv6_fragmentable(const IpResult& fixed, Bytes fragmentable, std::uint8_t next_header) noexcept {
    IpResult result = fixed;
    result.fragment = false;
    result.first_fragment = false;
    result.more_fragments = false;
    walk_extensions(result, fragmentable, 0, fragmentable.size(), next_header);
    return result;
}

}  // namespace tcpvet::decode
