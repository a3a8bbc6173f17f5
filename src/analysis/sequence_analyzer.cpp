// Wireshark's TCP sequence analysis (packet-tcp.c, 4.0 era) replayed per conversation without allocation.
//
// The order of work mirrors dissect_tcp():
//   1. the port-reuse checks on SYN / SYN-ACK that run before the analysis,
//   2. tcp_analyze_sequence_number() (flags, nextseq, lastack, the unacked list, RTT, bytes in flight),
//   3. relative seq/ack (tcp.seq = seq - fwd->base_seq; tcp.ack = ack - rev->base_seq only with ACK set),
//   4. after it: ts_mru_syn / is_first_ack on SYN, the initial RTT on the first pure ACK,
//      the window-scale and SACK options, and verify_tcp_window_scaling() on SYNs.
// Wireshark compares most fields with plain equality on raw 32-bit numbers and uses 0 as "unset"
// for nextseq, maxseqtobeacked and lastack; we do the same so the results agree bit for bit.
#include "tcpvet/analysis/sequence_analyzer.hpp"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace tcpvet::analysis {

namespace {

// Wireshark's internal TCP_A_* bits, kept in our SegmentFlag vocabulary.
constexpr SegmentFlags k_retransmission = bit(SegmentFlag::retransmission);
constexpr SegmentFlags k_fast_retransmission = bit(SegmentFlag::fast_retransmission);
constexpr SegmentFlags k_spurious_retransmission = bit(SegmentFlag::spurious_retransmission);
constexpr SegmentFlags k_out_of_order = bit(SegmentFlag::out_of_order);
constexpr SegmentFlags k_lost_segment = bit(SegmentFlag::lost_segment);
constexpr SegmentFlags k_ack_lost_segment = bit(SegmentFlag::ack_lost_segment);
constexpr SegmentFlags k_duplicate_ack = bit(SegmentFlag::duplicate_ack);
constexpr SegmentFlags k_zero_window = bit(SegmentFlag::zero_window);
constexpr SegmentFlags k_zero_window_probe = bit(SegmentFlag::zero_window_probe);
constexpr SegmentFlags k_zero_window_probe_ack = bit(SegmentFlag::zero_window_probe_ack);
constexpr SegmentFlags k_window_full = bit(SegmentFlag::window_full);
constexpr SegmentFlags k_window_update = bit(SegmentFlag::window_update);
constexpr SegmentFlags k_keep_alive = bit(SegmentFlag::keep_alive);
constexpr SegmentFlags k_keep_alive_ack = bit(SegmentFlag::keep_alive_ack);
constexpr SegmentFlags k_reused_ports = bit(SegmentFlag::reused_ports);

// packet-tcp.c: fast retransmission must follow the last dup ACK within 20 ms.
constexpr std::uint64_t k_fast_retransmission_window_ns = 20'000'000;
// packet-tcp.c: out-of-order threshold when the initial RTT is unknown (3 ms).
constexpr std::uint64_t k_default_ooo_threshold_ns = 3'000'000;
// packet-tcp.c: bytes in flight above this are treated as nonsense and not shown.
constexpr std::uint32_t k_max_bytes_in_flight = 2'000'000'000;
// RFC 7323 §2.3: a shift above 14 is used as 14 (Wireshark clamps the same way).
constexpr std::uint8_t k_max_window_shift = 14;
// dissect_tcpopt_sack() stores blocks only while num_sack_ranges < MAX_TCP_SACK_RANGES (4),
// after incrementing it: the first three blocks count for bytes in flight.
constexpr std::size_t k_sack_blocks_for_bif = 3;

constexpr std::uint16_t k_syn_fin_rst = tcp_flag::syn | tcp_flag::fin | tcp_flag::rst;

// packet-tcp.h's GT_SEQ/LT_SEQ/LE_SEQ, kept literally: at a distance of exactly 2^31 both
// GT and LT hold, unlike tcpvet::seq, and fuzzed captures do hit that.
[[nodiscard]] constexpr bool ws_gt(std::uint32_t x, std::uint32_t y) noexcept {
    return static_cast<std::int32_t>(y - x) < 0;
}
[[nodiscard]] constexpr bool ws_lt(std::uint32_t x, std::uint32_t y) noexcept {
    return static_cast<std::int32_t>(x - y) < 0;
}
[[nodiscard]] constexpr bool ws_le(std::uint32_t x, std::uint32_t y) noexcept {
    return static_cast<std::int32_t>(x - y) <= 0;
}

// Elapsed time as Wireshark computes it into a guint64: a negative delta becomes huge.
[[nodiscard]] constexpr std::uint64_t elapsed(std::int64_t now, std::int64_t then) noexcept {
    return static_cast<std::uint64_t>(now) - static_cast<std::uint64_t>(then);
}

void record_rtt(DirectionFigures& fig, std::int64_t rtt) noexcept {
    ++fig.rtt_samples;
    fig.rtt_sum_ns += rtt;
    if (fig.rtt_min_ns < 0 || rtt < fig.rtt_min_ns) {
        fig.rtt_min_ns = rtt;
    }
    fig.rtt_max_ns = std::max(fig.rtt_max_ns, rtt);
}

// Karn's rule: every stored segment overlapping a retransmitted range is no longer timeable.
void mark_retransmitted(SequenceDirection& dir, std::uint32_t seq, std::uint32_t next_seq) noexcept {
    for (std::size_t i = 0; i < dir.unacked_count; ++i) {
        UnackedSegment& seg = dir.unacked[i];
        if (ws_lt(seg.seq, next_seq) && ws_gt(seg.next_seq, seq)) {
            seg.retransmitted = true;
        }
    }
}

// Adds a segment to the unacked list (the "ual" list). When the ring is full the two oldest
// entries merge into one span, so the bytes-in-flight span stays right.
void push_unacked(SequenceDirection& dir, const UnackedSegment& seg) noexcept {
    if (dir.unacked_count == SequenceDirection::k_max_unacked) {
        UnackedSegment& a = dir.unacked[0];
        const UnackedSegment& b = dir.unacked[1];
        const std::uint32_t rel_a_seq = a.seq - dir.base_seq;
        const std::uint32_t rel_b_seq = b.seq - dir.base_seq;
        const std::uint32_t rel_a_next = a.next_seq - dir.base_seq;
        const std::uint32_t rel_b_next = b.next_seq - dir.base_seq;
        if (rel_b_seq < rel_a_seq) {
            a.seq = b.seq;
        }
        if (rel_b_next > rel_a_next) {
            a.next_seq = b.next_seq;
            a.ts_ns = b.ts_ns;
        }
        a.has_data = a.has_data || b.has_data;
        a.retransmitted = a.retransmitted || b.retransmitted;
        std::copy(dir.unacked.begin() + 2, dir.unacked.end(), dir.unacked.begin() + 1);
        --dir.unacked_count;
    }
    dir.unacked[dir.unacked_count] = seg;
    ++dir.unacked_count;
}

}  // namespace

SegmentAnalysis SequenceAnalyzer::analyze(unsigned direction, const DecodedPacket& packet) noexcept {
    SequenceDirection& fwd = m_dirs[direction & 1U];
    SequenceDirection& rev = m_dirs[(direction & 1U) ^ 1U];
    const std::uint32_t seq = packet.tcp.seq;
    const std::uint32_t ack = packet.tcp.ack;
    const std::uint16_t flags = packet.tcp.flags;
    const std::uint32_t seglen = packet.payload_len;
    const std::uint32_t window = packet.tcp.window;  // analysed raw: dissect_tcp scales it afterwards
    const std::int64_t now = packet.ts_ns;
    const bool syn = (flags & tcp_flag::syn) != 0;
    const bool has_ack = (flags & tcp_flag::ack) != 0;
    const bool syn_or_fin = (flags & (tcp_flag::syn | tcp_flag::fin)) != 0;

    SegmentAnalysis out{};
    SegmentFlags ta = 0;  // Wireshark's tcpd->ta->flags for this frame

    // --- dissect_tcp(), before the analysis: port reuse on a known conversation. ---
    // A pure SYN with a new ISN on a known conversation is a new conversation (reused_ports):
    // the tracker's job. The same SYN again restores nextseq, since a RST may have carried
    // SEQ = the ACK it received (RFC 793 §3.4, issue 17616); 4.0 does not flag it as reused.
    if ((flags & (tcp_flag::syn | tcp_flag::ack)) == tcp_flag::syn && fwd.base_seq_set && seq == fwd.base_seq) {
        fwd.next_seq = fwd.max_seq_to_be_acked;
    }
    if ((flags & (tcp_flag::syn | tcp_flag::ack)) == (tcp_flag::syn | tcp_flag::ack) && fwd.base_seq_set &&
        seq != fwd.base_seq) {
        // A SYN-ACK with a new ISN: "the retrieved conversation might have a different base_seq
        // (issue 16944)", so it takes this one.
        fwd.base_seq = seq;
        ta |= k_reused_ports;
    }
    // "initialize the SACK blocks seen to 0": this frame's SACK option refills them below.
    fwd.sack_blocks = 0;
    fwd.sack_delivered = 0;

    // An IP first fragment has no known segment length: Wireshark skips the analysis and shows
    // absolute numbers.
    const bool analyse = !packet.fragment_first;
    if (analyse) {
        // --- tcp_analyze_sequence_number() ---

        // Base sequence numbers. A SYN gives the ISN; otherwise seq-1 so the first byte is 1
        // (bug 1542). The reverse ISN comes from the first ACK field seen (ack-1).
        if (!fwd.base_seq_set) {
            if (syn) {
                fwd.base_seq = seq;
                (has_ack ? fwd.saw_synack : fwd.saw_syn) = true;
            } else {
                fwd.base_seq = seq - 1;
            }
            fwd.base_seq_set = true;
        }
        if (!rev.base_seq_set && has_ack) {
            rev.base_seq = ack - 1;
            rev.base_seq_set = true;
        }
        if (has_ack) {
            rev.valid_bif = true;
        }

        bool checks_done = false;  // Wireshark's "goto finished_fwd"

        // ZERO WINDOW PROBE: exactly one byte at the next expected seq while the peer's window is 0.
        if (seglen == 1 && seq == fwd.next_seq && rev.window == 0) {
            ta |= k_zero_window_probe;
            checks_done = true;
        }
        if (!checks_done) {
            // ZERO WINDOW: window 0 with none of SYN/FIN/RST.
            if (window == 0 && (flags & k_syn_fin_rst) == 0) {
                ta |= k_zero_window;
            }
            // LOST PACKET: beyond the highest nextseq seen (not for RST); bytes in flight off
            // until the other side ACKs.
            if (fwd.next_seq != 0 && ws_gt(seq, fwd.next_seq) && (flags & tcp_flag::rst) == 0) {
                ta |= k_lost_segment;
                fwd.valid_bif = false;
            }
            // KEEP ALIVE: 0 or 1 byte starting one byte before nextseq.
            if ((seglen == 0 || seglen == 1) && seq == fwd.next_seq - 1 && (flags & k_syn_fin_rst) == 0) {
                ta |= k_keep_alive;
            }
            // WINDOW UPDATE: empty, same seq/ack as before, a new non-zero window.
            if (seglen == 0 && window != 0 && window != fwd.window && seq == fwd.next_seq && ack == fwd.last_ack &&
                (flags & k_syn_fin_rst) == 0) {
                ta |= k_window_update;
            }
            // WINDOW FULL: data reaching exactly the right edge the peer advertised, once its
            // scaling is known. Before the peer's first pure ACK its window (from the SYN) is
            // unscaled (issue 14690). The shift wraps in 32 bits as the C does.
            if (seglen > 0 && rev.window_scale != -1 && (flags & k_syn_fin_rst) == 0) {
                const int shift = (rev.is_first_ack || rev.window_scale == -2) ? 0 : rev.window_scale;
                const std::uint32_t edge = rev.last_ack + (rev.window << shift);
                if (seq + seglen == edge) {
                    ta |= k_window_full;
                }
            }
            // KEEP ALIVE ACK: repeats the previous ACK right after a keep-alive from the peer.
            if (seglen == 0 && window != 0 && window == fwd.window && seq == fwd.next_seq && ack == fwd.last_ack &&
                (rev.last_flags & k_keep_alive) != 0 && (flags & k_syn_fin_rst) == 0) {
                ta |= k_keep_alive_ack;
                checks_done = true;
            }
        }
        if (!checks_done) {
            // ZERO WINDOW PROBE ACK: repeats the previous ACK and zero window after a probe.
            if (seglen == 0 && window == 0 && window == fwd.window && seq == fwd.next_seq && ack == fwd.last_ack &&
                (rev.last_flags & k_zero_window_probe) != 0 && (flags & k_syn_fin_rst) == 0) {
                ta |= k_zero_window_probe_ack;
                checks_done = true;
            }
        }
        if (!checks_done) {
            // DUPLICATE ACK: empty, same window/seq/ack as the previous segment.
            if (seglen == 0 && window != 0 && window == fwd.window && seq == fwd.next_seq && ack == fwd.last_ack &&
                (flags & k_syn_fin_rst) == 0) {
                fwd.dup_ack_num = fwd.dup_ack_num == -1 ? 1 : fwd.dup_ack_num + 1;
                ta |= k_duplicate_ack;
                out.dup_ack_num = static_cast<std::uint32_t>(fwd.dup_ack_num);
            }
        }

        // finished_fwd: a new ACK value resets the dup-ack counter.
        if (ack != fwd.last_ack) {
            fwd.last_non_dup_ack_frame = packet.frame;
            fwd.dup_ack_num = 0;
        }

        // ACKED LOST PACKET: the ACK passes the highest contiguous seq seen the other way.
        // If the other side has a hole, the mark jumps to its nextseq (one report per hole);
        // otherwise one report until the other side sends a new ACK (its dupacknum goes -1).
        // TShark 4.0.17 behaves so on the corpus and on probe captures (see the unit tests).
        if (rev.max_seq_to_be_acked != 0 && ws_gt(ack, rev.max_seq_to_be_acked) && has_ack) {
            if (ws_lt(rev.max_seq_to_be_acked, rev.next_seq)) {
                rev.max_seq_to_be_acked = rev.next_seq;
                ta |= k_ack_lost_segment;
            } else {
                if (rev.dup_ack_num == 0) {
                    ta |= k_ack_lost_segment;
                }
                rev.dup_ack_num = -1;
            }
        }

        // RETRANSMISSION / FAST RETRANSMISSION / OUT-OF-ORDER / SPURIOUS for data, SYN or FIN.
        bool resent = false;  // for Karn's rule on our RTT samples
        if (seglen > 0 || syn_or_fin) {
            bool seq_not_advanced = fwd.next_seq != 0 && ws_lt(seq, fwd.next_seq);
            if ((ta & k_keep_alive) == 0) {
                // More than one byte starting at nextseq-1 adds new data (after a probe).
                if (seglen > 1 && fwd.next_seq - 1 == seq) {
                    seq_not_advanced = false;
                }
                if (seglen > 0 && rev.last_ack != 0 && ws_le(seq + seglen, rev.last_ack)) {
                    // SPURIOUS: all of it was already acknowledged by the receiver.
                    ta |= k_spurious_retransmission;
                    resent = true;
                } else if (seq_not_advanced && rev.dup_ack_num >= 2 && rev.last_ack == seq &&
                           elapsed(now, rev.last_ack_ts_ns) < k_fast_retransmission_window_ns) {
                    // FAST RETRANSMISSION (tcp.fastrt_supersedes_ooo = TRUE: tested before OOO):
                    // >= 2 dup ACKs for this seq, within 20 ms of the last of them.
                    ta |= k_fast_retransmission;
                    resent = true;
                } else {
                    // OUT-OF-ORDER: soon after the highest segment (within the initial RTT, or
                    // 3 ms when unknown) and not simply ending at nextseq.
                    const std::uint64_t ooo_threshold =
                        m_first_rtt_ns == 0 ? k_default_ooo_threshold_ns : static_cast<std::uint64_t>(m_first_rtt_ns);
                    const std::uint32_t end = seq + seglen + (syn_or_fin ? 1U : 0U);
                    if (seq_not_advanced && elapsed(now, fwd.next_seq_ts_ns) < ooo_threshold && fwd.next_seq != end) {
                        ta |= k_out_of_order;
                    } else if (seq_not_advanced) {
                        ta |= k_retransmission;
                        resent = true;
                    }
                }
            }
        }

        // finished_checking_retransmission_type: remember the segment in the unacked list.
        std::uint32_t nextseq = seq + seglen;
        if (seglen > 0 || syn_or_fin) {
            if (syn_or_fin) {
                nextseq += 1;
            }
            if (resent) {
                mark_retransmitted(fwd, seq, nextseq);
            }
            push_unacked(fwd, UnackedSegment{seq, nextseq, now, seglen > 0, resent});
        }

        // Highest nextseq so far (a zero window probe does not advance it).
        if ((ws_gt(nextseq, fwd.next_seq) || fwd.next_seq == 0) && (ta & k_zero_window_probe) == 0) {
            fwd.next_seq = nextseq;
            fwd.next_seq_ts_ns = now;
        }
        // Highest contiguous seq for "ACKed unseen segment".
        if ((seq == fwd.max_seq_to_be_acked || fwd.max_seq_to_be_acked == 0) && (ta & k_zero_window_probe) == 0) {
            fwd.max_seq_to_be_acked = fwd.next_seq;
        }

        fwd.window = window;
        fwd.last_ack = ack;
        fwd.last_ack_ts_ns = now;
        fwd.last_flags = ta;

        // Remove what this ACK covers from the other side's list (the ACK bit is not checked,
        // as in Wireshark). The oldest segment ending exactly at the ACK gives tcp.analysis.ack_rtt.
        const UnackedSegment* timed = nullptr;
        UnackedSegment timed_copy{};
        std::size_t kept = 0;
        for (std::size_t i = 0; i < rev.unacked_count; ++i) {
            UnackedSegment seg = rev.unacked[i];
            bool keep = false;
            if (ack == seg.next_seq) {
                if (timed == nullptr) {
                    timed_copy = seg;
                    timed = &timed_copy;
                }
            } else if (ws_gt(ack, seg.seq) && ws_le(ack, seg.next_seq)) {
                seg.seq = ack;  // partly acknowledged
                keep = true;
            } else if (ws_gt(seg.next_seq, ack)) {
                keep = true;  // not reached yet
            }
            if (keep) {
                rev.unacked[kept++] = seg;
            }
        }
        rev.unacked_count = static_cast<std::uint8_t>(kept);
        if (timed != nullptr) {
            const std::int64_t rtt = now - timed->ts_ns;
            if (rtt != 0) {
                out.ack_rtt_ns = rtt;  // shown only when non-zero
            }
            if (timed->has_data && !timed->retransmitted && rtt >= 0) {
                record_rtt(rev.figures, rtt);
                out.rtt_sample_ns = rtt;
            }
        }

        // Bytes in flight (tcp.track_bytes_in_flight, payload based, tcp.bif_seq_based off):
        // the span of this side's unacked segments, minus what the peer's last SACK covered.
        if (seglen != 0 && fwd.unacked_count > 0 && fwd.valid_bif) {
            std::uint32_t first = fwd.unacked[0].seq - fwd.base_seq;
            std::uint32_t last = fwd.unacked[0].next_seq - fwd.base_seq;
            for (std::size_t i = 1; i < fwd.unacked_count; ++i) {
                first = std::min(first, fwd.unacked[i].seq - fwd.base_seq);
                last = std::max(last, fwd.unacked[i].next_seq - fwd.base_seq);
            }
            std::uint32_t in_flight = last - first;
            if (rev.sack_blocks > 0) {
                in_flight -= rev.sack_delivered;
            }
            if (in_flight > 0 && in_flight < k_max_bytes_in_flight) {
                // A SYN or FIN occupies one virtual byte.
                out.bytes_in_flight = in_flight - (syn_or_fin ? 1U : 0U);
                out.has_bytes_in_flight = out.bytes_in_flight != 0;  // shown only when non-zero
            }
        }

        // --- back in dissect_tcp(): relative numbers ---
        out.rel_seq = seq - fwd.base_seq;
        out.rel_ack = has_ack ? ack - rev.base_seq : ack;
    } else {
        out.rel_seq = seq;
        out.rel_ack = ack;
    }

    // --- dissect_tcp(), after the analysis ---
    if (syn) {
        if (!has_ack) {
            m_mru_syn_ts_ns = now;  // ts_mru_syn
        }
        fwd.is_first_ack = true;
    }
    // The first pure ACK after a SYN ends the handshake: tcp.analysis.initial_rtt.
    if ((flags & (tcp_flag::syn | tcp_flag::ack)) == tcp_flag::ack && m_mru_syn_ts_ns != 0 && m_first_rtt_ns == 0) {
        m_first_rtt_ns = now - m_mru_syn_ts_ns;
    }
    if ((flags & (tcp_flag::syn | tcp_flag::ack)) == tcp_flag::ack) {
        fwd.is_first_ack = false;
    }

    // Options are dissected after the analysis: they affect the following segments only.
    const TcpOptions& opts = packet.tcp.options;
    if (opts.has_window_scale) {
        // pdu_store_window_scale_option(): any segment carrying the option sets it.
        fwd.window_scale = std::min(opts.window_scale, k_max_window_shift);
    }
    if (opts.sack_count > 0) {
        const std::size_t n = std::min<std::size_t>(opts.sack_count, k_sack_blocks_for_bif);
        std::uint32_t delivered = 0;
        for (std::size_t i = 0; i < n; ++i) {
            delivered += opts.sack[i].right - opts.sack[i].left;
        }
        fwd.sack_blocks = static_cast<std::uint8_t>(n);
        fwd.sack_delivered = delivered;
    }
    if (syn) {
        // verify_tcp_window_scaling(): without the option on both SYNs there is no scaling.
        if (fwd.window_scale == -1) {
            fwd.window_scale = -2;
            rev.window_scale = -2;
        } else if (has_ack && rev.window_scale == -2) {
            fwd.window_scale = -2;
        }
    }

    // What tshark shows: a fast or spurious retransmission also carries tcp.analysis.retransmission.
    if ((ta & (k_fast_retransmission | k_spurious_retransmission)) != 0) {
        ta |= k_retransmission;
    }
    out.flags = ta;

    DirectionFigures& fig = fwd.figures;
    // Visits only the set bits: most segments carry none, and a loop over all 15 flags was a
    // tenth of this function's instructions.
    for (SegmentFlags rest = ta; rest != 0; rest &= rest - 1) {
        const auto i = static_cast<std::size_t>(std::countr_zero(rest));
        if (i < k_segment_flag_count) ++fig.flag_counts[i];
    }
    if (out.has_bytes_in_flight) {
        fig.bytes_in_flight_max = std::max(fig.bytes_in_flight_max, out.bytes_in_flight);
    }
    return out;
}

}  // namespace tcpvet::analysis
