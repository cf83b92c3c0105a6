#include "collector/ingest/hello_check.h"

#include <utility>
#include <vector>

#include "common/framing.h"
#include "common/identity.h"

namespace vigil::collector {
namespace {

constexpr std::size_t kMaxHostnameBytes = 255;
constexpr std::size_t kMaxVersionBytes = 64;

HelloRefusal Invalid(std::string message) { return {"invalid_hello", std::move(message)}; }

}  // namespace

std::optional<HelloRefusal> CheckFirstMessage(const wire::Envelope& first) {
  if (!first.has_hello())
    return HelloRefusal{"protocol_violation", "the first message must be Hello"};
  const wire::Hello& hello = first.hello();
  if (hello.protocol_version() != kProtocolVersion) {
    return HelloRefusal{"protocol_version", "protocol version " +
                                                std::to_string(hello.protocol_version()) +
                                                " is not supported (this collector speaks " +
                                                std::to_string(kProtocolVersion) + ")"};
  }
  if (!IsValidAgentId(hello.agent_id())) return Invalid("agent id is missing or not allowed");
  if (hello.hostname().size() > kMaxHostnameBytes) return Invalid("hostname is too long");
  if (hello.agent_version().size() > kMaxVersionBytes) return Invalid("agent version is too long");
  if (static_cast<std::size_t>(hello.labels_size()) > kMaxAgentLabels) {
    return Invalid("at most " + std::to_string(kMaxAgentLabels) + " labels are allowed");
  }
  std::vector<std::pair<std::string, std::string>> labels;
  labels.reserve(static_cast<std::size_t>(hello.labels_size()));
  for (const wire::Label& label : hello.labels()) labels.emplace_back(label.name(), label.value());
  if (std::string problem = CheckAgentLabels(labels); !problem.empty()) return Invalid(problem);
  return std::nullopt;
}

}  // namespace vigil::collector
