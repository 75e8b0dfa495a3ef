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
      {"nk_kinetics", "kinetics of infused NK / CAR-NK cells (Stein 2019 structure)",
       "CAR-T fit; NK sets partly fitted, partly assumed",
       "The effector-memory structure reproduces Stein 2019's fit to 90 tisagenlecleucel "
       "patients exactly. The haploidentical NK set is fitted to two median numbers of a "
       "10-child pilot (Rubnitz 2010); the memory-like and CAR-NK sets and the cytokine "
       "values are assumptions chosen to show published qualitative behaviour."},
      {"nk_biodistribution",
       "where infused NK cells go (blood, lung, liver/spleen/marrow, tumour)",
       "moderate (imaging in a few patients)",
       "Scintigraphy of 111In-labelled NK cells in three renal-cell carcinoma patients (Meller "
       "2004) and donor-cell PCR in the same programme (PMID 15186726): lung first, then liver, "
       "spleen and marrow, little in blood. The transfer rates are chosen by hand to meet these "
       "observations, not fitted; the death rate and the detection limit are assumptions."},
      {"nk_metastasis", "NK killing of circulating tumour cells and metastatic seeding",
       "preclinical (mouse and rat)",
       "NK depletion raises lung metastases in mice and rats (Gorelik 1982: 10 times more B16 "
       "lung foci; Barlozzari 1985: transferred NK-rich cells restore resistance). No human data "
       "link NK numbers or infusions to fewer metastases; shedding, seeding and killing rates "
       "are order-of-magnitude values or assumptions."},
      {"nk_metastasis/nk_infusion", "NK-cell infusion to prevent metastasis", "preclinical",
       "Adoptive transfer of NK-rich cells reduces experimental lung metastases in NK-depleted "
       "rodents; no trial has tested an NK infusion against metastatic spread in patients."},
      {"adler2020", "Adler 2020 fibrosis circuit with NK removal of myofibroblasts",
       "circuit: published model; NK role: preclinical, good; NK therapy: no human data",
       "The myofibroblast-macrophage circuit and its values are Adler 2020's (fixed points "
       "reproduced). NK cells killing activated and senescent stellate cells limit liver "
       "fibrosis in mice (Krizhanovsky 2008, Radaeva 2006); the NK removal term, its rate per "
       "NK cell and the threshold it implies are nksim's extension, not fitted to data."},
      {"nk_autoimmune", "NK regulation of autoreactive T cells (minimal model)", "weak",
       "Mechanism preclinical (Lu 2007) and correlative in MS (Bielekova 2006: CD56bright NK "
       "expansion tracks T-cell contraction on daclizumab). No model with fitted rates exists: "
       "every rate here is an assumption; NK cells also kill protective antiviral T cells."},
      {"nk_repair", "HYPOTHESIS: NK-secreted growth factor driving vessel regrowth",
       "weak (rodent only); a hypothesis",
       "IL-2-activated NK cells improved angiogenesis after myocardial infarction in mice "
       "(Bouchentouf 2010); no trial and no published effect size. Every rate is an "
       "assumption. Diabetes is not modelled as a benefit: NK cells may harm beta cells."},
      {"nk_infusion", "NK-cell infusion", "blood cancers: clinical; solid tumours: early-phase",
       "Blood cancers: clinical responses (CAR-NK, haploidentical NK cells in AML). Solid tumours "
       "(lung, breast, liver, gastric): mostly early-phase trials with modest responses."},
      {"nk_recognition_kill", "missing-self / induced-self recognition and contact killing",
       "strong",
       "Textbook recognition: activating ligands (NKG2D ligands) against inhibitory MHC-I (KIR, "
       "NKG2A). Perforin/granzyme then death-receptor killing, granule depletion and exhaustion: "
       "single-cell imaging of NK-target conjugates. The recognition weights are assumptions."},
      {"ifn_gamma_response", "IFN-gamma secretion and its effects", "strong",
       "IFN-gamma activates macrophages and dendritic cells and raises MHC-I on targets; the "
       "rates used here are order-of-magnitude values."},
      {"stellate_activation", "stellate-cell activation, collagen and NK killing in the liver",
       "moderate (in mice)",
       "NK cells kill activated and senescent hepatic stellate cells and limit fibrosis in mice "
       "(Radaeva 2006, Krizhanovsky 2008), and IFN-gamma inhibits stellate-cell activation; no "
       "human NK-therapy data. Activation, senescence and collagen rates here are assumptions."},
      {"t_cell_recruitment", "dendritic-cell maturation bringing CD8 T cells", "strong",
       "IFN-gamma-matured dendritic cells prime T cells; the recruitment rate is an assumption."},
      {"systemic_supply", "recruitment of infused cells from blood into the tissue",
       "coupling structure published (spQSP); rates assumed",
       "Recruitment at source sites with a probability proportional to the blood level follows "
       "the spQSP-IO platform (Gong 2021, Ruiz-Martinez 2022). The recruitment constant, the "
       "source sites and the patch-to-tumour scale are assumptions, not fitted; imaging studies "
       "find only a small share of infused effector cells in tumours (Meller 2004, Khot 2019)."},
      {"ligand_mutation", "immune escape by heritable ligand/MHC-I variation", "strong",
       "Selection of ligand-low or MHC-I-high variants under NK pressure; mutation sizes are "
       "assumptions."},
      {"ligand_shedding", "immune escape by NKG2D-ligand shedding", "strong",
       "Soluble MICA in patients' serum down-modulates NKG2D (Groh 2002); shedding rates are "
       "assumptions."},
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
      {"hernandez_vargas2012",
       "influenza with interferon and lung NK cells (Hernandez-Vargas 2012)",
       "NK role in early control: moderate (mouse and models)",
       "Fitted to the viral titres and interferon of experimentally infected ponies over 6 days "
       "(Quinlivan 2007); nksim reproduces its published steady state and parameter scans. All "
       "infected-cell clearance comes from NK cells by construction, and NK parameters fitted to "
       "titres alone are poorly identifiable (Handel 2010)."},
      {"hernandez_vargas2012/nk_infusion", "NK-cell infusion against influenza", "none",
       "No NK-cell infusion has been given against influenza; the dose is a model experiment."},
      {"viral_nk", "chronic viral infection with NK killing (target-cell-limited model)",
       "depends on the virus: HIV contested, HBV weak, HCV moderate association",
       "Viral dynamics from Perelson 1996, Neumann 1998, Nowak 1996 and Ciupe 2007; the NK terms "
       "and their size are assumptions. A run shows its parameter set's own note."},
      {"viral_nk/hiv", "NK cells in chronic HIV-1", "contested",
       "Fitted SIV models find NK cells barely change the death of infected cells and their net "
       "effect raises viral load (Elemans 2011); an IL-15 agonist gave NK-linked but transient "
       "falls of SIV (Cody 2021). The NK terms are assumptions."},
      {"viral_nk/hbv", "NK cells in chronic hepatitis B", "weak",
       "No HBV model with NK cells is published; NK cells also kill antiviral T cells and "
       "hepatocytes, and CD8 T cells, not NK cells, clear HBV in chimpanzees (Thimme 2003). The "
       "NK cytolysis and cure rates are assumptions."},
      {"viral_nk/hcv", "NK cells in chronic hepatitis C", "moderate association",
       "NK activation tracks the first-phase viral decline under interferon-alpha (Ahlenstiel "
       "2011, Edlich 2012); no NK infusion has been tested. The NK share of infected-cell death "
       "is an assumption."},
      {"viral_nk/nk_infusion", "NK-cell infusion against a chronic viral infection",
       "experimental",
       "NK infusion for chronic viral infection is experimental; no trial has reported viral-load "
       "outcomes."},
      {"viral_infection", "virus spread between cells of a tissue patch; NK killing of infected cells",
       "rules standard; spatial rates assumed",
       "Target-cell-limited infection with an eclipse (Baccam 2006) made spatial: the eclipse and "
       "death rates are published for influenza, the infection, release and IFN rates in a voxel "
       "are assumptions. The run shows its virus's own note."},
      {"viral_infection/influenza", "NK control of early influenza infection",
       "strong in mice; models: moderate",
       "NK depletion or NKp46 loss worsens early influenza in mice, and NK cells are recruited "
       "to the lung within days; NK parameters fitted to viral titres alone are poorly "
       "identifiable (Handel 2010). No NK infusion has been given against influenza."},
      {"viral_infection/hbv", "NK cells against chronic hepatitis B", "weak",
       "CD8 T cells, not NK cells, clear HBV in chimpanzees (Thimme 2003); NK cells also kill "
       "antiviral T cells and hepatocytes. NK infusion for chronic HBV is experimental; the "
       "display and kill rates here are assumptions."},
      {"hahnel2020", "CML under TKI with an immune effector (Haehnel 2020)",
       "moderate (blood cancers)",
       "Per-patient fits to 21 CML patients' BCR-ABL1 courses before and after TKI stop "
       "(Haehnel 2020); nksim reproduces each patient's observed relapse or remission. The "
       "effector Z is generic: NK counts at stop predict treatment-free remission (Rea 2017, "
       "Ilander 2017), but Z was not fitted to NK data. Blood cancers overall: haploidentical NK "
       "cells and CAR-NK give responses, without randomised data."},
      {"aml_nk", "refractory AML cleared by infused haploidentical NK cells (Bachanova 2014)",
       "moderate",
       "Blood cancers: haploidentical NK cells after Cy/Flu and IL-2 gave complete remission in "
       "21 % of 42 refractory AML patients, 53 % of 15 when host Tregs were first depleted "
       "(Bachanova 2014); no randomised data. The NK kinetics follow nk_kinetics; the values "
       "that make 10 % vs 27 % of patients expand and 21 % vs 53 % remit were set by hand to "
       "these rates, and the blast growth and kill rates are assumptions."},
      {"car_nk_lupus", "CD19 CAR-NK cells depleting B cells in lupus", "weak",
       "One case series of allogeneic CD19 CAR-NK cells in refractory lupus (Gao 2025, 18 "
       "patients) acting by B-cell depletion; the depletion and reconstitution targets come from "
       "CD19 CAR-T cells in lupus (Mackensen 2022: B cells undetectable within days, back after "
       "about 110 days), not from CAR-NK data. The B-cell rates and the kill rate are "
       "assumptions, the kill rate set by hand to that CAR-T timing."},
      {"virtual_trial", "virtual cohort", "model-based",
       "Patients are drawn from parameter distributions; response rates describe the model, not "
       "a clinical trial."},
  };
  return table;
}

std::string model_evidence_key(std::string_view model, std::string_view parameter_set) {
  std::string key = std::string(model) + "/" + std::string(parameter_set);
  return find_evidence(key) ? key : std::string(model);
}

std::string infusion_evidence_key(std::string_view model) {
  if (model == "adler2020" || model == "nk_autoimmune" || model == "nk_repair" ||
      model == "car_nk_lupus") {
    return "";
  }
  std::string key = std::string(model) + "/nk_infusion";
  return find_evidence(key) ? key : std::string("nk_infusion");
}

const EvidenceNote* find_evidence(std::string_view key) {
  for (const auto& note : evidence_table()) {
    if (note.key == key) return &note;
  }
  return nullptr;
}

}  // namespace nksim::report
