// FlatKeyMap: the open-addressing table behind the scan detector; prefetch hints change no result.
#include <doctest/doctest.h>

#include <cstdint>
#include <map>

#include "tcpvet/anomaly/distinct_counter.hpp"
#include "tcpvet/anomaly/flat_key_map.hpp"

using tcpvet::anomaly::DistinctCounter;
using tcpvet::anomaly::FlatKeyMap;

namespace {

struct Record {
    std::uint64_t hits = 0;
    std::uint64_t first = 0;
};

}  // namespace

TEST_CASE("flat key map: empty, then insert and find, key 0 included") {
    FlatKeyMap<Record> map;
    CHECK(map.size() == 0);
    CHECK(map.find(0) == nullptr);
    CHECK(map.find(42) == nullptr);
    map.prefetch(42);  // harmless on an empty table

    auto [zero, zero_new] = map.insert(0);
    CHECK(zero_new);
    zero->hits = 7;
    auto [answer, answer_new] = map.insert(42);
    CHECK(answer_new);
    CHECK(answer->hits == 0);  // value-initialized
    answer->hits = 1;
    CHECK(map.size() == 2);

    auto [again, again_new] = map.insert(42);
    CHECK(!again_new);
    CHECK(again->hits == 1);
    REQUIRE(map.find(0) != nullptr);
    CHECK(map.find(0)->hits == 7);
    CHECK(map.insert(0).second == false);
    CHECK(map.size() == 2);
}

TEST_CASE("flat key map: records survive growth, for_each visits each key once") {
    FlatKeyMap<Record> map;
    std::map<std::uint64_t, std::uint64_t> expected;
    // Sequential, strided and high-bit keys: all must land, whatever their home slot.
    for (std::uint64_t i = 0; i < 5000; ++i) {
        for (const std::uint64_t key : {i, i * 4096, (i << 40) | 1U, ~i}) {
            map.prefetch(key);
            Record& record = *map.insert(key).first;
            ++record.hits;
            record.first = record.hits == 1 ? i : record.first;
            ++expected[key];
        }
    }
    CHECK(map.size() == expected.size());
    CHECK(map.memory_bytes() >= expected.size() * 2 * (sizeof(std::uint64_t) + sizeof(Record)));
    for (const auto& [key, hits] : expected) {
        const Record* record = map.find(key);
        REQUIRE(record != nullptr);
        CHECK(record->hits == hits);
    }
    CHECK(map.find(0xDEADBEEFCAFEULL) == nullptr);
    std::size_t visited = 0;
    std::uint64_t hits = 0;
    map.for_each([&](std::uint64_t key, const Record& record) {
        ++visited;
        hits += record.hits;
        CHECK(expected.count(key) == 1);
    });
    CHECK(visited == expected.size());
    CHECK(hits == 20000);
}

TEST_CASE("distinct counter: prefetch hints change no count, exact or sketched") {
    DistinctCounter hinted(1000, 12);
    DistinctCounter plain(1000, 12);
    hinted.prefetch(5);  // before the set exists
    for (std::uint64_t key = 0; key < 3000; ++key) {
        const std::uint64_t value = (key * 2654435761U) % 1500;
        hinted.prefetch(value);
        hinted.add(value);
        plain.add(value);
        // 2654435761 = 1261 (mod 1500) and gcd(1261, 1500) = 1: keys 0..1499 give distinct values.
        if (key == 400) {
            CHECK(hinted.exact());
            CHECK(hinted.count() == 401);
            CHECK(hinted.count() == plain.count());
        }
    }
    CHECK(!hinted.exact());
    CHECK(hinted.count() == plain.count());
    // 1500 distinct values; 2^12 registers give a standard error of 1.6%.
    CHECK(hinted.count() >= 1425);
    CHECK(hinted.count() <= 1575);
}
