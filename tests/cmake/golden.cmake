# Golden facts: every testdata/*.expect asserted against tcpvet's output.
file(GLOB TCPVET_EXPECT_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/testdata/*.expect)
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME golden_expect
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/golden/check_expect.py $<TARGET_FILE:tcpvet>
                 ${TCPVET_EXPECT_FILES})
