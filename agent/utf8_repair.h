#pragma once
// The wire protocol's strings are protobuf `string`s, which must be UTF-8: a batch holding one
// invalid byte serializes, but the collector cannot parse it, refuses it, and the agent would
// resend it from its spool forever. Host data does not promise UTF-8 (a mount point or file name
// in Latin-1, an interface alias, a textfile's help), so every batch is repaired before it is
// spooled.

#include <cstddef>
#include <vector>

#include "common/proto/vigil.pb.h"

namespace vigil::agent {

// Replaces invalid UTF-8 in every string of `batch` as Go's strings.ToValidUTF8 does (a run of
// bad bytes becomes one U+FFFD); returns how many strings were changed.
std::size_t RepairInvalidUtf8(wire::Batch& batch);
// The same for what `--once` prints.
std::size_t RepairInvalidUtf8(std::vector<wire::MetricFamily>& families);

}  // namespace vigil::agent
