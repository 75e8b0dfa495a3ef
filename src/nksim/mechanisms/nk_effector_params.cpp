#include "nksim/mechanisms/nk_effector_params.h"

#include <string>

namespace nksim {
namespace {

namespace nk = rules::nk;

void read_recognition(TableReader& sub, bool t_cell, EffectorParams& p) {
  auto table = sub.optional_table("recognition");
  if (!table) return;
  TableReader& r = *table;
  if (t_cell) {
    p.t_cell.p_max = r.number_or("p_max", p.t_cell.p_max, Bound::kFraction);
    p.t_cell.mhc_half = r.number_or("mhc_half", p.t_cell.mhc_half, Bound::kPositive);
    p.t_cell.mhc_hill = r.number_or("mhc_hill", p.t_cell.mhc_hill, Bound::kPositive);
    p.t_cell.antigen_half = r.number_or("antigen_half", p.t_cell.antigen_half, Bound::kPositive);
  } else {
    nk::RecognitionParams& q = p.recognition;
    q.w_nkg2d = r.number_or("w_nkg2d", q.w_nkg2d, Bound::kNonNegative);
    q.k_nkg2d = r.number_or("k_nkg2d", q.k_nkg2d, Bound::kPositive);
    q.w_other = r.number_or("w_other", q.w_other, Bound::kNonNegative);
    q.k_other = r.number_or("k_other", q.k_other, Bound::kPositive);
    q.w_car = r.number_or("w_car", q.w_car, Bound::kNonNegative);
    q.k_car = r.number_or("k_car", q.k_car, Bound::kPositive);
    q.w_cd16 = r.number_or("w_cd16", q.w_cd16, Bound::kNonNegative);
    q.k_cd16 = r.number_or("k_cd16", q.k_cd16, Bound::kPositive);
    q.w_mhc = r.number_or("w_mhc", q.w_mhc, Bound::kNonNegative);
    q.k_mhc = r.number_or("k_mhc", q.k_mhc, Bound::kPositive);
    q.p_max = r.number_or("p_max", q.p_max, Bound::kFraction);
    q.s_half = r.number_or("s_half", q.s_half);
    q.s_width = r.number_or("s_width", q.s_width, Bound::kPositive);
  }
  r.finish();
}

// A bound on kill counts that fits an int; serial killers manage about 10 (Bhat & Watzl 2007).
constexpr std::int64_t kMaxKillCount = 1000000;

void read_kinetics(TableReader& sub, EffectorParams& p) {
  if (auto table = sub.optional_table("delay")) {
    TableReader& r = *table;
    nk::KillDelayParams& q = p.delay;
    q.granzyme_mean_min = r.number_or("granzyme_mean_min", q.granzyme_mean_min, Bound::kPositive);
    q.granzyme_shape = static_cast<int>(
        r.integer_or("granzyme_shape", q.granzyme_shape, 1, nk::kMaxDelayShape));
    q.death_receptor_mean_min =
        r.number_or("death_receptor_mean_min", q.death_receptor_mean_min, Bound::kPositive);
    q.death_receptor_shape =
        static_cast<int>(r.integer_or("death_receptor_shape", q.death_receptor_shape, 1,
                                      nk::kMaxDelayShape));
    r.finish();
  }
  if (auto table = sub.optional_table("capacity")) {
    TableReader& r = *table;
    nk::CapacityParams& q = p.capacity;
    q.non_killer_fraction =
        r.number_or("non_killer_fraction", q.non_killer_fraction, Bound::kFraction);
    q.mean_if_killer = r.number_or("mean_kills_if_killer", q.mean_if_killer, Bound::kPositive);
    q.max_kills = static_cast<int>(r.integer_or("max_kills", q.max_kills, 0, kMaxKillCount));
    const std::vector<std::string> kinds = {"geometric", "poisson"};
    q.distribution = r.choice_or("distribution", kinds, "geometric") == "poisson"
                         ? nk::CapacityDistribution::kPoisson
                         : nk::CapacityDistribution::kGeometric;
    p.granules.granzyme_kills =
        static_cast<int>(r.integer_or("granzyme_kills", p.granules.granzyme_kills, 0, kMaxKillCount));
    p.granules.dr_kills_without_perforin = static_cast<int>(r.integer_or(
        "dr_kills_without_perforin", p.granules.dr_kills_without_perforin, 0, kMaxKillCount));
    p.perforin_deficient_fraction =
        r.number_or("perforin_deficient_fraction", p.perforin_deficient_fraction, Bound::kFraction);
    r.finish();
  }
  if (auto table = sub.optional_table("exhaustion")) {
    TableReader& r = *table;
    nk::ExhaustionParams& q = p.exhaustion;
    q.potency_loss_per_kill =
        r.number_or("potency_loss_per_kill", q.potency_loss_per_kill, Bound::kFraction);
    q.recovery_basal_per_min =
        r.number_or("recovery_basal_per_min", q.recovery_basal_per_min, Bound::kNonNegative);
    q.recovery_max_per_min =
        r.number_or("recovery_max_per_min", q.recovery_max_per_min, Bound::kNonNegative);
    q.cytokine_half_saturation =
        r.number_or("cytokine_half_saturation", q.cytokine_half_saturation, Bound::kPositive);
    q.cytokine_hill = r.number_or("cytokine_hill", q.cytokine_hill, Bound::kPositive);
    p.granules.restock_max_per_min = r.number_or(
        "granule_restock_max_per_min", p.granules.restock_max_per_min, Bound::kNonNegative);
    r.finish();
  }
}

}  // namespace

EffectorParams read_effector_params(TableReader& sub, bool t_cell, const SetupContext& context) {
  EffectorParams p;
  // A product without a CAR does not see CAR antigen: w_car is 0 unless the scenario sets it
  // (CAR-NK: recognition = { w_car = 4 }).
  p.recognition.w_car = 0.0;
  p.contact_distance_factor =
      sub.number_or("contact_distance_factor", p.contact_distance_factor, Bound::kPositive);
  p.failed_contact_min =
      sub.number_or("failed_contact_min", p.failed_contact_min, Bound::kNonNegative);
  p.refractory_min = sub.number_or("refractory_min", p.refractory_min, Bound::kNonNegative);
  if (sub.has("cytokine_field")) p.cytokine_field = read_field(sub, "cytokine_field", context);
  p.cytokine_level = sub.number_or("cytokine_level", 0.0, Bound::kNonNegative);
  if (p.cytokine_field >= 0 && sub.has("cytokine_level")) {
    sub.fail("cytokine_level", "and 'cytokine_field' both given; give one of them");
  }
  if (sub.has("soluble_ligand_field")) {
    p.soluble_ligand_field = read_field(sub, "soluble_ligand_field", context);
  }
  if (auto table = sub.optional_table("nkg2d")) {
    TableReader& r = *table;
    p.nkg2d.recovery_per_min =
        r.number_or("recovery_per_min", p.nkg2d.recovery_per_min, Bound::kPositive);
    p.nkg2d.internalisation_per_min = r.number_or(
        "internalisation_per_min", p.nkg2d.internalisation_per_min, Bound::kNonNegative);
    p.nkg2d.soluble_half_saturation =
        r.number_or("soluble_half_saturation", p.nkg2d.soluble_half_saturation, Bound::kPositive);
    r.finish();
  }
  read_recognition(sub, t_cell, p);
  read_kinetics(sub, p);
  return p;
}

}  // namespace nksim
