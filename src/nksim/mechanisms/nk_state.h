// Bits of the agent column nk_flags on effector cells (engine/agent_fields.h), shared by the
// mechanisms that read an effector's state (nk_recognition_kill writes them; ifn_gamma_response
// secretes while an effector is committed to a kill). On target cells nk_flags holds the
// rules::nk::KillPathway of a scheduled kill (0 = none).
#pragma once

#include <cstdint>

namespace nksim {

enum NkFlag : std::uint8_t {
  kNkInitialised = 1,  // capacity, granules and perforin status drawn
  kNkPerforinDeficient = 2,
  kNkCommitted = 4,  // in a conjugate that will kill (activated: degranulating, IFN-gamma)
};

}  // namespace nksim
