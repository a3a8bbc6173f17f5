// Capture pseudo-headers (NFLOG, PFLOG, IPNET, Juniper) and other LANs (FDDI, ARCNET, IPoIB).
#include <algorithm>
#include <cstddef>

#include "link_layers.hpp"

namespace tcpvet::decode::link_detail {

namespace {

// NFLOG (https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html): family, version, resource id,
// then netlink TLVs (length includes the 4-byte header; values padded to 4 bytes).
constexpr std::uint8_t k_nflog_af_inet = 2;
constexpr std::uint8_t k_nflog_af_inet6 = 10;
constexpr std::uint16_t k_nflog_payload = 9;         // NFULA_PAYLOAD
constexpr std::uint16_t k_nflog_type_mask = 0x3fff;  // without NLA_F_NESTED, NLA_F_NET_BYTEORDER
constexpr std::size_t k_nflog_tlv_header = 4;

// PFLOG: pfloghdr's length byte (rounded up to 4, as BPF_WORDALIGN) covers the whole header;
// tcpdump refuses anything shorter than the fields up to the rule numbers.
constexpr std::size_t k_pflog_min_header = 45;

// IPNET (Solaris): dl_ipnetinfo is 24 bytes; its families are Solaris' AF_INET and AF_INET6.
constexpr std::size_t k_ipnet_header = 24;
constexpr std::uint8_t k_ipnet_af_inet = 2;
constexpr std::uint8_t k_ipnet_af_inet6 = 26;

// IP over InfiniBand as Linux captures it: 20-byte destination and source hardware addresses,
// then the RFC 4391 header (ethertype, reserved). As tcpdump's print-ipoib.c.
constexpr std::size_t k_ipoib_addresses = 40;

// FDDI: frame control, destination and source addresses, then 802.2 LLC.
constexpr std::size_t k_fddi_header = 13;

// ARCNET protocol ids (RFC 1051 "old" framing has no split flag; RFC 1201 adds a split flag and
// sequence number, and an exception packet repeats them after 0xff padding).
constexpr std::uint8_t k_arc_ip_old = 240;
constexpr std::uint8_t k_arc_arp_old = 241;
constexpr std::uint8_t k_arc_diagnose = 0x80;
constexpr std::uint8_t k_arc_ip = 212;
constexpr std::uint8_t k_arc_ipv6 = 0xc4;
constexpr std::uint8_t k_arc_exception = 0xff;

// Juniper: "MGC", a flags byte, and when JUNIPER_BPF_EXT is set a 2-byte length of TLVs.
constexpr std::uint32_t k_juniper_magic = 0x4d4743;
constexpr std::uint8_t k_juniper_no_l2 = 0x02;
constexpr std::uint8_t k_juniper_ext = 0x80;

LinkResult ip_family(bool v4, bool v6, Bytes payload) noexcept {
    if (v4) {
        return LinkResult{.network = Network::ipv4, .ethertype = k_ethertype_ipv4, .payload = payload};
    }
    if (v6) {
        return LinkResult{.network = Network::ipv6, .ethertype = k_ethertype_ipv6, .payload = payload};
    }
    return LinkResult{.network = Network::other, .payload = payload};
}

// After the ARCNET addresses (and Linux's offset): protocol id, then RFC 1201's split flag and
// sequence number for all but the RFC 1051 protocols. Only an unsplit packet or a first
// fragment (odd split flag) starts with a header we can read.
LinkResult arcnet_payload(ByteReader& reader) noexcept {
    const std::uint8_t protocol = reader.u8();
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    if (protocol == k_arc_ip_old || protocol == k_arc_arp_old || protocol == k_arc_diagnose) {
        return ip_family(protocol == k_arc_ip_old, false, reader.rest());
    }
    std::uint8_t split = reader.u8();
    reader.skip(2);  // sequence number
    if (split == k_arc_exception) {
        reader.skip(1);       // the protocol id again (the 0xff above was followed by 0xffff padding)
        split = reader.u8();  // the real split flag
        reader.skip(2);
    }
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    if (split != 0 && (split & 1U) == 0) {
        return LinkResult{.network = Network::other, .payload = reader.rest()};  // a later fragment
    }
    return ip_family(protocol == k_arc_ip, protocol == k_arc_ipv6, reader.rest());
}

}  // namespace

// TLVs walked to NFULA_PAYLOAD; each length is bounded by the frame, so the walk ends.
LinkResult nflog(Bytes frame) noexcept {
    ByteReader reader{frame};
    const std::uint8_t family = reader.u8();
    reader.skip(3);  // version, resource id
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    while (reader.remaining() > 0) {
        const std::uint16_t length = host16(reader);
        const std::uint16_t type = host16(reader) & k_nflog_type_mask;
        if (reader.failed()) {
            return LinkResult{.network = Network::truncated};
        }
        if (length < k_nflog_tlv_header) {
            return LinkResult{.network = Network::other};  // a TLV that cannot be stepped over
        }
        const Bytes value = reader.bytes(length - k_nflog_tlv_header);
        if (reader.failed()) {
            return LinkResult{.network = Network::truncated};
        }
        if (type == k_nflog_payload) {
            return ip_family(family == k_nflog_af_inet, family == k_nflog_af_inet6, value);
        }
        const std::size_t padding = ((length + 3U) & ~std::size_t{3}) - length;
        reader.skip(std::min(padding, reader.remaining()));
    }
    return LinkResult{.network = Network::other};  // logged without the packet
}

LinkResult pflog(Bytes frame) noexcept {
    ByteReader reader{frame};
    const std::size_t length = (std::size_t{reader.u8()} + 3U) & ~std::size_t{3};
    const std::uint8_t family = reader.u8();
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    if (length < k_pflog_min_header) {
        return LinkResult{.network = Network::other};
    }
    if (!reader.skip(length - 2)) {
        return LinkResult{.network = Network::truncated};
    }
    return by_address_family(family, reader.rest());
}

LinkResult ipnet(Bytes frame) noexcept {
    ByteReader reader{frame};
    reader.skip(1);  // version
    const std::uint8_t family = reader.u8();
    reader.skip(k_ipnet_header - 2);
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    return ip_family(family == k_ipnet_af_inet, family == k_ipnet_af_inet6, reader.rest());
}

LinkResult ipoib(Bytes frame) noexcept {
    ByteReader reader{frame};
    reader.skip(k_ipoib_addresses);
    const std::uint16_t ethertype = reader.be16();
    reader.skip(2);  // reserved
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    return by_ethertype(ethertype, reader);
}

LinkResult fddi(Bytes frame) noexcept {
    ByteReader reader{frame};
    if (!reader.skip(k_fddi_header)) {
        return LinkResult{.network = Network::truncated};
    }
    return by_llc(reader);
}

// DLT_ARCNET (BSD): source and destination address, then the protocol id.
LinkResult arcnet(Bytes frame) noexcept {
    ByteReader reader{frame};
    reader.skip(2);
    return arcnet_payload(reader);
}

// DLT_ARCNET_LINUX: source, destination, a 2-byte offset, then the protocol id.
LinkResult arcnet_linux(Bytes frame) noexcept {
    ByteReader reader{frame};
    reader.skip(4);
    return arcnet_payload(reader);
}

// As tcpdump's juniper_parse_header: magic, flags, optional extension TLVs; then an Ethernet
// frame, or with JUNIPER_BPF_NO_L2 the IP packet itself.
LinkResult juniper_ether(Bytes frame) noexcept {
    ByteReader reader{frame};
    const std::uint16_t magic_high = reader.be16();
    const std::uint8_t magic_low = reader.u8();
    const std::uint8_t flags = reader.u8();
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    if ((std::uint32_t{magic_high} << 8U | magic_low) != k_juniper_magic) {
        return LinkResult{.network = Network::other, .payload = reader.rest()};
    }
    if ((flags & k_juniper_ext) != 0) {
        const std::uint16_t extension = reader.be16();
        if (!reader.skip(extension)) {
            return LinkResult{.network = Network::truncated};
        }
    }
    if ((flags & k_juniper_no_l2) != 0) {
        return raw_ip(reader.rest());
    }
    return ethernet(reader.rest());
}

}  // namespace tcpvet::decode::link_detail
