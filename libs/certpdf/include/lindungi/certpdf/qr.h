#pragma once

// QR codes for `HC1:` strings: libqrencode, ECC level Q, the whole string as one alphanumeric
// segment (Base45 is exactly the QR alphanumeric character set, 5.5 bits per character instead
// of 8 in byte mode).

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lindungi::certpdf {

struct QrCode {
  int version = 0;               // 1..40
  int width = 0;                 // modules per side, without the quiet zone (17 + 4 * version)
  int mask = -1;                 // mask pattern 0..7
  std::vector<uint8_t> modules;  // width * width, row-major from the top left; 1 = dark

  bool Dark(int x, int y) const { return modules[static_cast<size_t>(y) * width + x] != 0; }
};

// Encodes `text` (the characters 0-9 A-Z space $ % * + - . / : only, as every `HC1:` string is)
// at ECC level Q in alphanumeric mode, in the smallest version that holds it, with the mask
// pattern of lowest penalty (ISO/IEC 18004 7.8.3). INVALID_ARGUMENT for an empty string, a
// character outside that set, or more than a version 40 symbol holds (2,420 characters).
// About 130 us for a 558-character HC1 (version 18, certificate-bench stage "qr"; a loop over one
// text measures 75 us, the branch predictor learning it): libqrencode encodes one mask, we derive
// and score the other seven; its own mask search alone takes ~700 us.
absl::StatusOr<QrCode> EncodeQr(absl::string_view text);

// As EncodeQr with a chosen mask pattern (0..7), or -1 for the lowest-penalty one.
absl::StatusOr<QrCode> EncodeQrWithMask(absl::string_view text, int mask);

// The ISO/IEC 18004 7.8.3 penalty score (N1 + N2 + N3 + N4) of a symbol, the quantity EncodeQr
// minimises when it picks the mask. Areas outside the symbol count as light.
int QrPenalty(const QrCode& code);

}  // namespace lindungi::certpdf
