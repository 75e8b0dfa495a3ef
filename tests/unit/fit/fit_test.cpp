// nksim fit: the optimiser against closed forms, recovery of known parameters, flat profiles,
// bad inputs and thread-count independence.
//
// Closed form. In de Pillis 2006 the drug is independent of every other state without doses:
// dM/dt = -gamma M, so M(t) = M0 exp(-gamma t). With log-normal noise,
//     ln y_i = ln M0 - gamma t_i + e_i,   e_i ~ N(0, sigma^2),
// and the maximum-likelihood (gamma, M0) is the least-squares line through (t_i, ln y_i):
//     gamma = -Sxy / Sxx,   ln M0 = mean(ln y) + gamma mean(t).
// The negative log-likelihood is exactly quadratic in (ln M0, gamma), so the profile interval
// of gamma is gamma_hat +- sqrt(2 * 1.92073) sigma / sqrt(Sxx) = gamma_hat +- 1.95996 se.
#include "nksim/fit/fit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <sstream>

#include "nksim/core/error.h"
#include "nksim/fit/fit_output.h"
#include "nksim/trial/samplers.h"
#include "support/run_cli.h"
#include "unit/fit/kuznetsov_synthetic.h"

namespace nksim {
namespace {

// Three of these fits (profiles of three parameters at rtol 1e-10) take over a minute each under
// AddressSanitizer, a quarter of that suite's time. The release suite runs them; under the
// sanitizers the closed-form, gradient-optimiser and FitCli tests take the same code through.
#ifdef NKSIM_SANITIZED_BUILD
#define NKSIM_RELEASE_SUITE_ONLY() GTEST_SKIP() << "release suite only (minutes under ASan)"
#else
#define NKSIM_RELEASE_SUITE_ONLY() static_cast<void>(0)
#endif

using testing::TempDir;
using testing::write_file;
using testing::normal;

// A standard normal number, a pure function of (seed, i) (Box-Muller on counter uniforms).

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

// gamma = 0.7/day, M0 = 10 mg/L, log-normal noise sd 0.2, daily samples on days 0..10.
struct DrugData {
  std::vector<double> t, y;
  double sigma = 0.2;
};

DrugData drug_data(std::uint64_t seed) {
  DrugData d;
  for (int i = 0; i <= 10; ++i) {
    d.t.push_back(i);
    d.y.push_back(10 * std::exp(-0.7 * i + d.sigma * normal(seed, static_cast<std::uint64_t>(i))));
  }
  return d;
}

std::string drug_csv(const DrugData& d) {
  std::ostringstream csv;
  csv.precision(17);
  csv << "time_days,observable,value\n";
  for (std::size_t i = 0; i < d.t.size(); ++i) csv << d.t[i] << ",drug," << d.y[i] << "\n";
  return csv.str();
}

std::string drug_spec(const std::string& extra_parameters = "", int starts = 6) {
  return R"([fit]
scenario = "drug.toml"
measurements = "drug.csv"
starts = )" + std::to_string(starts) + R"(
seed = 3
[[observable]]
name = "drug"
state = "M"
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
)" + extra_parameters;
}

FitSpec write_drug_fit(const TempDir& dir, const DrugData& d, const std::string& extra = "") {
  write_file(dir.path() / "drug.toml", kDrugScenario);
  write_file(dir.path() / "drug.csv", drug_csv(d));
  write_file(dir.path() / "fit.toml", drug_spec(extra));
  return read_fit_spec_file(dir.path() / "fit.toml");
}

TEST(Fit, ReachesTheClosedFormOptimumOfLogNormalDecay) {
  TempDir dir("fit-closed-form");
  const DrugData d = drug_data(11);
  const FitSpec spec = write_drug_fit(dir, d);
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
  const double m0 = std::exp(my + gamma * mt);
  double nll = 0;
  for (std::size_t i = 0; i < d.t.size(); ++i) {
    const double r = (std::log(d.y[i]) - std::log(m0) + gamma * d.t[i]) / d.sigma;
    nll += 0.5 * r * r + std::log(d.sigma) + 0.5 * std::log(2 * std::numbers::pi) +
           std::log(d.y[i]);
  }
  EXPECT_NEAR(fit.estimate[0], gamma, 1e-4 * gamma);
  EXPECT_NEAR(fit.estimate[1], m0, 1e-4 * m0);
  EXPECT_NEAR(fit.objective, nll, 1e-6 * std::abs(nll) + 1e-6);
  EXPECT_EQ(fit.data_nll, fit.objective);  // no priors
  EXPECT_NEAR(fit.aic, 2 * 2 + 2 * nll, 1e-5);

  ASSERT_EQ(fit.profiles.size(), 2u);
  const double half = std::sqrt(2 * kProfileThreshold95) * d.sigma / std::sqrt(sxx);
  EXPECT_TRUE(fit.profiles[0].identifiable());
  EXPECT_NEAR(fit.profiles[0].lower, gamma - half, 0.01 * half);
  EXPECT_NEAR(fit.profiles[0].upper, gamma + half, 0.01 * half);
  EXPECT_TRUE(fit.warnings.empty()) << fit.warnings.front();
}

TEST(Fit, GradientOptimiserReachesTheSameOptimum) {
  TempDir dir("fit-lbfgs");
  const DrugData d = drug_data(12);
  write_file(dir.path() / "drug.toml", kDrugScenario);
  write_file(dir.path() / "drug.csv", drug_csv(d));
  std::string spec = drug_spec();
  spec.replace(spec.find("seed = 3"), 8, "seed = 3\noptimiser = \"lbfgs\"\nprofiles = false");
  write_file(dir.path() / "fit.toml", spec);
  const FitSpec lbfgs = read_fit_spec_file(dir.path() / "fit.toml");
  const FitSpec bobyqa = write_drug_fit(dir, d);
  const FitResult a = run_fit(lbfgs, {});
  const FitResult b = run_fit(bobyqa, {});
  EXPECT_TRUE(a.profiles.empty());
  EXPECT_NEAR(a.objective, b.objective, 1e-5);
  EXPECT_NEAR(a.estimate[0], b.estimate[0], 1e-3 * b.estimate[0]);
}

// mu_I (the IL-2 decay rate) does not touch the drug: its profile is flat to both bounds.
TEST(Fit, FlagsAParameterTheDataDoNotSeeAsNotIdentifiable) {
  NKSIM_RELEASE_SUITE_ONLY();
  TempDir dir("fit-flat");
  const FitSpec spec = write_drug_fit(dir, drug_data(13), R"([[parameter]]
name = "mu_I"
lower = 0.1
upper = 100
log = true
)");
  const FitResult fit = run_fit(spec, {});
  ASSERT_EQ(fit.profiles.size(), 3u);
  EXPECT_TRUE(fit.profiles[0].identifiable());
  EXPECT_TRUE(fit.profiles[1].identifiable());
  EXPECT_FALSE(fit.profiles[2].identifiable());
  EXPECT_TRUE(fit.profiles[2].lower_reached_bound);
  EXPECT_TRUE(fit.profiles[2].upper_reached_bound);
  EXPECT_DOUBLE_EQ(fit.profiles[2].lower, 0.1);
  EXPECT_DOUBLE_EQ(fit.profiles[2].upper, 100);
  bool warned = false;
  for (const auto& w : fit.warnings) warned |= w.find("'mu_I' is not identifiable") != std::string::npos;
  EXPECT_TRUE(warned);
  const auto json = fit_json(spec, fit);
  EXPECT_EQ(json["parameters"][2]["identifiable"], false);
  EXPECT_EQ(json["parameters"][0]["identifiable"], true);
}

// A prior adds its negative log-density: a tight normal prior pulls gamma to its mean.
TEST(Fit, APriorEntersTheObjective) {
  NKSIM_RELEASE_SUITE_ONLY();
  TempDir dir("fit-prior");
  const DrugData d = drug_data(14);
  write_file(dir.path() / "drug.toml", kDrugScenario);
  write_file(dir.path() / "drug.csv", drug_csv(d));
  std::string spec = drug_spec();
  spec.replace(spec.find("upper = 10\n"), 11,
               "upper = 10\nprior = { distribution = \"normal\", mean = 0.5, sd = 1e-4 }\n");
  write_file(dir.path() / "fit.toml", spec);
  const FitSpec with_prior = read_fit_spec_file(dir.path() / "fit.toml");
  FitSpec no_profiles = with_prior;
  no_profiles.profiles = false;
  const FitResult fit = run_fit(no_profiles, {});
  EXPECT_NEAR(fit.estimate[0], 0.5, 1e-3);
  const FitObjective objective(with_prior);
  EXPECT_NEAR(fit.objective - fit.data_nll, objective.prior_nll(fit.estimate), 1e-9);
  // The data alone fit worse at the prior's gamma than at their own optimum.
  FitSpec data_only = write_drug_fit(dir, d);
  data_only.profiles = false;
  EXPECT_GT(fit.data_nll, run_fit(data_only, {}).objective + 1);
}

// Recovery: Kuznetsov 1994 (BCL1) with the tumour growth rate a and kill rate n fitted from
// log10 tumour counts every 10 days for 200 days with normal noise of sd 0.1 (log10 units).
TEST(Fit, RecoversKuznetsovParametersFromSyntheticData) {
  TempDir dir("fit-recovery");
  const double a = testing::kKuznetsovA, n = testing::kKuznetsovN;
  const FitSpec spec = testing::write_kuznetsov_fit(dir.path(), 21, 8);
  const FitResult fit = run_fit(spec, {.threads = 2});
  // 20 points at sd 0.1 pin both rates to a few per cent.
  EXPECT_NEAR(fit.estimate[0], a, 0.05 * a);
  EXPECT_NEAR(fit.estimate[1], n, 0.05 * n);
  ASSERT_EQ(fit.profiles.size(), 2u);
  for (std::size_t j = 0; j < 2; ++j) {
    const double truth_value = j == 0 ? a : n;
    EXPECT_TRUE(fit.profiles[j].identifiable());
    EXPECT_LT(fit.profiles[j].lower, truth_value);
    EXPECT_GT(fit.profiles[j].upper, truth_value);
    EXPECT_LT(fit.profiles[j].lower, fit.estimate[j]);
    EXPECT_GT(fit.profiles[j].upper, fit.estimate[j]);
  }
}

// An SBML-imported model fits the same way: the shipped tumour-NK model's kill rate c and growth
// rate a from log10 tumour counts simulated by the library from the same scenario (no noise, so
// the optimum is the truth up to the solver's tolerance).
TEST(Fit, FitsAnSbmlImportedModel) {
  const std::filesystem::path scenarios = std::filesystem::path(NKSIM_SOURCE_DIR) / "scenarios";
  const auto document = TomlDocument::parse_file(scenarios / "sbml_tumour_nk.toml");
  const WellMixedResult truth = simulate(resolve(parse_well_mixed(document)));
  TempDir dir("fit-sbml");
  std::ostringstream csv;
  csv.precision(17);
  csv << "time_days,observable,value\n";
  for (std::size_t row = 0; row < truth.times_days.size(); row += 8) {
    if (!(truth.value(row, 0) > 1)) break;  // measured while there is a tumour
    csv << truth.times_days[row] << ",log10_tumour," << std::log10(truth.value(row, 0)) << "\n";
  }
  write_file(dir.path() / "t.csv", csv.str());
  write_file(dir.path() / "fit.toml", "[fit]\nscenario = \"" +
                                          (scenarios / "sbml_tumour_nk.toml").string() +
                                          "\"\nmeasurements = \"t.csv\"\nstarts = 4\n" + R"(
[[observable]]
name = "log10_tumour"
state = "T"
transform = "log10"
sd = 0.1
[[parameter]]
name = "c"
lower = 1e-8
upper = 1e-5
log = true
[[parameter]]
name = "a"
lower = 0.1
upper = 2
log = true
)");
  FitSpec spec = read_fit_spec_file(dir.path() / "fit.toml");
  spec.profiles = false;
  ASSERT_EQ(spec.scenario.model, "sbml");
  const FitResult fit = run_fit(spec, {});
  EXPECT_NEAR(fit.estimate[0], 3.23e-7, 1e-3 * 3.23e-7);
  EXPECT_NEAR(fit.estimate[1], 0.514, 1e-3 * 0.514);
}

// The same seed gives byte-identical files with 1 and 2 threads.
TEST(Fit, OutputsDoNotDependOnTheThreadCount) {
  NKSIM_RELEASE_SUITE_ONLY();
  TempDir dir("fit-threads");
  const FitSpec spec = write_drug_fit(dir, drug_data(15));
  const FitResult one = run_fit(spec, {.threads = 1});
  const FitResult two = run_fit(spec, {.threads = 2});
  std::filesystem::create_directories(dir.path() / "one");
  std::filesystem::create_directories(dir.path() / "two");
  write_fit_outputs(dir.path() / "one", spec, one);
  write_fit_outputs(dir.path() / "two", spec, two);
  for (const char* file : {"fit.json", "starts.csv", "profiles.csv", "residuals.csv",
                           "timeseries.csv"}) {
    const std::string a = testing::read_file(dir.path() / "one" / file);
    EXPECT_FALSE(a.empty()) << file;
    EXPECT_EQ(a, testing::read_file(dir.path() / "two" / file)) << file;
  }
}

// A start whose run cannot be integrated counts as +inf; the fit goes on.
TEST(Fit, AFailedRunIsInfinityNotACrash) {
  TempDir dir("fit-failed-run");
  std::string scenario = kDrugScenario;
  scenario.replace(scenario.find("atol = 1e-12"), 12, "atol = 1e-12\nmax_steps = 1");
  write_file(dir.path() / "drug.toml", scenario);
  write_file(dir.path() / "drug.csv", drug_csv(drug_data(16)));
  write_file(dir.path() / "fit.toml", drug_spec());
  const FitSpec spec = read_fit_spec_file(dir.path() / "fit.toml");
  const FitObjective objective(spec);
  const std::vector<double> values{0.7, 10};
  EXPECT_TRUE(std::isinf(objective(values)));
  EXPECT_THROW(run_fit(spec, {}), NumericalError);
}

// ---- bad inputs: every error names the file, the line and the key or column ----

std::string fit_error(const std::string& spec_text, const std::string& csv_text) {
  TempDir dir("fit-bad");
  write_file(dir.path() / "drug.toml", kDrugScenario);
  write_file(dir.path() / "drug.csv", csv_text);
  write_file(dir.path() / "fit.toml", spec_text);
  try {
    read_fit_spec_file(dir.path() / "fit.toml");
  } catch (const InputError& e) {
    std::string message = e.what();
    // Paths differ per run; drop the directory wherever it appears.
    const std::string prefix = dir.path().string() + "/";
    for (auto at = message.find(prefix); at != std::string::npos; at = message.find(prefix)) {
      message.erase(at, prefix.size());
    }
    return message;
  }
  return "no error";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

const std::string kGoodCsv = "time_days,observable,value,sd\n0,drug,10,0.2\n1,drug,5,\n2,drug,2.5,0.2\n";

TEST(FitInput, GoodInputsAreRead) {
  EXPECT_EQ(fit_error(drug_spec(), kGoodCsv), "no error");
  // Windows line ends, a byte-order mark, comments and blank lines.
  EXPECT_EQ(fit_error(drug_spec(), "\xEF\xBB\xBFtime_days,observable,value\r\n# note\r\n\r\n"
                                   "0,drug,10\r\n1,drug,5\r\n"),
            "no error");
  // RFC 4180 quoting: a patient's name with a comma, a quoted number with spaces around it.
  EXPECT_EQ(fit_error(replaced(drug_spec(), "seed = 3", "seed = 3\npatient = \"Doe, J\""),
                      "patient,time_days,observable,value\n\"Doe, J\",0,drug,10\n"
                      "\"Doe, J\", \"1\" ,drug,5\nOther,0,drug,nan\n"),
            "no error");
}

TEST(FitInput, QuotingErrorsNameFileLineAndColumn) {
  EXPECT_EQ(fit_error(drug_spec(), "time_days,observable,value\n0,drug,10\n1,\"drug,5\n"),
            "drug.csv:3:3: the quoted field that starts here is not closed (no closing quote "
            "before the end of the file)");
  EXPECT_EQ(fit_error(drug_spec(), "time_days,observable,value\n0,\"drug\"s,10\n"),
            "drug.csv:2:9: text after the closing quote of a quoted field (write a quote inside a "
            "quoted field as two quotes: \"\")");
}

TEST(FitInput, SpecErrorsNameFileLineAndKey) {
  EXPECT_EQ(fit_error(replaced(drug_spec(), "seed = 3", "seed = 3\nstart = 4"), kGoodCsv),
            "fit.toml:6:9: unknown key 'start' in [fit], did you mean 'starts'? (known keys: "
            "max_evaluations, measurements, optimiser, patient, profiles, scenario, seed, starts)");
  EXPECT_EQ(fit_error(replaced(drug_spec(), "starts = 6", "starts = \"six\""), kGoodCsv),
            "fit.toml:4:10: 'fit.starts' must be an integer, got a string");
  EXPECT_EQ(fit_error(replaced(drug_spec(), "lower = 0.01", "lower = 0"), kGoodCsv),
            "fit.toml:13:9: 'parameter[1].lower' must be > 0 on a log scale (log = true), got 0");
  EXPECT_EQ(fit_error(replaced(drug_spec(), "upper = 10\n", "upper = 0.001\n"), kGoodCsv),
            "fit.toml:14:9: 'parameter[1].upper' must be greater than lower (0.01), got 0.001");
  EXPECT_EQ(fit_error(replaced(drug_spec(), "name = \"gamma\"", "name = \"gama\""), kGoodCsv)
                .substr(0, 60),
            "fit.toml:12:8: 'parameter[1].name' is 'gama', not a paramete");
  EXPECT_EQ(fit_error(replaced(drug_spec(), "state = \"M\"", "state = \"X\""), kGoodCsv)
                .substr(0, 56),
            "fit.toml:8:9: 'observable[1].state' is 'X', not a state ");
  EXPECT_EQ(fit_error(replaced(drug_spec(), "noise = \"lognormal\"", "noise = \"poisson\""),
                      kGoodCsv)
                .substr(0, 40),
            "fit.toml:9:9: 'observable[1].noise' is '");
}

TEST(FitInput, CsvErrorsNameFileLineAndColumn) {
  EXPECT_EQ(fit_error(drug_spec(), "time_days,observable,value\n0,drug,nan\n"),
            "drug.csv:2:8: 'value' must be a finite number, got 'nan'");
  EXPECT_EQ(fit_error(drug_spec(), "time_days,observable,value,sd\n0,drug,1,0.2\n1,drug,2,-1\n"),
            "drug.csv:3:10: 'sd' must be > 0, got -1");
  EXPECT_EQ(fit_error(drug_spec(), "time_days,observable,value\n0,drugs,1\n").substr(0, 48),
            "drug.csv:2:3: unknown observable 'drugs' (observ");
  EXPECT_EQ(fit_error(drug_spec(), "time_days,observable,value\n11,drug,1\n").substr(0, 55),
            "drug.csv:2:1: time_days = 11 is outside the run [0, 10]");
  EXPECT_EQ(fit_error(drug_spec(), "time,observable,value\n1,drug,1\n").substr(0, 36),
            "drug.csv:1:1: unknown column 'time' ");
  EXPECT_EQ(fit_error(drug_spec(), "time_days,observable,value\n1,drug,0\n").substr(0, 64),
            "drug.csv:2:8: 'value' must be > 0 for the log-normal observable ");
}

TEST(FitInput, APatientColumnSelectsOnePatient) {
  const std::string csv =
      "patient,time_days,observable,value\nA,0,drug,10\nB,0,drug,3\nA,1,drug,5\nB,1,drug,nan\n";
  // Rows of other patients are not read.
  EXPECT_EQ(fit_error(replaced(drug_spec(), "seed = 3", "seed = 3\npatient = \"A\""), csv),
            "no error");
  EXPECT_EQ(fit_error(drug_spec(), csv.substr(0, csv.rfind("B,1"))).substr(0, 38),
            "drug.csv holds 2 patients (A, B); choo");
  EXPECT_EQ(fit_error(replaced(drug_spec(), "seed = 3", "seed = 3\npatient = \"C\""), csv)
                .substr(0, 43),
            "drug.csv: no measurements for patient 'C' (");
}

}  // namespace
}  // namespace nksim
