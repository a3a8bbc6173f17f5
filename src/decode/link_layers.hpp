// Link-layer decoders shared between the link family files (private to src/decode).
#pragma once

#include <cstdint>

#include "tcpvet/byte_reader.hpp"
#include "tcpvet/decode/link.hpp"

namespace tcpvet::decode::link_detail {

inline constexpr std::uint16_t k_ethertype_ipv4 = 0x0800;
inline constexpr std::uint16_t k_ethertype_ipv6 = 0x86dd;
inline constexpr std::uint16_t k_ethertype_mpls = 0x8847;
inline constexpr std::uint16_t k_ethertype_mpls_multicast = 0x8848;

// The rest of `reader` named by `ethertype`, through any stacked VLAN tags.
[[nodiscard]] LinkResult by_ethertype(std::uint16_t ethertype, ByteReader& reader) noexcept;

// An IEEE 802.2 LLC header at the cursor: SNAP (RFC 1042) gives the ethertype; anything else
// is `other` with ethertype 0.
[[nodiscard]] LinkResult by_llc(ByteReader& reader) noexcept;

// Ethernet II or IEEE 802.3 (LLC/SNAP) frame, VLAN tags included.
[[nodiscard]] LinkResult ethernet(Bytes frame) noexcept;

// A payload that starts with an IP header whose version nibble decides.
[[nodiscard]] LinkResult raw_ip(Bytes payload) noexcept;

// Point-to-point and WAN framings (link_ppp.cpp).
[[nodiscard]] LinkResult ppp(Bytes frame) noexcept;          // DLT_PPP (9)
[[nodiscard]] LinkResult ppp_serial(Bytes frame) noexcept;   // DLT_PPP_SERIAL (50)
[[nodiscard]] LinkResult ppp_ether(Bytes frame) noexcept;    // DLT_PPP_ETHER (51): PPPoE session
[[nodiscard]] LinkResult cisco_hdlc(Bytes frame) noexcept;   // DLT_C_HDLC (104)
[[nodiscard]] LinkResult frame_relay(Bytes frame) noexcept;  // DLT_FRELAY (107)

// IEEE 802.11 and its capture headers (link_wifi.cpp).
[[nodiscard]] LinkResult ieee80211(Bytes frame) noexcept;  // DLT_IEEE802_11 (105)
[[nodiscard]] LinkResult radiotap(Bytes frame) noexcept;   // DLT_IEEE802_11_RADIO (127)
[[nodiscard]] LinkResult ppi(Bytes frame) noexcept;        // DLT_PPI (192)

// Pseudo-headers of capturing systems and other LANs (link_other.cpp).
[[nodiscard]] LinkResult nflog(Bytes frame) noexcept;          // DLT_NFLOG (239)
[[nodiscard]] LinkResult pflog(Bytes frame) noexcept;          // DLT_PFLOG (117)
[[nodiscard]] LinkResult ipnet(Bytes frame) noexcept;          // DLT_IPNET (226)
[[nodiscard]] LinkResult ipoib(Bytes frame) noexcept;          // DLT_IPOIB (242)
[[nodiscard]] LinkResult fddi(Bytes frame) noexcept;           // DLT_FDDI (10)
[[nodiscard]] LinkResult arcnet(Bytes frame) noexcept;         // DLT_ARCNET (7)
[[nodiscard]] LinkResult arcnet_linux(Bytes frame) noexcept;   // DLT_ARCNET_LINUX (129)
[[nodiscard]] LinkResult juniper_ether(Bytes frame) noexcept;  // DLT_JUNIPER_ETHER (178)

// BSD address family values (DLT_NULL, DLT_LOOP, PFLOG): AF_INET and the three AF_INET6.
[[nodiscard]] LinkResult by_address_family(std::uint32_t family, Bytes payload) noexcept;

// Little-endian 16/32-bit reads (radiotap, PPI) and host-order 16-bit reads (NFLOG TLVs, which
// libpcap converts to the reading host's order).
[[nodiscard]] std::uint16_t le16(ByteReader& reader) noexcept;
[[nodiscard]] std::uint32_t le32(ByteReader& reader) noexcept;
[[nodiscard]] std::uint16_t host16(ByteReader& reader) noexcept;

}  // namespace tcpvet::decode::link_detail
