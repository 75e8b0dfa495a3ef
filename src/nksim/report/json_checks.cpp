#include "nksim/report/json_checks.h"

#include "nksim/core/error.h"

namespace nksim::report {
namespace {

using nlohmann::json;

enum class Kind { kObject, kArray, kNumber, kString, kBool, kNumberOrNull, kArrayOfNumbers };

bool matches(const json& value, Kind kind) {
  switch (kind) {
    case Kind::kObject:
      return value.is_object();
    case Kind::kArray:
      return value.is_array();
    case Kind::kNumber:
      return value.is_number();
    case Kind::kString:
      return value.is_string();
    case Kind::kBool:
      return value.is_boolean();
    case Kind::kNumberOrNull:
      return value.is_number() || value.is_null();
    case Kind::kArrayOfNumbers:
      if (!value.is_array()) return false;
      for (const auto& v : value) {
        if (!v.is_number() && !v.is_null()) return false;
      }
      return true;
  }
  return false;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kObject:
      return "an object";
    case Kind::kArray:
      return "an array";
    case Kind::kNumber:
      return "a number";
    case Kind::kString:
      return "a string";
    case Kind::kBool:
      return "true or false";
    case Kind::kNumberOrNull:
      return "a number or null";
    case Kind::kArrayOfNumbers:
      return "an array of numbers";
  }
  return "?";
}

class Checker {
 public:
  explicit Checker(std::string file) : file_(std::move(file)) {}

  const json& need(const json& parent, const std::string& path, const std::string& key,
                   Kind kind) const {
    const std::string where = path.empty() ? key : path + "." + key;
    if (!parent.is_object() || !parent.contains(key)) {
      throw InputError(file_ + ": " + where + ": missing");
    }
    const json& value = parent[key];
    if (!matches(value, kind)) {
      throw InputError(file_ + ": " + where + ": must be " + kind_name(kind) + ", got " +
                       value.dump().substr(0, 60));
    }
    return value;
  }

  void need_pair(const json& parent, const std::string& path, const std::string& key) const {
    const json& value = need(parent, path, key, Kind::kArrayOfNumbers);
    if (value.size() != 2) {
      throw InputError(file_ + ": " + path + "." + key + ": must be [lower, upper]");
    }
  }

 private:
  std::string file_;
};

std::string at(const std::string& name, std::size_t i) {
  return name + "[" + std::to_string(i) + "]";
}

// An arm of analysis.json at `path` ("arms[0]"); one none of whose plans succeeded (n = 0) has
// null rates and intervals.
void check_trial_arm(const Checker& c, const json& arm, const std::string& path,
                     const std::string& file) {
  c.need(arm, path, "name", Kind::kString);
  const bool empty = c.need(arm, path, "n", Kind::kNumber).get<double>() == 0;
  const json& response = c.need(arm, path, "response", Kind::kObject);
  for (const char* key : {"CR", "PR", "SD", "PD"}) {
    c.need(response, path + ".response", key, Kind::kNumber);
  }
  c.need(response, path + ".response", "orr", empty ? Kind::kNumberOrNull : Kind::kNumber);
  const json& elimination = c.need(arm, path, "elimination", Kind::kObject);
  c.need(elimination, path + ".elimination", "rate", empty ? Kind::kNumberOrNull : Kind::kNumber);
  if (!empty) {
    c.need_pair(response, path + ".response", "orr_ci");
    c.need_pair(elimination, path + ".elimination", "ci");
  }
  c.need(arm, path, "ttp_median_days", Kind::kNumberOrNull);
  const json& km = c.need(arm, path, "km", Kind::kObject);
  const std::size_t n = c.need(km, path + ".km", "time_days", Kind::kArrayOfNumbers).size();
  for (const char* key : {"survival", "lower", "upper", "at_risk", "events"}) {
    if (c.need(km, path + ".km", key, Kind::kArrayOfNumbers).size() != n) {
      throw InputError(file + ": " + path + ".km." + key + ": must have as many entries as " +
                       path + ".km.time_days (" + std::to_string(n) + ")");
    }
  }
  if (!arm.contains("thresholds")) return;
  const json& thresholds = c.need(arm, path, "thresholds", Kind::kArray);
  for (std::size_t i = 0; i < thresholds.size(); ++i) {
    const json& t = thresholds[i];
    const std::string at_t = path + ".thresholds[" + std::to_string(i) + "]";
    for (const char* key : {"name", "state", "direction", "kind"})
      c.need(t, at_t, key, Kind::kString);
    for (const char* key : {"day", "level", "met", "n", "rate"})
      c.need(t, at_t, key, Kind::kNumber);
    c.need_pair(t, at_t, "ci");
    c.need(t, at_t, "peak_median", Kind::kNumberOrNull);
    if (!t.contains("km")) continue;
    const json& tk = c.need(t, at_t, "km", Kind::kObject);
    const std::size_t m = c.need(tk, at_t + ".km", "time_days", Kind::kArrayOfNumbers).size();
    for (const char* key : {"fraction_not_crossed", "lower", "upper", "at_risk", "events"}) {
      if (c.need(tk, at_t + ".km", key, Kind::kArrayOfNumbers).size() != m) {
        throw InputError(file + ": " + at_t + ".km." + key + ": must have as many entries as " +
                         at_t + ".km.time_days (" + std::to_string(m) + ")");
      }
    }
  }
}

void check_trial_patient(const Checker& c, const json& patient, const std::string& path) {
  c.need(patient, path, "patient", Kind::kNumber);
  c.need(patient, path, "arm", Kind::kString);
  c.need(patient, path, "best_pct_change", Kind::kNumber);
  c.need(patient, path, "category", Kind::kString);
  c.need(patient, path, "ttp_days", Kind::kNumberOrNull);
  c.need(patient, path, "survival_days", Kind::kNumber);
  c.need(patient, path, "death", Kind::kBool);
  c.need(patient, path, "elimination_time_days", Kind::kNumberOrNull);
}

// The optional lists: log-rank tests, PRCC rows and tumour trajectories.
void check_trial_statistics(const Checker& c, const json& analysis) {
  if (analysis.contains("logrank")) {
    const json& tests = c.need(analysis, "", "logrank", Kind::kArray);
    for (std::size_t i = 0; i < tests.size(); ++i) {
      c.need(tests[i], at("logrank", i), "arm_a", Kind::kString);
      c.need(tests[i], at("logrank", i), "arm_b", Kind::kString);
      c.need(tests[i], at("logrank", i), "chi2", Kind::kNumber);
      c.need(tests[i], at("logrank", i), "p_value", Kind::kNumber);
    }
  }
  if (analysis.contains("prcc")) {
    const json& prcc = c.need(analysis, "", "prcc", Kind::kArray);
    for (std::size_t i = 0; i < prcc.size(); ++i) {
      c.need(prcc[i], at("prcc", i), "endpoint", Kind::kString);
      c.need(prcc[i], at("prcc", i), "parameter", Kind::kString);
      c.need(prcc[i], at("prcc", i), "prcc", Kind::kNumber);
      c.need(prcc[i], at("prcc", i), "p_value", Kind::kNumber);
    }
  }
  if (analysis.contains("selection")) {
    const json& selection = c.need(analysis, "", "selection", Kind::kArray);
    for (std::size_t i = 0; i < selection.size(); ++i) {
      const std::string path = at("selection", i);
      c.need(selection[i], path, "arm", Kind::kString);
      c.need(selection[i], path, "n", Kind::kNumber);
      c.need(selection[i], path, "responders", Kind::kNumber);
      const json& features = c.need(selection[i], path, "features", Kind::kArray);
      for (std::size_t k = 0; k < features.size(); ++k) {
        const std::string fpath = path + "." + at("features", k);
        c.need(features[k], fpath, "parameter", Kind::kString);
        c.need(features[k], fpath, "auc", Kind::kNumber);
        c.need(features[k], fpath, "ci", Kind::kArrayOfNumbers);
      }
      if (selection[i].contains("logistic") && selection[i]["logistic"].is_object()) {
        const json& logistic = selection[i]["logistic"];
        c.need(logistic, path + ".logistic", "cv_auc", Kind::kNumber);
        c.need(logistic, path + ".logistic", "cv_auc_ci", Kind::kArrayOfNumbers);
      }
    }
  }
  if (analysis.contains("trajectories")) {
    const json& trajectories = c.need(analysis, "", "trajectories", Kind::kArray);
    for (std::size_t i = 0; i < trajectories.size(); ++i) {
      const std::string path = at("trajectories", i);
      c.need(trajectories[i], path, "patient", Kind::kNumber);
      c.need(trajectories[i], path, "arm", Kind::kString);
      c.need(trajectories[i], path, "time_days", Kind::kArrayOfNumbers);
      c.need(trajectories[i], path, "tumour", Kind::kArrayOfNumbers);
    }
  }
}

}  // namespace

void check_trial_analysis(const json& analysis, const std::string& file) {
  const Checker c(file);
  if (!analysis.is_object()) throw InputError(file + ": must be a JSON object");
  const json& trial = c.need(analysis, "", "trial", Kind::kObject);
  c.need(trial, "trial", "name", Kind::kString);
  c.need(trial, "trial", "patients", Kind::kNumber);
  const json& arms = c.need(analysis, "", "arms", Kind::kArray);
  for (std::size_t i = 0; i < arms.size(); ++i) check_trial_arm(c, arms[i], at("arms", i), file);
  const json& patients = c.need(analysis, "", "patients", Kind::kArray);
  for (std::size_t i = 0; i < patients.size(); ++i) {
    check_trial_patient(c, patients[i], at("patients", i));
  }
  check_trial_statistics(c, analysis);
}

void check_well_mixed_summary(const json& summary, const std::string& file) {
  const Checker c(file);
  if (!summary.is_object()) throw InputError(file + ": must be a JSON object");
  c.need(summary, "", "model", Kind::kString);
  c.need(summary, "", "parameters", Kind::kObject);
  c.need(summary, "", "initial", Kind::kObject);
  const json& doses = c.need(summary, "", "doses", Kind::kArray);
  for (std::size_t i = 0; i < doses.size(); ++i) {
    c.need(doses[i], at("doses", i), "state", Kind::kString);
    c.need(doses[i], at("doses", i), "kind", Kind::kString);
  }
  c.need(summary, "", "endpoints", Kind::kObject);
  c.need(summary, "", "outcome", Kind::kString);
}

}  // namespace nksim::report
