// An allocator that asks Linux for transparent huge pages on large blocks. A hash table of millions
// of slots (flows, spoofed sources) is probed at random: with 4 KiB pages nearly every probe also
// misses the TLB.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

#include <sys/mman.h>

namespace tcpvet {

template <typename T>
class HugePageAllocator {
public:
    using value_type = T;
    static constexpr std::size_t k_huge_page = std::size_t{2} << 20;

    HugePageAllocator() noexcept = default;
    template <typename U>
    HugePageAllocator(const HugePageAllocator<U>& /*other*/) noexcept {}  // NOLINT(google-explicit-constructor)

    [[nodiscard]] T* allocate(std::size_t count) {
        const std::size_t bytes = count * sizeof(T);
        if (bytes < k_huge_page) return static_cast<T*>(::operator new(bytes));
        const std::size_t rounded = (bytes + k_huge_page - 1) / k_huge_page * k_huge_page;
        void* block = std::aligned_alloc(k_huge_page, rounded);
        if (block == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
        (void)::madvise(block, rounded, MADV_HUGEPAGE);  // a hint: without it, ordinary pages
#endif
        return static_cast<T*>(block);
    }

    void deallocate(T* block, std::size_t count) noexcept {
        if (count * sizeof(T) < k_huge_page) {
            ::operator delete(block);
        } else {
            std::free(block);
        }
    }

    template <typename U>
    friend bool operator==(const HugePageAllocator&, const HugePageAllocator<U>&) noexcept {
        return true;
    }
};

}  // namespace tcpvet
