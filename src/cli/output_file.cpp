// Output files that can never destroy an input (see output_file.hpp).
//
// Why rename: `tcpvet cap.pcap -o cap.pcap` used to truncate the capture before reading it, and an
// interrupted run left half a report where a good one stood. A report now only replaces the old one
// once it is whole; the clash check refuses the first case before anything is opened for writing.
#include "tcpvet/cli/output_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace tcpvet::cli {

std::optional<FileIdentity> identity_of(const std::string& path) {
    struct stat info {};
    if (path.empty() || path == "-" || ::stat(path.c_str(), &info) != 0) return std::nullopt;
    return FileIdentity{info.st_dev, info.st_ino};
}

namespace {

// Names the other path only when it adds something: `-o X -w X` would otherwise say X twice.
std::string two_outputs_message(const std::string& output, const std::string& other) {
    if (output == other) return output + ": is named as two outputs (the same file); not overwriting it";
    return output + ": is also the output " + other + " (the same file); not overwriting it";
}

}  // namespace

std::string find_output_clash(const std::vector<std::string>& inputs, const std::vector<std::string>& outputs) {
    std::vector<std::pair<FileIdentity, std::string>> seen;  // inputs, then the outputs checked so far
    for (const std::string& input : inputs) {
        if (const auto id = identity_of(input)) seen.emplace_back(*id, input);
    }
    const std::size_t input_count = seen.size();
    for (const std::string& output : outputs) {
        const auto id = identity_of(output);
        if (!id) continue;
        for (std::size_t i = 0; i < seen.size(); ++i) {
            if (seen[i].first != *id) continue;
            if (i >= input_count) return two_outputs_message(output, seen[i].second);
            return output + ": is the input " + seen[i].second + " (the same file); not overwriting it";
        }
        seen.emplace_back(*id, output);
    }
    // Two outputs that do not exist yet are the same file when their paths are.
    std::vector<std::pair<std::string, std::string>> names;  // canonical name, as given
    for (const std::string& output : outputs) {
        if (output.empty() || output == "-") continue;
        std::error_code error;
        const std::string name = std::filesystem::weakly_canonical(output, error).string();
        for (const auto& [seen_name, given] : names) {
            if (!error && seen_name == name) return two_outputs_message(output, given);
        }
        names.emplace_back(name, output);
    }
    return {};
}

FdStreamBuf::FdStreamBuf() { setp(m_buffer.data(), m_buffer.data() + m_buffer.size()); }

bool FdStreamBuf::drain() {
    const char* at = pbase();
    while (at < pptr()) {
        const ssize_t written = ::write(m_fd, at, static_cast<std::size_t>(pptr() - at));
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) {
            if (m_error == 0) m_error = written < 0 ? errno : EIO;
            setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
            return false;
        }
        at += written;
    }
    setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
    return true;
}

FdStreamBuf::int_type FdStreamBuf::overflow(int_type ch) {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
        *pptr() = traits_type::to_char_type(ch);
        pbump(1);
    }
    return traits_type::not_eof(ch);
}

int FdStreamBuf::sync() { return drain() ? 0 : -1; }

namespace {

// The mode a plain open(O_CREAT, 0666) would give: 0666 less the umask (read without changing it
// for long: commands open their output before any thread starts).
mode_t created_mode() {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return 0666 & ~mask;
}

std::string directory_of(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string base_of(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A run killed by SIGINT, SIGTERM or SIGHUP (Ctrl-C on a long analysis) would leave its hidden
// temporary behind: the handler removes it, then dies of the signal as it would have (the exit
// status still says "killed by signal"). One temporary at a time (a command has one -o); a signal
// a caller ignores or handles itself is left alone.
constexpr std::array k_fatal_signals{SIGINT, SIGTERM, SIGHUP};
std::array<char, PATH_MAX> g_temporary{};  // NUL-terminated path; valid while g_temporary_set
std::atomic<bool> g_temporary_set{false};
static_assert(std::atomic<bool>::is_always_lock_free, "a signal handler may only touch lock-free atomics");

extern "C" void remove_temporary_and_die(int signal) {
    if (g_temporary_set.load()) ::unlink(g_temporary.data());
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    sigaction(signal, &default_action, nullptr);
    ::raise(signal);  // delivered when the handler returns (the signal is blocked while it runs)
}

// False when another temporary is registered or the path does not fit: it is then merely not
// removed on a signal, and the report it would replace is still safe.
bool register_temporary(const std::string& path) noexcept {
    if (g_temporary_set.load() || path.size() >= g_temporary.size()) return false;
    std::memcpy(g_temporary.data(), path.c_str(), path.size() + 1);
    g_temporary_set.store(true);
    for (const int signal : k_fatal_signals) {
        struct sigaction current {};
        if (sigaction(signal, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) continue;
        struct sigaction cleanup {};
        cleanup.sa_handler = remove_temporary_and_die;
        sigemptyset(&cleanup.sa_mask);
        sigaction(signal, &cleanup, nullptr);
    }
    return true;
}

// After the rename or unlink: a signal in between only unlinks a name that is gone.
void unregister_temporary() noexcept {
    for (const int signal : k_fatal_signals) {
        struct sigaction current {};
        if (sigaction(signal, nullptr, &current) != 0 || current.sa_handler != remove_temporary_and_die) continue;
        struct sigaction default_action {};
        default_action.sa_handler = SIG_DFL;
        sigemptyset(&default_action.sa_mask);
        sigaction(signal, &default_action, nullptr);
    }
    g_temporary_set.store(false);
}

}  // namespace

ReplacingFile::~ReplacingFile() { discard(); }

void ReplacingFile::discard() noexcept {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    if (!m_temporary.empty()) ::unlink(m_temporary.c_str());
    forget_temporary();
}

void ReplacingFile::forget_temporary() noexcept {
    if (m_registered) unregister_temporary();
    m_registered = false;
    m_temporary.clear();
}

bool ReplacingFile::open(const std::string& path, bool in_place) {
    m_target = path;
    struct stat info {};
    const bool exists = ::stat(path.c_str(), &info) == 0;
    if (in_place || (exists && !S_ISREG(info.st_mode))) {
        // /dev/null, a FIFO, a terminal: nothing to protect, and nothing that could be renamed over.
        m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (m_fd < 0) m_error = path + ": cannot open for writing: " + std::strerror(errno);
        return m_fd >= 0;
    }
    // A symlink to a report is followed, as a plain open would: the report replaces its target.
    if (exists) {
        if (char resolved[PATH_MAX]; ::realpath(path.c_str(), resolved) != nullptr) m_target = resolved;
    }
    std::string name = directory_of(m_target) + "/." + base_of(m_target) + ".XXXXXX";
    m_fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (m_fd < 0) {
        // An existing report is only ever replaced whole, so its directory must take a new file.
        m_error = path +
                  (exists ? ": cannot create the file that would replace it in " + directory_of(m_target) + ": "
                          : std::string(": cannot create: ")) +
                  std::strerror(errno);
        return false;
    }
    m_temporary = name;
    m_registered = register_temporary(m_temporary);
    const mode_t mode = exists ? (info.st_mode & 0777) : created_mode();
    if (::fchmod(m_fd, mode) != 0) {
        m_error = path + ": cannot set the mode of " + m_temporary + ": " + std::strerror(errno);
        discard();
        return false;
    }
    return true;
}

bool ReplacingFile::commit() {
    if (m_fd < 0) return false;
    const int fd = m_fd;
    m_fd = -1;
    // fsync first: a rename that reaches the disk before the data would leave an empty report.
    const bool synced = m_temporary.empty() || ::fsync(fd) == 0 || errno == EINVAL;
    const int sync_error = errno;
    if (::close(fd) != 0 || !synced) {
        m_error = m_target + ": cannot write: " + std::strerror(synced ? errno : sync_error);
        discard();
        return false;
    }
    if (!m_temporary.empty() && ::rename(m_temporary.c_str(), m_target.c_str()) != 0) {
        m_error = m_target + ": cannot rename " + m_temporary + " into place: " + std::strerror(errno);
        discard();
        return false;
    }
    forget_temporary();
    return true;
}

}  // namespace tcpvet::cli
