// Follow one TCP stream: the tracker's reassembled bytes rendered as ASCII, a hex dump, or raw bytes.
//
// The layout follows `tshark -q -z follow,tcp,ascii,N` (a "=====" framed block with "Follow:",
// "Filter:" and "Node 0/1:" lines), but chunks are streamed as they are delivered, so instead of
// tshark's per-chunk length line (and tab indent for node 1) each chunk opens with a marker line
// "client> offset N" or "server< offset N". Nothing is held back except one partial hex line.
#include "tcpvet/report/follow.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "tcpvet/flow/conversation.hpp"
#include "tcpvet/report/format.hpp"
#include "tcpvet/report/side_name.hpp"

namespace tcpvet::report {
namespace {

constexpr const char* k_rule = "===================================================================\n";

// Wireshark's Follow Stream "ASCII": printable characters and newlines as they are, the rest '.'.
char ascii_of(std::byte b) noexcept {
    const auto c = static_cast<unsigned char>(b);
    if (c == '\n' || (c >= 0x20 && c < 0x7F)) return static_cast<char>(c);
    return '.';
}

void add_figures(flow::ReassemblyFigures& total, const flow::ReassemblyFigures& more) noexcept {
    total.delivered_bytes += more.delivered_bytes;
    total.out_of_order_segments += more.out_of_order_segments;
    total.overlaps += more.overlaps;
    total.overlap_bytes += more.overlap_bytes;
    total.overlaps_differing += more.overlaps_differing;
    total.gaps += more.gaps;
    total.missed_bytes += more.missed_bytes;
    total.dropped_bytes += more.dropped_bytes;
    total.buffered_peak = std::max(total.buffered_peak, more.buffered_peak);
}

}  // namespace

FollowRenderer::FollowRenderer(FollowOptions options, std::ostream& out, std::ostream& notes)
    : m_options(options), m_out(out), m_notes(notes) {}

bool FollowRenderer::wanted(unsigned side) const noexcept {
    switch (m_options.direction) {
    case FollowDirection::both: return true;
    case FollowDirection::client: return side == 0;
    case FollowDirection::server: return side == 1;
    }
    return false;
}

void FollowRenderer::on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) {
    if (m_found || info.stream != m_options.stream) return;
    m_found = true;
    const flow::Endpoint source{packet.src, packet.tcp.src_port};
    const flow::Endpoint destination{packet.dst, packet.tcp.dst_port};
    m_nodes[0] = format_endpoint(info.side == 0 ? source : destination);
    m_nodes[1] = format_endpoint(info.side == 0 ? destination : source);
}

void FollowRenderer::on_stream_data(const flow::Conversation& conversation, unsigned side, std::uint64_t offset,
                                    Bytes data) {
    if (conversation.stream != m_options.stream) return;
    if (!m_found) {
        // Data is delivered while its packet is tracked, before on_segment names the stream.
        m_found = true;
        m_nodes[0] = format_endpoint(conversation.side[0].endpoint);
        m_nodes[1] = format_endpoint(conversation.side[1].endpoint);
    }
    if (!wanted(side) || data.empty()) return;
    if (m_options.format == FollowFormat::raw) {
        m_out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
        return;
    }
    write_header();
    open_chunk(side, offset);
    if (m_options.format == FollowFormat::ascii) {
        write_ascii(data);
    } else {
        if (m_hex_fill == 0) m_hex_offset = offset;
        write_hex(data);
    }
}

void FollowRenderer::on_stream_gap(const flow::Conversation& conversation, unsigned side, std::uint64_t offset,
                                   std::uint64_t length) {
    if (conversation.stream != m_options.stream || !wanted(side)) return;
    if (m_options.format == FollowFormat::raw) {
        m_notes << "tcpvet: follow: stream " << m_options.stream << ' ' << side_name(side) << ": gap: " << length
                << " bytes missing at offset " << offset << " (not written)\n";
        return;
    }
    write_header();
    open_chunk(side, offset);
    if (m_options.format == FollowFormat::hex) flush_hex_line();
    if (!m_at_line_start) m_out << '\n';
    m_out << "[gap: " << length << " bytes missing at offset " << offset << "]\n";
    m_at_line_start = true;
}

void FollowRenderer::on_conversation_end(const flow::Conversation& conversation) {
    if (conversation.stream != m_options.stream) return;
    m_ended = true;
    for (unsigned side = 0; side < 2; ++side) add_figures(m_figures[side], conversation.reassembly[side].figures());
}

void FollowRenderer::finish() {
    if (m_options.format == FollowFormat::raw) {
        m_out.flush();
        return;
    }
    if (!m_found) return;
    write_header();
    close_chunk();
    m_out << k_rule;
    if (m_ended) {
        for (unsigned side = 0; side < 2; ++side) {
            if (!wanted(side)) continue;
            const flow::ReassemblyFigures& f = m_figures[side];
            m_out << side_name(side) << ": " << f.delivered_bytes << " bytes, " << f.gaps << " gaps (" << f.missed_bytes
                  << " bytes missing), " << f.overlaps << " overlaps (" << f.overlaps_differing << " differing), "
                  << f.out_of_order_segments << " out of order, " << f.dropped_bytes << " bytes dropped at caps\n";
        }
        m_out << k_rule;
    }
    m_out.flush();
}

void FollowRenderer::write_header() {
    if (m_header_written) return;
    m_header_written = true;
    m_out << k_rule << "Follow: tcp," << (m_options.format == FollowFormat::hex ? "hex" : "ascii") << '\n'
          << "Filter: tcp.stream eq " << m_options.stream << '\n'
          << "Node 0: " << m_nodes[0] << " (client)\n"
          << "Node 1: " << m_nodes[1] << " (server)\n";
}

void FollowRenderer::open_chunk(unsigned side, std::uint64_t offset) {
    if (m_chunk_side == static_cast<int>(side)) return;
    close_chunk();
    m_chunk_side = static_cast<int>(side);
    m_out << (side == 0 ? "client> offset " : "server< offset ") << offset << '\n';
    m_at_line_start = true;
}

void FollowRenderer::close_chunk() {
    if (m_chunk_side < 0) return;
    if (m_options.format == FollowFormat::hex) flush_hex_line();
    if (!m_at_line_start) m_out << '\n';
    m_at_line_start = true;
    m_chunk_side = -1;
}

void FollowRenderer::write_ascii(Bytes data) {
    m_scratch.resize(data.size());
    for (std::size_t i = 0; i < data.size(); ++i) m_scratch[i] = ascii_of(data[i]);
    m_out.write(m_scratch.data(), static_cast<std::streamsize>(m_scratch.size()));
    m_at_line_start = m_scratch.back() == '\n';
}

void FollowRenderer::write_hex(Bytes data) {
    for (std::byte b : data) {
        m_hex_line[m_hex_fill++] = b;
        if (m_hex_fill == m_hex_line.size()) flush_hex_line();
    }
}

// One hexdump -C style line: "00000010  47 45 54 20 ...  |GET ...|".
void FollowRenderer::flush_hex_line() {
    if (m_hex_fill == 0) return;
    char line[128];
    int at = std::snprintf(line, sizeof line, "%08llx  ", static_cast<unsigned long long>(m_hex_offset));
    for (std::size_t i = 0; i < m_hex_line.size(); ++i) {
        const auto room = sizeof line - static_cast<std::size_t>(at);
        if (i < m_hex_fill) {
            at += std::snprintf(line + at, room, i == 7 ? "%02x  " : "%02x ", static_cast<unsigned>(m_hex_line[i]));
        } else {
            at += std::snprintf(line + at, room, i == 7 ? "    " : "   ");
        }
    }
    line[at++] = ' ';
    line[at++] = '|';
    for (std::size_t i = 0; i < m_hex_fill; ++i) {
        const char c = ascii_of(m_hex_line[i]);
        line[at++] = c == '\n' ? '.' : c;
    }
    line[at++] = '|';
    line[at++] = '\n';
    m_out.write(line, at);
    m_hex_offset += m_hex_fill;
    m_hex_fill = 0;
    m_at_line_start = true;
}

}  // namespace tcpvet::report
