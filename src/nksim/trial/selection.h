// Which patients respond: the statistics behind `trial analyse`'s "selection" section, as pure
// functions tested against hand-computed values and known populations.
//
// - roc_auc: the area under the ROC curve of one feature for a yes/no outcome (the
//   Mann-Whitney probability that a responder's value exceeds a non-responder's, ties one half),
//   with DeLong's variance and a 95 % interval on the logit scale.
// - fit_logistic: a logistic regression by Newton's method (iteratively reweighted least
//   squares) with a small ridge penalty on the coefficients, so that an outcome the features
//   separate perfectly still gives finite coefficients.
// - cross_validated_scores: out-of-fold predicted probabilities of that regression (stratified
//   folds, dealt in row order, so the result is a pure function of the data).
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "nksim/trial/analysis.h"

namespace nksim {

struct RocAuc {
  double auc = 0.5;
  double standard_error = 0;
  Interval ci;             // 95 %: logit(AUC) +- z se / (AUC (1 - AUC)); [AUC, AUC] at 0 or 1
  std::size_t positives = 0;
  std::size_t negatives = 0;
  bool valid = false;      // false when one of the two groups is empty
};

// AUC of `score` for `outcome` (true = responder): higher scores in responders give AUC > 0.5.
// DeLong's variance: S10 / m + S01 / n from the placement values of the m responders and the n
// non-responders (computed from mid-ranks, O(N log N)).
RocAuc roc_auc(std::span<const double> score, const std::vector<bool>& outcome,
               double z = kZ95);

struct LogisticModel {
  double intercept = 0;
  std::vector<double> coefficients;  // per feature, on the scale given to the fit
  int iterations = 0;
  bool converged = false;
};

// Maximises sum_i [y_i eta_i - log(1 + exp(eta_i))] - ridge/2 |beta|^2 (intercept not
// penalised), eta = intercept + x_i . beta; x has n rows and k columns, row-major.
LogisticModel fit_logistic(std::span<const double> x, std::size_t k,
                           const std::vector<bool>& outcome, double ridge);

// The predicted probability of the model for one row of k features.
double logistic_probability(const LogisticModel& model, std::span<const double> row);

// Per-column mean and sample standard deviation of the rows i of x (k columns, row-major) with
// keep(i). A column constant over those rows gets sd 1: it carries no information, and dividing
// by 0 would turn every standardised value into NaN.
struct ColumnScale {
  std::vector<double> mean, sd;
};
ColumnScale column_scale(std::span<const double> x, std::size_t k,
                         const std::function<bool(std::size_t)>& keep);

// The rows i with keep(i), each column minus its mean and divided by its sd, in row order.
std::vector<double> standardised_rows(std::span<const double> x, std::size_t k,
                                      const ColumnScale& scale,
                                      const std::function<bool(std::size_t)>& keep);

// Out-of-fold probabilities: responders are dealt to folds 0, 1, ..., folds-1 in row order, then
// the non-responders likewise; each fold is predicted by a model fitted to the others, with
// every feature standardised by the training rows' mean and standard deviation.
std::vector<double> cross_validated_scores(std::span<const double> x, std::size_t k,
                                           const std::vector<bool>& outcome, std::size_t folds,
                                           double ridge);

}  // namespace nksim
