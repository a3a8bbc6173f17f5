# The command line's behaviour on bad input, usage errors and exit statuses.
add_test(NAME cli_bad_input
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/bad_input_test.sh $<TARGET_FILE:tcpvet> ${PROJECT_SOURCE_DIR}/testdata)
set_tests_properties(cli_bad_input PROPERTIES TIMEOUT 120 LABELS "quick")

# gzip and zstd captures read directly (file and stdin), reports identical to the plain capture.
add_test(NAME cli_compressed_input
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/compressed_input_test.sh $<TARGET_FILE:tcpvet> ${PROJECT_SOURCE_DIR}/testdata)
set_tests_properties(cli_compressed_input PROPERTIES TIMEOUT 120 LABELS "quick" SKIP_RETURN_CODE 77)

# A link type tcpvet does not read is named in the report, counted, and warned about on stderr.
add_test(NAME cli_unsupported_link
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/unsupported_link_test.sh $<TARGET_FILE:tcpvet> ${PROJECT_SOURCE_DIR}/testdata)
set_tests_properties(cli_unsupported_link PROPERTIES TIMEOUT 60 LABELS "quick")

# -f sees the outer packet: `tcp` misses TCP behind a VLAN tag or PBB, `vlan and tcp` finds it.
add_test(NAME cli_outer_filter
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/outer_filter_test.sh $<TARGET_FILE:tcpvet> ${PROJECT_SOURCE_DIR}/testdata)
set_tests_properties(cli_outer_filter PROPERTIES TIMEOUT 60 LABELS "quick")

# Conversations in tunnels name their encapsulation; --tunnel-key splits equal 5-tuples by VNI.
add_test(NAME cli_tunnel_key
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/tunnel_key_test.sh $<TARGET_FILE:tcpvet>
                 ${PROJECT_SOURCE_DIR}/../shared/corpus/tcp)
set_tests_properties(cli_tunnel_key PROPERTIES TIMEOUT 120 LABELS "quick" SKIP_RETURN_CODE 77)

# -o / -w / --dump-streams can never destroy an input; reports are replaced only when complete.
add_test(NAME cli_output_safety
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/output_safety_test.sh $<TARGET_FILE:tcpvet> ${PROJECT_SOURCE_DIR}/testdata)
set_tests_properties(cli_output_safety PROPERTIES TIMEOUT 120 LABELS "quick")

# Several inputs merge in time as mergecap does; --concatenate joins them; time running backwards warns.
add_test(NAME cli_merge_inputs
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/merge_inputs_test.sh $<TARGET_FILE:tcpvet> ${PROJECT_SOURCE_DIR}/testdata)
set_tests_properties(cli_merge_inputs PROPERTIES TIMEOUT 120 LABELS "quick" SKIP_RETURN_CODE 77)

# IPv4 fragments reassembled (in order, reversed, tiny first, overlapping, one never completed),
# every reassembly counter as the scenario makes it, and --no-ip-reassembly's view.
add_test(NAME cli_ip_fragments
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/ip_fragments_test.sh $<TARGET_FILE:tcpvet> ${PROJECT_SOURCE_DIR}/testdata)
set_tests_properties(cli_ip_fragments PROPERTIES TIMEOUT 120 LABELS "quick")

# --select sees through VLAN tags (where -f tcp does not), keeps stream numbers, errors name the column.
add_test(NAME cli_select
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/select_test.sh $<TARGET_FILE:tcpvet> ${PROJECT_SOURCE_DIR}/testdata)
set_tests_properties(cli_select PROPERTIES TIMEOUT 120 LABELS "quick")

# --select selects what tshark's equivalent display filter selects (VLAN, GRE, VXLAN; frame numbers).
add_test(NAME cli_select_tshark
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/select_tshark_test.sh $<TARGET_FILE:tcpvet>
                 ${PROJECT_SOURCE_DIR}/testdata ${PROJECT_SOURCE_DIR}/../shared/corpus/tcp)
set_tests_properties(cli_select_tshark PROPERTIES TIMEOUT 600 LABELS "slow")
