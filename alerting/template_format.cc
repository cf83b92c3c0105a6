// How templates print numbers: Prometheus's humanize functions and Go's fmt verbs.

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "alerting/template.h"
#include "alerting/template_value.h"
#include "common/exposition.h"

namespace vigil::alerting {
namespace {

std::string Format4g(double value, const char* suffix) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.4g%s", value, suffix);
  return buffer;
}

}  // namespace

std::string FormatValue(double value) {
  std::string out;
  AppendSampleValue(out, value);
  return out;
}

std::string HumanizeValue(double value) {
  if (value == 0 || std::isnan(value) || std::isinf(value)) return FormatValue(value);
  static constexpr const char* kBig[] = {"", "k", "M", "G", "T", "P", "E", "Z", "Y"};
  static constexpr const char* kSmall[] = {"", "m", "u", "n", "p", "f", "a", "z", "y"};
  double scaled = value;
  const char* prefix = "";
  if (std::fabs(value) >= 1) {
    int i = 0;
    while (std::fabs(scaled) >= 1000 && i < 8) {
      scaled /= 1000;
      ++i;
    }
    prefix = kBig[i];
  } else {
    int i = 0;
    while (std::fabs(scaled) < 1 && i < 8) {
      scaled *= 1000;
      ++i;
    }
    prefix = kSmall[i];
  }
  return Format4g(scaled, prefix);
}

std::string Humanize1024(double value) {
  if (std::fabs(value) <= 1 || std::isnan(value) || std::isinf(value)) return Format4g(value, "");
  static constexpr const char* kPrefixes[] = {"", "ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};
  int i = 0;
  while (std::fabs(value) >= 1024 && i < 8) {
    value /= 1024;
    ++i;
  }
  return Format4g(value, kPrefixes[i]);
}

std::string HumanizePercentage(double value) { return Format4g(value * 100, "%"); }

std::string HumanizeDuration(double value) {
  if (std::isnan(value) || std::isinf(value)) return Format4g(value, "");
  if (value == 0) return Format4g(value, "s");
  if (std::fabs(value) >= 1) {
    const char* sign = value < 0 ? "-" : "";
    const double magnitude = std::fabs(value);
    const auto whole = static_cast<long long>(magnitude);
    const long long seconds = whole % 60, minutes = whole / 60 % 60, hours = whole / 3600 % 24,
                    days = whole / 86400;
    char buffer[96];
    if (days != 0) {
      std::snprintf(buffer, sizeof buffer, "%s%lldd %lldh %lldm %llds", sign, days, hours, minutes,
                    seconds);
    } else if (hours != 0) {
      std::snprintf(buffer, sizeof buffer, "%s%lldh %lldm %llds", sign, hours, minutes, seconds);
    } else if (minutes != 0) {
      std::snprintf(buffer, sizeof buffer, "%s%lldm %llds", sign, minutes, seconds);
    } else {
      std::snprintf(buffer, sizeof buffer, "%s%.4gs", sign, magnitude);
    }
    return buffer;
  }
  const char* prefix = "";
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(value) >= 1) break;
    prefix = p;
    value *= 1000;
  }
  return Format4g(value, (std::string(prefix) + "s").c_str());
}

namespace template_syntax {
namespace {

// Go's %q of a text.
std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned char>(c));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string TypeName(const Value& value) {
  switch (value.index()) {
    case 0: return "<nil>";
    case 1: return "float64";
    case 2: return "string";
    case 3: return "bool";
    case 4: return "map[string]string";
    default: return "template.Data";
  }
}

// Go's note for a verb that does not fit: %!d(string=web).
std::string BadVerb(char verb, const Value& value) {
  return std::string("%!") + verb + "(" + TypeName(value) + "=" + PrintValue(value) + ")";
}

// One conversion: `spec` is flags, width and precision, `verb` the letter.
std::string Convert(const std::string& spec, char verb, const Value& value) {
  char buffer[160];
  const double* number = std::get_if<double>(&value);
  const std::string* text = std::get_if<std::string>(&value);
  switch (verb) {
    case 'v':
    case 's': {
      if (verb == 's' && text == nullptr && number == nullptr) return BadVerb(verb, value);
      std::snprintf(buffer, sizeof buffer, ("%" + spec + "s").c_str(), PrintValue(value).c_str());
      return buffer;
    }
    case 'd':
      if (number == nullptr || !std::isfinite(*number)) return BadVerb(verb, value);
      std::snprintf(buffer, sizeof buffer, ("%" + spec + "lld").c_str(),
                    static_cast<long long>(std::llround(*number)));
      return buffer;
    case 'x':
    case 'X':
      if (text != nullptr) {
        std::string out;
        for (const char c : *text) {
          std::snprintf(buffer, sizeof buffer, verb == 'x' ? "%02x" : "%02X",
                        static_cast<unsigned char>(c));
          out += buffer;
        }
        return out;
      }
      if (number == nullptr || !std::isfinite(*number)) return BadVerb(verb, value);
      std::snprintf(buffer, sizeof buffer, ("%" + spec + "ll" + verb).c_str(),
                    static_cast<long long>(std::llround(*number)));
      return buffer;
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
      if (number == nullptr) return BadVerb(verb, value);
      std::snprintf(buffer, sizeof buffer, ("%" + spec + verb).c_str(), *number);
      return buffer;
    case 'q': return text != nullptr ? Quote(*text) : BadVerb(verb, value);
    case 't':
      if (const bool* truth = std::get_if<bool>(&value)) return *truth ? "true" : "false";
      return BadVerb(verb, value);
    default:
      return std::string("%!") + verb + "(" + TypeName(value) + "=" + PrintValue(value) + ")";
  }
}

}  // namespace

std::string PrintValue(const Value& value) {
  switch (value.index()) {
    case 0: return "<no value>";
    case 1: return FormatValue(std::get<double>(value));
    case 2: return std::get<std::string>(value);
    case 3: return std::get<bool>(value) ? "true" : "false";
    case 4: {
      std::string out = "map[";
      bool first = true;
      for (const Label& label : std::get<Labels>(value)) {
        if (!first) out += ' ';
        first = false;
        out += label.name + ":" + label.value;
      }
      return out + "]";
    }
    default: return "{}";
  }
}

std::string GoPrintf(const std::string& format, const std::vector<Value>& args) {
  std::string out;
  std::size_t next = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    std::string spec;
    while (j < format.size() &&
           std::string_view("+- 0#").find(format[j]) != std::string_view::npos) {
      spec += format[j++];
    }
    // Width and precision of at most two digits: a template cannot ask for a megabyte of spaces.
    for (const bool precision : {false, true}) {
      if (precision) {
        if (j >= format.size() || format[j] != '.') break;
        spec += format[j++];
      }
      for (int digits = 0; j < format.size() && std::isdigit(static_cast<unsigned char>(format[j]));
           ++digits) {
        if (digits == 2) return out + "%!(BADWIDTH)";
        spec += format[j++];
      }
    }
    if (j >= format.size()) return out + "%!(NOVERB)";
    const char verb = format[j];
    i = j;
    if (next >= args.size()) {
      out += std::string("%!") + verb + "(MISSING)";
      continue;
    }
    out += Convert(spec, verb, args[next++]);
  }
  if (next < args.size()) {
    out += "%!(EXTRA ";
    for (std::size_t k = next; k < args.size(); ++k) {
      if (k > next) out += ", ";
      out += TypeName(args[k]) + "=" + PrintValue(args[k]);
    }
    out += ")";
  }
  return out;
}

std::string HumanizeTimestamp(double seconds) {
  if (!std::isfinite(seconds) || std::fabs(seconds) > 1e15) return FormatValue(seconds);
  const double whole = std::floor(seconds);
  const auto time = static_cast<std::time_t>(whole);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &utc);
  std::string out = buffer;
  const auto nanos = static_cast<long long>(std::llround((seconds - whole) * 1e9));
  if (nanos > 0 && nanos < 1000000000) {
    std::snprintf(buffer, sizeof buffer, ".%09lld", nanos);
    std::string fraction = buffer;
    while (fraction.back() == '0') fraction.pop_back();
    out += fraction;
  }
  return out + " +0000 UTC";
}

}  // namespace template_syntax
}  // namespace vigil::alerting
