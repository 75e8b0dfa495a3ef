#include "nksim/report/chart_labels.h"

#include <algorithm>

#include "nksim/core/error.h"

namespace nksim::report {
namespace {

std::string cluster_text(const std::vector<std::string>& what, std::size_t first, std::size_t n,
                         const std::string& noun_plural) {
  if (n == 1) return what[first];
  const bool same = std::all_of(what.begin() + static_cast<long>(first),
                                what.begin() + static_cast<long>(first + n),
                                [&](const std::string& w) { return w == what[first]; });
  return std::to_string(n) + " " + noun_plural + (same ? ": " + what[first] : "");
}

}  // namespace

std::vector<TimedLabel> cluster_labels(const std::vector<double>& times,
                                       const std::vector<std::string>& what, double span,
                                       double width_px, const std::string& noun_plural,
                                       double char_px) {
  if (times.size() != what.size()) throw Error("cluster_labels: times and labels differ in size");
  std::vector<TimedLabel> labels;
  if (times.empty()) return labels;
  // Without a usable span every mark is at one place: one label for all.
  const double px = span > 0 ? width_px / span : 0;
  constexpr double kGapPx = 12;  // dx of the text plus a little air
  std::size_t first = 0;
  while (first < times.size()) {
    std::size_t n = 1;
    // Grow the cluster while the next mark lies under the (growing) label.
    while (first + n < times.size()) {
      const std::string text = cluster_text(what, first, n + 1, noun_plural);
      const double right =
          (times[first] * px) + kGapPx + char_px * static_cast<double>(text.size());
      if (times[first + n] * px >= right) break;
      ++n;
    }
    labels.push_back({times[first], cluster_text(what, first, n, noun_plural), n});
    first += n;
  }
  return labels;
}

}  // namespace nksim::report
