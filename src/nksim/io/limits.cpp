#include "nksim/io/limits.h"

#include <unistd.h>

#include <atomic>

#include "nksim/core/text.h"

namespace nksim::limits {
namespace {
std::atomic<bool> g_enforced{true};
}  // namespace

void set_size_limits_enforced(bool enforced) { g_enforced = enforced; }
bool size_limits_enforced() { return g_enforced; }

double physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0;
}

void check_size(const TableReader& table, std::string_view key, double value, double limit,
                std::string_view what, double bytes) {
  if (g_enforced && value > limit) {
    table.fail(key, "asks for about " + format_number(value, 3) + " " + std::string(what) +
                        ", over the limit of " + format_number(limit, 3) +
                        " (docs/scenarios.md, \"Limits\"); coarsen it, or pass "
                        "--allow-large-run if you mean it");
  }
  const double memory = physical_memory_bytes();
  if (bytes > 0 && memory > 0 && bytes > memory) {
    table.fail(key, "asks for about " + format_number(value, 3) + " " + std::string(what) +
                        ", about " + format_number(bytes / 1e9, 3) +
                        " GB, more than this machine's memory (" +
                        format_number(memory / 1e9, 3) + " GB)");
  }
}

void check_duration_days(const TableReader& table, std::string_view key, double days) {
  if (days > kMaxDurationDays) {
    table.fail(key, "is " + format_number(days / 365.25, 3) +
                        " years; nksim refuses runs longer than 100 years (" +
                        format_number(kMaxDurationDays) + " days), longer than a human life");
  }
}

}  // namespace nksim::limits
