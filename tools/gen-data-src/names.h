#pragma once

// Indonesian full names, written in UPPER CASE as Dukcapil (the civil registry) prints them on
// the KTP and as the vaccination registry copied them: "SITI AMINAH", "I WAYAN SUDARSANA",
// "ROSMAWATI BR SIMANJUNTAK", "ANDI MUHAMMAD ARSYAD", "LIE KIM HOA", "NUR'AINI BINTI ABDULLAH".
// Registry names also carry religious and academic titles ("H. ", "HJ. ", "DRS. ",
// ", S.PD."), so a few contain commas and must be quoted in CSV.
//
// Traditions modelled (regions.cc says where each is common):
//   Javanese   one name (SUPARMAN, SUKIRAH) or two (BAMBANG SUSILO); no family name
//   Sundanese  ASEP SAEPULLOH, EUIS KURNIASIH, CECEP SUPRIATNA
//   Batak      given name + marga; women "BR <marga>" (boru), with their own father's marga
//   Minang     no family name (matrilineal clans are not part of the name): AFRIZAL, YULIANTI
//   Balinese   I (men) / NI (women) + birth-order name (WAYAN/PUTU/GEDE, MADE/KADEK/NENGAH,
//              NYOMAN/KOMANG, KETUT, then again) + given name; children follow their order
//   Bugis      ANDI for noble families, otherwise Muslim given names (ST. NURHAENI)
//   Butonese   LA ODE / WA ODE for noble families, LA / WA otherwise
//   Chinese-Indonesian  Indonesianised family names (WILLIAM GUNAWAN); the oldest generation
//              often keeps a three-syllable name (LIE KIM HOA)
//   Arab-Indonesian     given name + family (AHMAD ALATAS, SYARIFAH FATIMAH ASSEGAF)
//   Malay/Acehnese/Banjar  Arabic-derived names, patronymics (BIN/BINTI + father's first
//              name), Acehnese TEUKU / CUT
//   Minahasa, Ambonese, Papuan, eastern Christian (NTT, Dayak)  given name + family name
// People born from 1995 on in the Muslim-majority traditions often get the newer multi-part
// names (MUHAMMAD RIZKY RAMADHAN, AQILA PUTRI AZZAHRA).

#include <string>

#include "absl/strings/string_view.h"
#include "gen-data-src/random.h"
#include "lindungi/nik/nik.h"

namespace lindungi::gendata {

enum class NameGroup {
  kJavanese,
  kSundanese,
  kBatak,
  kMinang,
  kBalinese,
  kBugis,
  kButon,
  kChinese,
  kArab,
  kMalay,
  kMinahasa,
  kAmbon,
  kPapuan,
  kEastern,
};

// What the members of one family share in their names.
struct FamilyNaming {
  NameGroup group = NameGroup::kJavanese;
  std::string surname;       // marga / fam / family name, "" where the tradition has none
  std::string father_given;  // the father's first name, for BIN / BINTI
  bool noble = false;        // ANDI, LA ODE / WA ODE, TEUKU / CUT, IDA BAGUS / IDA AYU
};

FamilyNaming NewFamily(NameGroup group, Random& random);

// Appends one full name. `birth_order` is 1 for a first child, 2 for the second, ...; 0 when
// not known (adults), which picks an order at random where the tradition needs one.
void AppendName(const FamilyNaming& family, nik::Sex sex, int birth_year, int age, int birth_order,
                Random& random, std::string* out);

// The first word of a male given name for `family`'s tradition, e.g. to name a father.
absl::string_view MaleFirstName(NameGroup group, Random& random);

}  // namespace lindungi::gendata
