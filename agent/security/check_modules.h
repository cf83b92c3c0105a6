#pragma once
// The check modules of this version, one file each (docs/security-checks.md).

#include <memory>

#include "agent/security/check_module.h"

namespace vigil::agent {

std::unique_ptr<CheckModule> MakeSshChecks();          // ssh.*
std::unique_ptr<CheckModule> MakeAccountChecks();      // accounts.*
std::unique_ptr<CheckModule> MakeFileChecks();         // files.world_writable, files.suid_new
std::unique_ptr<CheckModule> MakeFimCheck();           // fim.changed
std::unique_ptr<CheckModule> MakeListeningCheck();     // net.listening_new
std::unique_ptr<CheckModule> MakeCertificateCheck();   // tls.cert_expiry
std::unique_ptr<CheckModule> MakeUpdatesCheck();       // updates.security_pending
std::unique_ptr<CheckModule> MakeSysctlCheck();        // sysctl.hardening
std::unique_ptr<CheckModule> MakeFailedLoginsCheck();  // auth.failed_logins
std::unique_ptr<CheckModule> MakeFirewallCheck();      // firewall.inactive

}  // namespace vigil::agent
