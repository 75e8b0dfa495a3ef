// Every built-in model, with every parameter set, exports as SBML Level 3 Version 2 that
// libSBML's consistency checks (all categories, units included) pass with no error.
#include <gtest/gtest.h>

#include "nksim/io/sbml_export.h"
#include "nksim/core/error.h"
#include "nksim/io/well_mixed_scenario.h"

namespace nksim {
namespace {

TEST(SbmlExport, EveryModelAndSetIsConsistentSbml) {
  for (const OdeModel* model : all_models()) {
    for (const auto& set : model->parameter_sets()) {
      const std::string xml = export_sbml(model_problem(*model, std::string(set.name)));
      EXPECT_NE(xml.find("level=\"3\" version=\"2\""), std::string::npos);
      const auto errors = sbml_consistency_errors(xml);
      EXPECT_TRUE(errors.empty()) << model->name() << "/" << set.name << ": " << errors.front();
    }
  }
}

TEST(SbmlExport, DosesBecomeEventsAndInfusionTerms) {
  WellMixedProblem problem = model_problem(*find_model("depillis2005"), "");
  problem.doses.push_back({1, false, 7, 0, 1e7, 0});     // bolus of 1e7 into N at day 7
  problem.doses.push_back({1, true, 10, 12, 0, 5e6});    // infusion into N, days 10-12
  const std::string xml = export_sbml(problem);
  EXPECT_TRUE(sbml_consistency_errors(xml).empty());
  EXPECT_NE(xml.find("<event id=\"dose_1\""), std::string::npos);
  EXPECT_NE(xml.find("<piecewise>"), std::string::npos);
  EXPECT_EQ(xml.find("dose_2"), std::string::npos);  // the infusion is no event
}

TEST(SbmlExport, UnknownParameterSetIsAnInputError) {
  EXPECT_THROW(model_problem(*find_model("depillis2005"), "mouse_xx"), InputError);
}

}  // namespace
}  // namespace nksim
