// Link layers: Ethernet (+ stacked VLAN tags), Linux SLL/SLL2, raw IP, BSD NULL and LOOP.
#include "tcpvet/decode/link.hpp"

#include <pcap/dlt.h>

#include "tcpvet/byte_reader.hpp"

namespace tcpvet::decode {

namespace {

constexpr std::uint16_t k_ethertype_ipv4 = 0x0800;
constexpr std::uint16_t k_ethertype_ipv6 = 0x86dd;
constexpr std::uint16_t k_ethertype_vlan = 0x8100;       // IEEE 802.1Q C-tag
constexpr std::uint16_t k_ethertype_qinq = 0x88a8;       // IEEE 802.1ad S-tag
constexpr std::uint16_t k_ethertype_qinq_old = 0x9100;  // pre-802.1ad QinQ, still seen
constexpr std::uint16_t k_max_8023_length = 1500;        // below this the field is an 802.3 length

// linktype.h values that pcap/dlt.h does not define as DLT_ constants.
constexpr int k_linktype_raw = 101;    // LINKTYPE_RAW, what pcap files store for DLT_RAW
constexpr int k_dlt_raw_bsdos = 14;    // DLT_RAW on BSD/OS; 12 elsewhere (and DLT_LOOP on OpenBSD)

// BSD address families as they appear in DLT_NULL / DLT_LOOP headers. AF_INET6 differs per
// OS: 24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS (Wireshark's BSD_AF_INET6_*).
constexpr std::uint32_t k_af_inet = 2;
constexpr std::uint32_t k_af_inet6_bsd = 24;
constexpr std::uint32_t k_af_inet6_freebsd = 28;
constexpr std::uint32_t k_af_inet6_darwin = 30;

constexpr std::size_t k_sll_header = 16;
constexpr std::size_t k_sll2_header = 20;

bool is_vlan_ethertype(std::uint16_t ethertype) noexcept {
    return ethertype == k_ethertype_vlan || ethertype == k_ethertype_qinq || ethertype == k_ethertype_qinq_old;
}

// Follows an ethertype through any number of VLAN tags (each 2 bytes TCI + 2 bytes ethertype);
// every tag consumes 4 bytes, so the walk is bounded by the frame.
LinkResult by_ethertype(std::uint16_t ethertype, ByteReader& reader) noexcept {
    LinkResult result;
    while (is_vlan_ethertype(ethertype)) {
        reader.skip(2);  // TCI: priority, DEI, VLAN id
        ethertype = reader.be16();
        if (reader.failed()) {
            result.network = Network::truncated;
            return result;
        }
        if (result.vlan_tags < 255) {
            ++result.vlan_tags;
        }
    }
    result.ethertype = ethertype;
    result.payload = reader.rest();
    switch (ethertype) {
        case k_ethertype_ipv4:
            result.network = Network::ipv4;
            break;
        case k_ethertype_ipv6:
            result.network = Network::ipv6;
            break;
        default:
            result.network = Network::other;  // ARP, LLDP, MPLS, 802.3 length (<= 1500) ...
            break;
    }
    return result;
}

LinkResult ethernet(Bytes frame) noexcept {
    ByteReader reader{frame};
    reader.skip(12);  // destination and source MAC
    const std::uint16_t type_or_length = reader.be16();
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    if (type_or_length <= k_max_8023_length) {
        // IEEE 802.3 length field: LLC/SNAP follows, never plain IP for our purposes.
        return LinkResult{.network = Network::other, .ethertype = type_or_length, .payload = reader.rest()};
    }
    return by_ethertype(type_or_length, reader);
}

// Linux cooked capture v1 (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html):
// packet type, ARPHRD, address length, 8 address bytes, protocol.
LinkResult linux_sll(Bytes frame) noexcept {
    ByteReader reader{frame};
    reader.skip(k_sll_header - 2);
    const std::uint16_t protocol = reader.be16();
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    return by_ethertype(protocol, reader);
}

// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2): protocol comes first, then reserved,
// interface index, ARPHRD, packet type, address length and 8 address bytes.
LinkResult linux_sll2(Bytes frame) noexcept {
    ByteReader reader{frame};
    const std::uint16_t protocol = reader.be16();
    reader.skip(k_sll2_header - 2);
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    return by_ethertype(protocol, reader);
}

LinkResult by_address_family(std::uint32_t family, Bytes payload) noexcept {
    LinkResult result{.network = Network::other, .payload = payload};
    if (family == k_af_inet) {
        result.network = Network::ipv4;
    } else if (family == k_af_inet6_bsd || family == k_af_inet6_freebsd || family == k_af_inet6_darwin) {
        result.network = Network::ipv6;
    }
    return result;
}

// DLT_NULL: a 4-byte AF value in the capturing host's byte order. As Wireshark does
// (packet-null.c), a value with its upper 16 bits set must be the other byte order.
LinkResult bsd_null(Bytes frame) noexcept {
    ByteReader reader{frame};
    std::uint32_t family = reader.be32();
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    if ((family & 0xffff0000U) != 0) {
        family = ((family & 0x000000ffU) << 24U) | ((family & 0x0000ff00U) << 8U) |
                 ((family & 0x00ff0000U) >> 8U) | ((family & 0xff000000U) >> 24U);
    }
    return by_address_family(family, reader.rest());
}

// DLT_LOOP (OpenBSD loopback): the same AF value, always in network byte order.
LinkResult bsd_loop(Bytes frame) noexcept {
    ByteReader reader{frame};
    const std::uint32_t family = reader.be32();
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    return by_address_family(family, reader.rest());
}

}  // namespace

LinkResult decode_link(int link_type, Bytes frame) noexcept {
    switch (link_type) {
        case DLT_EN10MB:
            return ethernet(frame);
        case DLT_LINUX_SLL:
            return linux_sll(frame);
        case DLT_LINUX_SLL2:
            return linux_sll2(frame);
        case DLT_RAW:
#if DLT_RAW != 14
        case k_dlt_raw_bsdos:
#endif
        case k_linktype_raw:
            return LinkResult{.network = Network::raw_ip, .payload = frame};
        case DLT_IPV4:
            return LinkResult{.network = Network::ipv4, .payload = frame};
        case DLT_IPV6:
            return LinkResult{.network = Network::ipv6, .payload = frame};
        case DLT_NULL:
            return bsd_null(frame);
        case DLT_LOOP:
            return bsd_loop(frame);
        default:
            return LinkResult{.network = Network::unsupported};
    }
}

}  // namespace tcpvet::decode
