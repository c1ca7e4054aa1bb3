#include "gen-data-src/names.h"

#include <string>

#include "absl/strings/string_view.h"
#include "gen-data-src/random.h"
#include "lindungi/nik/nik.h"

namespace lindungi::gendata {
namespace {

using nik::Sex;
using sv = absl::string_view;

// --- Pools --------------------------------------------------------------------------------------

constexpr sv kJavaneseMale[] = {
    "SUTRISNO",  "SUPARMAN", "SLAMET",   "SUGENG",  "BAMBANG",  "JOKO",      "HERU",
    "WAHYUDI",   "SUHARTO",  "SUKARMAN", "PAIMIN",  "KASMIN",   "SUKIMAN",   "TRI",
    "EKO",       "DWI",      "AGUS",     "BUDI",    "HARYANTO", "SUPRIYADI", "PURWANTO",
    "SUDARSONO", "WIDODO",   "SETYO",    "SUWARNO", "MULYONO",  "SUNARTO",   "KUSNADI",
    "TEGUH",     "PRIYO",    "GATOT",    "SUYATNO", "DARMANTO", "SUMARNO",   "RAHARJO",
    "HADI",      "ARIF",     "ANTON",    "YUDI",    "SANTOSO",  "WAGIMAN",   "SARDI"};
constexpr sv kJavaneseMaleSecond[] = {
    "SANTOSO",   "SETIAWAN", "PRASETYO", "WIBOWO",   "NUGROHO",  "SUSANTO",  "HARYANTO",
    "KURNIAWAN", "SAPUTRO",  "PURNOMO",  "HIDAYAT",  "SUSILO",   "CAHYONO",  "WAHYUDI",
    "SUBAGYO",   "RAHARJO",  "UTOMO",    "PRAYITNO", "SUGIARTO", "SULISTYO", "HARTONO"};
constexpr sv kJavaneseFemale[] = {
    "SITI",    "SRI",     "SUKIRAH", "PAINEM", "TUMINAH", "SUMIYATI", "SUPARMI", "WAGIYEM",
    "SUNARTI", "ENDANG",  "RETNO",   "DWI",    "TRI",     "WULAN",    "DEWI",    "RATNA",
    "YULI",    "SUMARNI", "TITIK",   "NINIK",  "PARTINI", "SUWARTI",  "MARYATI", "SULASTRI"};
constexpr sv kJavaneseFemaleSecond[] = {
    "LESTARI",   "WAHYUNI",  "RAHAYU",    "HANDAYANI", "PURWANTI",  "SUSANTI", "ASTUTI",
    "WULANDARI", "NINGSIH",  "KURNIASIH", "RAHMAWATI", "SETYOWATI", "MULYANI", "PUSPITASARI",
    "SUPRAPTI",  "WIDAYATI", "AMINAH",    "MUNAWAROH", "KHOMSATUN", "UTAMI"};

constexpr sv kSundaneseMale[] = {"ASEP",  "UJANG", "DEDE",   "CECEP",  "DADANG", "YAYAN",
                                 "AAN",   "IWAN",  "DEDI",   "ADE",    "JAJANG", "UDIN",
                                 "ENTIS", "ATENG", "AGUS",   "HERMAN", "YUSUF",  "ROHMAT",
                                 "ENDI",  "OMAN",  "NANANG", "DODI",   "ENCEP",  "KOKO"};
constexpr sv kSundaneseMaleSecond[] = {"SAEPULLOH", "SUHERMAN", "HIDAYAT",  "SUTISNA",  "SUPRIATNA",
                                       "KURNIAWAN", "SUTARYA",  "RUSTANDI", "SOLIHIN",  "MULYANA",
                                       "SUDRAJAT",  "SETIADI",  "RUKMANA",  "PERMANA",  "GUNAWAN",
                                       "SAPUTRA",   "KOSASIH",  "SUMARNA",  "NURJAMAN", "ROSYADI"};
constexpr sv kSundaneseFemale[] = {"EUIS",  "NENG",  "IIS",   "ENOK",  "NENDEN", "IMAS",
                                   "EROS",  "ENTIN", "YETI",  "CUCU",  "NUNUNG", "AI",
                                   "LILIS", "TITIN", "YANTI", "RINA",  "ELIS",   "HENI",
                                   "NENI",  "DEDEH", "OOM",   "EUTIK", "POPON",  "NINING"};
constexpr sv kSundaneseFemaleSecond[] = {"SUMIATI",   "KURNIASIH",  "NURHAYATI", "MARLINA",
                                         "ROHAENI",   "KOMALASARI", "YULIANTI",  "SUSILAWATI",
                                         "RAHMAWATI", "HERAWATI",   "ROSITA",    "SUNDARI",
                                         "NURJANAH",  "MULYATI",    "KARTIKA",   "SETIAWATI"};

constexpr sv kBatakMale[] = {
    "JOHANNES", "ROBERT",  "DAVID",   "MARULI",  "HOTMAN",    "PARLINDUNGAN", "TUMPAL",
    "BONAR",    "SAHAT",   "JONNY",   "POLTAK",  "HENDRIK",   "MARTUA",       "BINSAR",
    "DANIEL",   "SAMUEL",  "ANDREAS", "BERNARD", "MANGATUR",  "TIGOR",        "RICARDO",
    "AHMAD",    "SYAHRIL", "RAHMAT",  "FRANS",   "JUNJUNGAN", "TOGAR",        "LAMHOT"};
constexpr sv kBatakFemale[] = {
    "ROSMAWATI", "TIURMA", "DELIMA",    "LAMRIA",    "MASNIARI", "ROSDIANA", "MARIA",   "RUTH",
    "SARAH",     "DEBORA", "ELISABETH", "NURHAYATI", "YUNITA",   "MARTHA",   "HOTNIDA", "SINTA",
    "LASMA",     "RIA",    "ROSLINA",   "TETTY",     "DUMARIA",  "NURMAIDA"};
constexpr sv kMarga[] = {
    "SIMANJUNTAK", "SITUMORANG",  "SINAGA",   "PANJAITAN",      "TAMPUBOLON", "SIAHAAN",
    "MANURUNG",    "SIHOMBING",   "PASARIBU", "SIMATUPANG",     "HUTAGALUNG", "HUTAPEA",
    "NAPITUPULU",  "SIREGAR",     "NASUTION", "LUBIS",          "HARAHAP",    "SIAGIAN",
    "SILALAHI",    "SIMANULLANG", "SITOMPUL", "SIBURIAN",       "MARPAUNG",   "SIMAMORA",
    "GINTING",     "SEMBIRING",   "TARIGAN",  "PERANGIN-ANGIN", "PURBA",      "DAMANIK",
    "SARAGIH",     "HASIBUAN",    "DAULAY",   "RITONGA",        "PULUNGAN",   "BATUBARA"};

constexpr sv kMinangMale[] = {
    "AFRIZAL", "ZULKIFLI", "RIZAL",    "HENDRA", "DEDI",     "SYAFRUDDIN", "ZULHENDRI", "YUSRIZAL",
    "FAUZI",   "ERIZAL",   "JASMAN",   "NASRUL", "ALFIAN",   "ARDIANSYAH", "BUDIMAN",   "DASRIL",
    "EFENDI",  "YULIZAR",  "ZULFAHMI", "ASRUL",  "NOVRIZAL", "MASRIL"};
constexpr sv kMinangFemale[] = {"YULIANTI", "NURHAYATI", "YUSNIMAR", "ELFI",    "DESWITA",
                                "YENI",     "ROSMIATI",  "ASNIDAR",  "NURLELA", "SUSMIYANTI",
                                "ERNAWATI", "YARNI",     "FITRI",    "WIDYA",   "YUSNETI",
                                "ROSNIDA",  "DESMAWATI", "ZURAIDA",  "ELVIRA",  "NELLY"};
constexpr sv kMinangSecond[] = {"PUTRA",  "SAPUTRA", "ANWAR",   "SYAHPUTRA", "HIDAYAT", "ZAINAL",
                                "EFENDI", "SUTAN",   "MUCHTAR", "AMIR",      "ILYAS",   "HASAN"};
constexpr sv kMinangFemaleSecond[] = {"PUTRI",  "WATI", "YANTI",  "SARI", "HAYATI",
                                      "NOVITA", "DEWI", "ASMARA", "ROSA"};

// Balinese birth-order names: first, second, third and fourth child; the fifth starts again.
constexpr sv kBalineseOrder1[] = {"WAYAN", "PUTU", "GEDE"};
constexpr sv kBalineseOrder1Female[] = {"WAYAN", "PUTU", "LUH"};
constexpr sv kBalineseOrder2[] = {"MADE", "KADEK", "NENGAH"};
constexpr sv kBalineseOrder3[] = {"NYOMAN", "KOMANG"};
constexpr sv kBalineseMale[] = {"SUDARSANA", "SUARDANA", "ARTAWAN", "MERTA",    "SUTAMA",
                                "ADNYANA",   "WIRAWAN",  "SUPARTA", "ASTAWA",   "DARMAWAN",
                                "SUJANA",    "WIRYAWAN", "PARWATA", "KARIASA",  "SUKADANA",
                                "ARIMBAWA",  "PUTRA",    "BUDIASA", "SWASTIKA", "WIDIANA"};
constexpr sv kBalineseFemale[] = {"SUARTINI",   "LESTARI",    "ANTARI",   "ARIANI",  "SUWITRI",
                                  "WIDIASTUTI", "SUDIARTINI", "KARTINI",  "ARMINI",  "SRI",
                                  "ASTITI",     "YULIANTARI", "DEWI",     "MARTINI", "SUKARMINI",
                                  "PURNAMI",    "RAI",        "WINDAYANI"};

constexpr sv kBugisMale[] = {
    "MUHAMMAD ARSYAD", "HASANUDDIN", "SYAMSUL ALAM", "ABDUL RAHMAN", "BAHARUDDIN", "SYAHRIR",
    "AMIRUDDIN",       "NASRUL",     "ILHAM",        "ARIFIN",       "BASO",       "ABDUL LATIF",
    "MAKMUR",          "SUDIRMAN",   "JUMADI",       "RUSDI",        "AKBAR",      "HAERUL",
    "MUSTARI",         "SYAMSUDDIN", "IDRIS",        "RAHMAN"};
constexpr sv kBugisFemale[] = {"NURHAENI",  "HASNAWATI", "ST. NURHAYATI", "MARLINA",   "HASMAWATI",
                               "RAHMATIA",  "NURLIAH",   "HADIJAH",       "KASMAWATI", "JUMRIANI",
                               "SUKMAWATI", "HAJRAH",    "SITTI AMINAH",  "HARTATI",   "NURMIATI",
                               "MASNIAH",   "SUHARNI",   "MUSDALIFAH"};

constexpr sv kButonMale[] = {"MUHAMMAD",     "JAHARI",    "SAFIUDDIN",  "RUSLAN",
                             "HAMIRUDDIN",   "ALIMUDDIN", "ASRIN",      "SAIDI",
                             "MUHAMMAD ALI", "HASIM",     "KAMARUDDIN", "ZAINUDDIN"};
constexpr sv kButonFemale[] = {"SITTI",        "NURMA", "HASNIA", "SAMSIAH", "NURHAENI", "RAHMA",
                               "SITTI MARIAM", "HADIA", "FATMA",  "JUMIA",   "WAHIDA"};

constexpr sv kChineseMale[] = {"WILLIAM", "STEVEN", "KEVIN", "VINCENT",  "HENDRA",
                               "HENDRIK", "BUDI",   "FERRY", "JOHAN",    "SUSANTO",
                               "ANTONI",  "ERWIN",  "RUDY",  "JIMMY",    "DARMAWAN",
                               "ALBERT",  "EDWARD", "FELIX", "JONATHAN", "ANDY"};
constexpr sv kChineseFemale[] = {"JESSICA",  "MICHELLE",  "FELICIA",  "LIANA",   "LILY",
                                 "MEILIANA", "SUSANTI",   "LINDA",    "YENNY",   "WENNY",
                                 "MELISSA",  "CHRISTINE", "VERONICA", "NATALIA", "MERRY",
                                 "SHERLY",   "CINDY",     "GRACE"};
constexpr sv kChineseIndonesianFamily[] = {
    "GUNAWAN", "WIJAYA", "TANOTO",   "HALIM",    "SANTOSO", "TANUWIJAYA", "SETIAWAN",
    "LIMANTO", "KUSUMA", "SUGIANTO", "HARTONO",  "SALIM",   "TANJAYA",    "SUTANTO",
    "WIRYA",   "LIMAN",  "HALIMAN",  "SIDHARTA", "TANDEAN", "ONGKO"};
constexpr sv kChineseClan[] = {"TAN",   "LIE",   "LIM",  "ONG", "GO",  "THE", "BONG",
                               "TJHIN", "CHANG", "WONG", "KHO", "LAU", "OEY", "NG"};
constexpr sv kChineseSyllable[] = {"KIM", "HOA",   "SWIE", "LING", "FUNG",  "SUI", "KHIUN",
                                   "FA",  "MEI",   "LAN",  "HOK",  "LIONG", "SIN", "JIN",
                                   "NIO", "BIAUW", "TJOE", "HONG", "KIAT",  "YAN", "LIAN"};

constexpr sv kArabMale[] = {"AHMAD", "MUHAMMAD", "HUSEIN", "UMAR",  "ALI",   "HASAN",
                            "SALIM", "ABDULLAH", "FAHMI",  "SEGAF", "IDRUS", "THALIB"};
constexpr sv kArabFemale[] = {"FATIMAH", "AISYAH",  "KHADIJAH", "SALMA",   "NAILA",
                              "ZAHRA",   "RUGAYAH", "NUR",      "LUTFIAH", "SUNDUS"};
constexpr sv kArabFamily[] = {"ALATAS", "ASSEGAF",  "ALHABSYI",  "BAHASYIM",
                              "ALKAFF", "BARAQBAH", "BASALAMAH", "ALJUFRI",
                              "SHAHAB", "BAFADAL",  "BAWAZIER",  "ALAYDRUS"};

constexpr sv kMalayMale[] = {
    "MUHAMMAD", "AHMAD",   "ABDUL RAHMAN", "RAHMAT",   "ZULFIKAR", "SULAIMAN",  "ISMAIL",
    "IBRAHIM",  "YUSUF",   "HASAN",        "HUSAINI",  "FAISAL",   "ZAINAL",    "MUKHTAR",
    "RAZALI",   "SYAHRUL", "TAUFIK",       "MARZUKI",  "BUKHARI",  "NASRULLAH", "IRWANSYAH",
    "ABDULLAH", "HAMDAN",  "JUNAIDI",      "SAMSUDIN", "MA'RUF",   "FAHRUL"};
constexpr sv kMalayFemale[] = {"FATIMAH",  "AISYAH",  "KHADIJAH", "NURHAYATI", "ZAINAB",
                               "MAIMUNAH", "RAHMAH",  "NURAINI",  "NUR'AINI",  "SALMAH",
                               "SAFRIDA",  "MAWARNI", "YUSNIDAR", "ROSNAWATI", "HALIMAH",
                               "NORMA",    "JAMILAH", "MARIATUN", "RUSMINI",   "SITI HAWA"};
constexpr sv kMalaySecond[] = {"HIDAYAT", "ARIFIN", "HAMZAH", "SAPUTRA",  "SYAHPUTRA",
                               "RAMLI",   "YUNUS",  "USMAN",  "ISKANDAR", "NASUTION"};

constexpr sv kMinahasaMale[] = {"JEFRI",  "STEVEN", "ROY",    "RONALD", "JOHNY",  "FERDY",
                                "MAIKEL", "STENLY", "HENDRY", "FRANKY", "ALFRED", "MEIDY",
                                "RONNY",  "JOPIE",  "DENNY",  "ARNOLD"};
constexpr sv kMinahasaFemale[] = {"MEYLAN",  "FRANSISKA", "JEANE", "NOVA",   "DEISY",
                                  "VIVI",    "JULIN",     "JOUDY", "MEISKE", "LENNY",
                                  "HERLINA", "SISKA",     "GRACE", "VONNY"};
constexpr sv kMinahasaFamily[] = {"WOWOR",   "RUMONDOR",   "SUMAMPOUW",  "TUMBELAKA", "LUMENTUT",
                                  "MANDAGI", "PANGEMANAN", "KAWILARANG", "SONDAKH",   "RUNTUWENE",
                                  "LONTOH",  "POLII",      "RAMBING",    "KALANGI",   "WALANDOUW",
                                  "TUMEWU",  "LENGKONG",   "MAMAHIT",    "SUMOLANG",  "WAROUW"};

constexpr sv kAmbonMale[] = {"YOHANIS", "MARTHEN", "BENNY",     "EDUARD", "SEMUEL",  "FREDRIK",
                             "PIETER",  "ABRAHAM", "DOMINGGUS", "JACOB",  "NICOLAS", "RICHARD"};
constexpr sv kAmbonFemale[] = {"YOHANA",   "MARIA",  "ELISABETH", "NOVITA",   "JOSINA",
                               "CAROLINA", "MARTHA", "SANDRA",    "FERONIKA", "DORTHEA"};
constexpr sv kAmbonFamily[] = {"PATTIRUHU",    "LATUHARHARY",   "SAHETAPY",     "TUHUMURY",
                               "WATTIMENA",    "PATTINASARANY", "LEIWAKABESSY", "MAHULETTE",
                               "PATTIPEILOHY", "LATUMAHINA",    "TUANAKOTTA",   "SOUMOKIL",
                               "NANLOHY",      "RUHULESSIN",    "TUASIKAL",     "SAIMIMA"};

constexpr sv kPapuanMale[] = {"YAKOBUS", "MARTHEN",  "FRANS",   "OKTOVIANUS", "YULIANUS",
                              "NATALIS", "MARKUS",   "YOHANES", "ELIAS",      "MESAK",
                              "HERMAN",  "DEMIANUS", "YUNUS",   "SEPNAT",     "AMOS"};
constexpr sv kPapuanFemale[] = {"YOSINA", "AGUSTINA", "YULIANA",  "MARIA",  "DORKAS",
                                "NELLY",  "REGINA",   "SELFINA",  "BERTHA", "MERI",
                                "LINCE",  "YOHANA",   "KORNELIA", "ANACE"};
constexpr sv kPapuanFamily[] = {"WENDA",    "KOGOYA",   "WANIMBO",  "TABUNI",   "YIKWA",
                                "KAMBU",    "RUMBIAK",  "MANDOWEN", "WOMSIWOR", "IWANGGIN",
                                "MURIB",    "ENUMBI",   "WONDA",    "KOBAK",    "MAYOR",
                                "RUMAKIEK", "KARUBABA", "SAWAKI",   "YOMAN",    "DIMARA"};

constexpr sv kEasternMale[] = {"YOHANES",    "AGUSTINUS", "PETRUS",     "YOSEPH",   "KORNELIS",
                               "SIPRIANUS",  "MARKUS",    "FRANSISKUS", "ANSELMUS", "BERNADUS",
                               "VINSENSIUS", "ALOYSIUS",  "YAKOBUS",    "PAULUS",   "ANTONIUS",
                               "ALEKSIUS",   "SEPTIANUS"};
constexpr sv kEasternFemale[] = {"YOHANA",   "MARIA",     "FLORIANA",  "YUSTINA", "MARGARETA",
                                 "FERNANDA", "KRISTINA",  "BERNADETA", "PAULINA", "ROSALIA",
                                 "SESILIA",  "MAGDALENA", "VERONIKA",  "AGNES"};
constexpr sv kEasternFamily[] = {"NDUN",     "FANGGIDAE", "MESAKH",    "TALLO", "LAKA",  "DA COSTA",
                                 "DA SILVA", "PARERA",    "FERNANDEZ", "BENU",  "SERAN", "BERE",
                                 "KOLO",     "NAHAK",     "TEFA",      "NENO",  "LOBO",  "DJAWA",
                                 "KEFI",     "SAU",       "BANI",      "TOKAN"};

// Pan-Indonesian names of the 1995+ generations.
constexpr sv kModernMale[] = {"MUHAMMAD", "MUHAMMAD", "M.",     "AHMAD",    "RIZKY",   "DIMAS",
                              "FAREL",    "ALIF",     "RAFI",   "ILHAM",    "FAJAR",   "ANDIKA",
                              "BAYU",     "REZA",     "ARYA",   "DAFFA",    "RADITYA", "GILANG",
                              "YOGA",     "ADITYA",   "FIRMAN", "AKBAR",    "HAIKAL",  "ZIDAN",
                              "NAUFAL",   "AZKA",     "ARKAN",  "ATHALLAH", "RAFFA",   "FARHAN"};
constexpr sv kModernMaleSecond[] = {
    "RIZKY",    "PRATAMA", "SAPUTRA", "RAMADHAN", "ALFARIZI",   "FIRMANSYAH", "MAULANA",
    "HIDAYAT",  "NUGRAHA", "ADITYA",  "PUTRA",    "ARDIANSYAH", "SYAHPUTRA",  "AL FATIH",
    "FADHILAH", "AKBAR",   "FAUZAN",  "ALFIAN",   "KURNIAWAN",  "ARRASYID"};
constexpr sv kModernFemale[] = {"SITI",  "PUTRI",   "AULIA",     "NABILA", "NAYLA", "AQILA",
                                "ZAHRA", "DINDA",   "SALSABILA", "ANISA",  "AYU",   "INDAH",
                                "RISKA", "DELLA",   "AMELIA",    "CITRA",  "NUR",   "KEISHA",
                                "ALYA",  "AZZAHRA", "FITRI",     "DWI",    "NADIA", "SYIFA"};
constexpr sv kModernFemaleSecond[] = {
    "RAMADHANI", "LESTARI",   "PERMATASARI", "PUTRI",       "NURHALIZA",  "AZZAHRA",
    "SAFITRI",   "AULIA",     "ANGGRAINI",   "KHAIRUNNISA", "MAHARANI",   "PRATIWI",
    "RAHMADANI", "WULANDARI", "FEBRIANTI",   "OKTAVIANI",   "NOVITASARI", "ZAHRANI"};

constexpr sv kOldMaleTitles[] = {"DRS.", "IR.", "DR."};
constexpr sv kAcademicSuffix[] = {", S.PD.",       ", S.E.",   ", S.H.", ", S.KOM.", ", A.MD.KEP.",
                                  ", S.KEP., NS.", ", S.SOS.", ", S.T.", ", S.AG.",  ", M.PD."};

// --- Helpers ------------------------------------------------------------------------------------

void Add(std::string* out, sv word) {
  if (!out->empty() && out->back() != ' ') out->push_back(' ');
  out->append(word.data(), word.size());
}

bool IsMuslimTradition(NameGroup g) {
  switch (g) {
    case NameGroup::kJavanese:
    case NameGroup::kSundanese:
    case NameGroup::kMinang:
    case NameGroup::kBugis:
    case NameGroup::kButon:
    case NameGroup::kArab:
    case NameGroup::kMalay:
      return true;
    default:
      return false;
  }
}

// Whether someone born in `birth_year` gets one of the newer multi-part names.
bool UsesModernName(NameGroup g, int birth_year, Random& random) {
  if (g == NameGroup::kArab || !IsMuslimTradition(g) || birth_year < 1995) return false;
  return random.Percent(birth_year >= 2005 ? 75 : 55);
}

void AppendModern(Sex sex, Random& random, std::string* out) {
  const bool male = sex == Sex::kMale;
  sv first = male ? random.Pick(kModernMale) : random.Pick(kModernFemale);
  Add(out, first);
  sv second = male ? random.Pick(kModernMaleSecond) : random.Pick(kModernFemaleSecond);
  if (second != first) Add(out, second);
  if (random.Percent(35)) {
    sv third = male ? random.Pick(kModernMaleSecond) : random.Pick(kModernFemaleSecond);
    if (third != second && third != first) Add(out, third);
  }
}

sv BalineseOrderName(int order, Sex sex, Random& random) {
  switch ((order - 1) % 4) {
    case 0:
      return sex == Sex::kMale ? random.Pick(kBalineseOrder1) : random.Pick(kBalineseOrder1Female);
    case 1:
      return random.Pick(kBalineseOrder2);
    case 2:
      return random.Pick(kBalineseOrder3);
    default:
      return "KETUT";
  }
}

}  // namespace

FamilyNaming NewFamily(NameGroup group, Random& random) {
  FamilyNaming f;
  f.group = group;
  switch (group) {
    case NameGroup::kBatak:
      f.surname = std::string(random.Pick(kMarga));
      break;
    case NameGroup::kChinese:
      f.surname = std::string(random.Percent(85) ? random.Pick(kChineseIndonesianFamily)
                                                 : random.Pick(kChineseClan));
      break;
    case NameGroup::kArab:
      f.surname = std::string(random.Pick(kArabFamily));
      break;
    case NameGroup::kMinahasa:
      f.surname = std::string(random.Pick(kMinahasaFamily));
      break;
    case NameGroup::kAmbon:
      f.surname = std::string(random.Pick(kAmbonFamily));
      break;
    case NameGroup::kPapuan:
      f.surname = std::string(random.Pick(kPapuanFamily));
      break;
    case NameGroup::kEastern:
      f.surname = std::string(random.Pick(kEasternFamily));
      break;
    case NameGroup::kBugis:
      f.noble = random.Percent(12);  // ANDI
      break;
    case NameGroup::kButon:
      f.noble = random.Percent(20);  // LA ODE / WA ODE
      break;
    case NameGroup::kMalay:
      f.noble = random.Percent(4);  // TEUKU / CUT (Acehnese)
      break;
    case NameGroup::kBalinese:
      f.noble = random.Percent(6);  // IDA BAGUS / IDA AYU
      break;
    default:
      break;
  }
  f.father_given = std::string(MaleFirstName(group, random));
  return f;
}

absl::string_view MaleFirstName(NameGroup group, Random& random) {
  switch (group) {
    case NameGroup::kJavanese:
      return random.Pick(kJavaneseMale);
    case NameGroup::kSundanese:
      return random.Pick(kSundaneseMale);
    case NameGroup::kBatak:
      return random.Pick(kBatakMale);
    case NameGroup::kMinang:
      return random.Pick(kMinangMale);
    case NameGroup::kBalinese:
      return random.Pick(kBalineseMale);
    case NameGroup::kBugis:
      return random.Pick(kBugisMale);
    case NameGroup::kButon:
      return random.Pick(kButonMale);
    case NameGroup::kChinese:
      return random.Pick(kChineseMale);
    case NameGroup::kArab:
      return random.Pick(kArabMale);
    case NameGroup::kMalay:
      return random.Pick(kMalayMale);
    case NameGroup::kMinahasa:
      return random.Pick(kMinahasaMale);
    case NameGroup::kAmbon:
      return random.Pick(kAmbonMale);
    case NameGroup::kPapuan:
      return random.Pick(kPapuanMale);
    case NameGroup::kEastern:
      return random.Pick(kEasternMale);
  }
  return "BUDI";
}

void AppendName(const FamilyNaming& f, Sex sex, int birth_year, int age, int birth_order,
                Random& random, std::string* out) {
  const bool male = sex == Sex::kMale;
  // Religious and academic titles, as the registry keeps them.
  if (age >= 45 && IsMuslimTradition(f.group) && random.Percent(5)) {
    Add(out, male ? "H." : "HJ.");
  } else if (birth_year < 1966 && random.Percent(2)) {
    Add(out, male ? random.Pick(kOldMaleTitles) : "DRA.");
  }

  switch (f.group) {
    case NameGroup::kJavanese:
      if (UsesModernName(f.group, birth_year, random)) {
        AppendModern(sex, random, out);
      } else {
        const sv first = male ? random.Pick(kJavaneseMale) : random.Pick(kJavaneseFemale);
        Add(out, first);
        if (random.Percent(birth_year < 1960 ? 30 : 65)) {
          const sv second =
              male ? random.Pick(kJavaneseMaleSecond) : random.Pick(kJavaneseFemaleSecond);
          if (second.substr(0, first.size()) != first) Add(out, second);  // not WULAN WULANDARI
        }
      }
      break;
    case NameGroup::kSundanese:
      if (UsesModernName(f.group, birth_year, random)) {
        AppendModern(sex, random, out);
      } else {
        Add(out, male ? random.Pick(kSundaneseMale) : random.Pick(kSundaneseFemale));
        if (random.Percent(80)) {
          Add(out, male ? random.Pick(kSundaneseMaleSecond) : random.Pick(kSundaneseFemaleSecond));
        }
      }
      break;
    case NameGroup::kBatak:
      Add(out, male ? random.Pick(kBatakMale) : random.Pick(kBatakFemale));
      if (!male) Add(out, random.Percent(80) ? "BR" : "BR.");
      Add(out, f.surname);
      break;
    case NameGroup::kMinang:
      if (UsesModernName(f.group, birth_year, random)) {
        AppendModern(sex, random, out);
      } else {
        Add(out, male ? random.Pick(kMinangMale) : random.Pick(kMinangFemale));
        if (random.Percent(40)) {
          Add(out, male ? random.Pick(kMinangSecond) : random.Pick(kMinangFemaleSecond));
        }
      }
      break;
    case NameGroup::kBalinese: {
      if (f.noble) {
        Add(out, male ? "IDA BAGUS" : "IDA AYU");
      } else {
        Add(out, male ? "I" : "NI");
        const bool luh = !male && random.Percent(30);  // NI LUH PUTU ...
        if (luh) Add(out, "LUH");
        const int order = birth_order > 0 ? birth_order : 1 + static_cast<int>(random.Below(4));
        const sv order_name = BalineseOrderName(order, sex, random);
        if (!(luh && order_name == "LUH")) Add(out, order_name);
        if (!male && random.Percent(30)) Add(out, "AYU");
      }
      Add(out, male ? random.Pick(kBalineseMale) : random.Pick(kBalineseFemale));
      if (random.Percent(20)) Add(out, male ? "PUTRA" : "DEWI");
      break;
    }
    case NameGroup::kBugis:
      if (f.noble) Add(out, "ANDI");
      if (UsesModernName(f.group, birth_year, random)) {
        AppendModern(sex, random, out);
      } else {
        Add(out, male ? random.Pick(kBugisMale) : random.Pick(kBugisFemale));
      }
      break;
    case NameGroup::kButon:
      if (f.noble) {
        Add(out, male ? "LA ODE" : "WA ODE");
      } else if (random.Percent(60)) {
        Add(out, male ? "LA" : "WA");
      }
      Add(out, male ? random.Pick(kButonMale) : random.Pick(kButonFemale));
      break;
    case NameGroup::kChinese:
      if (birth_year < 1967 && random.Percent(40)) {
        Add(out, random.Pick(kChineseClan));
        Add(out, random.Pick(kChineseSyllable));
        Add(out, random.Pick(kChineseSyllable));
      } else {
        Add(out, male ? random.Pick(kChineseMale) : random.Pick(kChineseFemale));
        Add(out, f.surname);
      }
      break;
    case NameGroup::kArab:
      if (!male && random.Percent(25)) Add(out, "SYARIFAH");
      Add(out, male ? random.Pick(kArabMale) : random.Pick(kArabFemale));
      Add(out, f.surname);
      break;
    case NameGroup::kMalay:
      if (f.noble) Add(out, male ? "TEUKU" : "CUT");
      if (UsesModernName(f.group, birth_year, random)) {
        AppendModern(sex, random, out);
      } else {
        Add(out, male ? random.Pick(kMalayMale) : random.Pick(kMalayFemale));
        if (random.Percent(20)) {
          Add(out, male ? "BIN" : "BINTI");
          Add(out, f.father_given);
        } else if (random.Percent(35)) {
          Add(out, random.Pick(kMalaySecond));
        }
      }
      break;
    case NameGroup::kMinahasa:
      Add(out, male ? random.Pick(kMinahasaMale) : random.Pick(kMinahasaFemale));
      Add(out, f.surname);
      break;
    case NameGroup::kAmbon:
      Add(out, male ? random.Pick(kAmbonMale) : random.Pick(kAmbonFemale));
      Add(out, f.surname);
      break;
    case NameGroup::kPapuan:
      Add(out, male ? random.Pick(kPapuanMale) : random.Pick(kPapuanFemale));
      Add(out, f.surname);
      break;
    case NameGroup::kEastern:
      Add(out, male ? random.Pick(kEasternMale) : random.Pick(kEasternFemale));
      if (random.Percent(30)) {
        const sv second = male ? random.Pick(kEasternMale) : random.Pick(kEasternFemale);
        if (out->find(second.data(), 0, second.size()) == std::string::npos) Add(out, second);
      }
      Add(out, f.surname);
      break;
  }
  if (age >= 25 && age <= 70 && random.Below(1000) < 8) {
    const sv suffix = random.Pick(kAcademicSuffix);
    out->append(suffix.data(), suffix.size());
  }
}

}  // namespace lindungi::gendata
