#include "nksim/report/evidence.h"

namespace nksim::report {

const std::vector<EvidenceNote>& evidence_table() {
  static const std::vector<EvidenceNote> table = {
      {"kuznetsov1994", "Kuznetsov 1994 effector-tumour model", "mouse fit",
       "Fitted to BCL1 B-cell lymphoma growth in the spleens of chimeric mice (Kuznetsov et al. "
       "1994). The effector cells are generic cytotoxic lymphocytes, not infused NK cells; no "
       "validation against patient data."},
      {"depillis2005", "de Pillis 2005 tumour-NK-CD8 model", "mouse fit, 2 patients' lysis data",
       "Parameters fitted to mouse RMA lymphoma experiments (Diefenbach 2001) and, for the "
       "'human' sets, to in-vitro lysis assays of two patients (Dudley 2002); the human sets keep "
       "the mouse values for everything else. Not validated against patient outcomes."},
      {"depillis2006", "de Pillis 2006 model with chemotherapy, IL-2 and TIL", "2 patients' fits",
       "Human parameter sets from two melanoma patients (patients 9 and 10 of Dudley 2002); the "
       "treatment responses it predicts were not tested in a trial."},
      {"nk_infusion", "NK-cell infusion", "blood cancers: clinical; solid tumours: early-phase",
       "Blood cancers: clinical responses (CAR-NK, haploidentical NK cells in AML). Solid tumours "
       "(lung, breast, liver, gastric): mostly early-phase trials with modest responses."},
      {"recognition", "missing-self / induced-self recognition", "strong",
       "Textbook: activating ligands (NKG2D ligands) against inhibitory MHC-I (KIR, NKG2A)."},
      {"contact_killing", "perforin/granzyme killing after contact", "strong",
       "Single-cell imaging of NK-target conjugates, granule depletion and exhaustion."},
      {"ifn_gamma", "IFN-gamma secretion", "strong",
       "IFN-gamma activates macrophages and dendritic cells and raises MHC-I on targets."},
      {"immune_escape", "immune escape", "strong",
       "Heritable ligand/MHC-I variation, NKG2D-ligand shedding, IFN-gamma-driven MHC-I rise."},
      {"metastasis", "killing of circulating tumour cells", "preclinical, good",
       "In-vivo imaging of NK cells killing tumour cells arriving in lung capillaries."},
      {"antiviral", "NK control of virus-infected cells", "role strong; infusion experimental",
       "NK cells control viral infections; NK infusion for chronic viral infection is "
       "experimental."},
      {"autoimmune", "NK regulation of autoreactive T cells", "preclinical; CAR-NK early clinical",
       "Mechanism shown preclinically; CAR-NK for lupus is in early clinical testing."},
      {"tissue_repair", "tissue repair", "liver: preclinical; heart: weak",
       "Liver anti-fibrotic role (killing activated stellate cells): preclinical, good. Heart: "
       "weak."},
      {"diabetes", "insulin secretion / beta-cell function", "weak, contested",
       "No accepted mechanism; in type-1 diabetes NK cells may harm beta cells. Treat as an "
       "explicit hypothesis."},
      {"virtual_trial", "virtual cohort", "model-based",
       "Patients are drawn from parameter distributions; response rates describe the model, not "
       "a clinical trial."},
  };
  return table;
}

const EvidenceNote* find_evidence(std::string_view key) {
  for (const auto& note : evidence_table()) {
    if (note.key == key) return &note;
  }
  return nullptr;
}

}  // namespace nksim::report
