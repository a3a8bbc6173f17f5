// ByteReader: big-endian reads, bounds, and the sticky failure state.
#include <doctest/doctest.h>

#include <array>
#include <cstddef>

#include "tcpvet/byte_reader.hpp"

namespace {

constexpr std::array<std::byte, 7> k_data{std::byte{0x12}, std::byte{0x34}, std::byte{0x56}, std::byte{0x78},
                                          std::byte{0x9a}, std::byte{0xbc}, std::byte{0xde}};

}  // namespace

TEST_CASE("ByteReader reads big-endian integers in order") {
    tcpvet::ByteReader reader{k_data};
    CHECK(reader.remaining() == 7);
    CHECK(reader.u8() == 0x12);
    CHECK(reader.be16() == 0x3456);
    CHECK(reader.be32() == 0x789abcdeU);
    CHECK(reader.remaining() == 0);
    CHECK(reader.ok());
    CHECK(reader.offset() == 7);
}

TEST_CASE("ByteReader bytes() and skip() return views and advance") {
    tcpvet::ByteReader reader{k_data};
    CHECK(reader.skip(1));
    const auto view = reader.bytes(3);
    REQUIRE(view.size() == 3);
    CHECK(view.data() == k_data.data() + 1);
    CHECK(reader.rest().size() == 3);
    CHECK(reader.bytes(0).empty());
    CHECK(reader.ok());
}

TEST_CASE("a failed read returns zero, consumes nothing and stays failed") {
    tcpvet::ByteReader reader{k_data};
    CHECK(reader.be32() == 0x12345678U);
    CHECK(reader.be32() == 0);  // only 3 left
    CHECK(reader.failed());
    CHECK(reader.remaining() == 0);
    CHECK(reader.rest().empty());
    CHECK(reader.u8() == 0);  // would fit, but the reader is failed
    CHECK(reader.be16() == 0);
    CHECK(reader.bytes(1).empty());
    CHECK_FALSE(reader.skip(0));
    CHECK(reader.offset() == 4);
}

TEST_CASE("ByteReader over an empty span") {
    tcpvet::ByteReader reader{std::span<const std::byte>{}};
    CHECK(reader.remaining() == 0);
    CHECK(reader.bytes(0).empty());
    CHECK(reader.ok());
    CHECK(reader.u8() == 0);
    CHECK(reader.failed());
}

TEST_CASE("skip and bytes refuse sizes larger than the span without overflow") {
    tcpvet::ByteReader reader{k_data};
    CHECK(reader.skip(2));
    CHECK_FALSE(reader.skip(static_cast<std::size_t>(-1)));
    CHECK(reader.failed());
    tcpvet::ByteReader other{k_data};
    CHECK(other.bytes(8).empty());
    CHECK(other.failed());
}

TEST_CASE("ByteReader works in constant expressions") {
    constexpr auto value = [] {
        tcpvet::ByteReader reader{k_data};
        return reader.be16();
    }();
    static_assert(value == 0x1234);
    CHECK(value == 0x1234);
}
