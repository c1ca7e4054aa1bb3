#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "lindungi/vaccines/catalogue.h"

namespace lindungi::vaccines {
namespace {

// first_used: CoronaVac from the programme's start (2021-01-13); AstraZeneca from March 2021;
// Sinopharm with the company-paid "Gotong Royong" programme (May 2021); Moderna and Pfizer from
// mid-2021; Novavax and Covovax late 2021 / 2022; IndoVac from late 2022; InaVac from 2023.
constexpr VaccineProduct kProducts[] = {
    {Vaccine::kComirnaty, "EU/1/20/1528", "Comirnaty", "ORG-100030215",
     "BioNTech Manufacturing GmbH", 2, 21, absl::CivilDay(2021, 8, 16)},
    {Vaccine::kSpikevax, "EU/1/20/1507", "Spikevax", "ORG-100031184", "Moderna Biotech Spain S.L.",
     2, 28, absl::CivilDay(2021, 7, 16)},
    {Vaccine::kVaxzevria, "EU/1/21/1529", "Vaxzevria", "ORG-100001699", "AstraZeneca AB", 2, 84,
     absl::CivilDay(2021, 3, 22)},
    {Vaccine::kJanssen, "EU/1/20/1525", "COVID-19 Vaccine Janssen", "ORG-100001417",
     "Janssen-Cilag International", 1, 0, absl::CivilDay(2021, 9, 6)},
    {Vaccine::kNuvaxovid, "EU/1/21/1618", "Nuvaxovid", "ORG-100032020", "Novavax CZ a.s.", 2, 21,
     absl::CivilDay(2021, 11, 22)},
    {Vaccine::kCoronaVac, "CoronaVac", "CoronaVac", "Sinovac-Biotech", "Sinovac Biotech Ltd", 2, 28,
     absl::CivilDay(2021, 1, 13)},
    {Vaccine::kBbibpCorV, "BBIBP-CorV", "BBIBP-CorV (Sinopharm)", "ORG-100020693",
     "China Sinopharm International Corp.", 2, 28, absl::CivilDay(2021, 5, 18)},
    {Vaccine::kCovovax, "Covovax", "Covovax", "ORG-100001981", "Serum Institute of India", 2, 21,
     absl::CivilDay(2022, 3, 1)},
    {Vaccine::kSputnikV, "Sputnik-V", "Sputnik V", "Gamaleya-Research-Institute",
     "Gamaleya Research Institute", 2, 21, absl::CivilDay(2021, 9, 1)},
    {Vaccine::kIndoVac, "ID-INDOVAC", "IndoVac", "ID-BIOFARMA", "PT Bio Farma (Persero)", 2, 28,
     absl::CivilDay(2022, 10, 24)},
    {Vaccine::kInaVac, "ID-INAVAC", "InaVac", "ID-BIOTIS", "Universitas Airlangga / PT Biotis", 2,
     28, absl::CivilDay(2023, 11, 6)},
};

}  // namespace

absl::Span<const VaccineProduct> VaccineProducts() { return kProducts; }

const VaccineProduct& Product(Vaccine vaccine) { return kProducts[static_cast<int>(vaccine)]; }

const VaccineProduct* FindByCode(absl::string_view code) {
  for (const VaccineProduct& p : VaccineProducts()) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

bool IsKnownManufacturer(absl::string_view code) {
  for (const VaccineProduct& p : VaccineProducts()) {
    if (p.manufacturer_code == code) return true;
  }
  return false;
}

}  // namespace lindungi::vaccines
