// The 64-bit mixer the flow hash and every anomaly table and sketch scatter their keys with.
#pragma once

#include <cstdint>

namespace tcpvet {

// splitmix64's finalizer (Steele, Lea, Flood 2014): a bijection that scatters sequential keys
// (addresses, stream numbers) over hash tables and HyperLogLog registers.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

}  // namespace tcpvet
