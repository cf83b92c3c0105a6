#pragma once
// A health collector: reads one part of the host's state (a /proc file, a /sys tree) and turns it
// into metric families named as node_exporter names them.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/proto/vigil.pb.h"
#include "common/result.h"

namespace vigil::agent {

class Collector {
 public:
  virtual ~Collector() = default;
  // Short name, as node_exporter's collector names ("cpu", "meminfo", "loadavg").
  virtual const std::string& name() const = 0;
  // Reads and parses once. An error leaves the other collectors running.
  virtual Result<std::vector<wire::MetricFamily>> Collect() = 0;
};

// A collector that reads the host under a root folder ("/" in production, a fixture tree in
// tests), as most do: its name and its root, for subclasses to read under.
class RootCollector : public Collector {
 public:
  RootCollector(std::string name, std::string root)
      : root_(std::move(root)), name_(std::move(name)) {}
  const std::string& name() const final { return name_; }

 protected:
  const std::string root_;

 private:
  const std::string name_;
};

// What a collection asks of the host, for bench/collection_cost's floor: the CPU the kernel
// charges for exactly those reads. Off (null) unless a benchmark sets an observer; it may be
// called from any collector thread.
enum class HostAccess { kRead, kStatfs };
using HostAccessObserver = void (*)(HostAccess access, const std::string& path);
void SetHostAccessObserver(HostAccessObserver observer);
void NoteHostAccess(HostAccess access, const std::string& path);

// Reads a whole file below `root` (e.g. root "/", relative "proc/stat"). Errors name the path;
// the code is "not_found" when the file does not exist.
Result<std::string> ReadFileUnderRoot(const std::string& root, const std::string& relative);

// A sysfs attribute as node_exporter's procfs reads one: a single read(2) of at most 128 bytes,
// surrounding whitespace removed. Errors as ReadFileUnderRoot's ("permission_denied" too).
Result<std::string> ReadSysAttribute(const std::string& root, const std::string& relative);

// The entries of root/folder named `prefix` followed by a digit ("thermal_zone0", "cpu12"),
// sorted by name, as a Go filepath.Glob("<prefix>[0-9]*") lists them; none when the folder is
// absent.
std::vector<std::string> NumberedEntries(const std::string& root, const std::string& folder,
                                         const std::string& prefix);

// One entry of a folder as Go's os.ReadDir gives it: the type is the entry's own, symlinks not
// followed (sysfs class folders are symlinks to devices; attribute files are regular).
struct FolderEntry {
  std::string name;
  bool regular_file = false;
  bool directory = false;
};
// The entries of root/folder sorted by name; "not_found" when the folder is absent, which
// collectors of optional hardware (fibre channel, InfiniBand, tapes) report as nothing to say.
Result<std::vector<FolderEntry>> ListFolder(const std::string& root, const std::string& folder);

// The sysfs attributes of root/folder that `wanted` accepts, read as ReadSysAttribute reads them,
// by file name. Only regular files are read; attributes the device cannot give now (absent,
// EOPNOTSUPP, EINVAL, and EACCES when `skip_unreadable`) are left out, as node_exporter's sysfs
// readers leave them out. Errors name the file.
struct AttributeRead {
  std::string name;
  std::string value;
};
Result<std::vector<AttributeRead>> ReadAttributesOf(
    const std::string& root, const std::string& folder,
    const std::function<bool(const std::string&)>& wanted, bool skip_unreadable = false);

// Reads a file by its path relative to the collector's root.
using ReadRelative = std::function<Result<std::string>(const std::string& relative)>;
// Turns files into families; pure apart from the reads, so tests hand it literals.
using Gather = std::function<Result<std::vector<wire::MetricFamily>>(const ReadRelative& read)>;

// A file holding one decimal count, as node_exporter's readUintFromFile reads it (whitespace
// around it ignored); "parse_failed" names the file otherwise.
Result<std::uint64_t> ReadUintFile(const ReadRelative& read, const std::string& relative);

// Reads below `root`, for collectors that are not MakeFileCollector's.
ReadRelative ReaderUnder(std::string root);

// A collector that runs `gather` with reads below `root`.
std::unique_ptr<Collector> MakeFileCollector(std::string name, std::string root, Gather gather);

}  // namespace vigil::agent
