#pragma once
// UTF-8 as Prometheus requires it of label values: well-formed, no surrogates, no overlong forms.

#include <string>
#include <string_view>

namespace vigil {

bool IsValidUtf8(std::string_view text);
// Invalid sequences replaced by U+FFFD, a run of them by one, as Go's strings.ToValidUTF8 does
// (node_exporter's dmi and hwmon collectors clean their labels so).
std::string ToValidUtf8(std::string_view text);

}  // namespace vigil
