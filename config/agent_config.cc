#include "config/agent_config.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>

#include "common/host_port.h"
#include "common/identity.h"
#include "config/detail/common_fields.h"
#include "config/detail/security_section.h"
#include "config/detail/yaml_reader.h"

namespace vigil::config {
namespace {

std::string ReadMachineId() {
  std::ifstream in("/etc/machine-id");
  std::string id;
  std::getline(in, id);
  return id;
}

void ReadAgentSection(const Field& section, AgentConfig& config) {
  if (!section.ExpectMap({"id", "labels"})) return;
  const Field id = section["id"];
  if (id.Read(config.id) && !IsValidAgentId(config.id)) {
    id.Report("must be 1 to " + std::to_string(kMaxAgentIdLength) +
              " characters of letters, digits, '.', '_' or '-'");
  }
  const Field labels = section["labels"];
  labels.Read(config.labels);
  if (config.labels.size() > kMaxAgentLabels) {
    labels.Report("at most " + std::to_string(kMaxAgentLabels) + " labels are allowed");
  }
  for (const auto& [name, field] : labels.Entries()) {
    if (std::string problem = CheckAgentLabelName(name); !problem.empty()) {
      field.Report(problem);
    } else if (auto value = config.labels.find(name);
               value != config.labels.end() && value->second.size() > kMaxAgentLabelValueBytes) {
      field.Report("value longer than " + std::to_string(kMaxAgentLabelValueBytes) + " bytes");
    }
  }
}

void ReadCollectorSection(const Field& section, AgentConfig::Uplink& uplink) {
  if (!section.ExpectMap({"address", "server_name", "ca_file", "token_file", "cert_file",
                          "key_file", "timeout", "reconnect", "max_in_flight", "max_frame_size",
                          "drain_timeout"})) {
    return;
  }
  const Field address = section["address"];
  address.Require();
  uplink.addresses.clear();
  for (const Field& element : address.Elements(/*allow_scalar=*/true)) {
    std::string one;
    ReadAddress(element, one, /*allow_port_zero=*/false);
    if (!one.empty()) uplink.addresses.push_back(one);
  }
  section["server_name"].Read(uplink.server_name);
  if (uplink.server_name.empty() && !uplink.addresses.empty()) {
    uplink.server_name = ParseHostPort(uplink.addresses.front())->host;
  }
  section["ca_file"].Require();
  section["ca_file"].ReadPath(uplink.ca_file);
  section["token_file"].Require();
  section["token_file"].ReadPath(uplink.token_file);
  section["cert_file"].ReadPath(uplink.cert_file);
  section["key_file"].ReadPath(uplink.key_file);
  if (uplink.cert_file.empty() != uplink.key_file.empty()) {
    (uplink.cert_file.empty() ? section["key_file"] : section["cert_file"])
        .Report("cert_file and key_file go together: set both or neither");
  }
  section["timeout"].ReadDuration(uplink.timeout, std::chrono::milliseconds(100));
  const Field reconnect = section["reconnect"];
  if (reconnect.ExpectMap({"initial", "max"})) {
    reconnect["initial"].ReadDuration(uplink.reconnect_initial, std::chrono::milliseconds(10));
    reconnect["max"].ReadDuration(uplink.reconnect_max, std::chrono::milliseconds(10));
    if (uplink.reconnect_max < uplink.reconnect_initial) {
      reconnect["max"].Report("must not be less than reconnect.initial");
    }
  }
  section["max_in_flight"].Read(uplink.max_in_flight, 1, 1024);
  section["max_frame_size"].ReadSize(uplink.max_frame_bytes, 4096);
  if (uplink.max_frame_bytes > (1ULL << 30)) {
    section["max_frame_size"].Report("must be at most 1GiB");
  }
  section["drain_timeout"].ReadDuration(uplink.drain_timeout, Duration(0));
}

void ReadSpoolSection(const Field& section, AgentConfig::Spool& spool) {
  if (!section.ExpectMap({"path", "max_bytes"})) return;
  section["path"].ReadPath(spool.path);
  section["max_bytes"].ReadSize(spool.max_bytes, 64 << 10);
}

void ReadRegex(const Field& field, std::string& out) {
  std::string pattern;
  if (!field.Read(pattern)) return;
  try {
    std::regex compiled(pattern);
  } catch (const std::regex_error& e) {
    field.Report("invalid regular expression \"" + pattern + "\": " + e.what());
    return;
  }
  out = pattern;
}

// A section of regular-expression options: each key names the string it fills.
void ReadRegexes(const Field& section,
                 std::initializer_list<std::pair<std::string_view, std::string*>> options) {
  if (!section.Present()) return;
  std::vector<std::string> keys;
  for (const auto& option : options) keys.emplace_back(option.first);
  if (!section.ExpectKeys(keys)) return;
  for (const auto& [key, target] : options) ReadRegex(section[key], *target);
}

void ReadHealthSection(const Field& section, AgentConfig::Health& health) {
  if (!section.ExpectMap({"interval", "root", "collectors", "filesystem", "diskstats", "netdev",
                          "netstat", "vmstat", "textfile", "systemd"})) {
    return;
  }
  section["interval"].ReadDuration(health.interval, std::chrono::seconds(1));
  section["root"].ReadPath(health.root);
  const Field collectors = section["collectors"];
  for (const auto& [name, field] : collectors.Entries()) {
    if (std::find(kHealthCollectors.begin(), kHealthCollectors.end(), name) ==
        kHealthCollectors.end()) {
      std::string message = "unknown collector \"" + name + "\"";
      if (std::string suggestion = SuggestKey(name, kHealthCollectors); !suggestion.empty()) {
        message += " (did you mean \"" + suggestion + "\"?)";
      }
      field.Report(message);
      continue;
    }
    bool enabled = true;
    if (field.Read(enabled)) health.collectors[name] = enabled;
  }
  ReadRegexes(section["filesystem"],
              {{"mount_points_exclude", &health.filesystem.mount_points_exclude},
               {"fs_types_exclude", &health.filesystem.fs_types_exclude}});
  ReadRegexes(section["diskstats"], {{"device_exclude", &health.diskstats.device_exclude},
                                     {"device_include", &health.diskstats.device_include}});
  ReadRegexes(section["netdev"], {{"device_exclude", &health.netdev.device_exclude},
                                  {"device_include", &health.netdev.device_include}});
  ReadRegexes(section["systemd"], {{"unit_include", &health.systemd.unit_include},
                                   {"unit_exclude", &health.systemd.unit_exclude}});
  const Field textfile = section["textfile"];
  if (textfile.ExpectMap({"directory"})) textfile["directory"].ReadPath(health.textfile_directory);
  ReadRegexes(section["netstat"], {{"fields", &health.netstat_fields}});
  ReadRegexes(section["vmstat"], {{"fields", &health.vmstat_fields}});
}

// Keys that belong to another type of probe are mistakes worth pointing out.
void ReportKeysOfOtherTypes(const Field& field, AgentConfig::Probe::Type type,
                            const std::string& type_name) {
  using Type = AgentConfig::Probe::Type;
  const std::vector<std::pair<const char*, Type>> owners = {{"url", Type::kHttp},
                                                            {"expect_status", Type::kHttp},
                                                            {"body_match", Type::kHttp},
                                                            {"ca_file", Type::kHttp},
                                                            {"max_body_size", Type::kHttp},
                                                            {"address", Type::kTcp},
                                                            {"process_name", Type::kProcess},
                                                            {"cmdline", Type::kProcess},
                                                            {"min_count", Type::kProcess}};
  for (const auto& [key, owner] : owners) {
    if (field[key].Present() && owner != type) {
      field[key].Report("does not apply to a " + type_name + " probe");
    }
  }
}

// The settings of the probe's own type.
void ReadTypeSettings(const Field& field, AgentConfig::Probe& probe) {
  using Type = AgentConfig::Probe::Type;
  switch (probe.type) {
    case Type::kHttp: {
      field["url"].Require();
      if (field["url"].Read(probe.url) && probe.url.rfind("http://", 0) != 0 &&
          probe.url.rfind("https://", 0) != 0) {
        field["url"].Report("must start with http:// or https://");
      }
      for (const Field& element : field["expect_status"].Elements(/*allow_scalar=*/true)) {
        std::int64_t status = 0;
        if (element.Read(status, 100, 599)) probe.expect_status.push_back(static_cast<int>(status));
      }
      ReadRegex(field["body_match"], probe.body_match);
      field["ca_file"].ReadPath(probe.ca_file);
      field["max_body_size"].ReadSize(probe.max_body_bytes, 1);
      break;
    }
    case Type::kTcp:
      field["address"].Require();
      ReadAddress(field["address"], probe.address, /*allow_port_zero=*/false);
      break;
    case Type::kProcess:
      field["process_name"].Read(probe.process_name);
      ReadRegex(field["cmdline"], probe.cmdline);
      if (probe.process_name.empty() == probe.cmdline.empty()) {
        field.Report("a process probe needs exactly one of process_name and cmdline");
      }
      field["min_count"].Read(probe.min_count, 0, 1'000'000);
      break;
  }
}

void ReadProbe(const Field& field, AgentConfig::Probe& probe) {
  using Type = AgentConfig::Probe::Type;
  if (!field.ExpectMap({"name", "type", "interval", "timeout", "url", "expect_status", "body_match",
                        "ca_file", "max_body_size", "address", "process_name", "cmdline",
                        "min_count", "severity"})) {
    return;
  }
  field["name"].Require();
  if (field["name"].Read(probe.name) && !IsSimpleName(probe.name, 64)) {
    field["name"].Report("must be 1 to 64 characters of letters, digits, '.', '_' or '-'");
  }
  field["type"].Require();
  std::string type;
  if (field["type"].Read(type)) {
    if (type == "http") {
      probe.type = Type::kHttp;
    } else if (type == "tcp") {
      probe.type = Type::kTcp;
    } else if (type == "process") {
      probe.type = Type::kProcess;
    } else {
      field["type"].Report("expected http, tcp or process, got \"" + type + "\"");
      return;
    }
  }
  field["severity"].ReadSeverity(probe.severity);
  field["interval"].ReadDuration(probe.interval, std::chrono::seconds(1));
  if (field["timeout"].Present()) {
    field["timeout"].ReadDuration(probe.timeout, std::chrono::milliseconds(10));
    if (probe.timeout > probe.interval) field["timeout"].Report("must not be longer than interval");
  } else {
    probe.timeout =
        std::min(probe.timeout, probe.interval);  // a short interval shortens the default
  }
  ReportKeysOfOtherTypes(field, probe.type, type);
  ReadTypeSettings(field, probe);
}

void ReadProbes(const Field& section, std::vector<AgentConfig::Probe>& probes) {
  std::set<std::string> names;
  for (const Field& element : section.Elements()) {
    AgentConfig::Probe probe;
    ReadProbe(element, probe);
    if (!probe.name.empty() && !names.insert(probe.name).second) {
      element["name"].Report("another probe is named \"" + probe.name + "\"");
    }
    probes.push_back(std::move(probe));
  }
}

void ReadAgentDocument(const Field& root, AgentConfig& config) {
  if (!root.Present()) {
    root.Report("the file is empty; at least collector.address, ca_file and token_file are needed");
  } else if (root.ExpectMap(
                 {"agent", "collector", "spool", "health", "security", "probes", "log"})) {
    ReadAgentSection(root["agent"], config);
    const Field collector = root["collector"];
    collector.Require();
    if (collector.Present()) ReadCollectorSection(collector, config.collector);
    ReadSpoolSection(root["spool"], config.spool);
    ReadHealthSection(root["health"], config.health);
    ReadSecuritySection(root["security"], config.security);
    ReadProbes(root["probes"], config.probes);
    ReadLogSection(root["log"], config.log_level);
    if (config.id.empty()) {
      config.id = ReadMachineId();
      if (!IsValidAgentId(config.id)) {
        root["agent"]["id"].Report("not set, and /etc/machine-id gives no usable id");
      }
    }
  }
}

}  // namespace

bool CollectorEnabled(const AgentConfig::Health& health, const std::string& name) {
  auto it = health.collectors.find(name);
  if (it != health.collectors.end()) return it->second;
  return std::find(kHealthCollectorsOffByDefault.begin(), kHealthCollectorsOffByDefault.end(),
                   name) == kHealthCollectorsOffByDefault.end();
}

Loaded<AgentConfig> LoadAgentConfig(const std::string& file) {
  std::vector<Diagnostic> problems;
  std::optional<YAML::Node> document = LoadYamlFile(file, problems);
  return ReadDocument(document, file, std::move(problems), &ReadAgentDocument);
}

Loaded<AgentConfig> ParseAgentConfig(const std::string& text, const std::string& file) {
  std::vector<Diagnostic> problems;
  std::optional<YAML::Node> document = ParseYamlText(text, file, problems);
  return ReadDocument(document, file, std::move(problems), &ReadAgentDocument);
}

}  // namespace vigil::config
