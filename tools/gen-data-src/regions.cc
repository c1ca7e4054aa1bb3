#include "gen-data-src/regions.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gen-data-src/names.h"
#include "gen-data-src/random.h"

namespace lindungi::gendata {
namespace {

// Naming traditions by share (percent): JAV Javanese, SUN Sundanese, BTK Batak, MIN Minang,
// BAL Balinese, BUG Bugis/Makassar/Mandar, BTN Butonese, CHI Chinese-Indonesian, ARB
// Arab-Indonesian, MAL Malay/Acehnese/Banjar and other Muslim single-name traditions, MNH
// Minahasa, AMB Ambonese, PAP Papuan, NTT Catholic/Protestant eastern and Dayak traditions.
struct ProvinceRow {
  int code;
  int weight;
  int kabupaten;
  int kota;
  absl::string_view mix;
  absl::string_view districts;
  absl::string_view regencies;
};

constexpr ProvinceRow kRows[] = {
    {11, 527, 18, 5, "MAL:85 JAV:8 BTK:3 CHI:2 ARB:2",
     "Baiturrahman|Kuta Alam|Syiah Kuala|Meuraxa|Lhoknga|Peusangan|Banda Sakti|Kota Juang|"
     "Johan Pahlawan|Idi Rayeuk",
     "Banda Aceh|Aceh Besar|Aceh Utara|Lhokseumawe|Bireuen|Pidie|Aceh Timur|Langsa"},
    {12, 1480, 25, 8, "BTK:45 JAV:30 MAL:10 CHI:7 MIN:5 ARB:1 NTT:2",
     "Medan Baru|Medan Johor|Medan Tembung|Medan Helvetia|Medan Sunggal|Lubuk Pakam|Balige|"
     "Tarutung|Sidikalang|Kabanjahe|Padangsidimpuan Utara|Rantau Utara",
     "Medan|Deli Serdang|Pematangsiantar|Binjai|Toba|Tapanuli Utara|Karo|Labuhanbatu|Asahan"},
    {13, 553, 12, 7, "MIN:88 JAV:4 BTK:4 MAL:3 CHI:1",
     "Padang Barat|Koto Tangah|Kuranji|Lubuk Begalung|Guguk Panjang|Payakumbuh Barat|"
     "Lubuk Sikaping|Pariaman Tengah|Lima Kaum",
     "Padang|Bukittinggi|Agam|Tanah Datar|Pasaman|Padang Pariaman|Solok|Payakumbuh"},
    {14, 639, 10, 2, "MAL:40 JAV:25 MIN:15 BTK:12 CHI:6 BUG:2",
     "Pekanbaru Kota|Tampan|Marpoyan Damai|Bukit Raya|Bangkinang|Dumai Kota|Siak|"
     "Pangkalan Kerinci|Tembilahan|Bengkalis",
     "Pekanbaru|Kampar|Dumai|Siak|Pelalawan|Indragiri Hilir|Bengkalis|Rokan Hulu"},
    {15, 355, 9, 2, "MAL:50 JAV:30 MIN:8 BTK:4 CHI:3 BUG:3 SUN:2",
     "Telanaipura|Kota Baru|Jambi Selatan|Muara Bulian|Sengeti|Muara Bungo|Sarolangun|"
     "Kuala Tungkal",
     "Jambi|Muaro Jambi|Batanghari|Bungo|Tebo|Merangin|Kerinci|Sungai Penuh"},
    {16, 847, 13, 4, "MAL:70 JAV:25 SUN:2 CHI:3",
     "Ilir Timur I|Ilir Barat I|Seberang Ulu I|Kemuning|Sukarami|Prabumulih Timur|"
     "Baturaja Timur|Kayu Agung|Lahat|Lubuklinggau Barat I",
     "Palembang|Ogan Ilir|Ogan Komering Ulu|Prabumulih|Lahat|Muara Enim|Banyuasin|Lubuklinggau"},
    {17, 201, 9, 1, "MAL:55 JAV:25 MIN:8 SUN:7 BTK:3 CHI:2",
     "Ratu Agung|Gading Cempaka|Teluk Segara|Curup|Manna|Arga Makmur|Kepahiang|Tais",
     "Bengkulu|Rejang Lebong|Bengkulu Selatan|Bengkulu Utara|Kepahiang|Seluma"},
    {18, 901, 13, 2, "JAV:60 MAL:20 SUN:12 MIN:3 BAL:3 CHI:2",
     "Tanjung Karang Pusat|Kedaton|Rajabasa|Way Halim|Metro Pusat|Kalianda|Kotabumi|"
     "Gunung Sugih|Pringsewu|Gedong Tataan",
     "Bandar Lampung|Metro|Lampung Selatan|Lampung Tengah|Lampung Utara|Pringsewu|Pesawaran|"
     "Tulang Bawang"},
    {19, 146, 6, 1, "MAL:65 CHI:25 JAV:5 BUG:3 BTN:2",
     "Pangkal Balam|Gerunggang|Taman Sari|Sungailiat|Muntok|Tanjung Pandan|Manggar|Koba|Toboali",
     "Pangkalpinang|Bangka|Bangka Barat|Belitung|Belitung Timur|Bangka Tengah|Bangka Selatan"},
    {21, 206, 5, 2, "MAL:35 JAV:25 BTK:12 MIN:10 CHI:12 BUG:4 BTN:2",
     "Batam Kota|Sekupang|Lubuk Baja|Batu Aji|Sagulung|Tanjungpinang Timur|"
     "Tanjungpinang Barat|Bintan Timur|Karimun|Bunguran Timur",
     "Batam|Tanjungpinang|Bintan|Karimun|Natuna|Lingga"},
    {31, 1056, 1, 5,
     "JAV:35 MAL:25 SUN:15 CHI:7 BTK:4 MIN:4 ARB:2 BUG:2 MNH:2 AMB:1 NTT:1 BAL:1 PAP:1",
     "Menteng|Tanah Abang|Gambir|Kebayoran Baru|Tebet|Pasar Minggu|Cengkareng|Kalideres|"
     "Tanjung Priok|Koja|Cakung|Duren Sawit|Pulo Gadung|Kelapa Gading",
     "Jakarta Pusat|Jakarta Selatan|Jakarta Barat|Jakarta Timur|Jakarta Utara|Kepulauan Seribu"},
    {32, 4827, 18, 9, "SUN:75 JAV:13 MAL:5 CHI:2 BTK:2 MIN:2 ARB:1",
     "Cibeunying Kidul|Coblong|Sukajadi|Bandung Wetan|Cicendo|Antapani|Cimahi Tengah|"
     "Bogor Tengah|Cibinong|Bekasi Timur|Pancoran Mas|Garut Kota|Sumedang Utara|Cihideung|"
     "Cianjur|Karawang Barat|Purwakarta|Kesambi",
     "Kota Bandung|Bandung|Bogor|Bekasi|Depok|Cimahi|Garut|Tasikmalaya|Cianjur|Karawang|"
     "Sumedang|Cirebon|Sukabumi"},
    {33, 3652, 29, 6, "JAV:95 CHI:2 SUN:2 ARB:1",
     "Semarang Tengah|Banyumanik|Tembalang|Laweyan|Banjarsari|Purwokerto Timur|Magelang Utara|"
     "Kota Kudus|Klaten Tengah|Sukoharjo|Kebumen|Pekalongan Barat|Tegal Timur|Wonosobo|Sidorejo",
     "Semarang|Surakarta|Banyumas|Magelang|Kudus|Klaten|Sukoharjo|Kebumen|Pekalongan|Tegal|"
     "Jepara|Pati|Boyolali"},
    {34, 367, 4, 1, "JAV:95 CHI:2 MIN:1 NTT:1 PAP:1",
     "Gondokusuman|Umbulharjo|Jetis|Mergangsan|Depok|Mlati|Ngaglik|Kasihan|Sewon|Bantul|Wates|"
     "Wonosari",
     "Yogyakarta|Sleman|Bantul|Kulon Progo|Gunungkidul"},
    {35, 4067, 29, 9, "JAV:90 MAL:5 CHI:3 ARB:2",
     "Genteng|Tegalsari|Wonokromo|Rungkut|Gubeng|Klojen|Lowokwaru|Sidoarjo|Waru|Kota Kediri|"
     "Kaliwates|Banyuwangi|Gresik|Bangkalan|Pamekasan|Taman|Tulungagung|Sananwetan|Prajurit Kulon",
     "Surabaya|Malang|Sidoarjo|Gresik|Kediri|Jember|Banyuwangi|Madiun|Mojokerto|Pasuruan|"
     "Probolinggo|Tulungagung|Bangkalan|Sumenep"},
    {36, 1190, 4, 4, "SUN:55 JAV:20 MAL:15 CHI:5 BTK:2 MIN:3",
     "Serang|Cipocok Jaya|Cilegon|Tangerang|Karawaci|Ciledug|Serpong|Ciputat|Pamulang|"
     "Pandeglang|Rangkasbitung|Balaraja",
     "Serang|Kota Serang|Cilegon|Tangerang|Kota Tangerang|Tangerang Selatan|Pandeglang|Lebak"},
    {51, 432, 8, 1, "BAL:88 JAV:8 MAL:2 CHI:1 NTT:1",
     "Denpasar Barat|Denpasar Selatan|Denpasar Timur|Denpasar Utara|Kuta|Kuta Utara|Mengwi|Ubud|"
     "Gianyar|Tabanan|Buleleng|Klungkung|Bangli|Negara|Karangasem",
     "Denpasar|Badung|Gianyar|Tabanan|Buleleng|Klungkung|Bangli|Jembrana|Karangasem"},
    {52, 532, 8, 2, "MAL:85 JAV:5 BAL:4 BUG:3 CHI:2 ARB:1",
     "Mataram|Ampenan|Cakranegara|Selaparang|Praya|Selong|Gerung|Sumbawa|Dompu|Rasanae Barat|"
     "Tanjung",
     "Mataram|Lombok Barat|Lombok Tengah|Lombok Timur|Lombok Utara|Sumbawa|Dompu|Bima"},
    {53, 533, 21, 1, "NTT:88 MAL:4 JAV:3 BUG:3 CHI:1 BAL:1",
     "Kota Lama|Oebobo|Kelapa Lima|Maulafa|Alak|Kota Soe|Kota Kefamenanu|Atambua Barat|Ende Tengah|"
     "Alok|Bajawa|Langke Rembong|Komodo|Kota Waingapu|Teluk Mutiara",
     "Kupang|Kota Kupang|Timor Tengah Selatan|Timor Tengah Utara|Belu|Ende|Sikka|Ngada|Manggarai|"
     "Manggarai Barat|Sumba Timur|Alor|Flores Timur"},
    {61, 541, 12, 2, "MAL:40 CHI:20 NTT:20 JAV:15 BUG:5",
     "Pontianak Kota|Pontianak Barat|Pontianak Selatan|Pontianak Timur|Singkawang Barat|"
     "Sungai Raya|Mempawah Hilir|Kapuas|Sintang|Delta Pawan|Putussibau Utara",
     "Pontianak|Kubu Raya|Singkawang|Mempawah|Sanggau|Sintang|Ketapang|Kapuas Hulu|Sambas"},
    {62, 267, 13, 1, "MAL:35 NTT:30 JAV:25 BUG:5 SUN:5",
     "Pahandut|Jekan Raya|Sebangau|Mentawa Baru Ketapang|Arut Selatan|Selat|Teweh Tengah|"
     "Dusun Selatan|Seruyan Hilir",
     "Palangka Raya|Kotawaringin Timur|Kotawaringin Barat|Kapuas|Barito Utara|Barito Selatan|"
     "Seruyan"},
    {63, 407, 11, 2, "MAL:75 JAV:20 BUG:5",
     "Banjarmasin Tengah|Banjarmasin Utara|Banjarmasin Selatan|Banjarbaru Utara|Martapura|"
     "Kandangan|Barabai|Amuntai Tengah|Murung Pudak|Pelaihari|Pulau Laut Utara|Tapin Utara",
     "Banjarmasin|Banjarbaru|Banjar|Hulu Sungai Selatan|Hulu Sungai Tengah|Tabalong|Tanah Laut|"
     "Kotabaru"},
    {64, 377, 7, 3, "JAV:30 MAL:30 BUG:20 NTT:13 SUN:4 CHI:3",
     "Samarinda Ulu|Samarinda Kota|Sungai Kunjang|Balikpapan Kota|Balikpapan Selatan|"
     "Balikpapan Utara|Tenggarong|Bontang Utara|Sangatta Utara|Tanah Grogot|Penajam",
     "Samarinda|Balikpapan|Kutai Kartanegara|Bontang|Kutai Timur|Paser|Penajam Paser Utara|"
     "Berau"},
    {65, 70, 4, 1, "MAL:25 NTT:27 BUG:20 JAV:20 CHI:3 BTN:5",
     "Tarakan Tengah|Tarakan Barat|Tanjung Selor|Malinau Kota|Nunukan|Sesayap",
     "Tarakan|Bulungan|Malinau|Nunukan|Tana Tidung"},
    {71, 262, 11, 4, "MNH:70 MAL:10 CHI:5 JAV:5 AMB:5 BUG:5",
     "Wenang|Tikala|Malalayang|Wanea|Tuminting|Tomohon Tengah|Tondano Barat|Airmadidi|"
     "Maesa|Kotamobagu Barat|Tahuna|Amurang",
     "Manado|Minahasa|Minahasa Utara|Minahasa Selatan|Bitung|Tomohon|Kotamobagu|"
     "Kepulauan Sangihe"},
    {72, 299, 12, 1, "MAL:45 BUG:30 JAV:10 NTT:7 MNH:5 CHI:3",
     "Palu Barat|Palu Timur|Mantikulore|Tatanga|Poso Kota|Luwuk|Baolan|Parigi|Banawa|Petasia|"
     "Biau",
     "Palu|Donggala|Sigi|Poso|Banggai|Tolitoli|Parigi Moutong|Morowali"},
    {73, 907, 21, 3, "BUG:88 NTT:5 JAV:3 CHI:2 ARB:2",
     "Mamajang|Panakkukang|Tamalate|Rappocini|Biringkanaya|Ujung Pandang|Somba Opu|Turikale|"
     "Tanete Riattang|Bacukiki|Tempe|Wara|Ujung Bulu|Makale|Rantepao|Watang Sawitto|"
     "Maritengngae",
     "Makassar|Gowa|Maros|Bone|Parepare|Wajo|Palopo|Bulukumba|Tana Toraja|Toraja Utara|Pinrang|"
     "Sidenreng Rappang"},
    {74, 262, 15, 2, "BTN:45 BUG:30 JAV:12 MAL:10 BAL:3",
     "Kendari|Mandonga|Kadia|Wua-Wua|Wolio|Murhum|Katobu|Kolaka|Unaaha|Andoolo|Pasarwajo|"
     "Wangi-Wangi",
     "Kendari|Konawe|Kolaka|Muna|Buton|Baubau|Konawe Selatan|Wakatobi|Bombana"},
    {75, 117, 5, 1, "MAL:85 BUG:5 MNH:5 JAV:5",
     "Kota Tengah|Kota Selatan|Dungingi|Limboto|Telaga|Tilamuta|Marisa|Suwawa|Kwandang",
     "Gorontalo|Kota Gorontalo|Boalemo|Pohuwato|Bone Bolango|Gorontalo Utara"},
    {76, 142, 6, 0, "BUG:80 JAV:8 NTT:7 MAL:5",
     "Mamuju|Simboro|Polewali|Wonomulyo|Banggae|Mamasa|Pasangkayu|Tobadak",
     "Mamuju|Polewali Mandar|Majene|Mamasa|Pasangkayu|Mamuju Tengah"},
    {81, 185, 9, 2, "AMB:55 BTN:15 MAL:15 BUG:7 JAV:5 CHI:3",
     "Sirimau|Nusaniwe|Baguala|Teluk Ambon|Leitimur Selatan|Kota Masohi|Pulau Dullah Utara|"
     "Tanimbar Selatan|Namlea|Seram Barat|Pulau-Pulau Aru",
     "Ambon|Maluku Tengah|Tual|Kepulauan Tanimbar|Buru|Seram Bagian Barat|Kepulauan Aru|"
     "Maluku Tenggara"},
    {82, 128, 8, 2, "MAL:60 AMB:15 BTN:10 BUG:8 JAV:5 MNH:2",
     "Ternate Tengah|Ternate Selatan|Ternate Utara|Tidore|Oba Utara|Tobelo|Jailolo|Bacan|Sanana|"
     "Weda",
     "Ternate|Tidore Kepulauan|Halmahera Utara|Halmahera Barat|Halmahera Selatan|"
     "Kepulauan Sula|Halmahera Tengah"},
    // NIKs issued before the 2022 split keep Papua's (91) and Papua Barat's (92) codes, so the
    // new provinces (93–96) get only a sliver of recent registrations.
    {91, 330, 28, 1, "PAP:60 JAV:15 BUG:10 BTN:5 AMB:4 NTT:4 MNH:2",
     "Jayapura Utara|Jayapura Selatan|Abepura|Heram|Muara Tami|Sentani|Biak Kota|Yapen Selatan|"
     "Sarmi|Arso",
     "Jayapura|Kota Jayapura|Biak Numfor|Kepulauan Yapen|Keerom|Sarmi|Waropen"},
    {92, 113, 12, 1, "PAP:55 JAV:15 BUG:12 BTN:5 AMB:6 NTT:5 MNH:2",
     "Manokwari Barat|Manokwari Timur|Prafi|Bintuni|Fakfak|Kaimana|Wasior",
     "Manokwari|Teluk Bintuni|Fakfak|Kaimana|Teluk Wondama"},
    {93, 10, 4, 0, "PAP:60 JAV:20 BUG:10 NTT:10",
     "Merauke|Tanah Miring|Kurik|Jair|Mandobo|Obaa|Agats", "Merauke|Boven Digoel|Mappi|Asmat"},
    {94, 10, 8, 0, "PAP:70 JAV:10 BUG:10 BTN:5 NTT:5",
     "Nabire|Wanggar|Mimika Baru|Kuala Kencana|Paniai Timur|Mulia|Ilaga|Kamu",
     "Nabire|Mimika|Paniai|Puncak Jaya|Puncak|Dogiyai|Intan Jaya|Deiyai"},
    {95, 10, 8, 0, "PAP:85 JAV:5 BUG:5 NTT:5",
     "Wamena Kota|Hubikosi|Asolokobal|Karubaga|Tiom|Kenyam|Oksibil|Elelim",
     "Jayawijaya|Tolikara|Lanny Jaya|Nduga|Pegunungan Bintang|Yalimo|Yahukimo|"
     "Mamberamo Tengah"},
    {96, 10, 5, 1, "PAP:55 JAV:15 BUG:12 AMB:8 BTN:5 NTT:5",
     "Sorong|Sorong Manoi|Sorong Timur|Aimas|Teminabuan|Waisai|Fef|Aifat",
     "Sorong|Kota Sorong|Raja Ampat|Sorong Selatan|Maybrat|Tambrauw"},
};

NameGroup GroupForTag(absl::string_view tag) {
  struct Tag {
    absl::string_view tag;
    NameGroup group;
  };
  static constexpr Tag kTags[] = {
      {"JAV", NameGroup::kJavanese}, {"SUN", NameGroup::kSundanese}, {"BTK", NameGroup::kBatak},
      {"MIN", NameGroup::kMinang},   {"BAL", NameGroup::kBalinese},  {"BUG", NameGroup::kBugis},
      {"BTN", NameGroup::kButon},    {"CHI", NameGroup::kChinese},   {"ARB", NameGroup::kArab},
      {"MAL", NameGroup::kMalay},    {"MNH", NameGroup::kMinahasa},  {"AMB", NameGroup::kAmbon},
      {"PAP", NameGroup::kPapuan},   {"NTT", NameGroup::kEastern},
  };
  for (const Tag& t : kTags) {
    if (t.tag == tag) return t.group;
  }
  return NameGroup::kMalay;  // unreachable for the table above (checked by the unit test)
}

std::vector<Province> Build() {
  std::vector<Province> provinces;
  for (const ProvinceRow& row : kRows) {
    Province p;
    p.code = row.code;
    p.weight = row.weight;
    p.kabupaten = row.kabupaten;
    p.kota = row.kota;
    for (absl::string_view share : absl::StrSplit(row.mix, ' ')) {
      std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(share, ':');
      int percent = 0;
      if (!absl::SimpleAtoi(kv.second, &percent)) continue;
      for (int i = 0; i < percent; ++i) p.group_of_draw.push_back(GroupForTag(kv.first));
    }
    for (absl::string_view d : absl::StrSplit(row.districts, '|')) p.districts.emplace_back(d);
    for (absl::string_view r : absl::StrSplit(row.regencies, '|')) p.regencies.emplace_back(r);
    provinces.push_back(std::move(p));
  }
  return provinces;
}

}  // namespace

const std::vector<Province>& Provinces() {
  static const std::vector<Province>* const provinces = new std::vector<Province>(Build());
  return *provinces;
}

int TotalProvinceWeight() {
  static const int total = [] {
    int sum = 0;
    for (const ProvinceRow& row : kRows) sum += row.weight;
    return sum;
  }();
  return total;
}

int ProvinceIndexForDraw(int draw) {
  int i = 0;
  for (const ProvinceRow& row : kRows) {
    if (draw < row.weight) return i;
    draw -= row.weight;
    ++i;
  }
  return i - 1;
}

int DistrictCount(int province, int regency) {
  return 8 + static_cast<int>(Mix64(static_cast<uint64_t>(province) * 131 + regency) % 23);
}

}  // namespace lindungi::gendata
