// The registry of built-in well-mixed models: one explicit list.
#include "nksim/ode/models/builtin.h"

namespace nksim {

std::span<const OdeModel* const> all_models() {
  static const OdeModel* const kModels[] = {
      &models::kuznetsov1994(),
      &models::depillis2005(),
      &models::depillis2006(),
      &models::nk_kinetics(),
      &models::nk_biodistribution(),
      &models::nk_metastasis(),
      &models::adler2020(),
      &models::nk_autoimmune(),
      &models::nk_repair(),
      &models::hernandez_vargas2012(),
      &models::viral_nk(),
      &models::hahnel2020(),
      &models::aml_nk(),
      &models::car_nk_lupus(),
  };
  return kModels;
}

}  // namespace nksim
