// Link layers: Ethernet (+ stacked VLAN tags, 802.3 LLC/SNAP), Linux SLL/SLL2, raw IP, BSD NULL
// and LOOP, and the one switch over every link type (the other families live in link_*.cpp).
#include "tcpvet/decode/link.hpp"

#include <pcap/dlt.h>

#include <bit>

#include "l2_tags.hpp"
#include "link_layers.hpp"
#include "tcpvet/byte_reader.hpp"

namespace tcpvet::decode {

namespace link_detail {

namespace {

constexpr std::uint16_t k_ethertype_vlan = 0x8100;      // IEEE 802.1Q C-tag
constexpr std::uint16_t k_ethertype_qinq = 0x88a8;      // IEEE 802.1ad S-tag
constexpr std::uint16_t k_ethertype_qinq_old = 0x9100;  // pre-802.1ad QinQ, still seen
constexpr std::uint16_t k_max_8023_length = 1500;       // below this the field is an 802.3 length

// linktype.h values that pcap/dlt.h does not define as DLT_ constants.
constexpr int k_linktype_raw = 101;  // LINKTYPE_RAW, what pcap files store for DLT_RAW
constexpr int k_dlt_raw_bsdos = 14;  // DLT_RAW on BSD/OS; 12 elsewhere (and DLT_LOOP on OpenBSD)

// BSD address families as they appear in DLT_NULL / DLT_LOOP headers. AF_INET6 differs per
// OS: 24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS (Wireshark's BSD_AF_INET6_*).
constexpr std::uint32_t k_af_inet = 2;
constexpr std::uint32_t k_af_inet6_bsd = 24;
constexpr std::uint32_t k_af_inet6_freebsd = 28;
constexpr std::uint32_t k_af_inet6_darwin = 30;

// LINKTYPE_ values pcap/dlt.h may lack or define differently per platform.
constexpr int k_dlt_ppp_serial = 50;
constexpr int k_dlt_ppp_ether = 51;
constexpr int k_dlt_arcnet = 7;
constexpr int k_dlt_arcnet_linux = 129;
constexpr int k_dlt_juniper_ether = 178;
constexpr int k_dlt_ipnet = 226;
constexpr int k_dlt_ipoib = 242;
constexpr int k_dlt_nflog = 239;
constexpr int k_dlt_pflog = 117;
constexpr int k_dlt_ppi = 192;
constexpr int k_dlt_frelay = 107;
constexpr int k_dlt_c_hdlc = 104;
constexpr int k_dlt_ieee802_11 = 105;
constexpr int k_dlt_ieee802_11_radio = 127;

// Linux SLL protocol values that are not ethertypes (if_ether.h ETH_P_802_2).
constexpr std::uint16_t k_sll_protocol_802_2 = 0x0004;

// IEEE 802.2 LLC: SNAP's SAPs and UI control (RFC 1042), and the SNAP OUIs whose PID is an
// ethertype (00-00-00, and 00-00-F8 for Cisco's 802.1H bridge tunnel).
constexpr std::uint8_t k_llc_sap_snap = 0xaa;
constexpr std::uint8_t k_llc_sap_ip = 0x06;  // IP directly over LLC (RFC 948), rare
constexpr std::uint8_t k_llc_ui = 0x03;
constexpr std::uint32_t k_oui_encapsulated_ethernet = 0x000000;
constexpr std::uint32_t k_oui_cisco_bridge_tunnel = 0x0000f8;

constexpr std::size_t k_sll_header = 16;
constexpr std::size_t k_sll2_header = 20;

bool is_vlan_ethertype(std::uint16_t ethertype) noexcept {
    return ethertype == k_ethertype_vlan || ethertype == k_ethertype_qinq || ethertype == k_ethertype_qinq_old;
}

}  // namespace

// Follows an ethertype through any number of VLAN tags (each 2 bytes TCI + 2 bytes ethertype)
// and the PBB, VN-Tag, E-Tag and FabricPath headers (l2_tags.cpp); every step consumes bytes,
// so the walk is bounded by the frame.
LinkResult by_ethertype(std::uint16_t ethertype, ByteReader& reader) noexcept {
    LinkResult result;
    for (;;) {
        const bool vlan = is_vlan_ethertype(ethertype);
        if (vlan) {
            reader.skip(2);  // TCI: priority, DEI, VLAN id
            ethertype = reader.be16();
        } else if (!may_be_l2_tag(ethertype) || !step_l2_tag(ethertype, reader)) {
            break;
        }
        if (reader.failed()) {
            result.network = Network::truncated;
            return result;
        }
        if (vlan && result.vlan_tags < 255) {
            ++result.vlan_tags;
        }
    }
    result.ethertype = ethertype;
    result.payload = reader.rest();
    switch (ethertype) {
    case k_ethertype_ipv4: result.network = Network::ipv4; break;
    case k_ethertype_ipv6: result.network = Network::ipv6; break;
    default:
        result.network = Network::other;  // ARP, LLDP, MPLS, PPPoE ...
        break;
    }
    return result;
}

LinkResult by_llc(ByteReader& reader) noexcept {
    const std::uint8_t dsap = reader.u8();
    const std::uint8_t ssap = reader.u8();
    const std::uint8_t control = reader.u8();
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    if (dsap == k_llc_sap_ip && ssap == k_llc_sap_ip && control == k_llc_ui) {
        return LinkResult{.network = Network::ipv4, .ethertype = k_ethertype_ipv4, .payload = reader.rest()};
    }
    if (dsap != k_llc_sap_snap || ssap != k_llc_sap_snap || control != k_llc_ui) {
        return LinkResult{.network = Network::other, .payload = reader.rest()};  // STP, NetBIOS, IPX ...
    }
    const std::uint32_t oui_high = reader.u8();
    const std::uint32_t oui = (oui_high << 16U) | reader.be16();
    const std::uint16_t pid = reader.be16();
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    if (oui != k_oui_encapsulated_ethernet && oui != k_oui_cisco_bridge_tunnel) {
        return LinkResult{.network = Network::other, .payload = reader.rest()};  // 802.1 bridged, CDP ...
    }
    return by_ethertype(pid, reader);
}

LinkResult raw_ip(Bytes payload) noexcept { return LinkResult{.network = Network::raw_ip, .payload = payload}; }

std::uint16_t le16(ByteReader& reader) noexcept {
    const std::uint16_t be = reader.be16();
    return static_cast<std::uint16_t>((be >> 8U) | (be << 8U));
}

std::uint32_t le32(ByteReader& reader) noexcept {
    const std::uint32_t low = le16(reader);
    return low | (std::uint32_t{le16(reader)} << 16U);
}

std::uint16_t host16(ByteReader& reader) noexcept {
    if constexpr (std::endian::native == std::endian::little) {
        return le16(reader);
    } else {
        return reader.be16();
    }
}

LinkResult ethernet(Bytes frame) noexcept {
    ByteReader reader{frame};
    reader.skip(12);  // destination and source MAC
    const std::uint16_t type_or_length = reader.be16();
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    if (type_or_length <= k_max_8023_length) {
        // IEEE 802.3 length field: an 802.2 LLC header follows (SNAP names the ethertype).
        return by_llc(reader);
    }
    return by_ethertype(type_or_length, reader);
}

namespace {

// The protocol field of SLL/SLL2 is an ethertype, except for a few ETH_P_ values below 1536.
LinkResult by_sll_protocol(std::uint16_t protocol, ByteReader& reader) noexcept {
    if (protocol == k_sll_protocol_802_2) {
        return by_llc(reader);
    }
    return by_ethertype(protocol, reader);
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
    return by_sll_protocol(protocol, reader);
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
    return by_sll_protocol(protocol, reader);
}

}  // namespace

LinkResult by_address_family(std::uint32_t family, Bytes payload) noexcept {
    LinkResult result{.network = Network::other, .payload = payload};
    if (family == k_af_inet) {
        result.network = Network::ipv4;
    } else if (family == k_af_inet6_bsd || family == k_af_inet6_freebsd || family == k_af_inet6_darwin) {
        result.network = Network::ipv6;
    }
    return result;
}

namespace {

// DLT_NULL: a 4-byte AF value in the capturing host's byte order. As Wireshark does
// (packet-null.c), a value with its upper 16 bits set must be the other byte order.
LinkResult bsd_null(Bytes frame) noexcept {
    ByteReader reader{frame};
    std::uint32_t family = reader.be32();
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    if ((family & 0xffff0000U) != 0) {
        family = ((family & 0x000000ffU) << 24U) | ((family & 0x0000ff00U) << 8U) | ((family & 0x00ff0000U) >> 8U) |
                 ((family & 0xff000000U) >> 24U);
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

}  // namespace link_detail

LinkResult decode_link(int link_type, Bytes frame) noexcept {
    using namespace link_detail;
    switch (link_type) {
    case DLT_EN10MB: return ethernet(frame);
    case DLT_LINUX_SLL: return linux_sll(frame);
    case DLT_LINUX_SLL2: return linux_sll2(frame);
    case DLT_RAW:
#if DLT_RAW != 14
    case k_dlt_raw_bsdos:
#endif
    case k_linktype_raw: return LinkResult{.network = Network::raw_ip, .payload = frame};
    case DLT_IPV4: return LinkResult{.network = Network::ipv4, .payload = frame};
    case DLT_IPV6: return LinkResult{.network = Network::ipv6, .payload = frame};
    case DLT_NULL: return bsd_null(frame);
    case DLT_LOOP: return bsd_loop(frame);
    case DLT_PPP: return ppp(frame);
    case k_dlt_ppp_serial: return ppp_serial(frame);
    case k_dlt_ppp_ether: return ppp_ether(frame);
    case k_dlt_c_hdlc: return cisco_hdlc(frame);
    case k_dlt_frelay: return frame_relay(frame);
    case k_dlt_ieee802_11: return ieee80211(frame);
    case k_dlt_ieee802_11_radio: return radiotap(frame);
    case k_dlt_ppi: return ppi(frame);
    case k_dlt_nflog: return nflog(frame);
    case k_dlt_pflog: return pflog(frame);
    case k_dlt_ipnet: return ipnet(frame);
    case k_dlt_ipoib: return ipoib(frame);
    case DLT_FDDI: return fddi(frame);
    case k_dlt_arcnet: return arcnet(frame);
    case k_dlt_arcnet_linux: return arcnet_linux(frame);
    case k_dlt_juniper_ether: return juniper_ether(frame);
    default: return LinkResult{.network = Network::unsupported};
    }
}

}  // namespace tcpvet::decode
