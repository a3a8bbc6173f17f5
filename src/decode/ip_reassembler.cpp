// IP fragment reassembly: fragments copied into pooled per-datagram buffers, first bytes kept.
#include "tcpvet/decode/ip_reassembler.hpp"

#include <algorithm>
#include <cstring>

#include "tcpvet/mix64.hpp"

namespace tcpvet::decode {

namespace {

constexpr std::uint8_t k_ip_proto_tcp = 6;
constexpr std::uint32_t k_tcp_min_header = 20;
// A released buffer keeps its capacity for the next datagram unless it grew past this, so a
// burst of 64 KiB datagrams does not pin 64 KiB per slot for the rest of the capture.
constexpr std::size_t k_pooled_capacity = 16U << 10U;

std::uint64_t address_hash(const IpAddress& address) noexcept {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        hi = (hi << 8U) | address.bytes[i];
        lo = (lo << 8U) | address.bytes[i + 8];
    }
    return mix64(hi ^ mix64(lo));
}

// Wireshark keys IPv4 on (src, dst, id, protocol) and IPv6 on (src, dst, id); so does this.
std::uint64_t key_hash(const IpFragment& fragment) noexcept {
    const std::uint64_t protocol = fragment.version == 4 ? fragment.protocol : 0;
    return mix64(address_hash(fragment.src) ^ (address_hash(fragment.dst) * 31) ^ (std::uint64_t{fragment.id} << 16U) ^
                 (protocol << 8U) ^ fragment.version);
}

bool same_key(const IpFragment& a, const IpFragment& b) noexcept {
    return a.version == b.version && a.id == b.id && (a.version != 4 || a.protocol == b.protocol) && a.src == b.src &&
           a.dst == b.dst;
}

}  // namespace

IpReassembler::IpReassembler(ReassemblyLimits limits) noexcept : m_limits(limits) {}

FragmentOutcome IpReassembler::add(const IpFragment& fragment, std::uint64_t frame, std::int64_t ts_ns,
                                   Bytes& datagram) {
    if (m_completed_pending) release_completed(frame);
    if (fragment.offset == 0 && fragment.more && fragment.protocol == k_ip_proto_tcp &&
        fragment.claimed < k_tcp_min_header) {
        ++m_stats.tiny_first_fragments;  // still reassembled, as the receiving host would
    }
    if (fragment.data.size() < fragment.claimed) {
        ++m_stats.truncated_fragments;  // Wireshark too adds only fragments captured whole
        return FragmentOutcome::not_whole;
    }
    const std::uint64_t end = std::uint64_t{fragment.offset} + fragment.claimed;
    if (end > m_limits.max_datagram_bytes) {
        ++m_stats.too_large;
        return FragmentOutcome::dropped;
    }
    if (m_active != 0 && ts_ns - m_earliest_ts_ns > m_limits.timeout_ns) expire(ts_ns);

    const std::uint64_t hash = key_hash(fragment);
    Datagram* held = find(fragment, hash);
    if (held == nullptr) held = create(fragment, hash, ts_ns);
    if (held == nullptr) return FragmentOutcome::dropped;  // max_datagrams is 0
    Datagram& dg = *held;

    const auto end32 = static_cast<std::uint32_t>(end);
    // A last fragment fixes the length; a fragment that contradicts a known end is refused.
    if ((dg.has_total && end32 > dg.total) || (!fragment.more && dg.has_total && end32 != dg.total) ||
        (!fragment.more && !dg.ranges.empty() && dg.ranges.back().end > end32)) {
        ++m_stats.conflicting_overlaps;
        return FragmentOutcome::dropped;
    }
    if (++dg.fragments > m_limits.max_fragments) {
        ++m_stats.too_many_fragments;
        release(dg);
        return FragmentOutcome::dropped;
    }
    if (!fragment.more) {
        dg.has_total = true;
        dg.total = end32;
    }
    if (end32 > dg.buffer.size()) {
        const std::size_t growth = end32 - dg.buffer.size();
        while (m_bytes + growth > m_limits.max_bytes && evict_oldest(m_stats.evicted_memory_cap, &dg)) {}
        if (m_bytes + growth > m_limits.max_bytes) {  // this datagram alone is past the cap
            ++m_stats.evicted_memory_cap;
            release(dg);
            return FragmentOutcome::dropped;
        }
        dg.buffer.resize(end32);
        m_bytes += growth;
        m_stats.peak_bytes = std::max(m_stats.peak_bytes, m_bytes);
    }
    if (!merge(dg, fragment.offset, fragment.data.first(fragment.claimed))) ++m_stats.conflicting_overlaps;
    if (!complete(dg)) return FragmentOutcome::held;

    ++m_stats.reassembled;
    dg.completed = true;
    dg.completed_in = frame;
    m_completed_pending = true;
    datagram = Bytes{dg.buffer.data(), dg.total};
    return FragmentOutcome::completed;
}

void IpReassembler::finish() noexcept {
    for (Datagram& dg : m_slots) {
        if (!dg.active || dg.completed) continue;
        ++m_stats.incomplete;
        m_stats.incomplete_fragments += dg.fragments;
    }
    for (Datagram& dg : m_slots) {
        if (dg.active) release(dg);
    }
    m_completed_pending = false;
}

IpReassembler::Datagram* IpReassembler::find(const IpFragment& fragment, std::uint64_t hash) noexcept {
    // Linear over a contiguous array: fragments are rare, and the hash compare is one load each.
    for (Datagram& dg : m_slots) {
        if (dg.active && !dg.completed && dg.hash == hash && same_key(dg.key, fragment)) return &dg;
    }
    return nullptr;
}

IpReassembler::Datagram* IpReassembler::create(const IpFragment& fragment, std::uint64_t hash, std::int64_t ts_ns) {
    if (m_limits.max_datagrams == 0) return nullptr;
    if (m_active >= m_limits.max_datagrams) evict_oldest(m_stats.evicted_datagram_cap, nullptr);
    Datagram* slot = nullptr;
    for (Datagram& dg : m_slots) {
        if (!dg.active) {
            slot = &dg;
            break;
        }
    }
    if (slot == nullptr) {
        if (m_slots.size() >= m_limits.max_datagrams) return nullptr;  // every slot a completed view
        if (m_slots.empty()) m_slots.reserve(std::min<std::uint32_t>(m_limits.max_datagrams, 64));
        slot = &m_slots.emplace_back();
    }
    slot->key = IpFragment{fragment.src, fragment.dst, fragment.id, fragment.protocol, fragment.version};
    slot->hash = hash;
    slot->first_ts_ns = ts_ns;
    slot->arrival = m_arrivals++;
    slot->total = 0;
    slot->fragments = 0;
    slot->has_total = false;
    slot->completed = false;
    slot->active = true;
    if (m_active == 0 || ts_ns < m_earliest_ts_ns) m_earliest_ts_ns = ts_ns;
    ++m_active;
    return slot;
}

void IpReassembler::release_completed(std::uint64_t frame) noexcept {
    m_completed_pending = false;
    for (Datagram& dg : m_slots) {
        if (!dg.active || !dg.completed) continue;
        if (dg.completed_in == frame) {
            m_completed_pending = true;  // its view is still being decoded (nested fragments)
        } else {
            release(dg);
        }
    }
}

void IpReassembler::expire(std::int64_t ts_ns) noexcept {
    std::int64_t earliest = ts_ns;
    for (Datagram& dg : m_slots) {
        if (!dg.active || dg.completed) continue;
        if (ts_ns - dg.first_ts_ns > m_limits.timeout_ns) {
            ++m_stats.timed_out;
            release(dg);
        } else {
            earliest = std::min(earliest, dg.first_ts_ns);
        }
    }
    m_earliest_ts_ns = earliest;
}

bool IpReassembler::evict_oldest(std::uint64_t& counter, const Datagram* keep) noexcept {
    Datagram* oldest = nullptr;
    for (Datagram& dg : m_slots) {
        if (!dg.active || dg.completed || &dg == keep) continue;
        if (oldest == nullptr || dg.arrival < oldest->arrival) oldest = &dg;
    }
    if (oldest == nullptr) return false;
    ++counter;
    release(*oldest);
    return true;
}

void IpReassembler::release(Datagram& datagram) noexcept {
    m_bytes -= datagram.buffer.size();
    datagram.buffer.clear();
    if (datagram.buffer.capacity() > k_pooled_capacity) std::vector<std::byte>{}.swap(datagram.buffer);
    datagram.ranges.clear();
    datagram.active = false;
    datagram.completed = false;
    --m_active;
}

bool IpReassembler::merge(Datagram& datagram, std::uint32_t begin, Bytes data) {
    const auto end = static_cast<std::uint32_t>(begin + data.size());
    if (begin == end) return true;
    std::byte* const buffer = datagram.buffer.data();
    const auto copy = [&](std::uint32_t from, std::uint32_t to) noexcept {
        std::memcpy(buffer + from, data.data() + (from - begin), to - from);
    };
    bool overlapped = false;
    bool identical = true;
    std::uint32_t position = begin;
    for (const Range& range : datagram.ranges) {
        if (range.end <= position) continue;
        if (range.begin >= end) break;
        if (range.begin > position) copy(position, range.begin);
        const std::uint32_t overlap_begin = std::max(position, range.begin);
        const std::uint32_t overlap_end = std::min(end, range.end);
        overlapped = true;
        // The bytes received first are kept (as Wireshark and the BSDs do); a different copy of
        // them is the teardrop / RFC 1858 overlapping-fragment attack.
        if (std::memcmp(buffer + overlap_begin, data.data() + (overlap_begin - begin), overlap_end - overlap_begin) !=
            0) {
            identical = false;
        }
        position = overlap_end;
    }
    if (position < end) copy(position, end);
    if (overlapped && identical) ++m_stats.overlaps;

    // Insert and coalesce: the list stays short (in-order fragments keep it at one range).
    auto at = std::lower_bound(datagram.ranges.begin(), datagram.ranges.end(), begin,
                               [](const Range& range, std::uint32_t value) { return range.begin < value; });
    datagram.ranges.insert(at, Range{begin, end});
    std::size_t write = 0;
    for (std::size_t read = 1; read < datagram.ranges.size(); ++read) {
        Range& last = datagram.ranges[write];
        const Range next = datagram.ranges[read];
        if (next.begin <= last.end) {
            last.end = std::max(last.end, next.end);
        } else {
            datagram.ranges[++write] = next;
        }
    }
    datagram.ranges.resize(write + 1);
    return identical;
}

bool IpReassembler::complete(const Datagram& datagram) noexcept {
    return datagram.has_total && datagram.ranges.size() == 1 && datagram.ranges.front().begin == 0 &&
           datagram.ranges.front().end == datagram.total;
}

}  // namespace tcpvet::decode
