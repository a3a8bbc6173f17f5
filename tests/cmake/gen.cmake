# Tests of the capture generator. Included from tests/CMakeLists.txt; the same file is also run
# with `cmake -P` as the test body (CMAKE_SCRIPT_MODE_FILE is set then).
#   gen_reproducible   regenerate every testdata/gen_* capture into the build dir and compare
#                      byte for byte with the committed ones
#   gen_bulk_repeatable  the bulk scenarios (syn_flood, mixed, flood) at small --count give the
#                      same bytes twice, and mixed writes exactly --count frames

if(CMAKE_SCRIPT_MODE_FILE)
  # ---- test body: needs GEN (tcpvet_gen path), SRC (repo root), OUT (scratch dir), MODE ----
  file(REMOVE_RECURSE "${OUT}")
  file(MAKE_DIRECTORY "${OUT}")

  if(MODE STREQUAL "testdata")
    execute_process(COMMAND bash "${SRC}/tests/gen/make_testdata.sh" "${GEN}" "${OUT}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "make_testdata.sh failed (${rc})")
    endif()
    file(GLOB committed RELATIVE "${SRC}/testdata" "${SRC}/testdata/gen_*.pcap" "${SRC}/testdata/gen_*.pcapng"
         "${SRC}/testdata/sample.pcap")
    file(GLOB produced RELATIVE "${OUT}" "${OUT}/gen_*" "${OUT}/sample.pcap")
    list(SORT committed)
    list(SORT produced)
    if(NOT committed STREQUAL produced)
      message(FATAL_ERROR "capture sets differ\n committed: ${committed}\n generated: ${produced}")
    endif()
    set(failed "")
    foreach(f IN LISTS produced)
      execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${SRC}/testdata/${f}" "${OUT}/${f}"
                      RESULT_VARIABLE differs)
      if(NOT differs EQUAL 0)
        list(APPEND failed "${f}")
      endif()
    endforeach()
    if(failed)
      message(FATAL_ERROR "regenerated captures differ from testdata/: ${failed}\n"
                          "(if the change is intended: tests/gen/make_testdata.sh ${GEN}, then review)")
    endif()
    list(LENGTH produced n)
    message(STATUS "${n} generated captures identical to testdata/")

  elseif(MODE STREQUAL "bulk")
    foreach(spec "syn_flood;2000" "mixed;5000" "flood;3000")
      list(GET spec 0 scenario)
      list(GET spec 1 count)
      foreach(run a b)
        execute_process(COMMAND "${GEN}" ${scenario} "${OUT}/${scenario}_${run}.pcap" --count ${count} --seed 7
                        RESULT_VARIABLE rc ERROR_VARIABLE log)
        if(NOT rc EQUAL 0)
          message(FATAL_ERROR "${scenario}: tcpvet_gen failed (${rc}): ${log}")
        endif()
      endforeach()
      execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${OUT}/${scenario}_a.pcap" "${OUT}/${scenario}_b.pcap"
                      RESULT_VARIABLE differs)
      if(NOT differs EQUAL 0)
        message(FATAL_ERROR "${scenario}: two runs with the same seed differ")
      endif()
    endforeach()
    if(NOT log MATCHES "flood: 3000 spoofed SYNs")
      message(FATAL_ERROR "flood summary missing: ${log}")
    endif()
    execute_process(COMMAND "${GEN}" mixed "${OUT}/mixed_count.pcap" --count 5000 ERROR_VARIABLE log)
    if(NOT log MATCHES "mixed: 5000 frames")
      message(FATAL_ERROR "mixed did not write exactly 5000 frames: ${log}")
    endif()
  else()
    message(FATAL_ERROR "unknown MODE '${MODE}'")
  endif()
  return()
endif()

# ---- registration (configure time) ----
if(TARGET tcpvet_gen)
  add_test(NAME gen_reproducible
           COMMAND "${CMAKE_COMMAND}" -DMODE=testdata -DGEN=$<TARGET_FILE:tcpvet_gen> -DSRC=${PROJECT_SOURCE_DIR}
                   -DOUT=${CMAKE_CURRENT_BINARY_DIR}/gen_reproducible -P ${CMAKE_CURRENT_LIST_FILE})
  add_test(NAME gen_bulk_repeatable
           COMMAND "${CMAKE_COMMAND}" -DMODE=bulk -DGEN=$<TARGET_FILE:tcpvet_gen> -DSRC=${PROJECT_SOURCE_DIR}
                   -DOUT=${CMAKE_CURRENT_BINARY_DIR}/gen_bulk -P ${CMAKE_CURRENT_LIST_FILE})
endif()
