#include "nksim/ode/rosenbrock_solver.h"

#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>

#include <Eigen/Dense>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/ode/rosenbrock_tableaux.h"

namespace nksim {
namespace {

using rosenbrock::Rodas4Tableau;
using rosenbrock::Rodas5PTableau;

constexpr int kMax = static_cast<int>(RosenbrockSolver::kMaxStates);

}  // namespace

// The state, the stages and the continuous extension of the last step, in Eigen types of a fixed
// size (or of a fixed maximum size); everything that is arithmetic on vectors happens here.
class RosenbrockSolver::Kernel {
 public:
  virtual ~Kernel() = default;
  virtual double* y() = 0;
  // f0, f_t and J at (t, y()); false when one of them is not finite.
  virtual bool derivatives(const RosenbrockSolver& s, double t) = 0;
  // One step of size h from (t, y()): the new state and the weighted error norm; false when a
  // stage was not finite.
  virtual bool attempt(const RosenbrockSolver& s, double t, double h, double& err) = 0;
  // Takes the attempted step: y() becomes the new state, the extension spans the step.
  virtual void accept() = 0;
  // The continuous extension of the last accepted step at s in [0, 1], for state i.
  virtual double dense(Eigen::Index i, double s) const = 0;
  // Forgets the extension (after a restart): dense() is y() everywhere.
  virtual void reset_dense() = 0;
  // The last attempt's error estimate for state i (the solution minus the embedded one).
  virtual double error_estimate(Eigen::Index i) const = 0;
  virtual double norm_of_state_over_scale(double rtol, double atol, double& f_norm) const = 0;

 protected:
  // What the kernels read of the solver (a nested class may; its subclasses may not).
  static void rhs(const RosenbrockSolver& s, double t, const double* y, double* dydt) {
    s.rhs(t, y, dydt);
  }
  static const OdeModel& model(const RosenbrockSolver& s) { return s.model_; }
  static const double* parameters(const RosenbrockSolver& s) { return s.parameters_.data(); }
  static bool reads_time(const RosenbrockSolver& s) { return s.reads_time_; }
  static double rtol(const RosenbrockSolver& s) { return s.rtol_; }
  static double atol(const RosenbrockSolver& s) { return s.atol_; }
};

namespace {

template <int N, int MaxN, class Method>
class KernelOf final : public RosenbrockSolver::Kernel {
 public:
  using Vec = Eigen::Matrix<double, N, 1, Eigen::ColMajor, MaxN, 1>;
  using Mat = Eigen::Matrix<double, N, N, Eigen::ColMajor, MaxN, MaxN>;
  static constexpr int S = Method::kStages;

  explicit KernelOf(Eigen::Index n)
      : y_(n),
        f0_(n),
        ft_(n),
        stage_(n),
        f_(n),
        y_new_(n),
        scale_(n),
        jac_(n, n),
        matrix_(n, n),
        lu_(n),
        y0_(n),
        jac_buffer_(static_cast<std::size_t>(n * n)) {
    for (Vec& u : u_) u.resize(n);
    for (Vec& d : dense_) d.resize(n);
    y_.setZero();
    reset_dense();
  }

  double* y() override { return y_.data(); }

  bool derivatives(const RosenbrockSolver& s, double t) override {
    const Eigen::Index n = y_.size();
    rhs(s, t, y_.data(), f0_.data());
    if (reads_time(s)) {
      // d f / d t by a forward difference.
      const double dt = std::sqrt(DBL_EPSILON) * std::max(1.0, std::fabs(t));
      rhs(s, t + dt, y_.data(), f_.data());
      ft_ = (f_ - f0_) / dt;
    } else {
      ft_.setZero();
    }
    if (model(s).has_jacobian()) {
      model(s).jacobian(t, y_.data(), parameters(s), jac_buffer_.data());
      for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < n; ++j) jac_(i, j) = jac_buffer_[i * n + j];
      }
    } else {
      stage_ = y_;
      for (Eigen::Index j = 0; j < n; ++j) {
        const double delta = std::sqrt(DBL_EPSILON) * std::max(std::fabs(y_[j]), 1e-5);
        stage_[j] = y_[j] + delta;
        rhs(s, t, stage_.data(), f_.data());
        jac_.col(j) = (f_ - f0_) / delta;
        stage_[j] = y_[j];
      }
    }
    return f0_.allFinite() && jac_.allFinite();
  }

  bool attempt(const RosenbrockSolver& s, double t, double h, double& err) override {
    matrix_ = -jac_;
    matrix_.diagonal().array() += 1.0 / (h * Method::gamma);
    lu_.compute(matrix_);
    const double ih = 1.0 / h;
    // The fixed-size kernels multiply by the inverse of W, formed once per attempt from its LU
    // factors: S matrix-vector products of independent rows instead of S triangular solves, each
    // a chain of dependent loads and stores (about 10 % of a step of the 3-state benchmark).
    if constexpr (N != Eigen::Dynamic) inverse_ = lu_.inverse();
    const auto solve = [this](const Vec& b) -> Vec {
      if constexpr (N != Eigen::Dynamic) {
        return inverse_ * b;
      } else {
        return lu_.solve(b);
      }
    };
    u_[0] = solve(f0_ + (h * Method::d[0]) * ft_);
    for (int i = 1; i < S; ++i) {
      if (i < Method::kExplicitStages) {
        stage_ = y_;
        for (int j = 0; j < i; ++j) stage_ += Method::a[i][j] * u_[j];
      } else {
        stage_ += u_[i - 1];
      }
      rhs(s, t + Method::c[i] * h, stage_.data(), f_.data());
      if (i == 1) {
        f_ += (Method::C[1][0] * ih) * u_[0];
      } else {
        scale_ = Method::C[i][0] * u_[0];
        for (int j = 1; j < i; ++j) scale_ += Method::C[i][j] * u_[j];
        f_ += ih * scale_;
      }
      if (Method::d[i] != 0) f_ += (h * Method::d[i]) * ft_;
      u_[i] = solve(f_);
    }
    const Vec& error = u_[S - 1];
    y_new_ = stage_ + error;
    if (!y_new_.allFinite() || !error.allFinite()) return false;
    scale_ = (atol(s) + rtol(s) * y_.array().abs().max(y_new_.array().abs())).matrix();
    err = std::sqrt((error.array() / scale_.array()).square().mean());
    return std::isfinite(err);
  }

  void accept() override {
    y0_ = y_;
    for (int k = 0; k < Method::kDenseTerms; ++k) {
      dense_[k] = Method::H[k][0] * u_[0];
      for (int j = 1; j < S; ++j) {
        if (Method::H[k][j] != 0) dense_[k] += Method::H[k][j] * u_[j];
      }
    }
    y_ = y_new_;
  }

  double dense(Eigen::Index i, double s) const override {
    double inner = dense_[Method::kDenseTerms - 1][i];
    for (int k = Method::kDenseTerms - 2; k >= 0; --k) inner = dense_[k][i] + s * inner;
    return (1 - s) * y0_[i] + s * (y1(i) + (1 - s) * inner);
  }

  double error_estimate(Eigen::Index i) const override { return u_[S - 1][i]; }

  void reset_dense() override {
    y0_ = y_;
    y_new_ = y_;
    for (Vec& d : dense_) d.setZero();
  }

  double norm_of_state_over_scale(double rtol, double atol, double& f_norm) const override {
    const auto sc = atol + rtol * y_.array().abs();
    f_norm = std::sqrt((f0_.array() / sc).square().mean());
    return std::sqrt((y_.array() / sc).square().mean());
  }

 private:
  // The end of the last accepted step (y_ may have moved back to a root since).
  double y1(Eigen::Index i) const { return y_new_[i]; }

  Vec y_, f0_, ft_, stage_, f_, y_new_, scale_;
  std::array<Vec, S> u_;
  Mat jac_, matrix_, inverse_;
  Eigen::PartialPivLU<Mat> lu_;
  Vec y0_;
  std::array<Vec, Method::kDenseTerms> dense_;
  std::vector<double> jac_buffer_;  // row-major, for OdeModel::jacobian
};

template <class Method>
std::unique_ptr<RosenbrockSolver::Kernel> make_kernel_of(std::size_t n) {
  const auto size = static_cast<Eigen::Index>(n);
  // Each specialisation costs compile time; the sanitizer builds keep only the two-state one
  // (CMake option NKSIM_ROSENBROCK_FIXED_KERNELS).
  switch (n) {
#ifdef NKSIM_ROSENBROCK_FIXED_KERNELS
    case 1:
      return std::make_unique<KernelOf<1, 1, Method>>(size);
    case 3:
      return std::make_unique<KernelOf<3, 3, Method>>(size);
    case 4:
      return std::make_unique<KernelOf<4, 4, Method>>(size);
    case 5:
      return std::make_unique<KernelOf<5, 5, Method>>(size);
    case 6:
      return std::make_unique<KernelOf<6, 6, Method>>(size);
    case 7:
      return std::make_unique<KernelOf<7, 7, Method>>(size);
    case 8:
      return std::make_unique<KernelOf<8, 8, Method>>(size);
#endif
    case 2:
      return std::make_unique<KernelOf<2, 2, Method>>(size);
    default:
      return std::make_unique<KernelOf<Eigen::Dynamic, kMax, Method>>(size);
  }
}

}  // namespace

RosenbrockSolver::RosenbrockSolver(const OdeModel& model, std::span<const double> parameters,
                                   const SolverOptions& options, std::vector<RootSpec> roots)
    : model_(model),
      parameters_(parameters.begin(), parameters.end()),
      input_rates_(model.num_states(), 0.0),
      roots_(std::move(roots)),
      found_(roots_.size(), 0),
      rtol_(options.rtol),
      atol_(options.atol),
      max_steps_(options.max_steps),
      rodas5p_(options.method == SolverMethod::kRodas5P) {
  if (model.num_states() == 0 || model.num_states() > kMaxStates) {
    throw InputError("model " + std::string(model.name()) + " has " +
                     std::to_string(model.num_states()) + " states; the " +
                     std::string(method_name()) + " solver takes 1 to " +
                     std::to_string(kMaxStates) + " (use [solver] method = \"cvode\")");
  }
  reads_time_ = model.reads_time();
  crossing_.assign(roots_.size(), 2.0);
  if (rodas5p_) {
    kernel_ = make_kernel_of<Rodas5PTableau>(model.num_states());
    error_exponent_ = Rodas5PTableau::kErrorExponent;
  } else {
    kernel_ = make_kernel_of<Rodas4Tableau>(model.num_states());
    error_exponent_ = Rodas4Tableau::kErrorExponent;
  }
}

RosenbrockSolver::~RosenbrockSolver() = default;

void RosenbrockSolver::rhs(double t, const double* y, double* dydt) const {
  model_.rhs(t, y, parameters_.data(), dydt);
  for (std::size_t i = 0; i < input_rates_.size(); ++i) dydt[i] += input_rates_[i];
}

void RosenbrockSolver::restart(double t0, std::span<const double> y0,
                               std::span<const double> input_rates) {
  double* y = kernel_->y();
  for (std::size_t i = 0; i < y0.size(); ++i) y[i] = y0[i];
  input_rates_.assign(input_rates.begin(), input_rates.end());
  t_ = t0;
  h_ = 0;
  derivatives_current_ = false;
  previous_rejected_ = false;
  dense_t0_ = t0;
  dense_h_ = 0;
  kernel_->reset_dense();
  std::fill(found_.begin(), found_.end(), 0);
}

OdeStepper::StepResult RosenbrockSolver::step(double t_stop) {
  std::fill(found_.begin(), found_.end(), 0);
  if (steps_ >= max_steps_) {
    fail("more than solver.max_steps = " + std::to_string(max_steps_) +
         " internal steps; the model is too stiff or the tolerances too tight");
  }
  if (t_ >= t_stop) return StepResult::kStopTime;
  if (!derivatives_current_) {
    if (!kernel_->derivatives(*this, t_)) {
      fail("the right-hand side or its Jacobian is not finite");
    }
    derivatives_current_ = true;
  }
  if (h_ <= 0) {
    // Starting step (Hairer, Norsett & Wanner 1993, section II.4): 1 % of the time the state
    // takes to change by its own size, at most the time left.
    double f_norm = 0;
    const double y_norm = kernel_->norm_of_state_over_scale(rtol_, atol_, f_norm);
    h_ = (y_norm < 1e-5 || f_norm < 1e-5) ? 1e-6 : 0.01 * y_norm / f_norm;
    h_ = std::min(h_, t_stop - t_);
  }

  for (;;) {
    double h = h_;
    bool last = false;
    if (t_ + h >= t_stop || t_stop - (t_ + h) < 1e-10 * h) {
      h = t_stop - t_;
      last = true;
    }
    if (!(h > 8 * DBL_EPSILON * std::max(1.0, std::fabs(t_)))) {
      fail("step size " + format_number(h, 3) +
           " days too small; the model is too stiff here or not finite");
    }
    double err = 0;
    if (!kernel_->attempt(*this, t_, h, err) || err > 1.0) {
      ++rejected_;
      // Too large an error: shrink by the controller; a stage that was not finite: by 4.
      const bool error_too_large = std::isfinite(err) && err > 1.0;
      h_ = h * (error_too_large ? std::max(0.2, 0.9 * std::pow(err, -error_exponent_)) : 0.25);
      previous_rejected_ = true;
      continue;
    }
    kernel_->accept();
    dense_t0_ = t_;
    dense_h_ = h;
    t_ = last ? t_stop : t_ + h;
    derivatives_current_ = false;
    ++steps_;
    double factor = std::clamp(0.9 * std::pow(std::max(err, 1e-10), -error_exponent_), 0.2, 6.0);
    if (previous_rejected_) factor = std::min(factor, 1.0);
    previous_rejected_ = false;
    h_ = h * factor;

    const double* y = kernel_->y();
    for (std::size_t i = 0; i < model_.num_states(); ++i) {
      if (std::fabs(y[i]) > 1e100) {
        fail("state '" + std::string(model_.states()[i].name) + "' blew up (|value| > 1e100)");
      }
    }
    if (!roots_.empty() && locate_roots()) return StepResult::kRoot;
    return last ? StepResult::kStopTime : StepResult::kStep;
  }
}

void RosenbrockSolver::fixed_step(double h, std::span<double> estimate) {
  if (!kernel_->derivatives(*this, t_)) fail("the right-hand side or its Jacobian is not finite");
  double err = 0;
  if (!kernel_->attempt(*this, t_, h, err)) fail("a stage is not finite");
  for (std::size_t i = 0; i < estimate.size(); ++i) {
    estimate[i] = kernel_->error_estimate(static_cast<Eigen::Index>(i));
  }
  kernel_->accept();
  dense_t0_ = t_;
  dense_h_ = h;
  t_ += h;
  derivatives_current_ = false;
  ++steps_;
}

// Looks for threshold crossings in the step just taken. On one, moves the solver back to the
// earliest crossing (just past it, so the sign has changed) and marks every root crossed there.
bool RosenbrockSolver::locate_roots() {
  const Kernel& k = *kernel_;
  const double t0 = dense_t0_, h = dense_h_;
  const auto value = [&](const RootSpec& r, double s) {
    return k.dense(static_cast<Eigen::Index>(r.state), s) - r.threshold;
  };
  const auto crosses = [](const RootSpec& r, double g0, double g1) {
    return (r.direction <= 0 && g0 > 0 && g1 <= 0) || (r.direction >= 0 && g0 < 0 && g1 >= 0);
  };
  const double s_tol = 100 * DBL_EPSILON * (std::fabs(t0) + std::fabs(h)) / h;
  double earliest = 2;  // in units of the step, s in (0, 1]
  for (std::size_t i = 0; i < roots_.size(); ++i) {
    const RootSpec& r = roots_[i];
    const double g0 = value(r, 0), g1 = value(r, 1);
    if (!crosses(r, g0, g1)) continue;
    // Illinois: regula falsi that halves the value kept at a stale end; [lo, hi] brackets the
    // sign change, hi on the crossed side.
    double lo = 0, hi = 1, glo = g0, ghi = g1;
    int kept = 0;
    for (int iteration = 0; iteration < 200 && hi - lo > s_tol; ++iteration) {
      double s = hi - ghi * (hi - lo) / (ghi - glo);
      if (!(s > lo && s < hi)) s = 0.5 * (lo + hi);
      const double g = value(r, s);
      if (crosses(r, glo, g)) {
        hi = s;
        ghi = g;
        if (kept == -1) glo *= 0.5;
        kept = -1;
      } else {
        lo = s;
        glo = g;
        if (kept == +1) ghi *= 0.5;
        kept = +1;
      }
    }
    crossing_[i] = hi;
    earliest = std::min(earliest, hi);
    found_[i] = g0 < 0 ? +1 : -1;  // the direction of the crossing
  }
  if (earliest > 1) return false;
  for (std::size_t i = 0; i < roots_.size(); ++i) {
    if (found_[i] != 0 && crossing_[i] > earliest + s_tol) found_[i] = 0;  // crossed later
  }
  if (earliest < 1) {
    // The next step starts at the crossing; interpolate() keeps the whole step's extension.
    double* y = kernel_->y();
    for (std::size_t i = 0; i < model_.num_states(); ++i) {
      y[i] = k.dense(static_cast<Eigen::Index>(i), earliest);
    }
    t_ = t0 + earliest * h;
    derivatives_current_ = false;
  }
  return true;
}

std::span<const double> RosenbrockSolver::state() const {
  return {kernel_->y(), model_.num_states()};
}

void RosenbrockSolver::interpolate(double t, std::span<double> out) const {
  const double s = dense_h_ > 0 ? (t - dense_t0_) / dense_h_ : 0.0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = kernel_->dense(static_cast<Eigen::Index>(i), s);
  }
}

void RosenbrockSolver::fail(const std::string& what) const {
  std::string message = "model " + std::string(model_.name()) +
                        " failed at t = " + format_number(t_, 8) + " days (" +
                        std::string(method_name()) + "): " + what + "; state:";
  const double* y = kernel_->y();
  for (std::size_t i = 0; i < model_.num_states(); ++i) {
    message += " " + std::string(model_.states()[i].name) + " = " + format_number(y[i], 6);
  }
  throw NumericalError(message);
}

}  // namespace nksim
