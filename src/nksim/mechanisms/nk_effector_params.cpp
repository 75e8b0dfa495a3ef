#include "nksim/mechanisms/nk_effector_params.h"

#include <string>

#include "nksim/mechanisms/mechanism_docs.h"

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

std::span<const ParameterDoc> nk_recognition_kill_parameters() {
  // Rules and their sources: docs/mechanisms/nk_recognition.md, nk_kill_kinetics.md,
  // nk_escape.md and nk_ifn_gamma.md (T cells).
  static const ParameterDoc kNkRecognitionKillParameters[] = {
      {"<type>.role", "–", "required", "`\"target\"`, `\"nk\"` or `\"t_cell\"`", "–",
       Evidence::kNotApplicable},
      {"<type>.contact_distance_factor", "–", "1.1",
       "contact when centre distance ≤ factor·(r_i + r_j)", "assumption", Evidence::kAssumption},
      {"<type>.failed_contact_min", "min", "6", "duration of a contact without a kill",
       "assumption (short NK contacts, Bajénoff 2006, Deguine 2010 [P])", Evidence::kAssumption},
      {"<type>.refractory_min", "min", "10", "time after a conjugate before the next one",
       "assumption (detachment and renewed migration, Vanherberghen 2013 [V])",
       Evidence::kAssumption},
      {"<type>.cytokine_field", "field name", "–", "or read IL-2/IL-15 from a field at the cell",
       "–", Evidence::kNotApplicable},
      {"<type>.cytokine_level", "cytokine units", "0", "constant IL-2/IL-15 for recovery",
       "assumption", Evidence::kAssumption},
      {"<type>.soluble_ligand_field", "field name", "–",
       "NKG2D down-modulation by soluble ligand in this field (ligand_shedding)", "–",
       Evidence::kNotApplicable},
      {"<type>.nkg2d.recovery_per_min", "min⁻¹", "1/360", "k_rec: NKG2D recovery", "assumption",
       Evidence::kAssumption},
      {"<type>.nkg2d.internalisation_per_min", "min⁻¹", "1/60",
       "k_int: NKG2D internalisation in soluble ligand", "assumption", Evidence::kAssumption},
      {"<type>.nkg2d.soluble_half_saturation", "field units", "1", "K_S", "assumption",
       Evidence::kAssumption},
      {"<type>.recognition.w_nkg2d", "–", "2.0", "NK: w_G, weight of NKG2D", "assumption",
       Evidence::kAssumption},
      {"<type>.recognition.k_nkg2d", "ligand units", "0.5", "NK: K_G", "assumption",
       Evidence::kAssumption},
      {"<type>.recognition.w_other", "–", "1.0", "NK: w_o, weight of other activating receptors",
       "assumption", Evidence::kAssumption},
      {"<type>.recognition.k_other", "ligand units", "0.5", "NK: K_o", "assumption",
       Evidence::kAssumption},
      {"<type>.recognition.w_car", "–", "0",
       "NK: w_C, weight of a CAR (0: no CAR; a CAR-NK product sets e.g. `w_car = 4`)",
       "assumption (a CAR overrides normal MHC-I)", Evidence::kAssumption},
      {"<type>.recognition.k_car", "antigen units", "0.3", "NK: K_C", "assumption",
       Evidence::kAssumption},
      {"<type>.recognition.w_cd16", "–", "2.5", "NK: w_16, weight of CD16 (ADCC)", "assumption",
       Evidence::kAssumption},
      {"<type>.recognition.k_cd16", "IgG units", "0.3", "NK: K_16", "assumption",
       Evidence::kAssumption},
      {"<type>.recognition.w_mhc", "–", "3.0", "NK: w_M, weight of inhibition by MHC-I",
       "assumption (MHC-I dominates at healthy levels)", Evidence::kAssumption},
      {"<type>.recognition.k_mhc", "MHC-I units", "0.3", "NK: K_M", "assumption",
       Evidence::kAssumption},
      {"<type>.recognition.p_max", "probability per contact", "0.5",
       "highest commit probability per contact (NK and T cell)",
       "NK: per-contact success 0.3–0.5 in vitro (BIOLOGY.md c synthesis); ≈ 50 % of NK–tumour "
       "duels in mouse lung capillaries (Ichise 2022, eLife 11:e76269 [V]); T cell: assumption",
       Evidence::kSeen},
      {"<type>.recognition.s_half", "–", "0.5", "NK: S_50, signal at half the maximum",
       "assumption", Evidence::kAssumption},
      {"<type>.recognition.s_width", "–", "0.25", "NK: s_w, width of the logistic", "assumption",
       Evidence::kAssumption},
      {"<type>.recognition.mhc_half", "MHC units", "0.3", "T cell: K_M", "assumption",
       Evidence::kAssumption},
      {"<type>.recognition.mhc_hill", "–", "2", "T cell: n", "assumption", Evidence::kAssumption},
      {"<type>.recognition.antigen_half", "antigen units", "0.2", "T cell: K_A", "assumption",
       Evidence::kAssumption},
      {"<type>.delay.granzyme_mean_min", "min", "22", "m_gzm: mean contact → death, granzyme",
       "15–30 min, Prager 2019 [P]", Evidence::kRecalled},
      {"<type>.delay.granzyme_shape", "–", "4", "k_gzm: Erlang shape (CV 0.5; at most 8)",
       "assumption", Evidence::kAssumption},
      {"<type>.delay.death_receptor_mean_min", "min", "90",
       "m_DR: mean contact → death, death receptor", "1–2 h, Prager 2019 [P]; Li 2015 [V]",
       Evidence::kRecalled},
      {"<type>.delay.death_receptor_shape", "–", "6", "k_DR: Erlang shape (CV 0.41; at most 8)",
       "assumption", Evidence::kAssumption},
      {"<type>.capacity.non_killer_fraction", "–", "0.45",
       "f_0: fraction of effectors that can kill nothing",
       "assumption, calibrated so that ≈ 50 % of activated NK kill nothing in 16 h "
       "(Vanherberghen 2013 [V])",
       Evidence::kAssumption},
      {"<type>.capacity.mean_kills_if_killer", "kills", "3",
       "m_C: untruncated mean capacity of a killer", "2–4, Bhat 2007 [P]", Evidence::kRecalled},
      {"<type>.capacity.max_kills", "kills", "6", "C_max: capacity truncated here",
       "5–7 (BIOLOGY.md c synthesis)", Evidence::kSynthesis},
      {"<type>.capacity.distribution", "–", "geometric",
       "capacity of a killer: `\"geometric\"` or `\"poisson\"` (truncated)", "–",
       Evidence::kNotApplicable},
      {"<type>.capacity.granzyme_kills", "kills", "3", "G_max: granule stock",
       "3–4 granzyme kills, Prager 2019 [V]", Evidence::kSeen},
      {"<type>.capacity.dr_kills_without_perforin", "kills", "1",
       "kills of a perforin-deficient cell", "Prager 2019 [V]", Evidence::kSeen},
      {"<type>.capacity.perforin_deficient_fraction", "–", "0",
       "fraction of effectors without perforin", "assumption", Evidence::kAssumption},
      {"<type>.exhaustion.potency_loss_per_kill", "–", "0.15", "δ: P ← P(1 − δ) at each kill",
       "assumption", Evidence::kAssumption},
      {"<type>.exhaustion.recovery_basal_per_min", "min⁻¹", "0", "r_0: potency recovery",
       "assumption", Evidence::kAssumption},
      {"<type>.exhaustion.recovery_max_per_min", "min⁻¹", "1/240",
       "r_max: added recovery under IL-2/IL-15", "assumption (hours)", Evidence::kAssumption},
      {"<type>.exhaustion.cytokine_half_saturation", "field units", "1", "K", "assumption",
       Evidence::kAssumption},
      {"<type>.exhaustion.cytokine_hill", "–", "1", "n", "assumption", Evidence::kAssumption},
      {"<type>.exhaustion.granule_restock_max_per_min", "min⁻¹", "0",
       "g_max: granules restock at hazard g_max·H(c)", "assumption (no restock within an assay)",
       Evidence::kAssumption},
  };
  return kNkRecognitionKillParameters;
}

}  // namespace nksim
