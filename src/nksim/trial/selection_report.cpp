// Who responds (docs/trials.md, "Analysis"): the "selection" section of `trial analyse`.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>

#include "nksim/trial/analysis_parts.h"
#include "nksim/trial/selection.h"

namespace nksim {

using SelectionJson = nlohmann::ordered_json;

// Who responds: per arm, the ROC AUC of each numeric sampled parameter for objective response
// (CR or PR), and a logistic model of all of them with its cross-validated AUC.
namespace {
constexpr std::size_t kSelectionFolds = 5;
constexpr double kSelectionRidge = 1.0;  // on standardised coefficients; see selection.h
}  // namespace

SelectionJson analyse_selection(const TrialData& data, std::ostream& table) {
  SelectionJson selection = SelectionJson::array();
  const auto columns = numeric_parameters(data);
  if (columns.empty()) return selection;
  char line[512];
  std::ostringstream lines;
  for (std::size_t a = 0; a < data.arms.size(); ++a) {
    std::vector<double> x;
    std::vector<bool> responded;
    for (const auto& row : data.rows) {
      if (row.arm != a || !row.ok) continue;
      for (std::size_t k : columns) x.push_back(data.values[row.patient][k]);
      responded.push_back(row.endpoints.category == "CR" || row.endpoints.category == "PR");
    }
    const std::size_t n = responded.size();
    const auto responders =
        static_cast<std::size_t>(std::count(responded.begin(), responded.end(), true));
    SelectionJson arm = {{"arm", data.arms[a]},
                {"outcome", "objective_response"},
                {"n", n},
                {"responders", responders}};
    if (responders == 0 || responders == n) {
      arm["features"] = SelectionJson::array();
      arm["logistic"] = nullptr;
      selection.push_back(arm);
      lines << "  " << data.arms[a] << ": " << responders << " of " << n
            << " responded; nothing to discriminate\n";
      continue;
    }
    const std::size_t k = columns.size();
    SelectionJson features = SelectionJson::array();
    std::vector<std::pair<double, std::string>> ranked;
    for (std::size_t c = 0; c < k; ++c) {
      std::vector<double> feature(n);
      for (std::size_t i = 0; i < n; ++i) feature[i] = x[i * k + c];
      const RocAuc r = roc_auc(feature, responded);
      const std::string& name = data.parameters[columns[c]].name;
      features.push_back({{"parameter", name},
                          {"auc", r.auc},
                          {"ci", {r.ci.lower, r.ci.upper}},
                          {"standard_error", r.standard_error}});
      std::snprintf(line, sizeof line, "%s %.3f (%.3f-%.3f)", name.c_str(), r.auc, r.ci.lower,
                    r.ci.upper);
      ranked.emplace_back(std::abs(r.auc - 0.5), line);
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& l, const auto& r) { return l.first > r.first; });
    arm["features"] = features;
    lines << "  " << data.arms[a] << " (" << responders << " of " << n << " responded): AUC ";
    for (std::size_t i = 0; i < ranked.size(); ++i) lines << (i ? ", " : "") << ranked[i].second;
    lines << "\n";
    // The logistic model needs every fold to hold both outcomes.
    if (responders < kSelectionFolds || n - responders < kSelectionFolds) {
      arm["logistic"] = nullptr;
      selection.push_back(arm);
      continue;
    }
    const auto every_row = [](std::size_t) { return true; };
    const std::vector<double> z = standardised_rows(x, k, column_scale(x, k, every_row), every_row);
    const LogisticModel model = fit_logistic(z, k, responded, kSelectionRidge);
    const std::vector<double> scores =
        cross_validated_scores(x, k, responded, kSelectionFolds, kSelectionRidge);
    const RocAuc cv = roc_auc(scores, responded);
    SelectionJson coefficients = SelectionJson::array();
    for (std::size_t c = 0; c < k; ++c) {
      coefficients.push_back({{"parameter", data.parameters[columns[c]].name},
                              {"per_sd", model.coefficients[c]},
                              {"odds_ratio_per_sd", std::exp(model.coefficients[c])}});
    }
    arm["logistic"] = {{"intercept", model.intercept},
                       {"coefficients", coefficients},
                       {"ridge", kSelectionRidge},
                       {"folds", kSelectionFolds},
                       {"cv_auc", cv.auc},
                       {"cv_auc_ci", {cv.ci.lower, cv.ci.upper}}};
    std::snprintf(line, sizeof line,
                  "  %s: logistic model of all %zu, %zu-fold cross-validated AUC %.3f "
                  "(%.3f-%.3f)\n",
                  data.arms[a].c_str(), k, kSelectionFolds, cv.auc, cv.ci.lower, cv.ci.upper);
    lines << line;
    selection.push_back(arm);
  }
  table << "Who responds (objective response; ROC AUC of each sampled parameter, 95% CI):\n"
        << lines.str();
  return selection;
}

}  // namespace nksim
