// The encapsulation table: one number per distinct (canonical) encapsulation, stable entries, a cap.
#include <doctest/doctest.h>

#include "tcpvet/encapsulation_table.hpp"
#include "tcpvet/flow/flow_key.hpp"

using namespace tcpvet;

namespace {

decode::Encapsulation vxlan(std::uint32_t vni, std::uint8_t outer_a, std::uint8_t outer_b) {
    decode::Encapsulation layers;
    layers.depth = 1;
    decode::TunnelLayer& layer = layers.layers[0];
    layer.kind = decode::TunnelKind::vxlan;
    layer.has_id = true;
    layer.id = vni;
    layer.outer_src.family = 4;
    layer.outer_src.bytes = {10, 0, 0, outer_a};
    layer.outer_dst.family = 4;
    layer.outer_dst.bytes = {10, 0, 0, outer_b};
    return layers;
}

}  // namespace

TEST_CASE("both directions of a tunnel share one number; another VNI gets another") {
    EncapsulationTable table;
    const std::uint32_t forward = table.intern(vxlan(100, 1, 2));
    const std::uint32_t reverse = table.intern(vxlan(100, 2, 1));
    const std::uint32_t other = table.intern(vxlan(200, 1, 2));
    CHECK(forward == 1);
    CHECK(reverse == forward);
    CHECK(other == 2);
    CHECK(table.size() == 2);
    REQUIRE(table.find(forward) != nullptr);
    CHECK(table.find(forward)->layers[0].id == 100);
    CHECK(table.find(EncapsulationTable::k_none) == nullptr);
    // A number seen again after others still finds its entry (not only the last one).
    CHECK(table.intern(vxlan(100, 1, 2)) == forward);
}

TEST_CASE("entries do not move as the table grows, and the cap is counted") {
    EncapsulationTable table;
    const decode::Encapsulation* first = table.find(table.intern(vxlan(0, 1, 2)));
    for (std::uint32_t vni = 1; vni < EncapsulationTable::k_capacity; ++vni) (void)table.intern(vxlan(vni, 1, 2));
    CHECK(table.size() == EncapsulationTable::k_capacity);
    CHECK(table.find(1) == first);
    CHECK(first->layers[0].id == 0);
    CHECK(table.intern(vxlan(0xFFFFFF, 1, 2)) == EncapsulationTable::k_unrecorded);
    CHECK(table.find(EncapsulationTable::k_unrecorded) == nullptr);
    CHECK(table.unrecorded() == 1);
}

TEST_CASE("a tunnel context keeps equal inner 5-tuples apart; 0 keeps the plain key and hash") {
    IpAddress a;
    a.family = 4;
    a.bytes = {192, 0, 2, 1};
    IpAddress b;
    b.family = 4;
    b.bytes = {192, 0, 2, 2};
    bool src_is_a = false;
    const flow::FlowKey plain = flow::make_flow_key(a, 1000, b, 80, src_is_a);
    const flow::FlowKey zero = flow::make_flow_key(a, 1000, b, 80, src_is_a, 0);
    const flow::FlowKey one = flow::make_flow_key(a, 1000, b, 80, src_is_a, 1);
    const flow::FlowKey big = flow::make_flow_key(b, 80, a, 1000, src_is_a, 0x123456);
    CHECK(plain == zero);
    CHECK(flow::hash_flow_key(plain) == flow::hash_flow_key(zero));
    CHECK_FALSE(one == zero);
    CHECK(flow::hash_flow_key(one) != flow::hash_flow_key(zero));
    CHECK(big.context() == 0x123456);
    CHECK(flow::make_flow_key(a, 1000, b, 80, src_is_a, 0x123456) == big);  // symmetric
}
