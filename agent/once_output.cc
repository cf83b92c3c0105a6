#include "agent/once_output.h"

#include <nlohmann/json.hpp>

#include "agent/security/finding.h"

namespace vigil::agent {

std::string RenderJson(const std::vector<wire::MetricFamily>& families,
                       const std::vector<Finding>& findings) {
  nlohmann::json out = nlohmann::json::array();
  for (const wire::MetricFamily& family : families) {
    nlohmann::json series = nlohmann::json::array();
    for (const wire::Series& one : family.series()) {
      nlohmann::json labels = nlohmann::json::object();
      for (const wire::Label& label : one.labels()) labels[label.name()] = label.value();
      series.push_back({{"labels", std::move(labels)}, {"value", one.value()}});
    }
    const char* type = family.type() == wire::METRIC_TYPE_COUNTER ? "counter"
                       : family.type() == wire::METRIC_TYPE_GAUGE ? "gauge"
                                                                  : "untyped";
    out.push_back({{"name", family.name()},
                   {"help", family.help()},
                   {"type", type},
                   {"series", std::move(series)}});
  }
  nlohmann::json found = nlohmann::json::array();
  for (const Finding& f : findings) {
    found.push_back({{"check", f.check},
                     {"severity", f.severity},
                     {"title", f.title},
                     {"evidence", f.evidence},
                     {"remediation", f.remediation},
                     {"key", f.key}});
  }
  // A finding's evidence names host files, whose names need not be UTF-8: replaced, not thrown.
  const nlohmann::json document = {{"metrics", std::move(out)}, {"findings", std::move(found)}};
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace vigil::agent
