#include "nksim/ode/cvode_solver.h"

#include <cmath>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "nksim/core/error.h"
#include "nksim/core/text.h"

namespace nksim {

// Owns every SUNDIALS object; destroyed in reverse order of creation.
struct CvodeSolver::Handles {
  SUNContext context = nullptr;
  N_Vector y = nullptr;
  N_Vector dky = nullptr;
  SUNMatrix matrix = nullptr;
  SUNLinearSolver linear_solver = nullptr;
  void* cvode = nullptr;

  ~Handles() {
    if (cvode) CVodeFree(&cvode);
    if (linear_solver) SUNLinSolFree(linear_solver);
    if (matrix) SUNMatDestroy(matrix);
    if (dky) N_VDestroy(dky);
    if (y) N_VDestroy(y);
    if (context) SUNContext_Free(&context);
  }
};

struct CvodeSolver::Callbacks {
  static int rhs(realtype t, N_Vector y, N_Vector ydot, void* data) {
    auto* self = static_cast<CvodeSolver*>(data);
    const double* yy = N_VGetArrayPointer(y);
    double* dy = N_VGetArrayPointer(ydot);
    const std::size_t n = self->model_.num_states();
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(yy[i])) return 1;  // recoverable: CVODE retries with a smaller step
    }
    self->model_.rhs(t, yy, self->parameters_.data(), dy);
    for (std::size_t i = 0; i < n; ++i) {
      dy[i] += self->input_rates_[i];
      if (!std::isfinite(dy[i])) return 1;
    }
    return 0;
  }

  static int jacobian(realtype t, N_Vector y, N_Vector, SUNMatrix jac, void* data, N_Vector,
                      N_Vector, N_Vector) {
    auto* self = static_cast<CvodeSolver*>(data);
    const std::size_t n = self->model_.num_states();
    double local[64];
    std::vector<double> heap;
    double* buffer = local;
    if (n * n > 64) {
      heap.resize(n * n);
      buffer = heap.data();
    }
    self->model_.jacobian(t, N_VGetArrayPointer(y), self->parameters_.data(), buffer);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        SM_ELEMENT_D(jac, static_cast<sunindextype>(i), static_cast<sunindextype>(j)) =
            buffer[i * n + j];
      }
    }
    return 0;
  }

  static int roots(realtype, N_Vector y, realtype* gout, void* data) {
    auto* self = static_cast<CvodeSolver*>(data);
    const double* yy = N_VGetArrayPointer(y);
    for (std::size_t i = 0; i < self->roots_.size(); ++i) {
      gout[i] = yy[self->roots_[i].state] - self->roots_[i].threshold;
    }
    return 0;
  }

  static void error_handler(int, const char*, const char* function, char* message, void* data) {
    auto* self = static_cast<CvodeSolver*>(data);
    self->last_message_ = std::string(function) + ": " + message;
  }
};

CvodeSolver::CvodeSolver(const OdeModel& model, std::span<const double> parameters,
                         const SolverOptions& options, std::vector<RootSpec> roots)
    : model_(model),
      parameters_(parameters.begin(), parameters.end()),
      input_rates_(model.num_states(), 0.0),
      roots_(std::move(roots)),
      max_steps_(options.max_steps),
      handles_(std::make_unique<Handles>()) {
  const auto n = static_cast<sunindextype>(model.num_states());
  Handles& h = *handles_;
  if (SUNContext_Create(nullptr, &h.context) != 0) fail("SUNContext_Create", -1);
  h.y = N_VNew_Serial(n, h.context);
  h.dky = N_VNew_Serial(n, h.context);
  if (!h.y || !h.dky) fail("N_VNew_Serial", -1);
  N_VConst(0.0, h.y);
  h.cvode = CVodeCreate(CV_BDF, h.context);
  if (!h.cvode) fail("CVodeCreate", -1);
  CVodeSetErrHandlerFn(h.cvode, &Callbacks::error_handler, this);
  int flag = CVodeInit(h.cvode, &Callbacks::rhs, 0.0, h.y);
  if (flag != CV_SUCCESS) fail("CVodeInit", flag);
  flag = CVodeSStolerances(h.cvode, options.rtol, options.atol);
  if (flag != CV_SUCCESS) fail("CVodeSStolerances", flag);
  CVodeSetUserData(h.cvode, this);
  h.matrix = SUNDenseMatrix(n, n, h.context);
  h.linear_solver = SUNLinSol_Dense(h.y, h.matrix, h.context);
  if (!h.matrix || !h.linear_solver) fail("SUNLinSol_Dense", -1);
  flag = CVodeSetLinearSolver(h.cvode, h.linear_solver, h.matrix);
  if (flag != CV_SUCCESS) fail("CVodeSetLinearSolver", flag);
  if (model.has_jacobian()) CVodeSetJacFn(h.cvode, &Callbacks::jacobian);
  if (!roots_.empty()) {
    flag = CVodeRootInit(h.cvode, static_cast<int>(roots_.size()), &Callbacks::roots);
    if (flag != CV_SUCCESS) fail("CVodeRootInit", flag);
    std::vector<int> directions;
    for (const auto& r : roots_) directions.push_back(r.direction);
    CVodeSetRootDirection(h.cvode, directions.data());
    // A state sitting exactly on a threshold at a restart is not a crossing.
    CVodeSetNoInactiveRootWarn(h.cvode);
  }
}

CvodeSolver::~CvodeSolver() = default;

void CvodeSolver::restart(double t0, std::span<const double> y0,
                          std::span<const double> input_rates) {
  Handles& h = *handles_;
  steps_before_restart_ = steps_taken();
  double* y = N_VGetArrayPointer(h.y);
  for (std::size_t i = 0; i < y0.size(); ++i) y[i] = y0[i];
  input_rates_.assign(input_rates.begin(), input_rates.end());
  accepted_.assign(y0.begin(), y0.end());
  t_ = t0;
  const int flag = CVodeReInit(h.cvode, t0, h.y);
  if (flag != CV_SUCCESS) fail("CVodeReInit", flag);
}

CvodeSolver::StepResult CvodeSolver::step(double t_stop) {
  Handles& h = *handles_;
  // CVODE's own step limit counts per call (one step here), so the per-run budget is ours.
  if (steps_taken() >= max_steps_) {
    fail("more than solver.max_steps = " + std::to_string(max_steps_) +
             " internal steps; the model is too stiff or the tolerances too tight",
         0);
  }
  CVodeSetStopTime(h.cvode, t_stop);
  double t_reached = t_;
  const int flag = CVode(h.cvode, t_stop, h.y, &t_reached, CV_ONE_STEP);
  if (flag < 0) fail("CVode", flag);
  t_ = t_reached;
  const double* y = N_VGetArrayPointer(h.y);
  accepted_.assign(y, y + model_.num_states());
  for (std::size_t i = 0; i < model_.num_states(); ++i) {
    if (!std::isfinite(y[i]) || std::fabs(y[i]) > 1e100) {
      fail("state '" + std::string(model_.states()[i].name) + "' blew up (|value| > 1e100)", 0);
    }
  }
  if (flag == CV_ROOT_RETURN) return StepResult::kRoot;
  if (flag == CV_TSTOP_RETURN) return StepResult::kStopTime;
  return StepResult::kStep;
}

std::span<const double> CvodeSolver::state() const {
  return {N_VGetArrayPointer(handles_->y), model_.num_states()};
}

void CvodeSolver::interpolate(double t, std::span<double> out) const {
  const int flag = CVodeGetDky(handles_->cvode, t, 0, handles_->dky);
  if (flag != CV_SUCCESS) fail("CVodeGetDky", flag);
  const double* v = N_VGetArrayPointer(handles_->dky);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = v[i];
}

std::vector<int> CvodeSolver::roots_found() const {
  std::vector<int> found(roots_.size(), 0);
  if (!found.empty()) CVodeGetRootInfo(handles_->cvode, found.data());
  return found;
}

long CvodeSolver::steps_taken() const {
  long steps = 0;
  if (handles_ && handles_->cvode) CVodeGetNumSteps(handles_->cvode, &steps);
  return steps_before_restart_ + steps;
}

void CvodeSolver::fail(const std::string& what, int flag) const {
  std::string message = "model " + std::string(model_.name()) + " failed at t = " +
                        format_number(t_, 8) + " days: " + what;
  if (flag != 0) message += " returned " + std::to_string(flag);
  if (!last_message_.empty()) message += " (" + last_message_ + ")";
  if (accepted_.size() == model_.num_states()) {
    message += "; state:";
    for (std::size_t i = 0; i < accepted_.size(); ++i) {
      message +=
          " " + std::string(model_.states()[i].name) + " = " + format_number(accepted_[i], 6);
    }
  }
  throw NumericalError(message);
}

}  // namespace nksim
