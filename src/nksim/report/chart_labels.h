// Placing text labels on charts so that they never overprint (pure functions, unit-tested).
#pragma once

#include <string>
#include <vector>

namespace nksim::report {

struct TimedLabel {
  double time = 0;        // where the label starts (x, in the chart's time unit)
  std::string text;       // what it says
  std::size_t count = 1;  // how many marks it stands for
};

// One label per cluster of marks at `times` (sorted ascending), each described by `what`
// (same size). Marks that a label would cover when drawn left-aligned at the first of them
// join its cluster, which then reads "3 doses: <what>" (or "3 doses" when they differ), so
// that labels drawn on one line never overlap. `span` is the time the chart's width of
// `width_px` pixels covers; text is assumed `char_px` wide per character.
std::vector<TimedLabel> cluster_labels(const std::vector<double>& times,
                                       const std::vector<std::string>& what, double span,
                                       double width_px, const std::string& noun_plural,
                                       double char_px = 7.5);

}  // namespace nksim::report
