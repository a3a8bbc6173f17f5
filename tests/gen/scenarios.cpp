// The small scenarios: each function is a sequence diagram, one line per captured frame.
// Frame numbers in the comments count from 1, as tshark and tcpvet do; testdata/*.expect rely on them.
#include "scenarios.hpp"

#include <array>

namespace tcpvet::gen {
namespace {

using flag::ack;
using flag::fin;
using flag::psh;
using flag::rst;
using flag::syn;
using flag::urg;

// Request 100 bytes, response 200 bytes, client ACK: frames 4..6 of most scenarios.
void small_exchange(TcpPeer& c, TcpPeer& s) {
    c.data(100, psh);
    s.data(200, psh);
    c.ack();
}

// Client-initiated four-way close (RFC 9293 §3.6, figure 12).
void four_way_close(TcpPeer& c, TcpPeer& s) {
    c.fin();
    s.ack();
    s.fin();
    c.ack();
}

}  // namespace

// The worked numbers of the blog post in /work/shared/seed (ISNs 8000/15000), but with the
// RFC-correct third segment (seq 8001; the post draws 8000, see textbook_third_segment).
void play_textbook(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50000);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(8000);           //  1 SYN      seq 8000
    s.synack(15000);       //  2 SYN-ACK  seq 15000 ack 8001
    c.ack();               //  3 ACK      seq 8001  ack 15001
    c.data(1000, psh);     //  4 PSH      seq 8001  len 1000
    c.data(1000, psh);     //  5 PSH      seq 9001  len 1000 (the server delays its ACK)
    s.data(2000, psh);     //  6 PSH      seq 15001 ack 10001 len 2000 (more than the MSS, as in the post)
    c.ack();               //  7 ACK      seq 10001 ack 17001
    four_way_close(c, s);  //  8 FIN 10001, 9 ACK 10002, 10 FIN 17001, 11 ACK 17002
}

void play_textbook_third_segment(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50001);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(8000);             //  1
    s.synack(15000);         //  2
    c.seq_once(8000).ack();  //  3 ACK seq 8000 (the SYN's own number, as the post draws it)
    c.data(1000, psh);       //  4 seq 8001
    c.data(1000, psh);       //  5 seq 9001
    s.data(2000, psh);       //  6
    c.ack();                 //  7
    four_way_close(c, s);    //  8..11
}

void play_synack_wrong_ack(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50002);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(8000);                     // 1 SYN seq 8000
    s.ack_once(8005).synack(15000);  // 2 SYN-ACK acks 8005 instead of 8001
    // 3 RFC 9293 §3.10.7.3 (SYN-SENT, unacceptable ACK): <SEQ=SEG.ACK><CTL=RST>
    c.raw(rst, 8005, 0, 0);
}

void play_third_segment_wrong_ack(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50003);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(8000);              // 1
    s.synack(15000);          // 2
    c.ack_once(15010).ack();  // 3 ACK acks 15010 (server ISN+10) instead of 15001
    // 4 RFC 9293 §3.10.7.4 (SYN-RECEIVED, unacceptable ACK): <SEQ=SEG.ACK><CTL=RST>
    s.raw(rst, 15010, 0, 0);
}

void play_simultaneous_open(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50004, 50104);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);           //  1 SYN seq 1000
    s.syn(5000);           //  2 SYN seq 5000 (crossed on the wire: no ACK)
    c.synack(1000);        //  3 SYN-ACK seq 1000 ack 5001
    s.synack(5000);        //  4 SYN-ACK seq 5000 ack 1001
    small_exchange(c, s);  //  5 data, 6 data, 7 ACK
    four_way_close(c, s);  //  8..11
}

void play_simultaneous_close(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50005);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);           //  1
    s.synack(5000);        //  2
    c.ack();               //  3
    small_exchange(c, s);  //  4..6
    c.fin();               //  7 FIN seq 1101
    // 8 FIN seq 5201: sent before the client's FIN arrived, so it acks 1101, not 1102.
    s.ack_once(c.snd_nxt() - 1).fin();
    c.ack();  //  9 ACK 5202
    s.ack();  // 10 ACK 1102
}

void play_three_segment_close(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50006);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);           // 1
    s.synack(5000);        // 2
    c.ack();               // 3
    small_exchange(c, s);  // 4..6
    c.fin();               // 7 FIN
    s.fin();               // 8 FIN+ACK acking the client's FIN
    c.ack();               // 9 ACK
}

void play_half_close(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50007);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);        //  1
    s.synack(5000);     //  2
    c.ack();            //  3
    c.data(100, psh);   //  4 request
    s.ack();            //  5
    c.fin();            //  6 client done sending (shutdown(SHUT_WR))
    s.ack();            //  7 ACK of the FIN
    s.data(1000);       //  8 the server keeps sending on its half
    s.data(1000);       //  9
    s.data(1000, psh);  // 10
    c.ack();            // 11 ACK 8001
    s.fin();            // 12
    c.ack();            // 13
}

void play_fin_unacked(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50008);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);       // 1
    s.synack(5000);    // 2
    c.ack();           // 3
    c.data(100, psh);  // 4
    s.ack();           // 5
    c.fin();           // 6 FIN
    w.after_ms(200);
    c.resend_fin();  // 7 RTO
    w.after_ms(400);
    c.resend_fin();  // 8 doubled RTO; the capture ends with no ACK
}

void play_reset_by_server_with_data(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50009);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);        // 1
    s.synack(5000);     // 2
    c.ack();            // 3
    c.data(500, psh);   // 4
    s.data(300, psh);   // 5 acks 1501
    c.data(1000, psh);  // 6 seq 1501: never acknowledged
    s.rst_no_ack();     // 7 RST seq 5301 (no ACK bit: the 1000 bytes stay unacknowledged)
}

void play_syn_retransmit(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50010);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(8000);  //  1
    w.after_ms(1000);
    c.syn(8000);  //  2 retransmission after 1 s
    w.after_ms(2000);
    c.syn(8000);           //  3 retransmission after 2 s more
    s.synack(15000);       //  4
    c.ack();               //  5
    small_exchange(c, s);  //  6..8
    four_way_close(c, s);  //  9..12
}

void play_synack_retransmit(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50011);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(8000);      //  1
    s.synack(15000);  //  2
    w.after_ms(1000);
    s.synack(15000);  //  3 retransmission (the client's ACK never came)
    w.after_ms(2000);
    s.synack(15000);       //  4 retransmission
    c.ack();               //  5
    small_exchange(c, s);  //  6..8
    four_way_close(c, s);  //  9..12
}

void play_third_segment_data(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50012);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);           // 1
    s.synack(5000);        // 2
    c.data(100, psh);      // 3 the third segment is ACK + 100 bytes of data
    s.data(200, psh);      // 4
    c.ack();               // 5
    four_way_close(c, s);  // 6..9
}

void play_data_before_handshake(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50026);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);           // 1
    s.synack(5000);        // 2
    s.data(50, psh);       // 3 the server sends data before the handshake's third segment
    c.ack();               // 4 the third segment, acknowledging the SYN and the 50 bytes (ack 5051)
    c.data(100, psh);      // 5
    s.ack();               // 6
    four_way_close(c, s);  // 7..10
}

void play_data_on_syn(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50013);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000, 10);       // 1 SYN seq 1000 with 10 bytes
    s.synack(5000);        // 2 SYN-ACK ack 1011: the server took the data (as TFO would)
    c.ack();               // 3 seq 1011
    s.data(200, psh);      // 4
    c.ack();               // 5
    four_way_close(c, s);  // 6..9
}

void play_syn_unanswered(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50014);
    auto& c = k.c;
    c.syn(8000);  // 1
    w.after_ms(1000);
    c.syn(8000);  // 2
    w.after_ms(2000);
    c.syn(8000);  // 3; nothing comes back
}

void play_rejected(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50015);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(8000);                   // 1
    s.raw(rst | ack, 0, 8001, 0);  // 2 closed port: RST+ACK seq 0 ack 8001 (RFC 9293 §3.10.7.1)
}

void play_midstream(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50016);
    auto& c = k.c;
    auto& s = k.s;
    // The capture starts inside an established connection.
    c.assume_established(20001, 40001);
    s.assume_established(40001, 20001);
    c.data(100, psh);      // 1 seq 20001 ack 40001
    s.data(500, psh);      // 2
    c.data(100, psh);      // 3
    s.data(500, psh);      // 4
    c.ack();               // 5
    four_way_close(c, s);  // 6..9
}

// --- one scenario per remaining verdict and Zeek conn_state ---

void play_synack_unanswered(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50030);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);     // 1
    s.synack(5000);  // 2 the client never sends the third segment
    w.after_us(1'000'000);
    s.synack(5000);  // 3 the server retransmits its SYN-ACK
}

void play_established_open(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50031);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);           // 1
    s.synack(5000);        // 2
    c.ack();               // 3
    small_exchange(c, s);  // 4..6; the capture ends with the connection open (Zeek S1)
}

void play_responder_close_only(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50032);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);           // 1
    s.synack(5000);        // 2
    c.ack();               // 3
    small_exchange(c, s);  // 4..6
    s.fin();               // 7 the server closes
    c.ack();               // 8 the client acknowledges but never closes (Zeek S3)
}

void play_syn_then_rst(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50033);
    auto& c = k.c;
    c.syn(1000);             // 1
    c.raw(rst, 1001, 0, 0);  // 2 the client gives up with a bare RST (Zeek RSTOS0)
}

void play_synack_then_rst(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50034);
    auto& s = k.s;
    s.raw(syn | ack, 5000, 1001, 0);  // 1 a SYN-ACK whose SYN was not captured
    s.raw(rst | ack, 5001, 1001, 0);  // 2 then the responder resets (Zeek RSTRH)
}

void play_syn_then_fin(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50035);
    auto& c = k.c;
    c.syn(1000);             // 1
    c.raw(fin, 1001, 0, 0);  // 2 a FIN without any answer to the SYN (Zeek SH)
}

void play_synack_then_fin(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50036);
    auto& s = k.s;
    s.raw(syn | ack, 5000, 1001, 0);  // 1 a SYN-ACK whose SYN was not captured
    s.raw(fin | ack, 5001, 1001, 0);  // 2 then the responder's FIN (Zeek SHR)
}

void play_midstream_open(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50037);
    auto& c = k.c;
    auto& s = k.s;
    c.assume_established(20001, 40001);
    s.assume_established(40001, 20001);
    c.data(100, psh);  // 1
    s.data(200, psh);  // 2
    c.ack();           // 3; no handshake, no close (Zeek OTH)
}

void play_port_reuse(Wire& w, const GenOptions& opt) {
    {
        Conn k(w, opt, 50017);
        auto& c = k.c;
        auto& s = k.s;
        c.syn(1000);           //  1
        s.synack(5000);        //  2
        c.ack();               //  3
        small_exchange(c, s);  //  4..6
        four_way_close(c, s);  //  7..10
    }
    w.after_ms(2000);
    {
        Conn k(w, opt, 50017);  // same 5-tuple, new ISNs
        auto& c = k.c;
        auto& s = k.s;
        c.syn(900000);         // 11
        s.synack(700000);      // 12
        c.ack();               // 13
        small_exchange(c, s);  // 14..16
        four_way_close(c, s);  // 17..20
    }
}

void play_idle_resume(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50018);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);           //  1
    s.synack(5000);        //  2
    c.ack();               //  3
    small_exchange(c, s);  //  4..6
    w.after_ms(15 * 60 * 1000);
    small_exchange(c, s);  //  7..9 fifteen minutes later, same sequence space
    four_way_close(c, s);  // 10..13
}

// A download (server -> client) that goes wrong in every common way. Wireshark's
// tcp.analysis names for each frame:
//   1-3  handshake                        4  request (client, 100 bytes)
//   5    data seq 1                       6  data seq 1001
//   7    ACK 2001
//   8    data seq 2001                    9  the same segment again 200 ms later: Retransmission
//  10    ACK 3001
//  11    data seq 4001 before 3001:       Previous segment not captured (it arrives next)
//  12    data seq 3001:                   Out-Of-Order
//  13    ACK 5001
//       (data seq 5001 is lost: never captured)
//  14    data seq 6001:                   Previous segment not captured (the real loss)
//  15    ACK 5001 + SACK 6001-7001:       Dup ACK #1
//  16    data seq 7001
//  17    ACK 5001 + SACK 6001-8001:       Dup ACK #2
//  18    data seq 8001
//  19    ACK 5001 + SACK 6001-9001:       Dup ACK #3
//  20    data seq 5001:                   Fast Retransmission
//  21    ACK 9001
//  22    data seq 9001
//  23    ACK 10001 window 0:              ZeroWindow
//  24    1 byte at seq 10001 (200 ms):    ZeroWindowProbe
//  25    ACK 10001 window 0:              ZeroWindowProbeAck (and ZeroWindow)
//  26    ACK 10001 window 502:            Window Update
//  27    data seq 10001
//  28    ACK 11001
//  29    client keep-alive after 10 s idle (seq one below snd_nxt, no data): Keep-Alive
//  30    server ACK of it:                Keep-Alive ACK
//  31-34 four-way close by the client
// Sequence numbers above are relative (client ISN 1000, server ISN 5000).
void play_transfer_trouble(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50019);
    auto& c = k.c;
    auto& s = k.s;
    constexpr std::uint32_t mss = 1000;
    c.syn(1000);       //  1
    s.synack(5000);    //  2
    c.ack();           //  3
    c.data(100, psh);  //  4
    s.data(mss);       //  5
    s.data(mss, psh);  //  6
    c.ack();           //  7
    const std::uint32_t rexmit_seq = s.snd_nxt();
    s.data(mss, psh);  //  8
    w.after_ms(200);
    s.retransmit(rexmit_seq, mss, psh);  //  9 Retransmission
    c.ack();                             // 10
    const std::uint32_t ooo_seq = s.snd_nxt();
    s.lose(mss);  //    the segment at ooo_seq is sent, but shows up after the next one
    s.data(mss);  // 11 Previous segment not captured
    w.after_us(500);
    s.retransmit(ooo_seq, mss);  // 12 Out-Of-Order (within the reordering threshold)
    c.set_rcv_nxt(s.snd_nxt());
    c.ack();  // 13
    const std::uint32_t lost_seq = s.snd_nxt();
    s.lose(mss);  //    lost
    for (int i = 0; i < 3; ++i) {
        s.data(mss);                                                     // 14, 16, 18
        c.options_once(sack_option(lost_seq + mss, s.snd_nxt())).ack();  // 15, 17, 19 Dup ACKs
    }
    s.retransmit(lost_seq, mss);  // 20 Fast Retransmission
    c.set_rcv_nxt(s.snd_nxt());
    c.ack();           // 21
    s.data(mss, psh);  // 22
    c.set_window(0);
    c.ack();  // 23 ZeroWindow
    w.after_ms(200);
    s.zero_window_probe();  // 24 ZeroWindowProbe
    c.ack();                // 25 ZeroWindowProbeAck
    w.after_ms(100);
    c.set_window(TcpPeer::k_window);
    c.ack();           // 26 Window Update
    s.data(mss, psh);  // 27
    c.ack();           // 28
    w.after_ms(10000);
    c.keepalive();         // 29 Keep-Alive
    s.ack();               // 30 Keep-Alive ACK
    four_way_close(c, s);  // 31..34
}

// One 5-tuple per oddity, so each shows in its own stream.
void play_invalid_flags(Wire& w, const GenOptions& opt) {
    {
        Conn k(w, opt, 50020);
        k.c.raw(syn | fin, 1000, 0, 0);  // 1 SYN+FIN (stream 0)
    }
    {
        Conn k(w, opt, 50021);
        k.c.raw(syn | rst, 2000, 0, 0);  // 2 SYN+RST (stream 1)
    }
    {
        Conn k(w, opt, 50022);
        k.c.raw(0, 3000, 0, 0);  // 3 no flags at all: a null scan (stream 2)
    }
    {
        Conn k(w, opt, 50023);
        k.c.raw(fin | psh | urg, 4000, 0, 0);  // 4 FIN+PSH+URG: an Xmas scan (stream 3)
    }
    {
        Conn k(w, opt, 50024);
        auto& c = k.c;
        auto& s = k.s;
        c.syn(5000);                    // 5 (stream 4)
        s.synack(9000);                 // 6
        c.ack();                        // 7
        c.data(100, psh);               // 8
        s.ack();                        // 9
        c.rst();                        // 10 the client aborts
        c.data(100, psh);               // 11 ... and then sends data on the reset connection
        s.raw(rst, s.snd_nxt(), 0, 0);  // 12 the server answers the stray segment with RST
    }
}

void play_close_wait(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50025);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);           // 1
    s.synack(5000);        // 2
    c.ack();               // 3
    small_exchange(c, s);  // 4..6
    c.fin();               // 7 client closes
    s.ack();               // 8 server acks and sits in CLOSE-WAIT: its application never closes
    w.after_ms(120000);
    s.keepalive();  // 9 two minutes later, a server keep-alive; the capture ends
}

void play_ip_fragments(Wire& w, const GenOptions& opt) {
    // Each piece list is a segment's IP payload (20-byte TCP header + data) cut into IPv4
    // fragments; offsets are bytes (multiples of 8 but for the last piece's end).
    static constexpr std::array<FragmentPiece, 2> k_in_order{{{0, 512, true}, {512, 0, false}}};
    static constexpr std::array<FragmentPiece, 3> k_reversed{{{1024, 0, false}, {512, 512, true}, {0, 512, true}}};
    static constexpr std::array<FragmentPiece, 2> k_tiny_first{{{0, 8, true}, {8, 0, false}}};
    static constexpr std::array<FragmentPiece, 4> k_overlapping{
        {{0, 512, true}, {0, 512, true}, {256, 512, true}, {768, 0, false}}};
    static constexpr std::array<FragmentPiece, 1> k_first_only{{{0, 512, true}}};
    Conn k(w, opt, 50026);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);                                // 1
    s.synack(5000);                             // 2
    c.ack();                                    // 3
    c.fragments_once(k_in_order).data(1400);    // 4, 5: the segment is in frame 5
    s.ack();                                    // 6
    c.fragments_once(k_reversed).data(1400);    // 7..9: last piece first; the segment is in frame 9
    s.ack();                                    // 10
    c.fragments_once(k_tiny_first).data(600);   // 11, 12: 8 bytes of TCP header first (RFC 1858)
    s.ack();                                    // 13
    c.fragments_once(k_overlapping).data(900);  // 14..17: a duplicate and an identical overlap
    s.ack();                                    // 18
    const std::uint32_t lost = c.snd_nxt();
    c.fragments_once(k_first_only).data(700);  // 19: the datagram's last fragment never arrives
    w.after_ms(200);
    c.retransmit(lost, 700, psh);  // 20 the segment again, whole, after an RTO
    s.ack();                       // 21
    c.fin();                       // 22
    s.fin();                       // 23
    c.ack();                       // 24
}

namespace {

// The README's demo capture (testdata/sample.pcap): eight conversations, one per outcome a user
// meets first, each from its own client port so `tcpvet conversations` reads like a catalogue.
// Clients 198.51.100.7/.23/.42 and 203.0.113.5, server 192.0.2.10 (stream 7 over IPv6).
// Stream, first frame, ports, what happens:
//   0  frame  1  51000 -> 8000  textbook (ISN 8000/15000), four-way close: complete / graceful_four_way / SF
//   1  frame 12  51001 -> 8081  refused: SYN, RST+ACK: rejected / reset / REJ
//   2  frame 14  51002 -> 443   SYN, retransmitted 1 s later, never answered: syn_unanswered / none / S0
//   3  frame 16  51003 -> 8000  client shutdown(SHUT_WR), server sends 3 segments, then FIN: half_closed / SF
//   4  frame 29  51004 -> 8000  request, then the server resets (RST+ACK): complete / reset / RSTR
//   5  frame 34  51005 -> 8000  client FIN acked, server never closes (CLOSE-WAIT, 70 s to the end): S2
//   6  frame 42  51006 -> 8000  response retransmitted after 200 ms (frame 47), three-segment close: SF
//   7  frame 52  51007 -> 8000  70 s later, an IPv6 download of 4 x 1400 B; the server closes first: SF
void play_sample(Wire& w, const GenOptions& opt) {
    constexpr std::uint32_t client_b = 0xC6336417;  // 198.51.100.23
    constexpr std::uint32_t client_c = 0xC633642A;  // 198.51.100.42
    constexpr std::uint32_t client_d = 0xCB007105;  // 203.0.113.5
    {
        Conn k(w, opt, 51000);  // stream 0: the textbook exchange
        auto& c = k.c;
        auto& s = k.s;
        c.syn(8000);           //  1 SYN      seq 8000
        s.synack(15000);       //  2 SYN-ACK  seq 15000 ack 8001
        c.ack();               //  3 ACK      seq 8001  ack 15001
        c.data(1000, psh);     //  4          seq 8001  len 1000
        c.data(1000, psh);     //  5          seq 9001  len 1000
        s.data(2000, psh);     //  6          seq 15001 ack 10001 len 2000
        c.ack();               //  7          ack 17001
        four_way_close(c, s);  //  8..11
    }
    w.after_ms(20);
    {
        Conn k(w, opt, 51001, 8081);      // stream 1: nothing listens on 8081
        k.c.syn(20000);                   // 12
        k.s.raw(rst | ack, 0, 20001, 0);  // 13 RST+ACK (RFC 9293 §3.10.7.1)
    }
    w.after_ms(20);
    {
        Conn k(w, opt, 51002, 443, client_d);  // stream 2: a SYN into a black hole
        k.c.syn(30000);                        // 14
        w.after_ms(1000);
        k.c.syn(30000);  // 15 retransmitted after 1 s; never answered
    }
    w.after_ms(20);
    {
        Conn k(w, opt, 51003, Conn::k_server_port, client_b);  // stream 3: half-close
        auto& c = k.c;
        auto& s = k.s;
        c.syn(40000);       // 16
        s.synack(45000);    // 17
        c.ack();            // 18
        c.data(100, psh);   // 19 request
        s.ack();            // 20
        c.fin();            // 21 shutdown(SHUT_WR)
        s.ack();            // 22
        s.data(1000);       // 23 the server keeps sending on its half
        s.data(1000);       // 24
        s.data(1000, psh);  // 25
        c.ack();            // 26
        s.fin();            // 27
        c.ack();            // 28
    }
    w.after_ms(20);
    {
        Conn k(w, opt, 51004, Conn::k_server_port, client_b);  // stream 4: the server aborts
        auto& c = k.c;
        auto& s = k.s;
        c.syn(50000);      // 29
        s.synack(55000);   // 30
        c.ack();           // 31
        c.data(100, psh);  // 32 request
        s.rst();           // 33 RST+ACK acknowledging the request
    }
    w.after_ms(20);
    {
        Conn k(w, opt, 51005, Conn::k_server_port, client_c);  // stream 5: a leaked server socket
        auto& c = k.c;
        auto& s = k.s;
        c.syn(60000);          // 34
        s.synack(65000);       // 35
        c.ack();               // 36
        small_exchange(c, s);  // 37..39
        c.fin();               // 40 the client closes
        s.ack();               // 41 the server acknowledges and never closes
    }
    w.after_ms(20);
    {
        Conn k(w, opt, 51006);  // stream 6: one retransmission
        auto& c = k.c;
        auto& s = k.s;
        c.syn(70000);      // 42
        s.synack(75000);   // 43
        c.ack();           // 44
        c.data(100, psh);  // 45 request
        const std::uint32_t response_seq = s.snd_nxt();
        s.data(1000, psh);  // 46 response
        w.after_ms(200);
        s.retransmit(response_seq, 1000, psh);  // 47 the same segment again: Retransmission
        c.ack();                                // 48
        c.fin();                                // 49 FIN
        s.fin();                                // 50 FIN+ACK
        c.ack();                                // 51 ACK
    }
    w.after_ms(70000);
    {
        GenOptions v6 = opt;
        v6.ipv6 = true;
        Conn k(w, v6, 51007);  // stream 7: IPv6 download; the server closes first
        auto& c = k.c;
        auto& s = k.s;
        c.syn(80000);       // 52
        s.synack(85000);    // 53
        c.ack();            // 54
        c.data(100, psh);   // 55 request
        s.data(1400);       // 56
        s.data(1400);       // 57
        s.data(1400);       // 58
        s.data(1400, psh);  // 59
        c.ack();            // 60
        s.fin();            // 61
        c.ack();            // 62
        c.fin();            // 63
        s.ack();            // 64
    }
}

}  // namespace

std::span<const Scenario> scenarios() noexcept {
    static constexpr std::array<Scenario, 48> k_all{{
        {"textbook", "blog-post handshake/transfer/close with ISNs 8000/15000 (RFC-correct third segment)",
         play_textbook},
        {"textbook_third_segment", "as textbook, but the third segment uses seq 8000 as the post draws it",
         play_textbook_third_segment},
        {"synack_wrong_ack", "SYN-ACK acknowledges ISN+5; the client answers RST", play_synack_wrong_ack},
        {"third_segment_wrong_ack", "third segment acks server ISN+10; the server answers RST",
         play_third_segment_wrong_ack},
        {"simultaneous_open", "both send SYN, both SYN-ACK, data, close", play_simultaneous_open},
        {"simultaneous_close", "both send FIN before seeing the other's, then both ACK", play_simultaneous_close},
        {"three_segment_close", "FIN, FIN+ACK, ACK", play_three_segment_close},
        {"half_close", "client FIN acked, server sends 3 more segments, then FIN", play_half_close},
        {"fin_unacked", "client FIN retransmitted twice, never acked", play_fin_unacked},
        {"reset_by_server_with_data", "server RST while client data is unacknowledged", play_reset_by_server_with_data},
        {"syn_retransmit", "SYN sent 3 times (1 s, 2 s backoff), then a full connection", play_syn_retransmit},
        {"synack_retransmit", "SYN-ACK sent 3 times, then ACK and a full connection", play_synack_retransmit},
        {"third_segment_data", "the third handshake segment carries data (ACK+data)", play_third_segment_data},
        {"data_before_handshake", "the server sends data before the handshake's third segment",
         play_data_before_handshake},
        {"data_on_syn", "SYN with 10 bytes of payload", play_data_on_syn},
        {"syn_unanswered", "one SYN, retransmitted twice, no answer (Zeek S0)", play_syn_unanswered},
        {"rejected", "SYN answered by RST+ACK (Zeek REJ)", play_rejected},
        {"midstream", "capture starts with data both ways (no SYN), then FIN close", play_midstream},
        {"synack_unanswered", "SYN, SYN-ACK (retransmitted), no third segment", play_synack_unanswered},
        {"established_open", "handshake and data, still open when the capture ends", play_established_open},
        {"responder_close_only", "the server's FIN is acknowledged; the client never closes",
         play_responder_close_only},
        {"syn_then_rst", "SYN, then a bare RST from the same client", play_syn_then_rst},
        {"synack_then_rst", "a SYN-ACK without its SYN, then RST from the responder", play_synack_then_rst},
        {"syn_then_fin", "SYN, then a FIN from the same client, no answer", play_syn_then_fin},
        {"synack_then_fin", "a SYN-ACK without its SYN, then FIN from the responder", play_synack_then_fin},
        {"midstream_open", "data both ways without handshake or close", play_midstream_open},
        {"port_reuse", "complete connection, then 2 s later a new SYN on the same 5-tuple", play_port_reuse},
        {"idle_resume", "connection idle for 15 minutes, then continuing", play_idle_resume},
        {"transfer_trouble", "retransmission, out-of-order, loss, dup ACKs, fast retransmit, zero window, keep-alive",
         play_transfer_trouble},
        {"invalid_flags", "SYN+FIN, SYN+RST, null, Xmas segments; data after RST", play_invalid_flags},
        {"close_wait", "client FIN acked, server never closes; a server keep-alive 120 s later", play_close_wait},
        {"ip_fragments", "segments as IPv4 fragments: in order, reversed, tiny first, overlapping, one never completed",
         play_ip_fragments},
        {"syn_flood", "--count SYNs (100000) from spoofed 198.18.0.0/15 sources + 20 normal connections",
         play_syn_flood},
        {"long_stream", "benchmark: one conversation of --count segments (100000), acked every second",
         play_long_stream},
        {"mixed", "benchmark: --count packets (2000000) of interleaved complete connections", play_mixed},
        {"flood", "benchmark: --count SYNs (2000000) from 1000000 spoofed sources + 1000 normal connections",
         play_flood},
        {"bulk_stream",
         "graphs: one download of --count segments (1000000), a fast retransmit every count/40, 4 zero-window stalls",
         play_bulk_stream},
        {"anomaly_port_scan",
         "one source tries 60 ports of a host: odd ports refuse (REJ), even ports stay silent (S0)",
         play_anomaly_port_scan},
        {"anomaly_host_scan", "one source tries port 22 on 60 hosts, none answers (S0)", play_anomaly_host_scan},
        {"anomaly_backscatter", "20 SYN-ACKs to addresses that never sent a SYN (spoofed-flood backscatter)",
         play_anomaly_backscatter},
        {"anomaly_rst_burst", "120 connections reset by the server within 12 ms", play_anomaly_rst_burst},
        {"anomaly_zero_window_stall", "client window closed for 10 s while the server probes",
         play_anomaly_zero_window_stall},
        {"anomaly_retransmissions", "download with 12 of 76 server segments retransmitted",
         play_anomaly_retransmissions},
        {"anomaly_rtt_outlier", "13 connections, one with an 800 ms handshake (the rest 2 ms)",
         play_anomaly_rtt_outlier},
        {"anomaly_isn_reuse", "5-tuple reused 2 s after close with an ISN inside the old sequence space",
         play_anomaly_isn_reuse},
        {"anomaly_protocol_abuse", "a segment 1 GiB outside the window, an urgent pointer without URG",
         play_anomaly_protocol_abuse},
        {"anomaly_syn_cookies", "--count SYNs (2000) all answered at once, none retransmitted, 5 real clients",
         play_anomaly_syn_cookies},
        {"sample",
         "the README's demo: 8 conversations (textbook, refused, half-open, half-close, server reset, "
         "CLOSE-WAIT, retransmission, IPv6 download)",
         play_sample},
    }};
    return k_all;
}

}  // namespace tcpvet::gen
