// --dump-streams: reassembled bytes per direction to files named from the 5-tuple (as tcpflow does).
//
// Writes go through pwrite() at base + stream offset: delivery is in order, but a gap simply leaves a
// hole (read back as zeros, stored sparse), so offsets in the file are stream offsets, and a file
// closed for the open-file bound can be reopened without seeking bookkeeping.
#include "tcpvet/report/stream_dumper.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "tcpvet/flow/conversation.hpp"
#include "tcpvet/report/format.hpp"

namespace tcpvet::report {
namespace {

std::uint64_t key_of(const flow::Conversation& conversation, unsigned side) noexcept {
    return static_cast<std::uint64_t>(conversation.stream) * 2 + side;
}

// Addresses are formatted by tcpvet (digits, hex, '.', ':'), never taken from payload; ':' would
// be awkward in file names, so IPv6 uses '-' (tcpflow does the same). Anything else outside
// [A-Za-z0-9.-] becomes '_', so no name can hold a '/' or start with '.', whatever the formatter gives.
std::string name_part(const flow::Endpoint& endpoint) {
    std::string text = format_address(endpoint.addr);
    for (char& c : text) {
        const bool plain = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.';
        if (c == ':')
            c = '-';
        else if (!plain)
            c = '_';
    }
    return text + '.' + std::to_string(endpoint.port);
}

constexpr int k_open_flags = O_WRONLY | O_CLOEXEC | O_NOFOLLOW;

}  // namespace

StreamDumper::StreamDumper(std::string directory, std::size_t max_open, std::vector<std::string> protected_paths)
    : m_directory(std::move(directory)),
      m_max_open(std::max<std::size_t>(max_open, 1)),
      m_protected_paths(std::move(protected_paths)) {}

StreamDumper::~StreamDumper() {
    finish();
    if (m_directory_fd >= 0) ::close(m_directory_fd);
}

bool StreamDumper::prepare() {
    std::error_code error;
    std::filesystem::create_directories(m_directory, error);
    m_directory_fd = ::open(m_directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (m_directory_fd < 0) {
        m_error = m_directory + ": cannot use as a directory: " + std::strerror(error ? error.value() : errno);
        return false;
    }
    for (const std::string& path : m_protected_paths) {
        struct stat info {};
        if (::stat(path.c_str(), &info) == 0) m_protected.emplace_back(info.st_dev, info.st_ino);
    }
    return true;
}

void StreamDumper::finish() {
    for (auto& [key, file] : m_files) {
        if (file.fd >= 0) ::close(file.fd);
        file.fd = -1;
        if (!file.temporary.empty()) settle(file, file.temporary.substr(1, file.temporary.rfind('.') - 1));
    }
    m_files.clear();
    m_open_keys.clear();
}

std::string StreamDumper::file_name(const flow::Conversation& conversation, unsigned side) {
    char stream[24];
    std::snprintf(stream, sizeof stream, "stream-%06u_", static_cast<unsigned>(conversation.stream));
    return std::string(stream) + name_part(conversation.side[0].endpoint) + '-' +
           name_part(conversation.side[1].endpoint) + (side == 0 ? ".client" : ".server");
}

bool StreamDumper::is_plain_file_name(std::string_view name) noexcept {
    return !name.empty() && name.front() != '.' && name.find('/') == std::string_view::npos &&
           name.find('\0') == std::string_view::npos;
}

void StreamDumper::fail(const std::string& what) {
    ++m_stats.errors;
    if (m_error.empty()) m_error = what;
}

// ".NAME.N": created, never opened if it exists (a leftover, or planted); the next N is tried then.
bool StreamDumper::create_temporary(OpenFile& file, const std::string& name) {
    for (unsigned attempt = 0; attempt < 100; ++attempt) {
        const std::string temporary = '.' + name + '.' + std::to_string(static_cast<unsigned>(::getpid()) + attempt);
        file.fd = ::openat(m_directory_fd, temporary.c_str(), k_open_flags | O_CREAT | O_EXCL, 0644);
        if (file.fd >= 0) {
            struct stat info {};
            if (::fstat(file.fd, &info) == 0) file.inode = info.st_ino;
            file.temporary = temporary;
            return true;
        }
        if (errno != EEXIST) break;
    }
    file.failed = true;
    fail(m_directory + '/' + name + ": cannot create: " + std::strerror(errno));
    return false;
}

// The file may have been swapped for another (a hard link to someone else's file) while closed.
bool StreamDumper::reopen(OpenFile& file, const std::string& name, const std::string& path) {
    file.fd = ::openat(m_directory_fd, path.c_str(), k_open_flags);
    struct stat info {};
    if (file.fd >= 0 && (::fstat(file.fd, &info) != 0 || info.st_ino != file.inode || !S_ISREG(info.st_mode))) {
        ::close(file.fd);
        file.fd = -1;
        errno = EEXIST;
    }
    if (file.fd >= 0) return true;
    file.failed = true;
    fail(m_directory + '/' + name + ": cannot reopen: " +
         (errno == EEXIST ? std::string("replaced by another file") : std::string(std::strerror(errno))));
    return false;
}

void StreamDumper::put_in_place(OpenFile& file, const std::string& name) {
    struct stat existing {};
    const bool exists = ::fstatat(m_directory_fd, name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0;
    const bool is_input = exists && std::find(m_protected.begin(), m_protected.end(),
                                              std::pair<std::uint64_t, std::uint64_t>(
                                                  existing.st_dev, existing.st_ino)) != m_protected.end();
    if (is_input) {
        fail(m_directory + '/' + name + ": is an input; not replacing it (its bytes were left in " + file.temporary +
             ')');
    } else if (::renameat(m_directory_fd, file.temporary.c_str(), m_directory_fd, name.c_str()) != 0) {
        fail(m_directory + '/' + name + ": cannot rename into place: " + std::strerror(errno));
    } else {
        m_created[file.key] = file.inode;
    }
    file.temporary.clear();
}

// A file that failed is half written: its temporary goes, so no partial stream stands under its name.
void StreamDumper::settle(OpenFile& file, const std::string& name) {
    if (file.temporary.empty()) return;
    if (!file.failed) {
        put_in_place(file, name);
        return;
    }
    (void)::unlinkat(m_directory_fd, file.temporary.c_str(), 0);
    file.temporary.clear();
}

bool StreamDumper::open_file(OpenFile& file, const flow::Conversation& conversation, unsigned side, bool fresh) {
    const std::uint64_t key = key_of(conversation, side);
    if (m_open_keys.size() >= m_max_open) {
        // Close the least recently written file; it is reopened if more of its stream arrives.
        std::size_t oldest = 0;
        for (std::size_t i = 1; i < m_open_keys.size(); ++i) {
            if (m_files[m_open_keys[i]].last_use < m_files[m_open_keys[oldest]].last_use) oldest = i;
        }
        close_file(m_open_keys[oldest], m_files[m_open_keys[oldest]]);
    }
    const std::string name = file_name(conversation, side);
    file.key = key;
    if (!is_plain_file_name(name)) {  // defence in depth: openat() would resolve a '/' or ".."
        file.failed = true;
        fail(m_directory + ": stream file name \"" + name + "\" would leave the directory; not written");
        return false;
    }
    if (!fresh) {  // closed for the open-file bound, or at the end of a conversation
        if (!reopen(file, name, file.temporary.empty() ? name : file.temporary)) return false;
        ++m_stats.reopened;
    } else if (const auto made = m_created.find(key); made != m_created.end()) {
        // The same stream number resumed (idle-timeout split): its offsets restart at 0, appended.
        file.inode = made->second;
        if (!reopen(file, name, name)) return false;
        const off_t size = ::lseek(file.fd, 0, SEEK_END);
        file.base = size > 0 ? static_cast<std::uint64_t>(size) : 0;
    } else {
        if (!create_temporary(file, name)) return false;
        ++m_stats.files;
    }
    m_open_keys.push_back(key);
    return true;
}

void StreamDumper::close_file(std::uint64_t key, OpenFile& file) {
    if (file.fd < 0) return;
    ::close(file.fd);
    file.fd = -1;
    const auto it = std::find(m_open_keys.begin(), m_open_keys.end(), key);
    if (it != m_open_keys.end()) m_open_keys.erase(it);
}

StreamDumper::OpenFile* StreamDumper::file_for(const flow::Conversation& conversation, unsigned side) {
    const auto [it, fresh] = m_files.try_emplace(key_of(conversation, side));
    OpenFile& file = it->second;
    file.last_use = ++m_clock;
    if (file.failed) return nullptr;
    if (file.fd < 0 && !open_file(file, conversation, side, fresh)) return nullptr;
    return &file;
}

void StreamDumper::on_stream_data(const flow::Conversation& conversation, unsigned side, std::uint64_t offset,
                                  Bytes data) {
    OpenFile* file = file_for(conversation, side);
    if (file == nullptr) return;
    const auto* bytes = reinterpret_cast<const char*>(data.data());
    std::size_t done = 0;
    while (done < data.size()) {
        const auto at = static_cast<off_t>(file->base + offset + done);
        const ssize_t written = ::pwrite(file->fd, bytes + done, data.size() - done, at);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) {
            fail(m_directory + '/' + file_name(conversation, side) + ": cannot write: " + std::strerror(errno));
            file->failed = true;
            close_file(key_of(conversation, side), *file);
            return;
        }
        done += static_cast<std::size_t>(written);
    }
    m_stats.bytes += data.size();
    file->stream_end = std::max(file->stream_end, offset + data.size());
}

void StreamDumper::on_stream_gap(const flow::Conversation& conversation, unsigned side, std::uint64_t offset,
                                 std::uint64_t length) {
    ++m_stats.gaps;
    const auto it = m_files.find(key_of(conversation, side));
    if (it != m_files.end()) it->second.stream_end = std::max(it->second.stream_end, offset + length);
}

void StreamDumper::on_conversation_end(const flow::Conversation& conversation) {
    for (unsigned side = 0; side < 2; ++side) {
        const std::uint64_t key = key_of(conversation, side);
        const auto it = m_files.find(key);
        if (it == m_files.end()) continue;
        OpenFile& file = it->second;
        // A trailing gap still counts in the file's length (a hole up to the stream's end).
        if (!file.failed && (file.fd >= 0 || open_file(file, conversation, side, false))) {
            struct stat info {};
            const auto end = static_cast<off_t>(file.base + file.stream_end);
            if (::fstat(file.fd, &info) == 0 && info.st_size < end && ::ftruncate(file.fd, end) != 0) {
                fail(m_directory + '/' + file_name(conversation, side) +
                     ": cannot extend over the final gap: " + std::strerror(errno));
            }
        }
        close_file(key, file);
        settle(file, file_name(conversation, side));
        m_files.erase(it);
    }
}

}  // namespace tcpvet::report
