// gzip (zlib) and zstd (libzstd) decompression behind a FILE*, for pcap_fopen_offline.
#include "tcpvet/capture/compressed_input.hpp"

#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>

namespace tcpvet::capture {

namespace {

constexpr std::size_t k_input_buffer = std::size_t{1} << 16;
constexpr unsigned char k_gzip_magic[] = {0x1f, 0x8b};
constexpr unsigned char k_zstd_magic[] = {0x28, 0xb5, 0x2f, 0xfd};  // ZSTD_MAGICNUMBER, little-endian
constexpr int k_gzip_window_bits = 15 + 16;                         // zlib: a gzip wrapper only

// The bytes stdio has buffered for `fp`, without consuming any: one getc fills the buffer and
// ungetc of the byte just read steps glibc's read pointer back.
std::size_t peek(FILE* fp, const unsigned char*& bytes) {
    const int c = std::getc(fp);
    if (c == EOF) {
        return 0;
    }
    std::ungetc(c, fp);
    bytes = reinterpret_cast<const unsigned char*>(fp->_IO_read_ptr);
    return static_cast<std::size_t>(fp->_IO_read_end - fp->_IO_read_ptr);
}

template <std::size_t N>
bool starts_with(const unsigned char* bytes, std::size_t size, const unsigned char (&magic)[N]) {
    return size >= N && std::memcmp(bytes, magic, N) == 0;
}

struct Decompressor {
    FILE* source = nullptr;
    Compression kind = Compression::none;
    std::unique_ptr<unsigned char[]> input = std::make_unique_for_overwrite<unsigned char[]>(k_input_buffer);
    std::size_t input_pos = 0;
    std::size_t input_size = 0;
    bool source_done = false;
    bool stream_ended = true;  // between gzip members / zstd frames (nothing half-decoded)
    z_stream zlib{};
    ZSTD_DCtx* zstd = nullptr;

    ~Decompressor() {
        if (kind == Compression::gzip) {
            inflateEnd(&zlib);
        }
        ZSTD_freeDCtx(zstd);
    }

    // More compressed bytes; false at the end of the source (or on a read error, errno set).
    bool refill() {
        if (input_pos < input_size) {
            return true;
        }
        if (source_done) {
            return false;
        }
        input_size = std::fread(input.get(), 1, k_input_buffer, source);
        input_pos = 0;
        if (input_size == 0) {
            source_done = true;
            if (std::ferror(source) != 0) {
                errno = EIO;
            }
            return false;
        }
        return true;
    }

    // gzip: members one after another (as gzip -d reads `cat a.gz b.gz`); trailing bytes that are
    // not another member end the stream, as gzip's "trailing garbage ignored".
    ssize_t read_gzip(char* out, std::size_t size) {
        zlib.next_out = reinterpret_cast<Bytef*>(out);
        zlib.avail_out = static_cast<uInt>(size);
        while (zlib.avail_out == size) {
            if (!refill()) {
                break;
            }
            if (stream_ended) {
                if (input[input_pos] != k_gzip_magic[0]) {
                    source_done = true;
                    input_pos = input_size;
                    break;
                }
                inflateReset(&zlib);
                stream_ended = false;
            }
            zlib.next_in = input.get() + input_pos;
            zlib.avail_in = static_cast<uInt>(input_size - input_pos);
            const int status = inflate(&zlib, Z_NO_FLUSH);
            input_pos = input_size - zlib.avail_in;
            if (status == Z_STREAM_END) {
                stream_ended = true;
            } else if (status != Z_OK && status != Z_BUF_ERROR) {
                errno = EBADMSG;
                return -1;
            }
        }
        return finish(size - zlib.avail_out);
    }

    ssize_t read_zstd(char* out, std::size_t size) {
        ZSTD_outBuffer buffer{out, size, 0};
        while (buffer.pos == 0) {
            if (!refill()) {
                break;
            }
            ZSTD_inBuffer in{input.get(), input_size, input_pos};
            const std::size_t status = ZSTD_decompressStream(zstd, &buffer, &in);
            input_pos = in.pos;
            if (ZSTD_isError(status) != 0) {
                errno = EBADMSG;
                return -1;
            }
            stream_ended = status == 0;
        }
        return finish(buffer.pos);
    }

    // Nothing more and the last member/frame unfinished: the file was cut short.
    ssize_t finish(std::size_t produced) const {
        if (produced == 0 && source_done && !stream_ended) {
            errno = EBADMSG;
            return -1;
        }
        return static_cast<ssize_t>(produced);
    }
};

ssize_t cookie_read(void* cookie, char* buffer, std::size_t size) {
    auto* d = static_cast<Decompressor*>(cookie);
    if (size == 0) {
        return 0;
    }
    return d->kind == Compression::gzip ? d->read_gzip(buffer, size) : d->read_zstd(buffer, size);
}

int cookie_close(void* cookie) {
    auto* d = static_cast<Decompressor*>(cookie);
    const int status = std::fclose(d->source);
    delete d;
    return status;
}

}  // namespace

FILE* open_decompressed(FILE* source, Compression& kind) {
    kind = Compression::none;
    const unsigned char* bytes = nullptr;
    const std::size_t size = peek(source, bytes);
    if (starts_with(bytes, size, k_gzip_magic)) {
        kind = Compression::gzip;
    } else if (starts_with(bytes, size, k_zstd_magic)) {
        kind = Compression::zstd;
    } else {
        return source;
    }
    auto d = std::unique_ptr<Decompressor>(new (std::nothrow) Decompressor);
    if (!d) {
        errno = ENOMEM;
        return nullptr;
    }
    d->source = source;
    d->kind = kind;
    if (kind == Compression::gzip) {
        if (inflateInit2(&d->zlib, k_gzip_window_bits) != Z_OK) {
            d->kind = Compression::none;  // nothing for inflateEnd to free
            errno = ENOMEM;
            return nullptr;
        }
    } else {
        d->zstd = ZSTD_createDCtx();
        if (d->zstd == nullptr) {
            errno = ENOMEM;
            return nullptr;
        }
    }
    FILE* stream = fopencookie(d.get(), "rb", cookie_io_functions_t{cookie_read, nullptr, nullptr, cookie_close});
    if (stream == nullptr) {
        return nullptr;
    }
    d.release();  // owned by the stream now, freed in cookie_close
    return stream;
}

const char* compression_name(Compression kind) noexcept {
    switch (kind) {
    case Compression::gzip: return "gzip";
    case Compression::zstd: return "zstd";
    case Compression::none: break;
    }
    return "none";
}

}  // namespace tcpvet::capture
