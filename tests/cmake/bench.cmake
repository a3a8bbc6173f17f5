# The benchmark of issue 7 (tests/bench/): the bare libpcap loop it measures against, a `bench`
# target that runs it, and a smoke test. Included from tests/CMakeLists.txt, so only with tests.
#   pcap_loop      pcap_next_ex over a file, counting packets and caplen: the 1.0x reference
#   decode_loop    tcpvet's own reading and decoding (checksums and counters too), no tracking: the
#                  floor under tcpvet's analysis
#   bench          (custom target, not a test) run_bench.sh on this build directory: the 2M-packet
#                  mixed and flood captures, tcpvet beside the loop and tshark; writes bench-results.md
#   bench_smoke    run_bench.sh at --packets 20000 without tshark, and the table is there (seconds)
# Benchmarks are not unit tests: the real run is never a ctest.

add_executable(pcap_loop ${PROJECT_SOURCE_DIR}/tests/bench/pcap_loop.c)
target_link_libraries(pcap_loop PRIVATE PkgConfig::PCAP)
target_compile_options(pcap_loop PRIVATE ${TCPVET_WARNINGS})
# Optimised whatever the build type: it is the reference the ratios divide by.
target_compile_options(pcap_loop PRIVATE -O2)
set_target_properties(pcap_loop PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON
                      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/bench)

add_executable(decode_loop ${PROJECT_SOURCE_DIR}/tests/bench/decode_loop.cpp)
target_link_libraries(decode_loop PRIVATE tcpvet_core)
target_compile_options(decode_loop PRIVATE ${TCPVET_WARNINGS})
set_target_properties(decode_loop PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/bench)

if(TARGET tcpvet_gen)
  add_custom_target(bench
                    COMMAND bash ${PROJECT_SOURCE_DIR}/tests/bench/run_bench.sh ${CMAKE_BINARY_DIR}
                    DEPENDS tcpvet tcpvet_gen pcap_loop decode_loop
                    WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
                    USES_TERMINAL
                    COMMENT "Benchmark (tests/bench/run_bench.sh): tcpvet vs the bare libpcap loop and tshark")

  set(bench_smoke_dir ${CMAKE_CURRENT_BINARY_DIR}/bench_smoke)
  add_test(NAME bench_smoke
           COMMAND bash -c "\"$0\" \"$1\" --packets 20000 --scratch \"$2\" --out \"$2/results.md\" && grep -q '^| tool | mixed | flood | flood peak RSS |' \"$2/results.md\" && grep -q '^| bare libpcap loop' \"$2/results.md\" && grep -q '^| tcpvet reading and decoding only' \"$2/results.md\" && grep -q -e '^| tcpvet |' -e '^| tcpvet --threads 1 |' \"$2/results.md\""
                   ${PROJECT_SOURCE_DIR}/tests/bench/run_bench.sh ${CMAKE_BINARY_DIR} ${bench_smoke_dir})
  set_tests_properties(bench_smoke PROPERTIES ENVIRONMENT "BENCH_TSHARK=0;BENCH_PEERS=0;BENCH_REGEN=0" TIMEOUT 120)
endif()
