// Implicit alternating-direction solver in delta form (Douglas-Gunn approximate factorisation,
// theta = 1), with the agents' exchange and the decay inside the solve.
//
// With A = Ax + Ay + Az the lattice Laplacian times D (boundary terms included), lambda the
// decay, and per voxel the agents' sink k and source s (set_exchange), each step solves
//   (1 + dt (lambda + k)) (1 - dt Ax)(1 - dt Ay)(1 - dt Az) delta = dt [A c - (lambda + k) c + s]
// and sets c <- c + delta. The right-hand side is the full (unsplit) lattice rate, so the fixed
// point of the step is the exact steady state of the lattice equation A c - (lambda + k) c + s =
// 0 at any dt: near a point-like source the steady field does not depend on the step, unlike
// the LOD solver's (whose split factors and split exchange shift the fixed point by an O(dt)
// amount, tens of percent at D dt / h^2 >= 1; docs/spatial.md). Transients are first order in
// time, like the LOD solver's.
//
// The three axis factors are the LOD solver's Thomas solves without decay and with homogeneous
// boundary terms (delta is zero on a Dirichlet boundary, mirrored on a Neumann one); the
// diagonal factor is a division. With sk = dt k = (1 - alpha) / alpha and s dt = beta / alpha
// from the exchange map c -> alpha c + beta, the diagonal step is, multiplied through by alpha,
//   delta_v = (alpha dt (A c - lambda c)_v + beta - (1 - alpha) c_v) / (1 + alpha lambda dt),
// finite for any uptake (alpha -> 0); with D = 0 and lambda = 0 the step is exactly the map.
//
// Stability (von Neumann, constant coefficients): a Fourier mode with axis eigenvalues
// a_x, a_y, a_z >= 0 of -A and q = lambda + k is multiplied per step by
//   g = 1 - dt (a_x + a_y + a_z + q) / ((1 + dt q)(1 + dt a_x)(1 + dt a_y)(1 + dt a_z));
// the denominator is at least 1 plus the numerator, so 0 < g < 1 for every mode and every dt
// (unconditionally stable, no oscillation). Modes with large a on two or more axes have g close
// to 1 at large dt: they relax to the steady state slowly, not wrongly (near a freshly switched-on
// point source, -38 % after 10 steps at D dt/h^2 = 5: docs/spatial.md). Not positivity-
// preserving: the axis solves spread a large negative increment (strong uptake) to neighbours.
// Mass balance (Neumann): each axis solve keeps the sum, so
//   M' = M + V sum_v dt (s_v - (lambda + k_v) c_v) / (1 + dt (lambda + k_v)),
// and without agents M' = M / (1 + lambda dt) exactly.
//
// Second order in time ("implicit_adi_bdf2"): the same factorisation applied to the two-step
// backward differentiation formula c^{n+1} - 4/3 c^n + 1/3 c^{n-1} = 2/3 dt F(c^{n+1}), with
// F(c) = A c - (lambda + k) c + s. In delta form, with the previous step's increment
// delta^- = c^n - c^{n-1} and beta = 2/3,
//   (1 + beta dt (lambda + k)) prod_a (1 - beta dt A_a) delta = beta dt F(c^n) + 1/3 delta^-.
// The factorisation error, O(dt^2) times delta = O(dt), keeps the method second order; the fixed
// point (delta = delta^- = 0) is again the exact lattice steady state. Stability: a mode with
// axis eigenvalues a_i and q = lambda + k has amplification factors g, the roots of
//   P g^2 - (P - beta dt S + 1/3) g + 1/3 = 0,  S = q + sum a_i,  P = (1 + beta dt q) prod (1 +
//   beta dt a_i);
// the polynomial is 2/3 dt S >= 0 at g = 1 and 2P - 2/3 dt S + 2/3 > 0 at g = -1 (P >= 1 +
// beta dt S), and the roots' product is 1/(3P) < 1, so |g| <= 1 for every mode and every dt.
// Short modes still relax slowly at large D dt/h^2, as with the first-order form. The first
// step, and the first after a change of dt, is the first-order step (no history); the history
// delta^- is saved in checkpoints. Mass balance (Neumann, no agents):
//   (1 + beta lambda dt) (M' - M) = -beta lambda dt M + 1/3 (M - M^-).
// Memory: the increment of each field is kept between steps (no extra array).
#pragma once

#include <cstdint>
#include <vector>

#include "nksim/fields/diffusion_solver.h"

namespace nksim {

class ImplicitAdiSolver final : public DiffusionSolver {
 public:
  // order 1: backward Euler ("implicit_adi"); order 2: BDF2 ("implicit_adi_bdf2").
  explicit ImplicitAdiSolver(int order) : order_(order) {}
  const char* name() const override { return order_ == 2 ? "implicit_adi_bdf2" : "implicit_adi"; }
  std::optional<std::string> check_step(const FieldGrid&, double) const override {
    return std::nullopt;
  }
  // Above kTransientDiffusionNumber, a point source that switches on (a cell arriving in a
  // voxel) needs more than ~10 steps to build its peak within 2 % (docs/spatial.md); the steady
  // state stays exact.
  std::optional<std::string> accuracy_warning(const FieldGrid& grid, double dt_min) const override;
  static constexpr double kTransientDiffusionNumber = 1.0;
  void step(FieldGrid& grid, double dt_min, int threads) override;
  bool takes_exchange() const override { return true; }
  void set_exchange(std::size_t f, const ExchangeView& exchange) override;
  void save_state(StateWriter& out) const override;
  void restore_state(const StateReader& in) override;

 private:
  struct Factor {  // Thomas factorisation of 1 - beta dt A_axis, zero-padded (lod::padded_length)
    std::vector<double> m, e, zeros;
  };
  void factorise(const FieldGrid& grid, double dt_min);
  int order_ = 1;
  double factor_dt_ = -1;
  // field * 3 + axis, for beta = 1 (first-order step) and beta = 2/3 (BDF2); rebuilt when dt
  // changes.
  std::vector<Factor> factors_[2];
  // Per field: the increment of the last step (BDF2's history delta^-, valid when
  // history_dt_ is this step's dt), and the scratch of the next.
  std::vector<std::vector<double>> delta_;
  double history_dt_ = -1;
  struct FieldScratch {  // per field, for one step
    std::vector<double> boundary_line;  // Dirichlet: nx boundary values
    std::vector<double> touched;        // the exchange voxels' right-hand sides
    std::vector<std::uint32_t> order, slab_start, cursor;  // 3-D: exchange voxels by slab
  };
  std::vector<FieldScratch> scratch_;
  std::vector<ExchangeView> exchange_;  // per field, for the next step only
};

}  // namespace nksim
