// Per frame: read, decode into the caller's reused DecodedPacket, count; nothing is formatted here.
#include "tcpvet/frame_reader.hpp"

#include <limits>

#include "tcpvet/decode/dispatch.hpp"

namespace tcpvet {

FrameReader::FrameReader(capture::PacketSource& source, const PipelineOptions& options, const std::atomic<bool>* stop)
    : m_source(source),
      m_options(options),
      m_stop(stop),
      m_progress(source, options.progress_bar),
      m_started(std::chrono::steady_clock::now()),
      m_reassembly(options.ip_reassembly ? &m_reassembler : nullptr) {}

bool FrameReader::next(DecodedPacket& packet) {
    const std::uint64_t read = m_stats.packets;
    if (read != 0) {
        if (m_options.max_packets != 0 && read >= m_options.max_packets) return false;
        if (m_stop != nullptr && m_stop->load(std::memory_order_relaxed)) {
            m_interrupted = true;
            return false;
        }
        if (m_options.max_duration_ns != 0 && (read & 63U) == 0 &&
            std::chrono::steady_clock::now() - m_started >= std::chrono::nanoseconds(m_options.max_duration_ns)) {
            return false;
        }
    }
    if (!m_source.next(m_raw)) return false;
    // decode_frame resets every other field (caplen, lengths and link type from its arguments).
    packet.frame = m_raw.frame;
    packet.ts_ns = m_raw.ts_ns;
    if (read == 0 && m_options.first_frame_ns != nullptr) {
        m_options.first_frame_ns->store(m_raw.ts_ns, std::memory_order_release);
    }
    decode::decode_frame(m_raw.link_type, m_raw.data, m_raw.wire_len, packet, &m_layers, m_reassembly);
    if (packet.tunnel_depth != 0 && packet.cls == PacketClass::tcp) record_encapsulation(packet);
    m_stats.count(packet);
    m_progress.tick(m_stats.packets);
    return true;
}

// Only tunnelled TCP segments get here: one table lookup (usually the last entry again).
void FrameReader::record_encapsulation(DecodedPacket& packet) {
    EncapsulationTable& table = *m_options.encapsulations;
    const std::uint32_t number = table.intern(m_layers);
    packet.encapsulation = table.find(number);
    if (m_options.key_by_tunnel) packet.flow_context = number;
}

void FrameReader::conclude(PipelineResult& result) {
    m_progress.finish();
    m_reassembler.finish();
    m_stats.ip_reassembly = m_reassembly != nullptr;
    m_stats.reassembly = m_reassembler.stats();
    m_stats.reassembly_limits = m_reassembler.limits();
    result.capture = m_stats;
    result.capture.encapsulations = m_options.encapsulations->size();
    result.capture.encapsulations_unrecorded = m_options.encapsulations->unrecorded();
    result.encapsulations = m_options.encapsulations;
    if (m_source.failed()) {
        result.failed = true;
        result.error = m_source.error();
    }
    result.interrupted = m_interrupted || (m_stop != nullptr && m_stop->load(std::memory_order_relaxed));
    result.live = m_source.live_drop_stats();
}

std::int64_t FrameReader::end_ns() const {
    // A live capture ends now, not at its last packet: a connection silent since then has been
    // silent until now (what a CLOSE-WAIT threshold measures).
    if (!m_source.is_live()) return std::numeric_limits<std::int64_t>::min();
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace tcpvet
