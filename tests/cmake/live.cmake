# Live capture on the loopback interface with real connections (root only; skips otherwise).
add_test(NAME live_loopback COMMAND bash ${PROJECT_SOURCE_DIR}/tests/live/live_test.sh $<TARGET_FILE:tcpvet>)
set_tests_properties(live_loopback PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120 RUN_SERIAL TRUE LABELS "live")
