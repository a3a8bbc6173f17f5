# --format zeek / zeek-json (Zeek's conn.log), checked by tests/zeek/zeek_conn_log.py: the layout
# as zeek-cut parses it over every capture in testdata/, and the values against Zeek's own
# conn.log baselines in ../shared/corpus/zeek (skipped, status 77, when that is absent).
find_package(Python3 COMPONENTS Interpreter REQUIRED)
set(TCPVET_ZEEK_CHECK ${PROJECT_SOURCE_DIR}/tests/zeek/zeek_conn_log.py)
file(GLOB TCPVET_ZEEK_FORMAT_CAPTURES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/testdata/*.pcap
     ${PROJECT_SOURCE_DIR}/testdata/*.pcapng)
add_test(NAME zeek_conn_log_format COMMAND ${Python3_EXECUTABLE} ${TCPVET_ZEEK_CHECK} format $<TARGET_FILE:tcpvet>
                                           ${TCPVET_ZEEK_FORMAT_CAPTURES})
add_test(NAME zeek_conn_log_baseline
         COMMAND ${Python3_EXECUTABLE} ${TCPVET_ZEEK_CHECK} baseline $<TARGET_FILE:tcpvet>
                 ${PROJECT_SOURCE_DIR}/../shared/corpus/zeek ${PROJECT_SOURCE_DIR}/tests/zeek/known_differences.tsv)
set_tests_properties(zeek_conn_log_format PROPERTIES TIMEOUT 300 LABELS "zeek")
set_tests_properties(zeek_conn_log_baseline PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300 LABELS "zeek;corpus")
