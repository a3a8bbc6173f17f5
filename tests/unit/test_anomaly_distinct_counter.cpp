// DistinctCounter: exact below its cap, HyperLogLog within its stated error above it.
#include <doctest/doctest.h>

#include <cmath>

#include "tcpvet/anomaly/distinct_counter.hpp"

using tcpvet::anomaly::DistinctCounter;

TEST_CASE("distinct counter is exact below its cap, key 0 included") {
    DistinctCounter counter(1000, 12);
    for (std::uint64_t round = 0; round < 3; ++round) {
        for (std::uint64_t key = 0; key < 900; ++key) counter.add(key * 7919);
    }
    CHECK(counter.exact());
    CHECK(counter.count() == 900);
    CHECK(counter.standard_error() == 0.0);
}

TEST_CASE("distinct counter switches to HyperLogLog past its cap and stays within 4 standard errors") {
    DistinctCounter counter(1000, 14);
    constexpr std::uint64_t k_keys = 200000;
    for (std::uint64_t key = 1; key <= k_keys; ++key) counter.add(key);
    for (std::uint64_t key = 1; key <= 1000; ++key) counter.add(key);  // repeats change nothing
    CHECK(!counter.exact());
    const double error = counter.standard_error();
    CHECK(error == doctest::Approx(1.04 / 128.0));
    const double relative = std::fabs(static_cast<double>(counter.count()) - k_keys) / k_keys;
    CHECK(relative < 4 * error);
    CHECK(counter.memory_bytes() < 20000);
}

TEST_CASE("address and endpoint keys: IPv4 exact, families apart") {
    tcpvet::IpAddress v4;
    v4.family = 4;
    v4.bytes[0] = 192;
    v4.bytes[3] = 10;
    tcpvet::IpAddress v6;
    v6.family = 6;
    v6.bytes[0] = 192;
    v6.bytes[3] = 10;
    CHECK(tcpvet::anomaly::address_key(v4) == ((std::uint64_t{4} << 32) | 0xC000000AU));
    CHECK(tcpvet::anomaly::address_key(v4) != tcpvet::anomaly::address_key(v6));
    const tcpvet::flow::Endpoint a{v4, 80};
    const tcpvet::flow::Endpoint b{v4, 81};
    CHECK(tcpvet::anomaly::endpoint_key(a) != tcpvet::anomaly::endpoint_key(b));
}
