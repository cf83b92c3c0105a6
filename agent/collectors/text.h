#pragma once
// Small helpers for the line-and-field formats of /proc and /sys files.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::agent {

// Splits on runs of spaces and tabs; no empty fields.
std::vector<std::string_view> SplitFields(std::string_view line);
// Splits on any whitespace, newlines included (Go's strings.Fields).
std::vector<std::string_view> SplitWords(std::string_view text);

// Splits into lines without their '\n'; a final line without newline is kept, an empty one not.
std::vector<std::string_view> SplitLines(std::string_view text);

// Whole-string conversions; nullopt on anything but a complete number.
std::optional<std::uint64_t> ParseUint(std::string_view text);
std::optional<std::int64_t> ParseInt(std::string_view text);
std::optional<double> ParseDouble(std::string_view text);
// As Go's strconv.ParseUint/ParseInt(text, 0, 64), which node_exporter's sysfs readers use: the
// prefix picks the base ("0x" 16, "0o" or a leading "0" 8, "0b" 2, else 10), and "_" may separate
// digits when a prefix is given or the number starts with 0.
std::optional<std::uint64_t> ParseUintAnyBase(std::string_view text);
std::optional<std::int64_t> ParseIntAnyBase(std::string_view text);

// Text without leading and trailing whitespace (including newlines).
std::string_view Trim(std::string_view text);

}  // namespace vigil::agent
