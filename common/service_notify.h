#pragma once
// Tells systemd (Type=notify units) about readiness and status. Does nothing when the process was
// not started by systemd.

#include <string_view>

namespace vigil {

void NotifyReady(std::string_view status);
void NotifyStatus(std::string_view status);
void NotifyReloading();
void NotifyStopping();
// Feeds systemd's watchdog (WatchdogSec=): see common/service_watchdog.h for when.
void NotifyWatchdog();

}  // namespace vigil
