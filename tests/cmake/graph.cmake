# `tcpvet graph` against `packets` and the report (tests/graph/graph_checks.py): bars, ACK steps,
# SACK blocks and markers counted by class, CSV/JSON rows, the JSON schema, xmllint on every SVG,
# and an aggregated 20,000-segment stream whose counts still add up. Skipped (77) without xmllint
# or python3-jsonschema.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME graph_checks
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/graph/graph_checks.py $<TARGET_FILE:tcpvet>
                 $<TARGET_FILE:tcpvet_gen> ${PROJECT_SOURCE_DIR}/testdata)
set_tests_properties(graph_checks PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600 LABELS "graph")

# The graph's numbers against tshark, the oracle (tests/graph/graph_tshark.py): sequence rows against
# tcp.seq/tcp.len/tcp.ack/tcp.window_size, RTT samples against tcp.analysis.ack_rtt (Karn's rule
# accounting for every sample tshark has and the graph lacks), throughput intervals against
# `tshark -z io,stat`. Skipped (77) without tshark.
add_test(NAME graph_tshark
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/graph/graph_tshark.py $<TARGET_FILE:tcpvet>
                 $<TARGET_FILE:tcpvet_gen> ${PROJECT_SOURCE_DIR}/testdata)
set_tests_properties(graph_tshark PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600 LABELS "graph;tshark")
