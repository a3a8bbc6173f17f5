#!/usr/bin/env bash
# Regenerates every testdata/gen_*.pcap* capture with tcpvet_gen. Deterministic: running it twice
# writes byte-identical files. Usage: tests/gen/make_testdata.sh PATH/TO/tcpvet_gen [OUTDIR]
# OUTDIR defaults to the repository's testdata/ (the gen_reproducible test passes a scratch dir).
set -euo pipefail

gen=${1:?usage: make_testdata.sh PATH/TO/tcpvet_gen [OUTDIR]}
here=$(cd "$(dirname "$0")" && pwd)
out=${2:-$here/../../testdata}
mkdir -p "$out"

# Every small scenario; syn_flood, mixed, flood and long_stream are generated at test time instead.
scenarios=(
    textbook textbook_third_segment synack_wrong_ack third_segment_wrong_ack
    simultaneous_open simultaneous_close three_segment_close half_close fin_unacked
    reset_by_server_with_data syn_retransmit synack_retransmit third_segment_data data_before_handshake synack_unanswered established_open responder_close_only syn_then_rst synack_then_rst syn_then_fin synack_then_fin midstream_open
    data_on_syn syn_unanswered rejected midstream port_reuse idle_resume
    transfer_trouble invalid_flags close_wait ip_fragments
    anomaly_port_scan anomaly_host_scan anomaly_backscatter anomaly_rst_burst anomaly_zero_window_stall
    anomaly_retransmissions anomaly_rtt_outlier anomaly_isn_reuse anomaly_protocol_abuse
)
for s in "${scenarios[@]}"; do
    "$gen" "$s" "$out/gen_$s.pcap"
done

# Format, link-layer and address-family variants of textbook.
"$gen" textbook "$out/gen_textbook_ns.pcap" --format pcap-ns
"$gen" textbook "$out/gen_textbook.pcapng" --format pcapng
for link in vlan qinq pbb vntag etag fabricpath sll sll2 raw null loop; do
    "$gen" textbook "$out/gen_textbook_$link.pcap" --link "$link"
done
"$gen" textbook "$out/gen_textbook_ipv6.pcap" --ipv6
# The other link families; 802.3 frames hold at most 1500 bytes, so SNAP carries a scenario whose
# segments fit (textbook sends a 2000-byte one).
for link in ppp chdlc frelay fddi wifi radiotap ppi nflog pflog ipoib arcnet juniper; do
    "$gen" textbook "$out/gen_textbook_$link.pcap" --link "$link"
done
"$gen" textbook "$out/gen_textbook_radiotap_ipv6.pcap" --link radiotap --ipv6
"$gen" textbook "$out/gen_textbook_nflog_ipv6.pcap" --link nflog --ipv6
"$gen" transfer_trouble "$out/gen_transfer_trouble_snap.pcap" --link snap

# The README's demo capture (not a gen_* golden pair name: it is what the Quick start runs).
"$gen" sample "$out/sample.pcap"
