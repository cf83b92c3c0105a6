#!/usr/bin/env bash
# The packages, as cpack makes them from a native (x86_64) and a cross (aarch64) build: each agent
# .deb, .rpm and tarball holds the static binary of its architecture, the unit and the config in
# the right places, with the same version everywhere; the collector's .deb holds both binaries,
# its unit, conffiles and docs, with Depends from dpkg-shlibdeps; lintian and rpmlint find no
# error; the units pass systemd-analyze.
#
# usage: packages_test.sh SOURCE_DIR X86_64_BUILD_DIR AARCH64_BUILD_DIR
set -uo pipefail

source_dir=$1
declare -A builds=([x86_64]=$2 [aarch64]=$3)
declare -A deb_arch=([x86_64]=amd64 [aarch64]=arm64)
declare -A elf_machine=([x86_64]="Advanced Micro Devices X86-64" [aarch64]="AArch64")
version=$(sed -n 's/^project(vigil VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_line TEXT LINE WHAT: TEXT has LINE as one of its lines.
expect_line() {
  grep -qxF -- "$2" <<<"$1" || fail "$3: no line '$2' in:"$'\n'"$1"
}

# expect_static_binary FILE MACHINE
expect_static_binary() {
  local headers
  headers=$(readelf -h -l "$1" 2>&1) || { fail "$1 is not an ELF file"; return; }
  grep -q "Machine:.*$2" <<<"$headers" || fail "$1 is not built for $2"
  grep -q INTERP <<<"$headers" && fail "$1 has a program interpreter: not static"
  return 0
}

for arch in x86_64 aarch64; do
  out=$work/$arch
  if ! cpack --config "${builds[$arch]}/CPackConfig.cmake" -B "$out" >"$work/cpack-$arch.log" 2>&1; then
    cat "$work/cpack-$arch.log" >&2
    fail "cpack failed for $arch"
    continue
  fi
  deb=$out/vigil-agent_${version}_${deb_arch[$arch]}.deb
  rpm=$out/vigil-agent-${version}-1.$arch.rpm
  tarball=$out/vigil-agent-${version}-linux-$arch.tar.gz
  for package in "$deb" "$rpm" "$tarball"; do
    [[ -f $package ]] || fail "cpack made no $(basename "$package"); it made: $(ls "$out")"
  done

  # .deb: control fields, files with owners and modes, conffiles, maintainer scripts, lintian.
  if [[ -f $deb ]]; then
    expect_line "$(dpkg-deb -f "$deb" Package Version Architecture)" "Version: $version" "$deb"
    expect_line "$(dpkg-deb -f "$deb" Architecture)" "${deb_arch[$arch]}" "$deb architecture"
    listing=$(dpkg-deb -c "$deb" | awk '{print $1, $2, $6}')
    expect_line "$listing" "-rwxr-xr-x root/root ./usr/bin/vigil-agent" "$deb"
    expect_line "$listing" "-rw-r--r-- root/root ./usr/lib/systemd/system/vigil-agent.service" "$deb"
    expect_line "$listing" "-rw-r--r-- root/root ./etc/vigil/agent.yaml" "$deb"
    expect_line "$listing" "-rw-r--r-- root/root ./usr/share/doc/vigil-agent/copyright" "$deb"
    dpkg-deb -e "$deb" "$work/control-$arch"
    expect_line "$(cat "$work/control-$arch/conffiles")" "/etc/vigil/agent.yaml" "$deb conffiles"
    grep -q "useradd --system" "$work/control-$arch/postinst" || fail "$deb postinst creates no user"
    grep -q "rm -rf /var/lib/vigil-agent" "$work/control-$arch/postrm" || fail "$deb purge keeps the spool"
    dpkg-deb -x "$deb" "$work/deb-$arch"
    expect_static_binary "$work/deb-$arch/usr/bin/vigil-agent" "${elf_machine[$arch]}"
    lintian_out=$(lintian --tag-display-limit 0 "$deb" 2>&1)
    grep -q '^E:' <<<"$lintian_out" && fail "lintian finds errors in $deb:"$'\n'"$lintian_out"
  fi

  # .rpm: header, file list, %config(noreplace), scriptlets, rpmlint.
  if [[ -f $rpm ]]; then
    expect_line "$(rpm -qp --qf '%{NAME} %{VERSION} %{ARCH}\n' "$rpm" 2>/dev/null)" \
      "vigil-agent $version $arch" "$rpm header"
    files=$(rpm -qpl "$rpm" 2>/dev/null)
    for path in /usr/bin/vigil-agent /usr/lib/systemd/system/vigil-agent.service /etc/vigil/agent.yaml; do
      expect_line "$files" "$path" "$rpm file list"
    done
    expect_line "$(rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$rpm" 2>/dev/null)" \
      "/etc/vigil/agent.yaml cn" "$rpm: agent.yaml as %config(noreplace)"
    grep -q "useradd --system" <<<"$(rpm -qp --scripts "$rpm" 2>/dev/null)" || fail "$rpm %pre creates no user"
    grep -q "/usr/lib/.build-id" <<<"$files" && fail "$rpm ships build-id links"
    rpmlint_out=$(rpmlint -c "$source_dir/packaging/agent/rpmlint.toml" "$rpm" 2>&1)
    grep -q ' 0 errors' <<<"$rpmlint_out" || fail "rpmlint finds errors in $rpm:"$'\n'"$rpmlint_out"
    mkdir -p "$work/rpm-$arch"
    (cd "$work/rpm-$arch" && rpm2cpio "$rpm" | cpio -idm --quiet ./usr/bin/vigil-agent)
    expect_static_binary "$work/rpm-$arch/usr/bin/vigil-agent" "${elf_machine[$arch]}"
  fi

  # Tarball: one folder named as the file, with the binary, the unit, the config and how to install.
  if [[ -f $tarball ]]; then
    top=vigil-agent-${version}-linux-$arch
    entries=$(tar tzf "$tarball")
    for name in vigil-agent vigil-agent.service agent.yaml INSTALL; do
      expect_line "$entries" "$top/$name" "$tarball"
    done
    tar xzf "$tarball" -C "$work"
    expect_static_binary "$work/$top/vigil-agent" "${elf_machine[$arch]}"
    # The same version in the binary as in the package names (the aarch64 one through qemu-user).
    run=("$work/$top/vigil-agent")
    [[ $arch == aarch64 && $(uname -m) != aarch64 ]] && run=(qemu-aarch64-static "${run[@]}")
    expect_line "$("${run[@]}" --version)" "vigil-agent $version ($arch, static)" "$tarball binary"
  fi
done

# The collector's .deb (native builds only): binaries, unit, conffiles, docs, computed Depends.
collector_deb=$work/x86_64/vigil-collector_${version}_amd64.deb
if [[ -f $collector_deb ]]; then
  listing=$(dpkg-deb -c "$collector_deb" | awk '{print $1, $2, $6}')
  for line in "-rwxr-xr-x root/root ./usr/bin/vigil-collector" "-rwxr-xr-x root/root ./usr/bin/vigilctl" \
      "-rw-r--r-- root/root ./usr/lib/systemd/system/vigil-collector.service" \
      "-rw-r--r-- root/root ./etc/vigil/collector.yaml" "-rw-r--r-- root/root ./etc/vigil/rules.d/host.yaml" \
      "-rwxr-xr-x root/root ./usr/share/vigil-collector/make-pki" \
      "-rw-r--r-- root/root ./usr/share/vigil-collector/grafana/dashboards/vigil-sla.json" \
      "-rw-r--r-- root/root ./usr/share/vigil-collector/prometheus/vigil-rules.yml" \
      "-rw-r--r-- root/root ./usr/share/doc/vigil-collector/operations.md"; do
    expect_line "$listing" "$line" "$collector_deb"
  done
  dpkg-deb -e "$collector_deb" "$work/control-collector"
  conffiles=$(cat "$work/control-collector/conffiles")
  expect_line "$conffiles" "/etc/vigil/collector.yaml" "$collector_deb conffiles"
  expect_line "$conffiles" "/etc/vigil/rules.d/host.yaml" "$collector_deb conffiles"
  depends=$(dpkg-deb -f "$collector_deb" Depends)
  for library in libc6 libcurl4 libprometheus-cpp-core1.0 libre2-9 openssl; do
    grep -q "\b$library\b" <<<"$depends" || fail "$collector_deb Depends lacks $library: $depends"
  done
  lintian_out=$(lintian --tag-display-limit 0 "$collector_deb" 2>&1)
  grep -q '^E:' <<<"$lintian_out" && fail "lintian finds errors in $collector_deb:"$'\n'"$lintian_out"
  dpkg-deb -x "$collector_deb" "$work/collector-root"
  collector_check=$("$work/collector-root/usr/bin/vigil-collector" --config \
    "$work/collector-root/etc/vigil/collector.yaml" --check-config 2>&1) ||
    fail "the packaged collector.yaml does not pass --check-config: $collector_check"
else
  fail "cpack made no $(basename "$collector_deb")"
fi

# The units: systemd-analyze verify finds nothing to say (its ExecStart pointed at the packaged
# binary, as the unit's own path is not installed here), and the sandbox scores "OK" or better.
for unit in "$source_dir"/packaging/systemd/*.service; do
  name=$(basename "$unit")
  sed "s|/usr/bin/vigil-agent|$work/deb-x86_64/usr/bin/vigil-agent|; s|/usr/bin/vigil-collector|$work/collector-root/usr/bin/vigil-collector|" \
    "$unit" >"$work/$name"
  verify=$(systemd-analyze verify "$work/$name" 2>&1) || fail "systemd-analyze verify $name failed: $verify"
  [[ -z $verify ]] || fail "systemd-analyze verify $name: $verify"
  exposure=$(systemd-analyze security --offline=yes "$work/$name" 2>&1 | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
  [[ -n $exposure ]] && awk -v e="$exposure" 'BEGIN { exit !(e <= 2.5) }' ||
    fail "$name: systemd-analyze security exposure '${exposure:-unreadable}', above 2.5"
done

# The packaged config is one the agent accepts as it stands.
config_check=$("$work/deb-x86_64/usr/bin/vigil-agent" --config "$work/deb-x86_64/etc/vigil/agent.yaml" \
  --check-config 2>&1) || fail "the packaged agent.yaml does not pass --check-config: $config_check"

if ((failures)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "packages: the agent's x86_64 and aarch64 .deb, .rpm and tarball, the collector's .deb checked"
