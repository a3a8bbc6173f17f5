// Link types beyond Ethernet/SLL/NULL: PPP and its framings, Cisco HDLC, Frame Relay, 802.3 and
// FDDI LLC/SNAP, IEEE 802.11 with radiotap and PPI, NFLOG, PFLOG, IPNET, IPoIB, ARCNET, Juniper.
// Each wraps the two real SYNs of test_decode_frames.hpp (checked with tshark) in a link header
// laid out per the link type's specification (tcpdump.org/linktypes, the RFC named in the
// decoder); the same layouts decode the corpus captures of these link types frame for frame as
// tshark does (tests/diff/tshark_diff.py).
#include <doctest/doctest.h>

#include <bit>
#include <cstddef>
#include <initializer_list>
#include <vector>

#include "tcpvet/decode/link.hpp"
#include "test_decode_frames.hpp"
#include "test_decode_support.hpp"

using namespace tcpvet;
using namespace tcpvet::test_support;
namespace frames = tcpvet::test_frames;

namespace {

void check_v4_syn(const DecodedPacket& p) {
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.ip_version == 4);
    CHECK(p.tcp.src_port == 33396);
    CHECK(p.tcp.options.mss == 65495);
    CHECK(p.tcp_checksum == ChecksumResult::ok);
    CHECK(p.ip_checksum == ChecksumResult::ok);
}

void check_v6_syn(const DecodedPacket& p) {
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.ip_version == 6);
    CHECK(p.tcp.src_port == 54374);
    CHECK(p.tcp.options.mss == 65476);
    CHECK(p.tcp_checksum == ChecksumResult::ok);
}

OwnedPacket decode_vector(int link_type, const std::vector<std::uint8_t>& frame) {
    return decode_bytes(link_type, std::span<const std::uint8_t>{frame});
}

decode::LinkResult link_of(int link_type, const std::vector<std::uint8_t>& frame, std::vector<std::byte>& keep) {
    keep = to_bytes(frame);
    return decode::decode_link(link_type, keep);
}

// Every prefix shorter than the link header is a link truncation; the header alone is an IP one.
void check_prefixes(int link_type, const std::vector<std::uint8_t>& frame, std::size_t header) {
    CAPTURE(link_type);
    for (std::size_t n = 0; n < header; ++n) {
        CAPTURE(n);
        const auto p = decode_bytes(link_type, frame, n, frame.size());
        CHECK(p.cls == PacketClass::truncated);
        CHECK(p.truncated_at == Layer::link);
    }
    const auto at_ip = decode_bytes(link_type, frame, header, frame.size());
    CHECK(at_ip.cls == PacketClass::truncated);
    CHECK(at_ip.truncated_at == Layer::ip);
    for (std::size_t n = header; n <= frame.size(); ++n) {
        const auto p = decode_bytes(link_type, frame, n, frame.size());
        CHECK(p.cls != PacketClass::non_ip);
    }
}

std::vector<std::uint8_t> concat(std::initializer_list<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
    std::vector<std::uint8_t> out(a);
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

const std::vector<std::uint8_t> k_v4 = relink({}, frames::real_v4_syn);
const std::vector<std::uint8_t> k_v6 = relink({}, frames::real_v6_syn);

constexpr int k_ppp = 9;
constexpr int k_ppp_serial = 50;
constexpr int k_ppp_ether = 51;
constexpr int k_c_hdlc = 104;
constexpr int k_frelay = 107;
constexpr int k_wifi = 105;
constexpr int k_radiotap = 127;
constexpr int k_ppi = 192;
constexpr int k_nflog = 239;
constexpr int k_pflog = 117;
constexpr int k_ipnet = 226;
constexpr int k_ipoib = 242;
constexpr int k_fddi = 10;
constexpr int k_arcnet = 7;
constexpr int k_arcnet_linux = 129;
constexpr int k_juniper_ether = 178;

// IEEE 802.11 QoS data frame header (from DS), addresses 02:00:00:00:00:0x, and LLC/SNAP IPv4.
const std::initializer_list<std::uint8_t> k_wifi_qos_v4{
    0x88, 0x02, 0x2c, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02,
    0x00, 0x00, 0x00, 0x00, 0x03, 0x10, 0x00, 0x00, 0x00, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00};

}  // namespace

TEST_CASE("PPP (9): address/control present or elided, protocol field compressed or not") {
    check_v4_syn(decode_vector(k_ppp, concat({0xff, 0x03, 0x00, 0x21}, k_v4)));
    check_v4_syn(decode_vector(k_ppp, concat({0x00, 0x21}, k_v4)));
    check_v4_syn(decode_vector(k_ppp, concat({0x21}, k_v4)));  // RFC 1661 protocol-field compression
    check_v6_syn(decode_vector(k_ppp, concat({0xff, 0x03, 0x00, 0x57}, k_v6)));
    check_v6_syn(decode_vector(k_ppp, concat({0x57}, k_v6)));
    check_prefixes(k_ppp, concat({0xff, 0x03, 0x00, 0x21}, k_v4), 4);
    check_prefixes(k_ppp, concat({0x57}, k_v6), 1);
    // LCP is not IP; MPLS is handed on by its ethertype.
    CHECK(decode_vector(k_ppp, concat({0xff, 0x03, 0xc0, 0x21}, k_v4)).cls == PacketClass::non_ip);
    std::vector<std::byte> keep;
    const auto mpls = link_of(k_ppp, concat({0xff, 0x03, 0x02, 0x81}, k_v4), keep);
    CHECK(mpls.network == decode::Network::other);
    CHECK(mpls.ethertype == 0x8847);
    const auto v4 = link_of(k_ppp, concat({0x00, 0x21}, k_v4), keep);
    CHECK(v4.ethertype == 0x0800);
}

TEST_CASE("PPP in HDLC framing (50), also carrying Cisco HDLC; PPPoE (51)") {
    check_v4_syn(decode_vector(k_ppp_serial, concat({0xff, 0x03, 0x00, 0x21}, k_v4)));
    check_v6_syn(decode_vector(k_ppp_serial, concat({0x0f, 0x00, 0x86, 0xdd}, k_v6)));
    check_prefixes(k_ppp_serial, concat({0xff, 0x03, 0x00, 0x21}, k_v4), 4);
    CHECK(decode_vector(k_ppp_serial, concat({0x7e, 0x03, 0x00, 0x21}, k_v4)).cls == PacketClass::non_ip);
    // PPPoE session (code 0), session 0x1234, length, then PPP IPv4; discovery (PADI 0x09) is not IP.
    const auto session = concat({0x11, 0x00, 0x12, 0x34, 0x00, 0x3e, 0x00, 0x21}, k_v4);
    check_v4_syn(decode_vector(k_ppp_ether, session));
    check_prefixes(k_ppp_ether, session, 8);
    CHECK(decode_vector(k_ppp_ether, concat({0x11, 0x09, 0x00, 0x00, 0x00, 0x00}, k_v4)).cls == PacketClass::non_ip);
}

TEST_CASE("Cisco HDLC (104)") {
    const auto v4 = concat({0x0f, 0x00, 0x08, 0x00}, k_v4);
    check_v4_syn(decode_vector(k_c_hdlc, v4));
    check_v6_syn(decode_vector(k_c_hdlc, concat({0x8f, 0x00, 0x86, 0xdd}, k_v6)));
    check_prefixes(k_c_hdlc, v4, 4);
    CHECK(decode_vector(k_c_hdlc, concat({0x8f, 0x00, 0x80, 0x35}, k_v4)).cls == PacketClass::non_ip);  // SLARP
}

TEST_CASE("Frame Relay (107): RFC 2427 NLPID IPv4/IPv6, SNAP with pad, Cisco ethertype") {
    const auto nlpid = concat({0x18, 0x41, 0x03, 0xcc}, k_v4);  // DLCI 100, UI, NLPID IPv4
    check_v4_syn(decode_vector(k_frelay, nlpid));
    check_prefixes(k_frelay, nlpid, 4);
    check_v6_syn(decode_vector(k_frelay, concat({0x18, 0x41, 0x03, 0x8e}, k_v6)));
    const auto snap = concat({0x18, 0x41, 0x03, 0x00, 0x80, 0x00, 0x00, 0x00, 0x08, 0x00}, k_v4);
    check_v4_syn(decode_vector(k_frelay, snap));
    check_prefixes(k_frelay, snap, 10);
    check_v4_syn(decode_vector(k_frelay, concat({0x18, 0x41, 0x08, 0x00}, k_v4)));                      // Cisco
    CHECK(decode_vector(k_frelay, concat({0x18, 0x41, 0x03, 0x08}, k_v4)).cls == PacketClass::non_ip);  // Q.933
    // An address without its EA bit within 4 bytes is not Q.922.
    CHECK(decode_vector(k_frelay, concat({0x18, 0x40, 0x40, 0x40, 0x03, 0xcc}, k_v4)).cls == PacketClass::non_ip);
}

TEST_CASE("IEEE 802.3 with LLC/SNAP on Ethernet, and Linux SLL's 802.2 protocol") {
    std::vector<std::uint8_t> frame(frames::real_v4_syn.begin(), frames::real_v4_syn.begin() + 12);
    const auto length = static_cast<std::uint8_t>(8 + k_v4.size());
    frame.insert(frame.end(), {0x00, length, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00});
    frame.insert(frame.end(), k_v4.begin(), k_v4.end());
    check_v4_syn(decode_vector(DLT_EN10MB, frame));
    check_prefixes(DLT_EN10MB, frame, 22);
    // SNAP with another OUI (802.1 bridged), and plain LLC (STP's SAP 0x42), are not IP.
    auto bridged = frame;
    bridged[19] = 0x80;
    bridged[20] = 0xc2;
    CHECK(decode_vector(DLT_EN10MB, bridged).cls == PacketClass::non_ip);
    auto stp = frame;
    stp[14] = 0x42;
    stp[15] = 0x42;
    CHECK(decode_vector(DLT_EN10MB, stp).cls == PacketClass::non_ip);
    const auto sll = concat({0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
                             0x00, 0x00, 0x00, 0x04, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00},
                            k_v4);
    check_v4_syn(decode_vector(DLT_LINUX_SLL, sll));
}

TEST_CASE("FDDI (10): frame control, addresses, LLC/SNAP") {
    const auto v4 = concat({0x50, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00,
                            0x00, 0x02, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00},
                           k_v4);
    check_v4_syn(decode_vector(k_fddi, v4));
    check_prefixes(k_fddi, v4, 21);
}

TEST_CASE("IEEE 802.11 (105): data, QoS data, WDS; protected and management frames are not opened") {
    const auto qos = concat(k_wifi_qos_v4, k_v4);
    check_v4_syn(decode_vector(k_wifi, qos));
    check_prefixes(k_wifi, qos, 34);
    // Plain data (subtype 0): no QoS control.
    std::vector<std::uint8_t> data(k_wifi_qos_v4.begin(), k_wifi_qos_v4.begin() + 24);
    data[0] = 0x08;
    data.insert(data.end(), {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x86, 0xdd});
    data.insert(data.end(), k_v6.begin(), k_v6.end());
    check_v6_syn(decode_vector(k_wifi, data));
    // WDS: to DS and from DS, a fourth address after sequence control.
    std::vector<std::uint8_t> wds(k_wifi_qos_v4.begin(), k_wifi_qos_v4.begin() + 24);
    wds[1] = 0x03;
    wds.insert(wds.end(), {0x02, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00});
    wds.insert(wds.end(), k_wifi_qos_v4.begin() + 26, k_wifi_qos_v4.end());
    wds.insert(wds.end(), k_v4.begin(), k_v4.end());
    check_v4_syn(decode_vector(k_wifi, wds));
    check_prefixes(k_wifi, wds, 40);
    // QoS data with the order bit: a 4-byte HT control.
    std::vector<std::uint8_t> ht(k_wifi_qos_v4.begin(), k_wifi_qos_v4.begin() + 26);
    ht[1] = 0x82;
    ht.insert(ht.end(), {0x00, 0x00, 0x00, 0x00});
    ht.insert(ht.end(), k_wifi_qos_v4.begin() + 26, k_wifi_qos_v4.end());
    ht.insert(ht.end(), k_v4.begin(), k_v4.end());
    check_v4_syn(decode_vector(k_wifi, ht));
    auto protected_frame = qos;
    protected_frame[1] = 0x42;
    CHECK(decode_vector(k_wifi, protected_frame).cls == PacketClass::non_ip);
    auto beacon = qos;
    beacon[0] = 0x80;
    CHECK(decode_vector(k_wifi, beacon).cls == PacketClass::non_ip);
    auto null_data = qos;
    null_data[0] = 0xc8;  // QoS Null
    CHECK(decode_vector(k_wifi, null_data).cls == PacketClass::non_ip);
    auto amsdu = qos;
    amsdu[24] = 0x80;
    CHECK(decode_vector(k_wifi, amsdu).cls == PacketClass::non_ip);
}

TEST_CASE("radiotap (127) and PPI (192) before 802.11 (and PPI before Ethernet)") {
    // radiotap: version 0, pad, length 12 (LE), present = flags + rate, flags 0, rate 2, pad.
    const auto rt =
        concat({0x00, 0x00, 0x0c, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00}, concat(k_wifi_qos_v4, k_v4));
    check_v4_syn(decode_vector(k_radiotap, rt));
    check_prefixes(k_radiotap, rt, 12 + 34);
    CHECK(decode_vector(k_radiotap, concat({0x00, 0x00, 0x02, 0x00}, k_v4)).cls == PacketClass::truncated);
    // PPI: version 0, flags 0, length 8 (LE), DLT 105 (LE); then with one 4-byte field header.
    const auto ppi = concat({0x00, 0x00, 0x08, 0x00, 0x69, 0x00, 0x00, 0x00}, concat(k_wifi_qos_v4, k_v4));
    check_v4_syn(decode_vector(k_ppi, ppi));
    check_prefixes(k_ppi, ppi, 8 + 34);
    std::vector<std::uint8_t> ppi_eth{0x00, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00};
    ppi_eth.insert(ppi_eth.end(), frames::real_v6_syn.begin(), frames::real_v6_syn.end());
    check_v6_syn(decode_vector(k_ppi, ppi_eth));
    // PPI inside PPI is refused rather than followed.
    CHECK(decode_vector(k_ppi, concat({0x00, 0x00, 0x08, 0x00, 0xc0, 0x00, 0x00, 0x00}, ppi)).cls ==
          PacketClass::non_ip);
}

TEST_CASE("NFLOG (239): TLVs in host order walked to NFULA_PAYLOAD") {
    // family AF_INET, version 0, resource id 42; NFULA_PACKET_HDR (len 8), NFULA_PREFIX "a\0"
    // (len 6, padded to 8), then NFULA_PAYLOAD. Little-endian TLV headers, as libpcap hands them to
    // a little-endian reader.
    static_assert(std::endian::native == std::endian::little);
    const auto length = static_cast<std::uint8_t>(4 + k_v4.size());
    const auto v4 = concat({0x02, 0x00, 0x00, 0x2a, 0x08, 0x00, 0x01, 0x00, 0x08,   0x00, 0x00, 0x00,
                            0x06, 0x00, 0x0a, 0x00, 0x61, 0x00, 0x00, 0x00, length, 0x00, 0x09, 0x00},
                           k_v4);
    check_v4_syn(decode_vector(k_nflog, v4));
    // Cut inside the payload TLV's header or value: a link truncation (the value is read whole,
    // as its TLV length says). Cut before it: no payload was captured, so not IP either way.
    constexpr std::size_t k_payload_tlv = 20;
    for (std::size_t n = 0; n < v4.size(); ++n) {
        CAPTURE(n);
        const auto p = decode_bytes(k_nflog, v4, n, v4.size());
        if (n > k_payload_tlv) {
            CHECK(p.truncated_at == Layer::link);
        } else {
            CHECK((p.cls == PacketClass::non_ip || p.truncated_at == Layer::link));
        }
    }
    const auto v6_length = static_cast<std::uint8_t>(4 + k_v6.size());
    check_v6_syn(decode_vector(k_nflog, concat({0x0a, 0x00, 0x00, 0x00, v6_length, 0x00, 0x09, 0x40}, k_v6)));
    // No payload TLV, or a TLV length below its own header: not IP, and the walk ends.
    CHECK(decode_vector(k_nflog, {0x02, 0x00, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00, 0, 0, 0, 0}).cls ==
          PacketClass::non_ip);
    CHECK(decode_vector(k_nflog, concat({0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x09, 0x00}, k_v4)).cls ==
          PacketClass::non_ip);
}

TEST_CASE("PFLOG (117): header length rounded to 4, BSD address families") {
    std::vector<std::uint8_t> header(48, 0);
    header[0] = 45;  // rounds up to 48
    header[1] = 2;
    std::vector<std::uint8_t> v4 = header;
    v4.insert(v4.end(), k_v4.begin(), k_v4.end());
    check_v4_syn(decode_vector(k_pflog, v4));
    check_prefixes(k_pflog, v4, 48);
    std::vector<std::uint8_t> v6 = header;
    v6[1] = 24;  // OpenBSD AF_INET6
    v6.insert(v6.end(), k_v6.begin(), k_v6.end());
    check_v6_syn(decode_vector(k_pflog, v6));
    v4[0] = 20;  // shorter than pfloghdr can be
    CHECK(decode_vector(k_pflog, v4).cls == PacketClass::non_ip);
}

TEST_CASE("IPNET (226): Solaris dl_ipnetinfo") {
    std::vector<std::uint8_t> v4(24, 0);
    v4[0] = 2;
    v4[1] = 2;
    std::vector<std::uint8_t> v6 = v4;
    v6[1] = 26;
    v4.insert(v4.end(), k_v4.begin(), k_v4.end());
    v6.insert(v6.end(), k_v6.begin(), k_v6.end());
    check_v4_syn(decode_vector(k_ipnet, v4));
    check_v6_syn(decode_vector(k_ipnet, v6));
    check_prefixes(k_ipnet, v4, 24);
}

TEST_CASE("IP over InfiniBand (242): 40 address bytes, ethertype, reserved") {
    std::vector<std::uint8_t> v4(44, 0);
    v4[40] = 0x08;
    v4.insert(v4.end(), k_v4.begin(), k_v4.end());
    check_v4_syn(decode_vector(k_ipoib, v4));
    check_prefixes(k_ipoib, v4, 44);
}

TEST_CASE("ARCNET (7) and ARCNET_LINUX (129): RFC 1051, RFC 1201, exception packets, fragments") {
    check_v4_syn(decode_vector(k_arcnet_linux, concat({0xbe, 0x50, 0xab, 0x08, 0xf0}, k_v4)));  // RFC 1051
    const auto rfc1201 = concat({0xbe, 0x50, 0xa8, 0xe7, 0xd4, 0x00, 0x01, 0x66}, k_v4);
    check_v4_syn(decode_vector(k_arcnet_linux, rfc1201));
    check_prefixes(k_arcnet_linux, rfc1201, 8);
    check_v6_syn(decode_vector(k_arcnet, concat({0xbe, 0x50, 0xc4, 0x00, 0x00, 0x01}, k_v6)));
    const auto exception = concat({0xbe, 0x50, 0xd4, 0xff, 0xff, 0xff, 0xd4, 0x00, 0x00, 0x01}, k_v4);
    check_v4_syn(decode_vector(k_arcnet, exception));
    check_prefixes(k_arcnet, exception, 10);
    check_v4_syn(decode_vector(k_arcnet, concat({0xbe, 0x50, 0xd4, 0x01, 0x00, 0x01}, k_v4)));  // first fragment
    CHECK(decode_vector(k_arcnet, concat({0xbe, 0x50, 0xd4, 0x02, 0x00, 0x01}, k_v4)).cls == PacketClass::non_ip);
    CHECK(decode_vector(k_arcnet_linux, concat({0xbe, 0x50, 0xab, 0x08, 0xf1}, k_v4)).cls == PacketClass::non_ip);
}

TEST_CASE("Juniper Ethernet (178): magic, flags, extension TLVs, optional no-L2") {
    std::vector<std::uint8_t> frame{0x4d, 0x47, 0x43, 0x80, 0x00, 0x04, 0x03, 0x01, 0x01, 0x06};
    frame.insert(frame.end(), frames::real_v4_syn.begin(), frames::real_v4_syn.end());
    check_v4_syn(decode_vector(k_juniper_ether, frame));
    check_prefixes(k_juniper_ether, frame, 10 + 14);
    check_v6_syn(decode_vector(k_juniper_ether, concat({0x4d, 0x47, 0x43, 0x03}, k_v6)));  // no L2, inbound
    auto bad_magic = frame;
    bad_magic[0] = 0x4e;
    CHECK(decode_vector(k_juniper_ether, bad_magic).cls == PacketClass::non_ip);
}
