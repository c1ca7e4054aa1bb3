#include "gen-data-src/demo_registry.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gen-data-src/csv_file.h"
#include "gen-data-src/registry_generator.h"
#include "gen-data-src/vaccines.h"

namespace lindungi::gendata {
namespace {

using absl::CivilDay;
using V = Vaccine;

// Serials vary (someone else in the district was born the same day) so that the members of a
// family are told apart by their masked NIKs too, as the chatbot shows them.
std::vector<DemoCitizen> Build() {
  return {
      // 081234567890: a family in Bandung. The same number in three spellings, as the registry
      // has it; the child is under six and so was never offered a vaccine.
      {"3273201708850004",
       "BUDI SANTOSO",
       CivilDay(1985, 8, 17),
       'L',
       "081234567890",
       {{V::kCoronaVac, CivilDay(2021, 3, 15), "J202102117", "Puskesmas Cibeunying Kidul"},
        {V::kCoronaVac, CivilDay(2021, 4, 12), "J202103008", "Puskesmas Cibeunying Kidul"},
        {V::kComirnaty, CivilDay(2022, 3, 10), "GD4872", "RSUD Kota Bandung"}}},
      {"3273205203880002",
       "SITI RAHAYU",
       CivilDay(1988, 3, 12),
       'P',
       "+6281234567890",
       {{V::kCoronaVac, CivilDay(2021, 7, 5), "J202106044", "Puskesmas Cibeunying Kidul"},
        {V::kCoronaVac, CivilDay(2021, 8, 2), "J202107012", "Puskesmas Cibeunying Kidul"}}},
      {"3273204405190001",
       "AQILA PUTRI RAMADHANI",
       CivilDay(2019, 5, 4),
       'P',
       "0812-3456-7890",
       {}},
      // 081298765432: AstraZeneca twelve weeks apart, a Moderna booster.
      {"5171030211790007",
       "I WAYAN SUDARSANA",
       CivilDay(1979, 11, 2),
       'L',
       "081298765432",
       {{V::kVaxzevria, CivilDay(2021, 4, 20), "ABV5300", "Puskesmas Denpasar Barat"},
        {V::kVaxzevria, CivilDay(2021, 7, 13), "CTMAV510", "Puskesmas Denpasar Barat"},
        {V::kSpikevax, CivilDay(2022, 2, 15), "054A22A", "RSUD Wangaya"}}},
      // 085711112222: Pfizer three weeks apart, no booster.
      {"1275056506900003",
       "ROSMAWATI BR SIMANJUNTAK",
       CivilDay(1990, 6, 25),
       'P',
       "085711112222",
       {{V::kComirnaty, CivilDay(2021, 9, 6), "FF2587", "RS Bhayangkara Medan"},
        {V::kComirnaty, CivilDay(2021, 9, 27), "FF3318", "RS Bhayangkara Medan"}}},
      // The elderly programme (February 2021), both boosters.
      {"3404074801480002",
       "SUKIRAH",
       CivilDay(1948, 1, 8),
       'P',
       "+62 878-1000-0004",
       {{V::kCoronaVac, CivilDay(2021, 3, 2), "J202101093", "Puskesmas Mlati"},
        {V::kCoronaVac, CivilDay(2021, 3, 30), "J202102117", "Puskesmas Mlati"},
        {V::kVaxzevria, CivilDay(2022, 1, 20), "ABV9917", "Puskesmas Mlati"},
        {V::kSpikevax, CivilDay(2023, 2, 14), "094L22A", "RSUD Sleman"}}},
      // A civil servant (from 2021-02-24), four doses.
      {"1171040112720001",
       "TEUKU MUHAMMAD RIZAL",
       CivilDay(1972, 12, 1),
       'L',
       "085210000005",
       {{V::kCoronaVac, CivilDay(2021, 2, 26), "J202101093", "Puskesmas Kuta Alam"},
        {V::kCoronaVac, CivilDay(2021, 3, 26), "J202102117", "Puskesmas Kuta Alam"},
        {V::kVaxzevria, CivilDay(2022, 1, 24), "CTMAV563", "RSUD Meuraxa"},
        {V::kComirnaty, CivilDay(2023, 2, 20), "IC6014", "Puskesmas Kuta Alam"}}},
      // Mother and son on one number, with different surnames as is common.
      {"6171026309560003",
       "LIE KIM HOA",
       CivilDay(1956, 9, 23),
       'P',
       "+62 896 1000 0006",
       {{V::kCoronaVac, CivilDay(2021, 3, 8), "J202102117", "Puskesmas Pontianak Kota"},
        {V::kCoronaVac, CivilDay(2021, 4, 5), "J202103008", "Puskesmas Pontianak Kota"},
        {V::kComirnaty, CivilDay(2022, 2, 21), "GB9263", "RS Bhayangkara Pontianak"}}},
      {"6171021402840001",
       "WILLIAM GUNAWAN",
       CivilDay(1984, 2, 14),
       'L',
       "089610000006",
       {{V::kVaxzevria, CivilDay(2021, 8, 30), "ABV7736", "Gerai Vaksinasi Polres Pontianak"},
        {V::kVaxzevria, CivilDay(2021, 11, 22), "ABV8411", "Gerai Vaksinasi Polres Pontianak"}}},
      // One dose and never came back: Status Vaksinasi should say what is missing.
      {"7371051004660006",
       "ANDI MUHAMMAD ARSYAD",
       CivilDay(1966, 4, 10),
       'L',
       "6281110000007",
       {{V::kCoronaVac, CivilDay(2021, 10, 11), "J202109021", "Puskesmas Panakkukang"}}},
      // An academic title with a comma: the name is quoted in the CSV.
      {"3372017001910002",
       "DEWI LESTARI, S.PD.",
       CivilDay(1991, 1, 30),
       'P',
       "0857 1000 0008",
       {{V::kCoronaVac, CivilDay(2021, 2, 25), "J202101093", "Puskesmas Laweyan"},
        {V::kCoronaVac, CivilDay(2021, 3, 25), "J202102117", "Puskesmas Laweyan"},
        {V::kSpikevax, CivilDay(2022, 2, 7), "051A22A", "RSUD Bung Karno"}}},
      // Janssen's single primary dose, then a booster.
      {"9102051907950001",
       "YAKOBUS WENDA",
       CivilDay(1995, 7, 19),
       'L',
       "081210000009",
       {{V::kJanssen, CivilDay(2021, 12, 3), "XD955", "Puskesmas Wamena Kota"},
        {V::kComirnaty, CivilDay(2022, 8, 15), "HA0316", "RSUD Wamena"}}},
      // A mother, a teenager (12-17 programme) and a child (6-11 programme) on one number;
      // an apostrophe in the name.
      {"1671064510800002",
       "NUR'AINI BINTI ABDULLAH",
       CivilDay(1980, 10, 5),
       'P',
       "0821-1000-0010",
       {{V::kCoronaVac, CivilDay(2021, 6, 14), "J202105066", "Puskesmas Kemuning"},
        {V::kCoronaVac, CivilDay(2021, 7, 12), "J202106044", "Puskesmas Kemuning"},
        {V::kComirnaty, CivilDay(2022, 4, 4), "GC7320", "Puskesmas Kemuning"}}},
      {"1671066103090001",
       "NAYLA ZAHRA",
       CivilDay(2009, 3, 21),
       'P',
       "082110000010",
       {{V::kCoronaVac, CivilDay(2021, 8, 9), "J202107012", "Puskesmas Kemuning"},
        {V::kCoronaVac, CivilDay(2021, 9, 6), "J202108035", "Puskesmas Kemuning"}}},
      {"1671060206140005",
       "MUHAMMAD FARHAN ALFARIZI",
       CivilDay(2014, 6, 2),
       'L',
       "082110000010",
       {{V::kCoronaVac, CivilDay(2022, 1, 10), "J202112019", "Puskesmas Kemuning"},
        {V::kCoronaVac, CivilDay(2022, 2, 7), "J202201027", "Puskesmas Kemuning"}}},
      // Born on 29 February; a national vaccine (IndoVac) as booster.
      {"3204102902000003",
       "ASEP SAEPULLOH",
       CivilDay(2000, 2, 29),
       'L',
       "088110000012",
       {{V::kCoronaVac, CivilDay(2021, 8, 16), "J202107012", "Puskesmas Soreang"},
        {V::kCoronaVac, CivilDay(2021, 9, 13), "J202108035", "Puskesmas Soreang"},
        {V::kIndoVac, CivilDay(2023, 3, 20), "IDV2302017", "Puskesmas Soreang"}}},
      // Four doses ending with InaVac.
      {"1371035711820004",
       "YULIANTI",
       CivilDay(1982, 11, 17),
       'P',
       "+6283110000013",
       {{V::kComirnaty, CivilDay(2021, 10, 4), "FJ3401", "Puskesmas Padang Barat"},
        {V::kComirnaty, CivilDay(2021, 10, 25), "FJ8822", "Puskesmas Padang Barat"},
        {V::kSpikevax, CivilDay(2022, 5, 9), "071D22A", "RSUD Rasidin Padang"},
        {V::kInaVac, CivilDay(2024, 1, 15), "INV2312004", "Puskesmas Padang Barat"}}},
      // Registered, never vaccinated: no certificate to download.
      {"8171023005580002", "MARTHEN PATTIRUHU", CivilDay(1958, 5, 30), 'L', "0852-1000-0014", {}},
      // Sinopharm through the company-paid Gotong Royong programme.
      {"3578120909760005",
       "BAMBANG SUSILO",
       CivilDay(1976, 9, 9),
       'L',
       "081510000015",
       {{V::kBbibpCorV, CivilDay(2021, 6, 2), "202105B2130", "Klinik Pratama Rungkut"},
        {V::kBbibpCorV, CivilDay(2021, 6, 30), "202106B1967", "Klinik Pratama Rungkut"},
        {V::kComirnaty, CivilDay(2022, 4, 11), "GD9151", "RS Bhayangkara Surabaya"}}},
      // Novavax primary series, Covovax booster.
      {"7171046412930001",
       "FRANSISKA WOWOR",
       CivilDay(1993, 12, 24),
       'P',
       "0878 1000 0016",
       {{V::kNuvaxovid, CivilDay(2022, 1, 18), "4302MF012", "Puskesmas Wenang"},
        {V::kNuvaxovid, CivilDay(2022, 2, 8), "4302MF013", "Puskesmas Wenang"},
        {V::kCovovax, CivilDay(2022, 12, 5), "4301MF019", "Puskesmas Wenang"}}},
  };
}

}  // namespace

const std::vector<DemoCitizen>& DemoCitizens() {
  static const std::vector<DemoCitizen>* const citizens = new std::vector<DemoCitizen>(Build());
  return *citizens;
}

absl::StatusOr<RegistryStats> WriteDemoRegistry(const std::string& out_dir) {
  if (::mkdir(out_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::InternalError(absl::StrCat("cannot create ", out_dir, ": ", std::strerror(errno)));
  }
  CsvFile citizens;
  CsvFile vaccinations;
  if (absl::Status s = citizens.Open(out_dir + "/" + kCitizensFile); !s.ok()) return s;
  if (absl::Status s = vaccinations.Open(out_dir + "/" + kVaccinationsFile); !s.ok()) return s;
  citizens.Raw(kCitizensHeader);
  citizens.EndRow();
  vaccinations.Raw(kVaccinationsHeader);
  vaccinations.EndRow();
  RegistryStats stats;
  for (const DemoCitizen& c : DemoCitizens()) {
    citizens.CitizenRow(c.nik, c.full_name, c.birth_date, c.sex, c.phone);
    ++stats.citizens;
    int dose_number = 0;
    for (const DemoDose& d : c.doses) {
      const VaccineProduct& product = Product(d.vaccine);
      vaccinations.VaccinationRow(c.nik, ++dose_number, product.code, product.manufacturer_code,
                                  d.date, d.batch, d.facility);
      ++stats.vaccinations;
    }
  }
  if (absl::Status s = citizens.Close(); !s.ok()) return s;
  if (absl::Status s = vaccinations.Close(); !s.ok()) return s;
  // One household per number in the demo set.
  std::set<std::string> numbers;
  for (const DemoCitizen& c : DemoCitizens()) {
    std::string digits;
    for (char ch : c.phone) {
      if (ch >= '0' && ch <= '9') digits.push_back(ch);
    }
    numbers.insert(digits.substr(digits[0] == '0' ? 1 : 2));
  }
  stats.phones = static_cast<int64_t>(numbers.size());
  stats.households = stats.phones;
  stats.bytes = citizens.bytes_written() + vaccinations.bytes_written();
  return stats;
}

}  // namespace lindungi::gendata
