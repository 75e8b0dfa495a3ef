// The interface every well-mixed (ODE) model implements.
//
// A model is a stateless description: named states and parameters with units and sources,
// built-in parameter sets, a right-hand side and (where cheap) an analytic Jacobian. The
// parameter values live in the run, not in the model, so one model object serves many patients
// on many threads at once.
#pragma once

#include <atomic>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nksim/ode/expression.h"

namespace nksim {

struct StateInfo {
  std::string_view name;         // the paper's symbol in ASCII ("T", "N", ...)
  std::string_view unit;         // "cells", "mg/L", ...
  std::string_view description;  // what the state is
};

struct ParameterInfo {
  std::string_view name;
  std::string_view unit;
  std::string_view description;
  bool may_be_negative = false;  // all built-in parameters are rates, capacities or exponents
};

struct ParameterSet {
  std::string_view name;
  std::string_view description;
  std::string_view source;     // citation for the values, and which sources were compared
  std::vector<double> values;  // in the order of OdeModel::parameters()
};

// A bolus the model itself gives (an SBML event): `amount` added to state `state` at `time_days`.
struct ModelBolus {
  std::size_t state = 0;
  double time_days = 0;
  double amount = 0;
};

// The dose range, in the state's unit, that clinical practice (or, for a mouse model, experimental
// practice) gives into a state: per bolus, or per infusion (rate x duration). Outside it nksim
// warns, it does not refuse (docs/scenarios.md, "Plausible doses").
struct PlausibleDose {
  double low = 0;
  double high = 0;
  std::string_view context;  // species and conversion: "human: 1e5-1e8 NK cells/kg, 70 kg adult"
  std::string_view source;   // short citation of the range
};

// A quantity computed from the state and the parameters at each output time (not integrated):
// written as an extra column of timeseries.csv after the states, with its unit.
struct DerivedOutput {
  std::string name;         // column name ("R0")
  std::string unit;         // "-" for a pure number
  std::string description;  // what it is, with its source
  Expr value;               // over states(), parameters() and time
};

class OdeModel {
 public:
  virtual ~OdeModel() = default;

  virtual std::string_view name() const = 0;       // "depillis2005"
  virtual std::string_view citation() const = 0;   // full reference of the paper
  virtual std::span<const StateInfo> states() const = 0;
  virtual std::span<const ParameterInfo> parameters() const = 0;
  virtual std::span<const ParameterSet> parameter_sets() const = 0;  // the first is the default
  virtual std::size_t tumour_state() const = 0;   // index of the tumour (or target) state

  // Documented default initial state for the given parameters (some defaults are steady states,
  // e.g. the tumour-free NK level sigma/f).
  virtual std::vector<double> default_initial(std::span<const double> p) const = 0;
  virtual std::string_view default_initial_note() const = 0;

  // dy/dt at (t, y) for parameters p.
  virtual void rhs(double t, const double* y, const double* p, double* dydt) const = 0;

  // The same right-hand side as data: equations()[i] is dy_i/dt over states(), parameters() and
  // time. rhs() and equations() agree to rounding (tests/unit/ode/equations_test.cpp).
  virtual std::vector<Expr> equations() const = 0;

  // Boluses that are part of the model (SBML events), for parameters p, sorted by time. The
  // engine restarts the solver at each, like at a dose; nk_kinetics ends its expansion programme
  // this way (a state that jumps from 1 to 0 at t = Tmax).
  virtual std::vector<ModelBolus> model_boluses(std::span<const double> /*p*/) const { return {}; }

  // Quantities derived from (t, y, p) written beside the states at each output time; none by
  // default. hernandez_vargas2012 gives the reproduction number R0 along the trajectory.
  virtual std::vector<DerivedOutput> derived_outputs() const { return {}; }

  // The plausible dose range for doses into `state`, or none (no warning) where the model does
  // not know one.
  virtual std::optional<PlausibleDose> plausible_dose(std::size_t /*state*/) const {
    return std::nullopt;
  }

  // Analytic Jacobian J[i*n + j] = d f_i / d y_j (row-major); only if has_jacobian().
  virtual bool has_jacobian() const { return false; }
  virtual void jacobian(double /*t*/, const double* /*y*/, const double* /*p*/,
                        double* /*jac*/) const {}

  std::size_t num_states() const { return states().size(); }
  std::size_t num_parameters() const { return parameters().size(); }
  // Index of a state or parameter by name, or -1.
  int state_index(std::string_view state_name) const;
  int parameter_index(std::string_view parameter_name) const;
  const ParameterSet* find_parameter_set(std::string_view set_name) const;
  std::vector<std::string> state_names() const;
  std::vector<std::string> parameter_names() const;
  std::vector<std::string> parameter_set_names() const;
  // Whether dy/dt reads the time t (from equations(); worked out once per model object).
  bool reads_time() const;

 private:
  mutable std::atomic<int> reads_time_{-1};  // -1: not yet known
};

// All built-in models, in a fixed order (the registry is one explicit list in models.cpp).
std::span<const OdeModel* const> all_models();
const OdeModel* find_model(std::string_view name);
std::vector<std::string> model_names();

}  // namespace nksim
