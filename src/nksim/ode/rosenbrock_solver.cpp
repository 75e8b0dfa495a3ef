#include "nksim/ode/rosenbrock_solver.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include <Eigen/Dense>

#include "nksim/core/error.h"
#include "nksim/core/text.h"

namespace nksim {
namespace {

// The Rodas4 coefficients in the transformed variables u_i of Hairer & Wanner (1996), section
// VI.4 and their RODAS code, method 1: stage i solves
//   (I/(h gamma) - J) u_i = f(t + c_i h, y + sum_j a_ij u_j) + sum_j (C_ij / h) u_j + d_i h f_t,
// the embedded solution is y + sum_j a_5j u_j + u_5 and the solution adds u_6 to it.
namespace rodas4 {
constexpr double gam = 0.25;  // the method's gamma
constexpr double c2 = 0.386, c3 = 0.21, c4 = 0.63;
constexpr double d1 = 0.25, d2 = -0.1043, d3 = 0.1035, d4 = -0.03620000000000023;
constexpr double a21 = 1.544;
constexpr double a31 = 0.9466785280815826, a32 = 0.2557011698983284;
constexpr double a41 = 3.314825187068521, a42 = 2.896124015972201, a43 = 0.9986419139977817;
constexpr double a51 = 1.221224509226641, a52 = 6.019134481288629, a53 = 12.53708332932087,
                 a54 = -0.687886036105895;
constexpr double C21 = -5.6688;
constexpr double C31 = -2.430093356833875, C32 = -0.2063599157091915;
constexpr double C41 = -0.1073529058151375, C42 = -9.594562251023355, C43 = -20.47028614809616;
constexpr double C51 = 7.496443313967647, C52 = -10.24680431464352, C53 = -33.99990352819905,
                 C54 = 11.7089089320616;
constexpr double C61 = 8.083246795921522, C62 = -7.981132988064893, C63 = -31.52159432874371,
                 C64 = 16.31930543123136, C65 = -6.058818238834054;
// Continuous extension: y(t0 + s h) = (1 - s) y0 + s (y1 + (1 - s) (D1 + s D2)), with
// D1 = sum_j h2j u_j and D2 = sum_j h3j u_j.
constexpr double h21 = 10.12623508344586, h22 = -7.487995877610167, h23 = -34.80091861555747,
                 h24 = -7.992771707568823, h25 = 1.025137723295662;
constexpr double h31 = -0.6762803392801253, h32 = 6.087714651680015, h33 = 16.43084320892478,
                 h34 = 24.76722511418386, h35 = -6.594389125716872;
}  // namespace rodas4

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
  // One Rodas4 step of size h from (t, y()): the new state and the weighted error norm;
  // false when a stage was not finite.
  virtual bool attempt(const RosenbrockSolver& s, double t, double h, double& err) = 0;
  // Takes the attempted step: y() becomes the new state, the extension spans the step.
  virtual void accept() = 0;
  // The continuous extension of the last accepted step at s in [0, 1], for state i.
  virtual double dense(Eigen::Index i, double s) const = 0;
  // Forgets the extension (after a restart): dense() is y() everywhere.
  virtual void reset_dense() = 0;
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

template <int N, int MaxN>
class KernelOf final : public RosenbrockSolver::Kernel {
 public:
  using Vec = Eigen::Matrix<double, N, 1, Eigen::ColMajor, MaxN, 1>;
  using Mat = Eigen::Matrix<double, N, N, Eigen::ColMajor, MaxN, MaxN>;

  explicit KernelOf(Eigen::Index n)
      : y_(n), f0_(n), ft_(n), stage_(n), f_(n), y_new_(n), scale_(n), u1_(n), u2_(n), u3_(n),
        u4_(n), u5_(n), u6_(n), jac_(n, n), matrix_(n, n), lu_(n), y0_(n), d1_(n), d2_(n),
        jac_buffer_(static_cast<std::size_t>(n * n)) {
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
    using namespace rodas4;
    matrix_ = -jac_;
    matrix_.diagonal().array() += 1.0 / (h * gam);
    lu_.compute(matrix_);
    const double ih = 1.0 / h;
    u1_ = lu_.solve(f0_ + (h * d1) * ft_);
    stage_ = y_ + a21 * u1_;
    rhs(s, t + c2 * h, stage_.data(), f_.data());
    u2_ = lu_.solve(f_ + (C21 * ih) * u1_ + (h * d2) * ft_);
    stage_ = y_ + a31 * u1_ + a32 * u2_;
    rhs(s, t + c3 * h, stage_.data(), f_.data());
    u3_ = lu_.solve(f_ + ih * (C31 * u1_ + C32 * u2_) + (h * d3) * ft_);
    stage_ = y_ + a41 * u1_ + a42 * u2_ + a43 * u3_;
    rhs(s, t + c4 * h, stage_.data(), f_.data());
    u4_ = lu_.solve(f_ + ih * (C41 * u1_ + C42 * u2_ + C43 * u3_) + (h * d4) * ft_);
    // Stage 5 at t + h; the embedded order-3 solution is its point plus u5.
    stage_ = y_ + a51 * u1_ + a52 * u2_ + a53 * u3_ + a54 * u4_;
    rhs(s, t + h, stage_.data(), f_.data());
    u5_ = lu_.solve(f_ + ih * (C51 * u1_ + C52 * u2_ + C53 * u3_ + C54 * u4_));
    stage_ += u5_;
    // Stage 6: the order-4 solution is the embedded one plus u6, which is the error estimate.
    rhs(s, t + h, stage_.data(), f_.data());
    u6_ = lu_.solve(f_ + ih * (C61 * u1_ + C62 * u2_ + C63 * u3_ + C64 * u4_ + C65 * u5_));
    y_new_ = stage_ + u6_;
    if (!y_new_.allFinite() || !u6_.allFinite()) return false;
    scale_ = (atol(s) + rtol(s) * y_.array().abs().max(y_new_.array().abs())).matrix();
    err = std::sqrt((u6_.array() / scale_.array()).square().mean());
    return std::isfinite(err);
  }

  void accept() override {
    using namespace rodas4;
    y0_ = y_;
    d1_ = h21 * u1_ + h22 * u2_ + h23 * u3_ + h24 * u4_ + h25 * u5_;
    d2_ = h31 * u1_ + h32 * u2_ + h33 * u3_ + h34 * u4_ + h35 * u5_;
    y_ = y_new_;
  }

  double dense(Eigen::Index i, double s) const override {
    return (1 - s) * y0_[i] + s * (y1(i) + (1 - s) * (d1_[i] + s * d2_[i]));
  }

  void reset_dense() override {
    y0_ = y_;
    y_new_ = y_;
    d1_.setZero();
    d2_.setZero();
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
  Vec u1_, u2_, u3_, u4_, u5_, u6_;
  Mat jac_, matrix_;
  Eigen::PartialPivLU<Mat> lu_;
  Vec y0_, d1_, d2_;
  std::vector<double> jac_buffer_;  // row-major, for OdeModel::jacobian
};

std::unique_ptr<RosenbrockSolver::Kernel> make_kernel(std::size_t n) {
  const auto size = static_cast<Eigen::Index>(n);
  // Each specialisation costs compile time; the sanitizer builds keep only the two-state one
  // (CMake option NKSIM_ROSENBROCK_FIXED_KERNELS).
  switch (n) {
#ifdef NKSIM_ROSENBROCK_FIXED_KERNELS
    case 1: return std::make_unique<KernelOf<1, 1>>(size);
    case 3: return std::make_unique<KernelOf<3, 3>>(size);
    case 4: return std::make_unique<KernelOf<4, 4>>(size);
    case 5: return std::make_unique<KernelOf<5, 5>>(size);
    case 6: return std::make_unique<KernelOf<6, 6>>(size);
    case 7: return std::make_unique<KernelOf<7, 7>>(size);
    case 8: return std::make_unique<KernelOf<8, 8>>(size);
#endif
    case 2: return std::make_unique<KernelOf<2, 2>>(size);
    default: return std::make_unique<KernelOf<Eigen::Dynamic, kMax>>(size);
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
      max_steps_(options.max_steps) {
  if (model.num_states() == 0 || model.num_states() > kMaxStates) {
    throw InputError("model " + std::string(model.name()) + " has " +
                     std::to_string(model.num_states()) +
                     " states; the Rodas4 solver takes 1 to " + std::to_string(kMaxStates) +
                     " (use [solver] method = \"cvode\")");
  }
  reads_time_ = model.reads_time();
  crossing_.assign(roots_.size(), 2.0);
  kernel_ = make_kernel(model.num_states());
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
      h_ = h * (error_too_large ? std::max(0.2, 0.9 * std::pow(err, -0.25)) : 0.25);
      previous_rejected_ = true;
      continue;
    }
    kernel_->accept();
    dense_t0_ = t_;
    dense_h_ = h;
    t_ = last ? t_stop : t_ + h;
    derivatives_current_ = false;
    ++steps_;
    double factor = std::clamp(0.9 * std::pow(std::max(err, 1e-10), -0.25), 0.2, 6.0);
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
  std::string message = "model " + std::string(model_.name()) + " failed at t = " +
                        format_number(t_, 8) + " days (Rodas4): " + what + "; state:";
  const double* y = kernel_->y();
  for (std::size_t i = 0; i < model_.num_states(); ++i) {
    message += " " + std::string(model_.states()[i].name) + " = " + format_number(y[i], 6);
  }
  throw NumericalError(message);
}

}  // namespace nksim
