// TCP option walking: well-formed lists, and every kind of malformed list ending the walk.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tcpvet/decode/tcp.hpp"
#include "test_decode_frames.hpp"
#include "test_decode_support.hpp"

using namespace tcpvet;
using namespace tcpvet::test_support;
namespace frames = tcpvet::test_frames;

namespace {

TcpOptions walk(std::initializer_list<std::uint8_t> bytes) {
    const std::vector<std::uint8_t> raw(bytes);
    const auto data = to_bytes(raw);
    TcpOptions options;
    decode::decode_tcp_options(data, options);
    return options;
}

// A 20-byte TCP header with `options` appended (data offset set from their padded size).
std::vector<std::uint8_t> segment_with(std::initializer_list<std::uint8_t> options) {
    constexpr std::array<std::uint8_t, 20> k_header{0x04, 0xd2, 0x00, 0x50, 0,    0,    0, 1, 0, 0,
                                                    0,    0,    0x00, 0x02, 0xff, 0xff, 0, 0, 0, 0};
    // Sized first, then filled: GCC 12 -O3 misreads insert() into a 20-byte vector (-Warray-bounds).
    std::vector<std::uint8_t> segment(k_header.size() + options.size());
    std::copy(k_header.begin(), k_header.end(), segment.begin());
    std::copy(options.begin(), options.end(), segment.begin() + static_cast<std::ptrdiff_t>(k_header.size()));
    while (segment.size() % 4 != 0) {
        segment.push_back(0);
    }
    segment[12] = static_cast<std::uint8_t>((segment.size() / 4) << 4U);
    return segment;
}

}  // namespace

TEST_CASE("well-formed option list: MSS, SACK-permitted, timestamps, NOP, window scale") {
    const TcpOptions o = walk({2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 3, 3, 14});
    CHECK_FALSE(o.malformed);
    CHECK(o.mss == 1460);
    CHECK(o.sack_permitted);
    CHECK(o.ts_val == 1);
    CHECK(o.ts_ecr == 2);
    CHECK(o.window_scale == 14);
}

TEST_CASE("EOL ends the walk, what follows is padding") {
    const TcpOptions o = walk({1, 0, 2, 1, 0xff});
    CHECK_FALSE(o.malformed);
    CHECK_FALSE(o.has_mss);
}

TEST_CASE("unknown options are kept as kind/length, up to 8") {
    const TcpOptions o = walk({30, 4, 0, 0, 34, 2, 254, 6, 0xf9, 0x89, 0, 0});
    CHECK_FALSE(o.malformed);
    REQUIRE(o.other_count == 3);
    CHECK(o.other[0].kind == 30);
    CHECK(o.other[0].length == 4);
    CHECK(o.other[1].kind == 34);
    CHECK(o.other[2].kind == 254);
    CHECK(o.other[2].length == 6);

    const TcpOptions many = walk({99, 2, 99, 2, 99, 2, 99, 2, 99, 2, 99, 2, 99, 2, 99, 2, 99, 2, 99, 2});
    CHECK_FALSE(many.malformed);
    CHECK(many.other_count == TcpOptions::k_max_other);
}

TEST_CASE("malformed option lists end the walk without reading past the end") {
    SUBCASE("length 0") {
        const TcpOptions o = walk({2, 4, 0x05, 0xb4, 99, 0, 4, 2});
        CHECK(o.malformed);
        CHECK(o.has_mss);  // read before the bad option
        CHECK_FALSE(o.sack_permitted);
    }
    SUBCASE("length 1") { CHECK(walk({99, 1, 1, 1}).malformed); }
    SUBCASE("length past the end of the header") {
        const TcpOptions o = walk({1, 8, 12, 0, 0, 0});
        CHECK(o.malformed);
        CHECK_FALSE(o.has_timestamps);
    }
    SUBCASE("MSS with length 3") {
        const TcpOptions o = walk({2, 3, 0x05, 0, 4, 2});
        CHECK(o.malformed);
        CHECK_FALSE(o.has_mss);
        CHECK_FALSE(o.sack_permitted);
    }
    SUBCASE("wrong fixed lengths of the other known kinds") {
        CHECK(walk({3, 4, 7, 0}).malformed);
        CHECK(walk({4, 3, 0, 0}).malformed);
        CHECK(walk({8, 8, 0, 0, 0, 0, 0, 0}).malformed);
        CHECK(walk({5, 2}).malformed);                       // SACK with no block
        CHECK(walk({5, 9, 0, 0, 0, 0, 0, 0, 0}).malformed);  // not 2 + 8n
        CHECK(walk({5, 10, 0, 0, 0, 1, 0, 0, 0, 2}).malformed == false);
    }
    SUBCASE("a kind byte with no length byte at the end") { CHECK(walk({1, 1, 1, 2}).malformed); }
}

TEST_CASE("an option cut by caplen: options.malformed and truncated_at tcp_options") {
    // Header claims 40 bytes (timestamps at the end); capture stops in the middle of them.
    const auto segment = segment_with({1, 1, 4, 2, 2, 4, 0x05, 0xb4, 1, 1, 1, 1, 1, 1, 8, 10, 0, 0, 0, 7});
    REQUIRE(segment.size() == 40);
    const auto bytes = copy_prefix(segment, 36);
    TcpHeader header;
    const decode::TcpResult result = decode::decode_tcp(bytes, 40, header);
    CHECK(result.status == decode::TcpStatus::ok);
    CHECK(result.truncated_at == Layer::tcp_options);
    CHECK(header.options.malformed);
    CHECK(header.options.has_mss);
    CHECK(header.options.sack_permitted);
    CHECK_FALSE(header.options.has_timestamps);
    CHECK(result.payload.empty());
    CHECK(result.payload_len == 0);
}

TEST_CASE("decode_tcp: claimed vs captured") {
    const auto segment = segment_with({2, 4, 0x05, 0xb4});
    const auto bytes = to_bytes(segment);
    TcpHeader header;
    SUBCASE("claimed covers header + 100 bytes, 24 captured") {
        const decode::TcpResult result = decode::decode_tcp(bytes, 124, header);
        CHECK(result.status == decode::TcpStatus::ok);
        CHECK(result.header_len == 24);
        CHECK(result.payload_len == 100);
        CHECK(result.payload.empty());
        CHECK(result.truncated_at == Layer::tcp);
        CHECK(header.src_port == 1234);
        CHECK(header.dst_port == 80);
        CHECK(header.seq == 1);
        CHECK(header.flags == tcp_flag::syn);
        CHECK(header.options.mss == 1460);
    }
    SUBCASE("claimed shorter than the data offset") {
        CHECK(decode::decode_tcp(bytes, 22, header).status == decode::TcpStatus::malformed);
    }
    SUBCASE("claimed shorter than 20") {
        CHECK(decode::decode_tcp(bytes, 19, header).status == decode::TcpStatus::malformed);
    }
    SUBCASE("captured bytes beyond the claimed length are ignored") {
        const decode::TcpResult result = decode::decode_tcp(bytes, 20 + 0, header);
        CHECK(result.status == decode::TcpStatus::malformed);  // data offset 6 > 20
    }
    SUBCASE("fixed header cut") {
        const auto cut = copy_prefix(segment, 19);
        const decode::TcpResult result = decode::decode_tcp(cut, 24, header);
        CHECK(result.status == decode::TcpStatus::truncated);
        CHECK(result.truncated_at == Layer::tcp);
        CHECK(header.src_port == 0);
    }
}

TEST_CASE("malformed option lists in a whole packet keep it tcp and are counted as malformed options") {
    // The real SYN's MSS option length byte changed from 4 to 3.
    auto frame = to_bytes(frames::real_v4_syn);
    frame[14 + 20 + 21] = std::byte{3};
    DecodedPacket p;
    decode::decode_frame(DLT_EN10MB, frame, 74, p);
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.truncated_at == Layer::none);
    CHECK(p.tcp.options.malformed);
    CHECK_FALSE(p.tcp.options.has_mss);
    CHECK(p.tcp_checksum == ChecksumResult::bad);  // the byte changed under the checksum
}

TEST_CASE("mutated frames never read out of bounds (deterministic mini-fuzz)") {
    const std::span<const std::uint8_t> seeds[] = {frames::real_v4_syn, frames::real_v6_syn, frames::v6_ext_frag_first,
                                                   frames::v4_sack, frames::v4_qinq};
    std::uint32_t state = 0x2545f491U;
    const auto next = [&state] {
        state ^= state << 13U;
        state ^= state >> 17U;
        state ^= state << 5U;
        return state;
    };
    for (int round = 0; round < 4000; ++round) {
        const auto seed = seeds[static_cast<std::size_t>(round) % std::size(seeds)];
        std::vector<std::uint8_t> frame(seed.begin(), seed.end());
        const std::uint32_t flips = 1 + next() % 6;
        for (std::uint32_t i = 0; i < flips; ++i) {
            frame[next() % frame.size()] = static_cast<std::uint8_t>(next());
        }
        const std::size_t caplen = next() % (frame.size() + 1);
        const auto p = decode_bytes(DLT_EN10MB, frame, caplen, frame.size() + next() % 64);
        if (p.cls == PacketClass::truncated) {
            CHECK(p.truncated_at != Layer::none);
        }
        CHECK(p.payload.size() <= p.payload_len);
        CHECK(p.tcp.options.sack_count <= TcpOptions::k_max_sack_blocks);
        CHECK(p.tcp.options.other_count <= TcpOptions::k_max_other);
    }
}
