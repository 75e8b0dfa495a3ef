// The built-in well-mixed models. Each lives in its own file; models.cpp lists them.
#pragma once

#include "nksim/ode/ode_model.h"

namespace nksim::models {

const OdeModel& kuznetsov1994();
const OdeModel& depillis2005();
const OdeModel& depillis2006();
const OdeModel& nk_kinetics();
const OdeModel& nk_biodistribution();
const OdeModel& nk_metastasis();
const OdeModel& adler2020();
const OdeModel& nk_autoimmune();
const OdeModel& nk_repair();
const OdeModel& hernandez_vargas2012();
const OdeModel& viral_nk();
const OdeModel& hahnel2020();
const OdeModel& aml_nk();
const OdeModel& car_nk_lupus();

}  // namespace nksim::models
