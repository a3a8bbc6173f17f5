# The JSON Schema of tcpvet's output (tests/schema/tcpvet-report.schema.json): every document and
# NDJSON record tcpvet prints for every testdata capture must validate. Skipped (77) when
# python3-jsonschema is not installed.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME json_schema
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/schema/validate_reports.py $<TARGET_FILE:tcpvet>)
set_tests_properties(json_schema PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600 LABELS "schema")
