// A fixed ring of pending updates: an update is applied N pushes after it was queued, its table
// slot prefetched meanwhile, and in the order queued, so results are those of applying at once.
#pragma once

#include <array>
#include <cstddef>

namespace tcpvet::anomaly {

template <typename T, std::size_t N>
class LookaheadQueue {
public:
    // A slot for a new item, to fill at once; when the ring is full, `apply(oldest)` runs first.
    template <typename Apply>
    T& push(Apply&& apply) {
        if (m_count == N) apply(pop());
        return m_items[(m_first + m_count++) % N];
    }

    // Applies every queued item, oldest first (end of input).
    template <typename Apply>
    void drain(Apply&& apply) {
        while (m_count != 0) apply(pop());
    }

private:
    // The oldest item, valid until the next push.
    const T& pop() noexcept {
        const T& oldest = m_items[m_first];
        m_first = (m_first + 1) % N;
        --m_count;
        return oldest;
    }

    std::array<T, N> m_items{};
    std::size_t m_first = 0;
    std::size_t m_count = 0;
};

}  // namespace tcpvet::anomaly
