#include "nksim/trial/selection.h"

#include <Eigen/Dense>
#include <cmath>

namespace nksim {

RocAuc roc_auc(std::span<const double> score, const std::vector<bool>& outcome, double z) {
  RocAuc r;
  std::vector<double> pos, neg;
  for (std::size_t i = 0; i < score.size(); ++i) (outcome[i] ? pos : neg).push_back(score[i]);
  r.positives = pos.size();
  r.negatives = neg.size();
  if (pos.empty() || neg.empty()) return r;
  r.valid = true;
  const double m = static_cast<double>(pos.size());
  const double n = static_cast<double>(neg.size());
  // Mid-ranks in the pooled sample and within each group give the placement values:
  // V10_i = (number of non-responders below responder i, ties one half) / n, and
  // V01_j = (number of responders above non-responder j, ties one half) / m.
  std::vector<double> pooled(pos);
  pooled.insert(pooled.end(), neg.begin(), neg.end());
  const std::vector<double> rank_all = ranks(pooled);
  const std::vector<double> rank_pos = ranks(pos);
  const std::vector<double> rank_neg = ranks(neg);
  std::vector<double> v10(pos.size()), v01(neg.size());
  double sum = 0;
  for (std::size_t i = 0; i < pos.size(); ++i) {
    v10[i] = (rank_all[i] - rank_pos[i]) / n;
    sum += v10[i];
  }
  r.auc = sum / m;
  for (std::size_t j = 0; j < neg.size(); ++j) {
    v01[j] = 1.0 - (rank_all[pos.size() + j] - rank_neg[j]) / m;
  }
  double s10 = 0, s01 = 0;
  for (double v : v10) s10 += (v - r.auc) * (v - r.auc);
  for (double v : v01) s01 += (v - r.auc) * (v - r.auc);
  s10 = m > 1 ? s10 / (m - 1) : 0.0;
  s01 = n > 1 ? s01 / (n - 1) : 0.0;
  r.standard_error = std::sqrt(s10 / m + s01 / n);
  if (r.auc <= 0.0 || r.auc >= 1.0 || r.standard_error == 0.0) {
    r.ci = {r.auc, r.auc};
  } else {
    const double centre = std::log(r.auc / (1.0 - r.auc));
    const double half = z * r.standard_error / (r.auc * (1.0 - r.auc));
    r.ci = {1.0 / (1.0 + std::exp(-(centre - half))), 1.0 / (1.0 + std::exp(-(centre + half)))};
  }
  return r;
}

namespace {

// Penalised log-likelihood of theta = (intercept, beta).
double penalised_log_likelihood(const Eigen::MatrixXd& design, const Eigen::VectorXd& y,
                                const Eigen::VectorXd& theta, double ridge) {
  const Eigen::VectorXd eta = design * theta;
  double sum = 0;
  for (Eigen::Index i = 0; i < eta.size(); ++i) {
    // log(1 + exp(eta)) without overflow.
    const double softplus = eta[i] > 0 ? eta[i] + std::log1p(std::exp(-eta[i]))
                                       : std::log1p(std::exp(eta[i]));
    sum += y[i] * eta[i] - softplus;
  }
  return sum - 0.5 * ridge * theta.tail(theta.size() - 1).squaredNorm();
}

}  // namespace

LogisticModel fit_logistic(std::span<const double> x, std::size_t k,
                           const std::vector<bool>& outcome, double ridge) {
  const auto rows = static_cast<Eigen::Index>(outcome.size());
  const auto cols = static_cast<Eigen::Index>(k) + 1;
  Eigen::MatrixXd design(rows, cols);
  Eigen::VectorXd y(rows);
  for (Eigen::Index i = 0; i < rows; ++i) {
    design(i, 0) = 1.0;
    for (Eigen::Index j = 1; j < cols; ++j) {
      design(i, j) = x[static_cast<std::size_t>(i) * k + static_cast<std::size_t>(j - 1)];
    }
    y[i] = outcome[static_cast<std::size_t>(i)] ? 1.0 : 0.0;
  }
  Eigen::VectorXd penalty = Eigen::VectorXd::Constant(cols, ridge);
  penalty[0] = 0.0;
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(cols);
  double objective = penalised_log_likelihood(design, y, theta, ridge);
  LogisticModel model;
  for (model.iterations = 1; model.iterations <= 100; ++model.iterations) {
    const Eigen::VectorXd p =
        (-(design * theta)).array().exp().unaryExpr([](double e) { return 1.0 / (1.0 + e); });
    const Eigen::VectorXd w = (p.array() * (1.0 - p.array())).matrix();
    Eigen::VectorXd gradient = design.transpose() * (y - p);
    gradient -= penalty.cwiseProduct(theta);
    Eigen::MatrixXd hessian = design.transpose() * w.asDiagonal() * design;
    hessian.diagonal() += penalty;
    const Eigen::VectorXd step = hessian.ldlt().solve(gradient);
    // Newton's step, halved while the objective falls by more than rounding (it rarely does).
    double scale = 1.0;
    Eigen::VectorXd next = theta + step;
    double next_objective = penalised_log_likelihood(design, y, next, ridge);
    const double slack = 1e-12 * (1.0 + std::abs(objective));
    while (!(next_objective >= objective - slack) && scale > 1e-6) {
      scale *= 0.5;
      next = theta + scale * step;
      next_objective = penalised_log_likelihood(design, y, next, ridge);
    }
    const double change = (next - theta).cwiseAbs().maxCoeff();
    theta = next;
    objective = next_objective;
    if (!std::isfinite(objective)) break;
    if (change <= 1e-10 * (1.0 + theta.cwiseAbs().maxCoeff())) {
      model.converged = true;
      break;
    }
  }
  model.intercept = theta[0];
  model.coefficients.assign(theta.data() + 1, theta.data() + cols);
  return model;
}

double logistic_probability(const LogisticModel& model, std::span<const double> row) {
  double eta = model.intercept;
  for (std::size_t j = 0; j < model.coefficients.size(); ++j) eta += model.coefficients[j] * row[j];
  return 1.0 / (1.0 + std::exp(-eta));
}

ColumnScale column_scale(std::span<const double> x, std::size_t k,
                         const std::function<bool(std::size_t)>& keep) {
  ColumnScale s{std::vector<double>(k, 0.0), std::vector<double>(k, 0.0)};
  const std::size_t n = k == 0 ? 0 : x.size() / k;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!keep(i)) continue;
    ++kept;
    for (std::size_t j = 0; j < k; ++j) s.mean[j] += x[i * k + j];
  }
  if (kept == 0) return {std::vector<double>(k, 0.0), std::vector<double>(k, 1.0)};
  for (double& v : s.mean) v /= static_cast<double>(kept);
  for (std::size_t i = 0; i < n; ++i) {
    if (!keep(i)) continue;
    for (std::size_t j = 0; j < k; ++j)
      s.sd[j] += (x[i * k + j] - s.mean[j]) * (x[i * k + j] - s.mean[j]);
  }
  for (double& v : s.sd) {
    v = kept > 1 ? std::sqrt(v / static_cast<double>(kept - 1)) : 0.0;
    if (!(v > 0)) v = 1.0;
  }
  return s;
}

std::vector<double> standardised_rows(std::span<const double> x, std::size_t k,
                                      const ColumnScale& scale,
                                      const std::function<bool(std::size_t)>& keep) {
  std::vector<double> z;
  const std::size_t n = k == 0 ? 0 : x.size() / k;
  for (std::size_t i = 0; i < n; ++i) {
    if (!keep(i)) continue;
    for (std::size_t j = 0; j < k; ++j) z.push_back((x[i * k + j] - scale.mean[j]) / scale.sd[j]);
  }
  return z;
}

std::vector<double> cross_validated_scores(std::span<const double> x, std::size_t k,
                                           const std::vector<bool>& outcome, std::size_t folds,
                                           double ridge) {
  const std::size_t n = outcome.size();
  std::vector<std::size_t> fold(n);
  std::size_t dealt_pos = 0, dealt_neg = 0;
  for (std::size_t i = 0; i < n; ++i) fold[i] = (outcome[i] ? dealt_pos++ : dealt_neg++) % folds;
  std::vector<double> scores(n, 0.5);
  for (std::size_t f = 0; f < folds; ++f) {
    // Standardise with the training rows only.
    const auto training = [&](std::size_t i) { return fold[i] != f; };
    const auto held_out = [&](std::size_t i) { return fold[i] == f; };
    const ColumnScale scale = column_scale(x, k, training);
    const std::vector<double> train_x = standardised_rows(x, k, scale, training);
    if (train_x.empty()) continue;
    std::vector<bool> train_y;
    for (std::size_t i = 0; i < n; ++i)
      if (training(i)) train_y.push_back(outcome[i]);
    const LogisticModel model = fit_logistic(train_x, k, train_y, ridge);
    const std::vector<double> test_x = standardised_rows(x, k, scale, held_out);
    std::size_t row = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!held_out(i)) continue;
      scores[i] = logistic_probability(model, std::span(test_x).subspan(row * k, k));
      ++row;
    }
  }
  return scores;
}

}  // namespace nksim
