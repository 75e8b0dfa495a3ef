// The effector-target state of nk_recognition_kill, as other code reads it. nk_recognition_kill
// declares the NK columns (agent columns of its own, present only in runs that have it; the full
// list is in nk_recognition_kill.cpp, which also marks kills, partner_id and potency for the
// snapshots); other mechanisms find the ones they read by these names at set-up
// (AgentStore::find_column) and treat an absent column as 0 for every agent.
//
// Bits of the column nk_flags on effector cells (nk_recognition_kill writes them;
// ifn_gamma_response secretes while an effector is committed to a kill). On target cells
// nk_flags holds the rules::nk::KillPathway of a scheduled kill (0 = none).
#pragma once

#include <cstdint>

namespace nksim {

// Conjugate partner id (uint64; NK: its target, target: its NK cell; 0 = none).
inline constexpr const char* kNkPartnerColumn = "partner_id";
// Effector flags (NkFlag) / target: pathway of doom (uint8).
inline constexpr const char* kNkFlagsColumn = "nk_flags";
// Effector: targets killed (int32).
inline constexpr const char* kNkKillsColumn = "kills";
// Effector: cytotoxic potency in [0, 1] (double).
inline constexpr const char* kNkPotencyColumn = "potency";

enum NkFlag : std::uint8_t {
  kNkInitialised = 1,  // capacity, granules and perforin status drawn
  kNkPerforinDeficient = 2,
  kNkCommitted = 4,  // in a conjugate that will kill (activated: degranulating, IFN-gamma)
};

}  // namespace nksim
