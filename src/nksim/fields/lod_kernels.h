// Kernels of the implicit LOD diffusion solver (diffusion_lod.cpp): Thomas sweeps along grid
// lines, for 2-D fields and the z axis (lod_line_sweeps.cpp), and the fused per-slab pass of 3-D
// fields (lod_slab_sweep.cpp). Internal to the solver.
//
// Every kernel is compiled for baseline x86-64 and for x86-64-v3 (AVX2) with the same IEEE
// operations per value in the same order (core/simd.h), so results are bit-identical. The
// multiversioning attribute sits on the definitions only: callers call the load-time resolver.
#pragma once

#include <cstddef>
#include <vector>

#include "nksim/core/simd.h"

namespace nksim::lod {

// The kernels are written with the four-lane vectors of core/simd.h.
using simd::load4;
using simd::splat;
using simd::store4;
using simd::transpose4;
using simd::V4;
using simd::V4Mask;

constexpr std::size_t round_up4(std::size_t n) { return (n + 3) / 4 * 4; }
// Length of the per-axis coefficient arrays: whole blocks of 4, and one spare block.
constexpr std::size_t padded_length(std::size_t n) { return round_up4(n) + 4; }

struct Coeffs {  // one axis of one field, all padded (padded_length)
  const double* m;
  const double* e;
  const double* add;  // r * Dirichlet value at both ends (2x on a single-voxel axis), else 0
};

// The z step fused into stage 4, for slab k: v <- (v + add) m + e * below (below: slab k - 1,
// already eliminated; the first slab has no e * below term, as in sweep_lines).
struct ZStep {
  double m = 0, e = 0, add = 0;
  const double* below = nullptr;
};

// One field's data for a step of sweep_fields: values, and per axis the coefficients and
// r * Dirichlet value. 3-D only, for solvers that sweep an increment rather than the field
// (implicit_adi): `prepare`, when set, is called with `context` and a slab index right before
// that slab is swept (it writes the slab's right-hand side, reading anything but the values
// being swept), and `add_to`, when set, receives the solved values (add_to[v] += c[v]) as the
// z back substitution finishes each of them.
struct FieldJob {
  double* c;
  Coeffs axis[3];
  double bc[3];
  void (*prepare)(const void* context, std::size_t slab) = nullptr;
  const void* context = nullptr;
  double* add_to = nullptr;
};

// Thomas factorisation of (1 + decay + 2r) c_i - r (c_{i-1} + c_{i+1}) along a line of `len`
// values (Neumann: ghost c_{-1} = c_0, else a Dirichlet ghost): m = 1 / pivot, e = r / pivot,
// both zero-padded to padded_length(len).
void factorise_line(std::size_t len, double r, double decay, bool neumann, std::vector<double>& m,
                    std::vector<double>& e);

// One LOD step (x, y, then z solves along every line) of every field; `threads` > 1 only for
// grids large enough to split (diffusion_lod.cpp).
void sweep_fields(const FieldJob* jobs, std::size_t num_fields, std::size_t nx, std::size_t ny,
                  std::size_t nz, int dim, int threads);

// Thomas sweep along `lines` lines spaced `stride` apart, each a contiguous run of `width`
// independent values: the recurrence runs across lines and vectorises along them. `bc` is r
// times the Dirichlet value (0 for Neumann), added at the first and the last line.
void sweep_lines(double* __restrict base, std::size_t lines, std::size_t stride, std::size_t width,
                 const double* __restrict m, const double* __restrict e, double bc);

// Sweeps `count` consecutive contiguous lines of length n along the contiguous (x) axis.
void sweep_x(double* __restrict base, std::size_t n, std::size_t count, const double* __restrict m,
             const double* __restrict e, double bc);

// Stage 5 of the 3-D step: z back substitution c_k += e_k c_{k+1} over whole slabs, top down;
// with `add_to`, also add_to_k += c_k as each slab is finished.
void z_backward(double* __restrict c, std::size_t plane, std::size_t nz,
                const double* __restrict e, double* __restrict add_to = nullptr);

// Scratch one thread needs for sweep_slab, in doubles.
std::size_t slab_scratch_size(std::size_t nx, std::size_t ny);

// x and y sweeps of one slab of a 3-D field, and, unless z is null, the z forward elimination
// step of this slab. `prefetch`: the slab to be swept next, or null.
void sweep_slab(double* __restrict slab, std::size_t nx, std::size_t ny, Coeffs cx, Coeffs cy,
                const ZStep* z, double* scratch, const double* prefetch);

}  // namespace nksim::lod
