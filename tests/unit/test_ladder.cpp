// The ladder view: arrows, relative/absolute numbers, --explain sentences and the collector's stream filter.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tcpvet/report/ladder.hpp"
#include "test_decode_support.hpp"

namespace {

using tcpvet::flow::TcpState;
using tcpvet::report::LadderRow;
namespace tcp_flag = tcpvet::tcp_flag;

constexpr std::uint32_t k_client_isn = 8000;
constexpr std::uint32_t k_server_isn = 15000;
constexpr std::uint16_t k_syn = tcp_flag::syn;
constexpr std::uint16_t k_syn_ack = tcp_flag::syn | tcp_flag::ack;
constexpr std::uint16_t k_ack = tcp_flag::ack;
constexpr std::uint16_t k_psh_ack = tcp_flag::psh | tcp_flag::ack;
constexpr std::uint16_t k_fin_ack = tcp_flag::fin | tcp_flag::ack;

using tcpvet::test_support::ipv4;

tcpvet::flow::Conversation textbook_conversation() {
    tcpvet::flow::Conversation conversation;
    conversation.stream = 0;
    conversation.side[0].endpoint = {ipv4(192, 0, 2, 1), 40000};
    conversation.side[1].endpoint = {ipv4(192, 0, 2, 2), 80};
    conversation.side[0].isn_known = true;
    conversation.side[0].isn = k_client_isn;
    conversation.side[1].isn_known = true;
    conversation.side[1].isn = k_server_isn;
    conversation.handshake = tcpvet::analysis::HandshakeVerdict::complete;
    conversation.handshake_frames = {1, 2, 3};
    conversation.teardown = tcpvet::analysis::TeardownVerdict::graceful_four_way;
    conversation.close_initiator = tcpvet::analysis::CloseInitiator::originator;
    return conversation;
}

// A row as the tracker would report it: relative numbers from each side's ISN (Wireshark-style).
LadderRow row(std::uint64_t frame, std::int64_t ms, std::uint8_t side, std::uint16_t flags, std::uint32_t seq,
              std::uint32_t ack, std::uint32_t len, TcpState client_after, TcpState server_after) {
    LadderRow r;
    r.frame = frame;
    r.ts_ns = 1'700'000'000'000'000'000 + ms * 1'000'000;
    r.side = side;
    r.flags = flags;
    r.seq = seq;
    r.ack = (flags & tcp_flag::ack) != 0 ? ack : 0;
    const std::uint32_t own_isn = side == 0 ? k_client_isn : k_server_isn;
    const std::uint32_t peer_isn = side == 0 ? k_server_isn : k_client_isn;
    r.rel_seq = seq - own_isn;
    r.rel_ack = (flags & tcp_flag::ack) != 0 ? ack - peer_isn : 0;
    r.len = len;
    r.window = side == 0 ? 64240 : 65160;
    r.state_after = {client_after, server_after};
    return r;
}

// Client ISN 8000, server ISN 15000: handshake, 2 x 1000 bytes, 2000 bytes back, four-way close.
std::vector<LadderRow> textbook_rows() {
    using S = TcpState;
    std::vector<LadderRow> rows = {
        row(1, 0, 0, k_syn, 8000, 0, 0, S::syn_sent, S::listen),
        row(2, 10, 1, k_syn_ack, 15000, 8001, 0, S::syn_sent, S::syn_received),
        row(3, 20, 0, k_ack, 8001, 15001, 0, S::established, S::established),
        row(4, 30, 0, k_psh_ack, 8001, 15001, 1000, S::established, S::established),
        row(5, 31, 0, k_psh_ack, 9001, 15001, 1000, S::established, S::established),
        row(6, 40, 1, k_psh_ack, 15001, 10001, 2000, S::established, S::established),
        row(7, 50, 0, k_ack, 10001, 17001, 0, S::established, S::established),
        row(8, 60, 0, k_fin_ack, 10001, 17001, 0, S::fin_wait_1, S::established),
        row(9, 70, 1, k_ack, 17001, 10002, 0, S::fin_wait_2, S::close_wait),
        row(10, 80, 1, k_fin_ack, 17001, 10002, 0, S::fin_wait_2, S::last_ack),
        row(11, 90, 0, k_ack, 10002, 17002, 0, S::time_wait, S::closed),
    };
    tcpvet::report::annotate_rows(rows);
    return rows;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    return lines;
}

// The diagram line of the segment sent at `time` ("0.031000").
std::string line_at(const std::string& text, const std::string& time) {
    for (const std::string& line : lines_of(text)) {
        const auto first = line.find_first_not_of(' ');
        if (first != std::string::npos && line.compare(first, time.size(), time) == 0) return line;
    }
    return {};
}

std::size_t columns(const std::string& line) {
    std::size_t count = 0;
    for (const char c : line) {
        if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++count;
    }
    return count;
}

bool points_right(const std::string& line) {
    return line.find("▶") != std::string::npos && line.find("◀") == std::string::npos;
}
bool points_left(const std::string& line) {
    return line.find("◀") != std::string::npos && line.find("▶") == std::string::npos;
}

}  // namespace

TEST_SUITE_BEGIN("ladder");

TEST_CASE("ladder: arrows point in each segment's direction") {
    const auto text = tcpvet::report::render_ladder(textbook_conversation(), textbook_rows(), {});
    const char* client_times[] = {"0.000000", "0.020000", "0.030000", "0.031000", "0.050000", "0.060000", "0.090000"};
    const char* server_times[] = {"0.010000", "0.040000", "0.070000", "0.080000"};
    for (const char* time : client_times) {
        CAPTURE(time);
        const std::string line = line_at(text, time);
        REQUIRE_FALSE(line.empty());
        CHECK(points_right(line));
    }
    for (const char* time : server_times) {
        CAPTURE(time);
        const std::string line = line_at(text, time);
        REQUIRE_FALSE(line.empty());
        CHECK(points_left(line));
    }
    CHECK(line_at(text, "0.000000").find("SYN seq=0 win=64240 len=0") != std::string::npos);
    CHECK(line_at(text, "0.010000").find("SYN,ACK seq=0 ack=1") != std::string::npos);
}

TEST_CASE("ladder: header, states, footer, and 80 columns") {
    const auto text = tcpvet::report::render_ladder(textbook_conversation(), textbook_rows(), {});
    CAPTURE(text);
    const auto lines = lines_of(text);
    REQUIRE(lines.size() >= 3);
    CHECK(lines[0].find("192.0.2.1:40000 (ISN 8000)") != std::string::npos);
    CHECK(lines[0].find("192.0.2.2:80 (ISN 15000)") != std::string::npos);
    for (const std::string& line : lines) {
        CAPTURE(line);
        CHECK(columns(line) <= 80);
    }
    const std::string syn = line_at(text, "0.000000");
    CHECK(syn.find("SYN-SENT") < syn.find("│"));  // the client's state sits left of its timeline
    CHECK(syn.find("LISTEN") > syn.rfind("│"));
    const std::string last = line_at(text, "0.090000");
    CHECK(last.find("TIME-WAIT") != std::string::npos);
    CHECK(last.find("CLOSED") != std::string::npos);
    // Both timelines stay straight: the right bar sits at the same column on every segment line.
    std::size_t bar_column = 0;
    for (const std::string& line : lines) {
        const auto bar = line.rfind("│");
        if (bar == std::string::npos) continue;
        const std::size_t column = columns(line.substr(0, bar));
        if (bar_column == 0) bar_column = column;
        CHECK(column == bar_column);
    }
    CHECK(text.find("handshake  complete (frames 1, 2, 3)") != std::string::npos);
    CHECK(text.find("teardown   graceful_four_way, initiated by client") != std::string::npos);
    CHECK(text.find("\x1b[") == std::string::npos);  // no colour unless asked
}

TEST_CASE("ladder: relative numbers by default") {
    const auto text = tcpvet::report::render_ladder(textbook_conversation(), textbook_rows(), {});
    CHECK(line_at(text, "0.031000").find("PSH,ACK seq=1001 ack=1 len=1000") != std::string::npos);
    CHECK(line_at(text, "0.040000").find("PSH,ACK seq=1 ack=2001 len=2000") != std::string::npos);
    CHECK(line_at(text, "0.090000").find("ACK seq=2002 ack=2002 len=0") != std::string::npos);
}

TEST_CASE("ladder: the window shows on SYNs and when it changes") {
    auto rows = textbook_rows();
    rows[6].window = 60000;
    tcpvet::report::LadderOptions options;
    options.width = 86;  // 80 columns before the frame column (6) was added: every label has its full form
    const auto text = tcpvet::report::render_ladder(textbook_conversation(), rows, options);
    CHECK(line_at(text, "0.000000").find("win=64240") != std::string::npos);
    CHECK(line_at(text, "0.010000").find("win=65160") != std::string::npos);
    CHECK(line_at(text, "0.020000").find("win=") == std::string::npos);
    CHECK(line_at(text, "0.050000").find("ack=2001 win=60000 len=0") != std::string::npos);
}

TEST_CASE("ladder: raw numbers with options.absolute") {
    tcpvet::report::LadderOptions options;
    options.absolute = true;
    const auto text = tcpvet::report::render_ladder(textbook_conversation(), textbook_rows(), options);
    CHECK(line_at(text, "0.030000").find("seq=8001 ack=15001") != std::string::npos);
    CHECK(line_at(text, "0.040000").find("seq=15001 ack=10001") != std::string::npos);
    CHECK(line_at(text, "0.060000").find("seq=10001") != std::string::npos);
}

TEST_CASE("ladder: explanations of the textbook exchange") {
    const auto conversation = textbook_conversation();
    const auto rows = textbook_rows();
    using tcpvet::report::explain_row;
    CHECK(explain_row(conversation, rows, 0, false) ==
          "seq 0: the client's ISN 8000; a SYN consumes one sequence number");
    CHECK(explain_row(conversation, rows, 1, false) ==
          "seq 0: the server's ISN 15000; ack 1: acknowledges the SYN, which consumes one sequence number");
    CHECK(explain_row(conversation, rows, 1, true) ==
          "seq 15000: the server's ISN; ack 8001: acknowledges the SYN, which consumes one sequence number");
    CHECK(explain_row(conversation, rows, 2, false) ==
          "seq 1, ack 1: the handshake's third segment; RFC 9293 wants seq = ISN+1");
    CHECK(explain_row(conversation, rows, 3, false) == "seq 1: first data byte; the SYN used number 0");
    CHECK(explain_row(conversation, rows, 4, false) == "seq 1001: previous segment carried 1000 bytes");
    CHECK(explain_row(conversation, rows, 4, true) == "seq 9001: previous segment carried 1000 bytes");
    CHECK(explain_row(conversation, rows, 5, false) ==
          "seq 1: first data byte; the SYN-ACK used number 0; "
          "ack 2001: cumulative — acknowledges every byte up to 2000 (2 segments)");
    CHECK(explain_row(conversation, rows, 6, false) == "ack 2001: cumulative — acknowledges every byte up to 2000");
    CHECK(explain_row(conversation, rows, 7, false) == "FIN consumes one sequence number: the server will ack 2002");
    CHECK(explain_row(conversation, rows, 7, true) == "FIN consumes one sequence number: the server will ack 10002");
    CHECK(explain_row(conversation, rows, 8, false) == "ack 2002: acknowledges the FIN");
    CHECK(explain_row(conversation, rows, 9, false) == "FIN consumes one sequence number: the client will ack 2002");
    CHECK(explain_row(conversation, rows, 10, false) == "ack 2002: acknowledges the FIN");
    CHECK(explain_row(conversation, rows, 99, false).empty());
}

TEST_CASE("ladder: explain lines appear under their segment") {
    tcpvet::report::LadderOptions options;
    options.explain = true;
    const auto text = tcpvet::report::render_ladder(textbook_conversation(), textbook_rows(), options);
    CAPTURE(text);
    const auto lines = lines_of(text);
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
        if (lines[i].find("0.031000") == std::string::npos) continue;
        CHECK(lines[i + 1].find("seq 1001: previous segment carried 1000 bytes") != std::string::npos);
        CHECK(lines[i + 1].rfind("   ", 0) == 0);  // indented
    }
    for (const std::string& line : lines) {
        CAPTURE(line);
        CHECK(columns(line) <= 80);
    }
}

TEST_CASE("ladder: a third segment that reuses the SYN's number (textbook drawing)") {
    auto rows = textbook_rows();
    rows[2].seq = k_client_isn;
    rows[2].rel_seq = 0;
    tcpvet::report::annotate_rows(rows);
    const auto conversation = textbook_conversation();
    CHECK(tcpvet::report::explain_row(conversation, rows, 2, false) ==
          "seq 0 reuses the SYN's number; RFC 9293 wants 1 (textbook drawings often show this); "
          "ack 1: acknowledges the server's SYN");
    CHECK(tcpvet::report::explain_row(conversation, rows, 2, true) ==
          "seq 8000 reuses the SYN's number; RFC 9293 wants 8001 (textbook drawings often show this); "
          "ack 15001: acknowledges the server's SYN");
}

TEST_CASE("ladder: retransmissions and analysis flags") {
    auto rows = textbook_rows();
    LadderRow again = rows[4];  // the second data segment, sent again
    again.frame = 12;
    again.ts_ns += 500'000'000;
    again.analysis = tcpvet::analysis::bit(tcpvet::analysis::SegmentFlag::retransmission);
    rows.insert(rows.begin() + 5, again);
    tcpvet::report::annotate_rows(rows);
    const auto conversation = textbook_conversation();
    CHECK(tcpvet::report::explain_row(conversation, rows, 5, false) == "seq 1001 again: retransmission of frame 5");
    tcpvet::report::LadderOptions options;
    options.width = 100;  // room for the flag inside the arrow
    const auto wide = tcpvet::report::render_ladder(conversation, rows, options);
    CHECK(line_at(wide, "0.531000").find("len=1000 [retransmission] ─") != std::string::npos);

    options.width = 80;  // no room: the flag moves to a line under the arrow, the timelines stay straight
    const auto text = tcpvet::report::render_ladder(conversation, rows, options);
    CAPTURE(text);
    const auto lines = lines_of(text);
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
        if (lines[i].find("0.531000") == std::string::npos) continue;
        CHECK(lines[i].find("[retransmission]") == std::string::npos);
        CHECK(lines[i + 1].find("[retransmission]") != std::string::npos);
    }
    for (const std::string& line : lines) CHECK(columns(line) <= 80);

    options.color = true;
    options.width = 100;
    const auto colored = tcpvet::report::render_ladder(conversation, rows, options);
    CHECK(colored.find("\x1b[35m [retransmission]") != std::string::npos);
    CHECK(colored.find("\x1b[32mSYN") != std::string::npos);
    CHECK(colored.find("\x1b[33mFIN,ACK") != std::string::npos);
}

TEST_CASE("ladder: a refused connection and large raw numbers") {
    using S = TcpState;
    auto conversation = textbook_conversation();
    conversation.side[1].isn_known = false;
    conversation.handshake = tcpvet::analysis::HandshakeVerdict::rejected;
    conversation.teardown = tcpvet::analysis::TeardownVerdict::reset;
    conversation.close_initiator = tcpvet::analysis::CloseInitiator::none;
    conversation.reset_by = 1;
    conversation.reset_in_state = S::listen;
    std::vector<LadderRow> rows = {
        row(1, 0, 0, k_syn, 8000, 0, 0, S::syn_sent, S::listen),
        row(2, 1, 1, tcp_flag::rst | tcp_flag::ack, 0, 8001, 0, S::closed, S::listen),
    };
    rows[1].rel_seq = 0;
    tcpvet::report::annotate_rows(rows);
    CHECK(tcpvet::report::explain_row(conversation, rows, 1, false) ==
          "RST: refuses the client's SYN (connection refused)");
    const auto text = tcpvet::report::render_ladder(conversation, rows, {});
    CHECK(points_left(line_at(text, "0.001000")));
    CHECK(line_at(text, "0.001000").find("RST,ACK seq=0 ack=1") != std::string::npos);
    CHECK(text.find("(no SYN seen)") != std::string::npos);
    CHECK(text.find("teardown   reset, RST from server in LISTEN") != std::string::npos);

    // Raw numbers near 2^32 with analysis flags: the ladder widens rather than bending a timeline.
    for (LadderRow& r : rows) {
        r.seq += 4'294'000'000U;
        r.ack += 4'294'000'000U;
        r.analysis = tcpvet::analysis::bit(tcpvet::analysis::SegmentFlag::fast_retransmission) |
                     tcpvet::analysis::bit(tcpvet::analysis::SegmentFlag::retransmission);
    }
    tcpvet::report::annotate_rows(rows);
    tcpvet::report::LadderOptions options;
    options.absolute = true;
    options.width = 40;
    const auto narrow = tcpvet::report::render_ladder(conversation, rows, options);
    CAPTURE(narrow);
    CHECK(narrow.find("[fast_retransmission]") != std::string::npos);  // `retransmission` is implied
    std::size_t bar_column = 0;
    for (const std::string& line : lines_of(narrow)) {
        const auto bar = line.rfind("│");
        if (bar == std::string::npos) continue;
        const std::size_t column = columns(line.substr(0, bar));
        if (bar_column == 0) bar_column = column;
        CHECK(column == bar_column);
    }
}

TEST_CASE("ladder: each segment shows the capture file's frame number") {
    auto rows = textbook_rows();
    for (LadderRow& r : rows) r.frame += 100000;  // frames of a long capture: the column widens
    const auto text = tcpvet::report::render_ladder(textbook_conversation(), rows, {});
    CAPTURE(text);
    const auto lines = lines_of(text);
    REQUIRE(lines.size() >= 2);
    CHECK(lines[1].find("time(s)  frame") != std::string::npos);
    CHECK(line_at(text, "0.000000").rfind(" 0.000000 100001 ", 0) == 0);
    CHECK(line_at(text, "0.031000").rfind(" 0.031000 100005 ", 0) == 0);
    CHECK(line_at(text, "0.090000").rfind(" 0.090000 100011 ", 0) == 0);
}

TEST_CASE("ladder: one handshake frame is a frame, several are frames") {
    auto conversation = textbook_conversation();
    conversation.handshake = tcpvet::analysis::HandshakeVerdict::syn_unanswered;
    conversation.handshake_frames = {12, tcpvet::flow::k_no_frame, tcpvet::flow::k_no_frame};
    auto rows = textbook_rows();
    rows.resize(1);  // the SYN alone
    const auto one = tcpvet::report::render_ladder(conversation, rows, {});
    CHECK(one.find("(frame 12)") != std::string::npos);
    CHECK(one.find("frames 12") == std::string::npos);
    conversation.handshake_frames = {12, 13, tcpvet::flow::k_no_frame};
    CHECK(tcpvet::report::render_ladder(conversation, rows, {}).find("(frames 12, 13)") != std::string::npos);
}

TEST_CASE("ladder: the collector keeps at most its cap of segments and counts the rest") {
    tcpvet::report::LadderCollector collector(3, 4);
    for (std::uint32_t i = 0; i < 10; ++i) {
        tcpvet::DecodedPacket packet;
        packet.frame = 2 * i + 1;
        packet.ts_ns = 1000 * static_cast<std::int64_t>(i);
        packet.cls = tcpvet::PacketClass::tcp;
        packet.tcp.seq = 100 + 10 * i;
        packet.tcp.flags = tcp_flag::ack;
        packet.payload_len = 10;
        tcpvet::flow::SegmentInfo info;
        info.stream = 3;
        collector.on_segment(packet, info);
    }
    REQUIRE(collector.rows().size() == 4);
    CHECK(collector.rows().back().frame == 7);  // the first four are kept
    CHECK(collector.rows_dropped() == 6);
    tcpvet::flow::Conversation conversation = textbook_conversation();
    conversation.stream = 3;
    const auto text = tcpvet::report::render_ladder(conversation, collector.rows(), {}, collector.rows_dropped());
    CAPTURE(text);
    CHECK(text.find("segments   the first 4 of 10 are drawn; 6 more were not kept (the ladder's cap)") !=
          std::string::npos);
    CHECK(tcpvet::report::render_ladder(conversation, collector.rows(), {}).find("not kept") == std::string::npos);
}

TEST_CASE("ladder: the collector keeps only its stream") {
    tcpvet::report::LadderCollector collector(7);
    for (std::uint32_t i = 0; i < 6; ++i) {
        tcpvet::DecodedPacket packet;
        packet.frame = i + 1;
        packet.ts_ns = 1000 * static_cast<std::int64_t>(i);
        packet.cls = tcpvet::PacketClass::tcp;
        packet.tcp.seq = 100 + i;
        packet.tcp.ack = 200 + i;
        packet.tcp.flags = tcp_flag::ack;
        packet.tcp.window = 512;
        packet.payload_len = 10;
        tcpvet::flow::SegmentInfo info;
        info.stream = i % 2 == 0 ? 7 : 8;
        info.side = static_cast<std::uint8_t>(i / 2 % 2);
        info.analysis.rel_seq = 1 + i;
        info.analysis.rel_ack = 2 + i;
        info.state_after = {TcpState::established, TcpState::close_wait};
        collector.on_segment(packet, info);
    }
    REQUIRE(collector.rows().size() == 3);
    CHECK(collector.rows()[0].frame == 1);
    CHECK(collector.rows()[1].frame == 3);
    CHECK(collector.rows()[2].frame == 5);
    CHECK(collector.rows()[1].side == 1);
    CHECK(collector.rows()[1].seq == 102);
    CHECK(collector.rows()[1].rel_ack == 4);
    CHECK(collector.rows()[1].len == 10);
    CHECK(collector.rows()[1].state_after[1] == TcpState::close_wait);

    CHECK_FALSE(collector.found());
    tcpvet::flow::Conversation other;
    other.stream = 8;
    collector.on_conversation_end(other);
    CHECK_FALSE(collector.found());
    tcpvet::flow::Conversation mine;
    mine.stream = 7;
    mine.first_frame = 1;
    collector.on_conversation_end(mine);
    CHECK(collector.found());
    CHECK(collector.conversation().stream == 7);
    CHECK(collector.conversation().first_frame == 1);
}

TEST_SUITE_END();
