#include "alerting/notify_config.h"

namespace vigil::alerting {

const Receiver* NotifyConfig::FindReceiver(const std::string& name) const {
  for (const Receiver& receiver : receivers) {
    if (receiver.name == name) return &receiver;
  }
  return nullptr;
}

}  // namespace vigil::alerting
