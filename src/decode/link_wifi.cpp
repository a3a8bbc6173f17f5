// IEEE 802.11 data frames (unprotected, LLC/SNAP) and the radiotap and PPI headers before them.
#include <pcap/dlt.h>

#include "link_layers.hpp"

namespace tcpvet::decode::link_detail {

namespace {

// Frame control, first byte: protocol version (2 bits), type (2), subtype (4); second: flags.
constexpr unsigned k_type_data = 2;
constexpr unsigned k_subtype_no_data = 0x04;  // Null, CF-Ack, CF-Poll...: no frame body
constexpr unsigned k_subtype_qos = 0x08;      // QoS data subtypes add a 2-byte QoS control
constexpr unsigned k_flag_to_ds = 0x01;
constexpr unsigned k_flag_from_ds = 0x02;
constexpr unsigned k_flag_protected = 0x40;
constexpr unsigned k_flag_order = 0x80;  // in a QoS data frame: a 4-byte HT control follows
constexpr unsigned k_qos_amsdu = 0x80;   // QoS control, first byte: the body is an A-MSDU
constexpr std::size_t k_three_address_header = 24;
constexpr std::size_t k_address = 6;
constexpr std::size_t k_qos_control = 2;
constexpr std::size_t k_ht_control = 4;

constexpr int k_dlt_ppi = 192;
constexpr std::size_t k_ppi_header = 8;  // version, flags, length (LE), DLT (LE)

}  // namespace

// IEEE 802.11-2020 section 9.2: the MAC header, then for a data frame its LLC/SNAP header.
// Protected (WEP/TKIP/CCMP) bodies are encrypted and A-MSDUs aggregate several: both `other`.
LinkResult ieee80211(Bytes frame) noexcept {
    ByteReader reader{frame};
    const std::uint8_t control = reader.u8();
    const std::uint8_t flags = reader.u8();
    reader.skip(k_three_address_header - 2);  // duration, three addresses, sequence control
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    const unsigned type = (control >> 2U) & 0x03U;
    const unsigned subtype = control >> 4U;
    if (type != k_type_data || (subtype & k_subtype_no_data) != 0) {
        return LinkResult{.network = Network::other, .payload = reader.rest()};  // management, control, null
    }
    if ((flags & (k_flag_to_ds | k_flag_from_ds)) == (k_flag_to_ds | k_flag_from_ds)) {
        reader.skip(k_address);  // the fourth address of a WDS (mesh, bridge) frame
    }
    bool amsdu = false;
    if ((subtype & k_subtype_qos) != 0) {
        amsdu = (reader.u8() & k_qos_amsdu) != 0;
        reader.skip(k_qos_control - 1);
        if ((flags & k_flag_order) != 0) {
            reader.skip(k_ht_control);
        }
    }
    if (reader.failed()) {
        return LinkResult{.network = Network::truncated};
    }
    if ((flags & k_flag_protected) != 0 || amsdu) {
        return LinkResult{.network = Network::other, .payload = reader.rest()};
    }
    return by_llc(reader);
}

// Radiotap (radiotap.org): version, pad, the whole header's length (LE), then present flags
// and fields we do not need. A trailing FCS, when the flags say so, lies past the IP packet.
LinkResult radiotap(Bytes frame) noexcept {
    ByteReader reader{frame};
    reader.skip(2);  // version, pad
    const std::uint16_t length = le16(reader);
    if (reader.failed() || length < 4 || !reader.skip(length - 4U)) {
        return LinkResult{.network = Network::truncated};
    }
    return ieee80211(reader.rest());
}

// Per-Packet Information (CACE PPI 1.0): a header naming the DLT of the frame that follows.
LinkResult ppi(Bytes frame) noexcept {
    ByteReader reader{frame};
    reader.skip(2);  // version, flags
    const std::uint16_t length = le16(reader);
    const auto inner_dlt = static_cast<int>(le32(reader));
    if (reader.failed() || length < k_ppi_header || !reader.skip(length - k_ppi_header)) {
        return LinkResult{.network = Network::truncated};
    }
    if (inner_dlt == k_dlt_ppi) {
        return LinkResult{.network = Network::other, .payload = reader.rest()};  // no PPI in PPI
    }
    return decode_link(inner_dlt, reader.rest());
}

}  // namespace tcpvet::decode::link_detail
