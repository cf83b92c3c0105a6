#pragma once
// A series' labels as the fleet's /metrics and each agent's target render them: the target's
// labels (agent, customer and the agent's own) win, and a series label that collides with one is
// renamed exported_NAME. Rules see series the same way.

#include <google/protobuf/repeated_ptr_field.h>

#include <string_view>

#include "alerting/labels.h"
#include "common/proto/vigil.pb.h"

namespace vigil::alerting {

using WireLabels = google::protobuf::RepeatedPtrField<wire::Label>;

// The value of `name` on the series `own` of the target `target`; empty when absent.
std::string_view LookupLabel(const Labels& target, const WireLabels& own, std::string_view name);

// All the series' labels, then `extra` set over them (empty values removed).
Labels MaterializeLabels(const Labels& target, const WireLabels& own, const Labels& extra);

}  // namespace vigil::alerting
