// Observables that are formulas of the states ([[observable]] formula = "...",
// docs/fit.md): recovery of known parameters through a formula, the same objective as the state path for a
// formula that is one state, the objective and its gradient against the closed form of a unit
// conversion, and errors that name the file, line and key.
//
// Closed form. In de Pillis 2006 without doses the drug decays alone, M(t) = M0 exp(-gamma t).
// Measured in ug/L (the formula 1000 * M of a state in mg/L) with log-normal noise of sd sigma,
//     NLL = sum_i [ r_i^2 / 2 + ln sigma + ln sqrt(2 pi) + ln y_i ],
//     r_i = (ln y_i - ln(1000 M0) + gamma t_i) / sigma,
// whose gradient is dNLL/dgamma = sum_i r_i t_i / sigma and dNLL/dM0 = -sum_i r_i / (sigma M0),
// and whose minimum is the least-squares line through (t_i, ln y_i):
//     gamma = -Sxy / Sxx,   M0 = exp(mean(ln y) + gamma mean(t)) / 1000.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <sstream>

#include "nksim/core/error.h"
#include "nksim/fit/fit.h"
#include "nksim/fit/fit_output.h"
#include "nksim/io/infix_formula.h"
#include "support/run_cli.h"
#include "unit/fit/kuznetsov_synthetic.h"

namespace nksim {
namespace fit_formula_test {

using testing::normal;
using testing::write_file;

constexpr const char* kDrugScenario = R"([simulation]
engine = "well_mixed"
model = "depillis2006"
parameter_set = "patient9"
end_time_days = 10
output_interval_days = 1
[solver]
rtol = 1e-10
atol = 1e-12
[initial]
M = 10
)";

constexpr double kSigma = 0.2;

// gamma = 0.7/day, M0 = 10 mg/L, daily on days 0..10, in ug/L (x 1000) with log-normal noise.
struct DrugSamples {
  std::vector<double> t, y;
};

DrugSamples drug_samples(std::uint64_t seed, double scale) {
  DrugSamples d;
  for (int i = 0; i <= 10; ++i) {
    d.t.push_back(i);
    d.y.push_back(scale * 10 *
                  std::exp(-0.7 * i + kSigma * normal(seed, static_cast<std::uint64_t>(i))));
  }
  return d;
}

std::string samples_csv(const DrugSamples& d) {
  std::ostringstream csv;
  csv.precision(17);
  csv << "time_days,observable,value\n";
  for (std::size_t i = 0; i < d.t.size(); ++i) csv << d.t[i] << ",drug," << d.y[i] << "\n";
  return csv.str();
}

// The fit spec with the observable defined by `definition` ("state = ..." or "formula = ...").
std::string drug_fit(const std::string& definition, const std::string& fit_extra = "") {
  return R"([fit]
scenario = "drug.toml"
measurements = "drug.csv"
starts = 4
seed = 3
profiles = false
)" + fit_extra + R"([[observable]]
name = "drug"
)" + definition + R"(
noise = "lognormal"
sd = 0.2
[[parameter]]
name = "gamma"
lower = 0.01
upper = 10
log = true
[[parameter]]
name = "initial.M"
lower = 0.1
upper = 1000
log = true
)";
}

FitSpec write_fit(const std::filesystem::path& dir, const DrugSamples& d,
                  const std::string& spec_text) {
  std::filesystem::create_directories(dir);
  write_file(dir / "drug.toml", kDrugScenario);
  write_file(dir / "drug.csv", samples_csv(d));
  write_file(dir / "fit.toml", spec_text);
  return read_fit_spec_file(dir / "fit.toml");
}

// The closed-form NLL of the ug/L data at (gamma, M0) and its gradient.
struct ClosedForm {
  double nll = 0, d_gamma = 0, d_m0 = 0;
};

ClosedForm closed_form(const DrugSamples& d, double gamma, double m0) {
  ClosedForm c;
  for (std::size_t i = 0; i < d.t.size(); ++i) {
    const double r = (std::log(d.y[i]) - std::log(1000 * m0) + gamma * d.t[i]) / kSigma;
    c.nll += 0.5 * r * r + std::log(kSigma) + 0.5 * std::log(2 * std::numbers::pi) +
             std::log(d.y[i]);
    c.d_gamma += r * d.t[i] / kSigma;
    c.d_m0 -= r / (kSigma * m0);
  }
  return c;
}

TEST(FitFormula, AUnitConversionGivesTheClosedFormObjectiveAndGradient) {
  const auto dir = testing::fresh_directory("fit-formula-gradient");
  const DrugSamples d = drug_samples(31, 1000);
  const FitSpec spec = write_fit(dir, d, drug_fit("formula = \"1000 * M\""));
  ASSERT_TRUE(spec.observables[0].is_formula());
  const FitObjective objective(spec);
  // Away from the optimum, so that the gradient is far from zero.
  for (const auto& [gamma, m0] : {std::pair{0.5, 12.0}, std::pair{0.9, 6.0}}) {
    const ClosedForm c = closed_form(d, gamma, m0);
    const std::vector<double> at{gamma, m0};
    EXPECT_NEAR(objective(at), c.nll, 1e-7 * std::abs(c.nll));
    // Central differences of the objective (as the gradient optimiser takes them) against the
    // chain rule through the formula.
    const double hg = 1e-5 * gamma, hm = 1e-5 * m0;
    const double fd_gamma =
        (objective(std::vector<double>{gamma + hg, m0}) -
         objective(std::vector<double>{gamma - hg, m0})) / (2 * hg);
    const double fd_m0 = (objective(std::vector<double>{gamma, m0 + hm}) -
                          objective(std::vector<double>{gamma, m0 - hm})) / (2 * hm);
    EXPECT_NEAR(fd_gamma, c.d_gamma, 1e-5 * std::abs(c.d_gamma)) << gamma << ", " << m0;
    EXPECT_NEAR(fd_m0, c.d_m0, 1e-5 * std::abs(c.d_m0)) << gamma << ", " << m0;
  }
}

TEST(FitFormula, TheGradientOptimiserReachesTheClosedFormOptimum) {
  const auto dir = testing::fresh_directory("fit-formula-lbfgs");
  const DrugSamples d = drug_samples(32, 1000);
  std::string text = drug_fit("formula = \"1000 * M\"", "optimiser = \"lbfgs\"\n");
  text.replace(text.find("starts = 4"), 10, "starts = 2");
  const FitSpec spec = write_fit(dir, d, text);
  const FitResult fit = run_fit(spec, {});
  const double n = static_cast<double>(d.t.size());
  double mt = 0, my = 0;
  for (std::size_t i = 0; i < d.t.size(); ++i) mt += d.t[i] / n, my += std::log(d.y[i]) / n;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < d.t.size(); ++i) {
    sxx += (d.t[i] - mt) * (d.t[i] - mt);
    sxy += (d.t[i] - mt) * (std::log(d.y[i]) - my);
  }
  const double gamma = -sxy / sxx;
  const double m0 = std::exp(my + gamma * mt) / 1000;
  EXPECT_NEAR(fit.estimate[0], gamma, 1e-3 * gamma);
  EXPECT_NEAR(fit.estimate[1], m0, 1e-3 * m0);
  EXPECT_NEAR(fit.objective, closed_form(d, gamma, m0).nll, 1e-5);
}

TEST(FitFormula, AFormulaThatIsOneStateGivesExactlyTheStatePathsObjective) {
  const auto dir = testing::fresh_directory("fit-formula-state");
  const DrugSamples d = drug_samples(33, 1);
  const FitSpec by_state = write_fit(dir / "state", d, drug_fit("state = \"M\""));
  const FitSpec by_formula = write_fit(dir / "formula", d, drug_fit("formula = \"M\""));
  ASSERT_FALSE(by_state.observables[0].is_formula());
  ASSERT_TRUE(by_formula.observables[0].is_formula());
  const FitObjective a(by_state), b(by_formula);
  for (const auto& at : {std::vector<double>{0.7, 10}, std::vector<double>{0.3, 2.5},
                         std::vector<double>{4, 700}}) {
    const double f = a(at);
    EXPECT_TRUE(std::isfinite(f));
    EXPECT_EQ(f, b(at));
  }
}

// Kuznetsov 1994 measured as total cells, effectors and tumour together, in millions on a log10
// scale: the formula (E + T) / 1e6 of noise-free data simulated with a = 0.18/day and
// n = 1.101e-7 /(cell day) (Kuznetsov 1994's BCL1 values). A fit from 4 starts recovers both to
// within 1 % (the optimiser's tolerance and the solver's, not noise, limit the agreement).
TEST(FitFormula, RecoversKuznetsovParametersFromTotalCellsInMillions) {
  const auto dir = testing::fresh_directory("fit-formula-kuznetsov");
  const WellMixedResult truth = testing::write_kuznetsov_truth(dir);
  std::ostringstream csv;
  csv.precision(17);
  csv << "time_days,observable,value\n";
  for (std::size_t row = 1; row < truth.times_days.size(); ++row) {
    csv << truth.times_days[row] << ",log10_cells_millions,"
        << std::log10((truth.value(row, 0) + truth.value(row, 1)) / 1e6) << "\n";
  }
  write_file(dir / "k.csv", csv.str());
  write_file(dir / "fit.toml", R"([fit]
scenario = "k.toml"
measurements = "k.csv"
starts = 4
seed = 5
profiles = false
[[observable]]
name = "log10_cells_millions"
formula = "(E + T) / 1e6"
transform = "log10"
sd = 0.1
[[parameter]]
name = "a"
lower = 0.05
upper = 0.5
log = true
[[parameter]]
name = "n"
lower = 1e-8
upper = 1e-6
log = true
)");
  const FitSpec spec = read_fit_spec_file(dir / "fit.toml");
  const FitResult fit = run_fit(spec, {});
  EXPECT_NEAR(fit.estimate[0], testing::kKuznetsovA, 0.01 * testing::kKuznetsovA);
  EXPECT_NEAR(fit.estimate[1], testing::kKuznetsovN, 0.01 * testing::kKuznetsovN);
  // fit.json names the formula where a state observable names its state.
  const auto json = fit_json(spec, fit);
  EXPECT_EQ(json["observables"][0]["formula"], "(E + T) / 1e6");
  EXPECT_FALSE(json["observables"][0].contains("state"));
}

// A formula that is not finite at the measurements (the square root of a negative number) makes
// every evaluation +inf, and the fit fails as a run that cannot integrate does.
TEST(FitFormula, AFormulaThatIsNeverFiniteFailsTheFit) {
  const auto dir = testing::fresh_directory("fit-formula-nan");
  const FitSpec spec = write_fit(dir, drug_samples(34, 1),
                                 drug_fit("formula = \"sqrt(M - 1e6)\"", "max_evaluations = 20\n"));
  const FitObjective objective(spec);
  EXPECT_TRUE(std::isinf(objective(std::vector<double>{0.7, 10})));
  try {
    run_fit(spec, {});
    ADD_FAILURE() << "no error";
  } catch (const NumericalError& e) {
    EXPECT_NE(std::string(e.what()).find("formula"), std::string::npos) << e.what();
  }
}

// Every function docs/fit.md lists for formulas, against its value by hand, at t = 2 with
// the states of de Pillis 2006 (T, N, L, C, M, I) = (1e6, 2, 3, 4, 8, 0.5).
TEST(FitFormula, TheDocumentedLanguageEvaluatesAsWritten) {
  const OdeModel* model = find_model("depillis2006");
  ASSERT_NE(model, nullptr);
  const std::vector<double> y{1e6, 2, 3, 4, 8, 0.5};
  std::vector<double> p(model->parameters().size(), 0.0);
  const auto gamma = static_cast<std::size_t>(model->parameter_index("gamma"));
  p[gamma] = 0.9;
  const std::vector<std::pair<const char*, double>> cases{
      {"T + N", 1e6 + 2},
      {"1e-6 * T", 1},
      {"1000 * M", 8000},
      {"(N + L) / C - 2 ^ 3", 5.0 / 4 - 8},
      {"-M", -8},
      {"log10(T)", 6},
      {"log(2, M)", 3},
      {"ln(M)", std::log(8.0)},
      {"exp(I)", std::exp(0.5)},
      {"sqrt(M * 2)", 4},
      {"root(3, M)", 2},
      {"abs(N - M)", 6},
      {"floor(I) + ceiling(I)", 1},
      {"min(M, N, L) + max(M, N)", 10},
      {"piecewise(1, M > 2, 0)", 1},
      {"piecewise(1, M < 2, 0)", 0},
      {"(M >= 8) + (N == 2) + (N != 2) + (C <= 3)", 2},
      {"(M > 2 && N > 5) + (M > 2 || N > 5) + !(M > 2)", 1},
      {"pi", std::numbers::pi},
      {"exponentiale", std::numbers::e},
      {"t * M", 16},
      {"time", 2},
      {"gamma * M", 0.9 * 8},
  };
  for (const auto& [text, expected] : cases) {
    const Expr e = parse_infix_formula(text, *model);
    EXPECT_NEAR(evaluate(e, 2, y.data(), p.data()), expected, 1e-12 * std::abs(expected))
        << text;
  }
}

// ---- bad inputs: every error names the file, the line and the key ----

std::string spec_error(const std::string& definition) {
  const auto dir = testing::fresh_directory("fit-formula-bad");
  try {
    write_fit(dir, drug_samples(35, 1), drug_fit(definition));
  } catch (const InputError& e) {
    std::string message = e.what();
    const std::string prefix = dir.string() + "/";
    for (auto at = message.find(prefix); at != std::string::npos; at = message.find(prefix)) {
      message.erase(at, prefix.size());
    }
    return message;
  }
  return "no error";
}

bool starts_with(const std::string& text, const std::string& start) {
  return text.starts_with(start);
}

TEST(FitFormula, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(spec_error("formula = \"log10(M) + T\""), "no error");
  EXPECT_EQ(spec_error("formula = \"gama * M\""),
            "fit.toml:9:11: 'observable[1].formula' 'gama * M' uses 'gama', which is neither a "
            "state nor a parameter of depillis2006 nor time t (states: T, N, L, C, M, I), did "
            "you mean 'gamma'?");
  EXPECT_PRED2(starts_with, spec_error("formula = \"M +* 2\""),
               "fit.toml:9:11: 'observable[1].formula' 'M +* 2' is not a formula: Error when "
               "parsing input 'M +* 2' at position 4");
  EXPECT_PRED2(starts_with, spec_error("formula = \"sin(M)\""),
               "fit.toml:9:11: 'observable[1].formula' 'sin(M)' uses the MathML function 'sin', "
               "which is not supported");
  EXPECT_PRED2(starts_with, spec_error("formula = \"f(M)\""),
               "fit.toml:9:11: 'observable[1].formula' 'f(M)' calls 'f', which is not a function "
               "nksim knows");
  // log(x) alone is ambiguous (ln or log10): libSBML's parser refuses it.
  EXPECT_PRED2(starts_with, spec_error("formula = \"log(M)\""),
               "fit.toml:9:11: 'observable[1].formula' 'log(M)' is not a formula: Error when "
               "parsing input 'log(M)' at position 6");
  EXPECT_EQ(spec_error("formula = \"\""), "fit.toml:9:11: 'observable[1].formula' is empty");
  EXPECT_EQ(spec_error("state = \"M\"\nformula = \"M\""),
            "fit.toml:10:11: 'observable[1].formula' is given with 'state' = \"M\"; an "
            "observable is one state or one formula, not both");
  EXPECT_PRED2(starts_with, spec_error(""),
               "fit.toml:7:1: 'observable[1].state' is required (a state of depillis2006, or "
               "formula = \"...\"");
}

}  // namespace fit_formula_test
}  // namespace nksim
