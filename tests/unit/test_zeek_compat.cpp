// ZeekConnection: conn_state and history for hand-built segment sequences, each derived from Zeek's code.
//
// Every expected value below was worked out by hand from Zeek's TCPSessionAdapter::Process /
// UpdateStateMachine, TCP_Endpoint, TCP_Reassembler and conn/main.zeek conn_state(); the comment on
// each case gives the reasoning. os/rs = Zeek's orig/resp endpoint state.
#include <doctest/doctest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

#include "tcpvet/analysis/zeek_compat.hpp"

using tcpvet::DecodedPacket;
using tcpvet::PacketClass;
using tcpvet::analysis::ZeekConnection;
using tcpvet::analysis::ZeekEndpointState;
namespace flag = tcpvet::tcp_flag;

namespace {

constexpr std::uint16_t k_s = flag::syn;
constexpr std::uint16_t k_sa = flag::syn | flag::ack;
constexpr std::uint16_t k_a = flag::ack;
constexpr std::uint16_t k_pa = flag::psh | flag::ack;
constexpr std::uint16_t k_fa = flag::fin | flag::ack;
constexpr std::uint16_t k_r = flag::rst;
constexpr std::uint16_t k_ra = flag::rst | flag::ack;

// Originator ISN 1000, responder ISN 5000 throughout.
struct Seg {
    bool from_orig = true;
    std::uint16_t flags = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint32_t len = 0;
    std::uint16_t window = 8192;
    bool bad_checksum = false;
    std::uint32_t captured = 0xFFFFFFFF;  // payload bytes captured; default: all of them
};

Seg o(std::uint16_t flags, std::uint32_t seq, std::uint32_t ack = 0, std::uint32_t len = 0) {
    return Seg{true, flags, seq, ack, len};
}
Seg r(std::uint16_t flags, std::uint32_t seq, std::uint32_t ack = 0, std::uint32_t len = 0) {
    return Seg{false, flags, seq, ack, len};
}
Seg with_window(Seg s, std::uint16_t window) {
    s.window = window;
    return s;
}
Seg bad(Seg s) {
    s.bad_checksum = true;
    return s;
}
Seg captured(Seg s, std::uint32_t bytes) {
    s.captured = bytes;
    return s;
}

const std::array<std::byte, 2048> k_zeros{};

DecodedPacket packet_of(const Seg& s) {
    DecodedPacket p;
    p.cls = PacketClass::tcp;
    p.tcp.seq = s.seq;
    p.tcp.ack = s.ack;
    p.tcp.flags = s.flags;
    p.tcp.window = s.window;
    p.tcp.data_offset = 5;
    p.payload_len = s.len;
    const std::uint32_t cap = s.captured < s.len ? s.captured : s.len;
    p.payload = std::span<const std::byte>(k_zeros).first(cap);
    p.payload_captured = cap;
    if (cap < s.len) {
        p.truncated_at = tcpvet::Layer::tcp;
    }
    return p;
}

void feed(ZeekConnection& conn, std::initializer_list<Seg> segs) {
    for (const Seg& s : segs) {
        conn.on_segment(s.from_orig, packet_of(s), s.bad_checksum);
    }
}

ZeekConnection run(std::initializer_list<Seg> segs) {
    ZeekConnection conn;
    feed(conn, segs);
    return conn;
}

// SYN, SYN-ACK, ACK: orig SYN_SENT -> (resp's SYN-ACK) ESTABLISHED, resp ESTABLISHED; history "ShA".
void handshake(ZeekConnection& conn) { feed(conn, {o(k_s, 1000), r(k_sa, 5000, 1001), o(k_a, 1001, 5001)}); }

}  // namespace

TEST_SUITE("zeek") {
    TEST_CASE("zeek: normal open, data both ways and FIN close is SF ShADadFf") {
        // S (orig SYN), h (resp SYN-ACK: both ESTABLISHED), A (pure ACK), D, a, d; the later pure ACK adds
        // nothing (A once per direction); F then f: both CLOSED -> SF. No T: every segment advances last_seq.
        // No G: the FIN's ACK is clamped to FIN_seq - 1 in TCP_Reassembler::AckReceived.
        const ZeekConnection conn =
            run({o(k_s, 1000), r(k_sa, 5000, 1001), o(k_a, 1001, 5001), o(k_pa, 1001, 5001, 100), r(k_a, 5001, 1101),
                 r(k_pa, 5001, 1101, 50), o(k_a, 1101, 5051), o(k_fa, 1101, 5051), r(k_fa, 5051, 1102),
                 o(k_a, 1102, 5052)});
        CHECK(conn.history() == "ShADadFf");
        CHECK(conn.conn_state() == "SF");
        CHECK(conn.originator_state() == ZeekEndpointState::closed);
        CHECK(conn.responder_state() == ZeekEndpointState::closed);
    }

    TEST_CASE("zeek: what was captured is read from payload_captured, not from the bytes' view") {
        // The pipelines drop the payload view once the frame's buffer is reused (a stand-in view of
        // zeros sized 64 KiB once broke 70000-byte GSO segments): the history must not change.
        ZeekConnection with_view;
        handshake(with_view);
        ZeekConnection without_view;
        handshake(without_view);
        const Seg data = o(k_pa, 1001, 5001, 1000);
        DecodedPacket packet = packet_of(data);
        with_view.on_segment(true, packet, false);
        packet.payload = {};
        without_view.on_segment(true, packet, false);
        feed(with_view, {r(k_a, 5001, 2001)});
        feed(without_view, {r(k_a, 5001, 2001)});
        CHECK(with_view.history() == "ShADa");
        CHECK(without_view.history() == with_view.history());
    }

    TEST_CASE("zeek: SYN only is S0, and a retransmitted SYN keeps one S") {
        // os SYN_SENT, rs INACTIVE -> S0. The repeated SYN: HIST_SYN_PKT already seen and its relative seq
        // (0) equals hist_last_SYN, so no second 'S'; no T (no payload).
        CHECK(run({o(k_s, 1000)}).history() == "S");
        CHECK(run({o(k_s, 1000)}).conn_state() == "S0");
        const ZeekConnection conn = run({o(k_s, 1000), o(k_s, 1000), o(k_s, 1000)});
        CHECK(conn.history() == "S");
        CHECK(conn.conn_state() == "S0");
    }

    TEST_CASE("zeek: a SYN with a new ISN in SYN_SENT restarts the sequence space and adds no letter") {
        // init_endpoint (SYN_SENT, "SYN_seq_jump") re-inits start_seq before the relative seq is taken,
        // so rel_seq is 0 == hist_last_SYN: still "S".
        const ZeekConnection conn = run({o(k_s, 1000), o(k_s, 7000)});
        CHECK(conn.history() == "S");
        CHECK(conn.conn_state() == "S0");
    }

    TEST_CASE("zeek: SYN answered by RST is REJ Sr") {
        // resp INACTIVE + RST -> RESET; rs RESET and os SYN_SENT -> REJ; history 'S' then lower-case 'r'.
        const ZeekConnection conn = run({o(k_s, 1000), r(k_ra, 0, 1001)});
        CHECK(conn.history() == "Sr");
        CHECK(conn.conn_state() == "REJ");
    }

    TEST_CASE("zeek: established and not closed is S1") {
        // Both ESTABLISHED, neither closed nor reset -> S1.
        ZeekConnection conn;
        handshake(conn);
        CHECK(conn.history() == "ShA");
        CHECK(conn.conn_state() == "S1");
    }

    TEST_CASE("zeek: close attempt by one side only is S2 or S3") {
        // Orig FIN: ESTABLISHED -> CLOSED, resp still ESTABLISHED -> S2.
        ZeekConnection s2;
        handshake(s2);
        feed(s2, {o(k_fa, 1001, 5001)});
        CHECK(s2.history() == "ShAF");
        CHECK(s2.conn_state() == "S2");
        // Resp FIN: rs CLOSED, os ESTABLISHED (not inactive) -> S3.
        ZeekConnection s3;
        handshake(s3);
        feed(s3, {r(k_fa, 5001, 1001)});
        CHECK(s3.history() == "ShAf");
        CHECK(s3.conn_state() == "S3");
    }

    TEST_CASE("zeek: RST after establishment is RSTO or RSTR") {
        // Orig RST: os RESET, rs ESTABLISHED (not inactive) -> RSTO.
        ZeekConnection rsto;
        handshake(rsto);
        feed(rsto, {o(k_r, 1001)});
        CHECK(rsto.history() == "ShAR");
        CHECK(rsto.conn_state() == "RSTO");
        // Resp RST: rs RESET, os ESTABLISHED (neither SYN_SENT nor inactive) -> RSTR.
        ZeekConnection rstr;
        handshake(rstr);
        feed(rstr, {r(k_ra, 5001, 1001)});
        CHECK(rstr.history() == "ShAr");
        CHECK(rstr.conn_state() == "RSTR");
    }

    TEST_CASE("zeek: SYN then RST from the originator is RSTOS0") {
        // UpdateSYN_SentState: RST -> RESET. os RESET, rs INACTIVE, history "SR" matches /^\^?S[^HAFGIQ]*R.*/.
        const ZeekConnection conn = run({o(k_s, 1000), o(k_r, 1001)});
        CHECK(conn.history() == "SR");
        CHECK(conn.conn_state() == "RSTOS0");
    }

    TEST_CASE("zeek: originator RST without a SYN is OTH, not RSTOS0") {
        // Midstream data: orig PARTIAL, then RST -> RESET; rs INACTIVE; "DR" does not start with S -> OTH.
        const ZeekConnection conn = run({o(k_pa, 1000, 5000, 10), o(k_ra, 1010, 5000)});
        CHECK(conn.history() == "DR");
        CHECK(conn.conn_state() == "OTH");
    }

    TEST_CASE("zeek: SYN-ACK first is flipped: ^h, then RST is RSTRH and FIN is SHR") {
        // First packet from tcpvet's responder: Zeek flipped at creation -> '^' before the packet's letter.
        // Resp SYN-ACK in INACTIVE -> ESTABLISHED (orig stays INACTIVE, "unsolicited_SYN_response").
        // Resp RST: ESTABLISHED -> RESET; rs RESET, os INACTIVE -> RSTRH.
        const ZeekConnection rstrh = run({r(k_sa, 5000, 1001), r(k_r, 5001)});
        CHECK(rstrh.history() == "^hr");
        CHECK(rstrh.conn_state() == "RSTRH");
        // Resp FIN: ESTABLISHED -> CLOSED; rs CLOSED, os INACTIVE -> SHR.
        const ZeekConnection shr = run({r(k_sa, 5000, 1001), r(k_fa, 5001, 1001)});
        CHECK(shr.history() == "^hf");
        CHECK(shr.conn_state() == "SHR");
    }

    TEST_CASE("zeek: SYN then FIN from the originator is SH") {
        // UpdateSYN_SentState: FIN -> CLOSED; os CLOSED, rs INACTIVE -> SH.
        const ZeekConnection conn = run({o(k_s, 1000), o(flag::fin, 1001)});
        CHECK(conn.history() == "SF");
        CHECK(conn.conn_state() == "SH");
    }

    TEST_CASE("zeek: flipped handshake with full close is ^hADadFf SF") {
        // '^' at creation, 'h' from resp; orig's ACK with resp ESTABLISHED: INACTIVE -> ESTABLISHED (the
        // "missed SYN" path), then the same as a normal connection.
        const ZeekConnection conn = run({r(k_sa, 5000, 1001), o(k_a, 1001, 5001), o(k_pa, 1001, 5001, 100),
                                         r(k_a, 5001, 1101), r(k_pa, 5001, 1101, 50), o(k_a, 1101, 5051),
                                         o(k_fa, 1101, 5051), r(k_fa, 5051, 1102), o(k_a, 1102, 5052)});
        CHECK(conn.history() == "^hADadFf");
        CHECK(conn.conn_state() == "SF");
    }

    TEST_CASE("zeek: midstream conversation is Dd OTH, and SF once both sides FIN") {
        // No SYN: each side INACTIVE -> PARTIAL on its first segment (peer not ESTABLISHED). Both PARTIAL ->
        // OTH. FINs: PARTIAL -> CLOSED (UpdateEstablishedState) on both -> SF.
        ZeekConnection conn = run({o(k_pa, 1000, 5000, 100), r(k_pa, 5000, 1100, 50)});
        CHECK(conn.history() == "Dd");
        CHECK(conn.conn_state() == "OTH");
        CHECK(conn.originator_state() == ZeekEndpointState::partial);
        feed(conn, {o(k_fa, 1100, 5050), r(k_fa, 5050, 1101)});
        CHECK(conn.history() == "DdFf");
        CHECK(conn.conn_state() == "SF");
    }

    TEST_CASE("zeek: data retransmission is T, repeated at the 10th") {
        // The resent segment ends at last_seq (delta_last 0) with payload -> DidRxmit -> 'T' (count 1).
        ZeekConnection conn;
        handshake(conn);
        feed(conn, {o(k_pa, 1001, 5001, 100), o(k_pa, 1001, 5001, 100)});
        CHECK(conn.history() == "ShADT");
        // Nine more: count 10 -> a second 'T' (ScaledHistoryEntry threshold 10); the 11th adds nothing.
        for (int i = 0; i < 10; ++i) {
            feed(conn, {o(k_pa, 1001, 5001, 100)});
        }
        CHECK(conn.history() == "ShADTT");
        CHECK(conn.conn_state() == "S1");
    }

    TEST_CASE("zeek: reordered segment is T (Zeek counts it as a retransmission) but not a gap") {
        // [1101,1201) arrives after [1201,1301): ends below last_seq with payload -> 'T'. It fills the hole,
        // the reassembler delivers the buffered block, so the ACK of 1301 reveals no gap.
        ZeekConnection conn;
        handshake(conn);
        feed(conn, {o(k_pa, 1001, 5001, 100), o(k_pa, 1201, 5001, 100), o(k_pa, 1101, 5001, 100), r(k_a, 5001, 1301)});
        CHECK(conn.history() == "ShADTa");
    }

    TEST_CASE("zeek: acknowledged hole is a content gap G") {
        // [1101,1201) never seen; resp ACKs 1301: TCP_Reassembler::Undelivered reports the hole; both sides
        // ESTABLISHED (is_clean) -> 'G' for the originator (upper case: it is orig's data that is missing),
        // after resp's 'a' (update_history runs before AckReceived).
        ZeekConnection conn;
        handshake(conn);
        feed(conn, {o(k_pa, 1001, 5001, 100), o(k_pa, 1201, 5001, 100), r(k_a, 5001, 1301)});
        CHECK(conn.history() == "ShADaG");
    }

    TEST_CASE("zeek: payload cut by the snap length is a gap once acknowledged") {
        // TCP_Endpoint::DataSent passes data to the reassembler only when caplen >= len; the ACK then skips
        // undelivered bytes -> 'G'. 'D' still counts (update_history uses the claimed length).
        ZeekConnection conn;
        handshake(conn);
        feed(conn, {captured(o(k_pa, 1001, 5001, 100), 40), r(k_a, 5001, 1101)});
        CHECK(conn.history() == "ShADaG");
    }

    TEST_CASE("zeek: no gap is recorded for a partial connection") {
        // Same hole, but midstream: both endpoints PARTIAL, not "clean" -> TCP_Reassembler::Gap skips 'G'.
        const ZeekConnection conn = run({o(k_pa, 1000, 5000, 100), o(k_pa, 1200, 5000, 100), r(k_a, 5000, 1300)});
        CHECK(conn.history() == "Da");
        CHECK(conn.conn_state() == "OTH");
    }

    TEST_CASE("zeek: zero window advertisement is W") {
        // update_window: window 0, no RST, peer not CLOSED, sender not RESET -> ZeroWindow -> 'w' for resp,
        // after the 'a' of the same packet.
        ZeekConnection conn;
        handshake(conn);
        feed(conn, {o(k_pa, 1001, 5001, 100), with_window(r(k_a, 5001, 1101), 0)});
        CHECK(conn.history() == "ShADaw");
    }

    TEST_CASE("zeek: zero window after the peer's FIN is not recorded") {
        // The peer (orig) is CLOSED: "boring" zero window, no 'w'.
        ZeekConnection conn;
        handshake(conn);
        feed(conn, {o(k_fa, 1001, 5001), with_window(r(k_a, 5001, 1002), 0)});
        CHECK(conn.history() == "ShAFa");
    }

    TEST_CASE("zeek: bad checksum is C and the packet is otherwise ignored") {
        // ValidateChecksum fails: ChecksumError -> 'C', nothing else (no 'D', last_seq untouched), so the
        // good copy that follows is first data ('D'), not a retransmission.
        ZeekConnection conn;
        handshake(conn);
        feed(conn, {bad(o(k_pa, 1001, 5001, 100))});
        CHECK(conn.history() == "ShAC");
        feed(conn, {o(k_pa, 1001, 5001, 100)});
        CHECK(conn.history() == "ShACD");
        // Ten bad ones in all -> second 'C'.
        for (int i = 0; i < 9; ++i) {
            feed(conn, {bad(o(k_pa, 1101, 5001, 100))});
        }
        CHECK(conn.history() == "ShACDC");
    }

    TEST_CASE("zeek: FIN+RST is I and SYN+FIN is Q") {
        // bits_set > 1: FIN and RST -> 'I'. State: ESTABLISHED, FIN with RST does not close; RST -> RESET;
        // rs ESTABLISHED -> RSTO.
        ZeekConnection fin_rst;
        handshake(fin_rst);
        feed(fin_rst, {o(flag::fin | flag::rst | flag::ack, 1001, 5001)});
        CHECK(fin_rst.history() == "ShAI");
        CHECK(fin_rst.conn_state() == "RSTO");
        // SYN+FIN -> 'Q'; INACTIVE: SYN -> SYN_SENT then FIN -> CLOSED; rs INACTIVE -> SH.
        const ZeekConnection syn_fin = run({o(flag::syn | flag::fin, 1000)});
        CHECK(syn_fin.history() == "Q");
        CHECK(syn_fin.conn_state() == "SH");
    }

    TEST_CASE("zeek: FIN then RST from one side, FIN from the other, is still SF") {
        // Orig FIN: CLOSED. Orig RST: UpdateClosedState, peer not CLOSED -> RESET (prev CLOSED).
        // Resp FIN: UpdateEstablishedState turns a peer RESET-after-CLOSED back into CLOSED -> SF.
        ZeekConnection conn;
        handshake(conn);
        feed(conn, {o(k_fa, 1001, 5001), o(k_ra, 1002, 5001), r(k_fa, 5001, 1002)});
        CHECK(conn.history() == "ShAFRf");
        CHECK(conn.conn_state() == "SF");
    }

    TEST_CASE("zeek: RSTs at different sequence numbers repeat R, at the same one do not") {
        // CheckHistory(HIST_RST_PKT) already set: 'R' again only if rel_seq != hist_last_RST.
        ZeekConnection conn;
        handshake(conn);
        feed(conn, {o(k_r, 1001), o(k_r, 1001), o(k_r, 1501)});
        CHECK(conn.history() == "ShARR");
        CHECK(conn.conn_state() == "RSTO");
    }

    TEST_CASE("zeek: SYN/SYN-ACK reversal flips roles mid-connection") {
        // Orig's first packet is a SYN-ACK: UpdateInactiveState -> SYN_ACK_SENT, 'H'; init_peer starts resp
        // at ack-1 = 5000. Resp's SYN (no ACK) at its start seq with orig SYN_ACK_SENT: 's' is recorded,
        // then FlipRoles ('^') and both ESTABLISHED -> S1. Afterwards tcpvet's originator is Zeek's resp:
        // its data is 'd', the other side's ACK is 'A'.
        ZeekConnection conn = run({o(k_sa, 1000, 5001), r(k_s, 5000)});
        CHECK(conn.history() == "Hs^");
        CHECK(conn.conn_state() == "S1");
        feed(conn, {o(k_pa, 1001, 5001, 10), r(k_a, 5001, 1011)});
        CHECK(conn.history() == "Hs^dA");
        CHECK(conn.originator_state() == ZeekEndpointState::established);
    }

    TEST_CASE("zeek: responder's early ACK of a SYN does not make the connection partial") {
        // Resp pure ACK while orig is SYN_SENT: stays INACTIVE (UpdateInactiveState), 'a' recorded;
        // os SYN_SENT, rs INACTIVE -> S0.
        const ZeekConnection conn = run({o(k_s, 1000), r(k_a, 5000, 1001)});
        CHECK(conn.history() == "Sa");
        CHECK(conn.conn_state() == "S0");
        CHECK(conn.responder_state() == ZeekEndpointState::inactive);
    }

    TEST_CASE("zeek: scaled letters come at the 1st, 10th, 100th, 1000th and 10000th occurrence") {
        // Connection::ScaledHistoryEntry with base 10, per endpoint and letter: retransmissions from orig
        // ('T') interleaved with bad checksums from resp ('c').
        ZeekConnection conn;
        handshake(conn);
        feed(conn, {o(k_pa, 1001, 5001, 100)});
        for (int i = 0; i < 20000; ++i) {
            feed(conn, {o(k_pa, 1001, 5001, 100), bad(r(k_a, 5001, 1101))});
        }
        // T at 1, 10, 100, 1000, 10000; c likewise.
        CHECK(conn.history() == "ShADTcTcTcTcTc");
        CHECK(conn.history().size() <= ZeekConnection::k_max_history);
    }

    TEST_CASE("zeek: history stops at k_max_history letters") {
        // Each RST at a new relative seq adds 'R' (hist_last_RST differs). Zeek's history is unbounded;
        // ours keeps the first 31 letters (documented approximation).
        ZeekConnection conn;
        handshake(conn);
        for (std::uint32_t i = 0; i < 40; ++i) {
            feed(conn, {o(k_r, 1001 + 10 * i)});
        }
        CHECK(conn.history().size() == ZeekConnection::k_max_history);
        CHECK(conn.history().substr(0, 5) == "ShARR");
        CHECK(conn.conn_state() == "RSTO");
    }

    // Zeek's last_time (duration): the segment that makes both sides closed counts, later ones do
    // not (TCPSessionAdapter::DeliverPacket tests did_close before the packet). The baselines show
    // it: concurrent-range-requests ends its duration at the second FIN, not the final ACK.
    TEST_CASE("zeek: last_time stops once both sides have sent a FIN or RST") {
        ZeekConnection conn;
        std::int64_t ts = 1000;
        const auto at = [&](const Seg& s) {
            DecodedPacket p = packet_of(s);
            p.ts_ns = ts;
            ts += 1000;
            conn.on_segment(s.from_orig, p, false);
        };
        CHECK(conn.last_time_ns() == 0);
        at(o(k_s, 1000));
        at(r(k_sa, 5000, 1001));
        at(o(k_a, 1001, 5001));
        at(o(k_pa, 1001, 5001, 100));
        CHECK(conn.last_time_ns() == 4000);
        at(o(k_fa, 1101, 5001));
        at(r(k_fa, 5001, 1102));  // both closed after this one: still counted
        CHECK(conn.last_time_ns() == 6000);
        at(o(k_a, 1102, 5002));  // the final ACK
        CHECK(conn.last_time_ns() == 6000);
        // orig_bytes/resp_bytes: sequence space less the SYN and FIN octets.
        CHECK(conn.payload_size(true) == 100);
        CHECK(conn.payload_size(false) == 0);
        CHECK_FALSE(conn.swapped());
    }

    TEST_CASE("zeek: a RST closes a side for last_time") {
        ZeekConnection conn;
        std::int64_t ts = 1000;
        const auto at = [&](const Seg& s) {
            DecodedPacket p = packet_of(s);
            p.ts_ns = ts;
            ts += 1000;
            conn.on_segment(s.from_orig, p, false);
        };
        handshake(conn);
        at(o(k_fa, 1001, 5001));
        at(r(k_ra, 5001, 1002));  // closes the responder: counted
        at(r(k_r, 5001));         // a second RST: outside the duration (file-analysis trace, port 2200)
        CHECK(conn.last_time_ns() == 2000);
        CHECK(conn.conn_state() == "RSTR");
    }

}  // TEST_SUITE
