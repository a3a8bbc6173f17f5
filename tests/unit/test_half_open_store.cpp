// HalfOpenStore: the compact form must give back exactly the attempt it was given.
#include <doctest/doctest.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "tcpvet/flow/half_open_store.hpp"
#include "test_decode_support.hpp"

using tcpvet::IpAddress;
using tcpvet::flow::FlowKey;
using tcpvet::flow::HalfOpen;
using tcpvet::flow::HalfOpenStore;

namespace {

constexpr auto v4 = tcpvet::test_support::ipv4;

IpAddress v6(std::uint8_t last) {
    IpAddress addr;
    addr.family = 6;
    addr.bytes[0] = 0x20;
    addr.bytes[1] = 0x01;
    addr.bytes[15] = last;
    return addr;
}

FlowKey key_of(const IpAddress& src, std::uint16_t sport, const IpAddress& dst, std::uint16_t dport) {
    bool src_is_a = true;
    return tcpvet::flow::make_flow_key(src, sport, dst, dport, src_is_a);
}

// An attempt as the tracker makes it for a lone SYN.
HalfOpen lone_syn(const FlowKey& key, std::uint32_t stream) {
    HalfOpen attempt;
    attempt.key = key;
    attempt.stream = stream;
    attempt.client_isn = 0xFFFFFFF0U + stream;
    attempt.syn_count = 1;
    attempt.first_ts_ns = 1'700'000'000'123'456'789LL + stream;
    attempt.last_ts_ns = attempt.first_ts_ns;
    attempt.first_frame = (std::uint64_t{1} << 40) + stream;  // beyond 32 bits: kept whole
    attempt.client_wire_bytes = 74;
    attempt.client_window = 64240;
    attempt.client_options.mss = 1460;
    attempt.client_options.window_scale = 7;
    attempt.client_options.bits = 7;
    attempt.originator_is_a = (stream % 2) == 0;
    attempt.reused_from_stream = stream == 3 ? 1U : 0xFFFFFFFFU;
    return attempt;
}

void check_same(const HalfOpen& got, const HalfOpen& want) {
    // Every field but end_reason, which the tracker sets on the loaded copy when the attempt ends.
    const HalfOpen& a = got;
    const HalfOpen& b = want;
    CHECK(a.key == b.key);
    CHECK(a.stream == b.stream);
    CHECK(a.client_isn == b.client_isn);
    CHECK(a.server_isn == b.server_isn);
    CHECK(a.syn_count == b.syn_count);
    CHECK(a.synack_count == b.synack_count);
    CHECK(a.first_ts_ns == b.first_ts_ns);
    CHECK(a.synack_ts_ns == b.synack_ts_ns);
    CHECK(a.last_ts_ns == b.last_ts_ns);
    CHECK(a.first_frame == b.first_frame);
    CHECK(a.synack_frame_delta == b.synack_frame_delta);
    CHECK(a.last_frame_delta == b.last_frame_delta);
    CHECK(a.syn_retransmit_delta == b.syn_retransmit_delta);
    CHECK(a.synack_retransmit_delta == b.synack_retransmit_delta);
    CHECK(a.client_wire_bytes == b.client_wire_bytes);
    CHECK(a.server_wire_bytes == b.server_wire_bytes);
    CHECK(a.client_window == b.client_window);
    CHECK(a.server_window == b.server_window);
    for (const auto& [x, y] :
         {std::pair{a.client_options, b.client_options}, std::pair{a.server_options, b.server_options}}) {
        CHECK(x.mss == y.mss);
        CHECK(x.window_scale == y.window_scale);
        CHECK(x.bits == y.bits);
    }
    CHECK(a.originator_is_a == b.originator_is_a);
    CHECK(a.synack_seen == b.synack_seen);
    CHECK(a.reused_from_stream == b.reused_from_stream);
}

}  // namespace

TEST_CASE("half-open store: a lone SYN round-trips, IPv4 inline and IPv6 in the side slab") {
    HalfOpenStore store;
    const std::vector<HalfOpen> attempts = {
        lone_syn(key_of(v4(10, 0, 0, 1), 40000, v4(10, 0, 0, 2), 80), 0),
        lone_syn(key_of(v6(1), 40001, v6(2), 443), 1),
        lone_syn(key_of(v4(255, 255, 255, 255), 65535, v4(0, 0, 0, 0), 0), 2),
        lone_syn(key_of(v4(192, 168, 1, 1), 1, v4(192, 168, 1, 1), 1), 3),
    };
    std::vector<HalfOpenStore::Index> indexes;
    for (const HalfOpen& attempt : attempts) indexes.push_back(store.add(attempt));
    for (std::size_t i = 0; i < attempts.size(); ++i) {
        check_same(store.load(indexes[i]), attempts[i]);
        CHECK(store.key(indexes[i]) == attempts[i].key);
        CHECK(store.key_equals(indexes[i], attempts[i].key));
        CHECK(store.stream(indexes[i]) == attempts[i].stream);
        CHECK(store.last_ts_ns(indexes[i]) == attempts[i].first_ts_ns);
        CHECK(store.live(indexes[i]));
        for (std::size_t j = 0; j < attempts.size(); ++j) {
            if (j != i) CHECK_FALSE(store.key_equals(indexes[i], attempts[j].key));
        }
    }
}

TEST_CASE("half-open store: an IPv4 key with bytes beyond its 4 address bytes is kept whole") {
    HalfOpenStore store;
    FlowKey odd = key_of(v4(10, 0, 0, 1), 1000, v4(10, 0, 0, 2), 2000);
    odd.addr_b[1] = 0x0102030405060708ULL;  // not canonical: must not be truncated into the inline form
    const HalfOpen attempt = lone_syn(odd, 0);
    const HalfOpenStore::Index index = store.add(attempt);
    check_same(store.load(index), attempt);
    FlowKey canonical = odd;
    canonical.addr_b[1] = 0;
    CHECK_FALSE(store.key_equals(index, canonical));
    CHECK(store.key_equals(index, odd));
}

TEST_CASE("half-open store: retransmissions and a SYN-ACK take the second line, and survive store()") {
    HalfOpenStore store;
    HalfOpen attempt = lone_syn(key_of(v4(10, 0, 0, 1), 40000, v4(10, 0, 0, 2), 80), 0);
    const HalfOpenStore::Index index = store.add(attempt);
    const std::size_t one_line = store.memory_bytes();

    attempt.syn_count = 2;
    attempt.syn_retransmit_delta[0] = 7;
    attempt.last_frame_delta = 7;
    attempt.last_ts_ns += 1'000'000'000;
    attempt.client_wire_bytes += 74;
    store.store(index, attempt);
    check_same(store.load(index), attempt);
    CHECK(store.last_ts_ns(index) == attempt.last_ts_ns);
    CHECK(store.memory_bytes() > one_line);

    attempt.synack_seen = true;
    attempt.synack_count = 2;
    attempt.server_isn = 99;
    attempt.synack_ts_ns = attempt.first_ts_ns + 5;
    attempt.synack_frame_delta = 3;
    attempt.synack_retransmit_delta[0] = 9;
    attempt.server_window = 65535;
    attempt.server_options.mss = 1400;
    attempt.server_wire_bytes = 148;
    attempt.last_frame_delta = 9;
    store.store(index, attempt);
    check_same(store.load(index), attempt);
}

TEST_CASE("half-open store: removed slots are reused, and a reused slot starts clean") {
    HalfOpenStore store;
    HalfOpen answered = lone_syn(key_of(v6(1), 1, v6(2), 2), 0);
    const HalfOpenStore::Index first = store.add(answered);
    answered.synack_seen = true;
    answered.synack_count = 1;
    answered.server_isn = 5;
    store.store(first, answered);
    CHECK(store.next_index() == store.slots());
    store.prefetch_next();
    store.prefetch(first);

    store.remove(first);
    CHECK_FALSE(store.live(first));
    CHECK(store.next_index() == first);
    const HalfOpen fresh = lone_syn(key_of(v4(1, 2, 3, 4), 5, v4(6, 7, 8, 9), 10), 1);
    const HalfOpenStore::Index second = store.add(fresh);
    CHECK(second == first);
    check_same(store.load(second), fresh);  // no SYN-ACK and no IPv6 key left over from the first
    CHECK(store.slots() == 1);

    // Many attempts: the chunks grow, every record stays where it was.
    std::vector<HalfOpen> many;
    std::vector<HalfOpenStore::Index> indexes;
    for (std::uint32_t i = 0; i < 70'000; ++i) {
        many.push_back(lone_syn(key_of(v4(10, static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8),
                                          static_cast<std::uint8_t>(i)),
                                       static_cast<std::uint16_t>(i), v4(10, 255, 0, 1), 80),
                                i + 2));
        indexes.push_back(store.add(many.back()));
    }
    for (std::size_t i = 0; i < many.size(); i += 997) check_same(store.load(indexes[i]), many[i]);
}
