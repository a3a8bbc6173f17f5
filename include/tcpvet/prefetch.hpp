// A cache prefetch hint that the optimizer keeps.
#pragma once

namespace tcpvet {

// Starts loading the cache line holding `address`; never faults. GCC 12 treats __builtin_prefetch
// as free of side effects and deletes it together with an inlined caller it then finds pure (seen
// with -O2 and -O3); the empty asm statement, which consumes the address, keeps it.
inline void prefetch_line(const void* address) noexcept {
    __builtin_prefetch(address);
    asm volatile("" : : "r"(address));
}

// The same for a line about to be written (a store that would otherwise miss and stall).
inline void prefetch_for_write(const void* address) noexcept {
    __builtin_prefetch(address, 1);
    asm volatile("" : : "r"(address));
}

}  // namespace tcpvet
