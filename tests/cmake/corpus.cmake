# Tests over captures nobody on this project wrote (../shared/corpus, beside the repository) and the
# checks that need outside tools (TShark, groff). Each skips (ctest SKIP_RETURN_CODE 77) when what it
# needs is absent: a user's clone has no ../shared.
set(TCPVET_SHARED_CORPUS ${PROJECT_SOURCE_DIR}/../shared/corpus)
set(TCPVET_ROBUST_DIR ${PROJECT_SOURCE_DIR}/tests/robust)

# Every capture of the robustness corpus must end in a report or a clean one-line error: never a
# crash, hang or sanitizer report. The directory is looked up when the test runs, not here.
add_test(NAME robust_corpus
         COMMAND bash ${TCPVET_ROBUST_DIR}/run_robust.sh $<TARGET_FILE:tcpvet> ${TCPVET_SHARED_CORPUS}/robust
                 ${TCPVET_SHARED_CORPUS}/INDEX.tsv ${TCPVET_SHARED_CORPUS}/tshark_ref.tsv)
set_tests_properties(robust_corpus PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 2400 LABELS "corpus;robust" PROCESSORS 2)

# tcpvet against TShark, frame by frame: the project's own captures must agree exactly.
file(GLOB TCPVET_TESTDATA_CAPTURES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/testdata/*.pcap
     ${PROJECT_SOURCE_DIR}/testdata/*.pcapng)
add_test(NAME tshark_diff_testdata
         COMMAND bash ${TCPVET_ROBUST_DIR}/run_tshark_diff.sh --strict $<TARGET_FILE:tcpvet>
                 ${PROJECT_SOURCE_DIR}/tests/diff/tshark_diff.py ${TCPVET_TESTDATA_CAPTURES})
set_tests_properties(tshark_diff_testdata PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900 LABELS "tshark" PROCESSORS 2)

# IP fragments against TShark (which reassembles them by default), strictly: the corpus captures
# that hold IPv4 or IPv6 fragments, outer or inside ERSPAN and GTP-U, must agree frame by frame
# and per conversation. Left out: three tcpdump "oobr" files whose cut first fragments tshark
# shows without a tcp.len, and drop-protocol-change, whose one difference is a bogus TCP header.
set(TCPVET_FRAGMENT_CAPTURES "")
foreach(name
        pcapplusplus__ExamplesTest__expected_output__http_req_frag.pcap
        pcapplusplus__ExamplesTest__expected_output__ipfragutil_bpf_filter.pcap
        pcapplusplus__ExamplesTest__expected_output__ipfragutil_ip_ids.pcap
        pcapplusplus__ExamplesTest__pcap_examples__frag_http_req.pcap
        pcapplusplus__ExamplesTest__pcap_examples__ip-frag.pcap
        suricata-verify__defrag__bug-6887-defrag-ipv6-tcp__frag-ip-tcp.pcap
        suricata-verify__ipv6-evasion__ipv6-malformed-fragments-25__frag-25.pcap
        suricata-verify__ipv6-evasion__ipv6-malformed-fragments-26__frag-26.pcap
        tcpdump__arcnet-rfc1051-arp-icmp-http.pcap
        tcpdump__babel_update_oobr.pcap
        tcpdump__bgp-aigp.pcap
        zeek__erspan.pcap
        zeek__ipv4__fragmented-3.pcap
        zeek__ipv4__fragmented-4.pcap
        zeek__tunnels__gtp__gtp_ext_header.pcap)
  list(APPEND TCPVET_FRAGMENT_CAPTURES ${TCPVET_SHARED_CORPUS}/tcp/${name})
endforeach()
add_test(NAME tshark_diff_corpus_fragments
         COMMAND ${CMAKE_COMMAND} -E env TSHARK_DIFF_ARGS=--conversations bash ${TCPVET_ROBUST_DIR}/run_tshark_diff.sh
                 --strict $<TARGET_FILE:tcpvet> ${PROJECT_SOURCE_DIR}/tests/diff/tshark_diff.py
                 ${TCPVET_FRAGMENT_CAPTURES})
set_tests_properties(tshark_diff_corpus_fragments PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600 LABELS "corpus;tshark"
                     PROCESSORS 2)

# The public TCP corpus: differences are reported (and kept in the build directory), not failed;
# a crash of tshark_diff.py or of tcpvet is. TCPVET_DIFF_STRICT=ON makes every difference fail.
option(TCPVET_DIFF_STRICT "tshark_diff_corpus fails on any difference" OFF)
if(TCPVET_DIFF_STRICT)
  set(TCPVET_DIFF_MODE --strict)
else()
  set(TCPVET_DIFF_MODE --report)
endif()
add_test(NAME tshark_diff_corpus
         COMMAND bash ${TCPVET_ROBUST_DIR}/run_tshark_diff.sh ${TCPVET_DIFF_MODE} $<TARGET_FILE:tcpvet>
                 ${PROJECT_SOURCE_DIR}/tests/diff/tshark_diff.py ${TCPVET_SHARED_CORPUS}/tcp)
set_tests_properties(tshark_diff_corpus PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 2400 LABELS "corpus;tshark;slow"
                     PROCESSORS 2 ENVIRONMENT "DIFF_SUMMARY=${CMAKE_BINARY_DIR}/tshark_diff_corpus.tsv")

# The man page must render without a single groff warning. Checked when the test runs, so it
# starts counting as soon as man/tcpvet.1 exists.
add_test(NAME man_page_lint
         COMMAND sh -c [=[
[ -f "$1" ] || { echo "$1 not written yet: skipped"; exit 77; }
command -v groff >/dev/null || { echo "groff not installed: skipped"; exit 77; }
out=$(groff -man -ww -z "$1" 2>&1)
[ -z "$out" ] && exit 0
printf '%s\n' "$out"
exit 1
]=] man_page_lint ${PROJECT_SOURCE_DIR}/man/tcpvet.1)
set_tests_properties(man_page_lint PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60 LABELS "quick")
