#pragma once
// The agent's configuration (agent.yaml) as plain data. See config/examples/agent.yaml and
// docs/configuration.md for every key.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/log.h"
#include "common/units.h"
#include "config/diagnostic.h"

namespace vigil::config {

struct AgentConfig {
  std::string source_file;  // absolute path of the file this was loaded from

  // Defaults to the contents of /etc/machine-id.
  std::string id;
  // Added to every series of this agent on the collector. Names are Prometheus label names.
  std::map<std::string, std::string> labels;

  struct Uplink {
    std::vector<std::string> addresses;  // host:port, tried in turn
    std::string server_name;             // name the certificate must carry; default: first host
    std::string ca_file;
    std::string token_file;
    std::string cert_file;  // optional client certificate (mutual TLS)
    std::string key_file;
    Duration timeout{std::chrono::seconds(10)};  // connect, handshake and each write
    Duration reconnect_initial{std::chrono::seconds(1)};
    Duration reconnect_max{std::chrono::seconds(60)};
    std::int64_t max_in_flight = 32;  // batches sent but not yet acknowledged
    std::uint64_t max_frame_bytes = 4 << 20;
    // On shutdown, how long to wait for the collector to acknowledge what is spooled.
    Duration drain_timeout{std::chrono::seconds(5)};
  } collector;

  struct Spool {
    std::string path = "/var/lib/vigil-agent/spool.db";
    std::uint64_t max_bytes = 256ULL << 20;
  } spool;

  struct Health {
    Duration interval{std::chrono::seconds(10)};
    std::string root = "/";  // where proc/, sys/, etc/ and run/udev are read
    // health.collectors: on/off per collector; those not named are on (see kHealthCollectors).
    std::map<std::string, bool> collectors;
    // Per-collector options; regular expressions (ECMAScript) are searched, not fully matched,
    // like node_exporter's, whose defaults these are (upstream's, not Debian's).
    struct Filesystem {
      std::string mount_points_exclude =
          "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/"
          ")";
      std::string fs_types_exclude =
          "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|"
          "iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|"
          "squashfs|sysfs|tracefs)$";
    } filesystem;
    struct Diskstats {
      std::string device_exclude = "^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$";
      std::string device_include;
    } diskstats;
    struct Netdev {
      std::string device_include;
      std::string device_exclude;
    } netdev;
    std::string netstat_fields =
        "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|"
        "OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|"
        "InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|"
        "OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$";
    std::string vmstat_fields = "^(oom_kill|pgpg|pswp|pg.*fault).*";
    // Folder of *.prom files to forward; empty: the textfile collector does not run.
    std::string textfile_directory;
    struct Systemd {
      std::string unit_include = ".+";
      std::string unit_exclude = ".+\\.(automount|device|mount|scope|slice)";
    } systemd;
  } health;

  // Service checks, each on its own schedule (probes: in agent.yaml).
  struct Probe {
    enum class Type { kHttp, kTcp, kProcess };
    std::string name;  // unique; the "probe" label
    Type type = Type::kHttp;
    Duration interval{std::chrono::seconds(30)};
    Duration timeout{std::chrono::seconds(10)};  // default: 10s, or the interval if shorter
    // The severity of the collector's ProbeFailing incident; empty: the collector's default.
    std::string severity;
    // http
    std::string url;                 // http:// or https://
    std::vector<int> expect_status;  // empty: any 2xx
    std::string body_match;          // regular expression searched in the body; empty: none
    std::string ca_file;             // empty: the system's CA store
    std::uint64_t max_body_bytes = 1 << 20;
    // tcp
    std::string address;  // host:port
    // process: exactly one of process_name (the kernel's comm, exact) or cmdline (a regular
    // expression searched in the command line, arguments separated by spaces)
    std::string process_name;
    std::string cmdline;
    std::int64_t min_count = 1;
  };
  std::vector<Probe> probes;

  // The security scan (docs/security-checks.md).
  struct Security {
    bool enabled = true;
    Duration interval{std::chrono::hours(1)};
    std::string root = "/";
    // Where baselines and the last scan's findings are kept; empty: "security" beside the spool.
    std::string state_dir;
    // What one scan may spend; a scan that reaches a budget reports what it has, as partial.
    struct Budget {
      std::int64_t files_per_second = 20000;
      Duration max_duration{std::chrono::minutes(10)};
      std::uint64_t max_hash_bytes = 1ULL << 30;
    } budget;
    // Per check id (kSecurityChecks); a check not listed runs with its defaults. Host paths are
    // absolute and read below `root`.
    struct Check {
      bool enabled = true;
      std::string severity;            // empty: the check's default
      std::vector<std::string> paths;  // world_writable, suid_new, fim: what to walk or watch
      std::vector<std::string>
          allow;  // suid_new: paths; listening_new: "tcp:22", "udp:127.0.0.1:53"
      std::vector<std::string> files;                     // tls.cert_expiry: certificate files
      Duration warn_within{std::chrono::hours(24 * 14)};  // tls.cert_expiry
      std::int64_t threshold = 10;  // auth.failed_logins: failures per scan before a finding
      std::string log_file = "/var/log/auth.log";  // auth.failed_logins, without a journal
      bool allow_ip_forward = false;               // sysctl.hardening
      // net.listening_new: also judge UDP sockets a process holds on a wildcard address and a port
      // of the kernel's ephemeral range (mostly clients that send without connect: statsd, syslog).
      bool ephemeral_udp = false;
    };
    std::map<std::string, Check> checks;
    // The settings of `id`: as configured, or the defaults.
    const Check& CheckFor(const std::string& check_id) const;
  } security;

  // Keys accepted for forward compatibility but not acted on yet (the agent warns at start-up).
  std::vector<std::string> not_yet_supported;
  LogLevel log_level = LogLevel::kInfo;
};

// The security checks, by their stable ids (docs/security-checks.md).
inline const std::vector<std::string> kSecurityChecks = {"ssh.permit_root_login",
                                                         "ssh.password_authentication",
                                                         "ssh.permit_empty_passwords",
                                                         "accounts.uid0",
                                                         "accounts.empty_password",
                                                         "accounts.sudo_nopasswd",
                                                         "files.world_writable",
                                                         "files.suid_new",
                                                         "fim.changed",
                                                         "net.listening_new",
                                                         "tls.cert_expiry",
                                                         "updates.security_pending",
                                                         "sysctl.hardening",
                                                         "auth.failed_logins",
                                                         "firewall.inactive"};

// The health collectors this version has, by node_exporter's names.
inline const std::vector<std::string> kHealthCollectors = {
    "arp",       "bcache",     "bonding",    "btrfs",      "conntrack",        "cpu",
    "cpufreq",   "diskstats",  "dmi",        "edac",       "entropy",          "fibrechannel",
    "filefd",    "filesystem", "hwmon",      "infiniband", "interrupts",       "ipvs",
    "loadavg",   "mdadm",      "meminfo",    "netclass",   "netdev",           "netstat",
    "nfs",       "nfsd",       "nvme",       "os",         "powersupplyclass", "pressure",
    "processes", "rapl",       "schedstat",  "selinux",    "sockstat",         "softnet",
    "stat",      "systemd",    "tapestats",  "tcpstat",    "textfile",         "thermal_zone",
    "time",      "timex",      "udp_queues", "uname",      "vmstat",           "xfs",
    "zfs"};

// Collectors that run only when switched on in health.collectors, as in upstream node_exporter.
inline const std::vector<std::string> kHealthCollectorsOffByDefault = {"interrupts", "processes",
                                                                       "systemd", "tcpstat"};

// Whether `name` (one of kHealthCollectors) runs under this configuration.
bool CollectorEnabled(const AgentConfig::Health& health, const std::string& name);

// Loads and validates; every problem is reported, not only the first.
Loaded<AgentConfig> LoadAgentConfig(const std::string& file);
// Same, from text (tests and fuzzing); `file` names it in diagnostics and anchors relative paths.
Loaded<AgentConfig> ParseAgentConfig(const std::string& text, const std::string& file);

}  // namespace vigil::config
