#pragma once
// The routing tree, as Alertmanager's: an incident's labels walk it depth first; a route whose
// matchers all match is entered, and its deepest matching descendants are the result (the route
// itself when no child matches). After a match, later siblings are tried only with `continue`.

#include <string>
#include <vector>

#include "alerting/notify_config.h"

namespace vigil::alerting {

struct RouteMatch {
  std::string receiver;
  bool send_resolved = true;
  Duration repeat_interval{0};  // 0: no reminders
  std::vector<Escalation> escalate;
};

// The matched routes with inherited settings resolved; the root always matches.
std::vector<RouteMatch> MatchRoutes(const Route& root, const Labels& labels);

}  // namespace vigil::alerting
