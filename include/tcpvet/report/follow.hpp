// Follow one TCP stream (Wireshark's Follow TCP Stream, `tshark -z follow,tcp,ascii,N`): its reassembled bytes.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "tcpvet/flow/reassembler.hpp"
#include "tcpvet/flow/tracker.hpp"

namespace tcpvet::report {

enum class FollowDirection : std::uint8_t { both, client, server };
enum class FollowFormat : std::uint8_t { ascii, hex, raw };

struct FollowOptions {
    std::uint32_t stream = 0;  // tcp.stream
    FollowDirection direction = FollowDirection::both;
    FollowFormat format = FollowFormat::ascii;
};

// Renders one stream while the tracker delivers it (run the pipeline with TrackerOptions::stream_bytes).
//  ascii: a tshark-like header, then chunks in delivery order, each opened by "client>" or "server<"
//         and its stream offset; printable bytes and '\n' as they are, every other byte as '.'.
//  hex:   the same chunks as a hex dump (stream offset, 16 bytes, their ASCII).
//  raw:   the exact bytes; with both directions, concatenated in delivery order. Gaps are not
//         written; each is reported on `notes` (stderr).
// Gaps show in ascii/hex as "[gap: N bytes missing at offset X]".
class FollowRenderer : public flow::TrackerObserver {
public:
    FollowRenderer(FollowOptions options, std::ostream& out, std::ostream& notes);

    void on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) override;
    void on_stream_data(const flow::Conversation& conversation, unsigned side, std::uint64_t offset,
                        Bytes data) override;
    void on_stream_gap(const flow::Conversation& conversation, unsigned side, std::uint64_t offset,
                       std::uint64_t length) override;
    void on_conversation_end(const flow::Conversation& conversation) override;
    bool wants_half_open_conversation() override { return false; }

    // After the pipeline: closes the last chunk and writes the footer (ascii/hex).
    void finish();

    // Whether the stream exists in the input.
    [[nodiscard]] bool found() const noexcept { return m_found; }
    // Reassembly figures per side [client, server], known once the conversation ended.
    [[nodiscard]] const std::array<flow::ReassemblyFigures, 2>& figures() const noexcept { return m_figures; }

private:
    [[nodiscard]] bool wanted(unsigned side) const noexcept;
    void write_header();
    void open_chunk(unsigned side, std::uint64_t offset);
    void close_chunk();
    void write_ascii(Bytes data);
    void write_hex(Bytes data);
    void flush_hex_line();

    FollowOptions m_options;
    std::ostream& m_out;
    std::ostream& m_notes;
    bool m_found = false;
    bool m_header_written = false;
    bool m_ended = false;
    std::array<std::string, 2> m_nodes;  // "addr:port" of client and server
    std::array<flow::ReassemblyFigures, 2> m_figures{};
    int m_chunk_side = -1;  // side of the open chunk, -1: none
    bool m_at_line_start = true;
    std::string m_scratch;
    // The hex line being filled: its stream offset and up to 16 bytes.
    std::uint64_t m_hex_offset = 0;
    std::array<std::byte, 16> m_hex_line{};
    std::size_t m_hex_fill = 0;
};

}  // namespace tcpvet::report
