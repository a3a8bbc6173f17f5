// Shared text formatters: addresses as inet_ntop writes them, flags in Wireshark's order.
#include <doctest/doctest.h>

#include <arpa/inet.h>

#include <string>

#include "tcpvet/report/format.hpp"
#include "test_decode_support.hpp"

using tcpvet::test_support::ipv4;

TEST_SUITE("format") {
    TEST_CASE("IPv4 addresses read as inet_ntop writes them, every octet value in every place") {
        for (unsigned value = 0; value < 256; ++value) {
            const auto v = static_cast<std::uint8_t>(value);
            for (const tcpvet::IpAddress& address : {ipv4(v, 0, 0, 0), ipv4(1, v, 2, 3), ipv4(255, 255, v, 9), ipv4(10, 0, 0, v)}) {
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
}
