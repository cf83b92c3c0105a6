#pragma once
// "nfs" and "nfsd": the kernel's NFS client and server RPC statistics from /proc/net/rpc/nfs and
// /proc/net/rpc/nfsd, as node_exporter 1.5 reports them (node_nfs_*, node_nfsd_*; requests per
// protocol version and procedure, named as procfs's Go structs name them). Hosts without NFS
// report nothing; a known line of the wrong shape fails the collection, as upstream, but lines that
// newer kernels added are skipped where node_exporter 1.5 would fail.

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeNfsCollector(std::string root);
std::unique_ptr<Collector> MakeNfsdCollector(std::string root);

}  // namespace vigil::agent
