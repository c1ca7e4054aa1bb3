#pragma once

// The COVID-19 vaccines of Indonesia's programme: the codes vaccinations.csv and the DCC use, the
// names citizens see, and the primary series (what certificate-service checks imports against,
// the DCC's "sd", and what tools/gen-data writes).
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

namespace lindungi::vaccines {

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

// Every product, in enum order.
absl::Span<const VaccineProduct> VaccineProducts();
const VaccineProduct& Product(Vaccine vaccine);
// The product with this vaccine_code (DCC "mp"), or nullptr.
const VaccineProduct* FindByCode(absl::string_view code);
// True for a manufacturer_code (DCC "ma") of some product.
bool IsKnownManufacturer(absl::string_view code);

// DCC "vp" for every COVID-19 vaccine (ATC J07BX03), and "tg" for COVID-19.
inline constexpr absl::string_view kProphylaxis = "J07BX03";
inline constexpr absl::string_view kTargetDisease = "840539006";

}  // namespace lindungi::vaccines
