#include "lindungi/dcc/compression.h"

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace lindungi::dcc {
namespace {

Bytef* MutableBytes(absl::string_view s) {
  // zlib's next_in is not const-qualified, but inflate and deflate only read it.
  return reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
}

}  // namespace

std::string ZlibCompress(absl::string_view data) {
  // One deflate state per thread, reset between calls: initialising one costs more than
  // compressing a certificate.
  struct Deflater {
    z_stream stream{};
    bool ready = false;
    Deflater() { ready = deflateInit(&stream, Z_BEST_COMPRESSION) == Z_OK; }
    ~Deflater() {
      if (ready) deflateEnd(&stream);
    }
  };
  thread_local Deflater deflater;
  if (!deflater.ready) {
    std::fprintf(stderr, "lindungi::dcc: zlib deflateInit failed (out of memory)\n");
    std::abort();
  }
  z_stream& stream = deflater.stream;
  deflateReset(&stream);
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = MutableBytes(data);
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  // deflateBound guarantees that a single Z_FINISH call completes.
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) {
    std::fprintf(stderr, "lindungi::dcc: zlib deflate did not finish within deflateBound\n");
    std::abort();
  }
  out.resize(stream.total_out);
  return out;
}

absl::StatusOr<std::string> ZlibInflate(absl::string_view data, size_t max_output) {
  if (data.size() > kMaxInflatedSize * 1024) {
    return absl::InvalidArgumentError("zlib: input too large");
  }
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) return absl::ResourceExhaustedError("zlib: inflateInit failed");
  std::string out;
  char buffer[16 * 1024];
  stream.next_in = MutableBytes(data);
  stream.avail_in = static_cast<uInt>(data.size());
  absl::Status status;
  while (true) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    const int rc = inflate(&stream, Z_NO_FLUSH);
    const size_t produced = sizeof(buffer) - stream.avail_out;
    if (out.size() + produced > max_output) {
      status = absl::ResourceExhaustedError(
          absl::StrCat("zlib: inflates past the limit of ", max_output, " bytes"));
      break;
    }
    out.append(buffer, produced);
    if (rc == Z_STREAM_END) {
      if (stream.avail_in != 0) {
        status = absl::InvalidArgumentError(
            absl::StrCat("zlib: ", stream.avail_in, " bytes after the end of the stream"));
      }
      break;
    }
    if (rc == Z_BUF_ERROR && stream.avail_in == 0) {
      status = absl::InvalidArgumentError("zlib: truncated stream");
      break;
    }
    if (rc != Z_OK) {
      status = absl::InvalidArgumentError(
          absl::StrCat("zlib: ", stream.msg != nullptr ? stream.msg : "corrupt stream"));
      break;
    }
  }
  inflateEnd(&stream);
  if (!status.ok()) return status;
  return out;
}

bool HasZlibHeader(absl::string_view data) {
  if (data.size() < 2) return false;
  const uint8_t cmf = static_cast<uint8_t>(data[0]);
  const uint8_t flg = static_cast<uint8_t>(data[1]);
  return (cmf & 0x0F) == 8 && (cmf >> 4) <= 7 && (cmf * 256 + flg) % 31 == 0;
}

}  // namespace lindungi::dcc
