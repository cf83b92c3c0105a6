#include "common/exposition.h"

#include <charconv>
#include <cmath>

namespace vigil {
namespace {

bool IsLetterOrUnderscore(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

const char* TypeName(wire::MetricType type) {
  switch (type) {
    case wire::METRIC_TYPE_COUNTER: return "counter";
    case wire::METRIC_TYPE_GAUGE: return "gauge";
    default: return "untyped";
  }
}

}  // namespace

void AppendHelpAndType(std::string& out, const std::string& name, std::string_view help,
                       const char* type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void AppendLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void AppendSampleValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value < 0 ? "-Inf" : "+Inf";
  } else {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, ec == std::errc() ? end : buffer);
  }
}

std::string RenderText(const std::vector<wire::MetricFamily>& families) {
  std::string out;
  for (const wire::MetricFamily& family : families) {
    if (family.series_size() == 0) continue;
    AppendHelpAndType(out, family.name(), family.help(), TypeName(family.type()));
    for (const wire::Series& series : family.series()) {
      out += family.name();
      if (series.labels_size() > 0) {
        out += '{';
        for (int i = 0; i < series.labels_size(); ++i) {
          if (i > 0) out += ',';
          out += series.labels(i).name();
          out += "=\"";
          AppendLabelValue(out, series.labels(i).value());
          out += '"';
        }
        out += '}';
      }
      out += ' ';
      AppendSampleValue(out, series.value());
      out += '\n';
    }
  }
  return out;
}

bool IsValidMetricName(std::string_view name) {
  if (name.empty() || !(IsLetterOrUnderscore(name[0]) || name[0] == ':')) return false;
  for (char c : name) {
    if (!(IsLetterOrUnderscore(c) || IsDigit(c) || c == ':')) return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || !IsLetterOrUnderscore(name[0])) return false;
  for (char c : name) {
    if (!(IsLetterOrUnderscore(c) || IsDigit(c))) return false;
  }
  return true;
}

}  // namespace vigil
