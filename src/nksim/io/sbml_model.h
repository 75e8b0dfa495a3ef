// A well-mixed model read from an SBML file (docs/sbml.md).
//
// The model owns its names and its equations as expressions (OdeModel::equations()); rhs()
// evaluates them, so it is const and safe on many threads at once. Species, parameters with rate
// rules become states; constant parameters and compartment sizes become parameters (sampled in
// trials by their SBML id; a local parameter of a kinetic law is named "<reaction>.<id>");
// reactions, rate rules, assignment rules (inlined), initial assignments and function
// definitions (inlined) are read; events that are boluses (trigger time >= t, assignments
// X = X + amount) become model_boluses(). Everything else is refused with an InputError naming
// the SBML element and its id, never approximated. There is no analytic Jacobian: CVODE uses
// difference quotients.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "nksim/ode/ode_model.h"

namespace nksim {

class SbmlModel final : public OdeModel {
 public:
  // Reads `path`. `tumour_state` names the state reported as the tumour (empty: the species or
  // state with id "T", else the first whose id or name contains "tumour" or "tumor", else the
  // first state). Throws InputError.
  static std::shared_ptr<const SbmlModel> read_file(const std::filesystem::path& path,
                                                    const std::string& tumour_state = "");
  // The same from text; `label` stands for the file name in messages.
  static std::shared_ptr<const SbmlModel> read_string(const std::string& xml,
                                                      const std::string& label,
                                                      const std::string& tumour_state = "");

  std::string_view name() const override { return name_; }
  std::string_view citation() const override { return citation_; }
  std::span<const StateInfo> states() const override { return states_; }
  std::span<const ParameterInfo> parameters() const override { return parameters_; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  std::size_t tumour_state() const override { return tumour_; }
  std::vector<double> default_initial(std::span<const double> p) const override;
  std::string_view default_initial_note() const override {
    return "the initial values and initial assignments of the SBML file";
  }
  void rhs(double t, const double* y, const double* p, double* dydt) const override;
  std::vector<Expr> equations() const override { return rates_; }
  std::vector<ModelBolus> model_boluses(std::span<const double> p) const override;

  // The text of each name and unit the StateInfo and ParameterInfo views point into.
  struct Text {
    std::string name, unit, description;
  };
  struct Bolus {
    std::size_t state = 0;
    Expr time;    // of parameters only
    Expr amount;  // of parameters only
    bool fires_at_zero = true;  // false: the trigger is true initially, so t <= 0 never fires
  };

 private:
  friend class SbmlReader;
  SbmlModel() = default;
  SbmlModel(const SbmlModel&) = delete;  // the views point into the model itself
  SbmlModel& operator=(const SbmlModel&) = delete;
  void finish();  // builds the views once all texts are in place

  std::string name_, citation_, source_;  // the views in sets_ point into source_
  std::vector<Text> state_text_, parameter_text_;
  std::vector<StateInfo> states_;
  std::vector<ParameterInfo> parameters_;
  std::vector<ParameterSet> sets_;
  std::vector<Expr> rates_;    // d state / dt
  std::vector<Expr> initial_;  // initial state, of parameters only
  std::vector<Bolus> boluses_;
  std::size_t tumour_ = 0;
};

}  // namespace nksim
