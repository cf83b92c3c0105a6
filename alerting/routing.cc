#include "alerting/routing.h"

#include <algorithm>

namespace vigil::alerting {
namespace {

bool Matches(const Route& route, const Labels& labels) {
  return std::all_of(route.matchers.begin(), route.matchers.end(),
                     [&](const LabelMatcher& matcher) { return matcher.Matches(labels); });
}

void Walk(const Route& route, const RouteMatch& inherited, const Labels& labels,
          std::vector<RouteMatch>& out) {
  RouteMatch here = inherited;
  if (!route.receiver.empty()) here.receiver = route.receiver;
  if (route.send_resolved) here.send_resolved = *route.send_resolved;
  if (route.repeat_interval) here.repeat_interval = *route.repeat_interval;
  here.escalate = route.escalate;
  bool child_matched = false;
  for (const Route& child : route.routes) {
    if (!Matches(child, labels)) continue;
    child_matched = true;
    Walk(child, here, labels, out);
    if (!child.continue_matching) break;
  }
  if (!child_matched) out.push_back(std::move(here));
}

}  // namespace

std::vector<RouteMatch> MatchRoutes(const Route& root, const Labels& labels) {
  std::vector<RouteMatch> out;
  RouteMatch defaults;
  defaults.send_resolved = true;
  defaults.repeat_interval = std::chrono::hours(4);
  Walk(root, defaults, labels, out);
  return out;
}

}  // namespace vigil::alerting
