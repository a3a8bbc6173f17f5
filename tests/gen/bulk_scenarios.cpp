// Large deterministic loads: a SYN flood test case and the two benchmark inputs (mixed, flood).
// flood: 1,000,000 spoofed *sources* are (address, port) pairs: 198.18.0.0/15 holds only 131,072
// addresses, and only documentation/benchmark prefixes may appear in tcpvet's test data.
// Everything is driven by one splitmix64 stream seeded with --seed, so a given command line always
// writes the same bytes. No allocation happens per packet: buffers are sized before the loops.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <vector>

#include "scenarios.hpp"

namespace tcpvet::gen {
namespace {

// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough to scatter addresses.
class Rng {
public:
    explicit Rng(std::uint64_t seed) noexcept : m_state(seed) {}
    std::uint64_t next() noexcept {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    std::uint32_t next32() noexcept { return static_cast<std::uint32_t>(next() >> 32); }
    // Uniform enough in [0, n) for n far below 2^32.
    std::uint32_t below(std::uint32_t n) noexcept {
        return static_cast<std::uint32_t>((static_cast<std::uint64_t>(next32()) * n) >> 32);
    }

private:
    std::uint64_t m_state;
};

constexpr std::uint32_t k_benchmark_net = 0xC6120000;  // 198.18.0.0/15 (RFC 2544 benchmarking)
constexpr std::uint32_t k_benchmark_hosts = 1U << 17;
constexpr std::uint32_t k_flood_server = 0xC000020A;    // 192.0.2.10
constexpr std::uint32_t k_normal_clients = 0xCB007100;  // 203.0.113.0/24
constexpr std::uint16_t k_http = 80;

// A retransmitted SYN-ACK waiting for its time.
struct PendingSynAck {
    std::int64_t due_ns;
    std::uint32_t src_ip;
    std::uint16_t src_port;
    std::uint32_t client_isn;
    std::uint32_t server_isn;
};

struct FloodPlan {
    const char* name;
    std::uint64_t syns;
    std::uint64_t normal_connections;
    std::uint32_t source_pool;  // 0: draw each source address at random from 198.18.0.0/15
    bool server_answers;        // one SYN in four gets a SYN-ACK, one SYN-ACK in three is retransmitted
};

void emit_syn(Wire& w, const Address& src, const Address& dst, std::uint16_t sport, std::uint32_t isn) {
    Segment seg;
    seg.src = src;
    seg.dst = dst;
    seg.src_port = sport;
    seg.dst_port = k_http;
    seg.seq = isn;
    seg.flags = flag::syn;
    seg.window = TcpPeer::k_syn_window;
    seg.options = syn_options();
    seg.outgoing = false;  // the capture point is the server
    seg.ip_id = static_cast<std::uint16_t>(isn);
    w.send(seg);
}

void emit_synack(Wire& w, const Address& server, const Address& client, std::uint16_t cport, std::uint32_t client_isn,
                 std::uint32_t server_isn) {
    Segment seg;
    seg.src = server;
    seg.dst = client;
    seg.src_port = k_http;
    seg.dst_port = cport;
    seg.seq = server_isn;
    seg.ack = client_isn + 1;
    seg.flags = flag::syn | flag::ack;
    seg.window = TcpPeer::k_synack_window;
    seg.options = syn_options();
    seg.outgoing = true;
    w.send(seg);
}

// A complete, well-behaved connection from a fixed client (10 frames).
void normal_connection(Wire& w, const GenOptions& opt, Rng& rng, std::uint64_t index) {
    TcpPeer c;
    TcpPeer s;
    const auto host = static_cast<std::uint32_t>(1 + index % 250);
    c.init(w, host_address(k_normal_clients + host, opt.ipv6), static_cast<std::uint16_t>(40000 + index % 20000),
           false);
    s.init(w, host_address(k_flood_server, opt.ipv6), k_http, true);
    TcpPeer::link(c, s);
    c.syn(rng.next32());
    s.synack(rng.next32());
    c.ack();
    c.data(120, flag::psh);
    s.data(600, flag::psh);
    c.ack();
    c.fin();
    s.ack();
    s.fin();
    c.ack();
}

void run_flood(Wire& w, const GenOptions& opt, const FloodPlan& plan) {
    Rng rng(opt.seed);
    w.set_step_us(10);
    const Address server = host_address(k_flood_server, opt.ipv6);

    std::vector<std::uint16_t> uses(k_benchmark_hosts, 0);  // per source address, for distinct ports
    std::vector<std::uint8_t> seen(k_benchmark_hosts, 0);
    std::vector<PendingSynAck> pending;
    pending.reserve(static_cast<std::size_t>(plan.syns / 8 + 16));
    std::size_t pending_head = 0;

    const std::uint64_t normal_every =
        plan.normal_connections > 0 ? std::max<std::uint64_t>(1, plan.syns / plan.normal_connections) : 0;
    std::uint64_t normal_done = 0;
    std::uint64_t distinct_addresses = 0;
    std::uint64_t answered = 0;
    std::uint64_t synack_rexmits = 0;

    for (std::uint64_t i = 0; i < plan.syns; ++i) {
        while (pending_head < pending.size() && pending[pending_head].due_ns <= w.now_ns()) {
            const PendingSynAck& p = pending[pending_head++];
            emit_synack(w, server, host_address(p.src_ip, opt.ipv6), p.src_port, p.client_isn, p.server_isn);
            ++synack_rexmits;
        }

        std::uint32_t host = 0;
        std::uint16_t port = 0;
        if (plan.source_pool == 0) {
            // Random address; a per-address counter keeps every (address, port) attempt distinct.
            host = rng.below(k_benchmark_hosts);
            port = static_cast<std::uint16_t>(1024 + (host * 40503U + uses[host]) % 64512U);
            ++uses[host];
        } else {
            // Walk the pool in a scattered order (7919 is coprime with the pool size 10^6).
            const auto source = static_cast<std::uint32_t>((i * 7919U) % plan.source_pool);
            host = source % k_benchmark_hosts;
            port = static_cast<std::uint16_t>(1024 + source / k_benchmark_hosts);
        }
        if (seen[host] == 0) {
            seen[host] = 1;
            ++distinct_addresses;
        }
        const std::uint32_t src_ip = k_benchmark_net + host;
        const Address src = host_address(src_ip, opt.ipv6);
        const std::uint32_t isn = rng.next32();
        emit_syn(w, src, server, port, isn);

        // The server answers one SYN in four (its backlog is full for the rest) and
        // retransmits one answer in three a second later (RFC 6298 initial RTO).
        if (plan.server_answers && rng.below(4) == 0) {
            const std::uint32_t server_isn = rng.next32();
            emit_synack(w, server, src, port, isn, server_isn);
            ++answered;
            if (rng.below(3) == 0) {
                pending.push_back({w.now_ns() + 1'000'000'000, src_ip, port, isn, server_isn});
            }
        }

        if (normal_every != 0 && normal_done < plan.normal_connections && i % normal_every == normal_every / 2) {
            normal_connection(w, opt, rng, normal_done);
            ++normal_done;
        }
    }
    while (normal_done < plan.normal_connections) {
        normal_connection(w, opt, rng, normal_done);
        ++normal_done;
    }
    while (pending_head < pending.size()) {
        const PendingSynAck& p = pending[pending_head++];
        w.set_now_ns(std::max(w.now_ns(), p.due_ns));
        emit_synack(w, server, host_address(p.src_ip, opt.ipv6), p.src_port, p.client_isn, p.server_isn);
        ++synack_rexmits;
    }

    const std::uint64_t attempts =
        plan.source_pool == 0 ? plan.syns : std::min<std::uint64_t>(plan.syns, plan.source_pool);
    std::fprintf(stderr,
                 "%s: %" PRIu64 " spoofed SYNs to %s from %" PRIu64
                 " distinct source addresses (198.18.0.0/15%s)\n"
                 "%s: %" PRIu64 " half-open attempts (distinct spoofed 4-tuples, none completed); %" PRIu64
                 " answered with SYN-ACK, %" PRIu64
                 " SYN-ACK retransmissions\n"
                 "%s: %" PRIu64 " normal complete connections; %" PRIu64 " frames in total\n",
                 plan.name, plan.syns, opt.ipv6 ? "[2001:db8::c000:20a]:80" : "192.0.2.10:80", distinct_addresses,
                 opt.ipv6 ? " as 2001:db8::c612:0/111" : "", plan.name, attempts, answered, synack_rexmits, plan.name,
                 normal_done, w.frames());
}

// One connection of the mixed benchmark: handshake, request, a download acked every second
// segment, four-way close. `planned` frames in total (at least 8).
struct MixedSlot {
    TcpPeer c;
    TcpPeer s;
    std::uint64_t planned = 0;
    std::uint64_t sent = 0;
    std::uint32_t request = 0;
    std::uint32_t client_isn = 0;
    std::uint32_t server_isn = 0;
};

void mixed_step(MixedSlot& m) {
    const std::uint64_t k = m.sent++;
    if (k + 4 >= m.planned) {
        switch (m.planned - k) {
        case 4: m.c.fin(); return;
        case 3: m.s.ack(); return;
        case 2: m.s.fin(); return;
        default: m.c.ack(); return;
        }
    }
    switch (k) {
    case 0: m.c.syn(m.client_isn); return;
    case 1: m.s.synack(m.server_isn); return;
    case 2: m.c.ack(); return;
    case 3: m.c.data(m.request, flag::psh); return;
    default: break;
    }
    if ((k - 4) % 3 == 2) {
        m.c.ack();
    } else {
        m.s.data(1460, (k - 4) % 3 == 1 ? flag::psh : std::uint16_t{0});
    }
}

}  // namespace

// One long download for the graph views and their benchmark: --count server data segments
// (default 1,000,000) of 1448 bytes, ACKed every second one after a delay that cycles through
// 20-90 us (RTT and throughput change in steps); every count/40 segments one is lost, the client
// SACKs the next three (duplicate ACKs) and the server fast-retransmits it; every count/4 the
// client's window closes for 30 ms while the server probes.
void play_bulk_stream(Wire& w, const GenOptions& opt) {
    const std::uint64_t total = opt.count != 0 ? opt.count : 1000000;
    constexpr std::uint32_t k_mss = 1448;
    const std::uint64_t loss_every = std::max<std::uint64_t>(total / 40, 20);
    const std::uint64_t stall_every = std::max<std::uint64_t>(total / 4, 50);
    Conn k(w, opt, 50300);
    TcpPeer& c = k.c;
    TcpPeer& s = k.s;
    w.set_step_us(10);
    c.syn(0x1000);
    s.synack(0x8000);
    c.ack();
    c.data(120, flag::psh);
    std::uint64_t sent = 0;
    std::uint64_t losses = 0;
    std::uint64_t stalls = 0;
    while (sent < total) {
        if (sent % loss_every == loss_every / 2 && sent + 4 <= total) {
            const std::uint32_t lost = s.snd_nxt();
            s.lose(k_mss);
            for (int i = 0; i < 3; ++i) {
                s.data(k_mss);
                c.options_once(sack_option(lost + k_mss, s.snd_nxt())).ack();
            }
            s.retransmit(lost, k_mss);
            c.set_rcv_nxt(s.snd_nxt());
            c.ack();
            sent += 4;
            ++losses;
            continue;
        }
        if (sent % stall_every == stall_every - 1) {
            c.set_window(0);
            c.ack();
            w.after_ms(20);
            s.zero_window_probe();
            c.ack();
            w.after_ms(10);
            c.set_window(TcpPeer::k_window);
            c.ack();
            ++stalls;
        }
        s.data(k_mss);
        ++sent;
        if (sent % 2 == 0) {
            w.after_us(20 + 10 * static_cast<std::int64_t>((sent / (total / 16 + 1)) % 8));
            c.ack();
        }
    }
    c.ack();
    s.fin();
    c.ack();
    c.fin();
    s.ack();
    std::fprintf(stderr,
                 "bulk_stream: %" PRIu64 " server data segments, %" PRIu64 " lost and retransmitted, %" PRIu64
                 " zero-window stalls; %" PRIu64 " frames\n",
                 sent, losses, stalls, w.frames());
}

void play_syn_flood(Wire& w, const GenOptions& opt) {
    run_flood(w, opt, FloodPlan{"syn_flood", opt.count != 0 ? opt.count : 100000, 20, 0, true});
}

void play_flood(Wire& w, const GenOptions& opt) {
    run_flood(w, opt, FloodPlan{"flood", opt.count != 0 ? opt.count : 2000000, 1000, 1000000, false});
}

// ~87 frames per connection averaging ~940 bytes, 64 connections interleaved at random.
// Exactly --count frames: the last connection started absorbs the remainder.
void play_mixed(Wire& w, const GenOptions& opt) {
    const std::uint64_t total = opt.count != 0 ? opt.count : 2000000;
    constexpr std::size_t k_slots = 64;
    Rng rng(opt.seed);
    w.set_step_us(8);

    std::vector<MixedSlot> slots(k_slots);
    std::vector<std::size_t> active;
    active.reserve(k_slots);
    std::uint64_t emitted = 0;
    std::uint64_t committed = 0;  // frames still planned by active connections
    std::uint64_t connections = 0;

    auto start = [&](std::size_t slot) {
        const std::uint64_t remaining = total - emitted - committed;
        if (remaining < 8) {
            return false;
        }
        std::uint64_t planned = 60 + rng.below(55);
        if (planned > remaining || remaining - planned < 8) {
            planned = remaining;
        }
        MixedSlot& m = slots[slot];
        const std::uint64_t k = connections++;
        const auto client_host = static_cast<std::uint32_t>(1 + (k / 16384) % 254);
        m.c.init(w, host_address(k_normal_clients + client_host, opt.ipv6),
                 static_cast<std::uint16_t>(49152 + k % 16384), true);
        m.s.init(w, host_address(k_flood_server + static_cast<std::uint32_t>(k % 4), opt.ipv6), 443, false);
        TcpPeer::link(m.c, m.s);
        m.planned = planned;
        m.sent = 0;
        m.request = 200 + rng.below(400);
        m.client_isn = rng.next32();
        m.server_isn = rng.next32();
        committed += planned;
        active.push_back(slot);
        return true;
    };

    for (std::size_t i = 0; i < k_slots; ++i) {
        if (!start(i)) {
            break;
        }
    }
    while (!active.empty()) {
        const std::size_t pick = rng.below(static_cast<std::uint32_t>(active.size()));
        const std::size_t slot = active[pick];
        MixedSlot& m = slots[slot];
        mixed_step(m);
        ++emitted;
        --committed;
        if (m.sent == m.planned) {
            active[pick] = active.back();
            active.pop_back();
            (void)start(slot);
        }
    }
    std::fprintf(stderr, "mixed: %" PRIu64 " frames, %" PRIu64 " connections\n", emitted, connections);
}

// One long download for the ladder benchmark: handshake, --count segments (100000) in a single stream
// (server data, every second one acked by the client), FIN close. Seeded only by its fixed ports.
void play_long_stream(Wire& w, const GenOptions& opt) {
    const std::uint64_t total = opt.count != 0 ? opt.count : 100000;
    w.set_step_us(20);
    Conn k(w, opt, 51000);
    k.c.syn(8000);
    k.s.synack(15000);
    k.c.ack();
    std::uint64_t emitted = 3;
    while (emitted + 4 < total) {
        k.s.data(1460, std::uint16_t{0});
        ++emitted;
        if (emitted % 3 == 0) {
            k.c.ack();
            ++emitted;
        }
    }
    k.c.fin();
    k.s.ack();
    k.s.fin();
    k.c.ack();
}

}  // namespace tcpvet::gen
