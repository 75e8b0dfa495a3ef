#include "nksim/core/text.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <utility>

namespace nksim {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = (a[i - 1] == b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string nearest(std::string_view word, std::span<const std::string> candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

namespace {

// Words that make up unit suffixes of key names (docs/scenarios.md, "Units in key names").
bool is_unit_word(std::string_view w) {
  static constexpr std::string_view kWords[] = {
      "s",     "sec",   "seconds", "min",  "mins", "minutes", "h",    "hr",   "hrs",
      "hour",  "hours", "d",       "day",  "days", "week",    "weeks", "um",  "um2",
      "um3",   "mm",    "mm2",     "mm3",  "cm",   "m",       "per",  "ml",   "l",
      "ng",    "pg",    "ug",      "mg",   "iu",   "nm",      "pm",   "um2s", "cells"};
  for (std::string_view k : kWords) {
    if (w == k) return true;
  }
  return false;
}

// Splits "diffusion_um2_per_min" into its stem "diffusion" and the unit suffix "um2_per_min":
// the longest run of unit words at the end. The stem keeps at least one word.
std::pair<std::string_view, std::string_view> split_unit(std::string_view key) {
  std::size_t cut = key.size();
  for (;;) {
    const std::size_t underscore = key.rfind('_', cut == 0 ? 0 : cut - 1);
    if (underscore == std::string_view::npos || underscore == 0) break;
    if (!is_unit_word(key.substr(underscore + 1, cut - underscore - 1))) break;
    cut = underscore;
  }
  if (cut == key.size()) return {key, {}};
  return {key.substr(0, cut), key.substr(cut + 1)};
}

}  // namespace

bool same_quantity_other_unit(std::string_view a, std::string_view b) {
  const auto [stem_a, unit_a] = split_unit(a);
  const auto [stem_b, unit_b] = split_unit(b);
  return !unit_a.empty() && !unit_b.empty() && stem_a == stem_b && unit_a != unit_b;
}

std::string nearest_key(std::string_view word, std::span<const std::string> candidates) {
  std::string best = nearest(word, candidates);
  if (!best.empty()) return best;
  for (const auto& c : candidates) {
    if (same_quantity_other_unit(word, c)) return c;
  }
  return {};
}

std::string did_you_mean(std::string_view word, std::span<const std::string> candidates) {
  const std::string n = nearest_key(word, candidates);
  return n.empty() ? std::string() : ", did you mean '" + n + "'?";
}

std::string count_of(std::size_t n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = text.substr(start, comma - start);
    const auto first = item.find_first_not_of(' ');
    const auto last = item.find_last_not_of(' ');
    items.emplace_back(first == std::string_view::npos ? std::string_view()
                                                       : item.substr(first, last - first + 1));
    start = comma + 1;
  }
  return items;
}

std::string join(std::span<const std::string> items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

std::string format_number(double value, int digits) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return buffer;
}

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string fnv1a_hex(std::string_view bytes) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016" PRIx64, fnv1a(bytes));
  return buffer;
}

}  // namespace nksim
