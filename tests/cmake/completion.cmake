# The bash completion script (src/cli/tcpvet.bash): completes subcommands and option values, and
# offers exactly the options each subcommand's --help declares.
add_test(NAME bash_completion
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/completion/check_completion.sh $<TARGET_FILE:tcpvet>)
set_tests_properties(bash_completion PROPERTIES TIMEOUT 60 LABELS "quick")
