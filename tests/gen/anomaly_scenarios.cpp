// Scenarios for the anomaly detectors (issue 5): one capture per anomaly kind that no other
// scenario shows. Frame numbers count from 1; testdata/gen_anomaly_*.expect assert the kinds raised.
#include <memory>
#include <vector>

#include "scenarios.hpp"

namespace tcpvet::gen {
namespace {

using flag::ack;
using flag::psh;
using flag::rst;
using flag::syn;

constexpr std::uint32_t k_scanner = 0xCB007142;  // 203.0.113.66
constexpr std::uint32_t k_server = Conn::k_server_ip;

}  // namespace

// 60 ports of 192.0.2.10 from one source: odd ports refuse (RST+ACK, Zeek REJ), even ports stay
// silent (S0). Frames 2k-1.. per port; 90 frames in all.
void play_anomaly_port_scan(Wire& w, const GenOptions& opt) {
    for (std::uint16_t i = 0; i < 60; ++i) {
        const auto port = static_cast<std::uint16_t>(1 + i);
        Conn k(w, opt, 40000, port, k_scanner, k_server);
        k.c.syn(7000U + i);
        if (port % 2 == 1) k.s.raw(rst | ack, 0, 7001U + i, 0);
    }
}

// Port 22 of 60 hosts (192.0.2.1..60) from one source, none answering (S0): 60 frames.
void play_anomaly_host_scan(Wire& w, const GenOptions& opt) {
    for (std::uint32_t i = 0; i < 60; ++i) {
        Conn k(w, opt, 41000, 22, k_scanner, 0xC0000201U + i);
        k.c.syn(9000U + i);
    }
}

// 20 SYN-ACKs from 192.0.2.10:80 to 198.51.100.1..20 that never sent a SYN (their addresses were
// spoofed in a flood against the server); every fourth answers RST, as a live host would.
void play_anomaly_backscatter(Wire& w, const GenOptions& opt) {
    for (std::uint32_t i = 0; i < 20; ++i) {
        Conn k(w, opt, static_cast<std::uint16_t>(30000 + i * 7), 80, 0xC6336401U + i, k_server);
        k.c.set_rcv_nxt(0);
        k.s.raw(syn | ack, 100000U * (i + 1), 555000U + i * 13, 0);  // a SYN-ACK for a SYN never captured
        if (i % 4 == 0) k.c.raw(rst, 555000U + i * 13, 0, 0);
    }
}

// 120 clients (198.51.100.1..120) connect and exchange a request; then the server resets all of
// them within 12 ms (a crash): 120 x 4 frames, RSTs 100 us apart.
void play_anomaly_rst_burst(Wire& w, const GenOptions& opt) {
    constexpr std::uint32_t k_clients = 120;
    std::vector<std::unique_ptr<Conn>> conns;  // peers point at each other: keep them in place
    for (std::uint32_t i = 0; i < k_clients; ++i) {
        conns.push_back(std::make_unique<Conn>(w, opt, static_cast<std::uint16_t>(50100 + i), Conn::k_server_port,
                                               0xC6336401U + i, k_server));
        conns.back()->c.syn(1000U + i * 10000U);
        conns.back()->s.synack(5000U + i * 10000U);
        conns.back()->c.ack();
    }
    w.set_step_us(100);
    for (const std::unique_ptr<Conn>& conn : conns) conn->s.rst();
}

// The client's window closes for 10 s while the server probes (1, 2, 4 s backoff), then opens.
void play_anomaly_zero_window_stall(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50200);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);        //  1
    s.synack(5000);     //  2
    c.ack();            //  3
    c.data(100, psh);   //  4
    s.data(1000);       //  5
    s.data(1000, psh);  //  6
    c.set_window(0);
    c.ack();  //  7 ZeroWindow: the application stopped reading
    w.after_ms(1000);
    s.zero_window_probe();  //  8
    c.ack();                //  9
    w.after_ms(2000);
    s.zero_window_probe();  // 10
    c.ack();                // 11
    w.after_ms(4000);
    s.zero_window_probe();  // 12
    c.ack();                // 13
    w.after_ms(3000);
    c.set_window(TcpPeer::k_window);
    c.ack();            // 14 Window update, 10 s after frame 7
    s.data(1000, psh);  // 15
    c.ack();            // 16
    c.fin();            // 17
    s.ack();            // 18
    s.fin();            // 19
    c.ack();            // 20
}

// A download of 60 segments where every fifth is retransmitted 200 ms later (12 of 76 server
// segments, 16%).
void play_anomaly_retransmissions(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50201);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);
    s.synack(5000);
    c.ack();
    c.data(100, psh);
    for (std::uint32_t i = 0; i < 60; ++i) {
        const std::uint32_t seq = s.snd_nxt();
        s.data(1000);
        if (i % 5 == 4) {
            w.after_ms(200);
            s.retransmit(seq, 1000);
        }
        if (i % 2 == 1) c.ack();
    }
    c.fin();
    s.ack();
    s.fin();
    c.ack();
}

// 12 connections to 192.0.2.10:8000 with a 2 ms handshake, and one (the 7th, stream 6) whose
// SYN-ACK comes 800 ms late: an initial-RTT outlier.
void play_anomaly_rtt_outlier(Wire& w, const GenOptions& opt) {
    for (std::uint32_t i = 0; i < 13; ++i) {
        Conn k(w, opt, static_cast<std::uint16_t>(50300 + i));
        k.c.syn(1000U + i);
        if (i == 6) w.after_ms(800);
        k.s.synack(5000U + i);
        k.c.ack();
        k.c.data(100, psh);
        k.s.data(200, psh);
        k.c.fin();
        k.s.fin();
        k.c.ack();
    }
}

// A connection closes; 2 s later a new SYN on the same 5-tuple whose ISN (1050) lies inside the
// old connection's sequence space 1000..1102 (RFC 1337's hazard): frames 1-10, then 11-20.
void play_anomaly_isn_reuse(Wire& w, const GenOptions& opt) {
    {
        Conn k(w, opt, 50400);
        k.c.syn(1000);
        k.s.synack(5000);
        k.c.ack();
        k.c.data(100, psh);
        k.s.data(200, psh);
        k.c.ack();
        k.c.fin();
        k.s.ack();
        k.s.fin();
        k.c.ack();
    }
    w.after_ms(2000);
    {
        Conn k(w, opt, 50400);
        k.c.syn(1050);
        k.s.synack(900000);
        k.c.ack();
        k.c.data(100, psh);
        k.s.data(200, psh);
        k.c.ack();
        k.c.fin();
        k.s.ack();
        k.s.fin();
        k.c.ack();
    }
}

// Frame 7 is a data segment 1 GiB beyond the server's acknowledged point (a blind injection);
// frame 8 carries an urgent pointer without the URG flag.
void play_anomaly_protocol_abuse(Wire& w, const GenOptions& opt) {
    Conn k(w, opt, 50401);
    auto& c = k.c;
    auto& s = k.s;
    c.syn(1000);                                                    // 1
    s.synack(5000);                                                 // 2
    c.ack();                                                        // 3
    c.data(100, psh);                                               // 4
    s.data(200, psh);                                               // 5
    c.ack();                                                        // 6
    c.raw(ack | psh, c.snd_nxt() + 0x40000000U, c.rcv_nxt(), 100);  // 7 far outside the window
    Segment seg;
    seg.src = host_address(Conn::k_client_ip, opt.ipv6);
    seg.dst = host_address(Conn::k_server_ip, opt.ipv6);
    seg.src_port = 50401;
    seg.dst_port = Conn::k_server_port;
    seg.seq = c.snd_nxt();
    seg.ack = c.rcv_nxt();
    seg.flags = ack | psh;
    seg.window = TcpPeer::k_window;
    seg.urgent = 7;  // 8 urgent pointer, no URG flag
    seg.payload_len = 0;
    w.send(seg);
    c.fin();  // 9
    s.fin();  // 10
    c.ack();  // 11
}

// SYN cookies during a flood (generated at test time, --count SYNs, default 2000): spoofed SYNs
// from 198.18.0.1.. (one address per 5 SYNs) to 192.0.2.10:80, each answered at once by a
// SYN-ACK that is never retransmitted; 5 clients complete their handshakes.
void play_anomaly_syn_cookies(Wire& w, const GenOptions& opt) {
    const std::uint64_t count = opt.count != 0 ? opt.count : 2000;
    w.set_step_us(100);
    for (std::uint64_t i = 0; i < count; ++i) {
        Conn k(w, opt, static_cast<std::uint16_t>(1024 + i % 60000), 80,
               0xC6120001U + static_cast<std::uint32_t>(i / 5), k_server);
        const auto n = static_cast<std::uint32_t>(i);
        k.c.syn(n * 7919U);
        k.s.synack(n * 104729U + 17U);
        if (i % (count / 5 == 0 ? 1 : count / 5) == 0) {
            Conn real(w, opt, static_cast<std::uint16_t>(45000 + i % 1000), 80, 0xCB007101U, k_server);
            real.c.syn(n);
            real.s.synack(n * 3U);
            real.c.ack();
        }
    }
}

}  // namespace tcpvet::gen
