// MPLS label stacks and PPPoE sessions: the ethertype-named layers between a link and its IP.
#include "tcpvet/byte_reader.hpp"
#include "tcpvet/decode/tunnel.hpp"

namespace tcpvet::decode {

namespace {

constexpr std::uint8_t k_bottom_of_stack = 0x01;  // in the third byte of a label entry
constexpr std::size_t k_label_entry = 4;
constexpr std::size_t k_pseudowire_control_word = 4;
constexpr std::uint8_t k_pppoe_version_type = 0x11;
constexpr std::uint8_t k_pppoe_code_session = 0x00;

constexpr std::uint16_t k_ppp_ipv4 = 0x0021;
constexpr std::uint16_t k_ppp_ipv6 = 0x0057;
constexpr std::uint16_t k_ppp_mpls_unicast = 0x0281;
constexpr std::uint16_t k_ppp_mpls_multicast = 0x0283;

// What follows the bottom of the stack: no protocol field names it.
Inner mpls_payload(ByteReader& reader) noexcept {
    const Bytes payload = reader.rest();
    if (payload.empty()) {
        return Inner{.kind = InnerKind::truncated};
    }
    // No protocol field follows the stack: IP by its version nibble, as Wireshark and Zeek
    // guess; a first nibble of 0 is the pseudowire control word (RFC 4385) before Ethernet.
    switch (std::to_integer<unsigned>(payload[0]) >> 4U) {
    case 4:
    case 6: return Inner{.kind = InnerKind::ip, .payload = payload};
    case 0: {
        if (!reader.skip(k_pseudowire_control_word)) {
            return Inner{.kind = InnerKind::truncated};
        }
        return Inner{.kind = InnerKind::ethernet, .payload = reader.rest()};
    }
    default: return Inner{.kind = InnerKind::ethernet, .payload = payload};
    }
}

}  // namespace

std::uint16_t ppp_protocol_ethertype(std::uint16_t protocol) noexcept {
    switch (protocol) {
    case k_ppp_ipv4: return ethertype::ipv4;
    case k_ppp_ipv6: return ethertype::ipv6;
    case k_ppp_mpls_unicast: return ethertype::mpls_unicast;
    case k_ppp_mpls_multicast: return ethertype::mpls_multicast;
    default: return 0;  // LCP, IPCP, CHAP, ...: control traffic, no packet inside
    }
}

Inner decode_mpls(Bytes labels) noexcept {
    ByteReader reader{labels};
    // Every entry consumes four bytes, so the walk ends with the frame at the latest.
    std::uint32_t bottom_label = 0;
    while (true) {
        const Bytes entry = reader.bytes(k_label_entry);
        if (reader.failed()) {
            return Inner{.kind = InnerKind::truncated};
        }
        bottom_label = (std::to_integer<std::uint32_t>(entry[0]) << 12U) |
                       (std::to_integer<std::uint32_t>(entry[1]) << 4U) |
                       (std::to_integer<std::uint32_t>(entry[2]) >> 4U);
        if ((std::to_integer<unsigned>(entry[2]) & k_bottom_of_stack) != 0) {
            break;
        }
    }
    Inner inner = mpls_payload(reader);
    if (inner.kind != InnerKind::truncated) {
        // The bottom label names the service (the VPN or pseudowire); the labels above it change
        // hop by hop.
        inner.tunnel = TunnelKind::mpls;
        inner.has_id = true;
        inner.id = bottom_label;
    }
    return inner;
}

Inner decode_pppoe_session(Bytes session) noexcept {
    ByteReader reader{session};
    const std::uint8_t version_type = reader.u8();
    const std::uint8_t code = reader.u8();
    const std::uint16_t session_id = reader.be16();
    const std::uint16_t length = reader.be16();
    const std::uint16_t protocol = reader.be16();
    if (reader.failed()) {
        return Inner{.kind = InnerKind::truncated};
    }
    if (version_type != k_pppoe_version_type || code != k_pppoe_code_session || length < 2) {
        return Inner{.kind = InnerKind::malformed};
    }
    const std::uint16_t type = ppp_protocol_ethertype(protocol);
    if (type == 0) {
        return Inner{.kind = InnerKind::other};
    }
    // The PPPoE length covers the PPP protocol field and payload; it drops Ethernet padding.
    Bytes payload = reader.rest();
    const std::size_t claimed = std::size_t{length} - 2;
    if (payload.size() > claimed) {
        payload = payload.first(claimed);
    }
    return Inner{.kind = InnerKind::ethertype,
                 .ethertype = type,
                 .payload = payload,
                 .tunnel = TunnelKind::pppoe,
                 .has_id = true,
                 .id = session_id};
}

}  // namespace tcpvet::decode
