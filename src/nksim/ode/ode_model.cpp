#include "nksim/ode/ode_model.h"

#include <algorithm>

namespace nksim {

bool OdeModel::reads_time() const {
  int known = reads_time_.load(std::memory_order_relaxed);
  if (known < 0) {
    const std::vector<Expr> f = equations();
    known = std::any_of(f.begin(), f.end(), [](const Expr& e) { return depends_on_time(e); });
    reads_time_.store(known, std::memory_order_relaxed);
  }
  return known != 0;
}

int OdeModel::state_index(std::string_view state_name) const {
  const auto s = states();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i].name == state_name) return static_cast<int>(i);
  }
  return -1;
}

int OdeModel::parameter_index(std::string_view parameter_name) const {
  const auto p = parameters();
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i].name == parameter_name) return static_cast<int>(i);
  }
  return -1;
}

const ParameterSet* OdeModel::find_parameter_set(std::string_view set_name) const {
  for (const auto& set : parameter_sets()) {
    if (set.name == set_name) return &set;
  }
  return nullptr;
}

std::vector<std::string> OdeModel::state_names() const {
  std::vector<std::string> out;
  for (const auto& s : states()) out.emplace_back(s.name);
  return out;
}

std::vector<std::string> OdeModel::parameter_names() const {
  std::vector<std::string> out;
  for (const auto& p : parameters()) out.emplace_back(p.name);
  return out;
}

std::vector<std::string> OdeModel::parameter_set_names() const {
  std::vector<std::string> out;
  for (const auto& s : parameter_sets()) out.emplace_back(s.name);
  return out;
}

const OdeModel* find_model(std::string_view name) {
  for (const OdeModel* m : all_models()) {
    if (m->name() == name) return m;
  }
  return nullptr;
}

std::vector<std::string> model_names() {
  std::vector<std::string> out;
  for (const OdeModel* m : all_models()) out.emplace_back(m->name());
  return out;
}

}  // namespace nksim
