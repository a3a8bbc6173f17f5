// PPP (RFC 1661) raw, in HDLC-like framing (RFC 1662) and over PPPoE (RFC 2516), Cisco HDLC,
// and Frame Relay (RFC 2427 multiprotocol encapsulation, and Cisco's ethertype form).
#include "link_layers.hpp"

namespace tcpvet::decode::link_detail {

namespace {

// PPP protocol numbers (IANA PPP DLL protocol numbers) that carry a packet we follow.
constexpr std::uint16_t k_ppp_ipv4 = 0x0021;
constexpr std::uint16_t k_ppp_ipv6 = 0x0057;
constexpr std::uint16_t k_ppp_mpls = 0x0281;
constexpr std::uint16_t k_ppp_mpls_multicast = 0x0283;

constexpr std::uint8_t k_hdlc_all_stations = 0xff;  // RFC 1662 address
constexpr std::uint8_t k_hdlc_ui = 0x03;            // RFC 1662 control
constexpr std::uint8_t k_chdlc_unicast = 0x0f;      // Cisco HDLC address bytes
constexpr std::uint8_t k_chdlc_broadcast = 0x8f;

constexpr std::size_t k_pppoe_header = 6;  // version/type, code, session id, length

// Frame Relay: RFC 2427 NLPIDs after the UI control byte.
constexpr std::uint8_t k_nlpid_snap = 0x80;
constexpr std::uint8_t k_nlpid_ipv4 = 0xcc;
constexpr std::uint8_t k_nlpid_ipv6 = 0x8e;
constexpr std::size_t k_q922_max_address = 4;  // 2, 3 or 4 bytes, the last with EA set

// The payload named by a PPP protocol number, with its ethertype equivalent (MPLS goes on to
// the ethertype dispatcher as `other`).
LinkResult by_ppp_protocol(std::uint16_t protocol, ByteReader& reader) noexcept {
    switch (protocol) {
    case k_ppp_ipv4:
        return LinkResult{.network = Network::ipv4, .ethertype = k_ethertype_ipv4, .payload = reader.rest()};
    case k_ppp_ipv6:
        return LinkResult{.network = Network::ipv6, .ethertype = k_ethertype_ipv6, .payload = reader.rest()};
    case k_ppp_mpls:
        return LinkResult{.network = Network::other, .ethertype = k_ethertype_mpls, .payload = reader.rest()};
    case k_ppp_mpls_multicast:
        return LinkResult{.network = Network::other, .ethertype = k_ethertype_mpls_multicast, .payload = reader.rest()};
    default: return LinkResult{.network = Network::other, .payload = reader.rest()};  // LCP, IPCP, CHAP ...
    }
}

// A PPP protocol field at the cursor: one byte when its low bit is set (protocol-field
// compression, RFC 1661 section 6.5), two otherwise.
LinkResult ppp_protocol_field(ByteReader& reader) noexcept {
    const std::uint8_t first = reader.u8();
    std::uint16_t protocol = first;
    if ((first & 1U) == 0) {
        protocol = static_cast<std::uint16_t>((protocol << 8U) | reader.u8());
    }
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    return by_ppp_protocol(protocol, reader);
}

bool starts_with_hdlc_address(Bytes frame, std::uint8_t address) noexcept {
    return !frame.empty() && std::to_integer<std::uint8_t>(frame[0]) == address;
}

}  // namespace

// DLT_PPP: address and control may be present (ff 03) or elided; tcpdump and Wireshark both
// look at the first byte.
LinkResult ppp(Bytes frame) noexcept {
    ByteReader reader{frame};
    if (starts_with_hdlc_address(frame, k_hdlc_all_stations)) {
        reader.skip(2);
    }
    return ppp_protocol_field(reader);
}

// DLT_PPP_SERIAL: PPP in HDLC-like framing, or Cisco HDLC on the same link type (as Wireshark's
// packet-ppp.c accepts).
LinkResult ppp_serial(Bytes frame) noexcept {
    if (starts_with_hdlc_address(frame, k_chdlc_unicast) || starts_with_hdlc_address(frame, k_chdlc_broadcast)) {
        return cisco_hdlc(frame);
    }
    ByteReader reader{frame};
    const std::uint8_t address = reader.u8();
    const std::uint8_t control = reader.u8();
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    if (address != k_hdlc_all_stations || control != k_hdlc_ui) {
        return LinkResult{.network = Network::other, .payload = reader.rest()};
    }
    return ppp_protocol_field(reader);
}

// DLT_PPP_ETHER: a PPPoE header, then (in a session packet) the PPP protocol field.
LinkResult ppp_ether(Bytes frame) noexcept {
    ByteReader reader{frame};
    reader.skip(1);  // version and type
    const std::uint8_t code = reader.u8();
    reader.skip(k_pppoe_header - 2);
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    if (code != 0) {
        return LinkResult{.network = Network::other, .payload = reader.rest()};  // discovery: PADI, PADO ...
    }
    return ppp_protocol_field(reader);
}

// DLT_C_HDLC: address, control, then an ethertype (SLARP 0x8035 and CDP 0x2000 are `other`).
LinkResult cisco_hdlc(Bytes frame) noexcept {
    ByteReader reader{frame};
    reader.skip(2);
    const std::uint16_t protocol = reader.be16();
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    return by_ethertype(protocol, reader);
}

// DLT_FRELAY: a Q.922 address (its EA bit ends it), then either RFC 2427's UI control, an
// optional pad and an NLPID, or (Cisco's encapsulation) an ethertype.
LinkResult frame_relay(Bytes frame) noexcept {
    ByteReader reader{frame};
    std::size_t address_bytes = 0;
    for (;;) {
        const std::uint8_t octet = reader.u8();
        if (reader.failed()) {
            return LinkResult{.network = Network::truncated};
        }
        ++address_bytes;
        if ((octet & 1U) != 0) {
            break;
        }
        if (address_bytes == k_q922_max_address) {
            return LinkResult{.network = Network::other, .payload = reader.rest()};  // no EA bit: not Q.922
        }
    }
    const Bytes after_address = reader.rest();
    if (after_address.empty()) {
        return LinkResult{.network = Network::truncated};
    }
    if (std::to_integer<std::uint8_t>(after_address[0]) != k_hdlc_ui) {
        const std::uint16_t ethertype = reader.be16();
        if (reader.failed()) {
            return LinkResult{.network = Network::truncated};
        }
        return by_ethertype(ethertype, reader);
    }
    reader.skip(1);
    std::uint8_t nlpid = reader.u8();
    if (nlpid == 0) {
        nlpid = reader.u8();  // the pad RFC 2427 puts before SNAP
    }
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    switch (nlpid) {
    case k_nlpid_ipv4:
        return LinkResult{.network = Network::ipv4, .ethertype = k_ethertype_ipv4, .payload = reader.rest()};
    case k_nlpid_ipv6:
        return LinkResult{.network = Network::ipv6, .ethertype = k_ethertype_ipv6, .payload = reader.rest()};
    case k_nlpid_snap: {
        // SNAP without the LLC bytes: OUI then PID.
        const std::uint8_t oui_high = reader.u8();
        const std::uint16_t oui_low = reader.be16();
        const std::uint16_t pid = reader.be16();
        if (reader.failed()) {
            return LinkResult{.network = Network::truncated};
        }
        if (oui_high != 0 || oui_low != 0) {
            return LinkResult{.network = Network::other, .payload = reader.rest()};  // bridged 802.x
        }
        return by_ethertype(pid, reader);
    }
    default: return LinkResult{.network = Network::other, .payload = reader.rest()};  // Q.933, CLNP ...
    }
}

}  // namespace tcpvet::decode::link_detail
