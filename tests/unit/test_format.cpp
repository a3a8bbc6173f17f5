// Shared text formatters: addresses as inet_ntop writes them, flags in Wireshark's order, RFC 3339
// stamps as gmtime_r and printf make them.
#include <arpa/inet.h>
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <string>

#include "tcpvet/report/format.hpp"
#include "test_decode_support.hpp"

using tcpvet::test_support::ipv4;

namespace {

std::string rfc3339_by_printf(std::int64_t ts_ns) {
    std::int64_t seconds = ts_ns / 1'000'000'000;
    std::int64_t nanos = ts_ns % 1'000'000'000;
    if (nanos < 0) {
        nanos += 1'000'000'000;
        --seconds;
    }
    const auto t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[64];
    std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(nanos));
    return text;
}

}  // namespace

TEST_SUITE("format") {
    TEST_CASE("IPv4 addresses read as inet_ntop writes them, every octet value in every place") {
        for (unsigned value = 0; value < 256; ++value) {
            const auto v = static_cast<std::uint8_t>(value);
            for (const tcpvet::IpAddress& address :
                 {ipv4(v, 0, 0, 0), ipv4(1, v, 2, 3), ipv4(255, 255, v, 9), ipv4(10, 0, 0, v)}) {
                char expected[INET_ADDRSTRLEN] = {};
                REQUIRE(inet_ntop(AF_INET, address.bytes.data(), expected, sizeof(expected)) != nullptr);
                CHECK(tcpvet::report::format_address(address) == expected);
            }
        }
        CHECK(tcpvet::report::format_address(ipv4(192, 0, 2, 10)) == "192.0.2.10");
    }

    TEST_CASE("IPv6 addresses with RFC 5952 zero compression") {
        tcpvet::IpAddress address;
        address.family = 6;
        address.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 0x00, 0x02, 0x0a};
        CHECK(tcpvet::report::format_address(address) == "2001:db8::c000:20a");
        CHECK(tcpvet::report::format_endpoint({address, 80}) == "[2001:db8::c000:20a]:80");
    }

    TEST_CASE("flags in Wireshark's order, none when no bit is set") {
        using namespace tcpvet::tcp_flag;
        CHECK(tcpvet::report::format_flags(fin | psh | ack) == "FIN,PSH,ACK");
        CHECK(tcpvet::report::format_flags(syn | ece | cwr) == "SYN,ECE,CWR");
        CHECK(tcpvet::report::format_flags(0) == "none");
        CHECK(tcpvet::report::format_flags(0x1FF).size() + 1 <= tcpvet::report::k_flags_text_max);
    }

    TEST_CASE("RFC 3339 stamps read as gmtime_r and printf make them") {
        CHECK(tcpvet::report::format_rfc3339(1'767'225'600'000'040'000) == "2026-01-01T00:00:00.000040000Z");
        CHECK(tcpvet::report::format_rfc3339(-1) == "1969-12-31T23:59:59.999999999Z");
        CHECK(tcpvet::report::format_rfc3339(951'782'400'000'000'000) == "2000-02-29T00:00:00.000000000Z");
        // The ends of int64 nanoseconds (1677 and 2262), and the days around a leap day and a century.
        const std::int64_t edges[] = {0,
                                      std::numeric_limits<std::int64_t>::max(),
                                      std::numeric_limits<std::int64_t>::min(),
                                      951'868'799'999'999'999,
                                      951'868'800'000'000'000,
                                      4'107'542'399'999'999'999,
                                      4'107'542'400'000'000'000,
                                      -2'208'988'800'000'000'001};
        for (const std::int64_t ns : edges) {
            CAPTURE(ns);
            CHECK(tcpvet::report::format_rfc3339(ns) == rfc3339_by_printf(ns));
        }
        // 300,000 stamps spread over all of int64, each moved off the stride by a different amount.
        std::size_t mismatches = 0;
        constexpr std::uint64_t k_stride = std::numeric_limits<std::uint64_t>::max() / 300'000;
        for (std::uint64_t i = 0; i < 300'000; ++i) {
            const auto ns = static_cast<std::int64_t>(i * k_stride + (i * 2654435761U) % 1'000'000'007U);
            if (tcpvet::report::format_rfc3339(ns) != rfc3339_by_printf(ns)) {
                if (mismatches++ < 5) MESSAGE("rfc3339 mismatch at ns=" << ns);
            }
        }
        CHECK(mismatches == 0);
    }
}
