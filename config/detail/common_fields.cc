#include "config/detail/common_fields.h"

#include "common/host_port.h"

namespace vigil::config {

void ReadLogSection(const Field& log, LogLevel& level) {
  if (!log.ExpectMap({"level"})) return;
  std::string text;
  if (log["level"].Read(text) && !ParseLogLevel(text, level)) {
    log["level"].Report("expected error, warning, info or debug, got \"" + text + "\"");
  }
}

void ReadAddress(const Field& field, std::string& out, bool allow_port_zero) {
  std::string text;
  if (!field.Read(text)) return;
  Result<HostPort> parsed = ParseHostPort(text);
  if (!parsed) {
    field.Report(parsed.error().message);
  } else if (parsed->port == 0 && !allow_port_zero) {
    field.Report("port 0 is not a valid destination");
  } else {
    out = text;
  }
}

void NoteNotYetSupported(const Field& field, std::vector<std::string>& not_yet_supported) {
  if (field.HasValues()) not_yet_supported.push_back(field.path());
}

}  // namespace vigil::config
