// ligand_mutation: heritable, multiplicative variation of ligand / MHC-I levels at division
// (rules/nk_escape.h): each of the two cells leaving a division gets
//   L <- clamp(L exp(mu + sigma z - sigma^2/2), L_min, L_max),  z ~ N(0, 1) per cell,
// so under NK pressure ligand-low / MHC-I-high clones can be selected (immune escape).
// Docs: docs/mechanisms/ligand_mutation.md.
#include <algorithm>
#include <cstdint>

#include "nksim/core/rng.h"
#include "nksim/core/text.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanism_docs.h"
#include "nksim/rules/nk_escape.h"

namespace nksim {
namespace {

struct PropertyMutation {
  std::size_t column = 0;
  rules::nk::MutationParams params;
};

class LigandMutation final : public Mechanism {
 public:
  explicit LigandMutation(std::vector<std::vector<PropertyMutation>> by_type)
      : by_type_(std::move(by_type)) {}
  const char* name() const override { return "ligand_mutation"; }
  unsigned phases() const override { return 0; }
  void run(Phase, Simulation&, const StepInfo&) override {}

  void on_divide(Simulation& sim, std::size_t mother, std::size_t daughter,
                 const StepInfo& step) override {
    AgentStore& a = sim.agents();
    const auto& list = by_type_[static_cast<std::size_t>(a.type[mother])];
    for (std::size_t k = 0; k < list.size(); ++k) {
      const PropertyMutation& m = list[k];
      double z_mother, z_daughter;
      RandomDraw(sim.seed(), step.step, Purpose::kMutation, a.id[daughter],
                 static_cast<std::uint32_t>(1000 + k))
          .normals(z_mother, z_daughter);
      std::vector<double>& column = a.property[m.column];
      const double level = column[mother];  // the daughter was copied from the mother
      column[mother] = rules::nk::mutate_level(level, z_mother, m.params);
      column[daughter] = rules::nk::mutate_level(level, z_daughter, m.params);
    }
  }

 private:
  std::vector<std::vector<PropertyMutation>> by_type_;
};

}  // namespace

std::unique_ptr<Mechanism> make_ligand_mutation(TableReader& table, const SetupContext& context) {
  std::vector<std::vector<PropertyMutation>> by_type(context.types.size());
  for_each_type_table(table, context, {}, [&](int t, TableReader& sub) {
    for (const std::string& key : sub.keys()) {
      const auto& names = context.property_names;
      const int column = context.property(key);
      if (column < 0) {
        sub.fail(key, "is not a property of any cell type" + did_you_mean(key, names));
      }
      TableReader m = sub.table(key);
      PropertyMutation pm;
      pm.column = static_cast<std::size_t>(column);
      pm.params.sigma = m.number("sigma", Bound::kNonNegative);
      pm.params.mu = m.number_or("mu", 0.0);
      pm.params.min_level = m.number_or("min_level", 0.0, Bound::kNonNegative);
      pm.params.max_level = m.number_or("max_level", 10.0, Bound::kPositive);
      if (pm.params.max_level < pm.params.min_level) m.fail("max_level", "must be >= min_level");
      m.finish();
      by_type[static_cast<std::size_t>(t)].push_back(pm);
    }
  });
  return std::make_unique<LigandMutation>(std::move(by_type));
}

std::span<const ParameterDoc> ligand_mutation_parameters() {
  static const ParameterDoc kLigandMutationParameters[] = {
      {"<type>.<property>.sigma", "log units per division", "required",
       "σ: spread of the lognormal factor", "assumption (e.g. 0.1–0.3)", Evidence::kAssumption},
      {"<type>.<property>.mu", "log units", "0", "μ: E[factor] = e^μ",
       "assumption (0 = mean-preserving)", Evidence::kAssumption},
      {"<type>.<property>.min_level", "property units", "0", "lower clamp L_min", "assumption",
       Evidence::kAssumption},
      {"<type>.<property>.max_level", "property units", "10", "upper clamp L_max", "assumption",
       Evidence::kAssumption},
  };
  return kLigandMutationParameters;
}

}  // namespace nksim
