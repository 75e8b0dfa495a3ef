// t_cell_recruitment: mature dendritic cells (or any listed type) bring effector cells into the
// tissue. Each phenotype step the number of arrivals is Poisson with mean n r dt (n live cells
// of the recruiting type, r per cell per minute; rules/nk_event_probability.h), drawn from one
// counter-based uniform; arrivals appear on the domain boundary (from vessels / lymphatics).
// Biology: IFN-gamma matures DCs, which prime CD8 T cells that then home to the tissue
// (BIOLOGY.md Part 1). Rates are assumptions. Docs: docs/mechanisms/t_cell_recruitment.md.
#include <algorithm>
#include <cstdint>

#include "nksim/core/rng.h"
#include "nksim/core/state_archive.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanism_docs.h"
#include "nksim/mechanisms/nk_placement.h"
#include "nksim/rules/nk_event_probability.h"

namespace nksim {
namespace {

struct Recruiter {
  int recruits = -1;  // type index of the arriving cells
  double rate_per_min = 0;
  double delay_min = 0;  // no arrivals before this time (priming takes days in vivo)
};

class TCellRecruitment final : public Mechanism {
 public:
  explicit TCellRecruitment(std::vector<Recruiter> by_type) : by_type_(std::move(by_type)) {}
  const char* name() const override { return "t_cell_recruitment"; }
  unsigned phases() const override { return phase_bit(Phase::kDecide); }

  void run(Phase, Simulation& sim, const StepInfo& step) override {
    const AgentStore& a = sim.agents();
    std::vector<int> live(by_type_.size(), 0);
    for (std::size_t i = 0; i < a.size(); ++i) {
      live[static_cast<std::size_t>(a.type[i])] +=
          a.state[i] == static_cast<std::int32_t>(AgentState::kLive);
    }
    for (std::size_t t = 0; t < by_type_.size(); ++t) {
      const Recruiter& r = by_type_[t];
      if (r.recruits < 0 || live[t] == 0 || step.time_min + 1e-9 < r.delay_min) continue;
      const RandomDraw draw(sim.seed(), step.step, Purpose::kRecruitment, 0,
                            static_cast<std::uint32_t>(60000 + t));
      const int arrivals =
          rules::nk::poisson_count(live[t] * r.rate_per_min * step.dt_min, draw.uniform(0));
      for (int c = 0; c < arrivals; ++c) {
        const RandomDraw p(sim.seed(), step.step, Purpose::kRecruitment,
                           static_cast<std::uint64_t>(c) + 1,
                           static_cast<std::uint32_t>(60000 + t));
        const RandomDraw q(sim.seed(), step.step, Purpose::kRecruitment,
                           static_cast<std::uint64_t>(c) + 1,
                           static_cast<std::uint32_t>(61000 + t));
        const double u[4] = {p.uniform(0), p.uniform(1), q.uniform(0), q.uniform(1)};
        const auto x = boundary_point(sim.domain(), u);
        sim.add_agent(r.recruits, x[0], x[1], x[2]);
      }
      recruited_ += arrivals;
    }
  }

  nlohmann::json readouts(const Simulation&) const override { return {{"recruited", recruited_}}; }
  void save_state(StateWriter& out) const override { out.put_value("recruited", recruited_); }
  void restore_state(const StateReader& in) override {
    recruited_ = in.get_value<long>("recruited");
  }

 private:
  std::vector<Recruiter> by_type_;
  long recruited_ = 0;
};

}  // namespace

std::unique_ptr<Mechanism> make_t_cell_recruitment(TableReader& table,
                                                   const SetupContext& context) {
  std::vector<std::string> names;
  for (const auto& t : context.types) names.push_back(t.name);
  std::vector<Recruiter> by_type(context.types.size());
  for_each_type_table(table, context, {}, [&](int ti, TableReader& sub) {
    Recruiter& r = by_type[static_cast<std::size_t>(ti)];
    const std::string recruits = sub.choice("recruits", names);
    r.recruits = static_cast<int>(std::find(names.begin(), names.end(), recruits) - names.begin());
    r.rate_per_min = sub.number("rate_per_min", Bound::kNonNegative);
    r.delay_min = sub.number_or("delay_min", 0.0, Bound::kNonNegative);
  });
  return std::make_unique<TCellRecruitment>(std::move(by_type));
}

std::span<const ParameterDoc> t_cell_recruitment_parameters() {
  static const ParameterDoc kTCellRecruitmentParameters[] = {
      {"<type>.recruits", "cell type", "required", "the arriving type (e.g. `cd8`)", "–",
       Evidence::kNotApplicable},
      {"<type>.rate_per_min", "cells per recruiting cell per min", "required",
       "arrival rate r per live recruiting cell (Poisson, mean n·r·dt)", "assumption",
       Evidence::kAssumption},
      {"<type>.delay_min", "min", "0",
       "no arrivals before this time (priming and homing; days in vivo)", "assumption",
       Evidence::kAssumption},
  };
  return kTCellRecruitmentParameters;
}

}  // namespace nksim
