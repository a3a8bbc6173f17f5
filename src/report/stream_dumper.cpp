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
// be awkward in file names, so IPv6 uses '-' (tcpflow does the same).
std::string name_part(const flow::Endpoint& endpoint) {
    std::string text = format_address(endpoint.addr);
    std::replace(text.begin(), text.end(), ':', '-');
    return text + '.' + std::to_string(endpoint.port);
}

}  // namespace

StreamDumper::StreamDumper(std::string directory, std::size_t max_open)
    : m_directory(std::move(directory)), m_max_open(std::max<std::size_t>(max_open, 1)) {}

StreamDumper::~StreamDumper() {
    for (auto& [key, file] : m_files) {
        if (file.fd >= 0) ::close(file.fd);
    }
}

bool StreamDumper::prepare() {
    std::error_code error;
    std::filesystem::create_directories(m_directory, error);
    if (!std::filesystem::is_directory(m_directory, error)) {
        m_error = m_directory + ": cannot create directory";
        return false;
    }
    return true;
}

std::string StreamDumper::file_name(const flow::Conversation& conversation, unsigned side) {
    char stream[24];
    std::snprintf(stream, sizeof stream, "stream-%06u_", static_cast<unsigned>(conversation.stream));
    return std::string(stream) + name_part(conversation.side[0].endpoint) + '-' +
           name_part(conversation.side[1].endpoint) + (side == 0 ? ".client" : ".server");
}

void StreamDumper::fail(const std::string& what) {
    ++m_stats.errors;
    if (m_error.empty()) m_error = what;
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
    if (m_created.size() <= key) m_created.resize(std::max<std::size_t>(key + 1, m_created.size() * 2), false);
    const std::string path = m_directory + '/' + file_name(conversation, side);
    const bool first_time = !m_created[key];
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (first_time ? O_TRUNC : 0);
    file.fd = ::open(path.c_str(), flags, 0644);
    if (file.fd < 0) {
        file.failed = true;
        fail(path + ": " + std::strerror(errno));
        return false;
    }
    if (first_time) {
        m_created[key] = true;
        ++m_stats.files;
    } else if (fresh) {
        // The same stream number resumed (idle-timeout split): its offsets restart at 0.
        const off_t size = ::lseek(file.fd, 0, SEEK_END);
        file.base = size > 0 ? static_cast<std::uint64_t>(size) : 0;
    } else {
        ++m_stats.reopened;
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
            fail(file_name(conversation, side) + ": write failed: " + std::strerror(errno));
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
                fail(file_name(conversation, side) + ": cannot extend over the final gap");
            }
        }
        close_file(key, file);
        m_files.erase(it);
    }
}

}  // namespace tcpvet::report
