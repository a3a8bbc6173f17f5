// IEEE 802.11 data frames with an LLC/SNAP header: the ethertype and packet they carry.
#include "tcpvet/byte_reader.hpp"
#include "tcpvet/decode/tunnel.hpp"

namespace tcpvet::decode {

namespace {

// Frame control, first byte: protocol version (2 bits), type (2), subtype (4); second byte: flags.
constexpr unsigned k_type_data = 2;
constexpr unsigned k_subtype_qos = 0x08;       // QoS data subtypes add a 2-byte QoS control
constexpr unsigned k_subtype_no_data = 0x04;   // Null, CF-Ack, CF-Poll...: no frame body
constexpr unsigned k_flags_to_ds = 0x01;
constexpr unsigned k_flags_from_ds = 0x02;
constexpr unsigned k_flags_protected = 0x40;
constexpr unsigned k_flags_order = 0x80;  // in a QoS data frame: a 4-byte HT control follows
constexpr std::size_t k_three_address_header = 24;

}  // namespace

Inner decode_wifi_data(Bytes frame) noexcept {
    ByteReader reader{frame};
    const std::uint8_t control = reader.u8();
    const std::uint8_t flags = reader.u8();
    reader.skip(k_three_address_header - 2);  // duration, three addresses, sequence control
    if (reader.failed()) {
        return Inner{.kind = InnerKind::truncated};
    }
    const unsigned type = (control >> 2U) & 0x03U;
    const unsigned subtype = control >> 4U;
    if (type != k_type_data || (subtype & k_subtype_no_data) != 0) {
        return Inner{.kind = InnerKind::other};  // management, control, null data
    }
    if ((flags & (k_flags_to_ds | k_flags_from_ds)) == (k_flags_to_ds | k_flags_from_ds)) {
        reader.skip(6);  // the fourth address of a WDS frame
    }
    if ((subtype & k_subtype_qos) != 0) {
        reader.skip(2);
        if ((flags & k_flags_order) != 0) {
            reader.skip(4);
        }
    }
    if (reader.failed()) {
        return Inner{.kind = InnerKind::truncated};
    }
    if ((flags & k_flags_protected) != 0) {
        return Inner{.kind = InnerKind::other};  // WEP/TKIP/CCMP: the body is encrypted
    }
    // LLC/SNAP (RFC 1042): DSAP 0xaa, SSAP 0xaa, control 0x03, OUI, then the ethertype.
    const std::uint8_t dsap = reader.u8();
    const std::uint8_t ssap = reader.u8();
    const std::uint8_t llc_control = reader.u8();
    reader.skip(3);
    const std::uint16_t type_field = reader.be16();
    if (reader.failed()) {
        return Inner{.kind = InnerKind::truncated};
    }
    if (dsap != 0xaa || ssap != 0xaa || llc_control != 0x03) {
        return Inner{.kind = InnerKind::other};
    }
    return Inner{.kind = InnerKind::ethertype, .ethertype = type_field, .payload = reader.rest()};
}

}  // namespace tcpvet::decode
