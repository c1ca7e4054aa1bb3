#pragma once

// The generator writes the products of the shared catalogue (libs/vaccines).

#include "lindungi/vaccines/catalogue.h"

namespace lindungi::gendata {

using vaccines::Product;
using vaccines::Vaccine;
using vaccines::VaccineProduct;
using vaccines::VaccineProducts;

}  // namespace lindungi::gendata
