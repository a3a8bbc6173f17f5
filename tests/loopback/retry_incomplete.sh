#!/usr/bin/env bash
# retry_incomplete.sh SCRIPT ARGS...: runs a capture test again (up to 3 times in all) while it
# exits 3, "the capture is incomplete" (tcpdump starved or the kernel dropped packets on a loaded
# machine); any other status is the test's verdict. Each try is logged.
for try in 1 2 3; do
    bash "$@"
    status=$?
    [[ $status -ne 3 ]] && exit "$status"
    echo "retry_incomplete: try $try of 3: the capture was incomplete" >&2
done
echo "FAIL: the capture was incomplete 3 times" >&2
exit 1
