#include "tests/support/exposition_parser.h"

#include <limits>
#include <sstream>
#include <stdexcept>

#include "common/exposition.h"

namespace vigil::testing {

std::vector<ParsedSample> ParsedExposition::Find(
    const std::string& name, const std::map<std::string, std::string>& match) const {
  std::vector<ParsedSample> out;
  for (const ParsedSample& sample : samples) {
    if (sample.name != name) continue;
    bool all = true;
    for (const auto& [key, value] : match) {
      auto it = sample.labels.find(key);
      if (it == sample.labels.end() || it->second != value) all = false;
    }
    if (all) out.push_back(sample);
  }
  return out;
}

std::optional<double> ParsedExposition::Value(
    const std::string& name, const std::map<std::string, std::string>& match) const {
  std::vector<ParsedSample> found = Find(name, match);
  if (found.size() != 1) return std::nullopt;
  return found.front().value;
}

ParsedExposition ParseExposition(const std::string& text) {
  ParsedExposition out;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (line.empty()) continue;
    const auto fail = [&](const std::string& why) {
      throw std::runtime_error("exposition line " + std::to_string(number) + ": " + why + ": " +
                               line);
    };
    if (line[0] == '#') {
      std::istringstream words(line);
      std::string hash, kind, name, type;
      words >> hash >> kind >> name >> type;
      if (kind == "TYPE") out.types[name] = type;
      continue;
    }
    ParsedSample sample;
    std::size_t pos = line.find_first_of("{ ");
    if (pos == std::string::npos) fail("no value");
    sample.name = line.substr(0, pos);
    if (line[pos] == '{') {
      ++pos;
      while (pos < line.size() && line[pos] != '}') {
        const std::size_t equals = line.find('=', pos);
        if (equals == std::string::npos || equals + 1 >= line.size() || line[equals + 1] != '"') {
          fail("bad label");
        }
        const std::string key = line.substr(pos, equals - pos);
        std::string value;
        std::size_t i = equals + 2;
        for (; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\' && i + 1 < line.size()) {
            ++i;
            value += line[i] == 'n' ? '\n' : line[i];
          } else {
            value += line[i];
          }
        }
        if (i >= line.size()) fail("unterminated label value");
        if (!sample.labels.emplace(key, value).second) fail("label " + key + " given twice");
        pos = i + 1;
        if (pos < line.size() && line[pos] == ',') ++pos;
      }
      if (pos >= line.size()) fail("unterminated labels");
      ++pos;
    }
    std::istringstream value(line.substr(pos));
    std::string number_text;
    value >> number_text;
    try {
      sample.value = std::stod(number_text);
    } catch (const std::exception&) {
      if (number_text == "+Inf") {
        sample.value = std::numeric_limits<double>::infinity();
      } else if (number_text == "-Inf") {
        sample.value = -std::numeric_limits<double>::infinity();
      } else if (number_text == "NaN") {
        sample.value = std::numeric_limits<double>::quiet_NaN();
      } else {
        fail("bad value");
      }
    }
    out.samples.push_back(std::move(sample));
  }
  return out;
}

ParsedExposition RenderAndParse(const std::vector<wire::MetricFamily>& families) {
  return ParseExposition(RenderText(families));
}

}  // namespace vigil::testing
