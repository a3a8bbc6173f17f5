# Reassembly (issue "Data transfer"): follow vs tshark on the test captures, and real transfers
# (loopback; two network namespaces with netem loss/reorder/duplication). Exit 77 = skipped.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
file(GLOB TCPVET_REASSEMBLY_CAPTURES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/testdata/*.pcap
     ${PROJECT_SOURCE_DIR}/testdata/*.pcapng)
add_test(NAME reassembly_follow_tshark
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/reassembly/follow_vs_tshark.py $<TARGET_FILE:tcpvet>
                 ${TCPVET_REASSEMBLY_CAPTURES})
# 84 s in a release build; ASan+UBSan on a loaded 2-core machine took more than 300 s.
set_tests_properties(reassembly_follow_tshark PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 1500)

# Both transfers use port 47100 and the netns names tcpvet-a/tcpvet-b: never run them in parallel.
# A capture that tcpdump could not complete (a loaded machine) is retried, not failed.
add_test(NAME reassembly_transfer_loopback
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/loopback/retry_incomplete.sh
                 ${PROJECT_SOURCE_DIR}/tests/loopback/transfer_test.sh $<TARGET_FILE:tcpvet>)
add_test(NAME reassembly_transfer_netem
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/loopback/retry_incomplete.sh
                 ${PROJECT_SOURCE_DIR}/tests/loopback/netem_transfer_test.sh $<TARGET_FILE:tcpvet>)
set_tests_properties(reassembly_transfer_loopback reassembly_transfer_netem
                     PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 240 RUN_SERIAL TRUE RESOURCE_LOCK tcpvet_port_47100)
