#include "nksim/mechanisms/nk_kill_log.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

namespace nksim {

nlohmann::json describe(std::vector<double> values) {
  nlohmann::json j;
  j["count"] = values.size();
  if (values.empty()) return j;
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  const std::size_t mid = values.size() / 2;
  j["mean"] = mean;
  j["sd"] = values.size() > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
  j["median"] = values.size() % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
  j["min"] = values.front();
  j["max"] = values.back();
  return j;
}

nlohmann::json effector_readouts(int type, const std::map<std::uint64_t, EffectorTally>& tallies,
                                 const std::vector<KillRecord>& kills) {
  std::vector<int> per_effector;
  int contacts = 0, hits = 0, capacity_zero = 0;
  for (const auto& [id, t] : tallies) {
    if (t.type != type) continue;
    per_effector.push_back(t.confirmed_kills);
    contacts += t.contacts;
    hits += t.hits;
    capacity_zero += t.capacity == 0 ? 1 : 0;
  }
  nlohmann::json j;
  const std::size_t n = per_effector.size();
  const double dn = static_cast<double>(n);
  j["effectors"] = n;
  j["contacts"] = contacts;
  j["lethal_hits"] = hits;
  j["per_contact_hit_fraction"] = contacts > 0 ? static_cast<double>(hits) / contacts : 0.0;
  j["capacity_zero_fraction"] = n ? static_cast<double>(capacity_zero) / dn : 0.0;
  const int max_kills = n ? *std::max_element(per_effector.begin(), per_effector.end()) : 0;
  std::vector<int> histogram(static_cast<std::size_t>(max_kills) + 1, 0);
  for (int k : per_effector) ++histogram[static_cast<std::size_t>(k)];
  const int total = std::accumulate(per_effector.begin(), per_effector.end(), 0);
  j["kills_total"] = total;
  int pd_count = 0, pd_max = 0;
  for (const auto& [id, t] : tallies) {
    if (t.type != type || !t.perforin_deficient) continue;
    ++pd_count;
    pd_max = std::max(pd_max, t.confirmed_kills);
  }
  j["perforin_deficient"] = {{"effectors", pd_count}, {"max_kills", pd_max}};
  j["kills_histogram"] = histogram;
  j["fraction_killing_none"] = n ? static_cast<double>(histogram[0]) / dn : 0.0;
  int three_plus = 0;
  for (int k : per_effector) three_plus += k >= 3 ? 1 : 0;
  j["effectors_killing_3_or_more"] = three_plus;
  // Serial killers (>= 3 kills): what fraction of effectors they are, what share of kills they
  // make.
  int serial_kills = 0;
  for (int k : per_effector) serial_kills += k >= 3 ? k : 0;
  j["serial_killer_fraction"] = n ? three_plus / dn : 0.0;
  j["share_of_kills_by_serial_killers"] = total ? static_cast<double>(serial_kills) / total : 0.0;
  j["mean_kills_per_effector"] = n ? static_cast<double>(total) / dn : 0.0;
  // Share of all kills made by the top 20 % of effectors (ranked by kills).
  std::sort(per_effector.begin(), per_effector.end(), std::greater<>());
  const std::size_t top = (n + 4) / 5;
  int top_kills = 0;
  for (std::size_t i = 0; i < top && i < n; ++i) top_kills += per_effector[i];
  j["share_of_kills_by_top_20_percent"] = total ? static_cast<double>(top_kills) / total : 0.0;
  std::vector<double> granzyme, death_receptor;
  for (const KillRecord& k : kills) {
    if (k.effector_type != type) continue;
    const double latency = k.death_min - k.contact_min;
    if (k.pathway == rules::nk::KillPathway::kGranzyme) granzyme.push_back(latency);
    if (k.pathway == rules::nk::KillPathway::kDeathReceptor) death_receptor.push_back(latency);
  }
  // Time course: kills (target deaths) per hour of the run, in all and per pathway (the three
  // arrays have the same length; the pathway ones add up to the total).
  std::vector<int> per_hour, granzyme_per_hour, death_receptor_per_hour;
  for (const KillRecord& k : kills) {
    if (k.effector_type != type) continue;
    const auto hour = static_cast<std::size_t>(std::max(0.0, k.death_min) / 60.0);
    if (per_hour.size() <= hour) per_hour.resize(hour + 1, 0);
    ++per_hour[hour];
  }
  granzyme_per_hour.assign(per_hour.size(), 0);
  death_receptor_per_hour.assign(per_hour.size(), 0);
  for (const KillRecord& k : kills) {
    if (k.effector_type != type) continue;
    const auto hour = static_cast<std::size_t>(std::max(0.0, k.death_min) / 60.0);
    if (k.pathway == rules::nk::KillPathway::kGranzyme) ++granzyme_per_hour[hour];
    if (k.pathway == rules::nk::KillPathway::kDeathReceptor) ++death_receptor_per_hour[hour];
  }
  j["kills_per_hour"] = per_hour;
  j["kills_per_hour_granzyme"] = granzyme_per_hour;
  j["kills_per_hour_death_receptor"] = death_receptor_per_hour;
  j["latency_granzyme_min"] = describe(granzyme);
  j["latency_death_receptor_min"] = describe(death_receptor);
  return j;
}

}  // namespace nksim
