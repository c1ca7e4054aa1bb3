#pragma once

// The COVID-19 vaccines the generator uses, with the codes written to vaccinations.csv.
//
// vaccine_code and manufacturer_code come from the EU Digital COVID Certificate value sets
// (vaccine-medicinal-product.json, vaccine-mah-manf.json) wherever the product is in them:
// EU-authorised products by their EU register number, WHO-listed ones (CoronaVac, BBIBP-CorV,
// Covovax, Sputnik-V) by the names the value set uses. Indonesia's own products are not in the
// value sets; they get national codes of the form ID-<PRODUCT> / ID-<MAKER> (a DCC verifier
// shows them as they are):
//   ID-INDOVAC  IndoVac (PT Bio Farma)                    manufacturer ID-BIOFARMA
//   ID-INAVAC   InaVac (Universitas Airlangga, PT Biotis)  manufacturer ID-BIOTIS

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"

namespace lindungi::gendata {

enum class Vaccine {
  kComirnaty,
  kSpikevax,
  kVaxzevria,
  kJanssen,
  kNuvaxovid,
  kCoronaVac,
  kBbibpCorV,
  kCovovax,
  kSputnikV,
  kIndoVac,
  kInaVac,
};

struct VaccineProduct {
  Vaccine vaccine;
  absl::string_view code;               // vaccine_code column (DCC "mp")
  absl::string_view name;               // as shown to citizens
  absl::string_view manufacturer_code;  // manufacturer_code column (DCC "ma")
  absl::string_view manufacturer;       // as shown to citizens
  int primary_doses;                    // doses in the primary series (Janssen: 1)
  int interval_days;                    // usual gap between primary doses
  absl::CivilDay first_used;            // first use in Indonesia's programme (approximate)
};

// Every product the generator may write, in enum order.
absl::Span<const VaccineProduct> VaccineProducts();
const VaccineProduct& Product(Vaccine vaccine);

}  // namespace lindungi::gendata
