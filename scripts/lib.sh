# Shared by scripts/run-local and scripts/test. Source it; it defines functions only.

VIGIL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Installs the packages of scripts/debian-packages that are not installed yet. Services that
# packages would start on installation (prometheus) are not started: only their programs are used.
install_missing_packages() {
  local wanted missing=()
  mapfile -t wanted < <(grep -v '^\s*#' "$VIGIL_ROOT/scripts/debian-packages" | grep -v '^\s*$')
  for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  echo "installing: ${missing[*]}" >&2
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

# configure_and_build BUILD_DIR BUILD_TYPE [CMAKE_ARGS...]
configure_and_build() {
  local dir=$1 type=$2
  shift 2
  cmake -S "$VIGIL_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  cmake --build "$dir"
}
