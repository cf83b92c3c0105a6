#include "agent/probes/process_probe.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

config::AgentConfig::Probe ProcessProbeFor(const std::string& name, const std::string& cmdline) {
  config::AgentConfig::Probe probe;
  probe.name = "svc";
  probe.type = config::AgentConfig::Probe::Type::kProcess;
  probe.process_name = name;
  probe.cmdline = cmdline;
  return probe;
}

double Gauge(const ProbeResult& result, const std::string& name) {
  for (const ProbeGauge& gauge : result.gauges) {
    if (gauge.name == name) return gauge.value;
  }
  return -1;
}

TEST(ProcessProbe, CountsProcessesByNameAndFailsBelowTheMinimum) {
  ProcessProbe probe(ProcessProbeFor("nginx", ""), "/");
  ProbeResult two = probe.Judge(
      {{1, "nginx", "nginx: master"}, {2, "nginx", "nginx: worker"}, {3, "sshd", "sshd"}});
  EXPECT_TRUE(two.success);
  EXPECT_EQ(Gauge(two, "vigil_probe_process_count"), 2);
  ProbeResult none = probe.Judge({{3, "sshd", "sshd"}});
  EXPECT_FALSE(none.success);
  EXPECT_EQ(none.failure, "0 matching process(es), fewer than 1");
}

TEST(ProcessProbe, CountsNewProcessIdsAsRestarts) {
  ProcessProbe probe(ProcessProbeFor("", "java .*app\\.jar"), "/");
  EXPECT_EQ(
      Gauge(probe.Judge({{10, "java", "java -jar app.jar"}}), "vigil_probe_process_restarts_total"),
      0);
  EXPECT_EQ(
      Gauge(probe.Judge({{10, "java", "java -jar app.jar"}}), "vigil_probe_process_restarts_total"),
      0);
  EXPECT_EQ(
      Gauge(probe.Judge({{11, "java", "java -jar app.jar"}}), "vigil_probe_process_restarts_total"),
      1);
}

TEST(ProcessProbe, ReadsProcessesUnderTheRoot) {
  testing::TempDir root;
  root.Write("proc/42/comm", "postgres\n");
  root.Write("proc/42/cmdline", std::string("postgres\0-D\0/data\0", 19));
  root.Write("proc/self/comm", "ignored\n");
  std::vector<ProcessInfo> processes = ListProcesses(root.path().string());
  ASSERT_EQ(processes.size(), 1u);
  EXPECT_EQ(processes[0].pid, 42);
  EXPECT_EQ(processes[0].name, "postgres");
  EXPECT_EQ(processes[0].cmdline, "postgres -D /data");
  EXPECT_TRUE(ProcessProbe(ProcessProbeFor("postgres", ""), root.path().string()).Run().success);
}

}  // namespace
}  // namespace vigil::agent
