#pragma once
// Reads Prometheus text exposition back into samples, so tests can assert on values and labels.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/proto/vigil.pb.h"

namespace vigil::testing {

struct ParsedSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct ParsedExposition {
  std::vector<ParsedSample> samples;
  std::map<std::string, std::string> types;  // family name -> "counter", "gauge", ...

  // Samples of `name` whose labels include every pair of `match`.
  std::vector<ParsedSample> Find(const std::string& name,
                                 const std::map<std::string, std::string>& match = {}) const;
  // The value of the only sample that matches, or nullopt when none or several do.
  std::optional<double> Value(const std::string& name,
                              const std::map<std::string, std::string>& match = {}) const;
};

// Throws std::runtime_error naming the line when the text is not valid exposition.
ParsedExposition ParseExposition(const std::string& text);

// Renders wire families as /metrics would, and parses them back.
ParsedExposition RenderAndParse(const std::vector<wire::MetricFamily>& families);

}  // namespace vigil::testing
