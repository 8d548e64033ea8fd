#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# smoke.sh TARGET SEEDS WORKDIR SECONDS [DICT]: run one fuzz target for
# SECONDS on a fresh copy of its committed seed corpus, so that what the
# fuzzer adds stays in the build directory. A crash, leak, timeout or a
# failed property check makes the fuzzer exit non-zero, and the test fail;
# the input is left in WORKDIR/../artifacts.
set -eu
target=$1 seeds=$2 work=$3 secs=$4 dict=${5:-}
rm -rf "$work"
mkdir -p "$work" "$work.artifacts"
[ -d "$seeds" ] && cp -R "$seeds"/. "$work"/
args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536
      -print_final_stats=1 -artifact_prefix="$work.artifacts/")
[ -n "$dict" ] && args+=(-dict="$dict")
exec "$target" "${args[@]}" "$work"
