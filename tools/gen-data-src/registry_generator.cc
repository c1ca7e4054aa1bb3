#include "gen-data-src/registry_generator.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "gen-data-src/csv_file.h"
#include "gen-data-src/names.h"
#include "gen-data-src/random.h"
#include "gen-data-src/regions.h"
#include "gen-data-src/vaccines.h"
#include "lindungi/nik/nik.h"
#include "lindungi/phone/phone.h"

namespace lindungi::gendata {
namespace {

using absl::CivilDay;
using nik::Sex;

// --- Population -------------------------------------------------------------------------------

// Indonesia 2020 census, population by five-year age group (hundred thousands), 0–4 … 90–95.
constexpr int kAgeGroupWeights[] = {220, 223, 220, 222, 220, 215, 212, 206, 195, 179,
                                    159, 134, 106, 78,  49,  30,  17,  8,   3};
constexpr int kMaxAge = 95;

// Household sizes 1..6 (Susenas: mean about 3.5 for these).
constexpr int kHouseholdSizeWeights[] = {11, 18, 24, 24, 15, 8};

// --- Phones -----------------------------------------------------------------------------------

struct Operator {
  absl::string_view prefix;  // after the trunk 0: "812" for 0812
  int weight;                // rough market share
};
constexpr Operator kOperators[] = {
    // Telkomsel (Halo, simPATI, Kartu As, by.U)
    {"811", 4},
    {"812", 12},
    {"813", 9},
    {"821", 6},
    {"822", 6},
    {"823", 4},
    {"851", 2},
    {"852", 7},
    {"853", 5},
    // Indosat Ooredoo (Mentari, IM3)
    {"814", 1},
    {"815", 2},
    {"816", 2},
    {"855", 2},
    {"856", 5},
    {"857", 6},
    {"858", 3},
    // XL Axiata and Axis
    {"817", 3},
    {"818", 3},
    {"819", 4},
    {"859", 2},
    {"877", 3},
    {"878", 4},
    {"831", 2},
    {"832", 1},
    {"833", 1},
    {"838", 2},
    // 3 (Tri)
    {"895", 2},
    {"896", 3},
    {"897", 1},
    {"898", 2},
    {"899", 2},
    // Smartfren
    {"881", 2},
    {"882", 1},
    {"887", 1},
    {"888", 1},
    {"889", 1}};

// The demo set's numbers (demo_registry.cc) as national significant numbers: generated
// registries never use them, so a demo import and a generated one never merge families.
constexpr absl::string_view kDemoNsns[] = {
    "81234567890", "81298765432", "85711112222", "87810000004", "85210000005",
    "89610000006", "81110000007", "85710000008", "81210000009", "82110000010",
    "88110000012", "83110000013", "85210000014", "81510000015", "87810000016"};

constexpr uint64_t kSubscriberSpace = 100'000'000;  // eight digits after the prefix
constexpr uint64_t kSubscriberStride = 73'939'133;  // coprime with 10: a bijection on the space

// --- Vaccination programme --------------------------------------------------------------------

constexpr CivilDay kElderlyStart(2021, 2, 8);
constexpr CivilDay kPublicServiceStart(2021, 2, 24);
constexpr CivilDay kAdultStart(2021, 6, 1);
constexpr CivilDay kTeenStart(2021, 7, 1);
constexpr CivilDay kChildStart(2021, 12, 14);
constexpr CivilDay kHealthWorkerBoosterStart(2021, 8, 1);  // Moderna for health workers
constexpr CivilDay kBoosterStart(2022, 1, 12);
constexpr CivilDay kHealthWorkerSecondBoosterStart(2022, 7, 29);
constexpr CivilDay kSecondBoosterStart(2023, 1, 24);
constexpr CivilDay kLaterBoosterStart(2023, 7, 1);

struct Share {
  Vaccine vaccine;
  int weight;
};

// Facility kinds and how often each gave a dose.
enum class FacilityKind { kPuskesmas, kRsud, kBhayangkara, kKlinik, kGeraiPolres, kSentra, kRsi };
constexpr int kFacilityWeights[] = {58, 12, 6, 6, 8, 5, 5};

constexpr uint32_t kBatchesPerMonth = 8;

// --- Bad rows ---------------------------------------------------------------------------------

enum class BadKind {
  kWrongColumnCount,
  kBadQuoting,
  kInvalidNik,
  kInvalidBirthDate,
  kLandlinePhone,
  kDuplicateNik
};
constexpr int kBadKinds = 6;
constexpr absl::string_view kBadReasons[] = {"wrong_column_count", "bad_quoting",
                                             "invalid_nik",        "invalid_birth_date",
                                             "landline_phone",     "duplicate_nik"};
// Good serials never get here (checked); bad rows that need a valid NIK use the rest.
constexpr int kFirstBadSerial = 9000;

// --- Helpers ----------------------------------------------------------------------------------

CivilDay AddYears(CivilDay day, int years) {
  // 29 February + n years lands on 1 March in a common year, as birthdays are counted.
  return CivilDay(day.year() + years, day.month(), day.day());
}

int AgeOn(CivilDay birth, CivilDay day) {
  int age = static_cast<int>(day.year() - birth.year());
  if (day.month() < birth.month() || (day.month() == birth.month() && day.day() < birth.day())) {
    --age;
  }
  return age;
}

void AppendTwoDigits(std::string* out, int v) {
  out->push_back(static_cast<char>('0' + v / 10 % 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

void AppendDigits(std::string* out, uint64_t v, int width) {
  char digits[20];
  for (int i = width - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out->append(digits, width);
}

// Open addressing from NIK prefix (PPRRDDddmmyy, < 10^12) to the last serial given out.
class SerialTable {
 public:
  explicit SerialTable(int64_t expected_keys) {
    uint64_t capacity = 1024;
    while (capacity < static_cast<uint64_t>(expected_keys) * 3 / 2) capacity <<= 1;
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
  }

  int Next(uint64_t key) {
    const uint64_t tagged = (key + 1) << kCountBits;
    for (uint64_t i = Mix64(key) & mask_;; i = (i + 1) & mask_) {
      uint64_t& slot = slots_[i];
      if (slot == 0) {
        if (++used_ * 10 > slots_.size() * 8) Grow();
        return Insert(tagged);
      }
      if ((slot & ~kCountMask) == tagged) {
        ++slot;
        return static_cast<int>(slot & kCountMask);
      }
    }
  }

 private:
  static constexpr int kCountBits = 14;
  static constexpr uint64_t kCountMask = (uint64_t{1} << kCountBits) - 1;

  int Insert(uint64_t tagged) {
    const uint64_t key = (tagged >> kCountBits) - 1;
    for (uint64_t i = Mix64(key) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i] == 0) {
        slots_[i] = tagged | 1;
        return 1;
      }
    }
  }

  void Grow() {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(old.size() * 2, 0);
    mask_ = slots_.size() - 1;
    for (uint64_t slot : old) {
      if (slot == 0) continue;
      const uint64_t key = (slot >> kCountBits) - 1;
      for (uint64_t i = Mix64(key) & mask_;; i = (i + 1) & mask_) {
        if (slots_[i] == 0) {
          slots_[i] = slot;
          break;
        }
      }
    }
  }

  std::vector<uint64_t> slots_;
  uint64_t mask_ = 0;
  size_t used_ = 0;
};

struct Location {
  int province_index;
  int regency;   // NIK code: 1..kabupaten or 71..
  int district;  // 1..30
};

struct Person {
  Sex sex;
  CivilDay birth;
  int age;
  int birth_order = 0;  // children: 1 = eldest
  int phone = 0;        // index into the household's numbers
  Location location;
  bool health_worker = false;
  const FamilyNaming* naming = nullptr;
};

struct Dose {
  CivilDay date;
  Vaccine vaccine;
};

class Generator {
 public:
  explicit Generator(const RegistryOptions& options)
      : options_(options),
        random_(options.seed),
        bad_random_(options.seed ^ 0x6261642D726F7773ULL),  // "bad-rows"
        serials_(std::min<int64_t>(options.citizens, 20'000'000)),
        bad_serials_(1024),
        subscriber_offset_(Mix64(options.seed) % kSubscriberSpace) {
    // Cumulative weights per single year of age.
    int64_t sum = 0;
    for (int age = 0; age <= kMaxAge; ++age) {
      sum += kAgeGroupWeights[std::min(age / 5, 18)];
      age_cumulative_[age] = sum;
    }
    for (const Operator& op : kOperators) operator_weights_.push_back(op.weight);
    BuildFacilities();
  }

  absl::StatusOr<RegistryStats> Run(const std::string& dir);

 private:
  void BuildFacilities();
  int SampleAge(int lo, int hi);
  int HeadAge(int household_size);
  CivilDay BirthForAge(int age);
  Location HomeLocation();
  Location NearLocation(const Location& home);
  int NewPhone(std::vector<std::string>* numbers);
  void AppendPhone(absl::string_view nsn, Random& random, std::string* out);
  absl::Status Household(int64_t max_size);
  std::string Nik(const Location& where, CivilDay birth, Sex sex, int serial);
  absl::Status WriteCitizen(const Person& person, const std::vector<std::string>& numbers);
  void Vaccinate(const Person& person, std::vector<Dose>* doses);
  Vaccine PrimaryVaccine(CivilDay date, int age);
  Vaccine BoosterVaccine(CivilDay date);
  void AppendBatch(Vaccine vaccine, CivilDay date, uint32_t index, std::string* out);
  void MaybeWriteBadRow();
  void WriteBadRow(BadKind kind);

  const RegistryOptions options_;
  Random random_;
  Random bad_random_;
  SerialTable serials_;
  SerialTable bad_serials_;
  const uint64_t subscriber_offset_;
  int64_t age_cumulative_[kMaxAge + 1];
  std::vector<int> operator_weights_;
  // facilities_[province][kind]: the names of that kind in the province.
  std::vector<std::vector<std::vector<std::string>>> facilities_;

  CsvFile citizens_;
  CsvFile vaccinations_;
  CsvFile rejects_;
  int64_t citizens_line_ = 1;  // line of the last row written to citizens.csv
  int64_t phones_ = 0;
  RegistryStats stats_;

  // The good row being written, and (only with bad rows on) recent ones for duplicate NIKs.
  struct Row {
    std::string nik;
    std::string name;
    CivilDay birth;
    char sex = 'L';
    std::string phone;
    int64_t line = 0;
  };
  static constexpr size_t kRecentRows = 256;
  Row row_;
  std::vector<Row> recent_;
  int64_t recent_count_ = 0;

  std::string scratch_;
};

void Generator::BuildFacilities() {
  for (const Province& p : Provinces()) {
    std::vector<std::vector<std::string>> kinds(7);
    for (const std::string& d : p.districts) {
      kinds[static_cast<int>(FacilityKind::kPuskesmas)].push_back("Puskesmas " + d);
      kinds[static_cast<int>(FacilityKind::kKlinik)].push_back("Klinik Pratama " + d);
    }
    for (const std::string& r : p.regencies) {
      kinds[static_cast<int>(FacilityKind::kRsud)].push_back("RSUD " + r);
      kinds[static_cast<int>(FacilityKind::kBhayangkara)].push_back("RS Bhayangkara " + r);
      kinds[static_cast<int>(FacilityKind::kGeraiPolres)].push_back("Gerai Vaksinasi Polres " + r);
      kinds[static_cast<int>(FacilityKind::kSentra)].push_back("Sentra Vaksinasi " + r);
      kinds[static_cast<int>(FacilityKind::kRsi)].push_back("RS Islam " + r);
    }
    facilities_.push_back(std::move(kinds));
  }
}

int Generator::SampleAge(int lo, int hi) {
  lo = std::max(lo, 0);
  hi = std::min(hi, kMaxAge);
  if (lo >= hi) return std::max(0, std::min(lo, kMaxAge));
  const int64_t base = lo == 0 ? 0 : age_cumulative_[lo - 1];
  const int64_t span = age_cumulative_[hi] - base;
  const int64_t r = base + static_cast<int64_t>(random_.Below(static_cast<uint32_t>(span)));
  return static_cast<int>(std::upper_bound(age_cumulative_ + lo, age_cumulative_ + hi + 1, r) -
                          age_cumulative_);
}

// Household heads are older than the adult population at large (Susenas): drawing them from the
// pyramid would give too many infants and too few teenagers.
int Generator::HeadAge(int household_size) {
  if (household_size == 1) {  // young people living alone, and the widowed
    static constexpr int kSingleBands[] = {40, 35, 25};
    switch (PickWeighted(random_, kSingleBands)) {
      case 0:
        return random_.Between(18, 29);
      case 1:
        return random_.Between(30, 59);
      default:
        return SampleAge(60, kMaxAge);
    }
  }
  static constexpr int kHeadBands[] = {10, 27, 27, 19, 11, 6};  // 20s, 30s, ..., 70+
  const int band = PickWeighted(random_, kHeadBands);
  return band == 5 ? SampleAge(70, 90)
                   : random_.Between(22 + band * 10 - (band == 0 ? 0 : 2), 29 + band * 10);
}

CivilDay Generator::BirthForAge(int age) {
  // The latest birthday that makes `age` on as_of, minus up to a year.
  const CivilDay latest = AddYears(options_.as_of, -age);
  return latest - static_cast<int>(random_.Below(365));
}

Location Generator::HomeLocation() {
  const int pi = ProvinceIndexForDraw(
      static_cast<int>(random_.Below(static_cast<uint32_t>(TotalProvinceWeight()))));
  const Province& p = Provinces()[pi];
  // Cities are denser than regencies: each kota counts three times.
  const int slots = p.kabupaten + 3 * p.kota;
  const int s = static_cast<int>(random_.Below(static_cast<uint32_t>(slots)));
  const int regency = s < p.kabupaten ? s + 1 : 71 + (s - p.kabupaten) / 3;
  const int district = 1 + static_cast<int>(random_.Below(DistrictCount(p.code, regency)));
  return {pi, regency, district};
}

Location Generator::NearLocation(const Location& home) {
  if (random_.Percent(85)) return home;
  const Province& p = Provinces()[home.province_index];
  Location other = home;
  if (random_.Percent(40)) {
    const int slots = p.kabupaten + p.kota;
    const int s = static_cast<int>(random_.Below(static_cast<uint32_t>(slots)));
    other.regency = s < p.kabupaten ? s + 1 : 71 + (s - p.kabupaten);
  }
  other.district = 1 + static_cast<int>(random_.Below(DistrictCount(p.code, other.regency)));
  return other;
}

int Generator::NewPhone(std::vector<std::string>* numbers) {
  const uint64_t subscriber =
      (static_cast<uint64_t>(phones_++) * kSubscriberStride + subscriber_offset_) %
      kSubscriberSpace;
  int op =
      PickWeighted(random_, operator_weights_.data(), static_cast<int>(operator_weights_.size()));
  std::string nsn;
  for (;;) {
    nsn.assign(kOperators[op].prefix.data(), kOperators[op].prefix.size());
    AppendDigits(&nsn, subscriber, 8);
    if (std::find(std::begin(kDemoNsns), std::end(kDemoNsns), nsn) == std::end(kDemoNsns)) break;
    op = (op + 1) % static_cast<int>(std::size(kOperators));
  }
  if (random_.Percent(12)) nsn.push_back(static_cast<char>('0' + random_.Below(10)));  // 13 digits
  numbers->push_back(std::move(nsn));
  ++stats_.phones;
  return static_cast<int>(numbers->size()) - 1;
}

// Formats a national significant number as citizens wrote it when they registered.
void Generator::AppendPhone(absl::string_view nsn, Random& random, std::string* out) {
  const absl::string_view prefix = nsn.substr(0, 3);
  const absl::string_view mid = nsn.substr(3, 4);
  const absl::string_view rest = nsn.substr(7);
  switch (random.Below(20)) {
    case 0:  // 0812-3456-7890
      absl::StrAppend(out, "0", prefix, "-", mid, "-", rest);
      break;
    case 1:  // 0812 3456 7890
      absl::StrAppend(out, "0", prefix, " ", mid, " ", rest);
      break;
    case 2:  // +62 812-3456-7890
      absl::StrAppend(out, "+62 ", prefix, "-", mid, "-", rest);
      break;
    case 3:  // +62 812 3456 7890
      absl::StrAppend(out, "+62 ", prefix, " ", mid, " ", rest);
      break;
    case 4:
    case 5:
    case 6:
      absl::StrAppend(out, "62", nsn);
      break;
    case 7:
    case 8:
    case 9:
      absl::StrAppend(out, "+62", nsn);
      break;
    default:
      absl::StrAppend(out, "0", nsn);
  }
}

std::string Generator::Nik(const Location& where, CivilDay birth, Sex sex, int serial) {
  std::string nik;
  nik.reserve(16);
  AppendTwoDigits(&nik, Provinces()[where.province_index].code);
  AppendTwoDigits(&nik, where.regency);
  AppendTwoDigits(&nik, where.district);
  AppendTwoDigits(&nik, birth.day() + (sex == Sex::kFemale ? 40 : 0));
  AppendTwoDigits(&nik, birth.month());
  AppendTwoDigits(&nik, static_cast<int>(birth.year() % 100));
  AppendDigits(&nik, static_cast<uint64_t>(serial), 4);
  return nik;
}

absl::Status Generator::WriteCitizen(const Person& person,
                                     const std::vector<std::string>& numbers) {
  // The serial counts people already registered in the district with the same encoded date.
  const Location& at = person.location;
  const uint64_t key =
      ((static_cast<uint64_t>(Provinces()[at.province_index].code) * 100 + at.regency) * 100 +
       at.district) *
          1000000 +
      static_cast<uint64_t>((person.birth.day() + (person.sex == Sex::kFemale ? 40 : 0)) * 10000 +
                            person.birth.month() * 100 + person.birth.year() % 100);
  const int serial = serials_.Next(key);
  if (serial >= kFirstBadSerial) {
    return absl::ResourceExhaustedError(
        "more than 8999 citizens in one district share a birth date; use fewer citizens");
  }
  MaybeWriteBadRow();

  row_.nik = Nik(at, person.birth, person.sex, serial);
  row_.name.clear();
  AppendName(*person.naming, person.sex, static_cast<int>(person.birth.year()), person.age,
             person.birth_order, random_, &row_.name);
  row_.birth = person.birth;
  row_.sex = person.sex == Sex::kMale ? 'L' : 'P';
  row_.phone.clear();
  AppendPhone(numbers[person.phone], random_, &row_.phone);

  citizens_.CitizenRow(row_.nik, row_.name, person.birth, row_.sex, row_.phone);
  row_.line = ++citizens_line_;
  ++stats_.citizens;
  if (options_.bad_rows_per_million > 0) {
    if (recent_.empty()) recent_.resize(kRecentRows);
    recent_[recent_count_++ % kRecentRows] = row_;
  }

  std::vector<Dose> doses;
  Vaccinate(person, &doses);
  const std::vector<std::vector<std::string>>& facilities = facilities_[at.province_index];
  int home_kind = PickWeighted(random_, kFacilityWeights);
  const std::string* home =
      &facilities[home_kind][random_.Below(static_cast<uint32_t>(facilities[home_kind].size()))];
  for (size_t i = 0; i < doses.size(); ++i) {
    const Dose& dose = doses[i];
    const VaccineProduct& product = Product(dose.vaccine);
    const std::string* facility = home;
    if (i > 0 && random_.Percent(30)) {
      const int kind = PickWeighted(random_, kFacilityWeights);
      facility = &facilities[kind][random_.Below(static_cast<uint32_t>(facilities[kind].size()))];
    }
    scratch_.clear();
    AppendBatch(dose.vaccine, dose.date, random_.Below(kBatchesPerMonth), &scratch_);
    vaccinations_.VaccinationRow(row_.nik, static_cast<int64_t>(i + 1), product.code,
                                 product.manufacturer_code, dose.date, scratch_, *facility);
    ++stats_.vaccinations;
  }
  return absl::OkStatus();
}

// --- Households -------------------------------------------------------------------------------

absl::Status Generator::Household(int64_t max_size) {
  const int size = static_cast<int>(
      std::min<int64_t>(1 + PickWeighted(random_, kHouseholdSizeWeights), max_size));
  const Location home = HomeLocation();
  const Province& province = Provinces()[home.province_index];
  const NameGroup group =
      province.group_of_draw[random_.Below(static_cast<uint32_t>(province.group_of_draw.size()))];
  FamilyNaming family = NewFamily(group, random_);
  std::vector<FamilyNaming> married_in;
  married_in.reserve(3);
  std::vector<std::string> numbers;
  std::vector<Person> people;
  people.reserve(size);
  ++stats_.households;

  // The head: a man in most multi-person households, anyone when living alone.
  Person head;
  head.location = home;
  head.sex = (size == 1 ? random_.Percent(50) : random_.Percent(88)) ? Sex::kMale : Sex::kFemale;
  head.age = HeadAge(size);
  head.birth = BirthForAge(head.age);
  head.health_worker = head.age >= 20 && head.age <= 62 && random_.Percent(3);
  head.naming = &family;
  head.phone = NewPhone(&numbers);
  people.push_back(head);

  int mother_age = head.sex == Sex::kFemale ? head.age : -1;
  int mother_phone = head.phone;
  if (size >= 2 && head.sex == Sex::kMale && random_.Percent(88)) {
    Person spouse;
    spouse.sex = Sex::kFemale;
    spouse.age = std::clamp(head.age - random_.Between(-2, 8), 18, kMaxAge);
    spouse.birth = BirthForAge(spouse.age);
    spouse.location = NearLocation(home);
    spouse.health_worker = spouse.age >= 20 && spouse.age <= 62 && random_.Percent(4);
    married_in.push_back(NewFamily(group, random_));
    FamilyNaming& own = married_in.back();
    switch (group) {
      case NameGroup::kMinahasa:
      case NameGroup::kAmbon:
      case NameGroup::kPapuan:
      case NameGroup::kEastern:
        if (random_.Percent(60)) own.surname = family.surname;  // takes the husband's name
        break;
      case NameGroup::kBatak:
        while (own.surname == family.surname) own = NewFamily(group, random_);  // exogamy
        break;
      default:
        break;
    }
    spouse.naming = &own;
    spouse.phone = random_.Percent(45) ? head.phone : NewPhone(&numbers);
    mother_age = spouse.age;
    mother_phone = spouse.phone;
    people.push_back(spouse);
  }
  // A grandparent in some larger households.
  if (static_cast<int>(people.size()) < size && size >= 4 && head.age + 20 <= kMaxAge &&
      random_.Percent(20)) {
    Person elder;
    elder.sex = random_.Percent(65) ? Sex::kFemale : Sex::kMale;  // widows outlive
    elder.age = SampleAge(std::max(head.age + 20, 55), kMaxAge);
    elder.birth = BirthForAge(elder.age);
    elder.location = NearLocation(home);
    if (elder.sex == Sex::kMale) {
      elder.naming = &family;
    } else {
      married_in.push_back(NewFamily(group, random_));
      elder.naming = &married_in.back();
    }
    elder.phone = random_.Percent(70) ? head.phone : NewPhone(&numbers);
    people.push_back(elder);
  }
  // Children, then other adult relatives when the parents are too young for more.
  const size_t first_child = people.size();
  const int parent_age = mother_age >= 0 ? mother_age : head.age;
  while (static_cast<int>(people.size()) < size) {
    Person child;
    child.sex = random_.Percent(51) ? Sex::kMale : Sex::kFemale;
    child.naming = &family;
    child.location = NearLocation(home);
    if (parent_age - 17 >= 0) {
      child.age = SampleAge(parent_age - 42, parent_age - 17);
      if (child.age >= 17 && random_.Percent(65)) {
        child.phone = NewPhone(&numbers);
      } else {
        child.phone = random_.Percent(75) ? head.phone : mother_phone;
      }
    } else {
      child.age = SampleAge(18, 40);
      child.phone = random_.Percent(70) ? NewPhone(&numbers) : head.phone;
    }
    child.birth = BirthForAge(child.age);
    child.health_worker = child.age >= 20 && child.age <= 62 && random_.Percent(3);
    people.push_back(child);
  }
  // Balinese names follow birth order: the eldest is WAYAN/PUTU/GEDE, and so on.
  std::vector<Person*> children;
  for (size_t i = first_child; i < people.size(); ++i) children.push_back(&people[i]);
  std::stable_sort(children.begin(), children.end(),
                   [](const Person* a, const Person* b) { return a->birth < b->birth; });
  for (size_t i = 0; i < children.size(); ++i) children[i]->birth_order = static_cast<int>(i) + 1;

  for (const Person& person : people) {
    if (absl::Status s = WriteCitizen(person, numbers); !s.ok()) return s;
    // For BIN/BINTI: children carry their father's first name.
    if (&person == &people[0] && person.sex == Sex::kMale) {
      absl::string_view name = row_.name;
      for (absl::string_view title : {"H. ", "DRS. ", "IR. ", "DR. ", "TEUKU ", "M. "}) {
        if (name.substr(0, title.size()) == title) name.remove_prefix(title.size());
      }
      family.father_given = std::string(name.substr(0, name.find(' ')));
      const size_t comma = family.father_given.find(',');
      if (comma != std::string::npos) family.father_given.resize(comma);
    }
  }
  return absl::OkStatus();
}

// --- Vaccinations -----------------------------------------------------------------------------

template <size_t N>
Vaccine PickAvailable(Random& random, CivilDay date, const Share (&shares)[N]) {
  int total = 0;
  for (const Share& s : shares) {
    if (Product(s.vaccine).first_used <= date) total += s.weight;
  }
  if (total == 0) return Vaccine::kCoronaVac;
  int r = static_cast<int>(random.Below(static_cast<uint32_t>(total)));
  for (const Share& s : shares) {
    if (Product(s.vaccine).first_used > date) continue;
    if (r < s.weight) return s.vaccine;
    r -= s.weight;
  }
  return shares[N - 1].vaccine;
}

Vaccine Generator::PrimaryVaccine(CivilDay date, int age) {
  using V = Vaccine;
  if (age < 12) {
    static constexpr Share kChildren[] = {{V::kCoronaVac, 92}, {V::kComirnaty, 8}};
    return PickAvailable(random_, date, kChildren);
  }
  if (age < 18) {
    static constexpr Share kTeens[] = {{V::kCoronaVac, 50}, {V::kComirnaty, 45}, {V::kIndoVac, 5}};
    return PickAvailable(random_, date, kTeens);
  }
  if (date < CivilDay(2021, 5, 1)) {
    static constexpr Share kEarly[] = {{V::kCoronaVac, 85}, {V::kVaxzevria, 15}};
    return PickAvailable(random_, date, kEarly);
  }
  if (date < CivilDay(2021, 8, 1)) {
    static constexpr Share kMid2021[] = {
        {V::kCoronaVac, 60}, {V::kVaxzevria, 22}, {V::kBbibpCorV, 10}, {V::kSpikevax, 8}};
    return PickAvailable(random_, date, kMid2021);
  }
  if (date < CivilDay(2022, 1, 1)) {
    static constexpr Share kLate2021[] = {
        {V::kCoronaVac, 38}, {V::kVaxzevria, 20}, {V::kComirnaty, 22}, {V::kSpikevax, 10},
        {V::kBbibpCorV, 3},  {V::kJanssen, 2},    {V::kSputnikV, 1},   {V::kNuvaxovid, 4}};
    return PickAvailable(random_, date, kLate2021);
  }
  if (date < CivilDay(2023, 1, 1)) {
    static constexpr Share k2022[] = {{V::kCoronaVac, 25}, {V::kComirnaty, 28}, {V::kVaxzevria, 20},
                                      {V::kSpikevax, 10},  {V::kNuvaxovid, 5},  {V::kCovovax, 5},
                                      {V::kJanssen, 2},    {V::kBbibpCorV, 3},  {V::kIndoVac, 2}};
    return PickAvailable(random_, date, k2022);
  }
  static constexpr Share kLater[] = {{V::kIndoVac, 40},  {V::kInaVac, 10},  {V::kComirnaty, 20},
                                     {V::kSpikevax, 10}, {V::kCovovax, 10}, {V::kCoronaVac, 10}};
  return PickAvailable(random_, date, kLater);
}

Vaccine Generator::BoosterVaccine(CivilDay date) {
  using V = Vaccine;
  if (date < CivilDay(2022, 10, 1)) {
    static constexpr Share kFirst[] = {{V::kVaxzevria, 35},
                                       {V::kComirnaty, 30},
                                       {V::kSpikevax, 28},
                                       {V::kCoronaVac, 4},
                                       {V::kJanssen, 3}};
    return PickAvailable(random_, date, kFirst);
  }
  if (date < CivilDay(2023, 1, 1)) {
    static constexpr Share kLate2022[] = {{V::kComirnaty, 30}, {V::kSpikevax, 25},
                                          {V::kVaxzevria, 20}, {V::kCovovax, 12},
                                          {V::kIndoVac, 5},    {V::kNuvaxovid, 8}};
    return PickAvailable(random_, date, kLate2022);
  }
  static constexpr Share kLater[] = {{V::kIndoVac, 30},  {V::kInaVac, 15},  {V::kComirnaty, 20},
                                     {V::kSpikevax, 20}, {V::kCovovax, 10}, {V::kVaxzevria, 5}};
  return PickAvailable(random_, date, kLater);
}

void Generator::Vaccinate(const Person& p, std::vector<Dose>* doses) {
  const int max_doses = options_.vaccinations_per_citizen_max;
  if (max_doses == 0) return;
  // How far this person got, by age on the snapshot date (2022 SKI-like proportions).
  static constexpr int kChildTargets[] = {25, 12, 63};           // 0..2 doses
  static constexpr int kAdultTargets[] = {9, 9, 40, 38, 4};      // 0..4
  static constexpr int kElderlyTargets[] = {20, 10, 35, 30, 5};  // 0..4
  int target;
  if (p.age < 18) {
    target = PickWeighted(random_, kChildTargets);
  } else if (p.age < 60) {
    target = PickWeighted(random_, kAdultTargets);
  } else {
    target = PickWeighted(random_, kElderlyTargets);
  }
  if (p.health_worker && target < 4) target = std::max(target, 3);
  if (target == 4 && max_doses > 4 && random_.Percent(25)) target = random_.Percent(30) ? 6 : 5;
  target = std::min(target, max_doses);
  if (target == 0) return;

  // The first day the programme offered this person a dose.
  CivilDay eligible = std::min(
      {std::max(AddYears(p.birth, 18), random_.Percent(20) ? kPublicServiceStart : kAdultStart),
       std::max(AddYears(p.birth, 12), kTeenStart), std::max(AddYears(p.birth, 6), kChildStart)});
  if (AddYears(p.birth, 60) <= kElderlyStart) eligible = std::min(eligible, kElderlyStart);
  const bool health_worker = p.health_worker && AddYears(p.birth, 18) <= kFirstVaccinationDay;
  if (health_worker) eligible = kFirstVaccinationDay;

  int wait = random_.Between(0, 45) + random_.Between(0, 45);
  if (health_worker) {
    wait = random_.Between(0, 30);
  } else if (random_.Percent(35)) {
    wait += random_.Between(0, 240);  // hesitant, or waiting for a vaccine they trusted
  }
  CivilDay date = eligible + wait;
  const CivilDay last = options_.as_of;
  if (date > last) return;

  const int age_at_first = AgeOn(p.birth, date);
  const Vaccine primary = health_worker ? Vaccine::kCoronaVac : PrimaryVaccine(date, age_at_first);
  const VaccineProduct& product = Product(primary);
  doses->push_back({date, primary});
  for (int n = 2; n <= target; ++n) {
    if (n <= product.primary_doses) {
      int gap = product.interval_days;
      if (primary == Vaccine::kVaxzevria) gap = random_.Between(56, 84);
      if (health_worker) gap = 14;
      date = date + gap + static_cast<int>(random_.Below(15));
      if (date > last) return;
      doses->push_back({date, primary});
      continue;
    }
    const int booster = n - product.primary_doses;  // 1 = first booster
    CivilDay from;
    Vaccine vaccine;
    if (health_worker && booster == 1) {
      from = std::max(date + 150, kHealthWorkerBoosterStart + random_.Between(0, 60));
      vaccine = Vaccine::kSpikevax;
    } else {
      const CivilDay programme =
          booster == 1   ? kBoosterStart
          : booster == 2 ? (health_worker ? kHealthWorkerSecondBoosterStart : kSecondBoosterStart)
                         : kLaterBoosterStart;
      // Separate statements: the order of draws must not depend on the compiler.
      const int after_last = 180 + static_cast<int>(random_.Below(booster == 1 ? 200 : 300));
      const int after_start = static_cast<int>(random_.Below(120));
      from = std::max(date + after_last, programme + after_start);
      if (AgeOn(p.birth, from) < 18) return;  // boosters were for adults
      vaccine = BoosterVaccine(from);
    }
    date = from;
    if (date > last) return;
    doses->push_back({date, vaccine});
  }
}

// Lot numbers in each maker's style; eight lots per product and month, so many citizens share
// one, as they did.
void Generator::AppendBatch(Vaccine vaccine, CivilDay date, uint32_t index, std::string* out) {
  const CivilDay made = date - 35;  // lots were released some weeks before use
  const int year = static_cast<int>(made.year());
  const int month = made.month();
  const uint64_t h =
      Mix64((static_cast<uint64_t>(vaccine) << 40) ^ (static_cast<uint64_t>(year) << 20) ^
            (static_cast<uint64_t>(month) << 8) ^ index);
  const int months_since_2021 = (year - 2021) * 12 + month - 1;
  switch (vaccine) {
    case Vaccine::kComirnaty:  // FK5618
      out->push_back(static_cast<char>('E' + std::clamp(months_since_2021 / 6, 0, 5)));
      out->push_back(static_cast<char>('A' + h % 26));
      AppendDigits(out, h / 26 % 10000, 4);
      break;
    case Vaccine::kSpikevax:  // 054C21A
      AppendDigits(out, h % 1000, 3);
      out->push_back(static_cast<char>('A' + month - 1));
      AppendTwoDigits(out, year % 100);
      out->push_back('A');
      break;
    case Vaccine::kVaxzevria:  // ABV5300 or CTMAV510
      if (h % 3 == 0) {
        out->append("CTMAV");
        AppendDigits(out, h / 3 % 1000, 3);
      } else {
        out->append("ABV");
        AppendDigits(out, h / 3 % 10000, 4);
      }
      break;
    case Vaccine::kJanssen:  // XD955
      out->append(year == 2021 ? "XD" : "XE");
      AppendDigits(out, h % 1000, 3);
      break;
    case Vaccine::kNuvaxovid:  // 4302MF012
      out->append("4302MF");
      AppendDigits(out, h % 1000, 3);
      break;
    case Vaccine::kCovovax:  // 4301MF019
      out->append("4301MF");
      AppendDigits(out, h % 1000, 3);
      break;
    case Vaccine::kCoronaVac:  // J202104073
      out->push_back('J');
      AppendDigits(out, static_cast<uint64_t>(year), 4);
      AppendTwoDigits(out, month);
      AppendDigits(out, h % 1000, 3);
      break;
    case Vaccine::kBbibpCorV:  // 202105B2130
      AppendDigits(out, static_cast<uint64_t>(year), 4);
      AppendTwoDigits(out, month);
      out->push_back('B');
      AppendDigits(out, h % 10000, 4);
      break;
    case Vaccine::kSputnikV:  // II-750821
      out->append("II-");
      AppendDigits(out, h % 1000000, 6);
      break;
    case Vaccine::kIndoVac:  // IDV2303017
      out->append("IDV");
      AppendTwoDigits(out, year % 100);
      AppendTwoDigits(out, month);
      AppendDigits(out, h % 1000, 3);
      break;
    case Vaccine::kInaVac:  // INV2311004
      out->append("INV");
      AppendTwoDigits(out, year % 100);
      AppendTwoDigits(out, month);
      AppendDigits(out, h % 1000, 3);
      break;
  }
}

// --- Bad rows ---------------------------------------------------------------------------------

void Generator::MaybeWriteBadRow() {
  if (options_.bad_rows_per_million == 0) return;
  if (!bad_random_.PerMillion(static_cast<uint32_t>(options_.bad_rows_per_million))) return;
  BadKind kind = static_cast<BadKind>(stats_.bad_rows % kBadKinds);
  if (kind == BadKind::kDuplicateNik && recent_count_ == 0) kind = BadKind::kInvalidNik;
  WriteBadRow(kind);
}

void Generator::WriteBadRow(BadKind kind) {
  Random& r = bad_random_;
  // A plausible person of its own, with a NIK no good row can have (serial 9000+).
  const Sex sex = r.Percent(50) ? Sex::kMale : Sex::kFemale;
  const CivilDay birth = options_.as_of - static_cast<int>(r.Below(365 * 80)) - 365 * 18;
  const int province_index = static_cast<int>(r.Below(static_cast<uint32_t>(Provinces().size())));
  const Location where{province_index, 1, 1 + static_cast<int>(r.Below(8))};
  const uint64_t key =
      static_cast<uint64_t>(where.province_index) * 100000000 + where.district * 1000000 +
      static_cast<uint64_t>(birth.day() * 10000 + birth.month() * 100 + birth.year() % 100) * 2 +
      (sex == Sex::kFemale ? 1 : 0);
  std::string nik = Nik(where, birth, sex, kFirstBadSerial + bad_serials_.Next(key) % 999);
  FamilyNaming naming =
      NewFamily(Provinces()[province_index].group_of_draw[r.Below(
                    static_cast<uint32_t>(Provinces()[province_index].group_of_draw.size()))],
                r);
  std::string name;
  AppendName(naming, sex, static_cast<int>(birth.year()), AgeOn(birth, options_.as_of), 0, r,
             &name);
  std::string phone = "08";
  phone.push_back(r.Percent(50) ? '1' : '5');
  AppendDigits(&phone, r.Below(1000000000), 9);
  char sex_letter = sex == Sex::kMale ? 'L' : 'P';
  std::string birth_text = absl::FormatCivilTime(birth);
  std::string detail;
  std::string row;

  auto plain_row = [&](absl::string_view name_field) {
    return absl::StrCat(nik, ",", name_field, ",", birth_text, ",",
                        absl::string_view(&sex_letter, 1), ",", phone);
  };
  auto quoted = [](absl::string_view s) {
    return s.find(',') == absl::string_view::npos ? std::string(s) : absl::StrCat("\"", s, "\"");
  };

  switch (kind) {
    case BadKind::kWrongColumnCount:
      switch (r.Below(3)) {
        case 0:  // the phone is missing
          row = absl::StrCat(nik, ",", quoted(name), ",", birth_text, ",",
                             absl::string_view(&sex_letter, 1));
          detail = "4 fields";
          break;
        case 1: {  // an unquoted comma in the name, as a careless export writes it
          std::string plain = name;
          plain.erase(std::remove(plain.begin(), plain.end(), ','), plain.end());
          const size_t space = plain.find(' ');
          row = plain_row(space == std::string::npos
                              ? absl::StrCat(plain, ", ALI")
                              : absl::StrCat(plain.substr(0, space), ",", plain.substr(space)));
          detail = "6 fields";
          break;
        }
        default:  // a trailing separator
          row = plain_row(quoted(name)) + ",";
          detail = "6 fields";
          break;
      }
      break;
    case BadKind::kBadQuoting: {
      // A nickname in quotes inside the name: SITI "UMI" AMINAH.
      std::string inner = name;
      inner.erase(std::remove(inner.begin(), inner.end(), ','), inner.end());
      if (inner.find(' ') == std::string::npos) inner = "SITI " + inner;
      const size_t space = inner.find(' ');
      const std::string nick =
          absl::StrCat(inner.substr(0, space), " \"UMI\"", inner.substr(space));
      if (r.Percent(50)) {
        row = plain_row(absl::StrCat("\"", nick, "\""));  // "SITI "UMI" AMINAH"
        detail = "text after closing quote";
      } else {
        row = plain_row(nick);  // SITI "UMI" AMINAH
        detail = "quote inside unquoted field";
      }
      break;
    }
    case BadKind::kInvalidNik: {
      std::string bad = nik;
      switch (r.Below(5)) {
        case 0:
          bad.pop_back();  // 15 digits
          break;
        case 1:
          bad[0] = '9';  // province 9x that does not exist (97-99) or 10
          bad[1] = static_cast<char>('7' + r.Below(3));
          break;
        case 2:
          bad[8] = '1';  // month 13
          bad[9] = '3';
          break;
        case 3:
          bad[6 + r.Below(10)] = 'O';  // letter O typed for zero
          break;
        default:
          bad.replace(12, 4, "0000");
          break;
      }
      auto parsed = nik::ParseNik(bad);
      const std::optional<nik::NikError> error = nik::NikErrorOf(parsed.status());
      detail = error.has_value() ? std::string(nik::NikErrorName(*error)) : "unknown";
      nik = bad;
      row = plain_row(quoted(name));
      break;
    }
    case BadKind::kInvalidBirthDate: {
      const int year = static_cast<int>(birth.year());
      switch (r.Below(4)) {
        case 0:
          birth_text = absl::StrCat(year, "-02-30");
          break;
        case 1:
          birth_text = absl::StrCat(year, "-04-31");
          break;
        case 2:
          birth_text = absl::StrCat(year, "-13-", birth.day() < 10 ? "0" : "", birth.day());
          break;
        default:
          birth_text = absl::StrCat(year / 4 * 4 + 1, "-02-29");  // not a leap year
          break;
      }
      detail = birth_text;
      row = plain_row(quoted(name));
      break;
    }
    case BadKind::kLandlinePhone: {
      static constexpr absl::string_view kAreas[] = {"21",  "22",  "24",  "31",  "61",
                                                     "274", "361", "411", "431", "711"};
      const absl::string_view area = r.Pick(kAreas);
      const std::string number = std::to_string(r.Between(2000000, 8999999));
      switch (r.Below(3)) {
        case 0:
          phone = absl::StrCat("0", area, "-", number);
          break;
        case 1:
          phone = absl::StrCat("(0", area, ") ", number);
          break;
        default:
          phone = absl::StrCat("+62 ", area, " ", number);
          break;
      }
      const auto normalized = phone::NormalizeMobile(phone);
      const std::optional<phone::PhoneError> error = phone::PhoneErrorOf(normalized.status());
      detail = error.has_value() ? std::string(phone::PhoneErrorName(*error)) : "unknown";
      row = plain_row(quoted(name));
      break;
    }
    case BadKind::kDuplicateNik: {
      // The NIK, birth date and sex of a recent good row, under someone else's name.
      const Row& first = recent_[r.Below(static_cast<uint32_t>(
          std::min<int64_t>(recent_count_, static_cast<int64_t>(kRecentRows))))];
      std::string other;
      do {
        other.clear();
        AppendName(naming, first.sex == 'L' ? Sex::kMale : Sex::kFemale,
                   static_cast<int>(first.birth.year()), AgeOn(first.birth, options_.as_of), 0, r,
                   &other);
      } while (other == first.name);
      nik = first.nik;
      sex_letter = first.sex;
      birth_text = absl::FormatCivilTime(first.birth);
      phone = first.phone;
      row = plain_row(quoted(other));
      detail = absl::StrCat("line ", first.line);
      break;
    }
  }
  citizens_.Raw(row);
  citizens_.EndRow();
  ++citizens_line_;
  ++stats_.bad_rows;
  rejects_.Raw(kCitizensFile);
  rejects_.Raw(',');
  rejects_.Int(citizens_line_);
  rejects_.Raw(',');
  rejects_.Raw(kBadReasons[static_cast<int>(kind)]);
  rejects_.Raw(',');
  rejects_.Field(detail);
  rejects_.EndRow();
}

absl::StatusOr<RegistryStats> Generator::Run(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", std::strerror(errno)));
  }
  if (absl::Status s = citizens_.Open(dir + "/" + kCitizensFile); !s.ok()) return s;
  if (absl::Status s = vaccinations_.Open(dir + "/" + kVaccinationsFile); !s.ok()) return s;
  const bool with_rejects = options_.bad_rows_per_million > 0;
  if (with_rejects) {
    if (absl::Status s = rejects_.Open(dir + "/" + kRejectsFile); !s.ok()) return s;
    rejects_.Raw(kRejectsHeader);
    rejects_.EndRow();
  }
  citizens_.Raw(kCitizensHeader);
  citizens_.EndRow();
  vaccinations_.Raw(kVaccinationsHeader);
  vaccinations_.EndRow();

  int64_t next_progress = 100'000;
  while (stats_.citizens < options_.citizens) {
    if (absl::Status s = Household(options_.citizens - stats_.citizens); !s.ok()) return s;
    if (options_.progress && stats_.citizens >= next_progress &&
        stats_.citizens < options_.citizens) {
      options_.progress(stats_.citizens);
      next_progress += 100'000;
    }
  }
  if (options_.progress) options_.progress(stats_.citizens);

  if (absl::Status s = citizens_.Close(); !s.ok()) return s;
  if (absl::Status s = vaccinations_.Close(); !s.ok()) return s;
  stats_.bytes = citizens_.bytes_written() + vaccinations_.bytes_written();
  if (with_rejects) {
    if (absl::Status s = rejects_.Close(); !s.ok()) return s;
    stats_.bytes += rejects_.bytes_written();
  }
  return stats_;
}

}  // namespace

absl::Status ValidateOptions(const RegistryOptions& options) {
  if (options.citizens < 1 || options.citizens > kMaxCitizens) {
    return absl::InvalidArgumentError(
        absl::StrCat("--citizens must be from 1 to ", kMaxCitizens, ", not ", options.citizens));
  }
  if (options.vaccinations_per_citizen_max < 0 ||
      options.vaccinations_per_citizen_max > kMaxDosesPerCitizen) {
    return absl::InvalidArgumentError(
        absl::StrCat("--vaccinations_per_citizen_max must be from 0 to ", kMaxDosesPerCitizen));
  }
  if (options.bad_rows_per_million < 0 || options.bad_rows_per_million > 100'000) {
    return absl::InvalidArgumentError("--bad_rows_per_million must be from 0 to 100000");
  }
  if (options.as_of < CivilDay(2021, 1, 13) || options.as_of > CivilDay(2099, 12, 31)) {
    return absl::InvalidArgumentError("--as_of must be from 2021-01-13 to 2099-12-31");
  }
  return absl::OkStatus();
}

absl::StatusOr<RegistryStats> WriteRegistry(const RegistryOptions& options,
                                            const std::string& out_dir) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  Generator generator(options);
  return generator.Run(out_dir);
}

}  // namespace lindungi::gendata
