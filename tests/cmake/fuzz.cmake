# Fuzz targets (tests/fuzz/fuzz_*.cpp).
#
# TCPVET_FUZZ=ON (clang): each target is a libFuzzer binary; build them with
#   cmake --build DIR --target tcpvet_fuzzers
# and run e.g. `DIR/fuzz_decode -max_total_time=60 CORPUS_COPY/` (tests/ci.sh does).
# Every build: each target is also linked with tests/fuzz/replay_main.cpp as <target>_replay, and
# ctest replays its seed corpus (tests/fuzz/corpus/<target>/, crash regressions included) once, so
# the ordinary and sanitizer builds check every input the fuzzers ever kept.
set(TCPVET_FUZZ_DIR ${PROJECT_SOURCE_DIR}/tests/fuzz)
set(TCPVET_FUZZ_TARGETS fuzz_decode fuzz_tcp_options fuzz_pipeline fuzz_pcapng fuzz_reassembler)

if(TCPVET_FUZZ)
  add_custom_target(tcpvet_fuzzers)
endif()

foreach(target ${TCPVET_FUZZ_TARGETS})
  set(corpus ${TCPVET_FUZZ_DIR}/corpus/${target})
  if(TCPVET_FUZZ)
    add_executable(${target} ${TCPVET_FUZZ_DIR}/${target}.cpp)
    target_link_libraries(${target} PRIVATE tcpvet_core)
    target_compile_options(${target} PRIVATE ${TCPVET_WARNINGS})
    target_link_options(${target} PRIVATE -fsanitize=fuzzer)
    add_dependencies(tcpvet_fuzzers ${target})
    add_test(NAME ${target}_seeds COMMAND ${target} -runs=0 ${corpus})
    set_tests_properties(${target}_seeds PROPERTIES LABELS "fuzz" TIMEOUT 300)
  else()
    add_executable(${target}_replay ${TCPVET_FUZZ_DIR}/${target}.cpp ${TCPVET_FUZZ_DIR}/replay_main.cpp)
    target_link_libraries(${target}_replay PRIVATE tcpvet_core)
    target_compile_options(${target}_replay PRIVATE ${TCPVET_WARNINGS})
    add_test(NAME ${target}_replay COMMAND ${target}_replay ${corpus})
    set_tests_properties(${target}_replay PROPERTIES LABELS "fuzz;quick" TIMEOUT 300)
  endif()
endforeach()
