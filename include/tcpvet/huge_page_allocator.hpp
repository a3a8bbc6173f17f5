// An allocator that asks Linux for transparent huge pages on large blocks. A hash table of millions
// of slots (flows, spoofed sources) is probed at random: with 4 KiB pages nearly every probe also
// misses the TLB.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

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
        if (bytes < k_huge_page) return static_cast<T*>(::operator new (bytes, std::align_val_t{alignof(T)}));
        return static_cast<T*>(map_aligned(rounded(bytes)));
    }

    void deallocate(T* block, std::size_t count) noexcept {
        const std::size_t bytes = count * sizeof(T);
        if (bytes < k_huge_page) {
            ::operator delete (block, std::align_val_t{alignof(T)});
        } else {
            (void)::munmap(block, rounded(bytes));
        }
    }

    template <typename U>
    friend bool operator==(const HugePageAllocator&, const HugePageAllocator<U>&) noexcept {
        return true;
    }

private:
    [[nodiscard]] static std::size_t rounded(std::size_t bytes) noexcept {
        return (bytes + k_huge_page - 1) / k_huge_page * k_huge_page;
    }

    // Straight from mmap, not malloc: malloc would serve these from its heap once its mmap
    // threshold has risen, where freed blocks are trimmed and re-faulted (and zeroed) over and over.
    // Over-map by a huge page, then unmap the head and tail so the block starts on a 2 MiB boundary.
    [[nodiscard]] static void* map_aligned(std::size_t bytes) {
        const std::size_t span = bytes + k_huge_page;
        void* mapped = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mapped == MAP_FAILED) throw std::bad_alloc();
        const auto start = reinterpret_cast<std::uintptr_t>(mapped);
        const std::uintptr_t aligned = (start + k_huge_page - 1) & ~(std::uintptr_t{k_huge_page} - 1);
        if (aligned != start) (void)::munmap(mapped, aligned - start);
        const std::size_t tail = start + span - (aligned + bytes);
        if (tail != 0) (void)::munmap(reinterpret_cast<void*>(aligned + bytes), tail);
        void* block = reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
        (void)::madvise(block, bytes, MADV_HUGEPAGE);  // a hint: without it, ordinary pages
#endif
        return block;
    }
};

}  // namespace tcpvet
