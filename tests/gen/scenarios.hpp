// The registry of generator scenarios: name, one-line summary, and the function that plays it.
#pragma once

#include <span>

#include "tcp_peer.hpp"

namespace tcpvet::gen {

struct Scenario {
    const char* name;
    const char* summary;
    void (*play)(Wire& wire, const GenOptions& opt);
};

// Every scenario, in --list order.
[[nodiscard]] std::span<const Scenario> scenarios() noexcept;

// Small hand-written exchanges (scenarios.cpp).
void play_textbook(Wire& w, const GenOptions& opt);
void play_textbook_third_segment(Wire& w, const GenOptions& opt);
void play_synack_wrong_ack(Wire& w, const GenOptions& opt);
void play_third_segment_wrong_ack(Wire& w, const GenOptions& opt);
void play_simultaneous_open(Wire& w, const GenOptions& opt);
void play_simultaneous_close(Wire& w, const GenOptions& opt);
void play_three_segment_close(Wire& w, const GenOptions& opt);
void play_half_close(Wire& w, const GenOptions& opt);
void play_fin_unacked(Wire& w, const GenOptions& opt);
void play_reset_by_server_with_data(Wire& w, const GenOptions& opt);
void play_syn_retransmit(Wire& w, const GenOptions& opt);
void play_synack_retransmit(Wire& w, const GenOptions& opt);
void play_data_before_handshake(Wire& w, const GenOptions& opt);
void play_data_on_syn(Wire& w, const GenOptions& opt);
void play_syn_unanswered(Wire& w, const GenOptions& opt);
void play_rejected(Wire& w, const GenOptions& opt);
void play_midstream(Wire& w, const GenOptions& opt);
void play_port_reuse(Wire& w, const GenOptions& opt);
void play_idle_resume(Wire& w, const GenOptions& opt);
void play_transfer_trouble(Wire& w, const GenOptions& opt);
void play_invalid_flags(Wire& w, const GenOptions& opt);
void play_close_wait(Wire& w, const GenOptions& opt);
void play_ip_fragments(Wire& w, const GenOptions& opt);

// Large deterministic loads (bulk_scenarios.cpp).
void play_syn_flood(Wire& w, const GenOptions& opt);
void play_mixed(Wire& w, const GenOptions& opt);
void play_flood(Wire& w, const GenOptions& opt);
void play_long_stream(Wire& w, const GenOptions& opt);
void play_bulk_stream(Wire& w, const GenOptions& opt);

// One capture per anomaly kind no other scenario shows (anomaly_scenarios.cpp).
void play_anomaly_port_scan(Wire& w, const GenOptions& opt);
void play_anomaly_host_scan(Wire& w, const GenOptions& opt);
void play_anomaly_backscatter(Wire& w, const GenOptions& opt);
void play_anomaly_rst_burst(Wire& w, const GenOptions& opt);
void play_anomaly_zero_window_stall(Wire& w, const GenOptions& opt);
void play_anomaly_retransmissions(Wire& w, const GenOptions& opt);
void play_anomaly_rtt_outlier(Wire& w, const GenOptions& opt);
void play_anomaly_isn_reuse(Wire& w, const GenOptions& opt);
void play_anomaly_protocol_abuse(Wire& w, const GenOptions& opt);
void play_anomaly_syn_cookies(Wire& w, const GenOptions& opt);

}  // namespace tcpvet::gen
