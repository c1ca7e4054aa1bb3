#pragma once

// Indonesia's provinces as the generator needs them: Kemendagri province codes (the first two
// NIK digits), population weights (2020 census), how many kabupaten and kota each has (regency
// codes 01.. and 71..), the regional mix of naming traditions, and real district (kecamatan)
// and regency names for vaccination facilities ("Puskesmas Coblong", "RSUD Garut").

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gen-data-src/names.h"

namespace lindungi::gendata {

struct Province {
  int code;                              // 11–96
  int weight;                            // population, ten thousands
  int kabupaten;                         // regency codes 01..kabupaten
  int kota;                              // city codes 71..70+kota
  std::vector<NameGroup> group_of_draw;  // 100 slots: the naming mix, one draw = one slot
  std::vector<std::string> districts;    // kecamatan names
  std::vector<std::string> regencies;    // kabupaten/kota names
};

// All provinces, built once.
const std::vector<Province>& Provinces();
// Index into Provinces() by population weight, from a uniform draw in [0, TotalWeight()).
int ProvinceIndexForDraw(int draw);
int TotalProvinceWeight();

// Districts per regency: 8–30, fixed per (province, regency) so NIK district codes repeat.
int DistrictCount(int province, int regency);

}  // namespace lindungi::gendata
