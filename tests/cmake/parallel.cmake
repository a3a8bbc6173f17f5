# --threads N (issue 7): the sharded run's reports are identical to one thread's, apart from the
# memory peaks (see tests/parallel/threads_identity.py).
find_package(Python3 COMPONENTS Interpreter REQUIRED)
if(TARGET tcpvet_gen)
  add_test(NAME threads_identity
           COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/parallel/threads_identity.py $<TARGET_FILE:tcpvet>
                   $<TARGET_FILE:tcpvet_gen> ${PROJECT_SOURCE_DIR}/testdata ${CMAKE_CURRENT_BINARY_DIR}/threads_identity)
  set_tests_properties(threads_identity PROPERTIES TIMEOUT 900 LABELS "parallel")
endif()
# Real captures and deliberately malformed ones (../shared/corpus: absent on a user's machine, skipped).
add_test(NAME threads_identity_corpus
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/parallel/threads_identity.py --corpus
                 $<TARGET_FILE:tcpvet> ${PROJECT_SOURCE_DIR}/../shared/corpus/tcp
                 ${PROJECT_SOURCE_DIR}/../shared/corpus/robust)
set_tests_properties(threads_identity_corpus PROPERTIES TIMEOUT 1800 SKIP_RETURN_CODE 77 LABELS "parallel;corpus")
