// nk_infusion: doses of effector cells (NK, CAR-NK, T cells) added during a run.
// Docs: docs/mechanisms/nk_infusion.md.
//
// Each dose gives a cell type, a time, a number (absolute `count`, or `effector_to_target` times
// the live cells of the type named by `relative_to` at that moment), where the cells appear
// (`uniform` in the domain, on the domain `boundary` as cells arriving from outside, in a `sphere`
// around an injection point, shared round-robin between several injection `points`, in a `box`)
// and optional repeats. Persistence (loss of infused cells)
// is the death mechanism's apoptosis rate for the type; IL-2/IL-15 support is read by
// nk_recognition_kill (cytokine_level or cytokine_field). Runs first in the decide phase, so the
// cells it adds take part in the same step. Positions are counter-based draws keyed by
// (dose, repeat, cell), so they do not depend on anything else in the run.
#include <algorithm>
#include <array>
#include <cmath>

#include "nksim/core/rng.h"
#include "nksim/core/state_archive.h"
#include "nksim/core/text.h"
#include "nksim/engine/simulation.h"
#include "nksim/io/limits.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanism_docs.h"
#include "nksim/mechanisms/nk_placement.h"

namespace nksim {
namespace {

enum class Where { kUniform, kBoundary, kSphere, kBox, kPoints };

constexpr std::size_t kMaxDoses = 8;
constexpr int kMaxRepeats = 4096;

struct Dose {
  int type = 0;
  double time_min = 0;
  std::int64_t count = 0;
  double effector_to_target = 0;
  int relative_to = -1;
  Where where = Where::kUniform;
  std::array<double, 3> center_um = {0, 0, 0};
  double radius_um = 0;
  std::vector<std::array<double, 3>> points_um;  // kPoints: injection sites, cells round-robin
  std::array<double, 3> lo_um = {0, 0, 0}, hi_um = {0, 0, 0};
  double repeat_every_min = 0;
  int repeats = 1;
  int given = 0;
};

class NkInfusion final : public Mechanism {
 public:
  explicit NkInfusion(std::vector<Dose> doses)
      : doses_(std::move(doses)), infused_(doses_.size(), 0) {}
  const char* name() const override { return "nk_infusion"; }
  unsigned phases() const override { return phase_bit(Phase::kDecide); }

  void run(Phase, Simulation& sim, const StepInfo& step) override {
    for (std::size_t k = 0; k < doses_.size(); ++k) {
      Dose& dose = doses_[k];
      while (dose.given < dose.repeats &&
             dose.time_min + dose.given * dose.repeat_every_min <= step.time_min + 1e-9) {
        give(sim, dose, static_cast<std::uint32_t>(k));
        ++dose.given;
      }
    }
  }

  void save_state(StateWriter& out) const override {
    std::vector<std::int32_t> given;
    for (const Dose& d : doses_) given.push_back(d.given);
    out.put("doses_given", given);
    out.put("infused", infused_);
  }
  void restore_state(const StateReader& in) override {
    const auto n = static_cast<std::int64_t>(doses_.size());
    const std::vector<std::int32_t> given = in.get<std::int32_t>("doses_given", n);
    for (std::size_t k = 0; k < doses_.size(); ++k) doses_[k].given = given[k];
    infused_ = in.get<std::int64_t>("infused", n);
  }

  nlohmann::json readouts(const Simulation&) const override {
    nlohmann::json doses = nlohmann::json::array();
    for (std::size_t k = 0; k < doses_.size(); ++k) {
      doses.push_back({{"doses_given", doses_[k].given}, {"cells", infused_[k]}});
    }
    return {{"doses", doses}};
  }

 private:
  void give(Simulation& sim, const Dose& dose, std::uint32_t k) {
    std::int64_t n = dose.count;
    if (dose.relative_to >= 0) {
      const AgentStore& a = sim.agents();
      std::int64_t targets = 0;
      for (std::size_t i = 0; i < a.size(); ++i) {
        targets += a.type[i] == dose.relative_to &&
                   a.state[i] == static_cast<std::int32_t>(AgentState::kLive);
      }
      n = std::llround(dose.effector_to_target * static_cast<double>(targets));
    }
    infused_[k] += n;
    const Domain& d = sim.domain();
    const std::uint32_t sub = k * 4096u + static_cast<std::uint32_t>(dose.given);
    for (std::int64_t c = 0; c < n; ++c) {
      const auto p = position(d, dose, sim.seed(), sub, static_cast<std::uint64_t>(c));
      sim.add_agent(dose.type, p[0], p[1], p[2]);
    }
  }

  static std::array<double, 3> position(const Domain& d, const Dose& dose, std::uint64_t seed,
                                        std::uint32_t sub, std::uint64_t cell) {
    const RandomDraw a(seed, 0, Purpose::kNkInfusion, cell, 2 * sub);
    const RandomDraw b(seed, 0, Purpose::kNkInfusion, cell, 2 * sub + 1);
    const double u[4] = {a.uniform(0), a.uniform(1), b.uniform(0), b.uniform(1)};
    std::array<double, 3> p = {0, 0, 0};
    switch (dose.where) {
      case Where::kUniform:
      case Where::kBox: {
        const auto& lo = dose.where == Where::kBox ? dose.lo_um : d.lo_um;
        const auto& hi = dose.where == Where::kBox ? dose.hi_um : d.hi_um;
        for (int ax = 0; ax < d.dim; ++ax) p[ax] = lo[ax] + (hi[ax] - lo[ax]) * u[ax];
        return p;
      }
      case Where::kSphere:
      case Where::kPoints: {
        // Uniform in a disc/ball: radius R u^(1/dim), direction uniform.
        const auto& c =
            dose.where == Where::kSphere
                ? dose.center_um
                : dose.points_um[static_cast<std::size_t>(cell % dose.points_um.size())];
        double ux, uy, uz;
        random_direction(b, d.dim, ux, uy, uz);
        const double r = dose.radius_um * std::pow(u[0], 1.0 / d.dim);
        return {c[0] + r * ux, c[1] + r * uy, d.dim == 3 ? c[2] + r * uz : 0.0};
      }
      case Where::kBoundary:
        return boundary_point(d, u);
    }
    return p;
  }

  std::vector<Dose> doses_;
  std::vector<std::int64_t> infused_;
};

std::array<double, 3> read_point(TableReader& t, std::string_view key, int dim) {
  const std::vector<double> v = t.number_array(key);
  if (static_cast<int>(v.size()) != dim) {
    t.fail(key, "must have " + std::to_string(dim) + " numbers (the dimension)");
  }
  std::array<double, 3> p = {0, 0, 0};
  for (int a = 0; a < dim; ++a) p[a] = v[static_cast<std::size_t>(a)];
  return p;
}

// The region a dose places cells in must lie in the domain, its cells must fit, and a dose after
// the end of the run is reported (it is legal: runs are often shortened for a quick look).
void check_dose(TableReader& t, const Dose& d, const SetupContext& context) {
  const Domain& domain = context.settings.domain;
  const auto inside = [&](std::string_view key, const std::array<double, 3>& c, double r) {
    for (int a = 0; a < domain.dim; ++a) {
      if (c[a] - r < domain.lo_um[a] || c[a] + r > domain.hi_um[a]) {
        t.fail(key, "places cells outside the domain (axis " + std::to_string(a) + ": [" +
                        format_number(c[a] - r, 6) + ", " + format_number(c[a] + r, 6) +
                        "] um, domain [" + format_number(domain.lo_um[a], 6) + ", " +
                        format_number(domain.hi_um[a], 6) + "] um)");
      }
    }
  };
  if (d.where == Where::kSphere) inside("radius_um", d.center_um, d.radius_um);
  for (const auto& p : d.points_um) inside("points_um", p, d.radius_um);
  if (d.where == Where::kBox) {
    for (int a = 0; a < domain.dim; ++a) {
      if (!(d.hi_um[a] > d.lo_um[a])) t.fail("max_um", "must exceed min_um on every axis");
    }
    inside("min_um", d.lo_um, 0);
    inside("max_um", d.hi_um, 0);
  }
  if (d.relative_to >= 0 && d.effector_to_target > limits::kMaxEffectorToTarget) {
    t.fail("effector_to_target", "is " + format_number(d.effector_to_target) +
                                     "; no protocol uses more than " +
                                     format_number(limits::kMaxEffectorToTarget) + ":1");
  }
  const double total = static_cast<double>(d.count) * d.repeats;
  limits::check_size(t, "count", total, limits::kMaxAgents, "infused agents", total * 200);
  double volume = 1;
  for (int a = 0; a < domain.dim; ++a) volume *= domain.extent(a);
  const double r = context.types[static_cast<std::size_t>(d.type)].radius_um;
  const double cell = domain.dim == 3 ? 4.0 / 3.0 * M_PI * r * r * r : M_PI * r * r;
  if (total * cell > limits::kMaxCrowding * volume) {
    t.fail("count", "infuses " + format_number(total) + " cells whose " +
                        (domain.dim == 3 ? "volume" : "area") + " (" +
                        format_number(total * cell, 3) + ") is over " +
                        format_number(limits::kMaxCrowding) + " times the domain's (" +
                        format_number(volume, 3) + "): they cannot fit");
  }
  if (d.time_min >= context.end_time_min) {
    context.warnings.push_back(t.location("time_min") + ": '" + t.key_path("time_min") + "' = " +
                               format_number(d.time_min) + " min is after the end of the run (" +
                               format_number(context.end_time_min) +
                               " min): this dose is never given");
  }
}

}  // namespace

std::unique_ptr<Mechanism> make_nk_infusion(TableReader& table, const SetupContext& context) {
  std::vector<std::string> type_names;
  for (const auto& t : context.types) type_names.push_back(t.name);
  const auto type_index = [&](const std::string& name) {
    return static_cast<int>(std::find(type_names.begin(), type_names.end(), name) -
                            type_names.begin());
  };
  const int dim = context.settings.domain.dim;
  std::vector<Dose> doses;
  std::vector<TableReader> tables = table.tables("dose");
  if (tables.empty())
    table.fail("dose", "is required: at least one [[mechanisms.nk_infusion.dose]]");
  // Placement draws are keyed by 2 * (dose * 4096 + repeat) + {0, 1} in the 16 bits of the RNG
  // counter word below the purpose (core/rng.h); beyond 8 doses of 4096 repeats two doses, or
  // this purpose and the next, would share random numbers.
  if (tables.size() > kMaxDoses) {
    tables[kMaxDoses].fail("type", "is dose " + std::to_string(kMaxDoses + 1) + "; at most " +
                                       std::to_string(kMaxDoses) +
                                       " doses per scenario (use 'repeats' for a schedule)");
  }
  for (TableReader& t : tables) {
    Dose d;
    d.type = type_index(t.choice("type", type_names));
    d.time_min = t.number_or("time_min", 0.0, Bound::kNonNegative);
    const bool has_count = t.has("count"), has_ratio = t.has("effector_to_target");
    if (has_count == has_ratio) {
      t.fail("count", "give exactly one of 'count' and 'effector_to_target'");
    }
    if (has_count) d.count = t.integer("count", 0);
    if (has_ratio) {
      d.effector_to_target = t.number("effector_to_target", Bound::kNonNegative);
      d.relative_to = type_index(t.choice("relative_to", type_names));
    }
    const std::vector<std::string> wheres = {"uniform", "boundary", "sphere", "box", "points"};
    const std::string where = t.choice_or("where", wheres, "uniform");
    if (where == "boundary") d.where = Where::kBoundary;
    if (where == "sphere") {
      d.where = Where::kSphere;
      d.center_um = read_point(t, "center_um", dim);
      d.radius_um = t.number("radius_um", Bound::kPositive);
    }
    if (where == "points") {
      d.where = Where::kPoints;
      const std::vector<double> flat = t.number_array("points_um");
      if (flat.empty() || flat.size() % static_cast<std::size_t>(dim) != 0) {
        t.fail("points_um", "must list " + std::to_string(dim) +
                                " coordinates per point (a flat array: x1, y1, x2, y2, ...)");
      }
      for (std::size_t k = 0; k < flat.size(); k += static_cast<std::size_t>(dim)) {
        std::array<double, 3> point = {0, 0, 0};
        for (int a = 0; a < dim; ++a) point[a] = flat[k + static_cast<std::size_t>(a)];
        d.points_um.push_back(point);
      }
      d.radius_um = t.number_or("radius_um", 10.0, Bound::kPositive);
    }
    if (where == "box") {
      d.where = Where::kBox;
      d.lo_um = read_point(t, "min_um", dim);
      d.hi_um = read_point(t, "max_um", dim);
    }
    const std::int64_t repeats = t.integer_or("repeats", 1, 1);
    if (repeats > kMaxRepeats) {
      t.fail("repeats", "must be <= " + std::to_string(kMaxRepeats) + ", got " +
                            std::to_string(repeats));
    }
    d.repeats = static_cast<int>(repeats);
    d.repeat_every_min = t.number_or("repeat_every_min", 0.0, Bound::kNonNegative);
    if (d.repeats > 1 && d.repeat_every_min <= 0) {
      t.fail("repeat_every_min", "must be > 0 when repeats > 1");
    }
    check_dose(t, d, context);
    t.finish();
    doses.push_back(d);
  }
  return std::make_unique<NkInfusion>(std::move(doses));
}

std::span<const ParameterDoc> nk_infusion_parameters() {
  static const ParameterDoc kNkInfusionParameters[] = {
      {"dose.type", "cell type", "required", "what is infused (NK, CAR-NK, T cells)", "–",
       Evidence::kNotApplicable},
      {"dose.time_min", "min", "0", "time of the (first) dose", "–", Evidence::kNotApplicable},
      {"dose.count", "cells", "–", "absolute number, or …", "–", Evidence::kNotApplicable},
      {"dose.effector_to_target", "–", "–",
       "… the ratio times the live cells of `relative_to` at that moment (at most 100)", "–",
       Evidence::kNotApplicable},
      {"dose.relative_to", "cell type", "–", "the type whose live cells the ratio multiplies", "–",
       Evidence::kNotApplicable},
      {"dose.where", "–", "`\"uniform\"`",
       "`\"uniform\"` (whole domain), `\"boundary\"` (on the domain edge: cells arriving from "
       "outside/vessels), `\"sphere\"` (an injection point), `\"points\"` (cells shared "
       "round-robin between points), `\"box\"`",
       "–", Evidence::kNotApplicable},
      {"dose.center_um", "µm", "required (sphere)", "centre of the sphere", "–",
       Evidence::kNotApplicable},
      {"dose.radius_um", "µm", "required (sphere); 10 (points)",
       "radius of the sphere, or of the disc/ball around each point", "–",
       Evidence::kNotApplicable},
      {"dose.points_um", "µm", "required (points)", "flat list x1, y1[, z1], x2, …", "–",
       Evidence::kNotApplicable},
      {"dose.min_um", "µm", "required (box)", "lower corner of the box", "–",
       Evidence::kNotApplicable},
      {"dose.max_um", "µm", "required (box)", "upper corner of the box", "–",
       Evidence::kNotApplicable},
      {"dose.repeats", "–", "1",
       "number of doses (at most 4096; at most 8 dose tables per scenario, so that no two doses "
       "share random numbers)",
       "–", Evidence::kNotApplicable},
      {"dose.repeat_every_min", "min", "–",
       "interval between repeated doses (required when repeats > 1)", "–",
       Evidence::kNotApplicable},
  };
  return kNkInfusionParameters;
}

}  // namespace nksim
