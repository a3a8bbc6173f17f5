// The scenario vocabulary: a Wire (clock + capture) and TcpPeer endpoints whose verbs read like a
// sequence diagram: c.syn(8000); s.synack(15000); c.ack(); c.data(1000, flag::psh);
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "capture_writer.hpp"
#include "frame_builder.hpp"

namespace tcpvet::gen {

// One IPv4 fragment of a segment's IP payload (the TCP header and data): `offset` and `length` in
// bytes (offsets other than the last piece's end are multiples of 8, as RFC 791 requires), `more`
// the MF flag. Pieces are sent in the order given: out of order, overlapping or missing on purpose.
struct FragmentPiece {
    std::uint32_t offset = 0;
    std::uint32_t length = 0;  // 0: to the end of the payload
    bool more = false;
};

// What the command line asked for; scenarios read link/ipv6/count/seed.
struct GenOptions {
    LinkKind link = LinkKind::en10mb;
    CaptureFormat format = CaptureFormat::pcap;
    bool ipv6 = false;
    std::uint64_t count = 0;  // 0: the scenario's default
    std::uint64_t seed = 1;
};

// The capture medium and its clock. Every frame is stamped with the current time, then the clock
// moves on by the step (1 ms unless a scenario changes it).
class Wire {
public:
    Wire(CaptureWriter& writer, LinkKind kind) : m_writer(writer), m_builder(kind), m_kind(kind) {}

    void send(const Segment& seg) noexcept;
    // Sends `seg` as the IPv4 fragments `pieces`, one frame each (Ethernet and IPv4 only; on any
    // other link or with IPv6 the segment is sent whole).
    void send_fragments(const Segment& seg, std::span<const FragmentPiece> pieces) noexcept;
    // The next frame comes `ms` / `us` after the previous one (instead of one step after it).
    void after_ms(std::int64_t ms) noexcept { m_next_ns = m_last_ns + ms * 1'000'000; }
    void after_us(std::int64_t us) noexcept { m_next_ns = m_last_ns + us * 1'000; }
    void set_step_us(std::int64_t us) noexcept { m_step_ns = us * 1'000; }
    void set_now_ns(std::int64_t ns) noexcept { m_next_ns = ns; }
    [[nodiscard]] std::int64_t now_ns() const noexcept { return m_next_ns; }
    [[nodiscard]] std::uint64_t frames() const noexcept { return m_frames; }

    // 2026-01-01T00:00:00Z: the first frame of every generated capture.
    static constexpr std::int64_t k_start_ns = 1'767'225'600LL * 1'000'000'000LL;

private:
    CaptureWriter& m_writer;
    FrameBuilder m_builder;
    LinkKind m_kind;
    std::vector<std::uint8_t> m_fragment;  // the frame send_fragments is writing
    std::int64_t m_next_ns = k_start_ns;
    std::int64_t m_last_ns = k_start_ns;
    std::int64_t m_step_ns = 1'000'000;
    std::uint64_t m_frames = 0;
};

// One TCP endpoint. It tracks snd_nxt (what it sends next) and rcv_nxt (what it acknowledges);
// a segment sent by one peer advances the other's rcv_nxt when it is in order, so ACK numbers come
// out right unless a scenario overrides them on purpose with seq_once()/ack_once().
class TcpPeer {
public:
    TcpPeer() = default;
    void init(Wire& wire, const Address& addr, std::uint16_t port, bool outgoing) noexcept;
    // Pairs two endpoints both ways.
    static void link(TcpPeer& a, TcpPeer& b) noexcept;

    // --- verbs: each emits exactly one segment ---
    void syn(std::uint32_t isn, std::uint32_t payload = 0) noexcept;  // SYN (+MSS/SACK-perm/WS), no ACK
    void synack(std::uint32_t isn) noexcept;                          // SYN+ACK acking the peer's SYN
    void ack() noexcept;                                              // pure ACK
    void data(std::uint32_t n, std::uint16_t extra = 0) noexcept;     // ACK + n payload bytes
    void fin(std::uint16_t extra = 0) noexcept;                       // FIN+ACK
    void resend_fin() noexcept;                                       // the FIN again, same seq
    void rst() noexcept;                                              // RST+ACK at snd_nxt
    void rst_no_ack() noexcept;                                       // bare RST at snd_nxt
    void keepalive() noexcept;                                        // ACK with seq snd_nxt-1, no data
    void retransmit(std::uint32_t seq, std::uint32_t n, std::uint16_t extra = 0) noexcept;
    void zero_window_probe() noexcept;  // one byte at snd_nxt that the receiver will not accept
    // Any segment; advances nothing and delivers nothing.
    void raw(std::uint16_t flags, std::uint32_t seq, std::uint32_t ack, std::uint32_t n) noexcept;

    // --- state changes without a frame ---
    void lose(std::uint32_t n) noexcept { m_snd_nxt += n; }  // n bytes sent but not captured
    void assume_established(std::uint32_t snd_nxt, std::uint32_t rcv_nxt) noexcept;
    void set_window(std::uint16_t w) noexcept { m_window = w; }
    void set_rcv_nxt(std::uint32_t v) noexcept { m_rcv_nxt = v; }

    // --- one-shot overrides for the next segment ---
    TcpPeer& seq_once(std::uint32_t seq) noexcept;
    TcpPeer& ack_once(std::uint32_t ack) noexcept;
    TcpPeer& options_once(const TcpOptionBytes& opts) noexcept;
    // The next segment goes out as these IPv4 fragments (the span must outlive that call).
    TcpPeer& fragments_once(std::span<const FragmentPiece> pieces) noexcept;

    [[nodiscard]] std::uint32_t snd_nxt() const noexcept { return m_snd_nxt; }
    [[nodiscard]] std::uint32_t rcv_nxt() const noexcept { return m_rcv_nxt; }

    static constexpr std::uint16_t k_syn_window = 64240;     // Linux initial window
    static constexpr std::uint16_t k_synack_window = 65160;  // Linux SYN-ACK window
    static constexpr std::uint16_t k_window = 502;           // 502 << 7 = 64256 bytes

private:
    // Emits one segment at `seq`; `deliver` lets the peer take it into rcv_nxt.
    void emit(std::uint16_t flags, std::uint32_t seq, std::uint32_t n, bool deliver) noexcept;
    void receive(std::uint16_t flags, std::uint32_t seq, std::uint32_t n) noexcept;

    Wire* m_wire = nullptr;
    TcpPeer* m_peer = nullptr;
    Address m_addr{};
    std::uint16_t m_port = 0;
    bool m_outgoing = true;
    std::uint32_t m_snd_nxt = 0;
    std::uint32_t m_rcv_nxt = 0;
    bool m_synced = false;  // rcv_nxt is known: ACK is set on everything but a bare SYN
    std::uint16_t m_window = k_window;
    std::uint16_t m_ip_id = 0;
    std::uint32_t m_last_fin_seq = 0;

    bool m_has_seq_override = false;
    bool m_has_ack_override = false;
    std::uint32_t m_seq_override = 0;
    std::uint32_t m_ack_override = 0;
    TcpOptionBytes m_options_override{};
    std::span<const FragmentPiece> m_fragments_override{};
};

// A client/server pair (server port 8000 unless given). Addresses are documentation prefixes: client 198.51.100.7,
// server 192.0.2.10 (or their 2001:db8:: twins with --ipv6).
class Conn {
public:
    Conn(Wire& wire, const GenOptions& opt, std::uint16_t client_port, std::uint16_t server_port = k_server_port,
         std::uint32_t client_ip = k_client_ip, std::uint32_t server_ip = k_server_ip) noexcept;
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;

    TcpPeer c;
    TcpPeer s;

    // 8000: no Wireshark dissector claims it, so tshark output stays free of application noise.
    static constexpr std::uint16_t k_server_port = 8000;
    static constexpr std::uint32_t k_client_ip = 0xC6336407;  // 198.51.100.7
    static constexpr std::uint32_t k_server_ip = 0xC000020A;  // 192.0.2.10
};

// The address for a generated host: IPv4 as given, or its IPv6 twin with --ipv6.
[[nodiscard]] Address host_address(std::uint32_t v4, bool ipv6) noexcept;

// Signed sequence-space comparison (RFC 9293 §3.4).
[[nodiscard]] constexpr bool seq_lt(std::uint32_t a, std::uint32_t b) noexcept {
    return static_cast<std::int32_t>(a - b) < 0;
}
[[nodiscard]] constexpr bool seq_le(std::uint32_t a, std::uint32_t b) noexcept {
    return static_cast<std::int32_t>(a - b) <= 0;
}

}  // namespace tcpvet::gen
