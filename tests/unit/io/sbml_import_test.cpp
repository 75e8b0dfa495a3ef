// SBML import: hand-written models of each supported construct against their closed forms, a
// round trip of every built-in model (export, import, simulate) against the native model, and
// one file per refused construct, whose message must name the SBML element and its id.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nksim/core/error.h"
#include "nksim/io/sbml_export.h"
#include "nksim/io/sbml_model.h"
#include "nksim/io/well_mixed_scenario.h"

namespace nksim {
namespace {

const std::string kDir = std::string(NKSIM_SOURCE_DIR) + "/tests/data/sbml/";

// A scenario running tests/data/sbml/<file> for `days`, output every 0.5 day, tight tolerances.
WellMixedScenario fixture_scenario(const std::string& file, double days) {
  const std::string text = "[simulation]\nengine = \"well_mixed\"\nmodel = \"sbml\"\nsbml = \"" +
                           file + "\"\nend_time_days = " + std::to_string(days) +
                           "\noutput_interval_days = 0.5\n[solver]\nrtol = 1e-10\natol = 1e-12\n";
  return parse_well_mixed(TomlDocument::parse_string(text, kDir + "scenario.toml"));
}

// Runs the fixture and checks state 0 against `exact` at every output time.
template <typename F>
void expect_closed_form(const std::string& file, double days, F exact) {
  const WellMixedProblem problem = resolve(fixture_scenario(file, days));
  const WellMixedResult result = simulate(problem);
  ASSERT_GT(result.times_days.size(), 4u);
  for (std::size_t i = 0; i < result.times_days.size(); ++i) {
    const double t = result.times_days[i];
    EXPECT_NEAR(result.value(i, 0), exact(t), 1e-7 * std::fabs(exact(t))) << file << " t=" << t;
  }
}

// dA/dt = -k A with A a concentration in a compartment of size 2 (kinetic law k A V, amounts
// per day, divided by V), k = 0.3 a local parameter of the kinetic law: A = 10 e^{-0.3 t}.
TEST(SbmlImport, ExponentialDecayThroughAReaction) {
  expect_closed_form("decay_reaction.xml", 10, [](double t) { return 10 * std::exp(-0.3 * t); });
  // The same model in SBML Level 2 Version 4 (kinetic-law parameters instead of local ones).
  expect_closed_form("decay_reaction_l2v4.xml", 10,
                     [](double t) { return 10 * std::exp(-0.3 * t); });
  const auto model = SbmlModel::read_file(kDir + "decay_reaction.xml");
  EXPECT_GE(model->parameter_index("r1.k"), 0);  // local parameters are named <reaction>.<id>
  EXPECT_GE(model->parameter_index("V"), 0);     // compartment sizes are parameters
  EXPECT_FALSE(model->has_jacobian());
}

// dx/dt = r x (1 - x/K), x0 = 1, r = 0.5, K = 100: x = K / (1 + (K/x0 - 1) e^{-r t}).
TEST(SbmlImport, LogisticGrowthByARateRule) {
  expect_closed_form("logistic_rate_rule.xml", 20,
                     [](double t) { return 100 / (1 + 99 * std::exp(-0.5 * t)); });
  // The same with r written as the rational number 1/2 and the 1 as an integer (<cn type=...>).
  expect_closed_form("logistic_integer_rational.xml", 20,
                     [](double t) { return 100 / (1 + 99 * std::exp(-0.5 * t)); });
}

// k_eff = 2 k (assignment rule), y0 = 3 y_scale (initial assignment), dy/dt = -f(k_eff, y) with
// f(a, b) = a b (function definition); k = 0.1, y_scale = 2: y = 6 e^{-0.2 t}.
TEST(SbmlImport, AssignmentRuleInitialAssignmentAndFunctionDefinition) {
  expect_closed_form("rules_and_functions.xml", 10, [](double t) { return 6 * std::exp(-0.2 * t); });
  // y_scale is a parameter, so the initial value follows it when a scenario or trial changes it.
  WellMixedScenario s = fixture_scenario("rules_and_functions.xml", 1);
  s.parameters["y_scale"] = 5;
  EXPECT_DOUBLE_EQ(resolve(s).initial[0], 15);
}

// dX/dt = -0.5 X from X0 = 4; an event at time >= t_dose = 2 sets X = X + 10.
TEST(SbmlImport, EventBolus) {
  expect_closed_form("event_bolus.xml", 6, [](double t) {
    if (t < 2) return 4 * std::exp(-0.5 * t);
    return (4 * std::exp(-1.0) + 10) * std::exp(-0.5 * (t - 2));
  });
  const WellMixedProblem problem = resolve(fixture_scenario("event_bolus.xml", 6));
  ASSERT_EQ(problem.doses.size(), 1u);  // the event became a bolus dose
  EXPECT_EQ(problem.doses[0].start_days, 2);
  EXPECT_EQ(problem.doses[0].amount, 10);
}

TEST(SbmlImport, RefusedConstructsNameTheElementAndId) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"refused_algebraic_rule.xml", "algebraic rule 2 'balance' is not supported"},
      {"refused_delay.xml", "the rate rule for 'x' uses delay()"},
      {"refused_rate_of.xml", "the rate rule for 'w' uses rateOf()"},
      {"refused_fast_reaction.xml", "reaction 'quick' is fast"},
      {"refused_event_delay.xml", "event 'dose' has a delay"},
      {"refused_event_priority.xml", "event 'dose' has a priority"},
      {"refused_event_state_trigger.xml", "event 'dose': its trigger is not of the form"},
      {"refused_event_not_bolus.xml", "event 'dose': its assignment to 'X' is not of the form"},
      {"refused_compartment_not_constant.xml", "compartment 'V' is not constant"},
      {"refused_time_in_seconds.xml", "timeUnits 's_unit'"},
      {"refused_trig_function.xml", "the rate rule for 'x' uses the MathML function 'sin'"},
      {"refused_event_assigns_parameter.xml", "event 'dose' assigns 'd', which is not a state"},
      {"refused_conversion_factor.xml", "species 'X' has a conversionFactor"},
      {"refused_not_xml.xml", "not valid SBML"},
  };
  for (const auto& [file, expected] : cases) {
    try {
      (void)SbmlModel::read_file(kDir + file);
      ADD_FAILURE() << file << " was read";
    } catch (const InputError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(file), std::string::npos) << message;
      EXPECT_NE(message.find(expected), std::string::npos) << message;
    }
  }
}

TEST(SbmlImport, ScenarioKeysAreChecked) {
  const auto parse = [](const std::string& simulation) {
    return parse_well_mixed(TomlDocument::parse_string(
        "[simulation]\nengine = \"well_mixed\"\nend_time_days = 5\n" + simulation,
        kDir + "scenario.toml"));
  };
  EXPECT_THROW(parse("model = \"sbml\"\n"), InputError);  // no sbml = "file"
  EXPECT_THROW(parse("model = \"sbml\"\nsbml = \"missing.xml\"\n"), InputError);
  EXPECT_THROW(parse("model = \"depillis2005\"\nsbml = \"event_bolus.xml\"\n"), InputError);
  EXPECT_THROW(parse("model = \"sbml\"\nsbml = \"event_bolus.xml\"\ntumour_state = \"Q\"\n"),
               InputError);
  EXPECT_EQ(parse("model = \"sbml\"\nsbml = \"event_bolus.xml\"\ntumour_state = \"X\"\n")
                .imported->tumour_state(),
            0u);
}

// Export, import, simulate: the imported model follows the native one within 1e-6 relative at
// every output time (both solved with rtol 1e-10; the imported one has no analytic Jacobian).
// A bolus (an SBML event) and an infusion (a piecewise term) are part of the check.
TEST(SbmlImport, RoundTripOfEveryBuiltInModelMatchesTheNativeModel) {
  constexpr double kRelative = 1e-6;
  for (const OdeModel* model : all_models()) {
    for (const auto& set : model->parameter_sets()) {
      WellMixedProblem native = model_problem(*model, std::string(set.name));
      native.end_time_days = 60;
      for (int day = 0; day <= 60; day += 5) native.output_times_days.push_back(day);
      native.solver.rtol = 1e-10;
      native.solver.atol = 1e-8;
      const std::size_t nk = static_cast<std::size_t>(std::max(0, model->state_index("N")));
      native.doses.push_back({nk, false, 7, 0, 1e6, 0});
      native.doses.push_back({nk, true, 20, 25, 0, 2e5});
      const std::string xml = export_sbml(native);

      WellMixedProblem imported = native;
      // A target state other than `T` (the importer's guess) is named, as a scenario does with
      // tumour_state (the viral load V of the viral models).
      const std::string target(model->states()[model->tumour_state()].name);
      const auto sbml = SbmlModel::read_string(xml, std::string(model->name()) + ".xml",
                                               target == "T" ? std::string() : target);
      imported.model = sbml.get();
      imported.model_owner = sbml;
      // The imported parameters are the compartment size `body`, then the model's own.
      imported.parameters = sbml->parameter_sets().front().values;
      ASSERT_EQ(imported.parameters.size(), native.parameters.size() + 1);
      for (std::size_t i = 0; i < native.parameters.size(); ++i) {
        const int index = sbml->parameter_index(model->parameters()[i].name);
        ASSERT_GE(index, 0);
        EXPECT_EQ(imported.parameters[static_cast<std::size_t>(index)], native.parameters[i]);
      }
      imported.doses.clear();  // the infusion is in the rate rule; the bolus is an event
      for (const ModelBolus& b : sbml->model_boluses(imported.parameters)) {
        imported.doses.push_back({b.state, false, b.time_days, 0, b.amount, 0});
      }
      // The test's bolus, and the model's own boluses (events of model_problem()).
      ASSERT_EQ(imported.doses.size(), 1u + model->model_boluses(native.parameters).size());
      EXPECT_EQ(sbml->tumour_state(), model->tumour_state());
      // libSBML writes numbers with 15 significant digits.
      const auto initial = sbml->default_initial(imported.parameters);
      for (std::size_t s = 0; s < initial.size(); ++s) {
        EXPECT_NEAR(initial[s], native.initial[s], 1e-14 * std::fabs(native.initial[s]));
      }

      SCOPED_TRACE(std::string(model->name()) + "/" + std::string(set.name));
      const WellMixedResult a = simulate(native);
      SCOPED_TRACE("imported");
      const WellMixedResult b = simulate(imported);
      ASSERT_EQ(a.times_days, b.times_days);
      for (std::size_t i = 0; i < a.times_days.size(); ++i) {
        for (std::size_t s = 0; s < model->num_states(); ++s) {
          const double x = a.value(i, s), y = b.value(i, s);
          EXPECT_LE(std::fabs(x - y), kRelative * std::max({std::fabs(x), std::fabs(y), 1.0}))
              << model->name() << "/" << set.name << " state " << model->states()[s].name
              << " day " << a.times_days[i] << ": native " << x << ", imported " << y;
        }
      }
    }
  }
}

}  // namespace
}  // namespace nksim
