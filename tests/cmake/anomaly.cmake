# Anomaly layer (issue 5): end-to-end checks in tests/anomaly/anomaly_checks.py. The per-kind
# captures (testdata/gen_anomaly_*) are asserted by golden_expect through their `anomaly` lines.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
set(TCPVET_ANOMALY_CHECKS ${PROJECT_SOURCE_DIR}/tests/anomaly/anomaly_checks.py)
set(TCPVET_ANOMALY_OUT ${CMAKE_CURRENT_BINARY_DIR}/anomaly)

if(TARGET tcpvet_gen)
  # >= 100000 spoofed SYNs mixed with normal traffic, generated into the build directory.
  add_test(NAME anomaly_syn_flood
           COMMAND ${Python3_EXECUTABLE} ${TCPVET_ANOMALY_CHECKS} syn_flood $<TARGET_FILE:tcpvet>
                   $<TARGET_FILE:tcpvet_gen> ${TCPVET_ANOMALY_OUT}/syn_flood)
  set_tests_properties(anomaly_syn_flood PROPERTIES TIMEOUT 600 LABELS "anomaly")
  add_test(NAME anomaly_syn_cookies
           COMMAND ${Python3_EXECUTABLE} ${TCPVET_ANOMALY_CHECKS} syn_cookies $<TARGET_FILE:tcpvet>
                   $<TARGET_FILE:tcpvet_gen> ${TCPVET_ANOMALY_OUT}/syn_cookies)
  set_tests_properties(anomaly_syn_cookies PROPERTIES TIMEOUT 300 LABELS "anomaly")
endif()

add_test(NAME anomaly_close_wait
         COMMAND ${Python3_EXECUTABLE} ${TCPVET_ANOMALY_CHECKS} close_wait $<TARGET_FILE:tcpvet> ${PROJECT_SOURCE_DIR})
add_test(NAME anomaly_cli
         COMMAND ${Python3_EXECUTABLE} ${TCPVET_ANOMALY_CHECKS} cli $<TARGET_FILE:tcpvet> ${PROJECT_SOURCE_DIR}
                 ${TCPVET_ANOMALY_OUT}/cli)
# Ordinary captures raise nothing above info: the loopback sessions and textbook variants here,
# and ../shared/corpus/tcp (skipped when absent) apart from the reviewed corpus_exceptions.txt.
add_test(NAME anomaly_negative_testdata
         COMMAND ${Python3_EXECUTABLE} ${TCPVET_ANOMALY_CHECKS} negative $<TARGET_FILE:tcpvet> ${PROJECT_SOURCE_DIR})
add_test(NAME anomaly_negative_corpus
         COMMAND ${Python3_EXECUTABLE} ${TCPVET_ANOMALY_CHECKS} corpus $<TARGET_FILE:tcpvet>
                 ${PROJECT_SOURCE_DIR}/../shared/corpus/tcp ${PROJECT_SOURCE_DIR}/tests/anomaly/corpus_exceptions.txt)
set_tests_properties(anomaly_close_wait anomaly_cli anomaly_negative_testdata PROPERTIES TIMEOUT 300 LABELS "anomaly")
set_tests_properties(anomaly_negative_corpus PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 1200 LABELS "anomaly;corpus")
