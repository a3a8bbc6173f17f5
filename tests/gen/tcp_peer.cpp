// Wire clock and TcpPeer sequence/ack bookkeeping for the generator's scenarios.
#include "tcp_peer.hpp"

#include <algorithm>

namespace tcpvet::gen {

void Wire::send(const Segment& seg) noexcept {
    m_last_ns = m_next_ns;
    m_writer.write(m_next_ns, m_builder.build(seg));
    m_next_ns += m_step_ns;
    ++m_frames;
}

void Wire::send_fragments(const Segment& seg, std::span<const FragmentPiece> pieces) noexcept {
    constexpr std::size_t k_ethernet = 14;
    constexpr std::size_t k_ip = 20;
    constexpr std::size_t k_min_frame = 60;
    if (m_kind != LinkKind::en10mb || seg.src.v6) {
        send(seg);
        return;
    }
    const std::span<const std::uint8_t> whole = m_builder.build(seg);
    const std::size_t ip_total = (std::size_t{whole[k_ethernet + 2]} << 8U) | whole[k_ethernet + 3];
    const std::span<const std::uint8_t> payload = whole.subspan(k_ethernet + k_ip, ip_total - k_ip);
    for (const FragmentPiece& piece : pieces) {
        const std::size_t begin = std::min<std::size_t>(piece.offset, payload.size());
        const std::size_t length =
            piece.length == 0 ? payload.size() - begin : std::min<std::size_t>(piece.length, payload.size() - begin);
        m_fragment.assign(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(k_ethernet + k_ip));
        m_fragment.insert(m_fragment.end(), payload.begin() + static_cast<std::ptrdiff_t>(begin),
                          payload.begin() + static_cast<std::ptrdiff_t>(begin + length));
        std::uint8_t* ip = m_fragment.data() + k_ethernet;
        const auto total = static_cast<std::uint16_t>(k_ip + length);
        const auto flags_offset = static_cast<std::uint16_t>((piece.more ? 0x2000U : 0U) | (begin / 8));
        ip[2] = static_cast<std::uint8_t>(total >> 8U);
        ip[3] = static_cast<std::uint8_t>(total & 0xFFU);
        ip[6] = static_cast<std::uint8_t>(flags_offset >> 8U);
        ip[7] = static_cast<std::uint8_t>(flags_offset & 0xFFU);
        ip[10] = 0;
        ip[11] = 0;
        std::uint32_t sum = 0;
        for (std::size_t i = 0; i < k_ip; i += 2) sum += (std::uint32_t{ip[i]} << 8U) | ip[i + 1];
        while ((sum >> 16U) != 0) sum = (sum & 0xFFFFU) + (sum >> 16U);
        const auto checksum = static_cast<std::uint16_t>(~sum);
        ip[10] = static_cast<std::uint8_t>(checksum >> 8U);
        ip[11] = static_cast<std::uint8_t>(checksum & 0xFFU);
        if (m_fragment.size() < k_min_frame) m_fragment.resize(k_min_frame, 0);  // Ethernet padding
        m_last_ns = m_next_ns;
        m_writer.write(m_next_ns, m_fragment);
        m_next_ns += m_step_ns;
        ++m_frames;
    }
}

Address host_address(std::uint32_t v4, bool ipv6) noexcept {
    const Address a = ipv4(v4);
    return ipv6 ? ipv6_twin(a) : a;
}

void TcpPeer::init(Wire& wire, const Address& addr, std::uint16_t port, bool outgoing) noexcept {
    *this = TcpPeer{};
    m_wire = &wire;
    m_addr = addr;
    m_port = port;
    m_outgoing = outgoing;
    // Deterministic but distinct per endpoint, like a per-socket IP ID counter.
    m_ip_id = static_cast<std::uint16_t>(port * 7U + (outgoing ? 0x1000U : 0x2000U));
}

void TcpPeer::link(TcpPeer& a, TcpPeer& b) noexcept {
    a.m_peer = &b;
    b.m_peer = &a;
}

TcpPeer& TcpPeer::seq_once(std::uint32_t seq) noexcept {
    m_has_seq_override = true;
    m_seq_override = seq;
    return *this;
}

TcpPeer& TcpPeer::ack_once(std::uint32_t ack) noexcept {
    m_has_ack_override = true;
    m_ack_override = ack;
    return *this;
}

TcpPeer& TcpPeer::options_once(const TcpOptionBytes& opts) noexcept {
    m_options_override = opts;
    return *this;
}

TcpPeer& TcpPeer::fragments_once(std::span<const FragmentPiece> pieces) noexcept {
    m_fragments_override = pieces;
    return *this;
}

void TcpPeer::assume_established(std::uint32_t snd_nxt, std::uint32_t rcv_nxt) noexcept {
    m_snd_nxt = snd_nxt;
    m_rcv_nxt = rcv_nxt;
    m_synced = true;
}

void TcpPeer::receive(std::uint16_t flags, std::uint32_t seq, std::uint32_t n) noexcept {
    if ((flags & flag::rst) != 0) {
        return;
    }
    if ((flags & flag::syn) != 0) {
        // Data on a SYN is accepted (RFC 9293 §3.10.7.2 allows queueing it; TFO does).
        m_rcv_nxt = seq + 1 + n + ((flags & flag::fin) != 0 ? 1U : 0U);
        m_synced = true;
        return;
    }
    if (!m_synced) {
        return;
    }
    const std::uint32_t end = seq + n + ((flags & flag::fin) != 0 ? 1U : 0U);
    if (seq_le(seq, m_rcv_nxt) && seq_lt(m_rcv_nxt, end)) {
        m_rcv_nxt = end;
    }
}

void TcpPeer::emit(std::uint16_t flags, std::uint32_t seq, std::uint32_t n, bool deliver) noexcept {
    Segment seg;
    seg.src = m_addr;
    seg.dst = m_peer->m_addr;
    seg.src_port = m_port;
    seg.dst_port = m_peer->m_port;
    seg.seq = m_has_seq_override ? m_seq_override : seq;
    std::uint32_t ack = m_has_ack_override ? m_ack_override : m_rcv_nxt;
    if ((flags & flag::ack) == 0) {
        ack = 0;
    }
    seg.ack = ack;
    seg.flags = flags;
    seg.payload_len = n;
    seg.outgoing = m_outgoing;
    seg.ip_id = m_ip_id++;
    seg.options = m_options_override;
    if ((flags & flag::syn) != 0) {
        if (seg.options.length == 0) {
            seg.options = syn_options();
        }
        seg.window = (flags & flag::ack) != 0 ? k_synack_window : k_syn_window;
    } else {
        seg.window = m_window;
    }
    if ((flags & flag::urg) != 0) {
        seg.urgent = static_cast<std::uint16_t>(n);
    }
    m_has_seq_override = false;
    m_has_ack_override = false;
    m_options_override = TcpOptionBytes{};

    if (!m_fragments_override.empty()) {
        m_wire->send_fragments(seg, m_fragments_override);
        m_fragments_override = {};
    } else {
        m_wire->send(seg);
    }
    if (deliver) {
        m_peer->receive(flags, seg.seq, n);
    }
}

void TcpPeer::syn(std::uint32_t isn, std::uint32_t payload) noexcept {
    m_snd_nxt = isn + 1 + payload;
    emit(flag::syn, isn, payload, true);
}

void TcpPeer::synack(std::uint32_t isn) noexcept {
    m_snd_nxt = isn + 1;
    m_synced = true;
    emit(flag::syn | flag::ack, isn, 0, true);
}

void TcpPeer::ack() noexcept { emit(flag::ack, m_snd_nxt, 0, true); }

void TcpPeer::data(std::uint32_t n, std::uint16_t extra) noexcept {
    const std::uint32_t seq = m_snd_nxt;
    m_snd_nxt += n;
    emit(static_cast<std::uint16_t>(flag::ack | extra), seq, n, true);
}

void TcpPeer::fin(std::uint16_t extra) noexcept {
    const std::uint32_t seq = m_snd_nxt;
    m_last_fin_seq = seq;
    m_snd_nxt += 1;
    emit(static_cast<std::uint16_t>(flag::fin | flag::ack | extra), seq, 0, true);
}

void TcpPeer::resend_fin() noexcept { emit(flag::fin | flag::ack, m_last_fin_seq, 0, true); }

void TcpPeer::rst() noexcept { emit(flag::rst | flag::ack, m_snd_nxt, 0, false); }

void TcpPeer::rst_no_ack() noexcept { emit(flag::rst, m_snd_nxt, 0, false); }

void TcpPeer::keepalive() noexcept { emit(flag::ack, m_snd_nxt - 1, 0, false); }

void TcpPeer::retransmit(std::uint32_t seq, std::uint32_t n, std::uint16_t extra) noexcept {
    if (seq_lt(m_snd_nxt, seq + n)) {
        m_snd_nxt = seq + n;
    }
    emit(static_cast<std::uint16_t>(flag::ack | extra), seq, n, true);
}

void TcpPeer::zero_window_probe() noexcept { emit(flag::ack, m_snd_nxt, 1, false); }

void TcpPeer::raw(std::uint16_t flags, std::uint32_t seq, std::uint32_t ack, std::uint32_t n) noexcept {
    m_has_ack_override = true;
    m_ack_override = ack;
    emit(flags, seq, n, false);
}

Conn::Conn(Wire& wire, const GenOptions& opt, std::uint16_t client_port, std::uint16_t server_port,
           std::uint32_t client_ip, std::uint32_t server_ip) noexcept {
    c.init(wire, host_address(client_ip, opt.ipv6), client_port, true);
    s.init(wire, host_address(server_ip, opt.ipv6), server_port, false);
    TcpPeer::link(c, s);
}

}  // namespace tcpvet::gen
