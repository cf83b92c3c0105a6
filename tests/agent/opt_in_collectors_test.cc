// node_exporter's opt-in collectors (processes, interrupts, tcpstat) beyond the parity fixture:
// what they count on a real kernel, and the input they refuse.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/collectors/interrupts.h"
#include "agent/collectors/processes.h"
#include "agent/collectors/tcpstat.h"
#include "tests/support/exposition_parser.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

// A listening socket on 127.0.0.1 and one connection to it, closed with the object.
class LoopbackConnection {
 public:
  LoopbackConnection() {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    bind(listener_, reinterpret_cast<sockaddr*>(&address), size);
    listen(listener_, 4);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
    client_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    connected_ = connect(client_, reinterpret_cast<sockaddr*>(&address), size) == 0;
    // Queued but never read: the server side holds these bytes in its receive queue.
    if (connected_) connected_ = write(client_, "ping", 4) == 4;
  }
  ~LoopbackConnection() {
    close(client_);
    close(listener_);
  }
  bool connected() const { return connected_; }

 private:
  int listener_ = -1;
  int client_ = -1;
  bool connected_ = false;
};

TEST(Tcpstat, CountsThisProcesssListenerAndBothEndsOfItsConnection) {
  LoopbackConnection connection;
  ASSERT_TRUE(connection.connected());
  Result<std::map<std::string, double>> states = TcpStatesOf(AF_INET);
  ASSERT_TRUE(states.ok()) << states.error().message;
  EXPECT_GE((*states)["listen"], 1);
  EXPECT_GE((*states)["established"], 2);  // the client's end and the accepted (unread) end
  EXPECT_GE((*states)["rx_queued_bytes"], 4);

  testing::TempDir root;  // no proc/net/tcp6 under this root: IPv4 only, as upstream decides
  auto families = MakeTcpstatCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  EXPECT_GE(
      testing::RenderAndParse(*families).Value("node_tcp_connection_states", {{"state", "listen"}}),
      1);
}

std::string Stat(int pid, const std::string& state, int threads) {
  std::string line = std::to_string(pid) + " (a) b) " + state +
                     " 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 " + std::to_string(threads);
  for (int i = 0; i < 23; ++i) line += " 0";
  return line + "\n";
}

TEST(Processes, CountsProcessesAndThreadsByStateAndSkipsTheVanished) {
  testing::TempDir root;
  root.Write("proc/7/stat", Stat(7, "S", 2));
  root.Write("proc/7/task/7/stat", Stat(7, "S", 2));
  root.Write("proc/7/task/8/stat", Stat(8, "R", 2));
  root.Write("proc/7/task/9/comm", "gone\n");  // a thread that exited: no stat
  root.Write("proc/12/comm", "gone\n");        // a process that exited
  root.Write("proc/self", "");                 // not a pid
  auto families = MakeProcessesCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_processes_pids"), 1);
  EXPECT_EQ(scrape.Value("node_processes_threads"), 2);
  EXPECT_EQ(scrape.Value("node_processes_threads_state", {{"thread_state", "R"}}), 1);
  EXPECT_EQ(scrape.Value("node_processes_threads_state", {{"thread_state", "S"}}), 1);
  EXPECT_TRUE(scrape.Find("node_processes_max_threads").empty())
      << "no threads-max under this root";

  root.Write("proc/7/stat", "7 (short) S 1 1\n");
  auto broken = MakeProcessesCollector(root.path().string())->Collect();
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("proc/7/stat"), std::string::npos)
      << broken.error().message;
}

TEST(Interrupts, OneSeriesPerCpuWithTheChipAndDevicesOfNumberedIrqs) {
  testing::TempDir root;
  root.Write("proc/interrupts",
             "      CPU0   CPU1\n"
             " 24:     5      6   PCI-MSI 512000-edge   ahci[0000:00:1f.2], eth0\n"
             "RES:   100    200   Rescheduling interrupts\n"
             "ERR:     0\n");
  auto families = MakeInterruptsCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(
      scrape.Value("node_interrupts_total", {{"type", "24"},
                                             {"cpu", "1"},
                                             {"info", "PCI-MSI"},
                                             {"devices", "512000-edge ahci[0000:00:1f.2], eth0"}}),
      6);
  EXPECT_EQ(
      scrape.Value(
          "node_interrupts_total",
          {{"type", "RES"}, {"cpu", "0"}, {"info", "Rescheduling interrupts"}, {"devices", ""}}),
      100);
  EXPECT_TRUE(scrape.Find("node_interrupts_total", {{"type", "ERR"}}).empty());

  root.Write("proc/interrupts", "      CPU0\n  1:  many  IO-APIC  1-edge  i8042\n");
  EXPECT_FALSE(MakeInterruptsCollector(root.path().string())->Collect().ok());
}

}  // namespace
}  // namespace vigil::agent
