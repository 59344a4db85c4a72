#!/usr/bin/env bash
# Runs every test suite in turn, keeps going after a failure so one run shows
# everything, and ends with one summary line. Exit status: non-zero if any
# suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."

suites=(lint check-header check-bindings test-rust test-emulator test-readme test-c test-c-valgrind test-c-asan
        test-windows test-arm64 test-install
        test-python test-python-wheel test-csharp test-csharp-package test-powershell test-java test-java-arm64 test-dist)
passed=0; failed=0; failures=()
for suite in "${suites[@]}"; do
  echo "::: $suite"
  start=$SECONDS
  if make --no-print-directory "$suite"; then
    passed=$((passed + 1)); echo "::: $suite passed in $((SECONDS - start)) s"
  else
    failed=$((failed + 1)); failures+=("$suite"); echo "::: $suite FAILED in $((SECONDS - start)) s"
  fi
done
[ $failed -eq 0 ] || echo "failed suites: ${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ $failed -eq 0 ]
