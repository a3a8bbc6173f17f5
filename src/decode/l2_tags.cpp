// Ethernet tags and MAC-in-MAC headers that sit between a frame's addresses and its ethertype:
// IEEE 802.1ah PBB, Cisco VN-Tag, IEEE 802.1BR E-Tag and Cisco FabricPath.
#include "l2_tags.hpp"

namespace tcpvet::decode::link_detail {

namespace {

// IEEE 802.1ah I-TAG: PCP/DEI/UCA/reserved and the 24-bit I-SID, then the customer's
// destination and source MAC before the customer ethertype (Wireshark packet-ieee8021ah.c).
constexpr std::size_t k_pbb_itag = 4;
constexpr std::size_t k_mac_pair = 12;
// VN-Tag (Cisco, pre-802.1Qbh): direction, pointer, destination VIF, looped, version, source VIF.
constexpr std::size_t k_vntag = 4;
// E-Tag (IEEE 802.1BR): E-PCP/DEI, ingress E-CID base, GRP, E-CID base, the two extensions.
constexpr std::size_t k_etag = 6;
// Cisco FabricPath: the FP tag's FTAG and TTL after 0x8903, then the classical Ethernet frame's
// own destination and source MAC (Wireshark packet-cfp.c).
constexpr std::size_t k_fabricpath_tag = 2;

}  // namespace

bool step_l2_tag(std::uint16_t& ethertype, ByteReader& reader) noexcept {
    switch (ethertype) {
    case k_ethertype_pbb: reader.skip(k_pbb_itag + k_mac_pair); break;
    case k_ethertype_vntag: reader.skip(k_vntag); break;
    case k_ethertype_etag: reader.skip(k_etag); break;
    case k_ethertype_fabricpath: reader.skip(k_fabricpath_tag + k_mac_pair); break;
    default: return false;
    }
    ethertype = reader.be16();
    return true;
}

}  // namespace tcpvet::decode::link_detail
