# Shared by scripts/run-local and scripts/test. Source it; it defines functions only.

VIGIL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# install_missing_packages [LIST...]: installs the packages of the lists in scripts/ (default:
# debian-packages, what building and running need) that are not installed yet. Services that
# packages would start on installation (prometheus) are not started: only their programs are used.
install_missing_packages() {
  local wanted=() missing=() list
  for list in "${@:-debian-packages}"; do
    mapfile -t -O "${#wanted[@]}" wanted < <(grep -v '^\s*#' "$VIGIL_ROOT/scripts/$list" | grep -v '^\s*$')
  done
  for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  echo "installing: ${missing[*]}" >&2
  if printf '%s\n' "${missing[@]}" | grep -q ':arm64$' && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    as_root dpkg --add-architecture arm64
  fi
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    added_policy=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  ((added_policy)) && as_root rm -f "$policy"
  return 0
}

# arm64 static archives whose -dev package cannot be installed beside amd64's (not Multi-Arch:
# same; installing it would remove the amd64 one). prepare_aarch64_sysroot unpacks them instead.
VIGIL_AARCH64_UNPACKED=(libyaml-cpp-dev)

# prepare_aarch64_sysroot DIR: unpacks VIGIL_AARCH64_UNPACKED's arm64 packages into DIR, where
# cmake/toolchains/aarch64-linux-gnu.cmake looks (VIGIL_AARCH64_SYSROOT). Idempotent.
prepare_aarch64_sysroot() {
  local dir=$1 package
  mkdir -p "$dir/debs"
  for package in "${VIGIL_AARCH64_UNPACKED[@]}"; do
    [[ -e $dir/debs/$package.unpacked ]] && continue
    (cd "$dir/debs" && rm -f "${package}"_*_arm64.deb &&
      apt-get download -q=2 -o APT::Sandbox::User=root "$package:arm64")
    dpkg-deb -x "$dir/debs/${package}"_*_arm64.deb "$dir"
    touch "$dir/debs/$package.unpacked"
  done
}

# configure_and_build BUILD_DIR BUILD_TYPE [CMAKE_ARGS...]
configure_and_build() {
  local dir=$1 type=$2
  shift 2
  cmake -S "$VIGIL_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  cmake --build "$dir"
}

# run_fuzzers BUILD_DIR SECONDS: builds the libFuzzer targets with clang (every library they call
# instrumented) and runs each for SECONDS from a copy of its seed corpus in tests/fuzz/corpus, so
# the checked-in seeds stay as they are. A crash, leak or sanitizer report fails; so does, for the
# targets of the collector's outside doors, any single allocation beyond what their bounds allow:
# 2 MiB for the HTTP request reader; for the ingest before Hello, 64 MiB, because protobuf-lite 3.21
# reserves min(claimed length, 50 MB) for a string that runs past the end of its message before it
# finds the message truncated (address space only: never written, freed at once; the targets assert
# their own bounds on what they hold).
run_fuzzers() {
  local dir=$1 seconds=$2
  local targets=(frame_fuzzer config_fuzzer expr_fuzzer host_files_fuzzer textfile_fuzzer
    live_state_fuzzer http_request_fuzzer hello_fuzzer)
  local -A extra_flags=([http_request_fuzzer]=-malloc_limit_mb=2 [hello_fuzzer]=-malloc_limit_mb=64)
  CC=clang CXX=clang++ cmake -S "$VIGIL_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DVIGIL_FUZZ=ON -DVIGIL_TESTS=OFF -DVIGIL_WERROR=ON >/dev/null
  cmake --build "$dir" --target "${targets[@]}"
  local target work
  for target in "${targets[@]}"; do
    work=$(mktemp -d)
    cp "$VIGIL_ROOT/tests/fuzz/corpus/$target/"* "$work/"
    # shellcheck disable=SC2086 # the extra flags are words
    if ! "$dir/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        ${extra_flags[$target]:-} -artifact_prefix="$work/" -print_final_stats=1 "$work" \
        >"$work.log" 2>&1; then
      tail -60 "$work.log" >&2
      echo "fuzzing: $target failed on the input above (its Base64 line); reproduce with" \
        "$dir/tests/fuzz/$target FILE" >&2
      rm -rf "$work" "$work.log"
      return 1
    fi
    echo "fuzzing: $target ran ${seconds}s clean: $(grep -E '^#[0-9]+.*DONE' "$work.log" | tail -1)"
    rm -rf "$work" "$work.log"
  done
}

# install_test_node_modules DIR: the npm packages the tests use (tests/node/package.json: the
# Standard Webhooks reference library, to check Vigil's webhook signatures), under
# DIR/node_modules, exactly as tests/node/package-lock.json pins them. Installs Debian's nodejs and
# npm first when there is no npm.
install_test_node_modules() {
  local dir=$1 source_dir
  source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/node"
  if [[ -d $dir/node_modules/standardwebhooks ]] &&
    cmp -s "$source_dir/package-lock.json" "$dir/package-lock.json"; then
    return 0
  fi
  if ! command -v npm >/dev/null; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      nodejs npm >/dev/null
  fi
  mkdir -p "$dir"
  cp "$source_dir/package.json" "$source_dir/package-lock.json" "$dir/"
  npm ci --silent --no-audit --no-fund --prefix "$dir"
}
