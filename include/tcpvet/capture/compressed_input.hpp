// Capture files compressed with gzip or zstd, read through a decompressing stdio stream.
#pragma once

#include <cstdio>

namespace tcpvet::capture {

enum class Compression : unsigned char { none, gzip, zstd };

// Looks at the first bytes buffered in `source` without consuming them (glibc stdio) and, when
// they are a gzip (1f 8b) or zstd (28 b5 2f fd) magic, returns a new read-only FILE (glibc
// fopencookie) that yields the decompressed bytes and owns `source` (its fclose closes both).
// Otherwise returns `source` itself and sets `kind` to none. Memory stays bounded (fixed input
// and output buffers, whatever the file's size). A corrupt or cut-short stream reads as an error
// with errno EBADMSG. nullptr (errno set) if the stream could not be set up.
[[nodiscard]] FILE* open_decompressed(FILE* source, Compression& kind);

// "gzip", "zstd" or "none".
[[nodiscard]] const char* compression_name(Compression kind) noexcept;

}  // namespace tcpvet::capture
