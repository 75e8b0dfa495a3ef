// Conformance: every diffusion solver against closed forms.
//
// 1. Point source, no decay, zero-flux box much larger than the spread. The continuous solution
//    is the Gaussian c(x,t) = M (4 pi D t)^{-3/2} exp(-|x|^2 / (4 D t)).
//    - Mass is conserved exactly (relative 1e-12: round-off only).
//    - The variance along each axis is exactly 2 D t for both discrete schemes (each explicit
//      step and each implicit 1-D sweep adds 2 D dt; derivation in diffusion_lod.h and
//      diffusion_explicit.h); the box truncates a 4.8 sigma tail, so we allow 1e-3 relative.
//    - Pointwise, the field matches the Gaussian to 3% of its peak (spatial error ~ h^2/sigma^2
//      = 2.5% on the curvature; first-order time error of order dt/t = 0.5%).
// 2. Mass balance with decay and a constant cell source (secretion mechanism, export term):
//    per step M <- (M + E dt) g with g = (1 - lambda dt) (explicit) or (1 + lambda dt/3)^-3
//    (LOD) or 1 / (1 + lambda dt) (ADI: the export enters the solve, divided by 1 + lambda dt);
//    checked to 1e-10 relative after 500 steps.
//    implicit_adi_bdf2: (1 + 2/3 lambda dt)(M' - M) = 2/3 dt (E - lambda M) + (M - M^-)/3 after
//    a first-order first step.
// 3. A Dirichlet field starting at its boundary value stays there exactly.
// 4. One implicit LOD step on odd-sized 2-D and 3-D grids equals plain per-line Thomas solves of
//    the backward-Euler systems written out here (relative 1e-12): the blocked, vectorised sweeps
//    handle every line, tail and boundary as the textbook algorithm does.
//    On a 3-D grid above the parallel threshold with three fields, one step equals the plain
//    solves too, and is bit-identical at 1, 2 and 3 threads (fields swept whole by one thread and
//    fields split by slabs give the same values).
// 5. The explicit solver refuses a step above its stability bound, naming the key.
// 6. Order in time against the exact lattice solution for a cosine mode: implicit_adi first
//    order, implicit_adi_bdf2 second order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "../spatial_support.h"
#include "nksim/core/error.h"
#include "nksim/rules/secretion.h"
#include "nksim/fields/diffusion_solver.h"

namespace nksim {
namespace {

class Diffusion : public ::testing::TestWithParam<std::string> {};

TEST_P(Diffusion, PointSourceMatchesGaussian) {
  Domain d;
  d.dim = 3;
  d.lo_um = {-305, -305, -305};
  d.hi_um = {305, 305, 305};
  const double h = 10, D = 100, dt = 0.1, t_end = 20;
  FieldSpec spec{"c", D, 0.0, 0.0, FieldBoundary::kNeumann, 0.0};
  FieldGrid grid(d, h, {spec});
  const auto n = grid.shape();
  ASSERT_EQ(n[0], 61u);
  const std::size_t centre = grid.voxel_of(0, 0, 0);
  const double mass = 1e6;
  grid.values(0)[centre] = mass / grid.voxel_volume_um3();
  auto solver = make_diffusion_solver(GetParam());
  ASSERT_FALSE(solver->check_step(grid, dt).has_value());
  const int steps = static_cast<int>(std::lround(t_end / dt));
  for (int s = 0; s < steps; ++s) solver->step(grid, dt, 2);

  EXPECT_NEAR(grid.total(0) / mass, 1.0, 1e-12);
  const double variance_expected = 2 * D * t_end;
  double var[3] = {0, 0, 0};
  double peak_error = 0;
  const double norm = mass / std::pow(4 * std::numbers::pi * D * t_end, 1.5);
  for (std::size_t k = 0; k < n[2]; ++k) {
    for (std::size_t j = 0; j < n[1]; ++j) {
      for (std::size_t i = 0; i < n[0]; ++i) {
        const double x = (static_cast<double>(i) - 30) * h, y = (static_cast<double>(j) - 30) * h,
                     z = (static_cast<double>(k) - 30) * h;
        const double m = grid.values(0)[(k * n[1] + j) * n[0] + i] * grid.voxel_volume_um3();
        var[0] += m * x * x;
        var[1] += m * y * y;
        var[2] += m * z * z;
        const double exact = norm * std::exp(-(x * x + y * y + z * z) / (4 * D * t_end));
        peak_error = std::max(peak_error, std::abs(m / grid.voxel_volume_um3() - exact));
      }
    }
  }
  for (double v : var) EXPECT_NEAR(v / mass / variance_expected, 1.0, 1e-3);
  EXPECT_LT(peak_error / norm, 0.03);
}

TEST_P(Diffusion, MassBalanceWithDecayAndSecretion) {
  const double lambda = 0.05, dt = 0.1, export_rate = 250.0;
  const std::string text = R"(
[simulation]
engine = "spatial"
dimension = 3
domain_min_um = [0, 0, 0]
domain_max_um = [200, 160, 120]
end_time_min = 50
dt_diffusion_min = 0.1
dt_mechanics_min = 0.1
dt_phenotype_min = 0.1
voxel_um = 20
diffusion_solver = ")" + GetParam() +
                           R"("
[[cell_type]]
name = "source"
radius_um = 5
[[field]]
name = "c"
diffusion_um2_per_min = 500
decay_per_min = 0.05
initial = 2.0
[[population]]
type = "source"
shape = "box"
min_um = [10, 10, 10]
max_um = [190, 150, 110]
count = 3
[mechanisms.secretion.source.c]
export_per_min = 250
)";
  SpatialModel model = test::spatial_from_text(text, 2);
  Simulation& sim = *model.simulation;
  double mass = sim.fields().total(0);
  const double g = GetParam() == "explicit"       ? 1.0 - lambda * dt
                   : GetParam() == "implicit_adi" ? 1.0 / (1.0 + lambda * dt)
                                                  : std::pow(1 + lambda * dt / 3, -3);
  double previous = mass;  // the mass one step earlier (BDF2's history)
  for (int s = 0; s < 500; ++s) {
    sim.step();
    const double before = mass;
    if (GetParam() == "implicit_adi_bdf2" && s > 0) {
      // (1 + 2/3 lambda dt) (M' - M) = 2/3 dt (E - lambda M) + (M - M^-) / 3
      mass += (2.0 / 3.0 * dt * (3 * export_rate - lambda * mass) + (mass - previous) / 3) /
              (1 + 2.0 / 3.0 * lambda * dt);
    } else if (GetParam() == "implicit_adi_bdf2") {
      mass = (mass + 3 * export_rate * dt) / (1 + lambda * dt);  // the first step: first order
    } else {
      mass = (mass + 3 * export_rate * dt) * g;
    }
    previous = before;
  }
  EXPECT_NEAR(sim.fields().total(0) / mass, 1.0, 1e-10);
}

// Several agents in one voxel: the per-voxel composed map equals applying each agent's
// backward-Euler exchange in turn (rules::secrete_uptake), up to rounding; a solver that takes
// the exchange into its solve integrates the summed rates instead.
TEST_P(Diffusion, SecretionOfAgentsSharingAVoxelComposes) {
  const std::string text = R"(
[simulation]
engine = "spatial"
dimension = 3
domain_min_um = [0, 0, 0]
domain_max_um = [20, 20, 20]
end_time_min = 1
dt_diffusion_min = 0.05
dt_mechanics_min = 0.1
dt_phenotype_min = 0.1
voxel_um = 20
diffusion_solver = ")" + GetParam() +
                           R"("
[[cell_type]]
name = "a"
radius_um = 4
[[cell_type]]
name = "b"
radius_um = 6
[[field]]
name = "c"
diffusion_um2_per_min = 0
initial = 0.5
[[population]]
type = "a"
shape = "box"
min_um = [2, 2, 2]
max_um = [18, 18, 18]
count = 2
[[population]]
type = "b"
shape = "box"
min_um = [2, 2, 2]
max_um = [18, 18, 18]
count = 1
[mechanisms.secretion.a.c]
secretion_per_min = 3
target = 2
uptake_per_min = 0.5
[mechanisms.secretion.b.c]
uptake_per_min = 4
export_per_min = 900
)";
  SpatialModel model = test::spatial_from_text(text, 1);
  Simulation& sim = *model.simulation;
  const double vv = 8000.0;
  const auto ratio = [vv](double r) { return 4.0 / 3.0 * std::numbers::pi * r * r * r / vv; };
  // A solver that takes the exchange into its solve gets the agents' rates summed: the voxel
  // follows dc/dt = S - K c, by backward Euler (implicit_adi) or BDF2 after a first backward-Euler
  // step (implicit_adi_bdf2).
  const double K = ratio(4) * (3 + 0.5) * 2 + ratio(6) * 4;
  const double S = ratio(4) * 3 * 2 * 2 + 900 / vv;
  const double dt = 0.05;
  double c = 0.5, previous = 0.5;
  for (int s = 0; s < 5; ++s) {
    sim.step();
    for (int k = 0; k < 2; ++k) {  // two diffusion steps per mechanics step, agents in id order
      const double before = c;
      if (GetParam() == "implicit_adi" || (GetParam() == "implicit_adi_bdf2" && s + k == 0)) {
        c = (c + dt * S) / (1 + dt * K);
      } else if (GetParam() == "implicit_adi_bdf2") {
        c = (4.0 / 3.0 * c - previous / 3.0 + 2.0 / 3.0 * dt * S) / (1 + 2.0 / 3.0 * dt * K);
      } else {
        c = rules::secrete_uptake(c, 0.05, ratio(4), 3, 2, 0.5, 0);
        c = rules::secrete_uptake(c, 0.05, ratio(4), 3, 2, 0.5, 0);
        c = rules::secrete_uptake(c, 0.05, ratio(6), 0, 1, 4, 900 / vv);
      }
      previous = before;
    }
  }
  EXPECT_NEAR(sim.fields().values(0)[0] / c, 1.0, 1e-13);
  EXPECT_GT(std::abs(c - 0.5), 0.05);  // the exchange did something (0.07)
}

TEST_P(Diffusion, DirichletSteadyStateIsKept) {
  Domain d;
  d.dim = 2;
  d.lo_um = {0, 0, 0};
  d.hi_um = {200, 100, 0};
  FieldGrid grid(d, 10, {FieldSpec{"o2", 1e3, 0.0, 38.0, FieldBoundary::kDirichlet, 38.0}});
  auto solver = make_diffusion_solver(GetParam());
  for (int s = 0; s < 100; ++s) solver->step(grid, 0.01, 1);
  for (double v : grid.values(0)) ASSERT_NEAR(v, 38.0, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(Solvers, Diffusion,
                         ::testing::Values("implicit_lod", "explicit", "implicit_adi",
                                           "implicit_adi_bdf2"));

// Order in time, against the exact solution of the lattice equations: a product of cosines is
// an eigenvector of the zero-flux lattice Laplacian, so c(t) = c(0) exp(-(lambda + sigma) t) with
// sigma = D sum_a (2 - 2 cos(pi m_a / n)) / h^2. The error at t_end for dt and dt/2 falls by
// 2x (first order) or 4x (second order); the tolerance on the ratio, +-12 %, leaves room for
// the next-order term at these steps (sigma dt = 0.1 and 0.05).
double cosine_mode_error(const std::string& solver_name, double dt) {
  Domain d;
  d.dim = 3;
  d.lo_um = {0, 0, 0};
  d.hi_um = {160, 120, 80};
  const double h = 10, D = 50, lambda = 0.1, t_end = 4;
  FieldGrid grid(d, h, {FieldSpec{"c", D, lambda, 0.0, FieldBoundary::kNeumann, 0.0}});
  const auto n = grid.shape();
  const int m[3] = {1, 2, 1};
  double sigma = lambda;
  for (int a = 0; a < 3; ++a) {
    sigma += D * (2 - 2 * std::cos(std::numbers::pi * m[a] / static_cast<double>(n[a]))) / (h * h);
  }
  const auto mode = [&](std::size_t i, std::size_t j, std::size_t k) {
    const auto c = [&](std::size_t at, int a) {
      return std::cos(std::numbers::pi * m[a] * (static_cast<double>(at) + 0.5) /
                      static_cast<double>(n[a]));
    };
    return c(i, 0) * c(j, 1) * c(k, 2);
  };
  for (std::size_t k = 0; k < n[2]; ++k) {
    for (std::size_t j = 0; j < n[1]; ++j) {
      for (std::size_t i = 0; i < n[0]; ++i)
        grid.values(0)[(k * n[1] + j) * n[0] + i] = mode(i, j, k);
    }
  }
  auto solver = make_diffusion_solver(solver_name);
  const long steps = std::lround(t_end / dt);
  for (long s = 0; s < steps; ++s) solver->step(grid, dt, 1);
  const double exact = std::exp(-sigma * t_end);
  double worst = 0;
  for (std::size_t k = 0; k < n[2]; ++k) {
    for (std::size_t j = 0; j < n[1]; ++j) {
      for (std::size_t i = 0; i < n[0]; ++i) {
        worst = std::max(
            worst, std::abs(grid.values(0)[(k * n[1] + j) * n[0] + i] - exact * mode(i, j, k)));
      }
    }
  }
  return worst / exact;
}

TEST(DiffusionOrder, AdiIsFirstOrderAndBdf2SecondOrder) {
  const double dt = 0.2;  // sigma dt ~ 0.1
  const double adi = cosine_mode_error("implicit_adi", dt);
  const double adi_half = cosine_mode_error("implicit_adi", dt / 2);
  const double bdf2 = cosine_mode_error("implicit_adi_bdf2", dt);
  const double bdf2_half = cosine_mode_error("implicit_adi_bdf2", dt / 2);
  EXPECT_NEAR(adi / adi_half, 2.0, 0.25);
  EXPECT_NEAR(bdf2 / bdf2_half, 4.0, 0.5);
  EXPECT_LT(bdf2, adi / 10);  // at this step, the second-order error is > 10x smaller
  EXPECT_GT(adi, 1e-3);       // the comparison is not drowned in round-off
}

// Solves (1 + q + 2r) c_i - r (c_{i-1} + c_{i+1}) = b_i on one line of values spaced `stride`
// apart, with ghost values c_{-1} = c_0 (Neumann) or the boundary value (Dirichlet).
void plain_thomas(double* c, std::size_t len, std::size_t stride, double r, double q,
                  bool dirichlet, double value) {
  std::vector<double> lower(len, -r), diag(len, 1 + q + 2 * r), upper(len, -r), rhs(len);
  for (std::size_t i = 0; i < len; ++i) rhs[i] = c[i * stride];
  if (dirichlet) {
    rhs[0] += r * value;
    rhs[len - 1] += r * value;
  } else {
    diag[0] -= r;
    diag[len - 1] -= r;
  }
  for (std::size_t i = 1; i < len; ++i) {
    const double w = lower[i] / diag[i - 1];
    diag[i] -= w * upper[i - 1];
    rhs[i] -= w * rhs[i - 1];
  }
  c[(len - 1) * stride] = rhs[len - 1] / diag[len - 1];
  for (std::size_t i = len - 1; i-- > 0;) {
    c[i * stride] = (rhs[i] - upper[i] * c[(i + 1) * stride]) / diag[i];
  }
}

TEST(ImplicitLod, EqualsPlainThomasSolvesOnOddGrids) {
  for (const int dim : {2, 3}) {
    for (const bool dirichlet : {false, true}) {
      Domain d;
      d.dim = dim;
      d.lo_um = {0, 0, 0};
      d.hi_um = {130, 110, dim == 3 ? 70.0 : 0.0};  // 13 x 11 (x 7) voxels: tails everywhere
      const double D = 400, decay = 0.3, dt = 0.5, h = 10, value = 3.0;
      FieldGrid grid(d, h,
                     {FieldSpec{"c", D, decay, 0.0,
                                dirichlet ? FieldBoundary::kDirichlet : FieldBoundary::kNeumann,
                                value}});
      std::mt19937_64 rng(7);
      std::uniform_real_distribution<double> u(0.0, 10.0);
      for (double& v : grid.values(0)) v = u(rng);
      std::vector<double> expected = grid.values(0);
      const auto n = grid.shape();
      const std::size_t stride[3] = {1, n[0], n[0] * n[1]};
      const double r = D * dt / (h * h), q = decay * dt / dim;
      for (int axis = 0; axis < dim; ++axis) {
        for (std::size_t start = 0; start < grid.num_voxels(); ++start) {
          const std::size_t along = start / stride[axis] % n[axis];
          if (along != 0) continue;  // one start per line
          plain_thomas(expected.data() + start, n[axis], stride[axis], r, q, dirichlet, value);
        }
      }
      auto solver = make_diffusion_solver("implicit_lod");
      solver->step(grid, dt, 1);
      for (std::size_t v = 0; v < grid.num_voxels(); ++v) {
        ASSERT_NEAR(grid.values(0)[v], expected[v], 1e-12 * std::abs(expected[v]))
            << "dim " << dim << (dirichlet ? " Dirichlet" : " Neumann") << ", voxel " << v;
      }
    }
  }
}

TEST(ImplicitLod, ParallelFieldSplitsEqualPlainThomasAndEachOther) {
  Domain d;
  d.dim = 3;
  d.lo_um = {0, 0, 0};
  d.hi_um = {370, 350, 290};  // 37 x 35 x 29 voxels: above kMinParallelVoxels, odd everywhere
  const double h = 10, dt = 0.5;
  const std::vector<FieldSpec> specs = {
      FieldSpec{"a", 400, 0.3, 0.0, FieldBoundary::kDirichlet, 3.0},
      FieldSpec{"b", 40, 0.01, 0.0, FieldBoundary::kNeumann, 0.0},
      FieldSpec{"c", 4000, 1.0, 0.0, FieldBoundary::kDirichlet, 5.0}};
  FieldGrid initial(d, h, specs);
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0.0, 10.0);
  for (std::size_t f = 0; f < specs.size(); ++f) {
    for (double& v : initial.values(f)) v = u(rng);
  }
  const auto n = initial.shape();
  const std::size_t stride[3] = {1, n[0], n[0] * n[1]};
  std::vector<std::vector<double>> expected;
  for (std::size_t f = 0; f < specs.size(); ++f) {
    std::vector<double> e = initial.values(f);
    const bool dirichlet = specs[f].boundary == FieldBoundary::kDirichlet;
    const double r = specs[f].diffusion_um2_per_min * dt / (h * h);
    const double q = specs[f].decay_per_min * dt / 3;
    for (int axis = 0; axis < 3; ++axis) {
      for (std::size_t start = 0; start < initial.num_voxels(); ++start) {
        if (start / stride[axis] % n[axis] != 0) continue;
        plain_thomas(e.data() + start, n[axis], stride[axis], r, q, dirichlet,
                     specs[f].boundary_value);
      }
    }
    expected.push_back(std::move(e));
  }
  std::vector<std::vector<double>> first;
  for (const int threads : {1, 2, 3}) {
    FieldGrid grid = initial;
    auto solver = make_diffusion_solver("implicit_lod");
    solver->step(grid, dt, threads);
    for (std::size_t f = 0; f < specs.size(); ++f) {
      for (std::size_t v = 0; v < grid.num_voxels(); ++v) {
        ASSERT_NEAR(grid.values(f)[v], expected[f][v], 1e-12 * std::abs(expected[f][v]))
            << "field " << f << ", voxel " << v << ", threads " << threads;
      }
      if (threads == 1) {
        first.push_back(grid.values(f));
      } else {
        ASSERT_EQ(grid.values(f), first[f]) << "field " << f << ", threads " << threads;
      }
    }
  }
}

TEST(DiffusionStability, ExplicitRefusesUnstableStep) {
  const std::string text = R"(
[simulation]
engine = "spatial"
dimension = 2
domain_min_um = [0, 0]
domain_max_um = [200, 200]
end_time_min = 1
dt_diffusion_min = 0.1
dt_mechanics_min = 0.1
voxel_um = 20
diffusion_solver = "explicit"
[[cell_type]]
name = "a"
radius_um = 5
[[field]]
name = "oxygen"
diffusion_um2_per_min = 1e5
)";
  try {
    test::spatial_from_text(text);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("test.toml:"), std::string::npos) << message;
    EXPECT_NE(message.find("simulation.dt_diffusion_min"), std::string::npos) << message;
    EXPECT_NE(message.find("oxygen"), std::string::npos) << message;
  }
  // The implicit solver takes the same step.
  std::string implicit = text;
  implicit.replace(implicit.find("\"explicit\""), 10, "\"implicit_lod\"");
  EXPECT_NO_THROW(test::spatial_from_text(implicit));
}

}  // namespace
}  // namespace nksim
