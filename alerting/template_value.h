#pragma once
// The values an annotation template computes with, and how Go prints them. Internal to
// alerting/template*.cc.

#include <string>
#include <variant>
#include <vector>

#include "alerting/labels.h"

namespace vigil::alerting::template_syntax {

// The data itself ($ or the dot at the top): .Labels, .Value, .ExternalLabels, .ExternalURL.
struct TemplateData {};

// Go's nil (a missing value), a number, a text, a truth, a map of labels, or the data.
using Value = std::variant<std::monostate, double, std::string, bool, Labels, TemplateData>;

// fmt.Sprint's text of one value: "<no value>" for nil, map[k:v ...] for labels.
std::string PrintValue(const Value& value);

// fmt.Sprintf for the verbs templates use: %v %s %d %f %F %e %E %g %G %q %x %X %t %%, with
// flags, width and precision (of at most two digits each). %d of a number rounds it, as
// Prometheus users mean; a verb that does not fit its value prints Go's %!v(...) notes.
std::string GoPrintf(const std::string& format, const std::vector<Value>& args);

// Go's time.Time.String() of a Unix time in seconds, in UTC: "2026-12-07 10:15:00 +0000 UTC".
std::string HumanizeTimestamp(double seconds);

}  // namespace vigil::alerting::template_syntax
