#!/usr/bin/env bash
# Runs the cmocka unit test programs given as arguments and prints one
# summary line "N passed, N failed" counting the test cases of all of them.
set -u
passed=0
failed=0
for program in "$@"; do
	output=$("$program" 2>&1)
	status=$?
	printf '%s\n' "$output"
	ok=$(printf '%s\n' "$output" | grep -c '^\[       OK \]')
	bad=$(printf '%s\n' "$output" | grep -c '^\[  FAILED  \]  *[^0-9]')
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "unit: $program exited with status $status"
		failed=$((failed + 1))
	fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
